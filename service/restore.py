"""`draftdesk restore BACKUP`: put a backup in place of the ledger, keeping the one it replaces.

Refused while intake runs (the workspace's intake lock, and a fresh heartbeat for hosts that
share the outbox): a sweep writing into the old ledger would lose its rows. The replaced ledger
is checkpointed and kept beside it as `ledger.db.replaced-<time>` (with its -wal, if any), the
backup is copied in (temp name, fsync, rename: a kill at any point leaves a whole ledger in
place), then verify runs.

Items filed after the backup lie in the outbox but not in the restored ledger. `re_register`
copies their rows from the replaced ledger — same 稿件编号, received time, verdict, findings and
note text — because those are what the unit was told: re-reading the originals would give them a
new received time (late instead of on time) and new numbers that contradict the notes already
beside them. A row the damaged ledger cannot give back is listed, never invented.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intake.claims import processing_root
from ledger import backup as store
from service.anchors import record_restore
from service.errors import DeskError
from service.filed_content import FilesRestored, bring_back
from service.verify import Verification, verify
from workspace import Workspace, now
from workspace.lock import IntakeRunning, exclusive

REPLACED = ".replaced-"
_REPLACED_NAME = re.compile(r"ledger\.db\.replaced-\d{8}-\d{6}(-\d+)?")


class IntakeBusy(DeskError):
    """Intake (watch, serve or run) is running on this workspace."""


class BadBackup(DeskError):
    """The file named is not a readable, sound ledger backup."""


class NothingReplaced(DeskError):
    """`--re-register` without a replaced ledger to take the rows from."""


@dataclass(frozen=True)
class Restored:
    replaced: Path | None  # where the previous ledger was kept (None: there was none)
    verification: Verification
    missing_ids: tuple[int, ...]  # 稿件编号 in the outbox the restored ledger lacks
    later_changes: tuple[str, ...] = ()  # 操作记录 after the backup (adoptions, 约稿…), to redo
    changes_unknown: bool = False  # the replaced ledger's log could not be read
    files: FilesRestored | None = None  # originals, notes and receipts brought back


@dataclass(frozen=True)
class Reregistered:
    copied: tuple[int, ...]
    unreadable: tuple[int, ...]
    source: Path
    claims: tuple[str, ...] = ()  # processing-folder items whose claim came back (finished by the next sweep)
    lost_claims: tuple[Path, ...] = ()  # processing-folder items no ledger knows: to put back by hand
    officers: int = 0  # officer forms registered after the backup, registered again


def _refuse_if_running(ws: Workspace) -> None:
    """Another host sharing the outbox (scale-out) is alive while its heartbeat is fresher than
    three beats; its locks may not reach us over SMB."""
    rulebook = ws.rulebook()
    try:
        with store.read_only(ws.ledger_path) as conn:
            found = store.last_heartbeat_elsewhere(conn, socket.gethostname())
    except Exception:  # a damaged ledger has no trustworthy heartbeats: the lock decides
        return
    if found is None:
        return
    beat, host = found
    age = (now(rulebook) - dt.datetime.fromisoformat(beat)).total_seconds()
    if 0 <= age <= 3 * rulebook.intake.heartbeat_seconds:
        raise IntakeBusy(
            f"收稿服务仍在计算机 {host} 上运行（最近心跳 {beat[:19].replace('T', ' ')}）："
            "请先结束各处的 watch、serve 和 run，再恢复台账。"
        )


def _check_backup(backup: Path) -> None:
    try:
        with store.read_only(backup) as conn:
            problems = store.integrity_problems(conn)
            has = store.has_table(conn, "submissions")
    except store.LedgerUnreadable as exc:
        raise BadBackup(f"{backup} 不是可读的台账备份（{exc}）。") from None
    if problems or not has:
        raise BadBackup(f"{backup} 不是完好的台账备份（{'；'.join(problems) or '没有稿件表'}），未恢复。")


def _kept_name(ws: Workspace) -> Path:
    """`ledger.db.replaced-<time>`, never an existing one (two restores in one second)."""
    base = ws.ledger_path.with_name(f"{ws.ledger_path.name}{REPLACED}{now(ws.rulebook()):%Y%m%d-%H%M%S}")
    kept, n = base, 1
    while os.path.lexists(kept):
        n += 1
        kept = base.with_name(f"{base.name}-{n}")
    return kept


def restore(ws: Workspace, backup: Path) -> Restored:
    """Restore `backup` as the ledger; raises IntakeBusy, BadBackup."""
    backup = backup.expanduser().resolve()
    _check_backup(backup)
    try:
        with exclusive(ws):
            _refuse_if_running(ws)
            replaced = store.swap_in(backup, ws.ledger_path, _kept_name(ws))
            record_restore(ws, backup, now(ws.rulebook()).isoformat(timespec="seconds"))
            files = bring_back(ws, _folders(ws, backup), backup)
    except IntakeRunning:
        raise IntakeBusy("收稿正在运行（watch、serve 或 run）：请先结束它们，再恢复台账。") from None
    result = verify(ws)
    missing = sorted(
        {p.submission_id for p in result.problems if p.code == "unknown" and p.submission_id is not None}
    )
    later = store.events_after(replaced, ws.ledger_path) if replaced is not None else []
    return Restored(replaced, result, tuple(missing), tuple(_change_lines(later or [])), later is None, files)


def _folders(ws: Workspace, backup: Path | None) -> list[Path]:
    """Where the bytes may be: the backup's own folder first, then outbox/backups/."""
    from service.backup import backup_folder

    own = backup_folder(ws).resolve()
    return [backup.parent, own] if backup is not None and backup.parent != own else [own]


def restore_files(ws: Workspace) -> tuple[FilesRestored, Verification]:
    """`restore --files`: bring back missing or changed filed files from the newest backup
    that holds them, leaving the ledger as it is; then verify."""
    try:
        with exclusive(ws):
            _refuse_if_running(ws)
            files = bring_back(ws, _folders(ws, None))
    except IntakeRunning:
        raise IntakeBusy("收稿正在运行（watch、serve 或 run）：请先结束它们，再恢复文件。") from None
    except store.LedgerUnreadable as exc:
        raise BadBackup(f"台账无法读取（{exc}），请先用 draftdesk restore 恢复备份。") from None
    return files, verify(ws)


def _change_lines(rows: list[dict[str, Any]]) -> list[str]:
    """One Chinese line per change made after the backup: number, time, what, which draft."""
    from reports.events_view import ACTION_NAMES, when_text

    lines = []
    for row in rows:
        what = ACTION_NAMES.get(str(row["action"]), str(row["action"]))
        about = f" 稿件 {row['submission_id']}" if row["submission_id"] is not None else ""
        subject = f" {row['subject']}" if row["subject"] else ""
        lines.append(f"第 {row['id']} 条 {when_text(str(row['at']))} {what}{about}{subject}")
    return lines


def latest_replaced(ws: Workspace) -> Path | None:
    found = sorted(p for p in ws.outbox.glob("ledger.db.replaced-*") if _REPLACED_NAME.fullmatch(p.name))
    return found[-1] if found else None


def re_register(ws: Workspace) -> Reregistered:
    """Copy the rows of outbox items the ledger lacks from the latest replaced ledger."""
    source = latest_replaced(ws)
    if source is None:
        raise NothingReplaced(
            "没有被替换下来的台账（ledger.db.replaced-…），无从重新登记；请先运行 draftdesk restore。"
        )
    try:
        with exclusive(ws):
            _refuse_if_running(ws)
            result = verify(ws)
            wanted = sorted(
                {
                    p.submission_id
                    for p in result.problems
                    if p.code == "unknown" and p.submission_id is not None
                }
            )
            with store.read_only(ws.ledger_path) as conn:
                have = store.submission_ids(conn)
            copied, unreadable = store.copy_submissions(
                ws.ledger_path, source, [i for i in wanted if i not in have]
            )
            claims, lost = store.copy_claims(ws.ledger_path, source, _stray_tokens(ws))
            officers = store.copy_officers(ws.ledger_path, source)
    except IntakeRunning:
        raise IntakeBusy("收稿正在运行（watch、serve 或 run）：请先结束它们，再重新登记。") from None
    except store.LedgerUnreadable as exc:
        raise BadBackup(f"台账无法读取（{exc}），请先用 draftdesk restore 恢复备份。") from None
    verify(ws)
    root = processing_root(ws)
    return Reregistered(
        tuple(copied), tuple(unreadable), source, tuple(claims), tuple(root / t for t in lost), officers
    )


def _stray_tokens(ws: Workspace) -> list[str]:
    """Folders in the processing folder holding an item the ledger has no claim for (claimed
    after the backup was taken)."""
    root = processing_root(ws)
    known = {str(r["token"]) for r in store.read_claims(ws.ledger_path)}
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return []
    return [n for n in names if n not in known and (root / n).is_dir() and any(os.scandir(root / n))]
