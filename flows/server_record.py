"""Where a workspace's local Prefect server lives: its home and Prefect's pid file record of it.

Apart from `prefect_env` (which imports psutil, urllib and the database template: ~30 ms), so
that `run` can see that no server was ever recorded, and no address configured, without them.
"""

from __future__ import annotations

from pathlib import Path

from workspace import Workspace

PID_FILE = "server.pid"
"""Prefect's own record of a `prefect server start --background` (SERVER_PID_FILE_NAME under
PREFECT_HOME): the pid of the server process; `prefect server stop` reads the same file."""


def prefect_home(ws: Workspace) -> Path:
    return ws.root / ".prefect"


def pid_path(ws: Workspace) -> Path:
    return prefect_home(ws) / PID_FILE
