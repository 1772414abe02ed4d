"""Watch the inbox and file every draft as it settles, until Ctrl-C (`draftdesk watch`).

The office leaves this running on the machine that holds the share. It starts (or reuses) the
local Prefect server — or uses `$PREFECT_API_URL` when one is set (a shared server) — so every intake run and its artifacts show in the Prefect UI; runs the
watcher (events as hints, periodic rescan, supervised observer); writes a ledger heartbeat so
downtime is visible to the received-time rule; and runs the intake flow from the main thread
for each batch of settled items. Ctrl-C or SIGTERM finish the current batch and exit 0.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath
from types import FrameType

from checks.model import VERDICT_WORDS
from intake.watcher import InboxWatcher, WatchError, run_watch_loop
from rules import Rulebook
from workspace import Workspace

log = logging.getLogger("draftdesk.watch")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
VERDICTS = VERDICT_WORDS
RULES = {
    "format": "文件格式",
    "identity": "单位或类型",
    "length": "字数",
    "images": "图片数量",
    "image_quality": "图片质量",
    "timeliness": "时效",
    "category": "类别",
    "duplicate": "重复",
    "media": "音视频",
}


def say(text: str) -> None:
    """One line for the office, flushed at once (the output is often a pipe or a log file)."""
    print(text, flush=True)


def watch(ws: Workspace, rulebook: Rulebook, polling: bool = False) -> int:
    """Run the watcher until Ctrl-C/SIGTERM; 0 on a clean stop, 1 when Prefect cannot start,
    2 when the inbox cannot be watched, 130 on a second Ctrl-C."""
    _show_our_logs()
    stop = threading.Event()
    with _stop_on_signals(stop):
        try:
            api_url = _prefect_server(ws)
        except RuntimeError as exc:
            print(str(exc), file=sys.stderr, flush=True)
            return EXIT_FAILED
        except KeyboardInterrupt:
            say("已中断。")
            return EXIT_INTERRUPTED
        return _watch(ws, rulebook, api_url, polling, stop)


def _prefect_server(ws: Workspace) -> str:
    """`$PREFECT_API_URL` when set (a shared server, scale-out), else this workspace's local
    server, started or reused; Prefect is configured for it before it is first imported."""
    from flows import prefect_env

    api_url = os.environ.get("PREFECT_API_URL", "").strip()
    if api_url:
        say(f"使用已配置的 Prefect 服务 {api_url}")
    else:
        say("正在启动本机 Prefect 服务…")
        api_url = prefect_env.ensure_local_server(ws)
    say(f"Prefect 界面：{api_url.removesuffix('/api')}")
    prefect_env.configure(ws, api_url)
    return api_url


def _watch(ws: Workspace, rulebook: Rulebook, api_url: str, polling: bool, stop: threading.Event) -> int:
    """Start scan → first sightings → finish crash leftovers → the loop, all on this thread."""
    from prefect.exceptions import TerminationSignal

    from flows import prefect_env
    from flows.intake_flow import intake_flow
    from intake.received import beat, record_sightings

    last_flow = [time.monotonic()]

    def process(keys: list[str]) -> None:
        last_flow[0] = time.monotonic()
        _report(intake_flow(str(ws.root), keys=keys, settled=True), rulebook)

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
        with prefect_env.in_process(api_url):
            try:
                # First sightings before anything beats: files that came while draftdesk was
                # down are recognised by the heartbeat gap (SPEC §3, received time).
                watcher.start()
                ready = watcher.poll_ready()
                if not stop.is_set():
                    say("检查上次未完成的处理…")
                    _guarded(lambda: _report(intake_flow(str(ws.root), keys=[], settled=True), rulebook))
                if ready and not stop.is_set():
                    _guarded(lambda: process(ready))
                _announce(ws, rulebook, polling)
                run_watch_loop(watcher, process, stop, heartbeat=housekeeping)
            finally:
                watcher.stop()
    except KeyboardInterrupt:
        say("已中断：正在处理的稿件会在下次启动时自动续完。")
        return EXIT_INTERRUPTED
    except TerminationSignal:
        say("已停止：正在处理的稿件会在下次启动时自动续完。")
        return EXIT_OK
    except WatchError as exc:
        print(str(exc), file=sys.stderr, flush=True)
        return EXIT_USAGE
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
        parts = [f"[{VERDICTS.get(outcome.verdict, outcome.verdict)}]"]
        if outcome.submission_id is not None:
            parts.append(f"稿件 {outcome.submission_id}")
        parts.append(outcome.unit or "（未知单位）")
        if ctype is not None:
            parts.append(ctype.name)
        parts.append(name)
        line = " ".join(parts)
        if outcome.verdict == "rejected":
            reasons = "、".join(RULES.get(rule, rule) for rule in outcome.rules) or outcome.message
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
