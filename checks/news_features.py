"""What one news draft says, as the same-news comparison reads it (`checks.duplicate`).

Pure: the words come in already segmented (jieba, in `checks.duplicate`) and the part-of-speech
table is passed in, so this module never loads a dictionary itself.

- `pieces`: the draft's two-Han-character pieces (every adjacent pair), a lexical fingerprint
  that tolerates different wording and length: the share of the shorter draft's pieces found in
  the longer is high for two write-ups of one event, and for a short item inside a full article.
- `event_day`: the first date written in the lead (the reader's `extractors.dates`).
- `numbers`: the Arabic numbers the text gives (counts, sums), dates and times left out.
- `entities`: places, people and organisations: jieba's part-of-speech tags (ns / nr / nt) of
  dictionary words, a word joined with the word after it when that makes it a place or an
  organisation (湖滨 + 社区, 西湖 + 派出所), and people named after a title (副区长王建国);
  read in the body (`checks.duplicate` passes it), where a write-up names them.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from extractors.dates import find_event_date

KIND_PLACE = "地点"
KIND_PERSON = "人名"
KIND_ORG = "单位"
ENTITY_KINDS: tuple[str, ...] = (KIND_PLACE, KIND_PERSON, KIND_ORG)

# jieba's part-of-speech tags of a proper name, and what kind of name each is.
_TAG_KINDS: dict[str, str] = {"ns": KIND_PLACE, "nr": KIND_PERSON, "nrt": KIND_PERSON, "nt": KIND_ORG}
NAME_TAGS: frozenset[str] = frozenset(_TAG_KINDS)  # the only tags `entities_of` reads
# Words that, after a place name, make the pair one place (湖滨 社区 → 湖滨社区).
PLACE_SUFFIXES: frozenset[str] = frozenset(
    "社区 小区 街道 村 路 街 巷 弄 路口 公园 广场 花园 新村 家园 苑 湾 镇 乡 活动室 大厦 市场 工地".split()
)
# Words that, after a name, make the pair an organisation (西湖 派出所, 浙大 附属医院).
ORG_SUFFIXES: frozenset[str] = frozenset(
    "派出所 医院 卫生院 学校 小学 中学 幼儿园 大学 学院 中队 大队 支队 公司 银行 集团 协会 商会 委员会 中心 局".split()
)
# Words before 社区/中心/… that do not make a name (在社区, 服务中心).
_NOT_NAMES: frozenset[str] = frozenset(
    "来到 走进 深入 对 在 到 和 与 及 为 各 全 该 本 辖区 所在 服务 活动 党群 社区 街道 周边 附近 老旧 临时 重点 居民".split()
)
# Titles and roles a person's name follows in a news draft.
_TITLES = (
    "书记|副书记|主任|副主任|区长|副区长|部长|主席|副主席|局长|所长|队长|民警|网格员|网格长|委员|"
    "社工|医生|护士|校长|经理|院长|站长|科长|组长|楼长|党员|老人|居民|志愿者|同志"
)
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段章钱汤尹黎易常武乔贺赖龚文"
)
_PERSON = re.compile(rf"(?:{_TITLES})([{_SURNAMES}][\u4e00-\u9fff]{{1,2}})")
# A third character that ends a name rather than belongs to it (王伟表示 → 王伟).
_AFTER_NAME = frozenset("表说介要叮带一指强为在到来深走察检主出陪参作讲同等以和与对向的是了也就")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# An Arabic number that is not part of a date or a time (3月, 12日, 2021年, 9:30, 9时).
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.]|\s*[年月日号时点:：/\-])")


@dataclass(frozen=True)
class EventDay:
    """The event date as written: month may be unknown (`12日`)."""

    month: int | None
    day: int

    def text(self) -> str:
        return f"{self.month}月{self.day}日" if self.month else f"{self.day}日"


@dataclass(frozen=True)
class NewsFeatures:
    """One draft's signature text, its length in Han characters and what is compared."""

    signature: str
    han: int
    pieces: frozenset[str]
    event_day: EventDay | None
    numbers: frozenset[str]


def pieces_of(text: str) -> frozenset[str]:
    """Every pair of adjacent Han characters within a run of Han text, each pair interned: the
    drafts of a window share a few thousand pairs (4,176 in benchmarks/bench_burst.py's 1,800),
    so a draft's set holds references, not strings of its own: with the words (interned too,
    `checks.duplicate._words`), the same-news caches of 1,800 drafts take 37 MB, not 57 MB."""
    out: set[str] = set()
    for run in _HAN_RUN.findall(text):
        out.update(map(sys.intern, (run[i : i + 2] for i in range(len(run) - 1))))
    return frozenset(out)


def numbers_of(text: str, least: int) -> frozenset[str]:
    """The Arabic numbers of at least `least` in `text` (as written, so 120 and 120.0 differ)."""
    return frozenset(n for n in _NUMBER.findall(text) if float(n) >= least)


def event_day_of(text: str) -> EventDay | None:
    """The first date in the lead (the first paragraph, else the text's first 200 characters)."""
    lead = next((line for line in text.splitlines() if line.strip()), "")
    mention = find_event_date(lead) or find_event_date(text[:200])
    return EventDay(mention.month, mention.day) if mention is not None else None


def read_features(title: str, text: str, max_chars: int, least_number: int) -> NewsFeatures:
    """The features of a draft, its title and body cut to `max_chars` (the duplicate bound)."""
    signature = f"{title}\n{text}"[:max_chars]
    return NewsFeatures(
        signature=signature,
        han=len(_HAN.findall(signature)),
        pieces=pieces_of(signature),
        event_day=event_day_of(text[:max_chars]),
        numbers=numbers_of(signature, least_number),
    )


def entities_of(
    words: Sequence[str], tags: Mapping[str, str], leave_out: str, text: str
) -> dict[str, frozenset[str]]:
    """The places, people and organisations of a draft, by kind: a word jieba's dictionary tags
    ns / nr / nt, a name joined with a place or organisation word after it (湖滨 + 社区,
    西湖 + 派出所), and a person named after a title (区委副书记王建国). A name that is part of
    `leave_out` (the subdistrict every draft names) is no evidence and is left out."""
    found: dict[str, set[str]] = {kind: set() for kind in ENTITY_KINDS}
    i = 0
    while i < len(words):
        kind, name, i = _named(words, i, tags)
        if kind is not None and not (name in leave_out or leave_out in name):
            found[kind].add(name)
    found[KIND_PERSON].update(people_of(text))
    return {kind: frozenset(names) for kind, names in found.items()}


def _named(words: Sequence[str], i: int, tags: Mapping[str, str]) -> tuple[str | None, str, int]:
    """(kind, name, next index) when the word at `i` is a name or begins one with the place or
    organisation words after it (紫荆 花园 小区 → 紫荆花园小区); (None, "", i + 1) when not."""
    word = words[i]
    plain = len(word) >= 2 and all(_HAN.match(ch) for ch in word) and word not in _NOT_NAMES
    end = i + 1
    while plain and end < len(words) and words[end] in PLACE_SUFFIXES:
        end += 1
    if end > i + 1:
        return KIND_PLACE, "".join(words[i:end]), end
    if plain and end < len(words) and words[end] in ORG_SUFFIXES:
        return KIND_ORG, word + words[end], end + 1
    kind = _TAG_KINDS.get(tags.get(word, ""))
    return (kind, word, end) if kind is not None and len(word) >= 2 else (None, "", end)


def people_of(text: str) -> set[str]:
    """People named after their title or role: 区委副书记王建国, 社区党委书记李梅, 民警孟伟."""
    out: set[str] = set()
    for m in _PERSON.finditer(text):
        name = m.group(1)
        if len(name) == 3 and name[2] in _AFTER_NAME:
            name = name[:2]
        out.add(name)
    return out


def days_apart(a: EventDay, b: EventDay) -> int:
    """How many days lie between two written dates (by day of month when a month is missing;
    read in a leap year, so 2月29日 is a day)."""
    if a.month is None or b.month is None:
        return abs(a.day - b.day)
    try:
        return abs((dt.date(2000, a.month, a.day) - dt.date(2000, b.month, b.day)).days)
    except ValueError:
        return abs(a.day - b.day) + 31 * abs(a.month - b.month)
