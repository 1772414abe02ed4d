"""The watch loop of `draftdesk watch`: the watcher, first sightings, unfinished work, the
ready items, a heartbeat, recovery sweeps and the periodic jobs — on the calling thread, until
the caller's event is set.

How a batch is filed (a Prefect flow run or directly) is not decided here: the caller hands in
a `Filer` (`flows.watch.FlowOrDirect`). What happens is reported through two typed callbacks,
every sweep's result and every notice; the caller words them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from intake.outcome import SweepResult
from intake.watcher import InboxWatcher, run_watch_loop
from rules import Rulebook
from workspace import Workspace

log = logging.getLogger("draftdesk.watch")

NoticeKind = Literal["starting", "up", "lost", "back", "failed", "checking", "recovering", "watching"]
"""starting: the local server is being started; up: flows from now on (detail: the UI address);
lost: the server stopped answering, filing directly; back: it answers again (detail: address);
failed: it could not be (re)started (detail: the reason), filing directly; checking: finishing
an earlier interrupted run; recovering: a recovery sweep; watching: start-up done."""


@dataclass(frozen=True)
class Notice:
    """A change the office should hear about, worded by the front end."""

    kind: NoticeKind
    detail: str = ""


@dataclass(frozen=True)
class WatchCallbacks:
    """What `watch` reports: every sweep's result, and every notice."""

    swept: Callable[[SweepResult], None]
    notice: Callable[[Notice], None]


@dataclass
class PeriodicJob:
    """A job the watch loop runs between batches, first after `every(rulebook)` seconds. A
    failure is logged and retried at the next period. (A daily backup belongs here.)"""

    name: str
    every: Callable[[Rulebook], float]
    run: Callable[[Workspace, Rulebook], None]
    last: float = field(default_factory=time.monotonic)


PERIODIC_JOBS: list[Callable[[], PeriodicJob]] = []
"""Factories of the periodic jobs every `watch` runs (a fresh job, with its own clock, each)."""


class Filer(Protocol):
    """Files a batch of settled keys, and keeps whatever it files through alive."""

    def start(self) -> None: ...

    def sweep(self, keys: list[str]) -> SweepResult: ...

    def revive(self) -> None:
        """Called at every heartbeat: bring back what filing relies on, if it is down."""

    def close(self) -> None: ...


def watch_inbox(
    ws: Workspace,
    rulebook: Rulebook,
    intake: Filer,
    callbacks: WatchCallbacks,
    stop: threading.Event,
    polling: bool = False,
) -> None:
    """Watch and file until `stop` is set, on the calling thread: first sightings, unfinished
    work, the ready items, then the loop. Raises `intake.watcher.WatchError` when the inbox
    cannot be watched."""
    from intake.received import record_sightings

    watcher = InboxWatcher(
        ws.inbox,
        rulebook,
        polling=polling,
        outbox=ws.outbox,
        on_first_sight=lambda items: record_sightings(ws, rulebook, items),
    )
    last_sweep = [time.monotonic()]

    def process(keys: list[str]) -> None:
        last_sweep[0] = time.monotonic()
        callbacks.swept(intake.sweep(keys))

    try:
        # First sightings before anything beats: files that came while draftdesk was down are
        # recognised by the heartbeat gap (SPEC §3, received time).
        watcher.start()
        intake.start()
        ready = watcher.poll_ready()
        if not stop.is_set():
            callbacks.notice(Notice("checking"))
            _guarded(lambda: process([]))
        if ready and not stop.is_set():
            _guarded(lambda: process(ready))
        callbacks.notice(Notice("watching"))
        jobs = [make() for make in PERIODIC_JOBS]
        housekeeping = _housekeeping(
            ws, rulebook, intake, jobs, last_sweep, lambda: _recover(process, callbacks)
        )
        run_watch_loop(watcher, process, stop, heartbeat=housekeeping)
    finally:
        watcher.stop()
        intake.close()


def _recover(process: Callable[[list[str]], None], callbacks: WatchCallbacks) -> None:
    callbacks.notice(Notice("recovering"))
    _guarded(lambda: process([]))


def _housekeeping(
    ws: Workspace,
    rulebook: Rulebook,
    intake: Filer,
    jobs: list[PeriodicJob],
    last_sweep: list[float],
    recover: Callable[[], None],
) -> Callable[[], None]:
    """At every heartbeat: the beat; what filing relies on brought back (`Filer.revive`: the
    Prefect server); a recovery-only
    sweep when no sweep ran for the sweep interval while claims are open (a `run` killed
    mid-sweep); and the periodic jobs that are due."""
    from intake.received import beat

    def tick() -> None:
        beat(ws, "watch")
        intake.revive()
        if time.monotonic() - last_sweep[0] >= rulebook.intake.sweep_minutes * 60 and _claims_waiting(ws):
            recover()
        for job in jobs:
            if time.monotonic() - job.last >= job.every(rulebook):
                job.last = time.monotonic()
                try:
                    job.run(ws, rulebook)
                except Exception:
                    log.exception("定期任务 %s 出错；下个周期再试", job.name)

    return tick


def _claims_waiting(ws: Workspace) -> bool:
    """Open claims in the ledger: items taken by some process and not yet filed."""
    from ledger import intake as ledger
    from ledger.schema import open_ledger

    db = open_ledger(ws.ledger_path)
    try:
        return bool(ledger.open_claims(db))
    finally:
        db.close()


def _guarded(step: Callable[[], None]) -> None:
    """A failed start-up step is logged, not fatal: the loop and its rescans retry the work."""
    try:
        step()
    except Exception:
        log.exception("启动时处理稿件出错；监视照常进行，定期扫描会再次收取")
