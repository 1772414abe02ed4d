"""`draftdesk score` end to end: a hand-worked first quarter in a real ledger, through the real CLI.

湖滨社区 (a community) in 2021 Q1, computed by hand from the seed:
- instant: January 1, February 0 (its only draft came late), March 1 → 2 of 3, one missing: −0.1
- wechat: 1 of 1 (an announcement in March is accepted but not counted)
- xuexi: 2 adopted, quota 1 → one extra: +0.5; a media lead marked 0.4: +0.4 → bonus 0.9
- gov_info: assigned 1 for March, sent 1 → 1 of 1
- points: −0.1 + 0.9 = +0.8
- fees: instant 20 (武进日报 10 then 常州日报 20: paid once, at 20); xuexi 200 + 300; wechat 35;
  announcement 20 (the minimum, whatever the office typed); gov_info 区两办 30 → 605 元
办公室 (a bureau): instants 3 + 3 + 2 of 9 → one missing; wechat 2 of 2; no points.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.app import app
from ledger.schema import open_ledger
from tests.ledger_support import add_finding_row, record_submission_row

RUNNER = CliRunner()


def _sub(db, unit: str, ctype: str, received: str, **fields) -> int:
    row = {
        "unit": unit,
        "content_type": ctype,
        "title": f"{unit}{ctype}{received}",
        "officer": "",
        "received_at": f"{received}+08:00",
        "verdict": "accepted",
        "counted": 1,
        "is_announcement": 0,
    }
    row.update(fields)
    return record_submission_row(db, **row)


@pytest.fixture()
def quarter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, int]]:
    ws = tmp_path / "ws"
    assert RUNNER.invoke(app, ["init", "--workspace", str(ws)]).exit_code == 0
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-04-01T06:00:00+08:00")
    db = open_ledger(ws / "outbox" / "ledger.db")
    ids = {
        "instant_jan": _sub(db, "湖滨社区", "instant", "2021-01-12T10:00:00", officer="张三"),
        "instant_late": _sub(
            db,
            "湖滨社区",
            "instant",
            "2021-02-10T10:00:00",
            counted=0,
            event_deadline="2021-02-09T12:00:00+08:00",
        ),
        "instant_mar": _sub(db, "湖滨社区", "instant", "2021-03-03T10:00:00", officer="张三"),
        "wechat": _sub(db, "湖滨社区", "wechat", "2021-02-20T10:00:00", officer="李四"),
        "notice": _sub(db, "湖滨社区", "wechat", "2021-03-01T10:00:00", counted=0, is_announcement=1),
        "xuexi_a": _sub(db, "湖滨社区", "xuexi", "2021-02-01T10:00:00", officer="张三"),
        "xuexi_b": _sub(db, "湖滨社区", "xuexi", "2021-02-15T10:00:00", officer="张三"),
        "media": _sub(db, "湖滨社区", "media", "2021-03-05T10:00:00"),
        "gov": _sub(db, "湖滨社区", "gov_info", "2021-03-20T10:00:00", category="社情民意类"),
        "short": _sub(db, "办公室", "instant", "2021-03-05T10:00:00", verdict="rejected", counted=0),
    }
    add_finding_row(db, ids["short"], "length", "error", "正文字数 187 字，要求 200–500 字")
    add_finding_row(
        db,
        ids["instant_late"],
        "timeliness",
        "warning",
        "即 2021年2月9日 12:00 前；实际收稿 2021年2月10日 10:00，已超时。",
    )
    for month, count in (("01", 3), ("02", 3), ("03", 2)):
        for day in range(1, count + 1):
            _sub(db, "办公室", "instant", f"2021-{month}-{day:02d}T09:00:00")
    _sub(db, "办公室", "wechat", "2021-01-20T09:00:00")
    _sub(db, "办公室", "wechat", "2021-03-20T09:00:00")
    db.close()
    steps = [
        ["adopt", str(ids["instant_jan"]), "--outlet", "武进日报", "--date", "2021-01-13"],
        ["adopt", str(ids["instant_jan"]), "--outlet", "常州日报", "--date", "2021-02-02"],
        ["adopt", str(ids["xuexi_a"]), "--outlet", "学习强国(省级)", "--date", "2021-03-10"],
        ["adopt", str(ids["xuexi_b"]), "--outlet", "学习强国(国家级)", "--date", "2021-03-20"],
        ["adopt", str(ids["wechat"]), "--outlet", "常州西湖街道", "--fee", "35", "--date", "2021-02-22"],
        ["adopt", str(ids["notice"]), "--outlet", "常州西湖街道", "--fee", "45", "--date", "2021-03-02"],
        ["adopt", str(ids["media"]), "--outlet", "武进日报", "--bonus", "0.4", "--date", "2021-03-15"],
        ["adopt", str(ids["gov"]), "--outlet", "区两办", "--date", "2021-03-25"],
        ["assign", "--month", "2021-03", "--unit", "湖滨社区", "--count", "1"],
    ]
    for step in steps:
        result = RUNNER.invoke(app, [*step, "--workspace", str(ws)])
        assert result.exit_code == 0, result.output
    return ws, ids


def score(ws: Path, *args: str) -> dict:
    result = RUNNER.invoke(app, ["score", *args, "--json", "--workspace", str(ws)])
    assert result.exit_code == 0, result.stderr
    assert "报表已写入" in result.stderr
    return json.loads(result.stdout)


@pytest.mark.integration
def test_quarter_json_is_what_the_office_computes_by_hand(quarter) -> None:
    ws, _ = quarter
    data = score(ws, "--quarter", "2021Q1")
    assert data["period"] == "2021Q1"
    units = {u["unit"]: u for u in data["units"]}
    hubin = units["湖滨社区"]
    assert hubin["kind"] == "community"
    assert {k: (v["quota"], v["counted"], v["missing"]) for k, v in hubin["completion"].items()} == {
        "instant": (3, 2, 1),
        "wechat": (1, 1, 0),
        "xuexi": (1, 2, 0),
        "gov_info": (1, 1, 0),
    }
    assert (hubin["points"]["deductions"], hubin["points"]["bonus"], hubin["points"]["total"]) == (
        -0.1,
        0.9,
        0.8,
    )
    assert hubin["fees"] == 605
    office = units["办公室"]
    assert {k: (v["quota"], v["counted"], v["missing"]) for k, v in office["completion"].items()} == {
        "instant": (9, 8, 1),
        "wechat": (2, 2, 0),
    }
    assert office["points"] == {**office["points"], "deductions": 0, "bonus": 0, "total": 0, "applies": False}
    assert data["fees_total"] == 605


@pytest.mark.integration
def test_json_has_the_spec_keys_for_every_unit(quarter) -> None:
    ws, _ = quarter
    data = score(ws, "--month", "2021-02")
    assert {"period", "units", "officers"} <= set(data)
    assert len(data["units"]) == 23
    for unit in data["units"]:
        assert {"unit", "kind", "completion", "points", "fees"} <= set(unit)
        assert {"deductions", "bonus", "total"} <= set(unit["points"])
        for done in unit["completion"].values():
            assert {"quota", "counted", "missing"} <= set(done)
    # February closes no quarter: only the monthly types are judged; the quarter's so far is shown.
    hubin = next(u for u in data["units"] if u["unit"] == "湖滨社区")
    assert set(hubin["completion"]) == {"instant"}
    assert hubin["in_progress"] == {
        "wechat": {"period": "2021Q1", "quota": 1, "counted": 1},
        "xuexi": {"period": "2021Q1", "quota": 1, "counted": 0},
    }


@pytest.mark.integration
def test_monthly_fees_add_up_to_the_quarter(quarter) -> None:
    ws, _ = quarter
    months = [score(ws, "--month", f"2021-0{m}")["fees_total"] for m in (1, 2, 3)]
    assert months == [10, 45, 550]  # January 10; February +10 top-up and 35; March the rest
    assert sum(months) == score(ws, "--quarter", "2021Q1")["fees_total"]


@pytest.mark.integration
def test_officers_are_credited_by_byline(quarter) -> None:
    ws, _ = quarter
    officers = {o["name"]: o for o in score(ws, "--year", "2021")["officers"]}
    assert (officers["张三"]["adopted"], officers["张三"]["rank"], officers["张三"]["award"]) == (3, 1, 300)
    assert officers["李四"]["adopted"] == 1


@pytest.mark.integration
def test_year_report_awards_the_top_unit(quarter) -> None:
    ws, _ = quarter
    units = {u["unit"]: u for u in score(ws, "--year", "2021")["units"]}
    # 湖滨社区: 8 adoptions of 7 pieces; the instant adopted twice is one piece, the announcement none.
    assert (units["湖滨社区"]["adopted"], units["湖滨社区"]["rank"], units["湖滨社区"]["award"]) == (
        6,
        1,
        500,
    )
    assert units["办公室"]["award"] == 0


@pytest.mark.integration
def test_the_year_table_proposes_a_ranked_list_with_its_figures(quarter) -> None:
    ws, _ = quarter
    result = RUNNER.invoke(app, ["score", "--year", "2021", "--workspace", str(ws)])
    assert result.exit_code == 0, result.output
    assert "先进评选推荐名单（按全年录用排名，供研究决定" in result.stdout
    assert "先进单位（建议）：" in result.stdout
    assert "第1名 湖滨社区：录用" in result.stdout
    assert "建议奖励 500 元" in result.stdout
    assert "先进单位：" not in result.stdout


@pytest.mark.integration
def test_table_output_and_workbook_path(quarter) -> None:
    ws, _ = quarter
    result = RUNNER.invoke(app, ["score", "--quarter", "2021Q1", "--workspace", str(ws)])
    assert result.exit_code == 0, result.output
    assert "湖滨社区" in result.stdout
    assert "2/3" in result.stdout
    path = ws / "outbox" / "reports" / "2021Q1" / "考核结果_2021Q1.xlsx"
    assert f"报表已写入：{path}" in result.stdout
    book = load_workbook(path)
    assert book.sheetnames == ["完成情况", "考核加减分", "稿酬发放", "退稿情况", "未计入稿件", "说明"]
    # 未计入: the late instant of 2021-02-10 and the 通知 of 2021-03-01, both 合格 and registered.
    late = book["未计入稿件"]
    assert [[c.value for c in row] for row in late.iter_rows(min_row=3)] == [
        [
            1,
            2,
            "湖滨社区",
            "即时通讯信息",
            "湖滨社区instant2021-02-10T10:00:00",
            "2021年2月10日 10:00",
            "即 2021年2月9日 12:00 前；实际收稿 2021年2月10日 10:00，已超时。",
        ],
        [
            2,
            5,
            "湖滨社区",
            "微信原创稿件",
            "湖滨社区wechat2021-03-01T10:00:00",
            "2021年3月1日 10:00",
            "不计入本季度完成数：通知公告类稿件不纳入考核（稿酬按最低标准）",  # the credit's words
        ],
    ]
    rejected = book["退稿情况"]
    assert [c.value for c in rejected[3]][2:] == [
        "办公室",
        "即时通讯信息",
        "办公室instant2021-03-05T10:00:00",
        "2021年3月5日 10:00",
        "正文字数 187 字，要求 200–500 字",
    ]


@pytest.mark.integration
def test_a_rerun_keeps_the_earlier_workbook_time_stamped(quarter) -> None:
    import os

    ws, _ = quarter
    path = ws / "outbox" / "reports" / "2021Q1" / "考核结果_2021Q1.xlsx"
    assert RUNNER.invoke(app, ["score", "--quarter", "2021Q1", "--workspace", str(ws)]).exit_code == 0
    first = path.read_bytes()
    # The first run's file was written 2021-04-01 09:30 office time (01:30 UTC).
    os.utime(path, (1617240600, 1617240600))
    again = RUNNER.invoke(app, ["score", "--quarter", "2021Q1", "--workspace", str(ws)])
    assert again.exit_code == 0, again.output
    kept = path.with_name("考核结果_2021Q1_20210401-093000.xlsx")
    assert kept.read_bytes() == first
    assert path.exists()
    assert (
        "此前的 1 份同期报表已按生成时间保留，最近一份：考核结果_2021Q1_20210401-093000.xlsx" in again.stdout
    )


@pytest.mark.integration
@pytest.mark.parametrize(
    "args",
    [[], ["--month", "2021-03", "--year", "2021"], ["--month", "2021Q1"], ["--quarter", "2021-03"]],
    ids=["none", "two", "month-as-quarter", "quarter-as-month"],
)
def test_a_bad_period_choice_is_refused(quarter, args: list[str]) -> None:
    ws, _ = quarter
    result = RUNNER.invoke(app, ["score", *args, "--workspace", str(ws)])
    assert result.exit_code == 1
    assert "期间" in result.stderr or "不是" in result.stderr


@pytest.mark.integration
def test_no_period_asks_for_one_and_two_periods_are_named(quarter) -> None:
    ws, _ = quarter
    none = RUNNER.invoke(app, ["score", "--workspace", str(ws)])
    assert none.exit_code == 1
    assert none.stderr.startswith("请指定要考核的期间：--month 2021-03、--quarter 2021Q1 或 --year 2021")
    two = RUNNER.invoke(app, ["score", "--month", "2021-03", "--year", "2021", "--workspace", str(ws)])
    assert two.exit_code == 1
    assert two.stderr.startswith("只能指定一个期间，却同时给了 --month、--year")


def test_score_command_does_not_import_prefect() -> None:
    import subprocess
    import sys

    code = "import sys, cli.score, cli.office; print('prefect' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "args",
    [
        ["score", "--month", "2021-03"],
        ["adopt", "1", "--outlet", "武进日报"],
        ["assign", "--month", "2021-03", "--unit", "湖滨社区", "--count", "1"],
    ],
    ids=["score", "adopt", "assign"],
)
def test_commands_outside_a_workspace_say_to_run_init_and_create_nothing(
    tmp_path: Path, args: list[str]
) -> None:
    empty = tmp_path / "not-a-workspace"
    empty.mkdir()
    result = RUNNER.invoke(app, [*args, "--workspace", str(empty)])
    assert result.exit_code == 2
    assert "请先运行 draftdesk init" in result.stderr
    assert list(empty.iterdir()) == []


@pytest.mark.integration
def test_scoring_a_period_that_has_not_ended_warns(quarter) -> None:
    ws, _ = quarter  # DRAFTDESK_NOW is 2021-04-01
    early = RUNNER.invoke(app, ["score", "--year", "2021", "--json", "--workspace", str(ws)])
    assert early.exit_code == 0
    assert "注意：2021年度尚未结束（今天 2021年4月1日）" in early.stderr
    json.loads(early.stdout)  # stdout stays pure JSON
    closed = RUNNER.invoke(app, ["score", "--quarter", "2021Q1", "--json", "--workspace", str(ws)])
    assert "尚未结束" not in closed.stderr
