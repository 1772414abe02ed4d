"""One period's assessment: completion, points, fees and standings for every unit and officer.

`score_period` is pure: it takes the ledger's rows (the year to date and anything earlier
the fee rule needs) and the rulebook, and returns a `PeriodReport`; `report_json` renders it
exactly as SPEC §8 promises (fields may be added, never renamed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rules.levels import TIERS
from rules.model import Rulebook
from rules.periods import Period
from scoring.awards import Standing, officer_names, rank_officers, rank_units
from scoring.completion import Completion, unit_completion, unit_progress
from scoring.credit import Credit, credits_of
from scoring.fees import Adjustment, Payment, Unpaid, adjustments, fees_by_unit, payments, unpaid
from scoring.points import Points, unit_points
from scoring.rows import OfficerRow, ScoringRows, SubmissionRow, WithdrawalRow


@dataclass(frozen=True)
class UnitReport:
    unit: str
    kind: str
    completion: dict[str, Completion]
    points: Points
    fees: float
    standing: Standing
    progress: dict[str, Completion] = dataclasses.field(default_factory=dict)  # open quotas, to date


@dataclass(frozen=True)
class OfficerReport:
    unit: str
    name: str
    registered: bool
    submitted: int  # drafts received in the period under this byline
    counted: int  # of which counted toward a quota
    fees: float  # paid in the period for pieces under this byline (shared bylines: each listed)
    standing: Standing  # adopted pieces of the year to date, rank, award


@dataclass(frozen=True)
class PeriodReport:
    period: Period
    rulebook_name: str
    type_names: dict[str, str]
    type_short_names: dict[str, tuple[str, ...]]
    kind_names: dict[str, str]
    units: tuple[UnitReport, ...]
    payments: tuple[Payment, ...]
    officers: tuple[OfficerReport, ...]
    unpaid: tuple[Unpaid, ...] = ()  # adoptions in the period the rulebook pays nothing for, with why
    subdistrict: str = ""
    adjustments: tuple[Adjustment, ...] = ()  # fees taken back for adoptions withdrawn in the period

    @property
    def is_year(self) -> bool:
        return self.period.kind == "year"

    @property
    def fees_total(self) -> float:
        """What the period pays: its payments less what withdrawals take back."""
        return round(sum(p.amount for p in self.payments) + sum(a.amount for a in self.adjustments), 2)


def _canonical(rows: Sequence[Any], rulebook: Rulebook) -> list[Any]:
    """Rows with unit aliases resolved to the rulebook's unit names."""
    result = []
    for row in rows:
        unit = rulebook.unit_named(row.unit)
        result.append(dataclasses.replace(row, unit=unit.name) if unit and unit.name != row.unit else row)
    return result


def _unit_reports(
    period: Period,
    rulebook: Rulebook,
    rows: ScoringRows,
    paid: Sequence[Payment],
    taken_back: Sequence[Adjustment],
    credits: Mapping[int, Credit],
) -> list[UnitReport]:
    """Every unit of the rulebook, in its order: completion, points, fees, standing, progress."""
    unit_fees = fees_by_unit(paid)
    for a in taken_back:
        unit_fees[a.unit] = round(unit_fees.get(a.unit, 0.0) + a.amount, 2)
    names = [u.name for u in rulebook.units]
    give = period.kind == "year"
    standings = {
        s.unit: s for s in rank_units(rows.adoptions, names, period.year, period.end, rulebook, give)
    }
    units: list[UnitReport] = []
    for unit in rulebook.units:
        completion = unit_completion(unit, period, rulebook, rows, credits)
        points = unit_points(unit, period, rulebook, completion, rows, credits)
        progress = unit_progress(unit, period, rulebook, rows, credits)
        fee = unit_fees.get(unit.name, 0.0)
        units.append(
            UnitReport(unit.name, unit.kind, completion, points, fee, standings[unit.name], progress)
        )
    return units


def _officer_reports(
    period: Period,
    rulebook: Rulebook,
    rows: ScoringRows,
    officers: Sequence[OfficerRow],
    paid: Sequence[Payment],
    credits: Mapping[int, Credit],
) -> list[OfficerReport]:
    """Every officer with an adoption this year or registered: drafts, counted, fees, standing."""
    registered = [(o.unit, o.name) for o in officers]
    people = rank_officers(
        rows.adoptions, registered, period.year, period.end, rulebook, period.kind == "year"
    )
    # Each byline is split once and indexed by (unit, name): a year has thousands of drafts and
    # hundreds of officers, and scanning every draft per officer took seconds.
    by_officer: dict[tuple[str, str], list[SubmissionRow]] = {}
    for s in rows.submissions:
        if period.contains(s.received_day):
            for name in dict.fromkeys(officer_names(s.officer)):
                by_officer.setdefault((s.unit, name), []).append(s)
    paid_to: dict[tuple[str, str], list[float]] = {}
    for p in paid:
        for name in dict.fromkeys(officer_names(p.officer)):
            paid_to.setdefault((p.unit, name), []).append(p.amount)
    result: list[OfficerReport] = []
    for standing in people:
        key = (standing.unit, standing.name)
        mine = by_officer.get(key, [])
        fee = round(sum(paid_to.get(key, [])), 2)
        counted = sum(1 for s in mine if credits[s.id].counts)
        result.append(OfficerReport(key[0], key[1], key in registered, len(mine), counted, fee, standing))
    return result


def score_period(
    period: Period,
    rulebook: Rulebook,
    rows: ScoringRows,
    officers: Sequence[OfficerRow] = (),
    withdrawn: Sequence[WithdrawalRow] = (),
) -> PeriodReport:
    """Assess `period` from the ledger's rows (pass the year to date; earlier adoptions may matter for fees)."""
    rows = ScoringRows(
        [s for s in _canonical(rows.submissions, rulebook) if s.received_day <= period.end],
        [a for a in _canonical(rows.adoptions, rulebook) if a.adopted_on <= period.end],
        _canonical(rows.assignments, rulebook),
    )
    paid = payments(period, rows.adoptions, rulebook)
    credits = credits_of(rows.submissions, rows.adoptions, rulebook)  # what counts, decided once
    taken_back = adjustments(period, withdrawn, rows.adoptions, rulebook)
    return PeriodReport(
        period=period,
        rulebook_name=rulebook.meta.name,
        type_names={key: t.name for key, t in rulebook.types.items()},
        type_short_names={key: t.names for key, t in rulebook.types.items()},
        kind_names=dict(rulebook.kinds),
        units=tuple(_unit_reports(period, rulebook, rows, paid, taken_back, credits)),
        payments=tuple(paid),
        officers=tuple(
            _officer_reports(period, rulebook, rows, _canonical(officers, rulebook), paid, credits)
        ),
        unpaid=tuple(unpaid(period, rows.adoptions, rulebook)),
        subdistrict=rulebook.meta.subdistrict,
        adjustments=tuple(taken_back),
    )


def _num(value: float) -> int | float:
    """元 as the office writes them: 605, not 605.0."""
    return int(value) if float(value).is_integer() else value


def _completion_json(done: Completion) -> dict[str, Any]:
    return {
        "quota": done.quota,
        "counted": done.counted,
        "missing": done.missing,
        "extra": done.extra,
        "periods": [
            {"period": p.period, "quota": p.quota, "counted": p.counted, "missing": p.missing}
            for p in done.periods
        ],
    }


def _standing_json(standing: Standing) -> dict[str, Any]:
    return {
        "adopted": standing.pieces,
        "by_level": {key: standing.by_tier.get(key, 0) for key, _, _ in TIERS},
        "rank": standing.rank,
        "award": standing.award,
    }


def _unit_json(u: UnitReport) -> dict[str, Any]:
    return {
        "unit": u.unit,
        "kind": u.kind,
        "completion": {key: _completion_json(done) for key, done in u.completion.items()},
        "points": u.points.as_dict(),
        "fees": _num(u.fees),
        **_standing_json(u.standing),
        "in_progress": {
            key: {"period": done.periods[0].period, "quota": done.quota, "counted": done.counted}
            for key, done in u.progress.items()
        },
    }


def _officer_json(o: OfficerReport) -> dict[str, Any]:
    return {
        "unit": o.unit,
        "name": o.name,
        "registered": o.registered,
        "submitted": o.submitted,
        "counted": o.counted,
        "fees": _num(o.fees),
        **_standing_json(o.standing),
    }


def _payment_json(p: Payment) -> dict[str, Any]:
    return {
        "submission_id": p.submission_id,
        "unit": p.unit,
        "officer": p.officer,
        "content_type": p.content_type,
        "title": p.title,
        "outlet": p.outlet,
        "level": p.level,
        "adopted_on": p.adopted_on.isoformat(),
        "highest_fee": _num(p.highest_fee),
        "paid_before": _num(p.paid_before),
        "amount": _num(p.amount),
    }


def _adjustment_json(a: Adjustment) -> dict[str, Any]:
    return {
        "submission_id": a.submission_id,
        "unit": a.unit,
        "title": a.title,
        "outlet": a.outlet,
        "adopted_on": a.adopted_on.isoformat(),
        "withdrawn_on": a.withdrawn_on.isoformat(),
        "reason": a.reason,
        "amount": _num(a.amount),
    }


def _unpaid_json(u: Unpaid) -> dict[str, Any]:
    return {
        "submission_id": u.submission_id,
        "unit": u.unit,
        "content_type": u.content_type,
        "title": u.title,
        "outlet": u.outlet,
        "level": u.level,
        "adopted_on": u.adopted_on.isoformat(),
        "reason": u.reason,
    }


def report_json(report: PeriodReport) -> dict[str, Any]:
    """SPEC §8: {"period", "units": [{"unit", "kind", "completion", "points", "fees"}], "officers"}."""
    return {
        "period": report.period.key,
        "label": report.period.label,
        "start": report.period.start.isoformat(),
        "end": report.period.end.isoformat(),
        "units": [_unit_json(u) for u in report.units],
        "officers": [_officer_json(o) for o in report.officers],
        "payments": [_payment_json(p) for p in report.payments],
        "fees_total": _num(report.fees_total),
        "adjustments": [_adjustment_json(a) for a in report.adjustments],
        "unpaid": [_unpaid_json(u) for u in report.unpaid],
    }
