"""SQL for 约稿 as tasks: the requests, the units each is sent to, and the drafts answering them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias, TypedDict

import sqlite_utils

from ledger.decisions import effective_columns
from ledger.schema import new_id
from ledger.transaction import joined_or_own


class RequestRecord(TypedDict):
    """One 约稿 with the units it was sent to."""

    id: int
    topic: str
    deadline: str
    issued_at: str
    closed_at: str | None
    close_reason: str | None
    units: list[str]


class AnswerRecord(TypedDict):
    """A draft answering a 约稿, with what the ledger knows of the draft."""

    request_id: int
    submission_id: int
    unit: str
    how: str
    linked_at: str
    title: str | None
    received_at: str | None
    verdict: str | None
    counted: int | None


Then: TypeAlias = Callable[[int], object] | None  # runs inside the write's transaction (the log's event)


def add_request(
    db: sqlite_utils.Database, topic: str, deadline: str, units: list[str], issued_at: str, then: Then = None
) -> int:
    """Record a 约稿 and its units in one transaction (with `then(id)`); its id."""
    with db.conn:
        cursor = db.conn.execute(
            "INSERT INTO requests (topic, deadline, issued_at) VALUES (?, ?, ?)", (topic, deadline, issued_at)
        )
        request_id = new_id(cursor.lastrowid)
        db.conn.executemany(
            "INSERT INTO request_units (request_id, unit) VALUES (?, ?)", [(request_id, u) for u in units]
        )
        if then is not None:
            then(request_id)
    return request_id


def _with_units(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> list[RequestRecord]:
    units: dict[int, list[str]] = {}
    for row in db.query("SELECT request_id, unit FROM request_units ORDER BY id"):
        units.setdefault(int(row["request_id"]), []).append(str(row["unit"]))
    return [RequestRecord(**row, units=units.get(int(row["id"]), [])) for row in rows]  # type: ignore[typeddict-item]


_COLUMNS = "id, topic, deadline, issued_at, closed_at, close_reason"


def get_request(db: sqlite_utils.Database, request_id: int) -> RequestRecord | None:
    rows = list(db.query(f"SELECT {_COLUMNS} FROM requests WHERE id = ?", [request_id]))
    found = _with_units(db, rows)
    return found[0] if found else None


def read_requests(db: sqlite_utils.Database, year: int | None = None) -> list[RequestRecord]:
    """Every 约稿 (by deadline, then id), or those whose deadline falls in `year`."""
    if year is None:
        rows = list(db.query(f"SELECT {_COLUMNS} FROM requests ORDER BY deadline, id"))
    else:
        sql = f"SELECT {_COLUMNS} FROM requests WHERE deadline LIKE ? ORDER BY deadline, id"
        rows = list(db.query(sql, [f"{year:04d}-%"]))
    return _with_units(db, rows)


def close_request(
    db: sqlite_utils.Database, request_id: int, at: str, reason: str | None, then: Then = None
) -> bool:
    """Mark a 约稿 closed (with `then(id)`); False when it was closed already."""
    with db.conn:
        cursor = db.conn.execute(
            "UPDATE requests SET closed_at = ?, close_reason = ? WHERE id = ? AND closed_at IS NULL",
            (at, reason, request_id),
        )
        if cursor.rowcount == 1 and then is not None:
            then(request_id)
    return cursor.rowcount == 1


def add_answer(
    db: sqlite_utils.Database,
    request_id: int,
    submission_id: int,
    unit: str,
    how: str,
    at: str,
    then: Then = None,
) -> bool:
    """Link a draft to the 约稿 it answers (with `then(id)`); False when it was linked already.
    Inside the caller's open transaction when there is one (the intake links an answer in the
    transaction that records the draft), else in one of its own."""
    conn = db.conn
    with joined_or_own(conn):
        cursor = conn.execute(
            "INSERT OR IGNORE INTO request_answers (request_id, submission_id, unit, how, linked_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (request_id, submission_id, unit, how, at),
        )
        if cursor.rowcount == 1 and then is not None:
            then(request_id)
    return cursor.rowcount == 1


def answered_request(db: sqlite_utils.Database, submission_id: int) -> int | None:
    """The 约稿 a draft already answers, or None."""
    row = db.execute(
        "SELECT request_id FROM request_answers WHERE submission_id = ? ORDER BY id LIMIT 1", [submission_id]
    ).fetchone()
    return None if row is None else int(row[0])


def read_answers(db: sqlite_utils.Database, request_ids: list[int]) -> list[AnswerRecord]:
    """The drafts answering `request_ids`, with their title, receipt time and verdict."""
    if not request_ids:
        return []
    marks = ",".join("?" for _ in request_ids)
    rows = db.query(
        "SELECT a.request_id, a.submission_id, a.unit, a.how, a.linked_at, s.title, s.received_at, "
        f"{effective_columns('s')} FROM request_answers a LEFT JOIN submissions s ON s.id = a.submission_id "
        f"WHERE a.request_id IN ({marks}) ORDER BY a.request_id, s.received_at, a.submission_id",
        request_ids,
    )
    return [AnswerRecord(**row) for row in rows]  # type: ignore[typeddict-item]


def named_unlinked(db: sqlite_utils.Database, content_type: str) -> list[dict[str, Any]]:
    """Drafts of `content_type` whose file name mentions 约稿 and that answer none yet."""
    return list(
        db.query(
            "SELECT id, unit, original_name, title, content_type, received_at FROM submissions "
            "WHERE content_type = ? "
            "AND original_name LIKE '%约稿%' AND id NOT IN (SELECT submission_id FROM request_answers) "
            "ORDER BY id",
            [content_type],
        )
    )
