"""Ledger backups: a consistent copy while intake writes, named by the workspace's time, kept by
the rulebook's `[backup]` rule.

`draftdesk backup` calls `make_backup`; `watch` and `serve` call `backup_if_due` once per sweep
cycle, which makes at most one backup a day and never raises — a backup is a side channel that
runs after filing and must never stop intake. Old copies are removed only after the new one is
complete, and only files named like our backups (`ledger_YYYYMMDD-HHMMSS.db`) are ever touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ledger import backup as store
from ledger.events import load_key
from ledger.schema import DISK_FULL, damage_reason
from rules.model import Backup
from service import contentstore
from service.errors import DeskError
from workspace import Workspace, now

log = logging.getLogger("draftdesk.backup")

BACKUP_FOLDER = "backups"
_NAME = re.compile(r"ledger_(\d{8})-(\d{6})(?:-(\d+))?\.db")
_STALE = re.compile(
    r"\.ledger_\d{8}-\d{6}\.db\.(\d+)" + re.escape(store.PARTIAL_SUFFIX) + "(-journal|-wal|-shm)?"
)


class NoLedger(DeskError):
    """There is no ledger to back up yet."""


class BackupFailed(DeskError):
    """The copy could not be written (disk full, no permission); earlier backups are intact."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    removed: list[Path] = field(default_factory=list)


def backup_folder(ws: Workspace) -> Path:
    return ws.outbox / BACKUP_FOLDER


def backup_name(moment: dt.datetime, folder: Path | None = None) -> str:
    """ledger_20210312-150000.db; a second backup within the same second (or a replay's fixed
    clock) gets -2, -3… rather than replacing the first."""
    name = f"ledger_{moment:%Y%m%d-%H%M%S}.db"
    n = 2
    while folder is not None and (folder / name).exists():
        name = f"ledger_{moment:%Y%m%d-%H%M%S}-{n}.db"
        n += 1
    return name


def backups_in(folder: Path) -> list[tuple[dt.datetime, Path]]:
    """Our backups in `folder`, oldest first, by the time in their names."""
    found: list[tuple[dt.datetime, int, Path]] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    for name in names:
        m = _NAME.fullmatch(name)
        if m:
            found.append((dt.datetime.strptime(m[1] + m[2], "%Y%m%d%H%M%S"), int(m[3] or 1), folder / name))
    return [(moment, path) for moment, _, path in sorted(found)]


def to_keep(backups: list[tuple[dt.datetime, Path]], rule: Backup) -> set[Path]:
    """The newest copy of each of the latest `keep_daily` days and `keep_monthly` months."""
    newest_of_day: dict[dt.date, Path] = {}
    newest_of_month: dict[tuple[int, int], Path] = {}
    for moment, path in backups:  # oldest first: later ones overwrite
        newest_of_day[moment.date()] = path
        newest_of_month[(moment.year, moment.month)] = path
    days = sorted(newest_of_day, reverse=True)[: rule.keep_daily]
    months = sorted(newest_of_month, reverse=True)[: rule.keep_monthly]
    return {newest_of_day[d] for d in days} | {newest_of_month[m] for m in months}


def prune(folder: Path, rule: Backup) -> list[Path]:
    """Remove the backups the rule does not keep (each with its manifest), then the stored
    files no kept manifest names; returns the backups removed."""
    backups = backups_in(folder)
    keep = to_keep(backups, rule)
    removed = []
    for _, path in backups:
        if path not in keep:
            try:
                path.unlink()
            except OSError:
                continue
            removed.append(path)
            with contextlib.suppress(OSError):
                contentstore.manifest_for(path).unlink()
    contentstore.collect_garbage(folder)
    return removed


def _remove_stale_partials(folder: Path) -> None:
    """Temp files of backups whose process died (a kill mid-copy): never a finished backup."""
    import psutil

    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        m = _STALE.fullmatch(name)
        if m and (int(m[1]) == os.getpid() or not psutil.pid_exists(int(m[1]))):
            try:
                (folder / name).unlink()
            except OSError:
                pass


def make_backup(
    ws: Workspace,
    to: Path | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    with_key: bool = False,
) -> BackupResult:
    """Back the ledger and every filed file it names up into `to` (default outbox/backups/),
    then apply the retention rule. `with_key` also copies the log's key (asked for only)."""
    if not ws.ledger_path.is_file():
        raise NoLedger(f"工作目录 {ws.root} 还没有台账（outbox/ledger.db），无需备份。")
    rulebook = ws.rulebook()
    folder = (to if to is not None else backup_folder(ws)).expanduser().resolve()
    moment = now(rulebook)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _folder_lock(folder):
            final = folder / backup_name(moment, folder)
            try:
                _remove_stale_partials(folder)
                store.copy_ledger(ws.ledger_path, final, progress=progress)
                entries = contentstore.keep_files(ws, folder, final)
                key = load_key(ws.ledger_path)
                contentstore.write_manifest(
                    final, moment.isoformat(timespec="seconds"), entries, key.keyed_from if key else None
                )
                if with_key:
                    _copy_key(ws, folder)
            except Exception:
                _remove_own_partial(final)
                for done in (contentstore.manifest_for(final), final):
                    with contextlib.suppress(OSError):
                        done.unlink()  # a backup without its files is no backup
                raise
            return BackupResult(final, prune(folder, rulebook.backup))
    except Exception as exc:  # disk full, no permission, a damaged ledger: said, never a traceback
        raise _failure(exc, folder, ws.ledger_path) from None


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """One backup at a time per folder (watch's daily one and a manual one): the store's
    garbage collection must never see a backup whose manifest is not written yet."""
    import fcntl

    fd = os.open(folder / ".backup.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _copy_key(ws: Workspace, folder: Path) -> None:
    from ledger.events import key_file

    source = key_file(ws.ledger_path)
    if source is not None and source.is_file():
        target = folder / source.name
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(source.read_bytes())


def _remove_own_partial(final: Path) -> None:
    partial = store.partial_name(final)
    for path in (partial, partial.with_name(partial.name + "-journal")):
        try:
            path.unlink()
        except OSError:
            pass


def _failure(exc: Exception, folder: Path, ledger_path: Path) -> BackupFailed:
    """The Chinese sentence for a backup that failed: where it could not write, or why the
    ledger could not be read."""
    import errno

    reasons = {errno.ENOSPC: "磁盘已满", errno.EFBIG: "文件超过大小上限", errno.EACCES: "没有写入权限"}
    if isinstance(exc, OSError):
        reason = reasons.get(exc.errno or 0, f"系统错误 {exc.errno}")
    elif damage_reason(exc) == DISK_FULL:
        reason = "磁盘已满或无法写入"
    else:
        return BackupFailed(f"备份未能完成：台账 {ledger_path} {damage_reason(exc)}；已有的备份未受影响。")
    return BackupFailed(f"备份未能写入 {folder}（{reason}）；已有的备份未受影响，台账照常。")


def backup_if_due(ws: Workspace) -> Path | None:
    """At most one backup a day into outbox/backups/ (watch and serve call this every cycle).

    Returns the new backup's path, or None when today's exists, there is no ledger yet, or it
    failed — a failure is logged in Chinese and intake goes on."""
    try:
        today = now(ws.rulebook()).date()
        if any(moment.date() == today for moment, _ in backups_in(backup_folder(ws))):
            return None
        if not ws.ledger_path.is_file():
            return None
        return make_backup(ws).path
    except Exception as exc:  # a side channel never stops intake
        log.warning("每日台账备份未完成：%s", exc)
        return None


def keep_backing_up(ws: Workspace, stop: threading.Event) -> None:
    """While `watch` or `serve` runs (a daemon thread beside it): `backup_if_due` now and then
    at every heartbeat interval, so the first sweep after midnight is followed by that day's
    backup. The online backup never blocks the intake's writers (WAL)."""
    while not stop.is_set():
        backup_if_due(ws)
        try:
            interval = ws.rulebook().intake.heartbeat_seconds
        except Exception:  # a rulebook being edited: try again at the default pace
            interval = 30.0
        stop.wait(max(interval, 1.0))
