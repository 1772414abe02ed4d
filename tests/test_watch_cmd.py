"""`draftdesk watch` as a new user runs it: a real subprocess on a fresh workspace, a real
Prefect server, drafts copied in by hand, Ctrl-C to stop.

The server is the test run's shared one, named by `PREFECT_API_URL` as an office with a shared
server names it (tests/conftest.py `prefect_server`): these tests are about filing and stopping,
and a server of their own would cost a start of 4–7 s of CPU each. watch starting, reusing and restarting
the workspace's own local server is what tests/test_server_outage.py and
tests/test_day_of_faults.py prove, from a fresh workspace as here.

The waits are deadlines (how long to keep looking), never speed claims: speed is measured in
benchmarks/bench_watch.py.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.factory import news_draft
from tests.intake_support import workspace as initialised

DRAFTDESK = Path(sys.executable).with_name("draftdesk")
MARCH_12_AFTERNOON = "2021-03-12T15:00:00+08:00"
START_DEADLINE = 180.0  # a cold Prefect server on a busy 2-core machine
FILE_DEADLINE = 90.0


def fast_rulebook(ws: Path) -> None:
    """The workspace's own rulebook, with short intake times so the test is quick (the recovery
    sweep may run at every heartbeat)."""
    path = ws / "draftdesk.toml"
    text = path.read_text(encoding="utf-8")
    for name, value in (
        ("settle_seconds", 0.5),
        ("rescan_seconds", 2.0),
        ("sweep_minutes", 0),
        ("heartbeat_seconds", 1.0),
    ):
        text, n = re.subn(rf"(?m)^{name}\s*=.*$", f"{name} = {value}", text)
        assert n == 1, name
    path.write_text(text, encoding="utf-8")


def init_workspace(root: Path) -> Path:
    """A fresh workspace as `draftdesk init` makes it (`service.setup.init_workspace`, copied from
    the one this test process made: tests.intake_support.workspace; a `draftdesk init`
    subprocess cost ~0.7 s of CPU a workspace, and other tests run `init` through the CLI),
    with the fast rulebook."""
    initialised(root)
    fast_rulebook(root)
    return root


def wait_for(check: Callable[[], bool], deadline: float, proc: subprocess.Popen[bytes] | None = None) -> bool:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if check():
            return True
        if proc is not None and proc.poll() is not None:
            return check()
        time.sleep(0.2)
    return check()


class Watch:
    """A running `draftdesk watch`, its output in files (a pipe nobody reads could block it)."""

    def __init__(self, ws: Path, label: str, *extra: str, api_url: str) -> None:
        self.ws = ws
        self.out_path, self.err_path = ws.parent / f"watch-{label}.out", ws.parent / f"watch-{label}.err"
        env = {**os.environ, "DRAFTDESK_NOW": MARCH_12_AFTERNOON, "PYTHONUNBUFFERED": "1"}
        env["PREFECT_API_URL"] = api_url
        with self.out_path.open("wb") as out, self.err_path.open("wb") as err:
            self.proc = subprocess.Popen(
                [str(DRAFTDESK), "watch", "--workspace", str(ws), *extra], stdout=out, stderr=err, env=env
            )

    @property
    def out(self) -> str:
        return self.out_path.read_text(encoding="utf-8", errors="replace")

    @property
    def err(self) -> str:
        return self.err_path.read_text(encoding="utf-8", errors="replace")

    def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=120)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One workspace for the module, used by each `draftdesk watch` in turn (as in the office);
    each test drops its own distinct drafts."""
    root = init_workspace(tmp_path_factory.mktemp("watch") / "ws")
    yield root
    from flows import prefect_env
    from workspace import Workspace

    # None should run (the shared server answers); stopped all the same, were one started.
    assert prefect_env.shutdown_local_server(Workspace(root)) == []


def outbox_files(ws: Path, pattern: str) -> list[Path]:
    return sorted(p for p in (ws / "outbox").glob(pattern) if ".processing" not in p.parts)


@pytest.mark.integration
@pytest.mark.parametrize("polling", [pytest.param(False, id="inotify"), pytest.param(True, id="polling")])
def test_watch_files_dropped_drafts_with_notes_and_stops_cleanly_on_ctrl_c(
    workspace: Path, polling: bool, prefect_server: str
) -> None:
    mode = "polling" if polling else "inotify"
    watch = Watch(workspace, mode, *(["--polling"] if polling else []), api_url=prefect_server)
    try:
        assert wait_for(lambda: "正在监视" in watch.out, START_DEADLINE, watch.proc), watch.out + watch.err
        drop = workspace / "inbox" / "湖滨社区" / "即时通讯信息"
        good, short, lock = f"垃圾分类{mode}.docx", f"太短{mode}.docx", f"~$垃圾分类{mode}.docx"
        seed = 10 if polling else 20
        (drop / good).write_bytes(news_draft(300, photos=1, seed=seed))
        (drop / short).write_bytes(news_draft(120, photos=1, seed=seed + 1))
        (drop / lock).write_bytes(b"lock")

        assert wait_for(
            lambda: (
                len(outbox_files(workspace, f"accepted/*/湖滨社区/*_{good}")) == 1
                and len(outbox_files(workspace, f"rejected/湖滨社区/*_{short}.退回说明.txt")) == 1
            ),
            FILE_DEADLINE,
            watch.proc,
        ), watch.out + watch.err
        assert wait_for(lambda: short in watch.out, FILE_DEADLINE, watch.proc), watch.out + watch.err

        code = watch.interrupt()
    finally:
        watch.kill()

    [note] = outbox_files(workspace, f"rejected/湖滨社区/*_{short}.退回说明.txt")
    assert note.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "正文字数 120 字" in note.read_bytes().decode("utf-8-sig")
    assert len(outbox_files(workspace, f"rejected/湖滨社区/*_{short}")) == 1
    assert (drop / lock).read_bytes() == b"lock"  # left alone
    assert not (drop / good).exists() and not (drop / short).exists()
    assert code == 0, watch.err
    assert "Traceback" not in watch.err
    assert re.search(rf"\[合格\] 稿件 \d+ 湖滨社区 即时通讯信息 {re.escape(good)}", watch.out)
    assert re.search(
        rf"\[退回\] 稿件 \d+ 湖滨社区 即时通讯信息 {re.escape(short)}（字数）退回说明：", watch.out
    )
    assert "已停止监视" in watch.out


CLAIM_AND_DIE = """
import os, sys
from pathlib import Path, PurePosixPath
from intake import claims
from intake.inventory import Item
from workspace import Workspace, now
from ledger import intake as ledger
from ledger.schema import open_ledger
ws = Workspace(Path(sys.argv[1]))
rulebook = ws.rulebook()
db = open_ledger(ws.ledger_path)
item = Item(Path(sys.argv[2]), PurePosixPath(sys.argv[3]), "file")
got = claims.claim(ws, rulebook, db, item, ledger.iso(now(rulebook)), claims.owner_id())
print("claimed" if got else "lost", flush=True)
os._exit(0)  # dies holding the claim, as a `draftdesk run` killed mid-sweep would
"""


@pytest.mark.integration
def test_watch_finishes_a_claim_left_by_a_killed_sweep(workspace: Path, prefect_server: str) -> None:
    staging = workspace.parent / "staging"
    staging.mkdir(exist_ok=True)
    draft = staging / "被中断.docx"
    draft.write_bytes(news_draft(300, photos=1, seed=30))
    watch = Watch(workspace, "recovery", api_url=prefect_server)
    try:
        assert wait_for(lambda: "正在监视" in watch.out, START_DEADLINE, watch.proc), watch.out + watch.err
        env = {**os.environ, "DRAFTDESK_NOW": MARCH_12_AFTERNOON}
        died = subprocess.run(
            [
                sys.executable,
                "-c",
                CLAIM_AND_DIE,
                str(workspace),
                str(draft),
                "湖滨社区/即时通讯信息/被中断.docx",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert died.stdout.strip() == "claimed", died.stderr

        assert wait_for(
            lambda: len(outbox_files(workspace, "accepted/*/湖滨社区/*_被中断.docx")) == 1,
            FILE_DEADLINE,
            watch.proc,
        ), watch.out + watch.err
        code = watch.interrupt()
    finally:
        watch.kill()

    assert code == 0, watch.err
    assert re.search(r"\[合格\] 稿件 \d+ 湖滨社区 即时通讯信息 被中断\.docx", watch.out)
    assert not (workspace / "outbox" / ".processing").exists() or not any(
        (workspace / "outbox" / ".processing").iterdir()
    )


@pytest.mark.integration
def test_watch_stops_cleanly_on_sigterm(workspace: Path, prefect_server: str) -> None:
    watch = Watch(workspace, "sigterm", api_url=prefect_server)
    try:
        assert wait_for(lambda: "正在监视" in watch.out, START_DEADLINE, watch.proc), watch.out + watch.err
        watch.proc.send_signal(signal.SIGTERM)
        code = watch.proc.wait(timeout=120)
    finally:
        watch.kill()

    assert code == 0, watch.err
    assert "Traceback" not in watch.err
    assert "已停止监视" in watch.out


@pytest.mark.integration
def test_watch_refuses_an_outbox_inside_the_inbox(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "ws")
    (root / "outbox").rename(root / "inbox" / "outbox")
    (root / "outbox").symlink_to(root / "inbox" / "outbox")

    done = subprocess.run(
        [str(DRAFTDESK), "watch", "--workspace", str(root)], capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 2
    assert "位于收件箱" in done.stderr and "Traceback" not in done.stderr


def test_watch_refuses_a_workspace_without_an_inbox(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(DRAFTDESK), "watch", "--workspace", str(tmp_path)], capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 2
    assert "draftdesk init" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.integration
def test_watch_refuses_a_bad_rulebook_naming_the_key(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "ws")
    rulebook = root / "draftdesk.toml"
    rulebook.write_text(
        rulebook.read_text(encoding="utf-8").replace("[intake]\n", "[intake]\nsettle_secs = 1\n"),
        encoding="utf-8",
    )

    done = subprocess.run(
        [str(DRAFTDESK), "watch", "--workspace", str(root)], capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 2
    assert "settle_secs" in done.stderr and "Traceback" not in done.stderr
