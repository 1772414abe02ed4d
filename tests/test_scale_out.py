"""Scale-out, as far as one machine allows: the intake flow deployed to a Prefect *process work
pool*, two `prefect worker start` processes, a Prefect server on PostgreSQL (when PostgreSQL is
installed here; else the server's own SQLite), two flow runs at once over one inbox.
Each draft must end in the outbox and the ledger exactly once.
"""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.prefect_db import seed_database
from flows.prefect_env import server_healthy
from ledger.schema import open_ledger
from tests.conftest import IN_CI
from tests.factory import news_draft
from tests.intake_support import INSTANT, NOW, drop, inbox_items, outbox_items, sha, workspace
from tests.postgres_support import PREFECT, free_port, migrated_cluster

REPO = Path(__file__).resolve().parents[1]
POOL = "draftdesk-test"


def _stop(procs: list[subprocess.Popen[bytes]], grace: float) -> None:
    """Stop processes this test started, with their children (each its own session): all
    asked at once (SIGTERM), then killed if still there after `grace` seconds. A worker asked
    to stop after its runs ended sometimes still sat in Prefect's shutdown after 20 s (seen
    here in 3 runs of 6): that wait proved nothing and held the test, and the server, up."""
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _env(home: Path, api_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_API_URL=api_url,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_WORKER_QUERY_SECONDS="1",
        PREFECT_WORKER_PREFETCH_SECONDS="1",
        PYTHONPATH=str(REPO),
        DRAFTDESK_NOW=NOW,
    )
    return env


# One process, one Prefect import (measured: a second process for `prefect work-pool create`
# cost 1.9 s of CPU): the work pool made as `prefect work-pool create POOL --type process` makes
# it, with the process worker's default job template (a worker that got there first made the
# same pool: it runs with `--type process`), the flow deployed to it, two runs started at once.
DEPLOY_AND_RUN = """
import sys, time
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectAlreadyExists
from prefect.workers.process import ProcessWorker

ws, repo, pool = sys.argv[1:4]
with get_client(sync_client=True) as client:
    try:
        client.create_work_pool(WorkPoolCreate(
            name=pool, type="process", base_job_template=ProcessWorker.get_default_base_job_template()))
    except ObjectAlreadyExists:
        pass
source = flow.from_source(source=repo, entrypoint="flows/intake_flow.py:intake_flow")
source.deploy(name="sweep", work_pool_name=pool, parameters={"workspace": ws}, print_next_steps=False,
              ignore_warnings=True)
runs = [run_deployment("intake/sweep", timeout=0) for _ in range(2)]
deadline = time.monotonic() + 240
with get_client(sync_client=True) as client:
    while time.monotonic() < deadline:
        states = [client.read_flow_run(r.id).state for r in runs]
        if all(s is not None and s.is_final() for s in states):
            break
        time.sleep(1)
    print(" ".join(client.read_flow_run(r.id).state.type.value for r in runs))
"""


@pytest.mark.integration
@pytest.mark.timeout(600)
def test_two_workers_on_a_process_pool_share_one_inbox_without_double_processing(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    ws, _ = workspace(tmp_path / "ws")
    made: dict[str, bytes] = {}
    for i in range(30):
        data = news_draft(250 + i, photos=1, seed=500 + i)
        drop(ws, f"{('湖滨社区', '塔下社区', '建设局')[i % 3]}/{INSTANT}/稿件{i:02d}.docx", data)
        made[sha(data)] = data
    home = tmp_path / "prefect-home"
    home.mkdir()
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    started: list[subprocess.Popen[bytes]] = []
    with migrated_cluster() as database_url:
        assert database_url or not IN_CI, (
            "PostgreSQL is missing under CI (.ci/run installs Debian's postgresql)"
        )
        env = _env(home, api_url)
        server_env = dict(env)
        if database_url:  # a copy of the migrated template (tests/postgres_support.py)
            server_env["PREFECT_API_DATABASE_CONNECTION_URL"] = database_url
            server_env["PREFECT_SERVER_DATABASE_MIGRATE_ON_START"] = "false"
        else:  # the server's own SQLite, from the workspace servers' migrated template
            seed_database(home, home / "server.log")
        log = open(home / "server.log", "wb")
        try:
            started.append(
                subprocess.Popen(
                    [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                    env=server_env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    cwd=home,
                )
            )
            deadline = time.monotonic() + 180
            while not server_healthy(api_url):
                assert time.monotonic() < deadline, (home / "server.log").read_text(errors="replace")[-3000:]
                assert started[0].poll() is None, (home / "server.log").read_text(errors="replace")[-3000:]
                time.sleep(0.5)
            for n in range(2):
                started.append(
                    subprocess.Popen(
                        [
                            PREFECT,
                            "worker",
                            "start",
                            "--pool",
                            POOL,
                            "--type",
                            "process",
                            "--limit",
                            "1",
                            "--name",
                            f"worker-{n}",
                        ],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                        cwd=REPO,
                    )
                )
            done = subprocess.run(
                [sys.executable, "-c", DEPLOY_AND_RUN, str(ws.root), str(REPO), POOL],
                env=env,
                capture_output=True,
                text=True,
                cwd=REPO,
                timeout=400,
            )
            assert done.returncode == 0, done.stderr[-3000:]
            assert done.stdout.splitlines()[-1].split() == ["COMPLETED", "COMPLETED"], (
                done.stdout + done.stderr[-2000:]
            )
            print("Prefect server database:", "PostgreSQL" if database_url else "SQLite")
        finally:
            _stop(started[1:], grace=5)  # the workers first: they say goodbye to the server
            _stop(started[:1], grace=20)
            log.close()
    filed = collections.Counter(sha(p.read_bytes()) for p in outbox_items(ws))
    assert filed == collections.Counter(made.keys())
    db = open_ledger(ws.ledger_path)
    try:
        rows = db.execute("SELECT sha256, state FROM submissions").fetchall()
        runs = db.execute("SELECT kind, flow_run_id FROM runs WHERE finished_at IS NOT NULL").fetchall()
    finally:
        db.close()
    assert collections.Counter(s for s, _ in rows) == collections.Counter(made.keys())
    assert {state for _, state in rows} == {"filed"}
    assert len(runs) == 2 and all(flow_run_id for _, flow_run_id in runs)
    assert inbox_items(ws) == []
