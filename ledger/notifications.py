"""The queue of messages to the units' and the office's groups (`intake/notify.py`).

A row is written when a sweep ends and marked sent or failed after each try, so a message that
could not be sent is retried by the next sweep, and its failure stays visible (`status`, desk)
instead of being lost with a console line. Addresses are never stored: `target` names a
notify.toml entry (`office#0`, `湖滨社区#1`), `shown` is the address with its key hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlite_utils

TABLE = "notifications"


def queue(db: sqlite_utils.Database, rows: Sequence[dict[str, Any]]) -> None:
    """Add messages waiting to be sent (each row: created_at, run_id, submission_id, unit,
    target, shown, body)."""
    if rows:
        db.table(TABLE).insert_all([{**row, "state": "pending", "attempts": 0} for row in rows])


def pending(db: sqlite_utils.Database, attempts: int) -> list[dict[str, Any]]:
    """Messages still to send, oldest first, that have had fewer than `attempts` tries."""
    return list(
        db.query(f"SELECT * FROM {TABLE} WHERE state = 'pending' AND attempts < ? ORDER BY id", [attempts])
    )


def mark(db: sqlite_utils.Database, row_id: int, *, sent_at: str | None, error: str, give_up: bool) -> None:
    """After one try: sent (with its time), or one more failed attempt (failed for good when
    `give_up`)."""
    row = db.table(TABLE).get(row_id)
    if sent_at is not None:
        changes: dict[str, Any] = {"state": "sent", "sent_at": sent_at, "attempts": row["attempts"] + 1}
    else:
        changes = {
            "state": "failed" if give_up else "pending",
            "attempts": row["attempts"] + 1,
            "last_error": error,
        }
    db.table(TABLE).update(row_id, changes)


def failures(db: sqlite_utils.Database, limit: int = 20) -> list[dict[str, Any]]:
    """Messages given up on, newest first (unit, shown, body, last_error, created_at)."""
    return list(db.query(f"SELECT * FROM {TABLE} WHERE state = 'failed' ORDER BY id DESC LIMIT ?", [limit]))


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    """How many messages are sent, pending and failed."""
    found = {"sent": 0, "pending": 0, "failed": 0}
    for row in db.query(f"SELECT state, COUNT(*) AS n FROM {TABLE} GROUP BY state"):
        found[str(row["state"])] = int(row["n"])
    return found


def already_queued(db: sqlite_utils.Database, target: str, body: str) -> bool:
    """Whether this very message was queued for this target before (reminders: once each)."""
    return bool(
        list(db.query(f"SELECT 1 FROM {TABLE} WHERE target = ? AND body = ? LIMIT 1", [target, body]))
    )
