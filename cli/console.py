"""The console of the long-running commands (`watch`, `serve`): one Chinese line per event,
details in the workspace's log file, Ctrl-C and SIGTERM turned into a stop request, and an
exit that never outlives its deadline.

They run unattended (a terminal left open, a systemd unit), so a traceback on the console is
noise nobody reads and hides the line that matters. Everything written to `sys.stdout` or
`sys.stderr` after `open_console` — Prefect's console handlers, a thread's uncaught
exception, a warning — goes to `outbox/logs/draftdesk.log` (rotating), as do draftdesk's own
log records with their tracebacks; the console keeps only what `say` and `warn` write, and
one line (no traceback) per draftdesk warning.
"""

from __future__ import annotations

import contextlib
import io
import logging
import logging.handlers
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import NoReturn, TextIO

from flows.sweep import OneLineFormatter
from workspace import Workspace

LOG_BYTES, LOG_BACKUPS = 5_000_000, 5  # log housekeeping (≤ 30 MB kept), not a rule of the office


@dataclass(frozen=True)
class Console:
    """Where the office's lines go (the real stdout and stderr) and where the details go."""

    out: TextIO
    err: TextIO
    log_path: Path

    def say(self, text: str) -> None:
        """One line for the office, flushed at once (the output is often a pipe or a journal);
        whole lines, whichever thread says them."""
        with _LINES:
            self.out.write(text + "\n")
            self.out.flush()

    def warn(self, text: str) -> None:
        with _LINES:
            self.err.write(text + "\n")
            self.err.flush()


_LINES = threading.Lock()


class _LogStream(io.TextIOBase):
    """A text stream whose lines become log records (what others print goes to the log)."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger, self._buffer, self._lock = logger, "", threading.Lock()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self._lock:
            self._buffer += text
            *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            if line.strip():
                self._logger.info(line)
        return len(text)


def open_console(ws: Workspace) -> Console:
    """Send details to `<outbox>/logs/draftdesk.log` and keep the console for our lines; exit 2
    with the reason when the log file cannot be written."""
    from cli.common import ExitCode, fail

    log_path = ws.outbox / "logs" / "draftdesk.log"
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        to_file = logging.handlers.RotatingFileHandler(
            log_path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
    except OSError as exc:
        fail(
            f"无法写入日志文件 {log_path}（{exc.strerror or exc}）：请检查 outbox 的写权限。", ExitCode.USAGE
        )
    console = Console(sys.stdout, sys.stderr, log_path)
    to_file.setFormatter(logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(to_file)
    root.setLevel(logging.INFO)
    ours = logging.getLogger("draftdesk")
    ours.setLevel(logging.INFO)
    ours.propagate = True
    on_console = logging.StreamHandler(console.err)
    on_console.setFormatter(OneLineFormatter("%(message)s"))
    on_console.setLevel(logging.WARNING)
    ours.addHandler(on_console)
    printed = logging.getLogger("draftdesk.printed")
    printed.propagate = False
    printed.addHandler(to_file)
    stream = _LogStream(printed)
    sys.stdout = sys.stderr = stream
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):  # the desk, started just before
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(stream)
    return console


@contextmanager
def stop_on_signals(stop: threading.Event, console: Console) -> Iterator[None]:
    """First Ctrl-C or SIGTERM: set `stop` (the draft in hand is finished). A second Ctrl-C
    raises KeyboardInterrupt at once (claims are crash-safe: the next start completes it)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        if not stop.is_set():
            console.say("收到停止信号，处理完当前稿件后退出…")
        stop.set()

    previous: dict[int, Callable[..., object] | int | None] = {}
    if threading.current_thread() is threading.main_thread():  # signals reach the main thread only
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, handler)
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old if old is not None else signal.SIG_DFL)


def exit_within(seconds: float, code: int) -> None:
    """End the process with `code` at the latest `seconds` from now, whatever the interpreter's
    exit handlers wait for (Prefect's clients flushing to a server that is gone)."""

    timer = threading.Timer(seconds, os._exit, (code,))  # the console lines were flushed already
    timer.daemon = True
    timer.start()


def end_process(code: int) -> NoReturn:
    """End `watch` or `serve` with `code` once the loop has stopped, the claims are filed or left
    for the next start, the side jobs have had their time and the intake lock is released:
    Prefect's log and event workers are flushed to their server (`exit_within` bounds it), then
    the process ends without the interpreter's shutdown. That shutdown stops the daemon threads
    still running (the browser desk, Prefect's workers) wherever they stand, and one caught in
    compiled code aborted the process (SIGABRT, "FATAL: exception not rethrown", seen under
    load) instead of exiting with `code`."""
    if "prefect" in sys.modules:
        from flows.prefect_env import drain

        # The flush is a courtesy to the server: an import or a client failing at this point
        # (seen under load: another thread's half-done import of prefect.events) must not turn
        # a clean stop into exit code 1.
        with contextlib.suppress(Exception):
            drain()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    logging.shutdown()
    os._exit(code)
