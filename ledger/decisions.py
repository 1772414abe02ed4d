"""The office's 核定 in the ledger, and THE effective verdict every reader uses.

The machine's judgement (`submissions.verdict`, `counted`) is evidence and is never edited; the
office's decision lives beside it in `decided_verdict` / `decided_counted` (NULL: none), set in
the same transaction as its `decide` event. What counts is the office's decision where there
is one, else the machine's: `verdict_sql` / `counted_sql` are that rule as one SQL expression,
and every query that reads a verdict (scoring, lists, the desk, status, receipts) uses them.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

# What leaves a draft to the office; its one home is the checks, which say it (re-exported).
from checks.labels import PENDING_MARK as PENDING_MARK
from ledger.events import Actor, Change, append_events


def verdict_sql(alias: str = "") -> str:
    """The effective verdict of a `submissions` row (`alias` the table's alias in the query)."""
    p = f"{alias}." if alias else ""
    return f"coalesce({p}decided_verdict, {p}verdict)"


def counted_sql(alias: str = "") -> str:
    """The effective counted flag (0/1/NULL) of a `submissions` row."""
    p = f"{alias}." if alias else ""
    return f"coalesce({p}decided_counted, {p}counted)"


def effective_columns(alias: str = "") -> str:
    """`verdict, counted` as a SELECT list reads them: the effective values under those names,
    so a reader written for the machine's columns reads the office's decision unchanged."""
    return f"{verdict_sql(alias)} AS verdict, {counted_sql(alias)} AS counted"


@dataclass(frozen=True)
class Decided:
    """What a 核定 sets (None everywhere: undone, back to the machine's judgement) and where the
    draft's files now lie (the new filing plan and its shown paths)."""

    verdict: str | None
    counted: int | None
    reason: str | None
    at: str | None
    by: str | None
    plan: str
    stored_path: str
    note_path: str | None
    receipt_path: str | None


def record_decision(
    db: sqlite_utils.Database, sub_id: int, decided: Decided, at: str, actor: Actor, change: Change
) -> None:
    """Set the decision and the new plan, with its event, in one transaction. The receipt is
    marked due (`receipt_at` NULL) until the new one is written."""
    with db.conn:
        db.conn.execute("BEGIN IMMEDIATE")
        db.execute(
            "UPDATE submissions SET decided_verdict = ?, decided_counted = ?, decided_reason = ?, "
            "decided_at = ?, decided_by = ?, filing_plan = ?, stored_path = ?, note_path = ?, "
            "receipt_path = ?, receipt_at = NULL WHERE id = ?",
            [
                decided.verdict,
                decided.counted,
                decided.reason,
                decided.at,
                decided.by,
                decided.plan,
                decided.stored_path,
                decided.note_path,
                decided.receipt_path,
                sub_id,
            ],
        )
        append_events(db, at, actor, [change])


def pending_sql(alias: str = "") -> str:
    """A draft waiting for a 核定: a finding (what its note or receipt says) leaves it to the
    office, and the office has never decided it (no `decide` event; an undone decision was
    still a decision)."""
    p = f"{alias}." if alias else ""
    return (
        f"(EXISTS (SELECT 1 FROM findings f WHERE f.submission_id = {p}id "
        f"AND instr(f.message, '{PENDING_MARK}') > 0) AND NOT EXISTS "
        f"(SELECT 1 FROM events e WHERE e.action = 'decide' AND e.submission_id = {p}id))"
    )


def awaits_office(db: sqlite_utils.Database, sub_id: int) -> bool:
    """Whether the draft waits for a 核定 (`pending_sql`): then a decision that keeps the machine's
    verdict and count still settles it."""
    rows = list(db.query(f"SELECT {pending_sql('s')} AS pending FROM submissions s WHERE s.id = ?", [sub_id]))
    return bool(rows and rows[0]["pending"])
