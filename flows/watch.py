"""The Prefect side of `draftdesk watch`: each settled batch is filed as an intake flow run
while a Prefect server answers, and directly (`intake.pipeline.sweep`, as `run` does) while
none does — so no draft ever waits for the server.

The watcher, its rescans and a ledger heartbeat start at once. A background thread finds the
server — `$PREFECT_API_URL` when set (a shared server), else this workspace's local one, reused
or started (10–30 s). Before each flow run the server's health is asked (one local request);
a server that stopped answering (stopped, killed, out of memory) sends that batch, and every
batch after it, down the direct path at once, and a background thread brings the workspace's
server back; the next batch after it answers is a flow run again. The ledger's `runs` table
records each sweep's kind (`intake` flow or direct `sweep`).

What the office reads is worded by `cli.watch`: this module reports each sweep's result and
each change of path through two typed callbacks, and stops when the caller's event is set.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Literal

from intake.pipeline import SweepResult
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


class FlowOrDirect:
    """Files a batch as a flow run while the server answers, directly while it does not, and
    keeps a background thread bringing the server (back) up."""

    def __init__(self, ws: Workspace, rulebook: Rulebook, notice: Callable[[Notice], None]) -> None:
        self.ws, self.rulebook, self.notice = ws, rulebook, notice
        self.configured = os.environ.get("PREFECT_API_URL", "").strip() or None
        self.api_url: str | None = None  # set when flows may run
        self.stop = threading.Event()
        self._reviver: threading.Thread | None = None
        self._last_try = 0.0
        self._ever_up = False
        self._stack = ExitStack()
        self._settings_for: str | None = None
        self._said: set[str] = set()

    def start(self) -> None:
        """jieba and the server come up on threads; the caller watches and files meanwhile."""
        from checks.duplicate import prepare

        threading.Thread(target=prepare, name="jieba-load", daemon=True).start()
        self.revive()

    def revive(self) -> None:
        """Bring the server up on a background thread, unless one is already trying or the
        last try was less than a rescan period ago."""
        if self.api_url is not None or self.stop.is_set():
            return
        if self._reviver is not None and self._reviver.is_alive():
            return
        if self._last_try and time.monotonic() - self._last_try < self.rulebook.intake.rescan_seconds:
            return
        self._last_try = time.monotonic()
        self._reviver = threading.Thread(target=self._bring_up, name="prefect-server", daemon=True)
        self._reviver.start()

    def _bring_up(self) -> None:
        from flows import prefect_env

        try:
            url = self.configured or prefect_env.running_server(self.ws)
            if url is None:
                self._once("starting")
                url = prefect_env.ensure_local_server(self.ws, stop=self.stop)
            elif not prefect_env.server_healthy(url):  # configured, and not answering
                self._once("failed", f"{url} 不响应")
                return  # asked again next period
            prefect_env.configure(self.ws, url)  # before Prefect is first imported
            import flows.intake_flow  # noqa: F401  (the import costs seconds: not on the loop thread)
        except prefect_env.ServerStartAborted:
            return
        except Exception as exc:
            log.exception("Prefect 服务未能启动")
            self._once("failed", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            return
        self.api_url = url
        self.notice(Notice("back" if self._ever_up else "up", url.removesuffix("/api")))
        self._ever_up = True
        self._said.discard("failed")

    def _once(self, kind: NoticeKind, detail: str = "") -> None:
        """A notice said once: the first start, and the first failure of each outage (the
        retries that follow every rescan period would repeat it)."""
        if kind not in self._said:
            self._said.add(kind)
            self.notice(Notice(kind, detail))

    def sweep(self, keys: list[str]) -> SweepResult:
        """One sweep of `keys` (settled already): a flow run when the server answers, else
        direct — and a batch whose flow run failed because the server went away mid-run is
        filed directly at once (its claims are this process's, so the direct sweep takes
        them over and finishes them)."""
        from flows import prefect_env

        url = self.api_url
        if url is not None:
            if prefect_env.server_healthy(url, timeout=1.0):
                try:
                    return self._flow(url, keys)
                except Exception:
                    if prefect_env.server_healthy(url, timeout=1.0):
                        raise  # a failure of the flow itself: logged, the rescan retries
                    log.info("Prefect 服务在收稿中途停止响应，改为直接处理", exc_info=True)
            self._lost()
        from intake.pipeline import sweep

        # jieba loads in this process (on a thread since the start): watch lives long.
        return sweep(self.ws, self.rulebook, keys, settled=True, segment_aside=False)

    def _flow(self, url: str, keys: list[str]) -> SweepResult:
        from flows import prefect_env
        from flows.intake_flow import intake_flow

        if self._settings_for != url:
            self._stack.close()
            self._stack = ExitStack()
            self._stack.enter_context(prefect_env.in_process(url, retries=0))
            self._settings_for = url
        result = intake_flow(str(self.ws.root), keys=keys, settled=True)
        assert isinstance(result, SweepResult)
        return result

    def _lost(self) -> None:
        """The server stopped answering: say so once, file directly, bring it back."""
        self.api_url = None
        self._last_try = 0.0
        self.notice(Notice("lost"))
        self.revive()

    def close(self) -> None:
        self.stop.set()
        self._stack.close()


def watch(
    ws: Workspace,
    rulebook: Rulebook,
    callbacks: WatchCallbacks,
    stop: threading.Event,
    polling: bool = False,
) -> None:
    """Watch and file until `stop` is set, on the calling thread: first sightings, unfinished
    work, the ready items, then the loop. Raises `intake.watcher.WatchError` when the inbox
    cannot be watched."""
    from intake.received import record_sightings

    intake = FlowOrDirect(ws, rulebook, callbacks.notice)
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
    intake: FlowOrDirect,
    jobs: list[PeriodicJob],
    last_sweep: list[float],
    recover: Callable[[], None],
) -> Callable[[], None]:
    """At every heartbeat: the beat; the server brought back if it is down; a recovery-only
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
