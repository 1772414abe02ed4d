"""SQL for the 通报: what each unit sent in a period."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from ledger.decisions import counted_sql, verdict_sql

V, C = verdict_sql(), counted_sql()


def draft_counts(db: sqlite_utils.Database, start: str, end: str) -> list[dict[str, Any]]:
    """Per unit: drafts received on days `start`..`end` (ISO dates, office time as stored),
    how many were 合格, how many counted."""
    return list(
        db.query(
            f"SELECT unit, count(*) AS received, sum({V} = 'accepted') AS accepted, "
            f"sum(coalesce({C}, 0) != 0 AND {V} = 'accepted') AS counted FROM submissions "
            "WHERE substr(received_at, 1, 10) BETWEEN ? AND ? GROUP BY unit ORDER BY unit",
            [start, end],
        )
    )
