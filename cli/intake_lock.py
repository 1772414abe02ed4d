"""What `run`, `watch` and `serve` hold while they run: the workspace's intake lock (so
`restore` refuses meanwhile) and, for the long-running two, the daily ledger backup and the
units' reminders (notify.toml) and e-mail intake (mail.toml, every few minutes)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workspace import Workspace


@contextlib.contextmanager
def intake_running(option: Path | None, *, daily_backup: bool = False) -> Iterator[None]:
    """Hold the workspace's intake lock while `run`, `watch` or `serve` runs, so `restore`
    refuses meanwhile; with `daily_backup` (watch, serve) back the ledger up once a day beside
    it, send the day's reminders and read the mailboxes of mail.toml every few minutes. A folder that is no workspace is not locked (the command itself says why)."""
    from workspace import resolve_workspace
    from workspace.lock import intake_lock

    ws = resolve_workspace(option)
    if not ws.inbox.is_dir():
        yield
        return
    stop = threading.Event()
    with intake_lock(ws):
        jobs = _start_side_jobs(ws, stop) if daily_backup else []
        try:
            yield
        finally:
            stop.set()
            _let_finish(jobs, SIDE_JOBS_FINISH_SECONDS)


# How long `watch`/`serve` wait at exit for a side job in hand (a backup being written, a mail
# being read) to see the stop and end: a daemon thread still writing while the interpreter shuts
# down can abort the process (SIGABRT) instead of a clean exit. Within watch's 10 s to stop.
SIDE_JOBS_FINISH_SECONDS = 4.0


def _let_finish(threads: list[threading.Thread], seconds: float) -> None:
    import time

    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))


def _start_side_jobs(ws: Workspace, stop: threading.Event) -> list[threading.Thread]:
    """The daily backup, the reminders and the mail intake, each on its own thread until `stop`.
    Imported here, not at the top: `run` needs none of them, and service.reminders alone
    (reports, the assessment) cost `run` ~0.5 s of start-up."""
    from service.backup import keep_backing_up
    from service.mail import keep_receiving_mail
    from service.reminders import keep_reminding

    threads = [
        threading.Thread(target=job, args=(ws, stop), name=name, daemon=True)
        for job, name in (
            (keep_backing_up, "daily-backup"),
            (keep_reminding, "daily-reminders"),
            (keep_receiving_mail, "mail-intake"),
        )
    ]
    for thread in threads:
        thread.start()
    return threads
