"""The ledger's own side of backup, verify and restore: the SQL, and nothing about folders' meaning.

A backup is taken with SQLite's online backup API, so intake may keep writing (WAL: the copy
reads one consistent snapshot, writers are not blocked). It is written under a hidden temporary
name in the destination folder, synced, and only then renamed to its final name: a process killed
mid-copy leaves a `.partial` file, never a half copy under a name that looks like a backup.
Reads for verify open the file read-only, so checking a damaged ledger never changes it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledger.schema import damage_reason

PARTIAL_SUFFIX = ".partial"
_STEP_PAGES = 1024  # pages copied per backup step (4 MB at SQLite's 4 KB page), not a rule value


class LedgerUnreadable(Exception):
    """The ledger file cannot be read as a database (truncated, overwritten, not SQLite)."""


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # a folder on a filesystem without directory fsync
    finally:
        os.close(fd)


def _uri(path: Path, mode: str) -> str:
    """A SQLite URI for `path` (percent-encoded: a folder named `a#b` or `问?` stays one path)."""
    return f"file:{urllib.parse.quote(str(path.resolve()))}?mode={mode}"


def partial_name(final: Path) -> Path:
    """The hidden temporary name a copy is written under before it is renamed to `final`."""
    return final.with_name(f".{final.name}.{os.getpid()}{PARTIAL_SUFFIX}")


def copy_ledger(source: Path, final: Path, *, progress: Callable[[int, int], None] | None = None) -> Path:
    """Copy the live ledger at `source` to `final` (temp name, backup API, fsync, rename).

    The copy is a self-contained file (rollback journal, no -wal beside it). `progress(left,
    total)` is called after each step (pages). Returns `final`."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = partial_name(final)
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    src = sqlite3.connect(_uri(source, "ro"), uri=True, timeout=30)
    try:
        dst = sqlite3.connect(tmp)
        try:

            def step(_status: int, left: int, total: int) -> None:
                if progress is not None:
                    progress(left, total)

            src.backup(dst, pages=_STEP_PAGES, progress=step)
            dst.execute("PRAGMA journal_mode = DELETE")
            dst.commit()
        finally:
            dst.close()
    finally:
        src.close()
    _fsync(tmp)
    os.replace(tmp, final)
    _fsync(final.parent)
    return final


def swap_in(backup: Path, current: Path, kept: Path) -> Path | None:
    """Put the file `backup` in place of the ledger `current`, keeping the old one as `kept`
    (with its -wal/-shm). Returns `kept`, or None when there was no ledger.

    Ordered so a kill at any point leaves a whole ledger under `current`: the backup is first
    copied beside it under a temp name and synced; the old file gets its second name by a hard
    link (a copy where links are not allowed); its -wal is moved aside only after a checkpoint;
    one rename then replaces it."""
    tmp = partial_name(current)
    with open(backup, "rb") as fin, open(tmp, "wb") as fout:
        while chunk := fin.read(1 << 20):
            fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    had = current.exists()
    if had:
        checkpoint(current)
        try:
            os.link(current, kept)
        except FileExistsError:
            raise
        except OSError:  # a filesystem without hard links
            with open(current, "rb") as fin, open(kept, "xb") as fout:
                while chunk := fin.read(1 << 20):
                    fout.write(chunk)
        for suffix in ("-wal", "-shm"):
            side = current.with_name(current.name + suffix)
            if side.exists():
                os.replace(side, kept.with_name(kept.name + suffix))
    os.replace(tmp, current)
    _fsync(current.parent)
    return kept if had else None


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection; LedgerUnreadable when the file is missing or not a database."""
    if not path.is_file():
        raise LedgerUnreadable("文件不存在")
    try:
        conn = sqlite3.connect(_uri(path, "ro"), uri=True, timeout=30)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise LedgerUnreadable(damage_reason(exc)) from None
    try:
        yield conn
    finally:
        conn.close()


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """What `PRAGMA integrity_check` reports (empty when the file is sound)."""
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        return [damage_reason(exc)]
    return [] if rows == ["ok"] else rows


def checkpoint(path: Path) -> None:
    """Fold the -wal file into the ledger file, so the file alone holds everything (before it
    is moved aside by restore). A ledger that cannot be opened is left as it is."""
    try:
        conn = sqlite3.connect(path, timeout=30)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        pass


def _table_exists(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).fetchone()
    return row is not None


def _dicts(conn: sqlite3.Connection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = conn.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def filed_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every submission with what verify needs: id, sha256, container, verdict, state, paths,
    and its filing plan and receipt where the ledger has them."""
    if not _table_exists(conn, "submissions"):
        return []
    have = {str(r[1]) for r in conn.execute("PRAGMA table_info(submissions)")}
    wanted = ["id", "sha256", "container", "verdict", "state", "stored_path", "note_path", "claim_token"]
    wanted += [
        c for c in ("filing_plan", "receipt_path", "receipt_at") if c in have
    ]  # older ledgers lack them
    return _dicts(conn, f"SELECT {', '.join(wanted)} FROM submissions ORDER BY id")


def officer_hashes(conn: sqlite3.Connection) -> set[str]:
    """The sha256 of every officer form registered (they are filed without a submission)."""
    if not _table_exists(conn, "officers"):
        return set()
    return {str(r[0]) for r in conn.execute("SELECT source_sha256 FROM officers") if r[0]}


def open_claim_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    if not _table_exists(conn, "claims"):
        return []
    return _dicts(conn, "SELECT token, relpath, owner, claimed_at, state FROM claims ORDER BY claimed_at")


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return _table_exists(conn, name)


def last_heartbeat_elsewhere(conn: sqlite3.Connection, host: str) -> tuple[str, str] | None:
    """(time, host) of the latest heartbeat from a host other than `host` (this machine's own
    intake is seen by the workspace lock), or None."""
    if not _table_exists(conn, "heartbeats"):
        return None
    row = conn.execute(
        "SELECT at, host FROM heartbeats WHERE host != ? ORDER BY at DESC LIMIT 1", [host]
    ).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def submission_ids(conn: sqlite3.Connection) -> set[int]:
    if not _table_exists(conn, "submissions"):
        return set()
    return {int(r[0]) for r in conn.execute("SELECT id FROM submissions")}


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [str(r[1]) for r in conn.execute(f"PRAGMA {schema}.table_info([{table}])").fetchall()]


def copy_submissions(target: Path, source: Path, ids: list[int]) -> tuple[list[int], list[int]]:
    """Copy the submissions `ids` — with their findings and images — from the ledger at `source`
    (the one a restore replaced) into `target`, keeping each id, received time, verdict and note
    text as they were when the unit was told. Returns (copied, unreadable): a row the damaged
    source cannot give back is left out, never invented."""
    conn = sqlite3.connect(_uri(target, "rw"), uri=True, timeout=30)  # URIs for ATTACH too
    copied: list[int] = []
    unreadable: list[int] = []
    try:
        try:
            conn.execute("ATTACH DATABASE ? AS old", [_uri(source, "ro")])
            cols = {t: _common(conn, t) for t in ("submissions", "findings", "images")}
        except sqlite3.DatabaseError:  # its schema is gone: no row can be read back
            return [], list(ids)
        for sub_id in ids:
            try:
                _copy_one(conn, cols, sub_id)
            except sqlite3.DatabaseError:
                conn.rollback()
                unreadable.append(sub_id)
                continue
            copied.append(sub_id)
    finally:
        conn.close()
    return copied, unreadable


def copy_claims(target: Path, source: Path, tokens: list[str]) -> tuple[list[str], list[str]]:
    """Copy the claim rows `tokens` from the replaced ledger at `source` into `target`: items
    lying in the processing folder then carry their inbox path and received time again, and the
    next sweep finishes them as it finishes any dead process's claim. Returns (copied, lost)."""
    conn = sqlite3.connect(_uri(target, "rw"), uri=True, timeout=30)
    copied: list[str] = []
    try:
        conn.execute("ATTACH DATABASE ? AS old", [_uri(source, "ro")])
        cols = _common(conn, "claims")
        for token in tokens:
            cur = conn.execute(
                f"INSERT OR IGNORE INTO main.claims ({cols}) SELECT {cols} FROM old.claims WHERE token = ?",
                [token],
            )
            conn.commit()
            if cur.rowcount == 1:
                copied.append(token)
    except sqlite3.DatabaseError:
        conn.rollback()
    finally:
        conn.close()
    return copied, [t for t in tokens if t not in copied]


def _common(conn: sqlite3.Connection, table: str) -> str:
    new = _columns(conn, "main", table)
    old = set(_columns(conn, "old", table))
    keep = [c for c in new if c in old and (table in ("submissions", "claims") or c != "id")]
    return ", ".join(f"[{c}]" for c in keep)


def _copy_one(conn: sqlite3.Connection, cols: dict[str, str], sub_id: int) -> None:
    conn.execute("BEGIN IMMEDIATE")
    s = cols["submissions"]
    cur = conn.execute(
        f"INSERT OR IGNORE INTO main.submissions ({s}) SELECT {s} FROM old.submissions WHERE id = ?", [sub_id]
    )
    if cur.rowcount != 1:
        raise sqlite3.DatabaseError("row not in the replaced ledger")
    for table in ("findings", "images"):
        c = cols[table]
        conn.execute(
            f"INSERT INTO main.{table} ({c}) SELECT {c} FROM old.{table} WHERE submission_id = ? ORDER BY id",
            [sub_id],
        )
    conn.commit()


@dataclass(frozen=True)
class Snapshot:
    """What verify reads from the ledger, in one read-only pass."""

    integrity: list[str]
    rows: list[dict[str, Any]]
    officers: set[str]
    has_events: bool  # the ledger keeps the hash-chained log of changes (`events`)


def read_snapshot(path: Path) -> Snapshot:
    """Read everything verify checks; LedgerUnreadable when the file is not a database or a
    table cannot be read (then integrity problems, if any, are in the message)."""
    with read_only(path) as conn:
        integrity = integrity_problems(conn)
        try:
            return Snapshot(integrity, filed_rows(conn), officer_hashes(conn), _table_exists(conn, "events"))
        except sqlite3.DatabaseError as exc:
            raise LedgerUnreadable(damage_reason(exc)) from None


def read_claims(path: Path) -> list[dict[str, Any]]:
    """The open claims (token, relpath, owner, claimed_at, state); LedgerUnreadable as above."""
    with read_only(path) as conn:
        try:
            return open_claim_rows(conn)
        except sqlite3.DatabaseError as exc:
            raise LedgerUnreadable(damage_reason(exc)) from None


def events_after(source: Path, target: Path) -> list[dict[str, Any]] | None:
    """The 操作记录 rows of the ledger at `source` past the last one `target` holds (changes
    made after the backup now restored), or None when `source` cannot be read."""
    try:
        with read_only(target) as conn:
            last = (
                conn.execute("SELECT max(id) FROM events").fetchone()[0]
                if _table_exists(conn, "events")
                else 0
            )
        with read_only(source) as conn:
            if not _table_exists(conn, "events"):
                return []
            return _dicts(
                conn,
                "SELECT id, at, action, submission_id, subject FROM events WHERE id > ? ORDER BY id",
                [int(last or 0)],
            )
    except (LedgerUnreadable, sqlite3.DatabaseError):
        return None


def newest_event_of_submissions(path: Path) -> dict[int, int]:
    """Each draft's newest event number (a 核定 rewrites its note and receipt); {} when none."""
    try:
        with read_only(path) as conn:
            if not _table_exists(conn, "events"):
                return {}
            rows = conn.execute(
                "SELECT submission_id, max(id) FROM events WHERE submission_id IS NOT NULL GROUP BY submission_id"
            ).fetchall()
    except (LedgerUnreadable, sqlite3.DatabaseError):
        return {}
    return {int(r[0]): int(r[1]) for r in rows}


def copy_officers(target: Path, source: Path) -> int:
    """Copy the officer forms registered in the replaced ledger at `source` that `target` lacks
    (by the form's sha256: registered after the backup); returns how many."""
    conn = sqlite3.connect(_uri(target, "rw"), uri=True, timeout=30)
    try:
        conn.execute("ATTACH DATABASE ? AS old", [_uri(source, "ro")])
        cols = ", ".join(f"[{c}]" for c in _columns(conn, "main", "officers") if c != "id")
        cur = conn.execute(
            f"INSERT INTO main.officers ({cols}) SELECT {cols} FROM old.officers WHERE source_sha256 IS NOT NULL "
            "AND source_sha256 NOT IN (SELECT source_sha256 FROM main.officers WHERE source_sha256 IS NOT NULL) "
            "ORDER BY id"
        )
        conn.commit()
        return max(cur.rowcount, 0)
    except sqlite3.DatabaseError:
        conn.rollback()
        return 0
    finally:
        conn.close()


def read_filed(path: Path) -> tuple[list[dict[str, Any]], set[str]]:
    """(submission rows, officer form hashes) without the integrity check `read_snapshot`
    makes (a backup reads its own fresh copy; verify has checked already)."""
    with read_only(path) as conn:
        try:
            return filed_rows(conn), officer_hashes(conn)
        except sqlite3.DatabaseError as exc:
            raise LedgerUnreadable(damage_reason(exc)) from None
