"""The event date in a lead paragraph: `3月12日上午，…` (SPEC §4).

An instant draft must arrive within 24 h of its event; the lead says when the event was. Only
what is written is returned here — `12日` has no month — because resolving it needs the
received time, which the checks have and the reader does not.
"""

from __future__ import annotations

import re
import unicodedata

from extractors.model import DateMention

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUM = r"[0-9]{1,4}|[〇零一二两三四五六七八九十廿卅]{1,4}"

# Part of day as written → the three the rules know (上午 ends 12:00, 下午 18:00, 晚上 24:00).
PARTS_OF_DAY: dict[str, str] = {
    "上午": "上午",
    "早上": "上午",
    "早晨": "上午",
    "清晨": "上午",
    "凌晨": "上午",
    "晨": "上午",
    "中午": "下午",
    "午间": "下午",
    "下午": "下午",
    "午后": "下午",
    "傍晚": "晚上",
    "晚上": "晚上",
    "晚间": "晚上",
    "夜间": "晚上",
    "当晚": "晚上",
    "晚": "晚上",
    "夜": "晚上",
}
_PARTS = "|".join(sorted(map(re.escape, PARTS_OF_DAY), key=len, reverse=True))

_DATE = re.compile(
    rf"(?:(?P<year>[0-9]{{4}}|[〇零一二三四五六七八九]{{4}})\s*年\s*)?"
    rf"(?:(?P<month>{_NUM})\s*月\s*(?:份\s*)?)?"
    rf"(?P<day>{_NUM})\s*(?P<suffix>[日号])"
    rf"(?:\s*[（(][^）)]{{0,6}}[）)])?"  # (星期五) / （周五）
    rf"\s*(?P<part>{_PARTS})?"
)


def cn_number(text: str) -> int | None:
    """`12`, `十二`, `二十一`, `廿一`, `二〇二一` → int; None if it is not a number."""
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGITS for ch in text):  # digit by digit: 二〇二一
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    text = text.replace("廿", "二十").replace("卅", "三十")
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CN_DIGITS.get(tens, None) if tens else 1
        o = _CN_DIGITS.get(ones, None) if ones else 0
        if t is None or o is None:
            return None
        return t * 10 + o
    return None


_FULL_WIDTH = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFF01, 0xFF5F)}


def _fold(text: str) -> str:
    """Full-width digits and brackets folded to ASCII, one character for one, so that match
    offsets stay valid in the original text."""
    return text.translate(_FULL_WIDTH)


_AFTER_DAY_NOT_A_DATE = "内后前起来间楼院栋室号路巷弄期届次"


def _standalone_day(m: re.Match[str], text: str) -> bool:
    """A bare `12日`/`12号` is a date only when what follows does not make it a count or a name."""
    following = text[m.end() : m.end() + 1]
    if m.group("suffix") == "号":
        return following in ("，", ",", "、", " ", "")
    return following not in _AFTER_DAY_NOT_A_DATE


def find_event_date(lead: str) -> DateMention | None:
    """The first date written in the lead, with its part of day; None when there is none (`近日`)."""
    text = _fold(lead)
    for m in _DATE.finditer(text):
        day = cn_number(m.group("day"))
        month = cn_number(m.group("month")) if m.group("month") else None
        year = cn_number(m.group("year")) if m.group("year") else None
        if day is None or not 1 <= day <= 31:
            continue
        if month is not None and not 1 <= month <= 12:
            continue
        if m.group("year") and not m.group("month"):
            continue  # 2021年12日 is not a date
        part = m.group("part")
        if month is None and part is None and not _standalone_day(m, text):
            continue  # 3号楼, 5日内: a count, not a date
        return DateMention(
            text=lead[m.start() : m.end()].strip(),
            day=day,
            month=month,
            year=year,
            part_of_day=PARTS_OF_DAY[part] if part else None,
        )
    return None
