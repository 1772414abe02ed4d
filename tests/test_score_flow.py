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


def test_the_flow_scores_a_period_by_its_own_years_rulebook_as_score_does(
    prefect_harness, ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once `rules new 2022` exists and 2022 deducts more, the flow still scores March 2021 by
    2021's rules — the figures `score --json` gives — not by the latest year's."""
    from flows.score_flow import score_flow

    assert CliRunner().invoke(app, ["rules", "new", "2022", "--workspace", str(ws)]).exit_code == 0
    newer = ws / "rules" / "2022.toml"
    text = newer.read_text(encoding="utf-8")
    assert "instant = -0.1, wechat = -0.2" in text
    newer.write_text(text.replace("instant = -0.1, wechat = -0.2", "instant = -0.3, wechat = -0.4"), "utf-8")
    monkeypatch.setenv("DRAFTDESK_NOW", "2022-01-01T06:00:00+08:00")

    score_flow.fn(workspace=str(ws), period="2021-03")
    from prefect.artifacts import Artifact

    artifact = Artifact.get("score-2021-03")
    assert artifact is not None
    rows = artifact.data if isinstance(artifact.data, list) else json.loads(artifact.data)
    by_flow = next(r for r in rows if r["单位"] == "湖滨社区")
    result = CliRunner().invoke(app, ["score", "--month", "2021-03", "--json", "--workspace", str(ws)])
    assert result.exit_code == 0, result.output
    by_score = next(u for u in json.loads(result.stdout)["units"] if u["unit"] == "湖滨社区")
    assert by_score["points"]["deductions"] == -0.7  # 2021's rates: one wechat −0.2, one xuexi −0.5
    assert by_flow["扣分"] == by_score["points"]["deductions"]
