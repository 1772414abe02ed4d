"""Fees (稿酬) per adopted piece, seed 四(一).

- A fixed-rate outlet level pays the rulebook's fee for the piece's type at that level
  (instant: district 10 … national 100; xuexi: province 200, national 300; gov_info: 决策参考 20 …
  省两办 100). A level without a fee for that type pays nothing.
- The WeChat account (level "wechat") pays a 微信原创稿件 by quality: the fee the office gave,
  clamped to wechat_min..wechat_max, wechat_min when none was given; announcements always
  wechat_min. Another type adopted by the account pays nothing: the range is in wechat's table only.
- A type with a platform (学习强国) is paid only for adoptions by outlets on that platform.
- What pays nothing says why (`Unpaid`), so the report can show it.
- 单篇稿件不重复奖励，以最高标准发放: a piece is paid once, at its highest fee. When a higher
  adoption arrives in a later period, that period pays only the difference, so the payments of
  consecutive reports add up to exactly the piece's highest fee.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from rules.levels import LEVEL_NAMES, WECHAT_LEVEL
from rules.model import Rulebook
from rules.periods import Period
from scoring.rows import AdoptionRow, WithdrawalRow


@dataclass(frozen=True)
class FeeRule:
    """What the rulebook pays for one adoption, and why nothing when it pays nothing."""

    amount: float
    reason: str = ""  # empty when the rulebook prices the pair


def fee_rule(
    content_type: str,
    level: str,
    given: float | None,
    is_announcement: bool,
    rulebook: Rulebook,
    outlet: str | None = None,
) -> FeeRule:
    """The fee one adoption earns by the rulebook (元): the piece's own type's table at the outlet's
    level; the WeChat range only where that type's table has one (微信原创稿件); nothing, with the
    reason, for a pair the rulebook does not price or an outlet off the type's platform."""
    ctype = rulebook.types.get(content_type)
    type_name = ctype.name if ctype else content_type
    level_name = LEVEL_NAMES.get(level, level)
    if outlet is not None and not rulebook.counts_for(content_type, outlet):
        return FeeRule(0.0, f"{type_name}稿酬只在{type_name}平台录用时发放，{outlet}不是该平台")
    table = rulebook.fees.get(content_type, {})
    if level == WECHAT_LEVEL and "wechat_min" in table:
        low, high = float(table["wechat_min"]), float(table.get("wechat_max", table["wechat_min"]))
        if is_announcement or given is None:
            return FeeRule(low)
        return FeeRule(min(max(float(given), low), high))
    if level in table:
        return FeeRule(float(table[level]))
    return FeeRule(0.0, f"规则文件未规定{type_name}被{level_name}录用的稿酬（四(一)），不发稿酬")


def adoption_fee(
    content_type: str,
    level: str,
    given: float | None,
    is_announcement: bool,
    rulebook: Rulebook,
    outlet: str | None = None,
) -> float:
    """The fee one adoption earns by the rulebook (元); see `fee_rule`."""
    return fee_rule(content_type, level, given, is_announcement, rulebook, outlet).amount


def fee_of(row: AdoptionRow, rulebook: Rulebook) -> float:
    return adoption_fee(row.content_type, row.level, row.fee, row.is_announcement, rulebook, row.outlet)


@dataclass(frozen=True)
class Unpaid:
    """An adoption in the period the rulebook pays nothing for, with the reason."""

    submission_id: int
    unit: str
    content_type: str
    title: str
    outlet: str
    level: str
    adopted_on: dt.date
    reason: str


def unpaid(report: Period, adoptions: Sequence[AdoptionRow], rulebook: Rulebook) -> list[Unpaid]:
    """Adoptions dated in `report` that earn nothing by the rulebook, each with why."""
    result: list[Unpaid] = []
    for row in sorted(adoptions, key=lambda r: (r.adopted_on, r.id)):
        if not report.contains(row.adopted_on):
            continue
        rule = fee_rule(row.content_type, row.level, row.fee, row.is_announcement, rulebook, row.outlet)
        if rule.amount <= 0 and rule.reason:
            result.append(
                Unpaid(
                    row.submission_id,
                    row.unit,
                    row.content_type,
                    row.title,
                    row.outlet,
                    row.level,
                    row.adopted_on,
                    rule.reason,
                )
            )
    return result


@dataclass(frozen=True)
class Payment:
    """What one piece is paid in a period: its best adoption so far minus what was already paid."""

    submission_id: int
    unit: str
    officer: str
    content_type: str
    title: str
    outlet: str
    level: str
    adopted_on: dt.date
    highest_fee: float
    paid_before: float
    amount: float


@dataclass(frozen=True)
class AdoptionMark:
    """One adoption of a piece and whether the piece's one fee is paid on it, and why not."""

    adoption: AdoptionRow
    fee: float  # what the rulebook prices this adoption alone at
    paid: bool
    why: str  # empty when paid: 不重复奖励，按最高标准发放 / the rulebook's reason for nothing


@dataclass(frozen=True)
class PieceFee:
    """单篇稿件不重复奖励，以最高标准发放: the one fee a piece earns, and every adoption marked."""

    amount: float
    marks: tuple[AdoptionMark, ...]

    @property
    def best(self) -> AdoptionMark | None:
        return next((m for m in self.marks if m.paid), None)


NOT_AGAIN = "不重复奖励，按最高标准发放"


def piece_fee(rows: Sequence[AdoptionRow], rulebook: Rulebook, through: dt.date | None = None) -> PieceFee:
    """THE fee of one piece: its highest-fee adoption dated on or before `through` (earliest on a
    tie) is paid, every other adoption is marked not paid and why. Every fee shown comes from here."""
    dated = sorted(
        (r for r in rows if through is None or r.adopted_on <= through), key=lambda r: (r.adopted_on, r.id)
    )
    rules = [fee_rule(r.content_type, r.level, r.fee, r.is_announcement, rulebook, r.outlet) for r in dated]
    best = -1
    for i, rule in enumerate(rules):
        if rule.amount > 0 and (best < 0 or rule.amount > rules[best].amount):
            best = i
    marks = tuple(
        AdoptionMark(row, rule.amount, i == best, "" if i == best else rule.reason or NOT_AGAIN)
        for i, (row, rule) in enumerate(zip(dated, rules, strict=True))
    )
    return PieceFee(rules[best].amount if best >= 0 else 0.0, marks)


def best_adoption(
    rows: Sequence[AdoptionRow], rulebook: Rulebook, through: dt.date
) -> tuple[AdoptionRow, float] | None:
    """The paid adoption of one piece dated on or before `through` and its fee (`piece_fee`)."""
    found = piece_fee(rows, rulebook, through).best
    return (found.adoption, found.fee) if found else None


def payments(report: Period, adoptions: Sequence[AdoptionRow], rulebook: Rulebook) -> list[Payment]:
    """Every piece paid in `report`, each once: highest fee through the end minus paid before the start."""
    by_piece: dict[int, list[AdoptionRow]] = {}
    for row in adoptions:
        by_piece.setdefault(row.submission_id, []).append(row)
    before = report.start - dt.timedelta(days=1)
    result: list[Payment] = []
    for submission_id, rows in sorted(by_piece.items()):
        now = best_adoption(rows, rulebook, report.end)
        if now is None:
            continue
        earlier = best_adoption(rows, rulebook, before)
        paid_before = earlier[1] if earlier else 0.0
        amount = round(now[1] - paid_before, 2)
        if amount <= 0:
            continue
        row, fee = now
        result.append(
            Payment(
                submission_id,
                row.unit,
                row.officer,
                row.content_type,
                row.title,
                row.outlet,
                row.level,
                row.adopted_on,
                fee,
                paid_before,
                amount,
            )
        )
    return result


@dataclass(frozen=True)
class Adjustment:
    """Money an earlier report paid for a piece whose adoption was withdrawn in this period:
    taken back here (a negative amount), so a re-run of the earlier period is not the only trace."""

    submission_id: int
    unit: str
    officer: str
    title: str
    outlet: str
    adopted_on: dt.date
    withdrawn_on: dt.date
    reason: str
    amount: float


def adjustments(
    report: Period,
    withdrawn: Sequence[WithdrawalRow],
    in_force: Sequence[AdoptionRow],
    rulebook: Rulebook,
) -> list[Adjustment]:
    """For each piece with an adoption dated before `report` and withdrawn inside it: what the
    piece earned before `report` with that adoption, less what it earns without it."""
    before = report.start - dt.timedelta(days=1)
    result: list[Adjustment] = []
    for w in withdrawn:
        row = w.adoption
        if not report.contains(w.withdrawn_on) or row.adopted_on > before:
            continue  # withdrawn in its own period: that period's report simply leaves it out
        others = [a for a in in_force if a.submission_id == row.submission_id]
        was = best_adoption([*others, row], rulebook, before)
        now = best_adoption(others, rulebook, before)
        amount = round((now[1] if now else 0.0) - (was[1] if was else 0.0), 2)
        if amount < 0:
            result.append(
                Adjustment(
                    row.submission_id,
                    row.unit,
                    row.officer,
                    row.title,
                    row.outlet,
                    row.adopted_on,
                    w.withdrawn_on,
                    w.reason,
                    amount,
                )
            )
    return result


def fees_by_unit(paid: Sequence[Payment]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for payment in paid:
        totals[payment.unit] = round(totals.get(payment.unit, 0.0) + payment.amount, 2)
    return totals
