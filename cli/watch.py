"""`draftdesk watch`: watch the inbox and file every draft as it settles (`flows.watch`).

This is the console side: the office's lines, Ctrl-C and SIGTERM, the exit code. The loop runs
on a thread of its own, so a stop request is answered at once whatever the loop is waiting for
(a flow on a server that went away); the draft in hand gets `FINISH_SECONDS` to be filed, and
the process ends within `EXIT_SECONDS` of the request in every state.
"""

from __future__ import annotations

import threading
from pathlib import Path, PurePosixPath

from checks.labels import rules_text, verdict_label
from cli.common import ExitCode, open_or_exit
from cli.console import Console, exit_within, open_console, stop_on_signals
from intake.outcome import SweepResult
from intake.watch_loop import Notice, WatchCallbacks
from intake.watcher import WatchError
from rules import Rulebook
from workspace import Workspace

FINISH_SECONDS = 6.0  # the draft in hand, after a stop request (a draft is filed in about a second)
EXIT_SECONDS = 3.0  # then the interpreter's own exit (Prefect's clients), at most


def watch_command(workspace: Path | None, polling: bool = False, also: list[str] | None = None) -> int:
    """0 on a clean stop (Ctrl-C or SIGTERM), 2 when the inbox cannot be watched, 130 on a
    second Ctrl-C."""
    ws, rulebook = open_or_exit(workspace, need="inbox")
    from flows.server_users import using_server

    console = open_console(ws)
    for line in also or []:  # the browser desk's address, beside the Prefect UI's
        console.say(line)
    stop = threading.Event()
    with stop_on_signals(stop, console), using_server(ws, "watch"):
        try:
            code = _run(ws, rulebook, console, stop, polling)
        except KeyboardInterrupt:
            console.say("已中断：正在处理的稿件会在下次启动时自动续完。")
            code = ExitCode.INTERRUPTED
    exit_within(EXIT_SECONDS, code)
    return code


def _run(ws: Workspace, rulebook: Rulebook, console: Console, stop: threading.Event, polling: bool) -> int:
    from flows.watch import watch

    failure: list[BaseException] = []
    callbacks = WatchCallbacks(
        swept=lambda result: report(console, result, rulebook),
        notice=lambda notice: say_notice(console, notice, ws, rulebook, polling),
    )

    def loop() -> None:
        try:
            watch(ws, rulebook, callbacks, stop, polling=polling)
        except BaseException as exc:  # worded below, logged in full
            import logging

            logging.getLogger("draftdesk.watch").debug("监视结束", exc_info=True)
            failure.append(exc)

    thread = threading.Thread(target=loop, name="watch-loop", daemon=True)
    thread.start()
    while thread.is_alive() and not stop.is_set():
        thread.join(0.25)
    thread.join(FINISH_SECONDS)
    if failure and isinstance(failure[0], WatchError):
        console.warn(str(failure[0]))
        return ExitCode.USAGE
    if failure:
        console.warn(f"监视意外中止（{type(failure[0]).__name__}: {failure[0]}），详情见 {console.log_path}")
        return ExitCode.REFUSED
    if thread.is_alive():
        console.say("已停止：正在处理的稿件会在下次启动时自动续完。")
    else:
        console.say("已停止监视。")
    return ExitCode.OK


def say_notice(console: Console, notice: Notice, ws: Workspace, rulebook: Rulebook, polling: bool) -> None:
    """One line per change, in the office's words."""
    if notice.kind == "watching":
        mode = "轮询（适用于 SMB/NFS 共享目录）" if polling else "文件系统事件"
        intake = rulebook.intake
        console.say(
            f"正在监视 {ws.inbox}（{mode}；文件稳定 {intake.settle_seconds:g} 秒后收取，"
            f"每 {intake.rescan_seconds:g} 秒全量扫描一次）。"
        )
        console.say(f"结果存入 {ws.outbox}。按 Ctrl-C 停止。")
        return
    lines = {
        "starting": "正在后台启动本机 Prefect 服务；在此之前收到的稿件直接处理，台账照常记录。",
        "up": f"Prefect 界面：{notice.detail}",
        "lost": "Prefect 服务已停止响应：稿件改为直接处理（台账照常记录），正在后台重新启动服务。",
        "back": f"Prefect 服务已恢复（{notice.detail}）：稿件重新通过 Prefect 流程处理。",
        "failed": f"Prefect 服务未能启动：稿件继续直接处理，台账照常记录，稍后自动重试（详情见 {console.log_path}）。",
        "checking": "检查上次未完成的处理…",
        "recovering": "完成中断的处理…",
    }
    console.say(lines[notice.kind])


def report(console: Console, result: SweepResult, rulebook: Rulebook) -> None:
    """One line per filed item: verdict, unit, type, file; for a rejection, the rules and the
    note the office forwards."""
    for outcome in result.outcomes:
        ctype = rulebook.types.get(outcome.content_type or "")
        parts = [f"[{verdict_label(outcome.verdict)}]"]
        if outcome.submission_id is not None:
            parts.append(f"稿件 {outcome.submission_id}")
        parts.append(outcome.unit or "（未知单位）")
        if ctype is not None:
            parts.append(ctype.name)
        parts.append(PurePosixPath(outcome.key).name)
        line = " ".join(parts)
        if outcome.verdict == "rejected":
            # an officer form's own reason (a missing column), not the generic 文件格式
            reasons = (
                (outcome.officer_form and outcome.message.rstrip("。"))
                or rules_text(outcome.rules)
                or outcome.message
            )
            line += f"（{reasons}）退回说明：{outcome.note_path}" if outcome.note_path else f"（{reasons}）"
        elif outcome.stored_path:
            line += f" → {outcome.stored_path}"
            if outcome.counted is False:
                said = f"；说明：{outcome.note_path}" if outcome.note_path else ""
                line += f"（已登记，{outcome.credit_text}{said}）"
        console.say(line)
    if result.pending:
        console.say(f"{len(result.pending)} 份文件仍在变化，稍后再收。")
