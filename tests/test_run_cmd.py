"""`draftdesk run`: one sweep as a Prefect flow, a Chinese summary, no tracebacks."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cli.run import run_command
from tests.factory import news_draft
from tests.intake_support import INSTANT, NOW, drop, workspace

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def quiet_env(monkeypatch, tmp_path):
    """run_command sets Prefect's environment; keep it from leaking into other tests."""
    for name in (
        "PREFECT_HOME",
        "PREFECT_SERVER_ANALYTICS_ENABLED",
        "PREFECT_LOGGING_LEVEL",
        "PREFECT_SERVER_LOGGING_LEVEL",
        "PREFECT_API_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)


@pytest.mark.integration
def test_run_prints_counts_and_where_the_notes_are(tmp_path, quiet_env, prefect_harness, capsys):
    ws, _ = workspace(tmp_path / "ws")
    drop(ws, f"湖滨社区/{INSTANT}/好稿.docx", news_draft(300, photos=1))
    drop(ws, f"塔下社区/{INSTANT}/短稿.docx", news_draft(100, photos=1, seed=5))
    assert run_command(ws.root) == 0
    out = capsys.readouterr().out
    assert "处理 2 件，合格 1 件（其中未计入 0 件），退回 1 件" in out
    assert (
        "稿件 2：outbox/rejected/塔下社区/2_短稿.docx.退回说明.txt（length）" in out
        or "稿件 1：outbox/rejected/塔下社区/1_短稿.docx.退回说明.txt（length）" in out
    )
    assert os.environ.get("PREFECT_SERVER_ANALYTICS_ENABLED") == "false"


def test_run_refuses_a_workspace_without_an_inbox(tmp_path, quiet_env, capsys):
    assert run_command(tmp_path / "nowhere") == 2
    assert "draftdesk init" in capsys.readouterr().err


@pytest.mark.integration
def test_run_as_a_new_user_runs_it_prints_no_traceback_and_loses_no_task_run(tmp_path):
    """The real command, its own temporary Prefect server, Prefect's home under the workspace."""
    ws, _ = workspace(tmp_path / "ws")
    for i in range(30):
        drop(ws, f"湖滨社区/{INSTANT}/稿{i}.docx", news_draft(260 + i, photos=1, seed=i))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(DRAFTDESK_NOW=NOW, PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-m", "cli.app", "run", "--workspace", str(ws.root)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "CancelledError" not in done.stderr
    assert "处理 30 件" in done.stdout
    conn = sqlite3.connect(ws.root / ".prefect" / "prefect.db")
    try:
        states = conn.execute("SELECT state_type FROM task_run").fetchall()
        flows = conn.execute("SELECT state_type FROM flow_run").fetchall()
    finally:
        conn.close()
    assert flows == [("COMPLETED",)]
    assert states == [("COMPLETED",)] * 3  # the claim task and two batches of 25 and 5


def test_serve_schedules_the_sweep_every_few_minutes_and_scoring_at_six_on_the_first(tmp_path):
    import datetime as dt

    from flows.serve import deployments

    ws, rb = workspace(tmp_path / "ws")
    by_name = {d.name: d for d in deployments(ws)}
    assert set(by_name) == {"sweep", "monthly-score"}
    sweep_schedule = by_name["sweep"].schedules[0].schedule
    assert sweep_schedule.interval == dt.timedelta(minutes=rb.intake.sweep_minutes)
    cron = by_name["monthly-score"].schedules[0].schedule
    assert (cron.cron, cron.timezone) == ("0 6 1 * *", "Asia/Shanghai")
    assert by_name["monthly-score"].parameters == {"workspace": str(ws.root)}
