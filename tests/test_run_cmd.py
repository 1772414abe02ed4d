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
def quiet_env(monkeypatch, tmp_path, no_prefect_settings):
    """run_command sets Prefect's environment; keep it from leaking into other tests."""
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)


@pytest.mark.integration
def test_run_prints_counts_and_where_the_notes_are(tmp_path, quiet_env, capsys):
    ws, _ = workspace(tmp_path / "ws")
    drop(ws, f"湖滨社区/{INSTANT}/好稿.docx", news_draft(300, photos=1))
    drop(ws, f"塔下社区/{INSTANT}/短稿.docx", news_draft(100, photos=1, seed=5))
    assert run_command(ws.root) == 0
    out = capsys.readouterr().out
    assert "处理 2 件，合格 1 件（其中未计入 0 件），退回 1 件" in out
    assert (
        "稿件 2：outbox/rejected/塔下社区/2_短稿.docx.退回说明.txt（字数）" in out
        or "稿件 1：outbox/rejected/塔下社区/1_短稿.docx.退回说明.txt（字数）" in out
    )
    assert not (ws.root / ".prefect").exists()  # no server up: no Prefect home, no server started


def test_run_refuses_a_workspace_without_an_inbox(tmp_path, quiet_env, capsys):
    import typer

    with pytest.raises(typer.Exit) as refused:
        run_command(tmp_path / "nowhere")
    assert refused.value.exit_code == 2
    assert "draftdesk init" in capsys.readouterr().err


def test_with_no_server_recorded_nor_configured_run_asks_none(tmp_path):
    """No pid file of a workspace server and no $PREFECT_API_URL: no server, found without
    importing `prefect_env` (psutil, urllib and the database template: ~30 ms of each run)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    code = (
        "import sys; from pathlib import Path; from workspace import Workspace; from flows.sweep import server_for_run; "
        "print(server_for_run(Workspace(Path(sys.argv[1]))), *(m in sys.modules for m in ('flows.prefect_env', 'psutil')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["None", "False", "False"]


@pytest.mark.integration
def test_run_with_no_server_up_sweeps_in_process_starts_no_prefect_and_keeps_the_run(tmp_path):
    """The real command on a fresh workspace, no Prefect anywhere: the plain sweep files every
    draft, no Prefect home or server appears, the ledger keeps the run for `status`, and no
    traceback reaches the console."""
    ws, _ = workspace(tmp_path / "ws")
    for i in range(12):
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
    assert "Traceback" not in done.stderr + done.stdout and "CancelledError" not in done.stderr
    assert "未发现运行中的 Prefect 服务，直接处理" in done.stdout
    assert "处理 12 件" in done.stdout
    assert not (ws.root / ".prefect").exists()
    assert "prefect" not in done.stderr.lower()
    conn = sqlite3.connect(ws.ledger_path)
    try:
        runs = conn.execute("SELECT kind, processed, flow_run_id FROM runs").fetchall()
    finally:
        conn.close()
    assert runs == [("sweep", 12, None)]


@pytest.mark.integration
def test_run_with_the_workspace_server_up_runs_the_flow_and_keeps_its_history(
    tmp_path, quiet_env, prefect_harness, capsys, monkeypatch
):
    """A server up (here the test harness, reported as the workspace's): the sweep is the
    intake flow on it, and the ledger's run row names the Prefect flow run."""
    from flows import prefect_env
    from flows.server_record import pid_path

    ws, _ = workspace(tmp_path / "ws")
    drop(ws, f"湖滨社区/{INSTANT}/好稿.docx", news_draft(300, photos=1))
    monkeypatch.setattr(prefect_env, "running_server", lambda _ws: prefect_harness)
    # A server of the workspace is recorded in Prefect's pid file (`run` asks nothing without one).
    recorded = pid_path(ws)
    recorded.parent.mkdir(parents=True, exist_ok=True)
    recorded.write_text("1", encoding="utf-8")
    assert run_command(ws.root) == 0
    out = capsys.readouterr().out
    assert f"Prefect 界面 {prefect_harness.removesuffix('/api')}" in out
    assert "处理 1 件，合格 1 件（其中未计入 0 件），退回 0 件" in out
    conn = sqlite3.connect(ws.ledger_path)
    try:
        runs = conn.execute("SELECT kind, processed, flow_run_id FROM runs").fetchall()
    finally:
        conn.close()
    assert [(kind, n) for kind, n, _ in runs] == [("intake", 1)]
    assert runs[0][2]


@pytest.mark.integration
def test_a_draft_that_fails_is_one_line_on_the_console_never_a_traceback(
    tmp_path, quiet_env, capsys, monkeypatch
):
    """Filing fails (disk full, permissions): the claim is kept for the next sweep and the
    console gets one sentence with the exception, not a traceback."""
    from intake import pipeline

    ws, _ = workspace(tmp_path / "ws")
    drop(ws, f"湖滨社区/{INSTANT}/好稿.docx", news_draft(300, photos=1))

    def broken(*args, **kwargs):
        raise PermissionError("outbox 无写权限")

    monkeypatch.setattr(pipeline, "process_one", broken)
    assert run_command(ws.root) == 1  # the office is told something needs a look
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert "（PermissionError: outbox 无写权限）" in captured.err
    assert "处理出错 1 件" in captured.out and "归档失败（PermissionError）" in captured.out


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


def test_the_summary_names_items_draftdesk_failed_on(tmp_path):
    from cli.run import summary_lines
    from intake.outcome import Outcome, SweepResult
    from workspace import Workspace

    failed = Outcome(
        key="湖滨社区/即时通讯信息/a.docx",
        verdict="rejected",
        note_path="outbox/rejected/湖滨社区/1_a.docx.退回说明.txt",
        message="内部错误 UnicodeEncodeError",
        failed=True,
    )
    lines = summary_lines(Workspace(tmp_path), SweepResult(outcomes=[failed]))
    assert any(line.startswith("处理出错 1 件") for line in lines)
    assert "  outbox/rejected/湖滨社区/1_a.docx.退回说明.txt（内部错误 UnicodeEncodeError）" in lines


def test_the_summary_promises_no_notice_for_a_draft_waiting_for_adoption(tmp_path):
    # A 学习强国 draft is registered and waits for adoption: no .未计入.txt lies beside it.
    from cli.run import summary_lines
    from intake.outcome import Outcome, SweepResult
    from workspace import Workspace

    waiting = Outcome(
        key="湖滨社区/学习强国/加装电梯",
        verdict="accepted",
        submission_id=5,
        stored_path="outbox/accepted/2021-03/湖滨社区/5_加装电梯",
        counted=False,
        credit_text="暂不计入：学习强国按录用篇数计入，录用后自动计入",
    )
    lines = summary_lines(Workspace(tmp_path), SweepResult(outcomes=[waiting]))
    assert (
        "已登记、暂不计入或不计入完成数的稿件（括号内为原因；有不计入说明的，列出原稿旁的 .未计入.txt）："
        in lines
    )
    assert (
        "  稿件 5（暂不计入：学习强国按录用篇数计入，录用后自动计入）：outbox/accepted/2021-03/湖滨社区/5_加装电梯"
        in lines
    )
    assert not any("不计入说明 .未计入.txt 在原稿旁" in line for line in lines)


def test_the_summary_names_a_rejected_officer_form_as_one_with_its_reason(tmp_path):
    from cli.run import summary_lines
    from intake.outcome import Outcome, SweepResult
    from workspace import Workspace

    form = Outcome(
        key="湖滨社区/信息员/信息员推荐表.docx",
        verdict="rejected",
        note_path="outbox/rejected/湖滨社区/信息员推荐表.docx.退回说明.txt",
        rules=("format",),
        message="推荐表缺少“通讯员姓名”列。",
        officer_form=True,
    )
    lines = summary_lines(Workspace(tmp_path), SweepResult(outcomes=[form]))
    assert (
        "  信息员推荐表：outbox/rejected/湖滨社区/信息员推荐表.docx.退回说明.txt（推荐表缺少“通讯员姓名”列）"
        in lines
    )
    assert not any("None" in line or "文件格式" in line for line in lines)


def test_watch_names_a_rejected_officer_forms_own_reason(tmp_path):
    import io

    from cli.console import Console
    from cli.watch import report
    from intake.outcome import Outcome, SweepResult
    from rules import load_rulebook

    form = Outcome(
        key="湖滨社区/信息员/信息员推荐表.docx",
        verdict="rejected",
        unit="湖滨社区",
        note_path="outbox/rejected/湖滨社区/信息员推荐表.docx.退回说明.txt",
        rules=("format",),
        message="推荐表缺少“通讯员姓名”列。",
        officer_form=True,
    )
    out = io.StringIO()
    report(Console(out, io.StringIO(), tmp_path / "log"), SweepResult(outcomes=[form]), load_rulebook())
    assert "（推荐表缺少“通讯员姓名”列）退回说明：" in out.getvalue()
    assert "文件格式" not in out.getvalue()
