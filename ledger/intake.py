"""All intake SQL: sightings, heartbeats, claims, judged submissions, filing state, runs.

The intake's crash safety lives in the order of these writes, so they are kept together:
a claim row is written before the item is renamed into the processing folder; a submission
(with its findings, images and note text) is committed in ONE transaction before the item is
moved to the outbox; `mark_filed` closes the claim after the move. Whatever a kill -9 leaves
behind is visible here (open claims, submissions in state `recorded`) and is finished on the
next start. Times are ISO strings in the office's zone, as the rest of the ledger keeps them.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, is_dataclass
from typing import Any

import sqlite_utils

from checks.model import Prior
from ledger.decisions import counted_sql, verdict_sql
from ledger.records import ClaimRecord, FindingRecord, RunRecord, SubmissionRecord
from ledger.schema import new_id
from rules.times import parse_instant

# A whole row, with the verdict and counted flag in force (the office's 核定, else the machine's).
WITH_EFFECTIVE = f"*, {verdict_sql()} AS effective_verdict, {counted_sql()} AS effective_counted"
RECORDED = "recorded"  # committed in the ledger, item not yet in the outbox
FILED = "filed"  # item (and note) in the outbox
CLAIMING = "claiming"  # claim row written, rename into the processing folder not yet confirmed
CLAIMED = "claimed"  # the item lies in the processing folder under this token


def iso(moment: dt.datetime) -> str:
    """The one text form of a time in the ledger (second precision, with offset)."""
    return moment.isoformat(timespec="seconds")


def _rows(db: sqlite_utils.Database, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """Rows as dicts, typed by the caller's record type (`ledger/records.py`)."""
    cursor = db.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@contextmanager
def locked(db: sqlite_utils.Database) -> Iterator[None]:
    """One write transaction taken up front (BEGIN IMMEDIATE): what is read inside (priors) cannot
    change before what is written inside commits, even with another process sweeping."""
    conn: sqlite3.Connection = db.conn
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def attempt(db: sqlite_utils.Database, work: Callable[[], object]) -> Exception | None:
    """Run `work` inside the caller's open transaction under a savepoint: when it raises, only
    what it wrote is undone and the exception is returned, so the transaction goes on."""
    conn: sqlite3.Connection = db.conn
    conn.execute("SAVEPOINT attempt")
    try:
        work()
    except Exception as exc:
        conn.execute("ROLLBACK TO attempt")
        conn.execute("RELEASE attempt")
        return exc
    conn.execute("RELEASE attempt")
    return None


# ---- heartbeats -------------------------------------------------------------------------


def last_heartbeat(db: sqlite_utils.Database) -> str | None:
    """The latest heartbeat of any draftdesk process, or None on a ledger that never ran."""
    row = db.execute("SELECT max(at) FROM heartbeats").fetchone()
    return row[0] if row and row[0] else None


def beat(db: sqlite_utils.Database, at: dt.datetime, role: str, pid: int, host: str) -> None:
    """Record that (host, role) is alive at `at`: one row per host and role, updated in place,
    so the table stays small however long the office runs."""
    with locked(db):
        cur = db.execute(
            "UPDATE heartbeats SET at = ?, pid = ? WHERE host = ? AND role = ?", [iso(at), pid, host, role]
        )
        if cur.rowcount == 0:
            db.execute(
                "INSERT INTO heartbeats (at, pid, host, role) VALUES (?, ?, ?, ?)", [iso(at), pid, host, role]
            )


def heartbeat_of_host(db: sqlite_utils.Database, host: str) -> str | None:
    row = db.execute("SELECT max(at) FROM heartbeats WHERE host = ?", [host]).fetchone()
    return row[0] if row and row[0] else None


# ---- sightings (received time) ---------------------------------------------------------------


def sightings(db: sqlite_utils.Database, keys: Iterable[str]) -> dict[str, str]:
    """first_seen per item key, for the keys already sighted."""
    wanted = list(keys)
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for path, first_seen in db.execute(
            f"SELECT path, first_seen FROM sightings WHERE path IN ({marks})", chunk
        ).fetchall():
            found[path] = first_seen
    return found


def add_sightings(db: sqlite_utils.Database, rows: Sequence[tuple[str, str, int, float]]) -> None:
    """Insert (key, first_seen, size, mtime) for keys not yet sighted; an existing first sight
    is never replaced — that is what keeps received times across restarts."""
    if not rows:
        return
    with locked(db):
        db.conn.executemany(
            "INSERT OR IGNORE INTO sightings (path, first_seen, size, mtime, state) VALUES (?, ?, ?, ?, 'seen')",
            list(rows),
        )


def sighted_keys(db: sqlite_utils.Database) -> list[str]:
    return [p for (p,) in db.execute("SELECT path FROM sightings").fetchall()]


def forget_sightings(db: sqlite_utils.Database, keys: Iterable[str]) -> None:
    """Drop the first sights of items no longer in the inbox (removed by the unit before they
    were taken): a file dropped again later under the same name is a new arrival."""
    gone = [(k,) for k in keys]
    if gone:
        with locked(db):
            db.conn.executemany("DELETE FROM sightings WHERE path = ?", gone)


# ---- claims ------------------------------------------------------------------------------


def add_claim(
    db: sqlite_utils.Database,
    token: str,
    key: str,
    kind: str,
    received_at: str,
    owner: str,
    claimed_at: dt.datetime,
) -> None:
    """Write the claim row BEFORE the rename, so a crash right after the rename still knows
    where the item came from (its inbox path decides unit and type) and when it arrived."""
    with locked(db):
        db.execute(
            "INSERT INTO claims (token, relpath, kind, received_at, owner, claimed_at, state) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [token, key, kind, received_at, owner, iso(claimed_at), CLAIMING],
        )


def confirm_claim(db: sqlite_utils.Database, token: str) -> None:
    """The rename won: the item is ours. Its sighting is done with (a later file of the same
    name is a new arrival with its own first sight)."""
    with locked(db):
        row = db.execute("SELECT relpath FROM claims WHERE token = ?", [token]).fetchone()
        db.execute("UPDATE claims SET state = ? WHERE token = ?", [CLAIMED, token])
        if row:
            db.execute("DELETE FROM sightings WHERE path = ?", [row[0]])


def drop_claim(db: sqlite_utils.Database, token: str) -> None:
    with locked(db):
        db.execute("DELETE FROM claims WHERE token = ?", [token])


def get_claim(db: sqlite_utils.Database, token: str) -> ClaimRecord | None:
    rows = _rows(db, "SELECT * FROM claims WHERE token = ?", [token])
    return rows[0] if rows else None


def open_claims(db: sqlite_utils.Database) -> list[ClaimRecord]:
    """Claims not yet closed by `mark_filed`: work some process started and may not have finished."""
    return _rows(db, "SELECT * FROM claims ORDER BY claimed_at, token")


def take_over(db: sqlite_utils.Database, token: str, old_owner: str, new_owner: str) -> bool:
    """Compare-and-swap the owner of a claim: of several processes recovering the same dead
    claim, exactly one gets True."""
    with locked(db):
        cur = db.execute(
            "UPDATE claims SET owner = ? WHERE token = ? AND owner = ?", [new_owner, token, old_owner]
        )
        return cur.rowcount == 1


def submission_for_claim(db: sqlite_utils.Database, token: str) -> SubmissionRecord | None:
    rows = _rows(db, "SELECT * FROM submissions WHERE claim_token = ?", [token])
    return rows[0] if rows else None


# ---- submissions ---------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _as_dict(value: Any) -> dict[str, Any]:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return dict(value)


# Each connection's tables' columns, with the schema version they were read at.
_KNOWN_COLUMNS: weakref.WeakKeyDictionary[sqlite_utils.Database, dict[str, tuple[int, frozenset[str]]]] = (
    weakref.WeakKeyDictionary()
)


def _columns(db: sqlite_utils.Database, table: str) -> frozenset[str]:
    """The columns `table` has: one PRAGMA (sqlite-utils' `columns_dict` asks for the views, the
    tables and then the columns), read again only when the schema changed (SQLite's
    `schema_version`, a counter in the file's header): a draft's row, findings and images
    asked for it five times a draft, ~1 ms."""
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    known = _KNOWN_COLUMNS.setdefault(db, {})
    kept = known.get(table)
    if kept is None or kept[0] != version:
        kept = known[table] = (
            version,
            frozenset(row[1] for row in db.execute(f"PRAGMA table_info([{table}])").fetchall()),
        )
    return kept[1]


def _insert(db: sqlite_utils.Database, table: str, columns: Mapping[str, Any]) -> int:
    known = _columns(db, table)
    values = {k: _plain(v) for k, v in columns.items() if k in known and k != "id"}
    unknown = sorted(k for k in columns if k not in known)
    if unknown:
        raise ValueError(f"{table} has no column(s) {', '.join(unknown)}")
    names = ", ".join(f"[{k}]" for k in values)
    marks = ", ".join("?" * len(values))
    cur = db.execute(f"INSERT INTO [{table}] ({names}) VALUES ({marks})", list(values.values()))
    return new_id(cur.lastrowid)


def insert_submission(
    db: sqlite_utils.Database,
    columns: Mapping[str, Any],
    findings: Iterable[Any] = (),
    images: Iterable[Any] = (),
) -> int:
    """Insert one submission with its findings (rule, severity, message) and images (Photo or
    dict) inside the caller's transaction (see `locked`); returns the new id."""
    sub_id = _insert(db, "submissions", columns)
    for finding in findings:
        f = _as_dict(finding)
        _insert(
            db,
            "findings",
            {"submission_id": sub_id, "rule": f["rule"], "severity": f["severity"], "message": f["message"]},
        )
    image_cols = _columns(db, "images")
    for image in images:
        row = {k: v for k, v in _as_dict(image).items() if k in image_cols and k != "id"}
        _insert(db, "images", {"submission_id": sub_id, **row})
    return sub_id


def set_filing(
    db: sqlite_utils.Database,
    sub_id: int,
    stored_path: str,
    note_path: str | None,
    note_text: str | None,
    plan: str | None = None,
    receipt_path: str | None = None,
) -> None:
    """Where the item, its note and its receipt will lie (the filing plan, as JSON, and its
    paths in their own columns for the readers that know them); written in the recording
    transaction, so a re-run after a crash files by the same plan."""
    db.execute(
        "UPDATE submissions SET stored_path = ?, note_path = ?, note_text = ?, filing_plan = ?, "
        "receipt_path = ? WHERE id = ?",
        [stored_path, note_path, note_text, plan, receipt_path, sub_id],
    )


def set_claim_plan(db: sqlite_utils.Database, token: str, plan: str) -> None:
    """An officer form's plan and registration result, kept on its claim until it is filed."""
    with locked(db):
        db.execute("UPDATE claims SET plan = ? WHERE token = ?", [plan, token])


def mark_receipt_written(db: sqlite_utils.Database, sub_id: int, at: dt.datetime) -> None:
    """The unit's receipt is in its folder: no later sweep writes it again."""
    with locked(db):
        db.execute("UPDATE submissions SET receipt_at = ? WHERE id = ?", [iso(at), sub_id])


def receipts_due(db: sqlite_utils.Database) -> list[SubmissionRecord]:
    """Filed submissions whose receipt is planned but not written (a crash, or a failed write)."""
    return _rows(
        db,
        f"SELECT {WITH_EFFECTIVE} FROM submissions WHERE state = ? AND receipt_path IS NOT NULL "
        "AND receipt_at IS NULL "
        "ORDER BY id",
        [FILED],
    )


def mark_filed(db: sqlite_utils.Database, sub_id: int | None, token: str) -> None:
    """The item is in the outbox: the submission is filed and its claim closed, together."""
    with locked(db):
        if sub_id is not None:
            db.execute("UPDATE submissions SET state = ? WHERE id = ?", [FILED, sub_id])
        db.execute("DELETE FROM claims WHERE token = ?", [token])


def submission(db: sqlite_utils.Database, sub_id: int) -> SubmissionRecord | None:
    rows = _rows(db, f"SELECT {WITH_EFFECTIVE} FROM submissions WHERE id = ?", [sub_id])
    return rows[0] if rows else None


def findings_of(db: sqlite_utils.Database, sub_id: int) -> list[FindingRecord]:
    return _rows(
        db, "SELECT rule, severity, message FROM findings WHERE submission_id = ? ORDER BY id", [sub_id]
    )


def priors(
    db: sqlite_utils.Database, sha256: str, unit: str | None, received_at: dt.datetime, days: int
) -> list[Prior]:
    """Earlier submissions the duplicate check needs: every one with the same bytes (ever), and
    the texts received within `days` of `received_at` — accepted ones from any unit (the first
    sender counts) and any of the same unit (a resent, fixed draft is a revision). Copies already
    marked as duplicates are left out, so a note always names the first. A batch of drafts asks
    one `PriorWindow` instead, which reads each row once."""
    return PriorWindow(db).priors(sha256, unit, received_at, days)


_PRIOR_COLUMNS = "id, unit, received_at, sha256, title, text, content_type"
# The rows a window can hold at all: a copy already marked as a duplicate never (a note always
# names the first), nor a row without text; which of them lie in a draft's window is decided
# by `PriorWindow.priors` (its received time, and accepted or the draft's own unit).
_WINDOW_ROWS = "duplicate_of IS NULL AND coalesce(text, '') != ''"
_WINDOW_COLUMNS = (
    f"{_PRIOR_COLUMNS}, substr(received_at, 1, 19) AS stamp, {verdict_sql()} = 'accepted' AS accepted"
)


def _window_edges(received_at: dt.datetime, days: int) -> tuple[str, str]:
    """The window's first and last received times, compared as local text (second precision),
    a day wider than `days` each side, so a day's margin covers rows written with another UTC
    offset; the duplicate check applies the exact window."""
    low = (received_at - dt.timedelta(days=days + 1)).isoformat(timespec="seconds")[:19]
    high = (received_at + dt.timedelta(days=days + 1)).isoformat(timespec="seconds")[:19]
    return low, high


def _prior(row: Mapping[str, Any], tz: dt.tzinfo) -> Prior:
    return Prior(
        id=row["id"],
        unit=row["unit"] or "",
        received_at=parse_instant(row["received_at"], tz),
        sha256=row["sha256"] or "",
        title=row["title"] or "",
        text=row["text"] or "",
        content_type=row["content_type"],
    )


@dataclass(frozen=True)
class _WindowRow:
    prior: Prior
    stamp: str  # received_at to the second, as local text
    unit: str | None
    accepted: bool  # the verdict in force is 合格


class PriorWindow:
    """The priors of one connection's drafts, the window's rows read once and then extended.

    `priors` gives what a fresh query of the ledger gives, at a cost that does not grow with the
    drafts before: a batch of a burst asked for every window row per draft (~11 ms a draft at
    900 earlier drafts, twice that at 1,800). Its rows are read for a span a day wider than the
    asked window each side; a draft whose window leaves that span reads it again. Then, per
    draft, only rows added since (ids above the last seen: this connection's own submissions)
    are read. A submission's text, title, unit, bytes and received time never change once
    recorded; what can change a row's place in a window — an office's 核定, a restore — is
    written by another connection, and any commit by another connection (SQLite's
    `PRAGMA data_version`) makes the window read again. Asked inside the recording transaction
    (`locked`), nothing can commit between the look and the write."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db
        self._rows: dict[int, _WindowRow] = {}
        self._span: tuple[str, str] = ("", "")
        self._tz: dt.tzinfo | None = None
        self._version: int | None = None
        self._last_id = 0

    def priors(self, sha256: str, unit: str | None, received_at: dt.datetime, days: int) -> list[Prior]:
        """`priors(db, …)`: the same submissions, in the same order."""
        tz = received_at.tzinfo or dt.UTC
        low, high = _window_edges(received_at, days)
        self._refresh(received_at, days, low, high, tz)
        found: dict[int, Prior] = {}
        if sha256:
            for row in _rows(
                self._db, f"SELECT {_PRIOR_COLUMNS} FROM submissions WHERE sha256 = ? ORDER BY id", [sha256]
            ):
                if row["received_at"]:
                    kept = self._rows.get(row["id"])
                    found[row["id"]] = kept.prior if kept is not None else _prior(row, tz)
        # In the window of a draft of `unit`: received between its edges, and accepted or sent
        # by the same unit. One plain filter, in id order: a burst's window is every draft before.
        own = unit or ""
        window = [
            r.prior for r in self._rows.values() if low <= r.stamp <= high and (r.accepted or r.unit == own)
        ]
        if not found:
            return window
        for prior in window:
            found.setdefault(prior.id, prior)
        return list(found.values())

    def _refresh(self, received_at: dt.datetime, days: int, low: str, high: str, tz: dt.tzinfo) -> None:
        version = self._db.execute("PRAGMA data_version").fetchone()[0]
        first, last = self._span
        if version != self._version or tz != self._tz or not (first <= low and high <= last):
            self._version, self._tz = version, tz
            self._span = _window_edges(received_at, days + 1)
            self._rows.clear()
            self._last_id = self._db.execute("SELECT coalesce(max(id), 0) FROM submissions").fetchone()[0]
            self._add(
                f"SELECT {_WINDOW_COLUMNS} FROM submissions WHERE substr(received_at, 1, 19) BETWEEN ? AND ? "
                f"AND {_WINDOW_ROWS} AND id <= ? ORDER BY id",
                [*self._span, self._last_id],
            )
            return
        added = f"SELECT {_WINDOW_COLUMNS}, {_WINDOW_ROWS} AS kept FROM submissions WHERE id > ? ORDER BY id"
        for row in _rows(self._db, added, [self._last_id]):
            self._last_id = max(self._last_id, row["id"])
            if row["kept"]:
                self._keep(row)

    def _add(self, sql: str, params: Sequence[Any]) -> None:
        for row in _rows(self._db, sql, params):
            self._keep(row)

    def _keep(self, row: Mapping[str, Any]) -> None:
        first, last = self._span
        stamp = row["stamp"]
        if row["received_at"] and first <= stamp <= last:
            assert self._tz is not None
            self._rows[row["id"]] = _WindowRow(
                _prior(row, self._tz), stamp, row["unit"], bool(row["accepted"])
            )


def unfiled(db: sqlite_utils.Database) -> list[SubmissionRecord]:
    """Submissions committed but not yet moved to the outbox (a crash between the two)."""
    return _rows(db, "SELECT * FROM submissions WHERE state = ? ORDER BY id", [RECORDED])


# ---- runs and status -------------------------------------------------------------------------


def start_run(db: sqlite_utils.Database, kind: str, started_at: dt.datetime, flow_run_id: str | None) -> int:
    with locked(db):
        return _insert(
            db,
            "runs",
            {
                "kind": kind,
                "started_at": iso(started_at),
                "flow_run_id": flow_run_id,
                "processed": 0,
                "accepted": 0,
                "rejected": 0,
            },
        )


def finish_run(
    db: sqlite_utils.Database,
    run_id: int,
    finished_at: dt.datetime,
    processed: int,
    accepted: int,
    rejected: int,
) -> None:
    with locked(db):
        db.execute(
            "UPDATE runs SET finished_at = ?, processed = ?, accepted = ?, rejected = ? WHERE id = ?",
            [iso(finished_at), processed, accepted, rejected, run_id],
        )


def last_run(db: sqlite_utils.Database) -> RunRecord | None:
    """The latest finished run, else the latest started one."""
    rows = _rows(db, "SELECT * FROM runs ORDER BY finished_at IS NULL, id DESC LIMIT 1")
    return rows[0] if rows else None


def verdict_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """How many submissions are accepted, rejected, and accepted-and-counted."""
    counts = {"accepted": 0, "rejected": 0, "counted": 0, "unfiled": 0}
    for verdict, counted, state, n in db.execute(
        f"SELECT {verdict_sql()}, {counted_sql()}, state, count(*) FROM submissions GROUP BY 1, 2, 3"
    ).fetchall():
        if verdict in ("accepted", "rejected"):
            counts[verdict] += n
        if verdict == "accepted" and counted:
            counts["counted"] += n
        if state == RECORDED:
            counts["unfiled"] += n
    return counts
