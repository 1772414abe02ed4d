"""The one place that sets Prefect up for draftdesk.

Measured on Prefect 3.9.1: the temporary (ephemeral) server runs no schedules, and a process
that exits right after a flow loses task-run records (printing `CancelledError` tracebacks).
So `watch` and `serve` start — or reuse — a local `prefect server start` on 127.0.0.1 whose
home (database, logs) lies under the workspace (`<ws>/.prefect`): the office gets the Prefect
UI and the history survives. `run` reuses that server when it is up; otherwise it runs against
the temporary one and waits for it to drain before exiting. Telemetry is off, console logs are
at WARNING so CLI output stays readable, and in-process flows send no heartbeat (its thread
costs up to a second per flow on exit).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil

from workspace import Workspace

DEFAULT_PORT = 4200
STARTUP_SECONDS = 120.0


def prefect_home(ws: Workspace) -> Path:
    return ws.root / ".prefect"


def configure(ws: Workspace, api_url: str | None = None) -> None:
    """Environment for Prefect; call BEFORE importing prefect (its settings load at import).

    An API URL the user set (a shared server, scale-out) is respected unless `api_url` is given."""
    home = prefect_home(ws)
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(home))
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    if api_url:
        os.environ["PREFECT_API_URL"] = api_url
    _quiet_logs()


def _quiet_logs() -> None:
    for name in ("prefect", "prefect.flow_runs", "prefect.task_runs", "httpx", "uvicorn"):
        logging.getLogger(name).setLevel(logging.WARNING)


@contextlib.contextmanager
def in_process(api_url: str | None = None) -> Iterator[None]:
    """Settings for flows run inside this process: no flow heartbeat (a thread joined for up to
    a second at the end of every flow), and the given API URL if any."""
    import prefect.settings as ps

    updates: dict[object, object] = {ps.PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if api_url:
        updates[ps.PREFECT_API_URL] = api_url
    _quiet_logs()
    with ps.temporary_settings(updates=updates):
        yield


def server_healthy(api_url: str, timeout: float = 2.0) -> bool:
    """Whether a Prefect server answers its health endpoint at `api_url` (…/api)."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as resp:
            return bool(resp.status == 200)
    except Exception:
        return False


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    if _port_free(DEFAULT_PORT):
        return DEFAULT_PORT
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _state_path(ws: Workspace) -> Path:
    return prefect_home(ws) / "server.json"


def running_server(ws: Workspace) -> str | None:
    """The API URL of this workspace's local server if it is up, else None."""
    try:
        state = json.loads(_state_path(ws).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    url = state.get("api_url")
    return url if isinstance(url, str) and server_healthy(url) else None


def _prefect_executable() -> list[str]:
    beside = Path(sys.executable).with_name("prefect")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("prefect")
    return [found] if found else [sys.executable, "-m", "prefect"]


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_local_server(ws: Workspace, timeout: float = STARTUP_SECONDS) -> str:
    """Start (or reuse) `prefect server start --host 127.0.0.1` with its home under the
    workspace; wait for its health endpoint; return the API URL (`http://127.0.0.1:PORT/api`).

    The server runs in its own session, so Ctrl-C on `watch` leaves it (and the UI) up for the
    next command, which reuses it. Its output goes to `<ws>/.prefect/server.log`."""
    home = prefect_home(ws)
    with _lock(home / "server.lock"):
        url = running_server(ws)
        if url:
            return url
        port = _free_port()
        url = f"http://127.0.0.1:{port}/api"
        env = dict(os.environ)
        env.update(
            PREFECT_HOME=str(home),
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT_SERVER_LOGGING_LEVEL="WARNING",
            PREFECT_API_URL=url,
        )
        env.pop("PREFECT_API_DATABASE_CONNECTION_URL", None)
        log_file = open(home / "server.log", "ab")
        try:
            proc = subprocess.Popen(
                [*_prefect_executable(), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
                cwd=str(home),
            )
        finally:
            log_file.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if server_healthy(url):
                _state_path(ws).write_text(json.dumps({"api_url": url, "pid": proc.pid}), encoding="utf-8")
                return url
            if proc.poll() is not None:
                break
            time.sleep(0.5)
        tail = ""
        with contextlib.suppress(OSError):
            tail = (home / "server.log").read_text(encoding="utf-8", errors="replace")[-2000:]
        if proc.poll() is None:
            proc.terminate()
        raise RuntimeError(
            f"Prefect 服务未能在 {timeout:.0f} 秒内启动（日志 {home / 'server.log'}）：\n{tail}"
        )


@dataclass(frozen=True)
class StoppedServer:
    """What `shutdown_local_server` stopped: the server's API URL and its process id."""

    api_url: str
    pid: int


def _api_url_of(cmd: list[str]) -> str:
    """The API URL a `prefect server start --host H --port P` command line serves."""

    def option(name: str, default: str) -> str:
        return cmd[cmd.index(name) + 1] if name in cmd[:-1] else default

    return f"http://{option('--host', '127.0.0.1')}:{option('--port', str(DEFAULT_PORT))}/api"


def _is_our_server(proc: psutil.Process, home: Path) -> bool:
    """Whether `proc` is a `prefect server start` that `ensure_local_server` launched for this
    workspace (it runs in the Prefect home) — never some other process that reused the pid."""
    try:
        cmd = proc.cmdline()
        return (
            "server" in cmd
            and "start" in cmd
            and any(Path(part).name == "prefect" for part in cmd)
            and Path(proc.cwd()).resolve() == home.resolve()
        )
    except (psutil.Error, OSError):
        return False


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _wait_gone(procs: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout
    while True:
        alive = [p for p in procs if _alive(p)]
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(0.1)


def shutdown_local_server(ws: Workspace, timeout: float = 20.0) -> list[StoppedServer]:
    """Stop the workspace's local server and wait until its processes are gone.

    Finds it by the record `ensure_local_server` writes and, should that be lost, by a
    `prefect server start` running in the workspace's Prefect home; a stale record (the server
    died, the pid was reused) is removed and nothing else is touched. SIGTERM first (the server
    shuts down cleanly in about a second), SIGKILL after `timeout`. Returns what it stopped
    (empty when nothing ran); raises RuntimeError (Chinese) when a process will not end."""
    home = prefect_home(ws)
    if not home.is_dir():
        return []
    import signal

    with _lock(home / "server.lock"):
        found: dict[int, psutil.Process] = {}
        try:
            state = json.loads(_state_path(ws).read_text(encoding="utf-8"))
            proc = psutil.Process(int(state["pid"]))
            if _is_our_server(proc, home):
                found[proc.pid] = proc
        except (OSError, ValueError, KeyError, TypeError, psutil.Error):
            pass
        for proc in psutil.process_iter():
            if proc.pid not in found and _is_our_server(proc, home):
                found[proc.pid] = proc
        stopped: list[StoppedServer] = []
        group: list[psutil.Process] = []
        for proc in found.values():
            with contextlib.suppress(psutil.Error):
                stopped.append(StoppedServer(_api_url_of(proc.cmdline()), proc.pid))
                group += [proc, *proc.children(recursive=True)]
            try:
                if os.getpgid(proc.pid) != proc.pid:
                    raise ProcessLookupError(proc.pid)
                os.killpg(proc.pid, signal.SIGTERM)  # its own session: whatever it spawned too
            except OSError:
                with contextlib.suppress(psutil.Error):
                    proc.terminate()
        left = _wait_gone(group, timeout)
        for proc in left:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        left = _wait_gone(left, 5.0)
        if left:
            raise RuntimeError(
                f"Prefect 服务进程 {'、'.join(str(p.pid) for p in left)} 未能结束，请手动结束。"
            )
        with contextlib.suppress(OSError):
            _state_path(ws).unlink()
    return stopped


def stop_local_server(ws: Workspace) -> bool:
    """Stop the workspace's local server if this workspace started one (tests, uninstall)."""
    try:
        return bool(shutdown_local_server(ws))
    except RuntimeError:
        return False


def drain(
    flow_run_id: object | None = None, expected_tasks: int | None = None, timeout: float = 15.0
) -> None:
    """Before the process exits: flush logs and events to the server, then (when told how many
    task runs the flow made) wait until the server has recorded them all — the temporary server
    dies with this process and would lose whatever is still in flight."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def _drain() -> None:
        import inspect

        for call in (lambda: APILogWorker.instance().drain(), EventsWorker.drain_all):
            try:
                result = call()
                if inspect.isawaitable(result):
                    await result
            except RuntimeError:
                pass

    with contextlib.suppress(Exception):
        run_coro_as_sync(_drain())
    if flow_run_id is None or not expected_tasks:
        return
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    deadline = time.monotonic() + timeout
    with contextlib.suppress(Exception), get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[uuid.UUID(str(flow_run_id))]))
            )
            if len(runs) >= expected_tasks and all(r.state is not None and r.state.is_final() for r in runs):
                return
            time.sleep(0.2)
