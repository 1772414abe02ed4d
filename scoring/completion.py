"""Completion per unit, content type and period against the quotas of 附件1.

Rules (SPEC §7, seed 二/三, 附件1):
- What counts, and on which day, is `scoring.credit.credits_of` (one Credit per draft, 核定
  included): instant (month), wechat (quarter) on the day received; xuexi (quarter) on its first
  adoption by an outlet of the type's platform; one credit per revision chain.
- gov_info (month): quota = the month's assignment (约稿) for the unit; counted as instant.
- research (year): quota from the unit (1 for bureaus); counted only if received by the
  rulebook's due date (09-30). It is judged in any report whose period holds the due date.
- A report judges each type-period that *closes* inside it: a month report shows the
  monthly types and, in March/June/September/December, the quarter's wechat and xuexi.
  Several type-periods add up; `missing` is the sum of each type-period's shortfall, so five
  drafts in January do not cover an empty February.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rules.model import Rulebook, Unit
from rules.periods import Period, due_date, period_for, periods_closing_in
from scoring.credit import Credit, credits_of
from scoring.rows import AssignmentRow, ScoringRows


@dataclass(frozen=True)
class PeriodCount:
    """One type-period: its quota, what counted, the shortfall and the excess."""

    period: str
    quota: int
    counted: int

    @property
    def missing(self) -> int:
        return max(0, self.quota - self.counted)

    @property
    def extra(self) -> int:
        return max(0, self.counted - self.quota)


@dataclass(frozen=True)
class Completion:
    content_type: str
    periods: tuple[PeriodCount, ...]

    @property
    def quota(self) -> int:
        return sum(p.quota for p in self.periods)

    @property
    def counted(self) -> int:
        return sum(p.counted for p in self.periods)

    @property
    def missing(self) -> int:
        return sum(p.missing for p in self.periods)

    @property
    def extra(self) -> int:
        return sum(p.extra for p in self.periods)


def credited_days(unit: str, content_type: str, credits: Iterable[Credit]) -> list[dt.date]:
    """The day each credited piece of the unit and type counts on (`scoring.credit.credits_of`
    decides which: one per revision chain, 学习强国 on its first adoption on the platform)."""
    return sorted(
        c.day
        for c in credits
        if c.counts and c.day is not None and c.unit == unit and c.content_type == content_type
    )


def assigned(unit: str, month: Period, assignments: Iterable[AssignmentRow]) -> int:
    """The month's gov_info assignment for the unit (several entries add up)."""
    return sum(a.count for a in assignments if a.unit == unit and a.month == month.key)


def type_periods(report: Period, rulebook: Rulebook, content_type: str) -> list[Period]:
    """The type-periods of `content_type` judged by `report` (see the module docstring)."""
    ctype = rulebook.types[content_type]
    if ctype.due:
        due = due_date(report.year, ctype.due)
        return [period_for(ctype.period, due)] if report.contains(due) else []
    return periods_closing_in(report, ctype.period)


def count_type(
    unit: Unit,
    content_type: str,
    periods: Sequence[Period],
    rulebook: Rulebook,
    rows: ScoringRows,
    credits: Mapping[int, Credit] | None = None,
) -> Completion:
    """Quota and counted pieces of one type for one unit over the given type-periods, from the
    drafts' credits (`credits_of`; pass them when counting many units from the same rows)."""
    ctype = rulebook.types[content_type]
    found = credits if credits is not None else credits_of(rows.submissions, rows.adoptions, rulebook)
    days = credited_days(unit.name, content_type, found.values())
    counts: list[PeriodCount] = []
    for period in periods:
        counted = sum(1 for d in days if period.start <= d <= period.end)
        if ctype.quota == "assigned":
            quota = sum(assigned(unit.name, m, rows.assignments) for m in period.months())
        else:
            quota = unit.quota.get(content_type, 0)
        counts.append(PeriodCount(period.key, quota, counted))
    return Completion(content_type, tuple(counts))


def unit_completion(
    unit: Unit,
    report: Period,
    rulebook: Rulebook,
    rows: ScoringRows,
    credits: Mapping[int, Credit] | None = None,
) -> dict[str, Completion]:
    """Completion of every type judged by `report` that has a quota or a counted piece."""
    found = credits if credits is not None else credits_of(rows.submissions, rows.adoptions, rulebook)
    result: dict[str, Completion] = {}
    for key, ctype in rulebook.types.items():
        if ctype.quota == "none":  # bonus only, see scoring.points
            continue
        periods = type_periods(report, rulebook, key)
        if not periods:
            continue
        completion = count_type(unit, key, periods, rulebook, rows, found)
        if completion.quota or completion.counted:
            result[key] = completion
    return result


def open_type_period(report: Period, rulebook: Rulebook, content_type: str) -> Period | None:
    """The type-period still open at the end of `report` (wechat in January–February, research
    before 30 September), or None when the type's period closes inside the report."""
    ctype = rulebook.types[content_type]
    current = period_for(ctype.period, report.end)
    if ctype.due:
        due = due_date(report.year, ctype.due)
        return current if report.end < due else None
    return current if current.end > report.end else None


def unit_progress(
    unit: Unit,
    report: Period,
    rulebook: Rulebook,
    rows: ScoringRows,
    credits: Mapping[int, Credit] | None = None,
) -> dict[str, Completion]:
    """To date, for quotas not yet judged: what counts so far toward each still-open type-period.

    Shown beside a report (never scored): in February the office sees that 湖滨社区 has 0 of its
    1 wechat piece for Q1 while there is still time. Rows after the report's end must be left out
    by the caller.
    """
    found = credits if credits is not None else credits_of(rows.submissions, rows.adoptions, rulebook)
    result: dict[str, Completion] = {}
    for key, ctype in rulebook.types.items():
        if ctype.quota == "none":  # bonus only, see scoring.points
            continue
        period = open_type_period(report, rulebook, key)
        if period is None:
            continue
        completion = count_type(unit, key, [period], rulebook, rows, found)
        if completion.quota or completion.counted:
            result[key] = completion
    return result
