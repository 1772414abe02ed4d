"""The drafts and adoptions behind one unit's figures for a period (issue 20: open a figure).

A unit's 2/3 is only believed when the office can see the three drafts it was counted from and
why the third did not count. `figures_behind` reads the same rows the period is scored from
(`reports.ledger_rows.read_period`, by the period's year's rulebook) and lists, per content
type, the drafts received and the adoptions dated in the windows its figures cover: the report
period, and for a quarter's or year's quota judged or running in it, that whole quarter or year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from reports.ledger_rows import read_period
from rules.levels import LEVEL_NAMES
from rules.model import Rulebook
from rules.periods import Period, parse_period
from scoring.credit import Credit, credit_words, credits_of
from scoring.fees import AdoptionMark
from scoring.report import UnitReport, score_period
from scoring.rows import AdoptionRow, SubmissionRow
from workspace import Workspace


@dataclass(frozen=True)
class DraftBehind:
    """A draft of the unit in a window its figures cover, and whether (and why not) it counts."""

    id: int
    type_name: str
    title: str
    officer: str
    received: dt.datetime
    counts: bool
    why: str  # the credit's one wording (`scoring.credit.credit_words`)


@dataclass(frozen=True)
class AdoptionBehind:
    """An adoption of the unit's piece in a window its figures cover."""

    submission_id: int
    type_name: str
    title: str
    outlet: str
    level: str  # 区级, 市级 … (Chinese)
    adopted_on: dt.date
    counts: bool  # its piece counts (the piece's credit) and the outlet is of the type's kind (`_counts`)
    fee: float  # paid for it in this period (0: none, or paid earlier)
    bonus: float | None  # the media-lead bonus the office marked
    fee_note: str = ""  # why this adoption is not the one paid (不重复奖励，按最高标准发放)


@dataclass(frozen=True)
class UnitFigures:
    period: Period
    unit: str
    report: UnitReport
    windows: dict[str, tuple[dt.date, dt.date]]  # type name → the days its figures cover
    drafts: tuple[DraftBehind, ...]
    adoptions: tuple[AdoptionBehind, ...]


def _windows(period: Period, rulebook: Rulebook, unit: UnitReport) -> dict[str, tuple[dt.date, dt.date]]:
    """Per content type, the days its figures cover: its judged or running type-periods, else the period."""
    found: dict[str, tuple[dt.date, dt.date]] = {}
    for key in rulebook.types:
        done = unit.completion.get(key) or unit.progress.get(key)
        spans = [parse_period(p.period) for p in done.periods] if done else [period]
        found[key] = (min(p.start for p in spans), min(max(p.end for p in spans), period.end))
    return found


def _drafts(
    rows: list[SubmissionRow],
    rulebook: Rulebook,
    windows: dict[str, tuple[dt.date, dt.date]],
    credits: Mapping[int, Credit],
) -> tuple[DraftBehind, ...]:
    shown = [s for s in rows if s.content_type in windows]
    shown = [s for s in shown if windows[s.content_type][0] <= s.received_day <= windows[s.content_type][1]]
    return tuple(
        DraftBehind(
            s.id,
            rulebook.types[s.content_type].name,
            s.title,
            s.officer,
            s.received_at,
            credits[s.id].counts,
            credit_words(credits[s.id]),
        )
        for s in shown
    )


def _adoptions(
    rows: list[AdoptionRow],
    rulebook: Rulebook,
    period: Period,
    windows: dict[str, tuple[dt.date, dt.date]],
    paid: dict[int, float],
    credits: Mapping[int, Credit],
) -> tuple[AdoptionBehind, ...]:
    def shown(a: AdoptionRow) -> bool:
        low, high = windows.get(a.content_type, (period.start, period.end))
        return period.contains(a.adopted_on) or low <= a.adopted_on <= high

    return tuple(_adoption_behind(a, rulebook, paid, credits) for a in rows if shown(a))


def _adoption_behind(
    a: AdoptionRow, rulebook: Rulebook, paid: dict[int, float], credits: Mapping[int, Credit]
) -> AdoptionBehind:
    """One adoption's row: the piece's one fee is shown on the adoption it is paid for
    (`scoring.fees.piece_fee`), the others say why not."""
    mark = _mark(a, credits)
    paid_here = mark is None or mark.paid
    return AdoptionBehind(
        a.submission_id,
        rulebook.types[a.content_type].name if a.content_type in rulebook.types else a.content_type,
        a.title,
        a.outlet,
        LEVEL_NAMES.get(a.level, a.level),
        a.adopted_on,
        _counts(a, credits, rulebook),
        paid.get(a.submission_id, 0.0) if paid_here else 0.0,
        a.bonus,
        "" if paid_here or mark is None else mark.why,
    )


def _counts(a: AdoptionRow, credits: Mapping[int, Credit], rulebook: Rulebook) -> bool:
    """计入任务 of an adoption: its piece counts (the piece's `Credit`, so a 核定 不计入 or 退回
    piece reads 否 here as in the drafts above) and the outlet is of the type's kind (学习强国:
    on its platform)."""
    credit = credits.get(a.submission_id)
    counted = credit.counts if credit is not None else not a.is_announcement
    return counted and rulebook.counts_for(a.content_type, a.outlet)


def _mark(a: AdoptionRow, credits: Mapping[int, Credit]) -> AdoptionMark | None:
    credit = credits.get(a.submission_id)
    marks = credit.fee.marks if credit else ()
    return next((m for m in marks if m.adoption.id == a.id), None)


def figures_behind(ws: Workspace, period: Period, unit: str) -> UnitFigures:
    """The drafts and adoptions behind `unit`'s figures for `period`, by the period's year's
    rulebook. Raises LookupError when that rulebook has no such unit (name or alias)."""
    rulebook = ws.period_rules(period).rulebook
    found = rulebook.unit_named(unit)
    if found is None:
        raise LookupError(unit)
    read = read_period(ws, rulebook, period)
    report = score_period(period, rulebook, read.rows, read.officers, read.withdrawn)
    mine = next(u for u in report.units if u.unit == found.name)
    windows = _windows(period, rulebook, mine)
    names = set(found.names)
    subs = [s for s in read.rows.submissions if s.unit in names]
    adopted = [a for a in read.rows.adoptions if a.unit in names and a.adopted_on <= period.end]
    paid: dict[int, float] = {}
    for p in report.payments:
        if p.unit == found.name:
            paid[p.submission_id] = round(paid.get(p.submission_id, 0.0) + p.amount, 2)
    type_windows = {rulebook.types[k].name: w for k, w in windows.items()}
    credits = credits_of(subs, adopted, rulebook)
    return UnitFigures(
        period,
        found.name,
        mine,
        type_windows,
        _drafts(subs, rulebook, windows, credits),
        _adoptions(adopted, rulebook, period, windows, paid, credits),
    )
