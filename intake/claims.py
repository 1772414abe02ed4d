"""Claiming: which process owns an item, atomically, and taking over the claims of the dead.

A claim is a ledger row written first, then one `rename` of the item into
`<processing>/<token>/`. Of several processes renaming the same path exactly one succeeds, so
nothing is processed twice; the row says where the item came from (its inbox path decides unit
and type) and when it arrived. A claim whose owner died (host, pid and process start time; on
another host, a stale heartbeat) is taken over by compare-and-swap and finished.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import sqlite_utils

from intake.inventory import Item
from ledger import intake as ledger
from ledger.records import ClaimKind
from rules import Rulebook
from rules.times import parse_instant
from workspace import Workspace, now

PROCESSING = ".processing"

# Claims this process is working on right now: recovery never takes these over.
_IN_FLIGHT: set[str] = set()
_IN_FLIGHT_LOCK = threading.Lock()


@dataclass(frozen=True)
class Claim:
    """An item this process owns: it lies at `path`, inside the processing folder."""

    token: str
    key: str  # inbox relpath as text (undecodable bytes escaped)
    kind: ClaimKind
    received_at: dt.datetime
    path: Path | None  # None when the item already left the processing folder

    @property
    def relpath(self) -> PurePosixPath:
        return PurePosixPath(self.key)


def owner_id() -> str:
    """host|pid|process start time: tells a live claimer from a dead one (pids get reused)."""
    try:
        started = f"{_own_start_time():.2f}"
    except Exception:
        started = "0"
    return f"{socket.gethostname()}|{os.getpid()}|{started}"


def _own_start_time() -> float:
    """`psutil.Process().create_time()` (what `_owner_alive` compares with), read as psutil reads
    it on Linux — /proc/self/stat's start in clock ticks after boot, plus /proc/stat's boot
    time — without importing psutil (~20 ms of every `run`); elsewhere psutil's own."""
    try:
        with open("/proc/self/stat", "rb") as stat_file:
            fields = stat_file.read().rpartition(b")")[2].split()
        with open("/proc/stat", "rb") as system:
            boot = next(float(line.split()[1]) for line in system if line.startswith(b"btime"))
        return float(fields[19]) / os.sysconf("SC_CLK_TCK") + boot
    except (OSError, ValueError, IndexError, StopIteration):
        import psutil

        return float(psutil.Process().create_time())


def _owner_alive(owner: str, db: sqlite_utils.Database, rulebook: Rulebook) -> bool:
    host, _, rest = owner.partition("|")
    pid_text, _, started = rest.partition("|")
    if owner == owner_id():
        return False  # ours, and not in flight (checked by the caller): a failed earlier attempt
    if host != socket.gethostname():
        # Another machine (scale-out): alive while its heartbeat is fresh.
        last = ledger.heartbeat_of_host(db, host)
        if last is None:
            return False
        age = (now(rulebook) - parse_instant(last, rulebook.meta.tz)).total_seconds()
        return age <= 3 * rulebook.intake.heartbeat_seconds
    try:
        import psutil

        proc = psutil.Process(int(pid_text))
        return abs(proc.create_time() - float(started)) < 1.0 and proc.status() != psutil.STATUS_ZOMBIE
    except Exception:
        return False


def processing_root(ws: Workspace) -> Path:
    """`outbox/.processing`, on the inbox's filesystem so that the claim is one rename; when the
    outbox lies on another filesystem (a local outbox, an SMB inbox) the claim folder is a
    hidden `inbox/.draftdesk-processing` instead (hidden names are never inventory items)."""
    ws.outbox.mkdir(parents=True, exist_ok=True)
    try:
        same = os.stat(ws.inbox).st_dev == os.stat(ws.outbox).st_dev
    except OSError:
        same = True
    return ws.outbox / PROCESSING if same else ws.inbox / ".draftdesk-processing"


def claimed_entry(root: Path, token: str) -> Path | None:
    folder = root / token
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    return folder / names[0] if names else None


def remove_token_dir(root: Path, token: str) -> None:
    try:
        os.rmdir(root / token)
    except OSError:
        pass


def claim(
    ws: Workspace, rulebook: Rulebook, db: sqlite_utils.Database, item: Item, received_at: str, owner: str
) -> Claim | None:
    """Claim one item: the ledger row first, then one rename into `<processing>/<token>/`.
    None when another process won the rename (or the item vanished)."""
    root = processing_root(ws)
    token = uuid.uuid4().hex
    with _IN_FLIGHT_LOCK:
        _IN_FLIGHT.add(token)
    ledger.add_claim(db, token, item.key, item.kind, received_at, owner, now(rulebook))
    target = root / token / item.path.name
    try:
        (root / token).mkdir(parents=True)
        os.rename(item.path, target)
    except OSError:
        remove_token_dir(root, token)
        ledger.drop_claim(db, token)
        release(token)
        return None
    ledger.confirm_claim(db, token)
    return Claim(token, item.key, item.kind, parse_instant(received_at, rulebook.meta.tz), target)


def release(token: str) -> None:
    with _IN_FLIGHT_LOCK:
        _IN_FLIGHT.discard(token)


def release_all(tokens: Iterable[str]) -> None:
    """After a sweep, even one that failed half-way: claims it did not finish are no longer in
    flight, so the next sweep of this same process (a long-running `watch`) recovers them."""
    with _IN_FLIGHT_LOCK:
        _IN_FLIGHT.difference_update(tokens)


def recover(ws: Workspace, rulebook: Rulebook, db: sqlite_utils.Database, owner: str) -> list[str]:
    """Take over the claims of dead processes (and this process's own failed attempts).

    Returns the tokens to (re)process; claims whose rename never happened are dropped (the item
    is still in the inbox). Empty processing folders left by a crash are removed."""
    root = processing_root(ws)
    tokens: list[str] = []
    for row in ledger.open_claims(db):
        token = row["token"]
        with _IN_FLIGHT_LOCK:
            if token in _IN_FLIGHT:
                continue
        if _owner_alive(row["owner"], db, rulebook):
            continue
        if not ledger.take_over(db, token, row["owner"], owner):
            continue
        entry = claimed_entry(root, token)
        has_record = ledger.submission_for_claim(db, token) is not None
        if entry is None and not has_record and row["state"] == ledger.CLAIMING:
            ledger.drop_claim(db, token)
            remove_token_dir(root, token)
            continue
        if row["state"] == ledger.CLAIMING:
            ledger.confirm_claim(db, token)
        with _IN_FLIGHT_LOCK:
            _IN_FLIGHT.add(token)
        tokens.append(token)
    open_tokens = {r["token"] for r in ledger.open_claims(db)}
    try:
        leftovers = [n for n in os.listdir(root) if n not in open_tokens]
    except OSError:
        leftovers = []
    for name in leftovers:
        remove_token_dir(root, name)  # only ever removes an empty folder
    return tokens


def load_claim(ws: Workspace, rulebook: Rulebook, db: sqlite_utils.Database, token: str) -> Claim | None:
    row = ledger.get_claim(db, token)
    if row is None:
        return None
    return Claim(
        token,
        row["relpath"],
        row["kind"],
        parse_instant(row["received_at"], rulebook.meta.tz),
        claimed_entry(processing_root(ws), token),
    )
