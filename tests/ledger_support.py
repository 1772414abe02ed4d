"""Ledger writers for building test ledgers (and the scoring benchmark's): no production code
calls these, so they live here, not in ledger/. They write through the ledger's own paths
where one exists (`insert_submission`, `add_adoptions`), and raw rows where a test needs just
the columns it names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlite_utils

from ledger import intake
from ledger.assessment import add_adoptions
from ledger.schema import new_id


def record_submission(
    db: sqlite_utils.Database, *, findings: Iterable[Any] = (), images: Iterable[Any] = (), **columns: Any
) -> int:
    """Record one submission (any `submissions` columns; datetimes and dates become ISO text,
    booleans 0/1) with its findings and images, committed in one transaction, through the
    intake's own `insert_submission`. Returns its id; the state is filed unless given."""
    columns.setdefault("state", intake.FILED)
    with intake.locked(db):
        return intake.insert_submission(db, columns, findings, images)


def record_submission_row(db: sqlite_utils.Database, **columns: Any) -> int:
    """Insert one submissions row as given — just the columns passed (unit, content_type,
    received_at, verdict, counted, …) — and return the new id: a ledger for the scoring stage."""
    return new_id(db.table("submissions").insert(columns).last_pk)


def add_finding_row(
    db: sqlite_utils.Database, submission_id: int, rule: str, severity: str, message: str
) -> int:
    """Insert one finding of a submission, like `record_submission_row`."""
    return new_id(
        db.table("findings")
        .insert({"submission_id": submission_id, "rule": rule, "severity": severity, "message": message})
        .last_pk
    )


def add_adoption(
    db: sqlite_utils.Database,
    submission_id: int,
    outlet: str,
    level: str,
    adopted_on: str,
    fee: float | None,
    bonus: float | None,
    source: str,
) -> int:
    """Record one adoption (录用) through `add_adoptions`, as the office's sheet does."""
    row = {
        "submission_id": submission_id,
        "outlet": outlet,
        "level": level,
        "adopted_on": adopted_on,
        "fee": fee,
        "bonus": bonus,
        "source": source,
    }
    return add_adoptions(db, [row])[0]
