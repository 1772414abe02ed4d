"""`draftdesk serve`: Prefect deployments with schedules (`flows.serve`).

The console side: the office's lines, Ctrl-C and SIGTERM, the exit code. `flows.serve` runs on
a thread of its own so that a stop request is answered at once in every state (the server
being restarted included); the process ends within `EXIT_SECONDS` of it.
"""

from __future__ import annotations

import threading
from pathlib import Path

from cli.common import ExitCode, open_or_exit
from cli.console import Console, exit_within, open_console, stop_on_signals
from flows.serve import ServeFailed, ServeNotice
from rules import Rulebook

FINISH_SECONDS = 7.0  # the runner's own stop (SIGTERM, SIGKILL after 5 s) and the server wait
EXIT_SECONDS = 2.0


def serve_command(workspace: Path | None, also: list[str] | None = None) -> int:
    """0 on a clean stop; 2 when the local server cannot be (re)started, with the reason."""
    ws, rulebook = open_or_exit(workspace, need="inbox")
    from flows.serve import serve
    from flows.server_users import using_server

    console = open_console(ws)
    failure: list[BaseException] = []
    stop = threading.Event()

    def body() -> None:
        try:
            serve(ws, lambda notice: say_notice(console, notice, rulebook, also or []), stop)
        except BaseException as exc:
            import logging

            logging.getLogger("draftdesk.serve").debug("serve 结束", exc_info=True)
            failure.append(exc)

    with stop_on_signals(stop, console), using_server(ws, "serve"):
        thread = threading.Thread(target=body, name="serve", daemon=True)
        thread.start()
        try:
            while thread.is_alive() and not stop.is_set():
                thread.join(0.25)
            thread.join(FINISH_SECONDS)
        except KeyboardInterrupt:  # a second Ctrl-C: the runner's session is ended with us
            console.say("已中断。")
            exit_within(EXIT_SECONDS, ExitCode.INTERRUPTED)
            return ExitCode.INTERRUPTED
    code = _ending(console, failure)
    exit_within(EXIT_SECONDS, code)
    return code


def _ending(console: Console, failure: list[BaseException]) -> int:
    if failure and isinstance(failure[0], ServeFailed):
        console.warn(str(failure[0]))
        return ExitCode.USAGE
    if failure:
        console.warn(
            f"定时任务意外中止（{type(failure[0]).__name__}: {failure[0]}），详情见 {console.log_path}"
        )
        return ExitCode.REFUSED
    console.say("已停止。")
    return ExitCode.OK


def say_notice(console: Console, notice: ServeNotice, rulebook: Rulebook, also: list[str]) -> None:
    """One line per change, in the office's words."""
    if notice.kind == "up":
        console.say(f"Prefect 界面：{notice.detail}")
        for line in also:  # the browser desk's address, beside the Prefect UI's
            console.say(line)
        return
    lines = {
        "starting": "正在启动本机 Prefect 服务…",
        "registered": f"定时任务已注册：每 {rulebook.intake.sweep_minutes} 分钟收稿一次；"
        "每月1日6:00 生成上月考核报表。按 Ctrl-C 停止。",
        "lost": "Prefect 服务已停止响应，定时任务暂停：正在重新启动服务…",
        "back": f"Prefect 服务已恢复（{notice.detail}），正在重新注册定时任务…",
    }
    console.say(lines[notice.kind])
