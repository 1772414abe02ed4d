"""Points for the kinds of unit the rulebook names (社区、村): deductions and capped bonuses.

Seed 三.2: each missing instant −0.1, wechat −0.2, adopted xuexi −0.5; each extra adopted
xuexi +0.5; a media lead the office marked used +0.3…0.5; 所有加分不超过1.5分 — all bonuses
together never above the cap *in a year*. A report's bonus is therefore the capped year-to-date
bonus at its end minus the capped year-to-date bonus before it starts: month after month the
bonuses add up to at most the cap, and a quarter's report applies the cap to the year to date.

Points are computed in hundredths (integers) so that 0.1 + 0.2 is exactly 0.3 and the cap is
never passed by a rounding error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rules.model import Rulebook, Unit
from rules.periods import Period, due_date, parse_period, period_for
from scoring.completion import Completion, count_type
from scoring.credit import Credit
from scoring.rows import AdoptionRow, ScoringRows


def hundredths(value: float) -> int:
    return round(value * 100)


@dataclass(frozen=True)
class Points:
    applies: bool
    deductions: int = 0  # hundredths, ≤ 0
    extra_bonus: int = 0  # raw (uncapped) bonus for extra adopted pieces judged in the period
    media_bonus: int = 0  # raw (uncapped) media-lead bonus adopted in the period
    bonus: int = 0  # what the period adds after the yearly cap
    bonus_year_to_date: int = 0  # capped, through the end of the period
    details: tuple[str, ...] = field(default=())

    @property
    def total(self) -> int:
        return self.deductions + self.bonus

    def as_dict(self) -> dict[str, object]:
        return {
            "deductions": self.deductions / 100,
            "bonus": self.bonus / 100,
            "total": self.total / 100,
            "applies": self.applies,
            "extra_bonus": self.extra_bonus / 100,
            "media_bonus": self.media_bonus / 100,
            "bonus_year_to_date": self.bonus_year_to_date / 100,
            "details": list(self.details),
        }


def clamp_bonus(value: float | None, rulebook: Rulebook) -> int:
    """A marked media lead's bonus in hundredths, within media_bonus_min..max; 0 if unmarked."""
    if value is None or value <= 0:
        return 0
    low, high = rulebook.points.media_bonus_min, rulebook.points.media_bonus_max
    return hundredths(min(max(value, low), high))


def media_bonus_through(
    unit: str, start: dt.date, end: dt.date, adoptions: Sequence[AdoptionRow], rulebook: Rulebook
) -> int:
    """Raw media-lead bonus of the unit's pieces adopted in [start, end]; one bonus per piece (its largest)."""
    best: dict[int, int] = {}
    for row in adoptions:
        if row.unit == unit and start <= row.adopted_on <= end:
            value = clamp_bonus(row.bonus, rulebook)
            if value:
                best[row.submission_id] = max(best.get(row.submission_id, 0), value)
    return sum(best.values())


def extra_bonus_through(
    unit: Unit,
    end: dt.date,
    rulebook: Rulebook,
    rows: ScoringRows,
    credits: Mapping[int, Credit] | None = None,
) -> int:
    """Raw bonus for extra pieces in the type-periods of the year that closed by `end`."""
    total = 0
    for key, rate in rulebook.points.extra.items():
        if key not in rulebook.types:
            continue
        kind = rulebook.types[key].period
        periods = _year_periods(kind, end.year)
        closed = [p for p in periods if p.end <= end]
        if closed:
            completion = count_type(unit, key, closed, rulebook, rows, credits)
            total += completion.extra * hundredths(rate)
    return total


def _year_periods(kind: str, year: int) -> list[Period]:
    seen: list[Period] = []
    for month in range(1, 13):
        period = period_for(kind, dt.date(year, month, 1))
        if period not in seen:
            seen.append(period)
    return seen


def capped_bonus_through(
    unit: Unit,
    end: dt.date,
    rulebook: Rulebook,
    rows: ScoringRows,
    credits: Mapping[int, Credit] | None = None,
) -> int:
    """All bonuses of the year through `end`, capped at bonus_cap_year (0 before 1 January)."""
    start = dt.date(end.year, 1, 1)
    raw = extra_bonus_through(unit, end, rulebook, rows, credits) + media_bonus_through(
        unit.name, start, end, rows.adoptions, rulebook
    )
    return min(hundredths(rulebook.points.bonus_cap_year), raw)


def unit_points(
    unit: Unit,
    report: Period,
    rulebook: Rulebook,
    completion: dict[str, Completion],
    rows: ScoringRows,
    credits: Mapping[int, Credit] | None = None,
) -> Points:
    """Deductions for the report's shortfalls and the bonus it adds under the yearly cap."""
    if unit.kind not in rulebook.points.kinds:
        return Points(applies=False)
    details: list[str] = []
    deductions = 0
    for key, rate in rulebook.points.missing.items():
        done = completion.get(key)
        if done is None or not done.missing:
            continue
        amount = done.missing * hundredths(rate)
        deductions += amount
        details.append(f"{rulebook.types[key].name}少{done.missing}篇，{amount / 100:+g}分")
    extra = 0
    for key, rate in rulebook.points.extra.items():
        done = completion.get(key)
        if done is not None and done.extra:
            amount = done.extra * hundredths(rate)
            extra += amount
            details.append(f"{rulebook.types[key].name}多录用{done.extra}篇，{amount / 100:+g}分")
    media = media_bonus_through(unit.name, report.start, report.end, rows.adoptions, rulebook)
    if media:
        details.append(f"媒体宣传加分{media / 100:+g}分")
    before = report.start - dt.timedelta(days=1)
    ytd_end = capped_bonus_through(unit, report.end, rulebook, rows, credits)
    ytd_before = (
        capped_bonus_through(unit, before, rulebook, rows, credits) if before.year == report.end.year else 0
    )
    bonus = max(0, ytd_end - ytd_before)
    if bonus < extra + media:
        details.append(f"全年加分封顶{rulebook.points.bonus_cap_year:g}分，本期计{bonus / 100:+g}分")
    return Points(True, deductions, extra, media, bonus, ytd_end, tuple(details))


def points_to_date(
    completion: dict[str, Completion], points: Points, rulebook: Rulebook, today: dt.date
) -> int:
    """What a unit has on `today` (hundredths): the deductions of type-periods whose deadline has
    passed, plus the bonus earned so far under the cap. An unfinished year's report deducts
    every month still to come as if nothing more will arrive; a unit asking "where do I stand"
    is owed only what it has already missed."""
    if not points.applies:
        return 0
    total = points.bonus_year_to_date
    for key, rate in rulebook.points.missing.items():
        done = completion.get(key)
        if done is None:
            continue
        ctype = rulebook.types[key]
        for count in done.periods:
            period = parse_period(count.period)
            deadline = due_date(period.year, ctype.due) if ctype.due else period.end
            if deadline < today:
                total += count.missing * hundredths(rate)
    return total
