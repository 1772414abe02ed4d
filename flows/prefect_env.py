"""The one place that sets Prefect up for draftdesk.

Measured on Prefect 3.9.1: the temporary (ephemeral) server runs no schedules, and a process
that exits right after a flow loses task-run records (printing `CancelledError` tracebacks).
So `watch` and `serve` start — or reuse — the workspace's local server, the process Prefect's
own `prefect server start --background` starts, on 127.0.0.1, its home (database, pid file)
under the workspace (`<ws>/.prefect`): the office gets the Prefect UI and the history survives. `run`
reuses that server when it is up, else files directly. Telemetry is off, console logs are at
WARNING so CLI output stays readable, and in-process flows send no heartbeat (its thread costs
up to a second per flow on exit).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil

from flows.prefect_db import ServerStartAborted as ServerStartAborted
from flows.prefect_db import process_lock, seed_database, start_logged, start_settings
from flows.server_record import PID_FILE as PID_FILE
from flows.server_record import pid_path
from flows.server_record import prefect_home as prefect_home
from workspace import Workspace

DEFAULT_PORT = 4200
PORT_ENV = "DRAFTDESK_PREFECT_PORT"  # another preferred port, e.g. for a second workspace on one machine


def preferred_port() -> int:
    """The port a workspace's local server takes when it is free (`DRAFTDESK_PREFECT_PORT`,
    else Prefect's own 4200); otherwise any free port. Two workspaces on one machine (the test
    suite's parallel workers among them) set different ones, so neither starts its server on the
    port the other's killed server just left."""
    value = os.environ.get(PORT_ENV, "")
    return int(value) if value.isdigit() else DEFAULT_PORT


STARTUP_SECONDS = 120.0


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
def in_process(api_url: str | None = None, retries: int | None = None) -> Iterator[None]:
    """Settings for flows run inside this process: no flow heartbeat (a thread joined for up to
    a second at the end of every flow), the given API URL if any, and at most `retries` retries
    of a failed request (Prefect's default, 5 with backoff, keeps a flow on a dead server for
    tens of seconds; `watch` would rather file the batch directly)."""
    import prefect.settings as ps

    updates: dict[object, object] = {ps.PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if api_url:
        updates[ps.PREFECT_API_URL] = api_url
    if retries is not None:
        updates[ps.PREFECT_CLIENT_MAX_RETRIES] = retries
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
        # As Prefect's own check: a port left in TIME_WAIT by a killed server is free to bind,
        # so a restarted server keeps its address (the UI's bookmark).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    if _port_free(preferred := preferred_port()):
        return preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_APP_FACTORY = "prefect.server.api.server:create_app"
_UVICORN = (
    "import gc, runpy; gc.disable(); import prefect.server.api.server; "
    "gc.enable(); gc.collect(); gc.freeze(); runpy.run_module('uvicorn', run_name='__main__', alter_sys=True)"
)
"""`python -m uvicorn`, with Prefect's server imported first while the cyclic garbage collector
is off (then one collection, and what is left frozen out of later collections). Measured on
3.9.1 (2 cores): a start from the template costs 3.9 s of CPU so instead of 4.6 s (medians of
4 starts each, alternated; the collector ran again and again over the objects of every model
class made), the import's peak memory 11 MB more."""


@dataclass(frozen=True)
class ServerState:
    """The workspace's local server as `status` and `stop` see it: `api_url` when it answers,
    `pid` when its process runs (a pid without a URL: starting, or hung)."""

    pid: int | None
    api_url: str | None


def _api_url_of(cmd: list[str]) -> str:
    """The API URL a server command line (`… --host H --port P …`) serves."""

    def option(name: str, default: str) -> str:
        return cmd[cmd.index(name) + 1] if name in cmd[:-1] else default

    return f"http://{option('--host', '127.0.0.1')}:{option('--port', str(DEFAULT_PORT))}/api"


def _is_our_server(proc: psutil.Process, home: Path) -> bool:
    """Whether `proc` is a Prefect server for this workspace: the uvicorn process `--background`
    spawns (or a foreground `prefect server start` of earlier versions), run in the workspace's
    Prefect home — never some other process that reused the pid."""
    try:
        cmd = proc.cmdline()
        is_server = _APP_FACTORY in cmd or (
            "server" in cmd and "start" in cmd and any(Path(part).name == "prefect" for part in cmd)
        )
        return is_server and Path(proc.cwd()).resolve() == home.resolve() and _alive(proc)
    except (psutil.Error, OSError):
        return False


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _listens_on(proc: psutil.Process, url: str) -> bool:
    """Whether `proc` itself holds the listening socket of `url`. A health answer alone is not
    enough: seen with two workspaces preferring one port, the later server lost the race to
    bind, exited, and the other workspace's server answered its health check in its place."""
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    try:
        listing = getattr(proc, "net_connections", None) or proc.connections  # psutil < 6
        return any(
            c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port for c in listing(kind="tcp")
        )
    except psutil.AccessDenied:
        return True  # cannot tell: the health answer decides, as before
    except psutil.Error:
        return False


def _recorded_server(ws: Workspace) -> psutil.Process | None:
    """The server named by Prefect's pid file, if it is ours and alive."""
    try:
        proc = psutil.Process(int(pid_path(ws).read_text(encoding="utf-8").strip()))
    except (OSError, ValueError, psutil.Error):
        return None
    return proc if _is_our_server(proc, prefect_home(ws)) else None


def _our_servers(ws: Workspace) -> list[psutil.Process]:
    """Every server process of this workspace: the recorded one, and any whose record is lost."""
    home = prefect_home(ws)
    recorded = _recorded_server(ws)
    found = {recorded.pid: recorded} if recorded else {}
    for proc in psutil.process_iter():
        if proc.pid not in found and _is_our_server(proc, home):
            found[proc.pid] = proc
    return list(found.values())


def server_state(ws: Workspace, ask: bool = True) -> ServerState:
    """The local server's process and, when it answers its health check, its API URL
    (`ask=False`: the process only, no request)."""
    proc = _recorded_server(ws)
    if proc is None:
        return ServerState(None, None)
    try:
        url = _api_url_of(proc.cmdline())
    except psutil.Error:
        return ServerState(None, None)
    return ServerState(proc.pid, url if ask and server_healthy(url) and _listens_on(proc, url) else None)


def running_server(ws: Workspace) -> str | None:
    """The API URL of this workspace's local server if it is up, else None."""
    return server_state(ws).api_url


def ensure_local_server(
    ws: Workspace, timeout: float = STARTUP_SECONDS, stop: threading.Event | None = None
) -> str:
    """Reuse the workspace's local server, or start it as `prefect server start --background`
    does (`_start_background`: home under the workspace, 127.0.0.1, a free port); wait for its
    health endpoint; return the API URL (`http://127.0.0.1:PORT/api`). Raises RuntimeError
    (Chinese) when it will not come up, ServerStartAborted as soon as `stop` is set.

    Measured on 3.9.1 (2 busy cores): from the template (prefect_db.start_settings) the server
    answers after 4–17 s, 3.4–4.4 s of CPU, 80 % of it importing Prefect's server. A server of
    ours that another process's server beat to its port is ended at once (it cannot bind the
    port, and was seen hanging instead of exiting). After the server was
    killed (SIGKILL, as the OOM killer does) its pid file stays (and `--background` would
    refuse to start, "A server is already running in the background"), so a pid file naming
    no live server of ours is removed first. The server runs in its own session, so Ctrl-C on
    `watch` leaves it (and the UI) up for the next command."""
    home = prefect_home(ws)
    with process_lock(home / "server.lock", stop):
        proc = _recorded_server(ws)
        if proc is None:
            with contextlib.suppress(OSError):
                pid_path(ws).unlink()
            proc = _start_background(ws, stop)
        url = _api_url_of(proc.cmdline())
        waiter = stop or threading.Event()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if server_healthy(url):
                if _listens_on(proc, url):
                    return url
                with contextlib.suppress(psutil.Error):  # another process took its port first:
                    proc.kill()  # ours can never bind it (seen hanging, not exiting, after failing to)
                break
            if not _alive(proc):
                break
            if waiter.wait(0.2):  # a refused connection costs nothing; the office waits less
                raise ServerStartAborted()
        tail = ""
        with contextlib.suppress(OSError):
            tail = (home / "server.log").read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(
            f"Prefect 服务未能在 {timeout:.0f} 秒内启动（日志 {home / 'server.log'}）：\n{tail}"
        )


def _start_background(ws: Workspace, stop: threading.Event | None = None) -> psutil.Process:
    """Start the server process `prefect server start --background` starts, as that command
    does (uvicorn on Prefect's app factory, in its own session, its pid in Prefect's pid file;
    uvicorn started through `_UVICORN`), and return it; its output goes to `server.log`.

    Not through the command itself: measured on 3.9.1 it spends 3.2 s of CPU (5.7 s on a busy
    machine) importing Prefect's CLI before it spawns that process, and hands the server a pipe
    nobody reads once the command has exited. `prefect server stop` still stops this server."""
    home = prefect_home(ws)
    port = _free_port()
    env = dict(os.environ)
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_LOGGING_LEVEL="WARNING",
        PREFECT_API_URL=f"http://127.0.0.1:{port}/api",
        PREFECT__SERVER_FINAL="1",  # what the command sets: the server runs its own services
    )
    env.pop("PREFECT_API_DATABASE_CONNECTION_URL", None)
    seed_database(home, home / "server.log", stop)  # a migrated copy: 10 s less CPU (prefect_db)
    env.update(start_settings(home, env))  # from the template: no migration check, no block registration
    command = [sys.executable, "-c", _UVICORN, "--factory", _APP_FACTORY]
    command += ["--host", "127.0.0.1", "--port", str(port), "--timeout-keep-alive", "5"]
    server = start_logged(command, env, home / "server.log")  # env's PREFECT_HOME is `home`
    pid_path(ws).write_text(str(server.pid), encoding="utf-8")
    return psutil.Process(server.pid)


@dataclass(frozen=True)
class StoppedServer:
    """What `shutdown_local_server` stopped: the server's API URL and its process id."""

    api_url: str
    pid: int


def _wait_gone(procs: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout
    while True:
        alive = [p for p in procs if _alive(p)]
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(0.1)


def shutdown_local_server(ws: Workspace, timeout: float = 20.0) -> list[StoppedServer]:
    """Stop the workspace's local server and wait until its processes are gone.

    What `prefect server stop` does (SIGTERM to the pid in Prefect's pid file, remove the
    file), done here because that command returns without waiting and costs 5.9 s of imports
    (measured on 3.9.1) before it sends one signal; this one also finds a server whose pid
    file is lost, waits, and kills (SIGKILL) after `timeout`. Returns what it stopped (empty
    when nothing ran); raises RuntimeError (Chinese) when a process will not end."""
    home = prefect_home(ws)
    if not home.is_dir():
        return []
    with process_lock(home / "server.lock"):
        stopped: list[StoppedServer] = []
        group: list[psutil.Process] = []
        for proc in _our_servers(ws):
            with contextlib.suppress(psutil.Error):
                stopped.append(StoppedServer(_api_url_of(proc.cmdline()), proc.pid))
                group += [proc, *proc.children(recursive=True)]
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
        for name in (PID_FILE, "server.json"):  # server.json: the record of earlier versions
            with contextlib.suppress(OSError):
                (home / name).unlink()
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
