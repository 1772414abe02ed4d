"""Reporting periods: a month ("2021-03"), a quarter ("2021Q1") or a year ("2021").

Every rule of the seed is stated per month, per quarter or per year, so the whole scoring
stage speaks in `Period` values; parsing the office's spelling happens once, here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

KINDS: tuple[str, ...] = ("month", "quarter", "year")

_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")
_QUARTER = re.compile(r"^\s*(\d{4})\s*[-_ ]?\s*[Qq]\s*([1-4])\s*$")
# The pages' own headings: 2021年第1季度 (Period.label), also 2021年一季度, 2021年第四季度.
_QUARTER_HAN = re.compile(r"^\s*(\d{4})\s*年\s*第?\s*([1-4一二三四])\s*季度?\s*$")
_HAN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
_YEAR = re.compile(r"^\s*(\d{4})\s*(?:年度?)?\s*$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month, quarter or year. `number` is the month (1–12), quarter (1–4) or 0."""

    year: int
    kind: str
    number: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"未知的期间类型 {self.kind!r}")
        limit = {"month": 12, "quarter": 4, "year": 0}[self.kind]
        if self.kind == "year" and self.number != 0:
            raise ValueError("年度期间没有序号")
        if self.kind != "year" and not 1 <= self.number <= limit:
            raise ValueError(f"期间序号 {self.number} 超出范围 1–{limit}")

    @property
    def key(self) -> str:
        """The spelling used in folders, JSON and the CLI: 2021-03, 2021Q1, 2021."""
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}Q{self.number}"
        return f"{self.year}"

    @property
    def label(self) -> str:
        """Chinese label for report titles: 2021年3月, 2021年第1季度, 2021年度."""
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        if self.kind == "quarter":
            return f"{self.year}年第{self.number}季度"
        return f"{self.year}年度"

    @property
    def start(self) -> dt.date:
        """First day of the period."""
        first_month = {"month": self.number, "quarter": 3 * self.number - 2, "year": 1}[self.kind]
        return dt.date(self.year, first_month, 1)

    @property
    def end(self) -> dt.date:
        """Last day of the period (inclusive)."""
        last_month = {"month": self.number, "quarter": 3 * self.number, "year": 12}[self.kind]
        if last_month == 12:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, last_month + 1, 1) - dt.timedelta(days=1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def months(self) -> list[Period]:
        """The months of the period, in order."""
        first = self.start.month
        return [Period(self.year, "month", m) for m in range(first, self.end.month + 1)]

    def quarters(self) -> list[Period]:
        """The quarters that lie wholly inside the period (none for a month)."""
        if self.kind == "month":
            return []
        return [
            Period(self.year, "quarter", q)
            for q in range(1, 5)
            if self.start <= Period(self.year, "quarter", q).start
            and Period(self.year, "quarter", q).end <= self.end
        ]

    def year_to_date_start(self) -> dt.date:
        """1 January of the period's year: yearly caps count from here."""
        return dt.date(self.year, 1, 1)


def parse_period(text: str | int) -> Period:
    """Parse "2021-03" (also 2021年3月), "2021Q1" (2021-Q1, 2021q1, 2021年第1季度, 2021年一季度) or
    "2021" (2021年度): the keys the CLI takes and every `label` the pages and sheets write.
    Raises ValueError (Chinese)."""
    raw = str(text)
    if (m := _MONTH.match(raw)) and 1 <= int(m[2]) <= 12:
        return Period(int(m[1]), "month", int(m[2]))
    if m := _QUARTER.match(raw):
        return Period(int(m[1]), "quarter", int(m[2]))
    if m := _QUARTER_HAN.match(raw):
        return Period(int(m[1]), "quarter", _HAN_DIGITS.get(m[2]) or int(m[2]))
    if m := _YEAR.match(raw):
        return Period(int(m[1]), "year")
    raise ValueError(f"无法识别的期间“{raw.strip()}”：月份写 2021-03，季度写 2021Q1，年度写 2021")


def month_of(day: dt.date) -> Period:
    return Period(day.year, "month", day.month)


def quarter_of(day: dt.date) -> Period:
    return Period(day.year, "quarter", (day.month - 1) // 3 + 1)


def year_of(day: dt.date) -> Period:
    return Period(day.year, "year")


# A type's assessment period as people say it (`不计入本季度完成数`, 计入 … 本季度): notes, credits.
PERIOD_WORDS = {"month": "当月", "quarter": "本季度", "year": "本年度"}


def period_words(kind: str) -> str:
    """当月 / 本季度 / 本年度 for a type's period kind (本期 for an unknown one)."""
    return PERIOD_WORDS.get(kind, "本期")


def period_for(kind: str, day: dt.date) -> Period:
    """The period of `kind` (a content type's `period`: month, quarter, year) holding `day`."""
    if kind == "month":
        return month_of(day)
    if kind == "quarter":
        return quarter_of(day)
    if kind == "year":
        return year_of(day)
    raise ValueError(f"未知的期间类型 {kind!r}")


def type_period_key(kind: str, day: dt.date) -> str:
    """A content type's period key for a date: the month, quarter or year it falls in."""
    return period_for(kind, day).key


def periods_closing_in(report: Period, kind: str) -> list[Period]:
    """The periods of `kind` that end inside `report`, in order.

    A report judges a quota only once its period is over: a month report covers the months,
    and a quarter's quota when the month closes the quarter (March, June, September,
    December); a quarter report its three months and the quarter; a year report everything.
    """
    if kind == "month":
        return report.months()
    if kind == "quarter":
        candidates = {quarter_of(m.start) for m in report.months()}
        return sorted(q for q in candidates if report.contains(q.end))
    if kind == "year":
        return [year_of(report.start)] if report.contains(report.end.replace(month=12, day=31)) else []
    raise ValueError(f"未知的期间类型 {kind!r}")


def due_date(year: int, due: str) -> dt.date:
    """The rulebook's "MM-DD" deadline inside `year` (research: 09-30)."""
    month, day = (int(part) for part in due.split("-"))
    return dt.date(year, month, day)
