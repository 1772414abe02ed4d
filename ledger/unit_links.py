"""Each unit's private link to its own desk page: what the ledger keeps of it.

Only a token's sha256 is stored, never the token: a copy of the ledger (a backup, the 台账
view) opens no unit's page. `generation` counts the unit's links; rotating bumps it, so the
old token's hash no longer matches and that link stops working at once.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

TABLE = "unit_links"


def link_of(db: sqlite_utils.Database, unit: str) -> dict[str, Any] | None:
    """The unit's current link row (`unit`, `generation`, `token_sha256`, `issued_at`), else None."""
    rows = list(db.query(f"SELECT * FROM {TABLE} WHERE unit = ?", [unit]))
    return rows[0] if rows else None


def unit_for_token_hash(db: sqlite_utils.Database, token_sha256: str) -> str | None:
    """The unit whose current link has this token hash, else None (rotated and made-up tokens)."""
    rows = list(db.query(f"SELECT unit FROM {TABLE} WHERE token_sha256 = ?", [token_sha256]))
    return str(rows[0]["unit"]) if rows else None


def store_link(
    db: sqlite_utils.Database, unit: str, generation: int, token_sha256: str, issued_at: str
) -> None:
    """Record the unit's current link (replacing its earlier one)."""
    db.table(TABLE).upsert(
        {"unit": unit, "generation": generation, "token_sha256": token_sha256, "issued_at": issued_at},
        pk="unit",
    )
