"""Ledger schema: table names are a contract (SPEC §6); creation and upgrades are idempotent.

`ensure_schema` may run at every start: it creates missing tables, adds missing columns and
indexes, and never drops or renames anything, so an office's ledger survives every upgrade.
"""

from __future__ import annotations

import contextlib
import errno
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from ledger.events import EVENTS_SCHEMA_NAMES, ensure_events_table

# 2: adoptions.withdrawn_at / withdrawn_reason; 3: events (操作记录), 约稿;
# 4: filing plans and receipts (submissions.filing_plan / receipt_path / receipt_at, claims.plan)
# 5: the office's 核定 (submissions.decided_verdict / decided_counted / decided_reason / …)
# 6: submissions.same_event_of (probably the same event as that earlier draft of another unit)
SCHEMA_VERSION = 6

TABLES: dict[str, dict[str, type]] = {
    "units": {"name": str, "kind": str, "aliases": str},
    "submissions": {
        "id": int,
        "sha256": str,
        "unit": str,
        "content_type": str,
        "title": str,
        "officer": str,
        "original_name": str,
        "source_path": str,
        "container": str,
        "received_at": str,
        "event_date": str,
        "event_deadline": str,
        "publish_date": str,
        "category": str,
        "zishu": int,
        "zishu_all": int,
        "hanzi": int,
        "photos_total": int,
        "photos_distinct": int,
        "photos_hd": int,
        "verdict": str,
        "counted": int,
        "is_announcement": int,
        "period": str,
        "duplicate_of": int,
        "revision_of": int,
        # Probably the same event as this earlier draft of another unit (checks/duplicate.py):
        # accepted, not counted until the office decides (its `same_event` finding says why).
        "same_event_of": int,
        "stored_path": str,
        "note_path": str,
        "state": str,
        "text": str,
        "created_at": str,
        "claim_token": str,
        "note_text": str,
        # The filing plan (JSON, `intake.filing.FilingPlan`), decided once before filing, and
        # the unit's receipt: where it goes and when it was written (NULL: still to write).
        "filing_plan": str,
        "receipt_path": str,
        "receipt_at": str,
        # The office's 核定 (`draftdesk decide`), beside the machine's verdict/counted, which are
        # never edited: NULL when the office has not decided (or undid its decision). Written
        # with the decision's event in one transaction (ledger/decisions.py).
        "decided_verdict": str,
        "decided_counted": int,
        "decided_reason": str,
        "decided_at": str,
        "decided_by": str,
    },
    "findings": {"id": int, "submission_id": int, "rule": str, "severity": str, "message": str},
    "images": {
        "id": int,
        "submission_id": int,
        "key": str,
        "source": str,
        "format": str,
        "width": int,
        "height": int,
        "size_bytes": int,
        "sha256": str,
        "phash": str,
        "hd": int,
        "problem": str,
    },
    "adoptions": {
        "id": int,
        "submission_id": int,
        "outlet": str,
        "level": str,
        "adopted_on": str,
        "fee": float,
        "bonus": float,
        "entered_at": str,
        "source": str,
        # `draftdesk unadopt` marks a wrong entry withdrawn instead of deleting it (audit trail).
        "withdrawn_at": str,
        "withdrawn_reason": str,
    },
    "assignments": {"id": int, "month": str, "unit": str, "count": int, "entered_at": str},
    "officers": {
        "id": int,
        "unit": str,
        "name": str,
        "gender": str,
        "birth": str,
        "politics": str,
        "education": str,
        "position": str,
        "phone": str,
        "mobile": str,
        "qq": str,
        "wechat": str,
        "leader": str,
        "registered_at": str,
        "source_sha256": str,
    },
    "heartbeats": {"id": int, "at": str, "pid": int, "host": str, "role": str},
    "sightings": {"path": str, "first_seen": str, "size": int, "mtime": float, "state": str},
    "runs": {
        "id": int,
        "kind": str,
        "started_at": str,
        "finished_at": str,
        "processed": int,
        "accepted": int,
        "rejected": int,
        "flow_run_id": str,
    },
    # 约稿 as tasks (`draftdesk request`): a topic sent to some units with a deadline, and the
    # drafts that answer it (named in the file name, or picked by the clerk).
    "requests": {
        "id": int,
        "topic": str,
        "deadline": str,
        "issued_at": str,
        "closed_at": str,
        "close_reason": str,
    },
    "request_units": {"id": int, "request_id": int, "unit": str},
    "request_answers": {
        "id": int,
        "request_id": int,
        "submission_id": int,
        "unit": str,
        "how": str,
        "linked_at": str,
    },
    "claims": {
        "token": str,
        "relpath": str,
        "kind": str,
        "received_at": str,
        "owner": str,
        "claimed_at": str,
        "state": str,
        "plan": str,  # an officer form's filing plan and registration result (JSON), once decided
    },
    # A unit's private link: the hash of its token only (ledger/unit_links.py).
    "unit_links": {"unit": str, "generation": int, "token_sha256": str, "issued_at": str},
    # Messages to the units' and the office's groups, queued after filing (intake/notify.py):
    # `target` names a notify.toml entry (office#0, unit#1) and `shown` its address with the
    # key hidden, never the address itself.
    "notifications": {
        "id": int,
        "created_at": str,
        "run_id": int,
        "submission_id": int,
        "unit": str,
        "target": str,
        "shown": str,
        "body": str,
        "state": str,
        "attempts": int,
        "last_error": str,
        "sent_at": str,
    },
    # Mails taken by e-mail intake (ledger/mail.py), one row per mail by account, UIDVALIDITY
    # and UID: `taking` while its item is written into the inbox, `written` once it lies there,
    # `done` once its item is filed and the mail moved/flagged; `left` for a mail left unread in
    # place (unknown sender, no document), listed for the office. No password is ever kept.
    # `message_id` (the mail's Message-ID) recognises a mail taken before the server reset the
    # folder's UIDVALIDITY.
    "mail_messages": {
        "id": int,
        "account": str,
        "uidvalidity": int,
        "uid": str,
        "message_id": str,
        "sender": str,
        "subject": str,
        "sent_at": str,
        "state": str,
        "reason": str,
        "item_key": str,
        "after_id": int,
        "seen_at": str,
        "taken_at": str,
        "done_at": str,
    },
    # The 通报's 发文字号 (ledger/doc_numbers.py): the number each period's 通报 took the first
    # time it was written, so a re-run prints the same number.
    "bulletin_numbers": {"period": str, "year": int, "number": int, "issued_at": str},
}

PRIMARY_KEYS: dict[str, str] = {
    "units": "name",
    "sightings": "path",
    "claims": "token",
    "unit_links": "unit",
    "bulletin_numbers": "period",
}

INDEXES: list[tuple[str, list[str], bool]] = [
    ("submissions", ["sha256"], False),
    ("submissions", ["unit", "content_type", "period"], False),
    ("submissions", ["received_at"], False),
    ("findings", ["submission_id"], False),
    ("images", ["submission_id"], False),
    ("adoptions", ["submission_id"], False),
    ("assignments", ["month", "unit"], True),
    ("submissions", ["claim_token"], False),
    ("submissions", ["state"], False),
    ("unit_links", ["token_sha256"], True),
    ("notifications", ["state"], False),
    ("request_units", ["request_id", "unit"], True),
    ("request_answers", ["request_id", "submission_id"], True),
    ("request_answers", ["submission_id"], False),
    ("mail_messages", ["account", "uidvalidity", "uid"], True),
]


def records(rows: Iterable[dict[str, Any]]) -> list[Any]:
    """`rows` as a list typed by the caller's record type (`ledger/records.py`): the queries
    name their columns, the records say what those columns hold."""
    return list(rows)


def new_id(value: object) -> int:
    """The id SQLite gave the row just inserted (`lastrowid`/`last_pk`), as an int.

    SQLite always sets it after an INSERT; None would mean nothing was inserted, a bug."""
    if value is None:
        raise RuntimeError("INSERT returned no row id")
    return int(str(value))


def open_ledger(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed) the ledger at `path` in WAL mode with the schema ensured."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # No sqlite-utils plugins: the ledger's connection is draftdesk's own, whatever else is
    # installed (and looking for them scans every installed package: ~30 ms a process).
    db = sqlite_utils.Database(target, execute_plugins=False)
    db.execute("PRAGMA busy_timeout = 30000")
    # Several processes (watch, run, workers) open the ledger at once; SQLite reports "database
    # is locked" at once, without waiting, when two of them change the schema together, so the
    # WAL switch and the schema check are serialised with a lock file beside the ledger.
    with _schema_lock(target):
        try:
            db.enable_wal()
            db.execute("PRAGMA synchronous = NORMAL")
            ensure_schema(db)
        except sqlite3.DatabaseError as exc:
            db.close()
            raise LedgerDamaged(target, exc) from None
    return db


DatabaseError = sqlite3.DatabaseError  # what a damaged or unwritable ledger raises, for callers above


class LedgerDamaged(sqlite3.DatabaseError):
    """The ledger file cannot be opened as a database (truncated, overwritten): nothing was
    claimed or written, and the message (Chinese) says what happened and how to recover."""

    def __init__(self, path: Path, cause: BaseException) -> None:
        self.path = path
        reason = damage_reason(cause)
        fix = (
            "请腾出磁盘空间（或检查磁盘）后再收稿。"
            if reason == DISK_FULL
            else "请运行 draftdesk verify 查看，再用 draftdesk restore 从 outbox/backups/ 中的备份恢复。"
        )
        super().__init__(f"台账 {path} {reason}，本次没有领取或登记任何稿件（收件箱中的稿件原样保留）。{fix}")


DISK_FULL = "无法写入（磁盘已满或出错）"


def damage_reason(exc: BaseException) -> str:
    """SQLite's (or the system's) English reason as a Chinese phrase for the office."""
    text = str(exc).lower()
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO):
        return DISK_FULL
    if "disk is full" in text or "disk i/o error" in text:
        return DISK_FULL
    if "not a database" in text:
        return "不是数据库文件（可能被其他文件覆盖）"
    if "malformed" in text or "corrupt" in text:
        return "文件已损坏（可能被截断）"
    if "locked" in text or "busy" in text:
        return "正被其他程序占用"
    return "无法读取"


@contextlib.contextmanager
def _schema_lock(target: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # not POSIX: SQLite's own locking only
        yield
        return
    with open(target.with_name(target.name + ".lock"), "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, columns and indexes; never drop or rename."""
    if schema_complete(db):
        return  # what follows would change nothing (a command opens the ledger several times)
    for name, columns in TABLES.items():
        table = db.table(name)
        if not table.exists():
            pk = PRIMARY_KEYS.get(name, "id")
            table.create(columns, pk=pk, not_null={pk} if pk != "id" else None)
        else:
            existing = table.columns_dict  # one PRAGMA a table, not one per column
            missing = {c: t for c, t in columns.items() if c not in existing}
            for column, col_type in missing.items():
                table.add_column(column, col_type)
    for name, cols, unique in INDEXES:
        db.table(name).create_index(cols, unique=unique, if_not_exists=True)
    ensure_events_table(db)  # raw SQL: AUTOINCREMENT and the append-only triggers
    db.execute(f"PRAGMA user_version = {int(SCHEMA_VERSION)}")


# What `ensure_schema` makes: every table's columns, and the indexes and triggers by name
# (sqlite_utils names an index idx_<table>_<columns>).
_COLUMNS = frozenset((table, column) for table, columns in TABLES.items() for column in columns)
_NAMED = frozenset(
    [f"idx_{table}_{'_'.join(columns)}" for table, columns, _ in INDEXES] + list(EVENTS_SCHEMA_NAMES)
)


def schema_complete(db: sqlite_utils.Database) -> bool:
    """Whether the ledger has every table, column, index and trigger `ensure_schema` makes, and
    its version: two queries (~1 ms), where checking table by table costs ~18 ms an open."""
    have = set(
        db.execute(
            "SELECT m.name, p.name FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p"
            " WHERE m.type = 'table'"
        ).fetchall()
    )
    named = {
        row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')")
    }
    version = db.execute("PRAGMA user_version").fetchone()[0]
    return version == SCHEMA_VERSION and _COLUMNS <= have and ("events", "id") in have and _NAMED <= named
