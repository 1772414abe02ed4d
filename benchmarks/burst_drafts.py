"""The drafts of a burst (benchmarks/bench_burst.py): what 23 units send after a few weeks offline.

Each draft writes up its own local event, made as benchmarks/same_news_data.py makes the labelled
set's (twelve kinds of news, each event its own day, community, spot, people and figures), the
event days spread over the forty days before the burst (`DAYS`), brought to its type's length
with closing lines a unit adds (`CLOSING`). Its unit is one of the rulebook's, its type 即时通讯
信息 or (a fifth) 党委政务信息 with its category (two write-ups of the event in one draft). Most
are accepted, so they are the next drafts' priors, as in the office. So that the same-news check still does real work, a small
share repeats an earlier event: `SAME_EVENT_SHARE` another unit's own write-up of it,
`COPY_SHARE` a lightly edited copy sent by another unit (a duplicate), `RESEND_SHARE` a unit's
own resend (a revision).

`alike_drafts` are the old, adversarial drafts (tests.factory.news_draft): one title, one event
day and a 48-character alphabet, so nearly every pair must be compared in full.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.same_news_data import COMMUNITIES, light_edit, new_event, write_up  # noqa: E402
from benchmarks.same_news_templates import KINDS  # noqa: E402
from tests.factory import make_docx, make_photo, news_draft  # noqa: E402

# (month, day) of the events: 1 February to 12 March 2021, the burst's day.
DAYS = [(2, d) for d in range(1, 29)] + [(3, d) for d in range(1, 13)]
# (type folder, share, its length in characters: within the rulebook's 字数 with a margin)
TYPES = (("即时通讯信息", 0.8, (280, 440)), ("党委政务信息", 0.2, (700, 920)))
GOV_CATEGORIES = ("正面成绩类", "社情民意类", "热点评议类")
# What a unit adds to reach the length: the closing lines every 街道 write-up has, in its own mix.
CLOSING = (
    "下一步，社区将继续做好相关工作，不断提升居民的获得感和幸福感。",
    "此次活动进一步增强了居民的参与意识，营造了共建共治共享的良好氛围。",
    "活动现场秩序井然，参与群众纷纷表示收获很大。",
    "街道相关负责人表示，将以此为契机，持续推动工作常态化、长效化。",
    "据了解，这是今年以来街道开展的又一项惠民举措。",
    "工作人员还通过发放宣传资料、现场讲解等方式，向群众普及相关知识。",
    "社区党员志愿者全程参与，协助维持现场秩序。",
    "大家表示，这样的活动办到了心坎上，希望今后多组织。",
    "今后，街道将进一步整合辖区资源，建立健全长效工作机制。",
    "此次活动得到了辖区共建单位的大力支持。",
    "活动结束后，工作人员对现场进行了清理，并收集了群众的意见建议。",
    "街道将定期回访，确保各项措施落到实处。",
    "通过此次活动，居民对相关政策有了更深入的了解。",
    "社区还建立了工作微信群，方便居民随时反映问题。",
    "现场还设置了咨询台，工作人员耐心解答群众提出的问题。",
    "接下来，社区将结合居民需求，策划更多形式多样的活动。",
    "此项工作已列入街道年度重点任务清单，实行挂图作战。",
    "街道纪工委对工作推进情况进行了全程监督。",
    "许多居民带着孩子一同参加，现场气氛温馨融洽。",
    "工作人员对发现的问题逐一登记，明确整改时限和责任人。",
    "据统计，今年以来类似活动已累计开展多场次，覆盖居民上千人次。",
    "活动中，社区还为行动不便的老人提供了上门服务。",
    "街道党工委书记要求，各社区要压实责任，确保工作取得实效。",
    "不少居民当场加入了社区志愿服务队伍。",
)
SAME_EVENT_SHARE, COPY_SHARE, RESEND_SHARE = 0.06, 0.03, 0.02
Written = tuple[str, str, str, str, int]  # unit, type folder, title, body, photo seed


def realistic_drafts(count: int, units: list[str], seed: int = 29) -> list[tuple[str, bytes]]:
    """`count` drafts as (inbox path, .docx bytes), one photo each."""
    return [_file(n, w) for n, w in enumerate(realistic_texts(count, units, seed))]


def realistic_texts(count: int, units: list[str], seed: int = 29) -> list[Written]:
    """What `realistic_drafts` writes: (unit, type folder, title, body, photo seed) of each."""
    rng = random.Random(seed)
    written: list[Written] = []
    events = []
    for n in range(count):
        roll = rng.random()
        if events and roll < SAME_EVENT_SHARE + COPY_SHARE + RESEND_SHARE:
            written.append(_repeat(rng, roll, written, events, units, n))
            continue
        kind = rng.choice(KINDS)
        month, day = rng.choice(DAYS)
        event = new_event(kind, n, rng, day, rng.choice(COMMUNITIES + tuple(u for u in units if "社区" in u)))
        event.values["m"] = str(month)
        folder = rng.choices([t for t, _, _ in TYPES], [w for _, w, _ in TYPES])[0]
        events.append((event, len(written)))
        written.append((rng.choice(units), folder, *_text(event, folder, rng), n))
    return written


def _text(event: object, folder: str, rng: random.Random) -> tuple[str, str]:
    """A write-up of the event (two for a 政务信息), closing lines added to reach the type's
    length; a 政务信息 says its category first."""
    low, high = next(length for name, _, length in TYPES if name == folder)
    shapes = rng.sample((0, 1, 3), 2)  # full, bureau, WeChat-style: the 快讯 is too short alone
    title, body = write_up(event, shapes[0])  # type: ignore[arg-type]
    if folder == "党委政务信息":
        body = f"类别：{rng.choice(GOV_CATEGORIES)}\n{body}\n{write_up(event, shapes[1])[1]}"  # type: ignore[arg-type]
    target = rng.randint(low, high)
    closing = rng.sample(CLOSING, len(CLOSING))
    while closing and len(body) + len(closing[-1]) <= target:
        body += closing.pop()
    return title, body


def _repeat(
    rng: random.Random,
    roll: float,
    written: list[Written],
    events: list[tuple[object, int]],
    units: list[str],
    n: int,
) -> Written:
    event, first = rng.choice(events)
    unit, folder, title, body, photo = written[first]
    others = [u for u in units if u != unit]
    if roll < SAME_EVENT_SHARE:
        return (rng.choice(others), folder, *_text(event, folder, rng), n)
    edited = light_edit(title, body, rng)
    if roll < SAME_EVENT_SHARE + COPY_SHARE:
        return (rng.choice(others), folder, *edited, photo)
    return (unit, folder, edited[0] + "（修改稿）", edited[1], n)


def _file(n: int, written: Written) -> tuple[str, bytes]:
    unit, folder, title, body, photo = written
    photos = [make_photo(640, 480, seed=photo)]
    return f"{unit}/{folder}/稿件{n:04d}.docx", make_docx([title, *body.split("\n")], photos=photos)


def alike_drafts(count: int, units: list[str]) -> list[tuple[str, bytes]]:
    """The adversarial burst: one title and event day, text from one small alphabet."""
    return [
        (
            f"{units[i % len(units)]}/即时通讯信息/稿件{i:04d}.docx",
            news_draft(220 + i % 250, photos=1, seed=i),
        )
        for i in range(count)
    ]
