"""`draftdesk stop`: the workspace's real local Prefect server is stopped, and nothing else is."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from typer.testing import CliRunner

from cli.app import app
from flows import prefect_env
from flows.server_users import server_users, using_server
from workspace import Workspace

RUNNER = CliRunner()


def gone(pid: int) -> bool:
    """The process has ended (a zombie waiting for its parent to reap it has ended too)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def record(ws: Workspace) -> int:
    """The server's pid, from Prefect's own pid file (`prefect server start --background`)."""
    return int((ws.root / ".prefect" / "server.pid").read_text(encoding="utf-8"))


@pytest.mark.integration
def test_stop_ends_the_running_server_and_status_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    ws = Workspace(tmp_path / "ws")
    ws.inbox.mkdir(parents=True)  # status needs a workspace (an inbox), as run does
    try:
        url = prefect_env.ensure_local_server(ws)
        pid = record(ws)
        status = RUNNER.invoke(app, ["status", "--workspace", str(ws.root)])
        assert (
            f"Prefect 界面：{url.removesuffix('/api')}（服务运行中，draftdesk stop 可停止）" in status.stdout
        )

        result = RUNNER.invoke(app, ["stop", "--workspace", str(ws.root)])
        assert result.exit_code == 0, result.output
        assert f"已停止 Prefect 服务 {url.removesuffix('/api')}（进程 {pid}）。" in result.stdout
        assert gone(pid)
        assert prefect_env.running_server(ws) is None
        assert not prefect_env.server_healthy(url)
        assert not (ws.root / ".prefect" / "server.pid").exists()

        again = RUNNER.invoke(app, ["stop", "--workspace", str(ws.root)])
        assert again.exit_code == 0
        assert f"没有正在运行的 Prefect 服务（工作目录 {ws.root}）。" in again.stdout
        status = RUNNER.invoke(app, ["status", "--workspace", str(ws.root)])
        assert "Prefect 服务：未运行（watch、serve 会自动启动）" in status.stdout
    finally:
        prefect_env.stop_local_server(ws)


def test_stop_in_a_workspace_that_never_started_a_server_says_none_runs(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    assert RUNNER.invoke(app, ["init", "--workspace", str(root)]).exit_code == 0
    result = RUNNER.invoke(app, ["stop", "--workspace", str(root)])
    assert result.exit_code == 0
    assert result.stdout == f"没有正在运行的 Prefect 服务（工作目录 {root}）。\n"
    assert not (root / ".prefect").exists()  # stopping nothing creates nothing


def test_a_stale_record_naming_another_process_is_cleared_and_that_process_left_alone(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    (ws.root / ".prefect").mkdir(parents=True)
    bystander = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True
    )
    try:
        # The server died long ago and the system gave its pid to an unrelated program.
        (ws.root / ".prefect" / "server.pid").write_text(str(bystander.pid), encoding="utf-8")
        result = RUNNER.invoke(app, ["stop", "--workspace", str(ws.root)])
        assert result.exit_code == 0, result.output
        assert "没有正在运行的 Prefect 服务" in result.stdout
        assert bystander.poll() is None
        assert not (ws.root / ".prefect" / "server.pid").exists()
    finally:
        bystander.kill()
        bystander.wait()


def test_stop_refuses_without_force_while_a_watch_relies_on_the_server_and_no_one_can_confirm(
    tmp_path: Path,
) -> None:
    ws = Workspace(tmp_path / "ws")
    (ws.root / ".prefect").mkdir(parents=True)
    with using_server(ws, "watch"):  # this test process stands in for a running watch
        refused = RUNNER.invoke(app, ["stop", "--workspace", str(ws.root)])
        forced = RUNNER.invoke(app, ["stop", "--workspace", str(ws.root), "--force"])
    assert refused.exit_code == 1
    assert f"持续收稿 watch（进程 {os.getpid()}） 正在使用本工作目录的 Prefect 服务。" in refused.stderr
    assert "请加 --force" in refused.stderr
    assert forced.exit_code == 0, forced.output
    assert "没有正在运行的 Prefect 服务" in forced.stdout
    assert server_users(ws) == []  # the record went with the block


def test_a_user_record_left_by_a_killed_watch_is_ignored_and_removed(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    users = ws.root / ".prefect" / "users"
    users.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (users / f"{dead.pid}.json").write_text(
        f'{{"role": "watch", "pid": {dead.pid}, "started": 1.0}}', encoding="utf-8"
    )
    assert server_users(ws) == []
    assert not any(users.iterdir())
