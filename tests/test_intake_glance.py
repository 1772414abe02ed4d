"""Intake at a glance: `status` and the desk's home page show the Prefect server's state and
how (Prefect flow or directly) and when the inbox was last swept, so an outage shows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.app import app
from ledger import intake as ledger
from ledger.schema import open_ledger
from tests.intake_support import workspace
from web.app import create_app

SHANGHAI = dt.timezone(dt.timedelta(hours=8))

pytestmark = pytest.mark.integration  # a real ledger (SQLite file)


def record_run(root: Path, kind: str, at: dt.datetime) -> None:
    db = open_ledger(root / "outbox" / "ledger.db")
    try:
        ledger.start_run(db, kind, at, None)
    finally:
        db.close()


@pytest.fixture()
def swept_directly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A workspace whose server is down and whose last sweep was direct (an outage)."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    ws, rulebook = workspace(tmp_path / "ws")
    record_run(ws.root, "intake", dt.datetime(2021, 3, 12, 14, 0, tzinfo=SHANGHAI))
    record_run(ws.root, "sweep", dt.datetime(2021, 3, 12, 15, 4, 5, tzinfo=SHANGHAI))
    return ws, rulebook


def test_the_home_page_shows_the_server_down_and_the_last_sweep_filed_directly(swept_directly) -> None:
    html = TestClient(create_app(*swept_directly)).get("/").text
    assert '<p class="warning">Prefect 服务未运行：收稿直接处理，台账照常记录。</p>' in html
    assert "最近一次收稿：直接处理，2021年3月12日 15:04" in html


def test_the_home_page_shows_flows_when_the_server_answers(swept_directly) -> None:
    ws, rulebook = swept_directly
    record_run(ws.root, "intake", dt.datetime(2021, 3, 12, 16, 0, tzinfo=SHANGHAI))
    html = TestClient(create_app(ws, rulebook, prefect_url="http://127.0.0.1:4299")).get("/").text
    assert '<p class="hint">Prefect 服务运行中：收稿通过 Prefect 流程处理。</p>' in html
    assert "最近一次收稿：Prefect 流程，2021年3月12日 16:00" in html


def test_status_names_the_kind_and_time_of_the_last_sweep_and_the_server_state(swept_directly) -> None:
    ws, _ = swept_directly
    result = CliRunner().invoke(app, ["status", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    assert "最近一次收稿（直接处理）：2021年3月12日 15:04 开始，未完成" in result.stdout
    assert "Prefect 服务：未运行（watch、serve 会自动启动）" in result.stdout
