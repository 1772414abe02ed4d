"""One period's assessment: completion, points, fees and standings for every unit and officer.

`score_period` is pure: it takes the ledger's rows (the year to date and anything earlier
the fee rule needs) and the rulebook, and returns a `PeriodReport`; `report_json` renders it
exactly as SPEC §8 promises (fields may be added, never renamed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rules.levels import LEVEL_NAMES, TIERS
from rules.model import Rulebook
from rules.periods import Period
from scoring.awards import Standing, officer_names, rank_officers, rank_units
from scoring.completion import Completion, unit_completion, unit_progress
from scoring.fees import Adjustment, Payment, Unpaid, adjustments, fees_by_unit, payments, unpaid
from scoring.points import Points, unit_points
from scoring.rows import AdoptionRow, AssignmentRow, OfficerRow, SubmissionRow, WithdrawalRow


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
    notes: tuple[str, ...] = ()  # how the rulebook was read where the seed is silent (说明 sheet)
    adjustments: tuple[Adjustment, ...] = ()  # fees taken back for adoptions withdrawn in the period

    @property
    def is_year(self) -> bool:
        return self.period.kind == "year"

    @property
    def fees_total(self) -> float:
        """What the period pays: its payments less what withdrawals take back."""
        return round(sum(p.amount for p in self.payments) + sum(a.amount for a in self.adjustments), 2)


def assumption_notes(rulebook: Rulebook) -> tuple[str, ...]:
    """The readings of the rules the figures rest on, in the clerk's words, with the rulebook's numbers."""
    notes: list[str] = []
    for xuexi in (t for t in rulebook.types.values() if t.quota == "adopted"):
        units = [u for u in rulebook.units if u.quota.get(xuexi.key)]
        quotas = sorted({u.quota[xuexi.key] for u in units})
        platform = [name for name, p in rulebook.outlet_platforms.items() if p == xuexi.platform]
        notes.append(
            f"{xuexi.name}任务数：附件1的合并单元格还原为{len(units)}个单位每季度"
            f"{'、'.join(str(q) for q in quotas)}篇（规则文件 [[units]] 的 quota.{xuexi.key}）；"
            + (
                f"只计{'、'.join(platform)}的录用，按首次录用日期计入季度。"
                if platform
                else "按首次录用日期计入季度。"
            )
        )
    notes.append(
        "不结转：每个月（季、年）的任务单独考核，某期多报的稿件不抵补其他期的缺少数；"
        "迟报稿件予以登记但不计入当期完成数（见“未计入稿件”）。"
    )
    p = rulebook.points
    notes.append(
        f"加分封顶：所有加分（多录用加分、媒体宣传加分）按自然年累计不超过 {p.bonus_cap_year:g} 分；"
        "月报、季报按年初至期末累计后封顶，本期只计新增部分。"
    )
    if p.media_bonus_levels:
        levels = "、".join(LEVEL_NAMES.get(x, x) for x in p.media_bonus_levels)
        notes.append(
            f"媒体宣传加分：只给{levels}媒体的报道，每篇 {p.media_bonus_min:g}–{p.media_bonus_max:g} 分，同篇只计一次。"
        )
    notes.append(
        "稿酬：同一稿件按最高标准发放一次，后来更高级别的录用只补差额；规则文件未定价的类型与媒体组合不发稿酬。"
    )
    notes.append("先进评选：按全年录用篇数排出的推荐名单，建议奖励为办法规定的金额，最终由街道研究决定。")
    return tuple(notes)


def _canonical(rows: Sequence[Any], rulebook: Rulebook) -> list[Any]:
    """Rows with unit aliases resolved to the rulebook's unit names."""
    result = []
    for row in rows:
        unit = rulebook.unit_named(row.unit)
        result.append(dataclasses.replace(row, unit=unit.name) if unit and unit.name != row.unit else row)
    return result


def score_period(
    period: Period,
    rulebook: Rulebook,
    submissions: Sequence[SubmissionRow],
    adoptions: Sequence[AdoptionRow],
    assignments: Sequence[AssignmentRow],
    officers: Sequence[OfficerRow] = (),
    withdrawn: Sequence[WithdrawalRow] = (),
) -> PeriodReport:
    """Assess `period` from the ledger's rows (pass the year to date; earlier adoptions may matter for fees)."""
    submissions = [s for s in _canonical(submissions, rulebook) if s.received_day <= period.end]
    adoptions = [a for a in _canonical(adoptions, rulebook) if a.adopted_on <= period.end]
    assignments = _canonical(assignments, rulebook)
    officers = _canonical(officers, rulebook)
    paid = payments(period, adoptions, rulebook)
    taken_back = adjustments(period, withdrawn, adoptions, rulebook)
    unit_fees = fees_by_unit(paid)
    for a in taken_back:
        unit_fees[a.unit] = round(unit_fees.get(a.unit, 0.0) + a.amount, 2)
    give = period.kind == "year"
    standings = {
        s.unit: s
        for s in rank_units(
            adoptions, [u.name for u in rulebook.units], period.year, period.end, rulebook, give
        )
    }
    units: list[UnitReport] = []
    for unit in rulebook.units:
        completion = unit_completion(unit, period, rulebook, submissions, adoptions, assignments)
        points = unit_points(unit, period, rulebook, completion, submissions, adoptions, assignments)
        progress = unit_progress(unit, period, rulebook, submissions, adoptions, assignments)
        units.append(
            UnitReport(
                unit.name,
                unit.kind,
                completion,
                points,
                unit_fees.get(unit.name, 0.0),
                standings[unit.name],
                progress,
            )
        )
    registered = [(o.unit, o.name) for o in officers]
    people = rank_officers(adoptions, registered, period.year, period.end, rulebook, give)
    # Each byline is split once and indexed by (unit, name): a year has thousands of drafts and
    # hundreds of officers, and scanning every draft per officer took seconds.
    by_officer: dict[tuple[str, str], list[SubmissionRow]] = {}
    for s in submissions:
        if period.contains(s.received_day):
            for name in dict.fromkeys(officer_names(s.officer)):
                by_officer.setdefault((s.unit, name), []).append(s)
    paid_to: dict[tuple[str, str], list[float]] = {}
    for p in paid:
        for name in dict.fromkeys(officer_names(p.officer)):
            paid_to.setdefault((p.unit, name), []).append(p.amount)
    officer_rows: list[OfficerReport] = []
    for standing in people:
        key = (standing.unit, standing.name)
        mine = by_officer.get(key, [])
        fee = round(sum(paid_to.get(key, [])), 2)
        officer_rows.append(
            OfficerReport(
                standing.unit,
                standing.name,
                key in registered,
                len(mine),
                sum(1 for s in mine if s.counts),
                fee,
                standing,
            )
        )
    return PeriodReport(
        period=period,
        rulebook_name=rulebook.meta.name,
        type_names={key: t.name for key, t in rulebook.types.items()},
        type_short_names={key: t.names for key, t in rulebook.types.items()},
        kind_names=dict(rulebook.kinds),
        units=tuple(units),
        payments=tuple(paid),
        officers=tuple(officer_rows),
        unpaid=tuple(unpaid(period, adoptions, rulebook)),
        subdistrict=rulebook.meta.subdistrict,
        notes=assumption_notes(rulebook),
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


def report_json(report: PeriodReport) -> dict[str, Any]:
    """SPEC §8: {"period", "units": [{"unit", "kind", "completion", "points", "fees"}], "officers"}."""
    return {
        "period": report.period.key,
        "label": report.period.label,
        "start": report.period.start.isoformat(),
        "end": report.period.end.isoformat(),
        "units": [
            {
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
            for u in report.units
        ],
        "officers": [
            {
                "unit": o.unit,
                "name": o.name,
                "registered": o.registered,
                "submitted": o.submitted,
                "counted": o.counted,
                "fees": _num(o.fees),
                **_standing_json(o.standing),
            }
            for o in report.officers
        ],
        "payments": [
            {
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
            for p in report.payments
        ],
        "fees_total": _num(report.fees_total),
        "adjustments": [
            {
                "submission_id": a.submission_id,
                "unit": a.unit,
                "title": a.title,
                "outlet": a.outlet,
                "adopted_on": a.adopted_on.isoformat(),
                "withdrawn_on": a.withdrawn_on.isoformat(),
                "reason": a.reason,
                "amount": _num(a.amount),
            }
            for a in report.adjustments
        ],
        "unpaid": [
            {
                "submission_id": u.submission_id,
                "unit": u.unit,
                "content_type": u.content_type,
                "title": u.title,
                "outlet": u.outlet,
                "level": u.level,
                "adopted_on": u.adopted_on.isoformat(),
                "reason": u.reason,
            }
            for u in report.unpaid
        ],
    }
