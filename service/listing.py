"""`draftdesk list`: which drafts are on record, with the 稿件编号 people need for adopt/unadopt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from checks.labels import kept_time_text, verdict_label
from ledger.credits import unit_credits
from ledger.listing import find_submissions
from ledger.schema import open_ledger
from rules import Rulebook
from rules.periods import parse_period
from scoring.credit import Credit
from service.errors import bad_month, bad_verdict, unknown_unit
from workspace import Workspace

# What the office may type for --verdict.
_VERDICTS: dict[str, str] = {
    "合格": "accepted",
    "退回": "rejected",
    "accepted": "accepted",
    "rejected": "rejected",
}


@dataclass(frozen=True)
class DraftLine:
    """One draft as `list` shows it."""

    id: int
    title: str
    unit: str
    type_name: str
    received_at: str
    verdict: str  # 合格 / 退回
    counted: str  # 计入 / 不计入 / "" for a rejected draft
    path: str

    def cells(self) -> list[str]:
        return [
            str(self.id),
            self.title,
            self.unit,
            self.type_name,
            self.received_at,
            self.verdict,
            self.counted,
            self.path,
        ]


HEADINGS: tuple[str, ...] = ("编号", "标题", "单位", "类型", "收稿时间", "结果", "计入", "存放位置")


def _units(rulebook: Rulebook, unit: str | None) -> tuple[str, ...]:
    """Every name the unit's drafts may be recorded under (aliases too); () for no filter."""
    if unit is None:
        return ()
    found = rulebook.unit_named(unit)
    if found is None:
        raise unknown_unit(unit, rulebook)
    return found.names


def _month_key(month: str | None) -> str | None:
    if month is None:
        return None
    try:
        period = parse_period(month)
    except ValueError:
        period = None
    if period is None or period.kind != "month":
        raise bad_month(month)
    return period.key


def _verdict(verdict: str | None) -> str | None:
    if verdict is None:
        return None
    wanted = _VERDICTS.get(verdict.strip())
    if wanted is None:
        raise bad_verdict(verdict)
    return wanted


def _line(row: dict[str, Any], rulebook: Rulebook, credit: Credit | None) -> DraftLine:
    ctype = rulebook.types.get(row.get("content_type") or "")
    accepted = row.get("verdict") == "accepted"
    counts = _counts(credit, row)
    return DraftLine(
        id=int(row["id"]),
        title=row.get("title") or "",
        unit=row.get("unit") or "",
        type_name=ctype.name if ctype else (row.get("content_type") or ""),
        received_at=kept_time_text(str(row.get("received_at") or ""), rulebook.meta.tz),
        verdict=verdict_label(row.get("verdict") or ""),
        counted=("计入" if counts else "不计入") if accepted else "",
        path=row.get("stored_path") or "",
    )


def list_drafts(
    ws: Workspace,
    rulebook: Rulebook,
    *,
    unit: str | None = None,
    month: str | None = None,
    verdict: str | None = None,
    counted: bool | None = None,
    words: Sequence[str] = (),
) -> list[DraftLine]:
    """The drafts on record matching every filter given, by 稿件编号.

    Raises `UnknownUnit` (listing the units) or `BadInput` (a month or verdict that cannot be read)."""
    units, month_key, wanted = _units(rulebook, unit), _month_key(month), _verdict(verdict)
    if not ws.ledger_path.exists():
        return []
    db = open_ledger(ws.ledger_path)
    try:
        rows = find_submissions(
            db,
            units=units,
            month=month_key,
            verdict=wanted,
            words=[w for w in words if w.strip()],
        )
        credits = _credits(db, rulebook, rows)
    finally:
        db.close()
    if counted is not None:  # what counts is the credit's answer, not the stored flag
        rows = [
            r
            for r in rows
            if r.get("verdict") == "accepted" and _counts(credits.get(int(r["id"])), r) == counted
        ]
    return [_line(row, rulebook, credits.get(int(row["id"]))) for row in rows]


def _counts(credit: Credit | None, row: dict[str, Any]) -> bool:
    """Whether a listed draft counts: its credit's answer (the stored flag only for a row whose
    credit could not be read)."""
    return credit.counts if credit is not None else bool(row.get("counted"))


def _credits(
    db: sqlite_utils.Database, rulebook: Rulebook, rows: Sequence[dict[str, Any]]
) -> dict[int, Credit]:
    """The listed drafts' credits (`ledger.credits.unit_credits`), read once per unit and year."""
    found: dict[int, Credit] = {}
    for unit, year in sorted({(str(r.get("unit") or ""), str(r.get("received_at") or "")[:4]) for r in rows}):
        if year.isdigit():
            start, end = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
            found.update(unit_credits(db, rulebook, unit, start, end))
    return found
