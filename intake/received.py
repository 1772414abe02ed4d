"""Received time (SPEC §3): first sight, recorded at once and kept across restarts; after
downtime, the file's mtime clamped between the last heartbeat and first sight.

The watcher records first sights as events arrive; every sweep records them for the whole
inbox before its own heartbeat, so a sweep at start-up never hides the downtime before it.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

import sqlite_utils

from intake.inventory import Item
from ledger import intake as ledger
from ledger.schema import open_ledger
from rules import Rulebook
from rules.times import parse_instant
from workspace import Workspace, now


def _mtime(path: Path) -> float | None:
    """The item's mtime (a bundle: its newest file), never following links."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    latest = st.st_mtime
    if stat.S_ISDIR(st.st_mode):
        for root, _dirs, files in os.walk(path, followlinks=False):
            for name in files:
                try:
                    latest = max(latest, os.lstat(os.path.join(root, name)).st_mtime)
                except OSError:
                    continue
    return latest


def _size(path: Path) -> int:
    try:
        return os.lstat(path).st_size
    except OSError:
        return 0


def received_time(
    current: dt.datetime, last_beat: dt.datetime | None, mtime: float | None, heartbeat_seconds: float
) -> dt.datetime:
    """SPEC §3: first sight — unless draftdesk was down (no heartbeat for more than 3 heartbeat
    intervals), when the file's mtime, clamped between the last heartbeat and now, is the best
    evidence: no credit lost while the office machine was off, none gained by backdating."""
    if last_beat is None or mtime is None:
        return current
    if (current - last_beat).total_seconds() <= 3 * heartbeat_seconds:
        return current
    stamped = dt.datetime.fromtimestamp(mtime, tz=current.tzinfo)
    return max(last_beat, min(stamped, current))


def record_sightings(ws: Workspace, rulebook: Rulebook, items: Iterable[Item]) -> None:
    """Record the first sight of each new item at once (the watcher calls this on an event,
    the sweep on its scan). An item seen before keeps its first sight, across restarts."""
    items = list(items)
    if not items:
        return
    db = open_ledger(ws.ledger_path)
    try:
        record_sightings_in(db, rulebook, items)
    finally:
        db.close()


def record_sightings_in(
    db: sqlite_utils.Database, rulebook: Rulebook, items: Sequence[Item]
) -> dict[str, str]:
    known = ledger.sightings(db, (i.key for i in items))
    new = [i for i in items if i.key not in known]
    if new:
        current = now(rulebook)
        last = ledger.last_heartbeat(db)
        last_beat = parse_instant(last, rulebook.meta.tz) if last else None
        rows = []
        for item in new:
            mtime = _mtime(item.path)
            first = received_time(current, last_beat, mtime, rulebook.intake.heartbeat_seconds)
            rows.append((item.key, ledger.iso(first), _size(item.path), mtime or 0.0))
        ledger.add_sightings(db, rows)
        known.update(ledger.sightings(db, (i.key for i in new)))
    return known


def forget_vanished(
    ws: Workspace, db: sqlite_utils.Database, listed: Sequence[Item], complete: bool = True
) -> None:
    """Forget first sights of items gone from the inbox. Checked on disk again, so a file the
    watcher saw a moment after this listing keeps the first sight it just recorded. When
    `listed` is not the whole inbox (`complete=False`), a key showing escaped bytes (a name that
    is not UTF-8: no path to check it by) is kept for the next full listing to decide."""
    present = {i.key for i in listed}
    gone = [
        k
        for k in ledger.sighted_keys(db)
        if k not in present and not os.path.lexists(ws.inbox / k) and (complete or "\\" not in k)
    ]
    ledger.forget_sightings(db, gone)


def beat(ws: Workspace, role: str) -> None:
    """A heartbeat in the ledger: while they keep coming, draftdesk was up and first sight is
    the received time; a gap means downtime (see `received_time`)."""
    rulebook = ws.rulebook()
    db = open_ledger(ws.ledger_path)
    try:
        ledger.beat(db, now(rulebook), role, os.getpid(), socket.gethostname())
    finally:
        db.close()
