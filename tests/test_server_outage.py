"""The workspace's Prefect server goes away under a running `watch` or `serve` (killed with
SIGKILL, as the OOM killer does): watch files directly at once and goes back to flows when the
server is back; serve restarts it and re-registers its deployments; SIGTERM ends either within
10 s in every state, and no traceback reaches the console. `watch` and `serve` are started
from the command lines of the systemd units in `deploy/systemd/`, as a service manager would.

One workspace (and so one local server at a time) for the module; the waits are deadlines, not
speed claims, except the issue's own bounds: a draft filed within the settle time + 5 s after
the server died, and an end within 10 s of SIGTERM.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows import prefect_env
from ledger import intake as ledger
from ledger.schema import open_ledger
from tests.factory import news_draft
from tests.ports import free_port
from tests.test_watch_cmd import (
    DRAFTDESK,
    MARCH_12_AFTERNOON,
    START_DEADLINE,
    init_workspace,
    outbox_files,
    wait_for,
)
from workspace import Workspace

pytestmark = pytest.mark.integration

UNITS = Path(__file__).resolve().parent.parent / "deploy" / "systemd"
SETTLE_SECONDS = 0.5  # tests.test_watch_cmd.fast_rulebook
STOP_SECONDS = 10.0  # the bound on SIGTERM


def unit_settings(name: str) -> dict[str, list[str]]:
    """The [Service] section of a unit file: every key with all its values, in order (systemd
    allows a key such as Environment= more than once)."""
    settings: dict[str, list[str]] = {}
    section = ""
    for raw in (UNITS / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "Service":
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def unit_command(name: str, ws: Path, **replace: str) -> tuple[list[str], dict[str, str]]:
    """The unit's ExecStart as argv, with draftdesk from this environment and the unit's
    Environment= lines (the workspace pointed at the test's); `replace` swaps option values
    (or adds the option, when the unit leaves it to the rulebook)."""
    service = unit_settings(name)
    assert service["KillSignal"] == ["SIGTERM"] and service["Restart"] == ["on-failure"]
    [exec_start] = service["ExecStart"]
    argv = shlex.split(exec_start)
    assert Path(argv[0]).name == "draftdesk"
    argv[0] = str(DRAFTDESK)
    for option, value in replace.items():
        if option in argv:
            argv[argv.index(option) + 1] = value
        else:
            argv += [option, value]
    env = {**os.environ}
    env.pop("PREFECT_API_URL", None)
    for assignment in service.get("Environment", []):
        key, _, value = assignment.partition("=")
        env[key] = value
    env["DRAFTDESK_WORKSPACE"] = str(ws)
    return argv, env


class Running:
    """A running command, its output in files (a pipe nobody reads could block it)."""

    def __init__(self, argv: list[str], env: dict[str, str], label: str, ws: Path) -> None:
        self.out_path, self.err_path = ws.parent / f"{label}.out", ws.parent / f"{label}.err"
        with self.out_path.open("wb") as out, self.err_path.open("wb") as err:
            self.proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=ws)

    @property
    def out(self) -> str:
        return self.out_path.read_text(encoding="utf-8", errors="replace")

    @property
    def err(self) -> str:
        return self.err_path.read_text(encoding="utf-8", errors="replace")

    def terminate(self) -> int:
        """SIGTERM; the exit status, which must come within the issue's 10 s."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=STOP_SECONDS)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = init_workspace(tmp_path_factory.mktemp("outage") / "ws")
    rulebook = root / "draftdesk.toml"  # serve needs a sweep interval of at least a minute
    text = rulebook.read_text(encoding="utf-8").replace("sweep_minutes = 0\n", "sweep_minutes = 1\n")
    rulebook.write_text(text, encoding="utf-8")
    yield root
    prefect_env.stop_local_server(Workspace(root))


def kill_server(root: Path) -> None:
    """SIGKILL the workspace's server, as the OOM killer would: its pid file stays behind."""
    pid = int((root / ".prefect" / prefect_env.PID_FILE).read_text(encoding="utf-8"))
    os.kill(pid, signal.SIGKILL)
    assert wait_for(lambda: prefect_env.running_server(Workspace(root)) is None, 30)


def last_run_kind(root: Path) -> str:
    """The kind of the latest finished sweep (`ledger.last_run`)."""
    db = open_ledger(Workspace(root).ledger_path)
    try:
        run = ledger.last_run(db)
    finally:
        db.close()
    assert run is not None
    return str(run["kind"])


def drop(root: Path, name: str, seed: int) -> None:
    (root / "inbox" / "湖滨社区" / "即时通讯信息" / name).write_bytes(news_draft(300, photos=1, seed=seed))


def filed(root: Path, name: str) -> bool:
    return len(outbox_files(root, f"accepted/*/湖滨社区/*_{name}")) == 1


def test_watch_files_directly_when_its_server_is_killed_and_returns_to_flows_when_it_is_back(
    workspace: Path,
) -> None:
    argv, env = unit_command("draftdesk-watch.service", workspace)
    watch = Running(argv, {**env, "DRAFTDESK_NOW": MARCH_12_AFTERNOON}, "watch-outage", workspace)
    try:
        assert wait_for(lambda: "Prefect 界面" in watch.out, START_DEADLINE, watch.proc), (
            watch.out + watch.err
        )
        drop(workspace, "服务在.docx", seed=51)
        assert wait_for(lambda: filed(workspace, "服务在.docx"), 90, watch.proc), watch.out + watch.err
        assert wait_for(lambda: last_run_kind(workspace) == "intake", 60, watch.proc), watch.out

        kill_server(workspace)
        drop(workspace, "服务停了.docx", seed=52)
        assert wait_for(lambda: filed(workspace, "服务停了.docx"), SETTLE_SECONDS + 5, watch.proc), (
            watch.out + watch.err
        )
        # Filed directly, and the ledger's runs say so (once the sweep has finished).
        assert wait_for(lambda: last_run_kind(workspace) == "sweep", 60, watch.proc), watch.out

        assert wait_for(lambda: "Prefect 服务已恢复" in watch.out, START_DEADLINE, watch.proc), watch.out
        drop(workspace, "服务回来了.docx", seed=53)
        assert wait_for(lambda: filed(workspace, "服务回来了.docx"), 90, watch.proc), watch.out + watch.err
        assert wait_for(lambda: last_run_kind(workspace) == "intake", 60, watch.proc), (
            watch.out
        )  # a flow again
        code = watch.terminate()
    finally:
        watch.kill()

    assert code == 0, watch.err
    assert watch.out.count("Prefect 服务已停止响应：稿件改为直接处理") == 1
    for name in ("服务在.docx", "服务停了.docx", "服务回来了.docx"):  # a line for every draft filed
        assert f"{name} → outbox/accepted/" in watch.out
    assert "Traceback" not in watch.out + watch.err
    assert "已停止监视。" in watch.out
    log = (workspace / "outbox" / "logs" / "draftdesk.log").read_text(encoding="utf-8")
    assert "停止响应：改为直接处理" in log  # the details went to the workspace's log file


def test_watch_ends_within_ten_seconds_of_sigterm_while_its_server_is_down(workspace: Path) -> None:
    prefect_env.stop_local_server(Workspace(workspace))
    argv, env = unit_command("draftdesk-watch.service", workspace)
    watch = Running(argv, env, "watch-down", workspace)
    try:
        assert wait_for(lambda: "正在监视" in watch.out, START_DEADLINE, watch.proc), watch.out + watch.err
        assert "Prefect 界面" not in watch.out  # still starting the server: the state under test
        code = watch.terminate()
    finally:
        watch.kill()

    assert code == 0, watch.err
    assert "Traceback" not in watch.out + watch.err
    assert "已停止监视。" in watch.out
    # The start it began goes on without it: the server is up for the next command.
    assert wait_for(lambda: prefect_env.running_server(Workspace(workspace)) is not None, START_DEADLINE)


def test_serve_brings_a_killed_server_back_with_its_schedules_and_ends_on_sigterm_while_restarting(
    workspace: Path,
) -> None:
    ws = Workspace(workspace)
    argv, env = unit_command("draftdesk-serve.service", workspace, **{"--port": str(free_port())})
    serve = Running(argv, env, "serve-outage", workspace)
    registered = "定时任务已注册"
    try:
        assert wait_for(lambda: registered in serve.out, START_DEADLINE, serve.proc), serve.out + serve.err
        assert "办公桌：http://127.0.0.1:" in serve.out  # the desk beside the schedules

        kill_server(workspace)
        assert wait_for(
            lambda: serve.out.count(registered) == 2 or serve.proc.poll() is not None, 120, serve.proc
        ), serve.out + serve.err
        if serve.proc.poll() is not None:  # it could not restart the server: it says why
            assert serve.proc.returncode != 0
            assert "Prefect 服务未能在" in serve.err
            return
        assert "Prefect 服务已恢复" in serve.out
        assert prefect_env.running_server(ws) is not None

        kill_server(workspace)  # again, and SIGTERM while serve is restarting it
        assert wait_for(lambda: serve.out.count("已停止响应") == 2, 30, serve.proc), serve.out + serve.err
        code = serve.terminate()
    finally:
        serve.kill()

    assert code == 0, serve.err
    assert "Traceback" not in serve.out + serve.err
    assert serve.out.rstrip().endswith("已停止。")
