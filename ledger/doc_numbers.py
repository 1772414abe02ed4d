"""The 通报's 发文字号: each period's 通报 takes its year's next number once and keeps it."""

from __future__ import annotations

import sqlite_utils


def document_number(
    db: sqlite_utils.Database, period: str, year: int, first: int, issued_at: str
) -> tuple[int, int]:
    """(year, number) of the 通报 of `period`: the one it took before, else the next number of
    `year` (never below `first`, the rulebook's [bulletin] first_number), recorded now."""
    with db.conn:
        kept = db.execute("SELECT year, number FROM bulletin_numbers WHERE period = ?", [period]).fetchone()
        if kept is not None:
            return int(kept[0]), int(kept[1])
        (last,) = db.execute("SELECT max(number) FROM bulletin_numbers WHERE year = ?", [year]).fetchone()
        number = max(first, int(last or 0) + 1)
        db.execute(
            "INSERT INTO bulletin_numbers (period, year, number, issued_at) VALUES (?, ?, ?, ?)",
            [period, year, number, issued_at],
        )
    return year, number
