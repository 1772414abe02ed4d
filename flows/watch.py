"""Watch the inbox and file every draft as it settles, until Ctrl-C (`draftdesk watch`).

The office leaves this running on the machine that holds the share. Watching starts at once:
the watcher (events as hints, periodic rescan, supervised observer), a ledger heartbeat so
downtime is visible to the received-time rule, and each batch of settled items filed from the
main thread. Meanwhile a background thread finds the Prefect server — `$PREFECT_API_URL` when
set (a shared server), else this workspace's local one, reused or started (10–30 s). Until it
answers, batches go through the plain sweep (same steps, same ledger); from then on through
the intake flow, so runs and artifacts show in the Prefect UI. Ctrl-C or SIGTERM finish the
current batch and exit 0.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import PurePosixPath
from types import FrameType

from checks.labels import rules_text, verdict_label
from intake.watcher import InboxWatcher, WatchError, run_watch_loop
from rules import Rulebook
from workspace import Workspace

log = logging.getLogger("draftdesk.watch")

EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130  # as cli.common.ExitCode (flows cannot import cli)


def say(text: str) -> None:
    """One line for the office, flushed at once (the output is often a pipe or a log file)."""
    print(text, flush=True)


def watch(ws: Workspace, rulebook: Rulebook, polling: bool = False, also: Sequence[str] = ()) -> int:
    """Run the watcher until Ctrl-C/SIGTERM; 0 on a clean stop, 2 when the inbox cannot be
    watched, 130 on a second Ctrl-C.

    Watching starts at once. Until a Prefect server answers — `$PREFECT_API_URL`, or this
    workspace's local server, reused or started on a background thread (10–30 s) — drafts are
    filed by the plain sweep (`intake.pipeline.sweep`: the same steps, the same ledger); from
    then on by the intake flow, so the runs show in the Prefect UI. A server that cannot start
    leaves watch on the plain sweep, with a sentence saying so. `also`: lines to print at
    start, such as the browser desk's address."""
    _show_our_logs()
    for line in also:  # the browser desk's address, beside the Prefect UI's
        say(line)
    stop = threading.Event()
    with _stop_on_signals(stop):
        return _watch(ws, rulebook, _Prefect(ws), polling, stop)


class _Prefect:
    """The Prefect server beside the watcher: found or started on a background thread; the
    switch to the flow happens on the main thread, at the next batch after it is up."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.api_url: str | None = None
        self.ready = threading.Event()
        self.in_use = False
        self._stack = ExitStack()

    def start(self) -> None:
        """Find or start the server on a background thread, then configure Prefect and import
        the flow there too (~2 s), so the main thread only watches and files meanwhile."""
        from checks.duplicate import prepare

        threading.Thread(target=prepare, name="jieba-load", daemon=True).start()
        threading.Thread(target=self._bring_up, name="prefect-server-start", daemon=True).start()

    def _bring_up(self) -> None:
        """`$PREFECT_API_URL` when set (a shared server, scale-out), else this workspace's local
        server, reused when up, else started."""
        from flows import prefect_env

        try:
            api_url = os.environ.get("PREFECT_API_URL", "").strip()
            if api_url:
                say(f"使用已配置的 Prefect 服务 {api_url}")
            else:
                api_url = prefect_env.running_server(self.ws) or ""
                if not api_url:
                    say("正在后台启动本机 Prefect 服务；在此之前收到的稿件直接处理，台账照常记录。")
                    api_url = prefect_env.ensure_local_server(self.ws)
            prefect_env.configure(self.ws, api_url)  # before Prefect is first imported
            import flows.intake_flow  # noqa: F401  (the import costs seconds: not on the main thread)
        except Exception as exc:  # watch goes on with the plain sweep
            print(
                f"{exc}\n监视照常进行：稿件直接处理、台账照常记录，只是不进 Prefect 界面。",
                file=sys.stderr,
                flush=True,
            )
            return
        self.api_url = api_url
        say(f"Prefect 界面：{api_url.removesuffix('/api')}")
        self.ready.set()

    def sweep(self, ws: Workspace, rulebook: Rulebook, keys: list[str]) -> object:
        """One sweep of `keys` (settled already): the intake flow once the server is up, the
        plain sweep until then."""
        if self.ready.is_set() and self.api_url:
            if not self.in_use:
                from flows import prefect_env

                self._stack.enter_context(prefect_env.in_process(self.api_url))
                self.in_use = True
            from flows.intake_flow import intake_flow

            return intake_flow(str(ws.root), keys=keys, settled=True)
        from intake.pipeline import sweep

        # jieba loads in this process (on a thread since the start): watch lives long.
        return sweep(ws, rulebook, keys, settled=True, segment_aside=False)

    def close(self) -> None:
        self._stack.close()


def _is_termination(exc: BaseException) -> bool:
    """Prefect's TerminationSignal (SIGTERM inside a flow), without importing Prefect."""
    module = sys.modules.get("prefect.exceptions")
    signal_type = getattr(module, "TerminationSignal", None) if module is not None else None
    return signal_type is not None and isinstance(exc, signal_type)


def _watch(ws: Workspace, rulebook: Rulebook, prefect: _Prefect, polling: bool, stop: threading.Event) -> int:
    """Start scan → first sightings → finish crash leftovers → the loop, all on this thread."""
    from intake.received import beat, record_sightings

    last_flow = [time.monotonic()]

    def process(keys: list[str]) -> None:
        last_flow[0] = time.monotonic()
        _report(prefect.sweep(ws, rulebook, keys), rulebook)

    def housekeeping() -> None:
        """The heartbeat; and, when no flow has run for the sweep interval while claims are
        open in the ledger (a `run` killed mid-sweep), a recovery-only sweep."""
        beat(ws, "watch")
        if time.monotonic() - last_flow[0] >= rulebook.intake.sweep_minutes * 60 and _claims_waiting(ws):
            say("完成中断的处理…")
            _guarded(lambda: process([]))

    watcher = InboxWatcher(
        ws.inbox,
        rulebook,
        polling=polling,
        outbox=ws.outbox,
        on_first_sight=lambda items: record_sightings(ws, rulebook, items),
    )
    try:
        try:
            # First sightings before anything beats: files that came while draftdesk was
            # down are recognised by the heartbeat gap (SPEC §3, received time).
            watcher.start()
            prefect.start()
            ready = watcher.poll_ready()
            if not stop.is_set():
                say("检查上次未完成的处理…")
                _guarded(lambda: process([]))
            if ready and not stop.is_set():
                _guarded(lambda: process(ready))
            _announce(ws, rulebook, polling)
            run_watch_loop(watcher, process, stop, heartbeat=housekeeping)
        finally:
            watcher.stop()
            prefect.close()
    except KeyboardInterrupt:
        say("已中断：正在处理的稿件会在下次启动时自动续完。")
        return EXIT_INTERRUPTED
    except WatchError as exc:
        print(str(exc), file=sys.stderr, flush=True)
        return EXIT_USAGE
    except BaseException as exc:
        if _is_termination(exc):
            say("已停止：正在处理的稿件会在下次启动时自动续完。")
            return EXIT_OK
        raise
    say("已停止监视。")
    return EXIT_OK


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


def _announce(ws: Workspace, rulebook: Rulebook, polling: bool) -> None:
    mode = "轮询（适用于 SMB/NFS 共享目录）" if polling else "文件系统事件"
    intake = rulebook.intake
    say(
        f"正在监视 {ws.inbox}（{mode}；文件稳定 {intake.settle_seconds:g} 秒后收取，"
        f"每 {intake.rescan_seconds:g} 秒全量扫描一次）。"
    )
    say(f"结果存入 {ws.outbox}。按 Ctrl-C 停止。")


def _report(result: object, rulebook: Rulebook) -> None:
    """One line per filed item: verdict, unit, type, file; for a rejection, the rules and the
    note the office forwards."""
    for outcome in getattr(result, "outcomes", None) or []:
        name = PurePosixPath(outcome.key).name
        ctype = rulebook.types.get(outcome.content_type or "")
        parts = [f"[{verdict_label(outcome.verdict)}]"]
        if outcome.submission_id is not None:
            parts.append(f"稿件 {outcome.submission_id}")
        parts.append(outcome.unit or "（未知单位）")
        if ctype is not None:
            parts.append(ctype.name)
        parts.append(name)
        line = " ".join(parts)
        if outcome.verdict == "rejected":
            reasons = rules_text(outcome.rules) or outcome.message
            line += f"（{reasons}）退回说明：{outcome.note_path}" if outcome.note_path else f"（{reasons}）"
        elif outcome.stored_path:
            line += f" → {outcome.stored_path}"
            if outcome.counted is False:
                line += f"（已登记，不计入当月完成；说明：{outcome.note_path}）"
        say(line)
    pending = getattr(result, "pending", None) or []
    if pending:
        say(f"{len(pending)} 份文件仍在变化，稍后再收。")


def _show_our_logs() -> None:
    """draftdesk's own warnings (a restarted observer, a failed batch) go to stderr in Chinese."""
    logger = logging.getLogger("draftdesk")
    if not any(getattr(h, "_draftdesk", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        handler._draftdesk = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """First Ctrl-C or SIGTERM: finish the batch in hand, then stop. A second Ctrl-C interrupts
    at once (claims are crash-safe: the next start completes the half-done item)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        if not stop.is_set():
            say("收到停止信号，处理完当前稿件后退出…")
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
