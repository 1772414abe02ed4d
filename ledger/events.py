"""The log of every change of the record (`events`): append-only and hash-chained.

Who adopted, withdrew, assigned or decided what is evidence, so the table refuses UPDATE and
DELETE (SQLite triggers), and each row's `hash` is sha256 over the previous row's hash and the
row's own canonical content. A row edited or deleted behind the triggers' back (a raw sqlite3
session that drops them) breaks the chain, and `verify_events` names the first broken row.
The id is AUTOINCREMENT, so a deleted last row still leaves its number in sqlite_sequence.

Keyed: from the event number the workspace's chain key names (`keyed_from`) on, each hash is an
HMAC-SHA256 under that key, kept outside the ledger in `.draftdesk/events.key` (owner-only,
beside the links key). Whoever can write the ledger but not read the key cannot rebuild a
consistent chain; events before `keyed_from` (a ledger logged before keys) keep the plain
sha256 chain they were written with. The key is made on the first event appended to a
workspace's ledger (`outbox/ledger.db`); a ledger file elsewhere (a copy, a test) is unkeyed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import sqlite_utils

from ledger.transaction import joined_or_own

GENESIS = "0" * 64
CONTENT = ("id", "at", "actor", "address", "action", "submission_id", "subject", "before", "after", "reason")

_CREATE = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    address TEXT,
    action TEXT NOT NULL,
    submission_id INTEGER,
    subject TEXT,
    before TEXT,
    after TEXT,
    reason TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
)
"""
EVENTS_SCHEMA_NAMES = ("events_no_update", "events_no_delete", "idx_events_submission_id")  # made below
_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events "
    "BEGIN SELECT RAISE(ABORT, '操作记录只能追加，不能修改'); END",
    "CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events "
    "BEGIN SELECT RAISE(ABORT, '操作记录只能追加，不能删除'); END",
    "CREATE INDEX IF NOT EXISTS idx_events_submission_id ON events (submission_id)",
)


class EventRecord(TypedDict):
    """One `events` row as stored (`before`/`after` as JSON text)."""

    id: int
    at: str
    actor: str
    address: str | None
    action: str
    submission_id: int | None
    subject: str | None
    before: str | None
    after: str | None
    reason: str | None
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Actor:
    """Who made a change and from where: `user@host` on the command line, 办公室 with the
    client's address on the desk, a unit for its own link. Made in cli/ or web/, passed down."""

    who: str
    address: str | None = None


@dataclass(frozen=True)
class Change:
    """One change to log: what (`action`, a code), of which draft, before → after, and why."""

    action: str
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    submission_id: int | None = None
    subject: str | None = None  # what else the change is about: a month and unit, a 约稿, a year
    reason: str | None = None


def ensure_events_table(db: sqlite_utils.Database) -> None:
    """Create the table, its triggers and index when missing (idempotent)."""
    db.execute(_CREATE)
    for sql in _TRIGGERS:
        db.execute(sql)


def _json(value: Mapping[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(dict(value), ensure_ascii=False, default=str)


def canonical(row: Mapping[str, Any]) -> str:
    """The text a row's hash covers: its content columns as sorted, compact JSON."""
    return json.dumps(
        {key: row.get(key) for key in CONTENT}, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


@dataclass(frozen=True)
class ChainKey:
    """The secret the chain is keyed with, and the first event number it covers."""

    secret: bytes
    keyed_from: int


KEY_FILE = "events.key"


def key_file(ledger_path: Path) -> Path | None:
    """`.draftdesk/events.key` of the workspace whose ledger is `outbox/ledger.db`, else None."""
    if ledger_path.parent.name != "outbox":
        return None
    return ledger_path.parent.parent / ".draftdesk" / KEY_FILE


def load_key(ledger_path: Path) -> ChainKey | None:
    """The workspace's chain key, or None when it has none (an old or foreign ledger)."""
    path = key_file(ledger_path)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="ascii"))
        return ChainKey(bytes.fromhex(str(data["key"])), int(data["keyed_from"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _make_key(ledger_path: Path, keyed_from: int) -> ChainKey | None:
    """The key, made owner-only on first use (two makers race: O_EXCL, the loser reads it)."""
    found = load_key(ledger_path)
    path = key_file(ledger_path)
    if found is not None or path is None:
        return found
    path.parent.mkdir(parents=True, exist_ok=True)
    key = ChainKey(secrets.token_bytes(32), keyed_from)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_key(ledger_path)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        json.dump({"key": key.secret.hex(), "keyed_from": keyed_from}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    return key


def ledger_file(conn: sqlite3.Connection) -> Path | None:
    """The file of the connection's main database (None in memory)."""
    for row in conn.execute("PRAGMA database_list").fetchall():
        if row[1] == "main" and row[2]:
            return Path(str(row[2]))
    return None


def chain_hash(prev_hash: str, row: Mapping[str, Any], key: ChainKey | None = None) -> str:
    """sha256 over the previous hash and the row; an HMAC under `key` from its `keyed_from` on."""
    data = (prev_hash + canonical(row)).encode("utf-8")
    if key is not None and int(row["id"]) >= key.keyed_from:
        return hmac.new(key.secret, data, hashlib.sha256).hexdigest()
    return hashlib.sha256(data).hexdigest()


def append_events(db: sqlite_utils.Database, at: str, actor: Actor, changes: list[Change]) -> list[int]:
    """Append `changes` at `at` by `actor`, chained to the last event. Inside the caller's open
    transaction when there is one (the change and its event commit together), else in one of
    its own taken with BEGIN IMMEDIATE so two writers never chain to the same last row."""
    if not changes:
        return []
    conn = db.conn
    path = ledger_file(conn)
    key = _make_key(path, _next_id(conn)) if path is not None else None
    with joined_or_own(conn):
        ids = [_append(conn, at, actor, change, key) for change in changes]
    return ids


def _next_id(conn: sqlite3.Connection) -> int:
    last = conn.execute("SELECT max(id) FROM events").fetchone()
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
    return max(int(last[0] or 0) if last else 0, int(seq[0]) if seq else 0) + 1


def _append(conn: sqlite3.Connection, at: str, actor: Actor, change: Change, key: ChainKey | None) -> int:
    last = conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    next_id = _next_id(conn)
    row: dict[str, Any] = {
        "id": next_id,
        "at": at,
        "actor": actor.who,
        "address": actor.address,
        "action": change.action,
        "submission_id": change.submission_id,
        "subject": change.subject,
        "before": _json(change.before),
        "after": _json(change.after),
        "reason": change.reason,
    }
    row["prev_hash"] = last[1] if last else GENESIS
    row["hash"] = chain_hash(row["prev_hash"], row, key)
    columns = list(row)
    conn.execute(
        f"INSERT INTO events ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [row[c] for c in columns],
    )
    return next_id


def read_events(db: sqlite_utils.Database, submission_id: int | None = None) -> list[EventRecord]:
    """Every event (oldest first), or those of one draft."""
    if submission_id is None:
        rows = db.query("SELECT * FROM events ORDER BY id")
    else:
        rows = db.query("SELECT * FROM events WHERE submission_id = ? ORDER BY id", [submission_id])
    return [EventRecord(**row) for row in rows]  # type: ignore[typeddict-item]


def events_between(db: sqlite_utils.Database, start: str, end: str) -> list[EventRecord]:
    """Events whose `at` (ISO text, office time) falls on days `start`..`end` (ISO dates)."""
    rows = db.query("SELECT * FROM events WHERE substr(at, 1, 10) BETWEEN ? AND ? ORDER BY id", [start, end])
    return [EventRecord(**row) for row in rows]  # type: ignore[typeddict-item]


@dataclass(frozen=True)
class Break:
    """Where the chain breaks: the event's number, what is wrong (`changed`, `missing`,
    `missing_last`), and the row as found (None when it is gone)."""

    event_id: int
    kind: str
    row: EventRecord | None


def verify_events(db: sqlite_utils.Database, key: ChainKey | None = None) -> Break | None:
    """The first place the chain is broken, or None when every row is as written. With `key`,
    events from its `keyed_from` on must carry the HMAC (a plain sha256 there is a forgery)."""
    prev_hash, expected_id = GENESIS, 1
    rows = read_events(db)
    for row in rows:
        if row["id"] != expected_id:
            return Break(expected_id, "missing", None)
        if row["prev_hash"] != prev_hash or chain_hash(prev_hash, dict(row), key) != row["hash"]:
            return Break(row["id"], "changed", row)
        prev_hash, expected_id = row["hash"], expected_id + 1
    seq = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
    if seq and int(seq[0]) >= expected_id:
        return Break(expected_id, "missing_last", None)
    return None


def event_hashes(db: sqlite_utils.Database) -> dict[int, str]:
    """Every event's number and hash (what anchors are compared with)."""
    return {int(r[0]): str(r[1]) for r in db.execute("SELECT id, hash FROM events").fetchall()}


def newest_event(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """(number, hash) of the newest event, or None when the log is empty or absent."""
    try:
        row = conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.DatabaseError:
        return None
    return (int(row[0]), str(row[1])) if row else None
