"""The score flow on a real (temporary) Prefect server: workbook written, table artifact published."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from ledger.schema import open_ledger
from tests.ledger_support import record_submission_row

pytestmark = pytest.mark.integration


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    assert CliRunner().invoke(app, ["init", "--workspace", str(root)]).exit_code == 0
    db = open_ledger(root / "outbox" / "ledger.db")
    record_submission_row(
        db,
        unit="湖滨社区",
        content_type="instant",
        title="湖滨社区消防演练",
        received_at="2021-03-03T10:00:00+08:00",
        verdict="accepted",
        counted=1,
    )
    db.close()
    return root


def test_score_flow_writes_the_workbook_and_a_table_artifact(prefect_harness, ws: Path) -> None:
    from prefect.artifacts import Artifact

    from flows.score_flow import score_flow

    path = score_flow(workspace=str(ws), period="2021-03")
    assert Path(path) == ws / "outbox" / "reports" / "2021-03" / "考核结果_2021-03.xlsx"
    assert Path(path).is_file()
    artifact = Artifact.get("score-2021-03")
    assert artifact is not None
    assert artifact.type == "table"
    rows = artifact.data if isinstance(artifact.data, list) else json.loads(artifact.data)
    hubin = next(r for r in rows if r["单位"] == "湖滨社区")
    assert (hubin["即时通讯信息"], hubin["微信原创稿件"], hubin["扣分"]) == ("1/1", "0/1", -0.7)


def test_without_a_period_the_flow_scores_the_previous_month(
    prefect_harness, ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.score_flow import previous_month, score_flow

    assert previous_month(dt.date(2021, 1, 1)).key == "2020-12"
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-04-01T06:00:00+08:00")
    path = score_flow(workspace=str(ws))
    assert Path(path).name == "考核结果_2021-03.xlsx"
