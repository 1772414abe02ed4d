"""约稿 as tasks through the real CLI on a real ledger: issue, list, answer (by file name and
by the clerk), close, and the 考核 that counts a 约稿 answered by its deadline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checks.request_tag import request_tag
from cli.app import app
from ledger.schema import open_ledger
from tests.ledger_support import record_submission_row

RUNNER = CliRunner()


@pytest.fixture()
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    assert RUNNER.invoke(app, ["init", "--workspace", str(root)]).exit_code == 0
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-10T10:00:00+08:00")
    return root


def invoke(ws: Path, *args: str):
    return RUNNER.invoke(app, [*args, "--workspace", str(ws)])


def draft(ws: Path, sid: int, unit: str, received: str, name: str = "", ctype: str = "gov_info") -> None:
    db = open_ledger(ws / "outbox" / "ledger.db")
    record_submission_row(
        db,
        id=sid,
        unit=unit,
        content_type=ctype,
        title=f"{unit}的建议",
        original_name=name or f"{unit}的建议.docx",
        received_at=received,
        verdict="accepted",
        counted=1,
    )
    db.close()


def test_the_file_name_tag_is_read_in_its_usual_spellings() -> None:
    assert request_tag("【约稿12】关于老旧小区改造的建议.docx") == 12
    assert request_tag("约稿-3 关于垃圾分类.docx") == 3
    assert request_tag("[约稿７]全角数字.docx") == 7
    assert request_tag("关于约稿工作的建议.docx") is None
    assert request_tag("约稿2021年3月工作.docx") is None


@pytest.mark.integration
def test_new_list_and_close(ws: Path) -> None:
    done = invoke(
        ws,
        "request",
        "new",
        "--topic",
        "老旧小区改造",
        "--units",
        "湖滨社区、建设局，聚新社区",
        "--deadline",
        "2021-03-25",
    )
    assert done.exit_code == 0, done.output
    assert "已发出约稿 1：“老旧小区改造”，发给 湖滨社区、建设局、聚新社区，截止 2021年3月25日" in done.stdout
    listed = invoke(ws, "request", "list")
    assert "约稿 1“老旧小区改造”，截止 2021年3月25日，进行中，按时答复 0/3 个单位" in listed.stdout
    assert "  建设局：未到期" in listed.stdout
    closed = invoke(ws, "request", "close", "1", "--reason", "上级取消")
    assert closed.exit_code == 0 and "已结束约稿 1" in closed.stdout
    assert "已结束" in invoke(ws, "request", "list").stdout
    again = invoke(ws, "request", "close", "1")
    assert again.exit_code == 1 and "已经结束" in again.stderr
    actions = [e["action"] for e in json.loads(invoke(ws, "log", "--json").stdout)]
    assert actions == ["request_new", "request_close"]


@pytest.mark.integration
def test_a_bad_request_names_every_problem(ws: Path) -> None:
    done = invoke(ws, "request", "new", "--topic", " ", "--units", "火星社区", "--deadline", "2021-02-30")
    assert done.exit_code == 1
    assert "请写明约稿主题" in done.stderr
    assert "单位“火星社区”不在规则文件中" in done.stderr
    assert "截止日期“2021-02-30”无法识别" in done.stderr
    missing = invoke(ws, "request", "close", "9")
    assert missing.exit_code == 1 and "约稿编号 9 不存在" in missing.stderr


@pytest.mark.integration
def test_answers_by_file_name_and_by_the_clerk(ws: Path) -> None:
    invoke(
        ws,
        "request",
        "new",
        "--topic",
        "老旧小区改造",
        "--units",
        "湖滨社区、建设局、聚新社区",
        "--deadline",
        "2021-03-25",
    )
    draft(ws, 1, "湖滨社区", "2021-03-20T09:00:00+08:00", name="【约稿1】湖滨社区的建议.docx")
    draft(ws, 2, "建设局", "2021-03-28T09:00:00+08:00")
    draft(ws, 3, "湖滨社区", "2021-03-20T09:00:00+08:00", ctype="instant")
    wrong = invoke(ws, "request", "answer", "1", "--draft", "3")
    assert wrong.exit_code == 1 and "不是党委政务信息" in wrong.stderr
    picked = invoke(ws, "request", "answer", "1", "--draft", "2")
    assert picked.exit_code == 0 and "稿件 2《建设局的建议》（建设局）答复约稿 1" in picked.stdout
    listed = invoke(ws, "request", "list", "--year", "2021")
    assert "按时答复 1/3 个单位" in listed.stdout
    assert "  湖滨社区：按时（稿件 1）" in listed.stdout
    assert "  建设局：逾期（稿件 2）" in listed.stdout
    assert "  聚新社区：未到期" in listed.stdout
    events = json.loads(invoke(ws, "log", "--json").stdout)
    assert [(e["action"], e["submission_id"], e["after"]["how"]) for e in events[1:]] == [
        ("request_answer", 2, "办公室指定"),
        ("request_answer", 1, "文件名标注"),
    ]


def _gov(report: dict, unit: str) -> dict:
    return next(u for u in report["units"] if u["unit"] == unit)["completion"]["gov_info"]


@pytest.mark.integration
def test_a_request_answered_by_its_deadline_counts_toward_the_quota(ws: Path, monkeypatch) -> None:
    invoke(
        ws,
        "request",
        "new",
        "--topic",
        "老旧小区改造",
        "--units",
        "湖滨社区、建设局",
        "--deadline",
        "2021-03-25",
    )
    assert invoke(ws, "assign", "--month", "2021-03", "--unit", "聚新社区", "--count", "2").exit_code == 0
    draft(ws, 1, "湖滨社区", "2021-03-20T09:00:00+08:00", name="约稿-1 湖滨社区的建议.docx")
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-04-02T10:00:00+08:00")
    done = invoke(ws, "score", "--month", "2021-03", "--json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert (_gov(report, "湖滨社区")["quota"], _gov(report, "湖滨社区")["counted"]) == (1, 1)
    assert (_gov(report, "建设局")["quota"], _gov(report, "建设局")["counted"]) == (1, 0)
    assert _gov(report, "聚新社区")["quota"] == 2  # offices that only count keep assign
    assert invoke(ws, "assign", "--month", "2021-03", "--unit", "湖滨社区", "--count", "3").exit_code == 0
    report = json.loads(invoke(ws, "score", "--month", "2021-03", "--json").stdout)
    assert _gov(report, "湖滨社区")["quota"] == 3  # the larger of the count and the 约稿 issued
    listed = invoke(ws, "request", "list", "--year", "2021").stdout
    assert "  湖滨社区：按时（稿件 1）" in listed and "  建设局：未报" in listed


@pytest.mark.integration
def test_score_shows_how_each_request_was_answered_per_request_and_per_unit(ws: Path, monkeypatch) -> None:
    invoke(
        ws,
        "request",
        "new",
        "--topic",
        "老旧小区改造",
        "--units",
        "湖滨社区、建设局",
        "--deadline",
        "2021-03-25",
    )
    draft(ws, 1, "湖滨社区", "2021-03-20T09:00:00+08:00", name="【约稿1】湖滨社区的建议.docx")
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-04-02T10:00:00+08:00")
    done = invoke(ws, "score", "--month", "2021-03")
    assert done.exit_code == 0, done.output
    assert "约稿 1“老旧小区改造”（截止 2021年3月25日）：湖滨社区按时、建设局未报" in done.stdout
    assert "建设局：约稿 1 篇，按时 0 篇，逾期 0 篇，未报 1 篇" in done.stdout
    data = json.loads(invoke(ws, "score", "--month", "2021-03", "--json").stdout)
    assert data["requests"]["units"][0] == {
        "unit": "湖滨社区",
        "issued": 1,
        "on_time": 1,
        "late": 0,
        "missing": 0,
    }
