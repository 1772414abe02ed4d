"""Whether intake is running on this workspace: a lock file every intake process holds.

`run`, `watch` and `serve` hold a shared lock on `outbox/.intake.lock` while they may claim or
file; `restore` takes it exclusively, without waiting, and refuses when it cannot — swapping
the ledger under a running sweep would lose what that sweep records. A lock dies with its
process (kill -9 included), so a crash never leaves the workspace locked. Hosts sharing the
outbox over SMB may not see each other's locks: `restore` also asks the ledger's heartbeats.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from workspace import Workspace

INTAKE_LOCK = ".intake.lock"


class IntakeRunning(Exception):
    """Another process holds the workspace for intake (watch, serve or run)."""


def lock_path(ws: Workspace) -> Path:
    return ws.outbox / INTAKE_LOCK


def _open(ws: Workspace) -> IO[bytes]:
    ws.outbox.mkdir(parents=True, exist_ok=True)
    return open(lock_path(ws), "a+b")


@contextlib.contextmanager
def intake_lock(ws: Workspace) -> Iterator[None]:
    """Held by intake (shared: several sweeps may run together) for as long as it runs."""
    try:
        import fcntl
    except ImportError:  # not POSIX: heartbeats only
        yield
        return
    with _open(ws) as fh:
        fcntl.flock(fh, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def exclusive(ws: Workspace) -> Iterator[None]:
    """The workspace with no intake running, kept so until the block ends; IntakeRunning at once
    when some intake process holds it."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with _open(ws) as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise IntakeRunning(str(lock_path(ws))) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
