"""What `run`, `watch` and `serve` hold while they run: the workspace's intake lock (so
`restore` refuses meanwhile) and, for the long-running two, the daily ledger backup and the
units' reminders (notify.toml) and e-mail intake (mail.toml, every few minutes)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def intake_running(option: Path | None, *, daily_backup: bool = False) -> Iterator[None]:
    """Hold the workspace's intake lock while `run`, `watch` or `serve` runs, so `restore`
    refuses meanwhile; with `daily_backup` (watch, serve) back the ledger up once a day beside
    it, send the day's reminders and read the mailboxes of mail.toml every few minutes. A folder that is no workspace is not locked (the command itself says why)."""
    import threading

    from service.backup import keep_backing_up
    from service.mail import keep_receiving_mail
    from service.reminders import keep_reminding
    from workspace import resolve_workspace
    from workspace.lock import intake_lock

    ws = resolve_workspace(option)
    if not ws.inbox.is_dir():
        yield
        return
    stop = threading.Event()
    with intake_lock(ws):
        if daily_backup:
            threading.Thread(
                target=keep_backing_up, args=(ws, stop), name="daily-backup", daemon=True
            ).start()
            threading.Thread(
                target=keep_reminding, args=(ws, stop), name="daily-reminders", daemon=True
            ).start()
            threading.Thread(
                target=keep_receiving_mail, args=(ws, stop), name="mail-intake", daemon=True
            ).start()
        try:
            yield
        finally:
            stop.set()
