"""Fees (稿酬) per adopted piece, seed 四(一).

- A fixed-rate outlet level pays the rulebook's fee for the piece's type at that level
  (instant: district 10 … national 100; xuexi: province 200, national 300; gov_info: 决策参考 20 …
  省两办 100). A level without a fee for that type pays nothing.
- The WeChat account (level "wechat") pays by quality: the fee the office gave, clamped to
  wechat_min..wechat_max, wechat_min when none was given; announcements always wechat_min.
- 单篇稿件不重复奖励，以最高标准发放: a piece is paid once, at its highest fee. When a higher
  adoption arrives in a later period, that period pays only the difference, so the payments of
  consecutive reports add up to exactly the piece's highest fee.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from rules.model import Rulebook
from rules.periods import Period
from scoring.rows import AdoptionRow

WECHAT_LEVEL = "wechat"

# How the office reads each outlet level (labels only; fees come from the rulebook).
LEVEL_NAMES: dict[str, str] = {
    "national": "国家级",
    "province": "省级",
    "city": "市级",
    "district": "区级",
    "wechat": "街道公众号",
    "juece": "决策参考",
    "district_office": "区两办",
    "city_office": "市两办",
    "province_office": "省两办",
}


def adoption_fee(
    content_type: str, level: str, given: float | None, is_announcement: bool, rulebook: Rulebook
) -> float:
    """The fee one adoption earns by the rulebook (元)."""
    table = rulebook.fees.get(content_type, {})
    if level == WECHAT_LEVEL:
        wechat = rulebook.fees.get("wechat", {})
        low, high = float(wechat.get("wechat_min", 0)), float(wechat.get("wechat_max", 0))
        if is_announcement or given is None:
            return low
        return min(max(float(given), low), high)
    return float(table.get(level, 0))


def fee_of(row: AdoptionRow, rulebook: Rulebook) -> float:
    return adoption_fee(row.content_type, row.level, row.fee, row.is_announcement, rulebook)


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


def best_adoption(
    rows: Sequence[AdoptionRow], rulebook: Rulebook, through: dt.date
) -> tuple[AdoptionRow, float] | None:
    """The highest-fee adoption of one piece dated on or before `through` (earliest on a tie)."""
    best: tuple[AdoptionRow, float] | None = None
    for row in sorted(rows, key=lambda r: (r.adopted_on, r.id)):
        if row.adopted_on > through:
            continue
        fee = fee_of(row, rulebook)
        if best is None or fee > best[1]:
            best = (row, fee)
    return best


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


def fees_by_unit(paid: Sequence[Payment]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for payment in paid:
        totals[payment.unit] = round(totals.get(payment.unit, 0.0) + payment.amount, 2)
    return totals
