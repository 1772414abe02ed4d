"""Prefect deployments with schedules, served against the local server (`draftdesk serve`).

The sweep runs every `intake.sweep_minutes` (a safety net under `watch`, or the only intake on
a machine without a watcher); the monthly assessment runs at 06:00 on the 1st for the previous
month. Schedules need a real server (the temporary one runs none), so this starts or reuses
the workspace's local server, whose UI shows every run.

Prefect's runner (`prefect.serve`) runs in a child process (`python -m flows.serve <ws>`), and
this process watches over it and the server. Measured on 3.9.1 with the runner in the main
process: once the server was gone it printed websocket tracebacks, kept running with no
schedule firing, and SIGTERM no longer ended it within 40 s (SIGKILL only). As a child it can
be stopped within seconds in every state (SIGTERM, then SIGKILL), and when the server stops
answering, the server is started again and a fresh runner registers the deployments again, so
that the schedules fire; a server that will not come back within `RESTART_SECONDS` ends
`serve` with a reason (a service manager then restarts it).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from workspace import Workspace

log = logging.getLogger("draftdesk.serve")

MONTHLY_SCORING_CRON = "0 6 1 * *"
# How long serve waits for its server to (re)start before it gives up with a reason. A start took
# 32 s on a quiet 2-core machine and over 50 s on a busy one: giving up sooner would end serve on
# an office PC that is merely busy, so it waits as long as any first start (STARTUP_SECONDS).
RESTART_SECONDS = 120.0
CHECK_SECONDS = 1.0  # how often the server's health is asked: a loop mechanic, not a rule
MISSED_CHECKS = 3  # a live server process that fails this many checks in a row is restarted
RUNNER_RETRIES = 3  # a runner that keeps exiting (a bad deployment) ends serve, with the reason
RUNNER_STOP_SECONDS = 4.0  # SIGTERM, then SIGKILL: a runner with no server ignores SIGTERM
REGISTERED = "draftdesk-serve: deployments registered"  # the runner's line once they are


def _sweep_deployment(ws: Workspace) -> Any:
    from flows.intake_flow import intake_flow

    return intake_flow.to_deployment(
        name="sweep",
        interval=dt.timedelta(minutes=ws.rulebook().intake.sweep_minutes),
        parameters={"workspace": str(ws.root)},
        description="定时收稿：扫描收稿目录，审核、登记并归档稳定的稿件。",
    )


def _score_deployment(ws: Workspace) -> Any:
    try:
        from flows.score_flow import score_flow
    except ImportError:
        return None
    from prefect.schedules import Cron

    return score_flow.to_deployment(
        name="monthly-score",
        schedule=Cron(MONTHLY_SCORING_CRON, timezone=ws.rulebook().meta.timezone),
        parameters={"workspace": str(ws.root)},
        description="每月1日6:00：上月考核、稿酬报表。",
    )


SCHEDULED: list[Callable[[Workspace], Any]] = [_sweep_deployment, _score_deployment]
"""What `serve` runs: each entry builds one deployment for the workspace (None: not available).
Add an entry to schedule more work (a daily backup, say)."""


def deployments(ws: Workspace) -> list[Any]:
    """The deployments `serve` runs: the periodic sweep, the monthly scoring, and any added.

    No deployment tags: task runs would inherit them, and a tagged task asks the server for tag
    concurrency slots before it starts (~1.5 s a task measured on 3.9.1). The intake flow tags
    its own run by unit and type when it ends."""
    return [d for d in (make(ws) for make in SCHEDULED) if d is not None]


ServeNoticeKind = Literal["starting", "up", "registered", "lost", "back"]


@dataclass(frozen=True)
class ServeNotice:
    """A change the office should hear about (`detail`: the UI address for up and back)."""

    kind: ServeNoticeKind
    detail: str = ""


class ServeFailed(Exception):
    """`serve` cannot go on; the message says why in Chinese."""


def serve(ws: Workspace, notice: Callable[[ServeNotice], None], stop: threading.Event) -> None:
    """Serve the deployments until `stop` is set; raise ServeFailed when the server cannot be
    (re)started."""
    url = _server(ws, notice, stop, first=True)
    exits = 0
    while url is not None and not stop.is_set():
        runner = _start_runner(ws, url, notice)
        try:
            why = _supervise(ws, runner, url, stop)
        finally:
            _end_runner(runner)
        if why == "runner":
            exits += 1
            if exits >= RUNNER_RETRIES:
                raise ServeFailed(
                    f"定时任务进程连续 {exits} 次意外退出（退出码 {runner.returncode}），请查看日志。"
                )
            log.warning("定时任务进程意外退出（退出码 %s），重新启动", runner.returncode)
            stop.wait(CHECK_SECONDS)
            continue
        exits = 0
        if why == "server":
            notice(ServeNotice("lost"))
            url = _server(ws, notice, stop, first=False)


def _server(
    ws: Workspace, notice: Callable[[ServeNotice], None], stop: threading.Event, first: bool
) -> str | None:
    """The local server's API URL, started if need be; None when `stop` came first."""
    from flows import prefect_env

    try:
        url = prefect_env.running_server(ws)
        if url is None and first:
            notice(ServeNotice("starting"))
        if url is None:
            url = prefect_env.ensure_local_server(ws, timeout=RESTART_SECONDS, stop=stop)
    except prefect_env.ServerStartAborted:
        return None
    except RuntimeError as exc:
        log.error("Prefect 服务未能启动：%s", exc)
        raise ServeFailed(
            f"Prefect 服务未能在 {RESTART_SECONDS:.0f} 秒内启动，定时任务无法运行"
            f"（服务日志 {prefect_env.prefect_home(ws) / 'server.log'}）。"
        ) from exc
    notice(ServeNotice("up" if first else "back", url.removesuffix("/api")))
    return url


def _start_runner(ws: Workspace, url: str, notice: Callable[[ServeNotice], None]) -> subprocess.Popen[str]:
    """`python -m flows.serve <ws>` in a session of its own (Ctrl-C reaches this process only);
    its output goes to the log, line by line, and its registration line becomes a notice."""
    from flows import prefect_env

    env = {**os.environ, "PREFECT_HOME": str(prefect_env.prefect_home(ws)), "PREFECT_API_URL": url}
    runner = subprocess.Popen(
        [sys.executable, "-m", "flows.serve", str(ws.root)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    )
    threading.Thread(target=_relay, args=(runner, notice), name="runner-output", daemon=True).start()
    return runner


def _relay(runner: subprocess.Popen[str], notice: Callable[[ServeNotice], None]) -> None:
    runner_log = logging.getLogger("draftdesk.serve.runner")
    assert runner.stdout is not None
    for line in runner.stdout:
        if line.strip() == REGISTERED:
            notice(ServeNotice("registered"))
        elif line.strip():
            runner_log.info(line.rstrip())


def _supervise(ws: Workspace, runner: subprocess.Popen[str], url: str, stop: threading.Event) -> str:
    """Wait until `stop` ("stop"), the runner ends ("runner") or the server is gone ("server":
    its process ended, or it missed `MISSED_CHECKS` health checks in a row)."""
    from flows import prefect_env

    missed = 0
    while not stop.wait(CHECK_SECONDS):
        if runner.poll() is not None:
            return "runner"
        if prefect_env.server_healthy(url, timeout=CHECK_SECONDS):
            missed = 0
            continue
        missed += 1
        if missed >= MISSED_CHECKS or prefect_env.server_state(ws).pid is None:
            return "server"
    return "stop"


def _end_runner(runner: subprocess.Popen[str]) -> None:
    """SIGTERM (the runner shuts down in about 2.5 s with a server), SIGKILL to its whole
    session after `RUNNER_STOP_SECONDS` (with no server it would not end)."""
    if runner.poll() is None:
        runner.send_signal(signal.SIGTERM)
        try:
            runner.wait(RUNNER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(runner.pid, signal.SIGKILL)  # its flow-run processes too
    except OSError:
        pass
    runner.wait()


def run_runner(root: Path) -> None:
    """The child: register the deployments, say so, and serve them until SIGTERM."""
    from flows import prefect_env

    ws = Workspace(root)
    prefect_env.configure(ws)  # before Prefect is imported; the API URL comes from the parent
    import asyncio

    from prefect.exceptions import TerminationSignal
    from prefect.runner import Runner

    runner = Runner()
    for deployment in deployments(ws):
        runner.add_deployment(deployment)
    print(REGISTERED, flush=True)
    try:
        asyncio.run(runner.start())
    except (KeyboardInterrupt, TerminationSignal):
        pass


if __name__ == "__main__":
    run_runner(Path(sys.argv[1]))
