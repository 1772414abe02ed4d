"""The drafts on record, filtered the way the office asks for them (`draftdesk list`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlite_utils

from ledger.decisions import effective_columns, verdict_sql


def find_submissions(
    db: sqlite_utils.Database,
    *,
    units: Sequence[str] = (),
    month: str | None = None,
    verdict: str | None = None,
    words: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Submissions by id. `units`: any of these names; `month` ("2021-03"): received that month
    (received_at is stored in office-local time); every word must appear in the title, the file name or the stored path."""
    where: list[str] = []
    params: list[Any] = []
    if units:
        where.append(f"unit IN ({','.join('?' for _ in units)})")
        params += list(units)
    if month:
        where.append("substr(received_at, 1, 7) = ?")
        params.append(month)
    if verdict:
        where.append(f"{verdict_sql()} = ?")
        params.append(verdict)
    for word in words:
        where.append(
            "(instr(coalesce(title, ''), ?) > 0 OR instr(coalesce(original_name, ''), ?) > 0 "
            "OR instr(coalesce(stored_path, ''), ?) > 0)"
        )
        params += [word, word, word]
    sql = (
        f"SELECT id, title, unit, content_type, received_at, {effective_columns()}, stored_path, original_name, "
        "decided_verdict IS NOT NULL AS decided "
        "FROM submissions" + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY id"
    )
    return [dict(row) for row in db.query(sql, params)]
