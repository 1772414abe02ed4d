"""What one unit's own page reads: its drafts of a span and their adoptions, nothing of others.

Every query here is filtered by the unit first, so a unit's link can never read another
unit's rows, whatever 稿件编号 it asks for.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlite_utils

from ledger.decisions import effective_columns, verdict_sql


def unit_drafts(db: sqlite_utils.Database, unit: str, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The unit's submissions received in [start, end] (a day's margin each side: the caller
    keeps the office-local days), newest first, each with `rules` (error findings' rules) and
    `reasons` (every finding's message, for 计入 or why not)."""
    low = (start - dt.timedelta(days=1)).isoformat()
    high = (end + dt.timedelta(days=2)).isoformat()
    return list(
        db.query(
            "SELECT s.id, s.unit, s.content_type, s.title, s.original_name, s.received_at, s.zishu, "
            "s.zishu_all, s.photos_total, s.photos_distinct, s.photos_hd, "
            f"{effective_columns('s')}, s.decided_reason, "
            "s.is_announcement, s.duplicate_of, s.note_path IS NOT NULL AS has_note, "
            "(SELECT group_concat(DISTINCT f.rule) FROM findings f "
            " WHERE f.submission_id = s.id AND f.severity = 'error') AS rules, "
            "(SELECT group_concat(f.message, '\n') FROM findings f WHERE f.submission_id = s.id) AS reasons "
            "FROM submissions s WHERE s.unit = ? AND s.received_at >= ? AND s.received_at < ? "
            "ORDER BY s.received_at DESC, s.id DESC",
            [unit, low, high],
        )
    )


def unit_submission(db: sqlite_utils.Database, unit: str, submission_id: int) -> dict[str, Any] | None:
    """One submission's files, only when it is the unit's own (else None: another unit's 稿件编号
    answers exactly as a made-up one)."""
    rows = list(
        db.query(
            f"SELECT id, title, unit, original_name, stored_path, note_path, note_text, {verdict_sql()} AS verdict, "
            "verdict AS machine_verdict, decided_verdict, decided_counted, decided_reason, decided_at, counted "
            "FROM submissions WHERE id = ? AND unit = ?",
            [submission_id, unit],
        )
    )
    return rows[0] if rows else None


def last_submission_id(db: sqlite_utils.Database) -> int:
    """The highest 稿件编号 on record (0: none), to tell a later item from an earlier one."""
    rows = list(db.query("SELECT COALESCE(MAX(id), 0) AS top FROM submissions"))
    return int(rows[0]["top"])


def unit_item_from(
    db: sqlite_utils.Database, unit: str, source_path: str, after_id: int
) -> dict[str, Any] | None:
    """The unit's submission taken from inbox path `source_path` with a 稿件编号 above
    `after_id` (the newest), with its receipt's path and when it was written; else None."""
    rows = list(
        db.query(
            "SELECT id, receipt_path, receipt_at FROM submissions "
            "WHERE unit = ? AND source_path = ? AND id > ? ORDER BY id DESC LIMIT 1",
            [unit, source_path, after_id],
        )
    )
    return rows[0] if rows else None
