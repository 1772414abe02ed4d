"""Who relies on the workspace's local Prefect server: each running `watch` and `serve` leaves
a record under `<ws>/.prefect/users/`, so that `draftdesk stop` can say who would lose the
server, and `status` who uses it."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import psutil

from flows.prefect_env import prefect_home
from workspace import Workspace

UserRole = Literal["watch", "serve"]


@dataclass(frozen=True)
class ServerUser:
    """A running `watch` or `serve` of this workspace, which relies on its server."""

    role: UserRole
    pid: int


def _users_dir(ws: Workspace) -> Path:
    return prefect_home(ws) / "users"


@contextlib.contextmanager
def using_server(ws: Workspace, role: UserRole) -> Iterator[None]:
    """Mark this process as relying on the workspace's server while the block runs, so that
    `draftdesk stop` can say who would lose it (a record per process, removed on exit; one left
    by a killed process is recognised by its pid and start time, and ignored)."""
    folder = _users_dir(ws)
    me = psutil.Process()
    path = folder / f"{me.pid}.json"
    record = {"role": role, "pid": me.pid, "started": me.create_time()}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record), encoding="utf-8")
    except OSError:  # a courtesy for `stop`: never a reason not to watch
        pass
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


def server_users(ws: Workspace) -> list[ServerUser]:
    """The live `watch` and `serve` processes of this workspace (stale records are removed)."""
    found: list[ServerUser] = []
    folder = _users_dir(ws)
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            alive = abs(psutil.Process(int(record["pid"])).create_time() - float(record["started"])) < 0.01
        except (OSError, ValueError, KeyError, TypeError, psutil.Error):
            alive, record = False, {}
        if alive and record.get("role") in ("watch", "serve"):
            found.append(ServerUser(record["role"], int(record["pid"])))
        else:
            with contextlib.suppress(OSError):
                path.unlink()
    return found
