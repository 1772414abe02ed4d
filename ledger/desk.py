"""What the browser desk reads from the ledger: a month's submissions and one submission's files."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from ledger.assessment import _day_bounds
from ledger.decisions import counted_sql, effective_columns, pending_sql, verdict_sql


def open_read_only(path: Path) -> sqlite_utils.Database:
    """The ledger for reading only (no schema check, no write possible); it must exist, with its
    schema (`open_ledger` once at start). The desk's pages read through this on every request."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 30000")
    return sqlite_utils.Database(conn, execute_plugins=False)  # as `open_ledger`: no plugins


def scoring_version(db: sqlite_utils.Database) -> tuple[Any, ...]:
    """Changes whenever anything scoring reads does (drafts, adoptions and their withdrawal or
    re-import, 约稿, officers, 核定) — but not for heartbeats, sightings or filing, which write often."""
    row = db.execute(
        "SELECT (SELECT count(*) FROM submissions), (SELECT max(id) FROM submissions), "
        "(SELECT count(*) FROM adoptions), (SELECT max(entered_at) FROM adoptions), "
        "(SELECT count(withdrawn_at) FROM adoptions), (SELECT max(withdrawn_at) FROM adoptions), "
        "(SELECT count(*) FROM assignments), (SELECT max(entered_at) FROM assignments), "
        "(SELECT total(count) FROM assignments), (SELECT count(*) FROM officers), "
        "(SELECT max(id) FROM officers), (SELECT max(registered_at) FROM officers), "
        "(SELECT total(length(unit) + length(name)) FROM officers), "
        "(SELECT count(*) FROM events WHERE action = 'decide')"
    ).fetchone()
    return tuple(row)


def month_index(
    db: sqlite_utils.Database,
    start: dt.date,
    end: dt.date,
    *,
    unit: str | None = None,
    content_type: str | None = None,
    verdict: str | None = None,
    rule: str | None = None,
    pending: bool = False,
) -> list[tuple[int, str, str]]:
    """(id, received_at, verdict) of the submissions received around [start, end] (a day's
    margin: the caller keeps the office-local days), filtered (`pending`: only those waiting for
    a 核定), newest first. Light on purpose:
    a month holds thousands; `submissions_by_id` then reads one page of them in full."""
    low, high = _day_bounds(start, end)
    where = ["received_at >= ?", "received_at < ?"]
    params: list[Any] = [low, high]
    for column, value in (("unit", unit), ("content_type", content_type), (verdict_sql(), verdict)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if rule:
        where.append("id IN (SELECT submission_id FROM findings WHERE rule = ? AND severity = 'error')")
        params.append(rule)
    if pending:
        where.append(pending_sql("submissions"))
    sql = (
        f"SELECT id, received_at, {verdict_sql()} FROM submissions WHERE {' AND '.join(where)} "
        "ORDER BY received_at DESC, id DESC"
    )
    return [(int(r[0]), str(r[1]), str(r[2] or "")) for r in db.execute(sql, params).fetchall()]


def submissions_by_id(db: sqlite_utils.Database, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The listed submissions in that order, each with `rules`: its error findings' rules, and
    `has_note`: whether it has a note (a 退回说明, or the 未计入 notice of a late accepted draft)."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = {
        row["id"]: row
        for row in db.query(
            "SELECT s.id, s.unit, s.content_type, s.title, s.original_name, s.received_at, s.zishu, "
            "s.photos_total, s.photos_distinct, s.photos_hd, "
            f"{effective_columns('s')}, s.decided_verdict IS NOT NULL AS decided, "
            "coalesce(s.note_path, s.note_text, s.decided_reason) IS NOT NULL AS has_note, "
            f"{pending_sql('s')} AS pending, "
            "(SELECT group_concat(DISTINCT f.rule) FROM findings f "
            " WHERE f.submission_id = s.id AND f.severity = 'error') AS rules "
            f"FROM submissions s WHERE s.id IN ({marks})",
            list(ids),
        )
    }
    return [rows[i] for i in ids if i in rows]


def submission_files(db: sqlite_utils.Database, submission_id: int) -> dict[str, Any] | None:
    """Where one submission's original and note were filed (workspace-relative), and the note text."""
    rows = list(
        db.query(
            f"SELECT id, title, unit, original_name, stored_path, note_path, note_text, {verdict_sql()} AS verdict, "
            "verdict AS machine_verdict, decided_verdict, decided_counted, decided_reason, decided_at, counted, "
            f"{counted_sql()} AS effective_counted "
            "FROM submissions WHERE id = ?",
            [submission_id],
        )
    )
    return rows[0] if rows else None
