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

The loop itself (watcher, heartbeat, recovery, periodic jobs) is `intake.watch_loop`; this
module is the Prefect side it is handed (`FlowOrDirect`). What the office reads is worded by
`cli.watch` from the loop's two typed callbacks.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack

from intake.outcome import Outcome, SweepResult
from intake.watch_loop import Notice, NoticeKind, WatchCallbacks, watch_inbox
from rules import Rulebook
from workspace import Workspace

log = logging.getLogger("draftdesk.watch")

HEALTH_SECONDS = 5.0
"""How long a health check before a flow run may take. A dead server refuses at once; a live
one on a busy machine (a backup running, the server just restarted) can take over two
seconds (seen under the test suite's load), and should not be taken for dead."""


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
        filed: list[Outcome] = []  # by a flow run that then failed
        if url is not None:
            if prefect_env.server_healthy(url, timeout=HEALTH_SECONDS):
                try:
                    return self._flow(url, keys, filed)
                except Exception:
                    if prefect_env.server_healthy(url, timeout=HEALTH_SECONDS):
                        raise  # a failure of the flow itself: logged, the rescan retries
                    log.info("Prefect 服务在收稿中途停止响应，改为直接处理", exc_info=True)
            self._lost()
        from intake.pipeline import sweep

        # jieba loads in this process (on a thread since the start): watch lives long.
        result = sweep(self.ws, self.rulebook, keys, settled=True)
        result.outcomes[:0] = filed
        return result

    def _flow(self, url: str, keys: list[str], filed: list[Outcome]) -> SweepResult:
        """The intake flow on the server at `url`; `filed` gets each batch's outcomes as it is
        filed, so that they are not lost when the run fails afterwards."""
        from flows import prefect_env
        from flows.intake_flow import intake_flow, outcomes_collected

        if self._settings_for != url:
            self._stack.close()
            self._stack = ExitStack()
            self._stack.enter_context(prefect_env.in_process(url, retries=0))
            # One API client for every batch, kept open: a flow run otherwise builds its own
            # (an SSL context and a version check, ~0.1–0.3 s a batch on a busy machine).
            from prefect.context import SyncClientContext

            self._stack.enter_context(SyncClientContext.get_or_create())
            self._settings_for = url
        with outcomes_collected() as found:
            try:
                result = intake_flow(str(self.ws.root), keys=keys, settled=True)
            finally:
                filed.extend(found)
        assert isinstance(result, SweepResult)
        return result

    def _lost(self) -> None:
        """The server stopped answering: say so once, file directly, bring it back (and leave
        the moment in the workspace's log file, beside the one console line)."""
        log.info("Prefect 服务 %s 停止响应：改为直接处理，并在后台重新启动它", self.api_url)
        self.api_url = None
        self._forget_client()
        self._last_try = 0.0
        self.notice(Notice("lost"))
        self.revive()

    def _forget_client(self) -> None:
        """Close the kept client (a server back up gets a fresh one); errors of a client whose
        server went away are no concern of the office."""
        try:
            self._stack.close()
        except Exception:
            log.debug("closing the Prefect client failed", exc_info=True)
        self._stack = ExitStack()
        self._settings_for = None

    def close(self) -> None:
        self.stop.set()
        self._forget_client()


def watch(
    ws: Workspace,
    rulebook: Rulebook,
    callbacks: WatchCallbacks,
    stop: threading.Event,
    polling: bool = False,
) -> None:
    """Watch and file until `stop` is set, on the calling thread (`intake.watch_loop`), each
    batch a flow run while the server answers, direct while it does not. Raises
    `intake.watcher.WatchError` when the inbox cannot be watched."""
    intake = FlowOrDirect(ws, rulebook, callbacks.notice)
    watch_inbox(ws, rulebook, intake, callbacks, stop, polling=polling)
