"""The log of changes (操作记录): recording an event, listing them, checking the chain.

Every service function that changes the record calls `record` with the `Actor` its caller
(cli/ or web/) made, so the log says who and from where; the time is the workspace clock.
The Chinese line of an event is made here once, for the command line, the desk and the sheet.
"""

from __future__ import annotations

import sqlite_utils

from ledger.events import (
    Actor,
    Break,
    Change,
    append_events,
    event_hashes,
    load_key,
    read_events,
    verify_events,
)
from ledger.schema import open_ledger
from reports.events_view import ACTION_NAMES, Event, when_text
from rules import Rulebook
from workspace import Workspace, now

__all__ = ["Actor", "Change", "Event", "list_events", "record", "record_in", "verify"]

UNKNOWN = Actor("未注明")  # a caller that has not said who it is (never the cli or the desk)


def record_in(db: sqlite_utils.Database, rulebook: Rulebook, actor: Actor, changes: list[Change]) -> None:
    """Append `changes` to the open ledger `db`, stamped with the workspace clock."""
    append_events(db, now(rulebook).isoformat(timespec="seconds"), actor, changes)


def record(ws: Workspace, rulebook: Rulebook, actor: Actor, changes: list[Change]) -> None:
    """Append `changes` to the workspace's ledger."""
    db = open_ledger(ws.ledger_path)
    try:
        record_in(db, rulebook, actor, changes)
    finally:
        db.close()


def list_events(ws: Workspace, submission_id: int | None = None) -> list[Event]:
    """Every event (oldest first), or one draft's."""
    db = open_ledger(ws.ledger_path)
    try:
        return [Event.of(row) for row in read_events(db, submission_id)]
    finally:
        db.close()


def _broken(found: Break) -> str:
    n = found.event_id
    if found.kind == "missing":
        return f"操作记录第 {n} 条已被删除：第 {n - 1} 条之后缺少这一条，记录链断开。"
    if found.kind == "missing_last":
        return f"操作记录第 {n} 条（最后一条）已被删除：台账记得它的编号，表中却没有这一条。"
    row = found.row
    what = f"（{when_text(row['at'])} {ACTION_NAMES.get(row['action'], row['action'])}）" if row else ""
    return f"操作记录第 {n} 条{what}已被改动：内容与记录链的校验值不符（或其前一条被改动）。"


def verify(ws: Workspace) -> tuple[int, str | None]:
    """(how many events, the Chinese sentences — one a line — naming the first changed or
    deleted event and every anchor the log no longer holds, or None when all hold)."""
    from service.anchors import anchor_breaks, key_missing, known_anchors

    db = open_ledger(ws.ledger_path)
    try:
        found = verify_events(db, load_key(ws.ledger_path))
        hashes = event_hashes(db)
    finally:
        db.close()
    missing_key = key_missing(ws, max(hashes, default=0))
    said = [missing_key] if missing_key else [_broken(found)] if found else []
    said += anchor_breaks(hashes, known_anchors(ws))
    return len(hashes), "\n".join(said) if said else None
