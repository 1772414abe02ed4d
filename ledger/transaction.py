"""The one way a ledger write joins its caller's transaction or takes its own."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def joined_or_own(conn: sqlite3.Connection) -> Iterator[None]:
    """Inside the caller's open transaction when there is one (what is written here commits or
    rolls back with the caller's), else in one of its own taken with BEGIN IMMEDIATE, committed
    when the block ends and rolled back when it raises."""
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if own:
            conn.rollback()
        raise
    if own:
        conn.commit()
