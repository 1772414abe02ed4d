"""watch's choice of path, without a server to lose: a server that does not answer sends the
batch down the direct path at once, said once; and the periodic jobs run at their period,
a failing one never stopping the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.watch import FlowOrDirect
from intake.watch_loop import Notice, PeriodicJob, _housekeeping
from ledger import intake as ledger
from ledger.schema import open_ledger
from rules import Rulebook
from tests.factory import news_draft
from tests.intake_support import INSTANT, drop, workspace
from workspace import Workspace

DEAD = "http://127.0.0.1:9/api"  # nothing listens on the discard port

pytestmark = pytest.mark.integration  # a real ledger (SQLite file)


def last_kind(ws: Workspace) -> str:
    db = open_ledger(ws.ledger_path)
    try:
        run = ledger.last_run(db)
    finally:
        db.close()
    assert run is not None
    return str(run["kind"])


def test_a_server_that_stopped_answering_sends_the_batch_down_the_direct_path_said_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, rulebook = workspace(tmp_path / "ws")
    monkeypatch.setenv("PREFECT_API_URL", DEAD)  # a configured server: brought back by asking only
    notices: list[Notice] = []
    intake = FlowOrDirect(ws, rulebook, notices.append)
    intake.api_url = DEAD  # it answered once, and flows ran on it
    drop(ws, f"湖滨社区/{INSTANT}/稿一.docx", news_draft(300, photos=1, seed=61))
    first = intake.sweep([f"湖滨社区/{INSTANT}/稿一.docx"])
    assert intake._reviver is not None
    intake._reviver.join(30)
    drop(ws, f"湖滨社区/{INSTANT}/稿二.docx", news_draft(300, photos=1, seed=62))
    second = intake.sweep([f"湖滨社区/{INSTANT}/稿二.docx"])
    intake.close()

    assert [o.verdict for o in first.outcomes + second.outcomes] == ["accepted", "accepted"]
    assert last_kind(ws) == "sweep"  # filed directly, and the ledger's runs say so
    assert notices == [Notice("lost"), Notice("failed", f"{DEAD} 不响应")]


def test_periodic_jobs_run_when_due_and_a_failing_one_does_not_stop_the_next(tmp_path: Path) -> None:
    ws, rulebook = workspace(tmp_path / "ws")
    ran: list[str] = []

    def broken(_ws: Workspace, _rb: Rulebook) -> None:
        raise OSError("备份盘未挂载")

    jobs = [
        PeriodicJob("broken", lambda rb: 0.0, broken),
        PeriodicJob("backup", lambda rb: 0.0, lambda w, rb: ran.append("backup")),
        PeriodicJob("daily", lambda rb: 86400.0, lambda w, rb: ran.append("daily")),
    ]
    intake = FlowOrDirect(ws, rulebook, lambda notice: None)
    intake.stop.set()  # no server to bring up in this test
    tick = _housekeeping(ws, rulebook, intake, jobs, [float("inf")], lambda: None)
    tick()
    tick()
    assert ran == ["backup", "backup"]  # the daily one is not due; the broken one is logged
