"""What the browser desk reads from the ledger: a month's submissions and one submission's files."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import sqlite_utils

from ledger.assessment import _day_bounds


def open_read_only(path: Path) -> sqlite_utils.Database:
    """The ledger for reading only (no schema check, no write possible); it must exist, with its
    schema (`open_ledger` once at start). The desk's pages read through this on every request."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 30000")
    return sqlite_utils.Database(conn)


def scoring_version(db: sqlite_utils.Database) -> tuple[Any, ...]:
    """Changes whenever anything scoring reads does (drafts, adoptions and their withdrawal or
    re-import, 约稿, officers) — but not for heartbeats, sightings or filing, which write often."""
    row = db.execute(
        "SELECT (SELECT count(*) FROM submissions), (SELECT max(id) FROM submissions), "
        "(SELECT count(*) FROM adoptions), (SELECT max(entered_at) FROM adoptions), "
        "(SELECT count(withdrawn_at) FROM adoptions), (SELECT max(withdrawn_at) FROM adoptions), "
        "(SELECT count(*) FROM assignments), (SELECT max(entered_at) FROM assignments), "
        "(SELECT total(count) FROM assignments), (SELECT count(*) FROM officers), "
        "(SELECT max(id) FROM officers), (SELECT max(registered_at) FROM officers), "
        "(SELECT total(length(unit) + length(name)) FROM officers)"
    ).fetchone()
    return tuple(row)


def month_submissions(
    db: sqlite_utils.Database,
    start: dt.date,
    end: dt.date,
    *,
    unit: str | None = None,
    content_type: str | None = None,
    verdict: str | None = None,
    rule: str | None = None,
) -> list[dict[str, Any]]:
    """Submissions received around [start, end] (a day's margin: the caller keeps the office-local
    days), filtered, each with `rules`: the rules of its error findings, comma-separated."""
    low, high = _day_bounds(start, end)
    where = ["s.received_at >= ?", "s.received_at < ?", "s.state IS NOT 'claimed'"]
    params: list[Any] = [low, high]
    for column, value in (("unit", unit), ("content_type", content_type), ("verdict", verdict)):
        if value:
            where.append(f"s.{column} = ?")
            params.append(value)
    if rule:
        where.append(
            "EXISTS (SELECT 1 FROM findings r WHERE r.submission_id = s.id AND r.rule = ? AND r.severity = 'error')"
        )
        params.append(rule)
    sql = (
        "SELECT s.id, s.unit, s.content_type, s.title, s.original_name, s.received_at, s.zishu, "
        "s.photos_total, s.photos_distinct, s.photos_hd, s.verdict, s.counted, "
        "(SELECT group_concat(DISTINCT f.rule) FROM findings f "
        " WHERE f.submission_id = s.id AND f.severity = 'error') AS rules "
        f"FROM submissions s WHERE {' AND '.join(where)} ORDER BY s.received_at DESC, s.id DESC"
    )
    return list(db.query(sql, params))


def submission_files(db: sqlite_utils.Database, submission_id: int) -> dict[str, Any] | None:
    """Where one submission's original and note were filed (workspace-relative), and the note text."""
    rows = list(
        db.query(
            "SELECT id, title, unit, original_name, stored_path, note_path, note_text, verdict "
            "FROM submissions WHERE id = ?",
            [submission_id],
        )
    )
    return rows[0] if rows else None
