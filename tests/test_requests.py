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
# `score --json`'s 约稿 line of 湖滨社区 when it answered the one 约稿 it was sent by the deadline.
HUBIN_ANSWERED_ON_TIME = {"unit": "湖滨社区", "issued": 1, "on_time": 1, "late": 0, "missing": 0}


@pytest.fixture()
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    assert RUNNER.invoke(app, ["init", "--workspace", str(root)]).exit_code == 0
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-10T10:00:00+08:00")
    return root


def invoke(ws: Path, *args: str):
    return RUNNER.invoke(app, [*args, "--workspace", str(ws)])


def issue(ws: Path, units: str = "湖滨社区、建设局"):
    """`request new` of the 约稿 every test here issues: 老旧小区改造, due 2021-03-25, to `units`."""
    return invoke(
        ws, "request", "new", "--topic", "老旧小区改造", "--units", units, "--deadline", "2021-03-25"
    )


def draft(ws: Path, sid: int, unit: str, received: str, name: str = "", ctype: str = "gov_info") -> None:
    """A recorded draft; one whose file name names a 约稿 is linked as the intake links it."""
    from intake.answers import link_due
    from workspace import Workspace

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
    link_due(db, Workspace(ws).rulebook())
    db.close()


def test_the_file_name_tag_is_read_in_its_usual_spellings() -> None:
    assert request_tag("【约稿12】关于老旧小区改造的建议.docx") == 12
    assert request_tag("约稿-3 关于垃圾分类.docx") == 3
    assert request_tag("[约稿７]全角数字.docx") == 7
    assert request_tag("关于约稿工作的建议.docx") is None
    assert request_tag("约稿2021年3月工作.docx") is None


@pytest.mark.integration
def test_new_list_and_close(ws: Path) -> None:
    done = issue(ws, "湖滨社区、建设局，聚新社区")
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
    issue(ws, "湖滨社区、建设局、聚新社区")
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
        ("request_answer", 1, "文件名标注"),  # linked when recorded
        ("request_answer", 2, "办公室指定"),
    ]


def _gov(report: dict, unit: str) -> dict:
    return next(u for u in report["units"] if u["unit"] == unit)["completion"]["gov_info"]


@pytest.mark.integration
def test_a_request_answered_by_its_deadline_counts_toward_the_quota(ws: Path, monkeypatch) -> None:
    issue(ws)
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
    issue(ws)
    draft(ws, 1, "湖滨社区", "2021-03-20T09:00:00+08:00", name="【约稿1】湖滨社区的建议.docx")
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-04-02T10:00:00+08:00")
    done = invoke(ws, "score", "--month", "2021-03")
    assert done.exit_code == 0, done.output
    assert "约稿 1“老旧小区改造”（截止 2021年3月25日）：湖滨社区按时、建设局未报" in done.stdout
    assert "建设局：约稿 1 篇，按时 0 篇，逾期 0 篇，未报 1 篇" in done.stdout
    data = json.loads(invoke(ws, "score", "--month", "2021-03", "--json").stdout)
    assert data["requests"]["units"][0] == HUBIN_ANSWERED_ON_TIME


def _answered_on_intake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A 约稿 to 湖滨社区 and 建设局; 湖滨社区 answers through the inbox on 3月20日 09:00 (its file
    name tagged 【约稿1】); the office closes the 约稿 on 3月22日, before anyone opened a progress
    view, and looks on 4月2日."""
    from intake.pipeline import sweep
    from tests.factory import news_draft
    from tests.intake_support import drop, workspace

    ws, rulebook = workspace(tmp_path / "ws")
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-10T10:00:00+08:00")
    assert issue(ws.root).exit_code == 0
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-20T09:00:00+08:00")
    data = news_draft(700, title="关于老旧小区改造的建议", head=["类别：社情民意类"], lead_date="")
    drop(ws, "湖滨社区/政务信息/【约稿1】关于老旧小区改造的建议.docx", data)
    [outcome] = sweep(ws, rulebook, settled=True).outcomes
    assert (outcome.verdict, outcome.content_type) == ("accepted", "gov_info")
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-22T16:00:00+08:00")
    assert invoke(ws.root, "request", "close", "1", "--reason", "上级已收齐").exit_code == 0
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-04-02T10:00:00+08:00")
    return ws.root


@pytest.mark.integration
def test_an_answer_on_time_counts_when_the_request_was_closed_before_anyone_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rules.periods import Period
    from service.bulletin import gather
    from service.requests import period_progress
    from workspace import Workspace

    root = _answered_on_intake(tmp_path, monkeypatch)
    events = json.loads(invoke(root, "log", "--json").stdout)
    answer = next(e for e in events if e["action"] == "request_answer")
    assert (answer["submission_id"], answer["after"]["how"]) == (1, "文件名标注")
    assert answer["at"].startswith("2021-03-20T09:00:00")  # when the draft came in, not when looked at
    assert "湖滨社区按时、建设局未报" in invoke(root, "score", "--month", "2021-03").stdout
    data = json.loads(invoke(root, "score", "--month", "2021-03", "--json").stdout)
    assert data["requests"]["units"][0] == HUBIN_ANSWERED_ON_TIME
    ws = Workspace(root)
    month = Period(2021, "month", 3)
    assessed = period_progress(ws, month)  # the 考核 page's 约稿 table
    assert [(u.unit, u.on_time, u.missing) for u in assessed.units] == [("湖滨社区", 1, 0), ("建设局", 0, 1)]
    bulletin = gather(ws, ws.rulebook(), month)  # what the 通报 says
    assert [(u.unit, u.state) for u in bulletin.requests[0].units] == [
        ("湖滨社区", "按时"),
        ("建设局", "未报"),
    ]


@pytest.mark.integration
def test_the_clerk_links_an_earlier_draft_to_a_closed_request_only_with_a_reason(
    ws: Path, monkeypatch
) -> None:
    issue(ws)
    draft(ws, 1, "建设局", "2021-03-20T09:00:00+08:00")
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-22T16:00:00+08:00")
    assert invoke(ws, "request", "close", "1").exit_code == 0
    draft(ws, 2, "湖滨社区", "2021-03-23T09:00:00+08:00", name="【约稿1】湖滨社区的建议.docx")
    bare = invoke(ws, "request", "answer", "1", "--draft", "1")
    assert bare.exit_code == 1 and "是结束之前收到的，仍可登记为答复，请写明原因" in bare.stderr
    done = invoke(ws, "request", "answer", "1", "--draft", "1", "--reason", "报送时漏写约稿编号")
    assert done.exit_code == 0 and "稿件 1《建设局的建议》（建设局）答复约稿 1" in done.stdout
    late = invoke(ws, "request", "answer", "1", "--draft", "2", "--reason", "补登")
    assert late.exit_code == 1 and "是结束之后收到的，不再登记为答复" in late.stderr
    events = json.loads(invoke(ws, "log", "--json").stdout)
    answers = [(e["submission_id"], e["reason"]) for e in events if e["action"] == "request_answer"]
    assert answers == [(1, "报送时漏写约稿编号")]  # the tagged draft 2 came after the close: not linked
