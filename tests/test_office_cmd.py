"""`draftdesk adopt` and `draftdesk assign` through the real CLI on a real ledger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.app import app
from ledger.schema import open_ledger
from tests.ledger_support import record_submission_row

pytestmark = pytest.mark.integration

RUNNER = CliRunner()


@pytest.fixture()
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    assert RUNNER.invoke(app, ["init", "--workspace", str(root)]).exit_code == 0
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-20T10:00:00+08:00")
    db = open_ledger(root / "outbox" / "ledger.db")
    for sid, unit, ctype, title in [
        (1, "湖滨社区", "instant", "湖滨社区开展消防演练"),
        (2, "湖滨社区", "wechat", "湖滨社区邻里节"),
        (3, "建设局", "gov_info", "关于老旧小区改造的建议"),
    ]:
        record_submission_row(
            db,
            id=sid,
            unit=unit,
            content_type=ctype,
            title=title,
            officer="张三",
            received_at="2021-03-10T09:00:00+08:00",
            verdict="accepted",
            counted=1,
        )
    db.close()
    return root


def adoptions(ws: Path) -> list[dict]:
    db = open_ledger(ws / "outbox" / "ledger.db")
    rows = list(
        db.query("SELECT submission_id, outlet, level, adopted_on, fee, bonus FROM adoptions ORDER BY id")
    )
    db.close()
    return rows


def invoke(ws: Path, *args: str):
    return RUNNER.invoke(app, [*args, "--workspace", str(ws)])


def test_adopt_by_id_records_the_outlet_level_and_says_the_fee(ws: Path) -> None:
    result = invoke(ws, "adopt", "1", "--outlet", "新华日报", "--date", "2021-03-12")
    assert result.exit_code == 0, result.output
    assert "稿件 1《湖滨社区开展消防演练》" in result.stdout
    assert "新华日报（省级），2021年3月12日，稿酬 50 元" in result.stdout
    assert adoptions(ws) == [
        {
            "submission_id": 1,
            "outlet": "新华日报",
            "level": "province",
            "adopted_on": "2021-03-12",
            "fee": None,
            "bonus": None,
        }
    ]


def test_adopt_date_defaults_to_today_in_office_time(ws: Path) -> None:
    assert invoke(ws, "adopt", "2", "--outlet", "常州西湖街道", "--fee", "40").exit_code == 0
    assert adoptions(ws)[0]["adopted_on"] == "2021-03-20"
    assert adoptions(ws)[0]["fee"] == 40


def test_unknown_outlet_lists_the_known_ones_and_writes_nothing(ws: Path) -> None:
    result = invoke(ws, "adopt", "1", "--outlet", "新华日版")
    assert result.exit_code == 1
    assert "录用媒体“新华日版”不在规则文件的媒体名单中" in result.stderr
    assert "可用的录用媒体：人民日报、科技日报" in result.stderr
    assert adoptions(ws) == []


def test_unknown_id_is_refused(ws: Path) -> None:
    result = invoke(ws, "adopt", "99", "--outlet", "武进日报")
    assert result.exit_code == 1
    assert result.stderr == "本次录用有 1 处问题，未登记任何录用：\n  命令行：稿件编号 99 不存在\n"
    assert "可用的录用媒体" not in result.stderr  # the outlet list only when an outlet is wrong
    assert adoptions(ws) == []


def test_wechat_fee_outside_the_range_is_clamped_with_a_note(ws: Path) -> None:
    result = invoke(ws, "adopt", "2", "--outlet", "常州西湖街道", "--fee", "80")
    assert result.exit_code == 0
    assert "稿酬 50 元" in result.stdout
    assert "公众号稿酬按 50 元计" in result.stdout


def _sheet(path: Path, rows: list[list]) -> Path:
    book = load_workbook(path)
    sheet = book["录用登记"]
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)
    out = path.with_name("录用登记_3月.xlsx")
    book.save(out)
    return out


def test_init_writes_a_template_the_import_reads(ws: Path) -> None:
    template = ws / "outbox" / "reports" / "录用登记模板.xlsx"
    sheet = load_workbook(template)["录用登记"]
    assert [c.value for c in sheet[1]] == ["稿件编号", "录用媒体", "录用日期", "稿酬", "加分"]
    filled = _sheet(
        template,
        [
            [1, "武进日报", dt.datetime(2021, 3, 11), None, 0.4],
            [3, "区两办", "2021/3/15", 30, None],
            [2, "常州西湖街道", "2021-03-16", 45, None],
        ],
    )
    result = invoke(ws, "adopt", "--from", str(filled))
    assert result.exit_code == 0, result.output
    assert result.stdout.count("已登记录用") == 3
    assert [(a["submission_id"], a["level"], a["adopted_on"]) for a in adoptions(ws)] == [
        (1, "district", "2021-03-11"),
        (3, "district_office", "2021-03-15"),
        (2, "wechat", "2021-03-16"),
    ]
    # Importing the same sheet again changes nothing, and says so for every row.
    again = invoke(ws, "adopt", "--from", str(filled))
    assert again.exit_code == 0
    assert again.stdout.count("这条录用已经登记过，内容相同，未作任何改动") == 3
    assert "已登记录用" not in again.stdout
    assert len(adoptions(ws)) == 3


def test_a_bad_row_stops_the_whole_sheet_and_names_every_row(ws: Path) -> None:
    template = ws / "outbox" / "reports" / "录用登记模板.xlsx"
    filled = _sheet(
        template,
        [
            [1, "武进日报", "2021-03-11", None, None],
            [2, "微信公号", "2021-03-12", None, None],
            [77, "人民日报", "3月13日", "很多", None],
        ],
    )
    result = invoke(ws, "adopt", "--from", str(filled))
    assert result.exit_code == 1
    assert "有 2 处问题，未登记任何录用" in result.stderr
    assert "第3行：录用媒体“微信公号”不在规则文件的媒体名单中" in result.stderr
    assert (
        "第4行：稿件编号 77 不存在；录用日期“3月13日”无法识别，请写成 2021-03-05；稿酬“很多”不是数字"
        in result.stderr
    )
    assert "可用的录用媒体" in result.stderr
    assert adoptions(ws) == []


def test_a_file_that_is_not_a_sheet_is_refused(ws: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "录用.xlsx"
    bogus.write_bytes(b"not a workbook")
    result = invoke(ws, "adopt", "--from", str(bogus))
    assert result.exit_code == 1
    assert "无法打开录用登记表" in result.stderr


def assignments(ws: Path) -> list[tuple]:
    db = open_ledger(ws / "outbox" / "ledger.db")
    rows = [(r["month"], r["unit"], r["count"]) for r in db.query("SELECT * FROM assignments ORDER BY id")]
    db.close()
    return rows


def test_assign_accepts_an_alias_and_replaces_on_reentry(ws: Path) -> None:
    result = invoke(ws, "assign", "--month", "2021-03", "--unit", "湖滨", "--count", "1")
    assert result.exit_code == 0
    assert "已登记 2021年3月 党委政务信息约稿：湖滨社区 1 篇" in result.stdout
    assert invoke(ws, "assign", "--month", "2021-3", "--unit", "湖滨社区", "--count", "2").exit_code == 0
    assert assignments(ws) == [("2021-03", "湖滨社区", 2)]


@pytest.mark.parametrize(
    ("month", "unit", "count", "message"),
    [
        ("2021Q1", "湖滨社区", "1", "--month “2021Q1”无法识别，请写成 2021-03 这样的月份。"),
        ("2021-13", "湖滨社区", "1", "--month “2021-13”无法识别"),
        ("2021-03", "西湖社区", "1", "单位“西湖社区”不在规则文件中"),
        ("2021-03", "湖滨社区", "-1", "--count “-1”不能为负数。"),
    ],
    ids=["quarter", "month-13", "unknown-unit", "negative"],
)
def test_assign_refuses_bad_input(ws: Path, month: str, unit: str, count: str, message: str) -> None:
    result = invoke(ws, "assign", "--month", month, "--unit", unit, "--count", count)
    assert result.exit_code == 1
    assert message in result.stderr
    assert assignments(ws) == []


def test_adopting_a_rejected_draft_is_refused_and_an_announcement_says_so(ws: Path) -> None:
    db = open_ledger(ws / "outbox" / "ledger.db")
    record_submission_row(
        db,
        id=4,
        unit="湖滨社区",
        content_type="instant",
        title="退稿",
        verdict="rejected",
        counted=0,
        received_at="2021-03-10T09:00:00+08:00",
    )
    record_submission_row(
        db,
        id=5,
        unit="湖滨社区",
        content_type="wechat",
        title="停水通知",
        verdict="accepted",
        counted=0,
        is_announcement=1,
        received_at="2021-03-10T09:00:00+08:00",
    )
    db.close()
    rejected = invoke(ws, "adopt", "4", "--outlet", "武进日报")
    assert rejected.exit_code == 1
    assert "稿件 4 已退回，不能登记录用，请先由办公室核定为合格（写明理由）再登记" in rejected.stderr
    notice = invoke(ws, "adopt", "5", "--outlet", "常州西湖街道", "--fee", "45")
    assert "稿酬 20 元" in notice.stdout
    assert "公告通知类：按最低稿酬，不纳入考核" in notice.stdout


# ---- unadopt: withdrawing a wrong entry --------------------------------------------------------


def hubin_march(ws: Path) -> tuple[float, float, list[int]]:
    """湖滨社区's March fees and points bonus from `score --json`, and the workbook's paid ids."""
    import json

    result = invoke(ws, "score", "--month", "2021-03", "--json")
    assert result.exit_code == 0, result.output
    hubin = next(u for u in json.loads(result.stdout)["units"] if u["unit"] == "湖滨社区")
    sheet = load_workbook(ws / "outbox" / "reports" / "2021-03" / "考核结果_2021-03.xlsx")["稿酬发放"]
    paid = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if isinstance(row[0], int)]
    return hubin["fees"], hubin["points"]["bonus"], paid


def adoption_history(ws: Path) -> list[tuple]:
    db = open_ledger(ws / "outbox" / "ledger.db")
    rows = [
        (r["submission_id"], r["outlet"], r["adopted_on"], r["withdrawn_at"], r["withdrawn_reason"])
        for r in db.query("SELECT * FROM adoptions ORDER BY id")
    ]
    db.close()
    return rows


def test_unadopt_keeps_the_record_stops_scoring_it_and_a_new_adopt_counts_again(ws: Path) -> None:
    assert (
        invoke(ws, "adopt", "1", "--outlet", "新华日报", "--date", "2021-03-12", "--bonus", "0.4").exit_code
        == 0
    )
    assert hubin_march(ws) == (50, 0.4, [1])

    result = invoke(ws, "unadopt", "1", "--outlet", "新华日报", "--reason", "登记错误，实为武进日报")
    assert result.exit_code == 0, result.output
    assert (
        "已撤销录用：稿件 1《湖滨社区开展消防演练》（湖滨社区）— 新华日报，2021年3月12日，"
        "原因：登记错误，实为武进日报。"
    ) in result.stdout
    assert hubin_march(ws) == (0, 0, [])
    assert adoption_history(ws) == [
        (1, "新华日报", "2021-03-12", "2021-03-20T10:00:00+08:00", "登记错误，实为武进日报")
    ]

    assert (
        invoke(ws, "adopt", "1", "--outlet", "新华日报", "--date", "2021-03-12", "--bonus", "0.4").exit_code
        == 0
    )
    assert hubin_march(ws) == (50, 0.4, [1])
    assert [row[3] for row in adoption_history(ws)] == ["2021-03-20T10:00:00+08:00", None]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["99", "--outlet", "新华日报"], "稿件编号 99 不存在，未撤销任何录用。"),
        (
            ["1", "--outlet", "人民日报"],
            "稿件 1《湖滨社区开展消防演练》没有“人民日报”的录用记录，未撤销任何录用。"
            "该稿件现有录用：新华日报 2021-03-12。",
        ),
        (
            ["2", "--outlet", "新华日报"],
            "没有“新华日报”的录用记录，未撤销任何录用。该稿件目前没有有效的录用记录。",
        ),
        (["1", "--outlet", "新华日报", "--date", "2021-03-13"], "没有“新华日报”2021-03-13 的录用记录"),
        (["1"], "请写明稿件编号和 --outlet 录用媒体"),
        (["1", "--outlet", "新华日报", "--date", "3月12日"], "--date “3月12日”无法识别"),
    ],
    ids=["unknown-id", "other-outlet", "never-adopted", "other-date", "no-outlet", "bad-date"],
)
def test_unadopt_refuses_what_is_not_on_record_and_changes_nothing(
    ws: Path, args: list[str], message: str
) -> None:
    assert invoke(ws, "adopt", "1", "--outlet", "新华日报", "--date", "2021-03-12").exit_code == 0
    result = invoke(ws, "unadopt", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert adoption_history(ws) == [(1, "新华日报", "2021-03-12", None, None)]


def test_unadopting_twice_says_when_and_why_it_was_already_withdrawn(ws: Path) -> None:
    assert invoke(ws, "adopt", "1", "--outlet", "新华日报", "--date", "2021-03-12").exit_code == 0
    assert invoke(ws, "unadopt", "1", "--outlet", "新华日报", "--reason", "重复登记").exit_code == 0
    again = invoke(ws, "unadopt", "1", "--outlet", "新华日报", "--reason", "再撤一次")
    assert again.exit_code == 1
    assert (
        "稿件 1《湖滨社区开展消防演练》在“新华日报”2021-03-12 的录用已于 2021年3月20日 10:00 撤销"
        "（原因：重复登记），无需再次撤销。"
    ) in again.stderr
    assert adoption_history(ws)[0][4] == "重复登记"


def test_two_adoptions_by_one_outlet_need_a_date_to_choose(ws: Path) -> None:
    for day in ("2021-03-12", "2021-03-15"):
        assert invoke(ws, "adopt", "1", "--outlet", "武进日报", "--date", day).exit_code == 0
    vague = invoke(ws, "unadopt", "1", "--outlet", "武进日报")
    assert vague.exit_code == 1
    assert "在“武进日报”有 2 条录用（2021-03-12、2021-03-15），请用 --date 指明撤销哪一条。" in vague.stderr
    assert invoke(ws, "unadopt", "1", "--outlet", "武进日报", "--date", "2021/3/15").exit_code == 0
    assert [(row[2], row[3] is not None) for row in adoption_history(ws)] == [
        ("2021-03-12", False),
        ("2021-03-15", True),
    ]


def test_a_ledger_from_before_withdrawals_is_upgraded_in_place_and_keeps_its_adoptions(ws: Path) -> None:
    import sqlite3

    path = ws / "outbox" / "ledger.db"
    old = sqlite3.connect(path)  # the ledger as the previous release left it
    old.execute("ALTER TABLE adoptions DROP COLUMN withdrawn_at")
    old.execute("ALTER TABLE adoptions DROP COLUMN withdrawn_reason")
    old.execute(
        "INSERT INTO adoptions (submission_id, outlet, level, adopted_on, entered_at, source) "
        "VALUES (1, '新华日报', 'province', '2021-03-12', '2021-03-12T02:00:00+00:00', '命令行')"
    )
    old.execute("PRAGMA user_version = 1")
    old.commit()
    old.close()
    assert hubin_march(ws) == (50, 0, [1])
    assert invoke(ws, "unadopt", "1", "--outlet", "新华日报").exit_code == 0
    assert hubin_march(ws) == (0, 0, [])
    assert adoption_history(ws) == [(1, "新华日报", "2021-03-12", "2021-03-20T10:00:00+08:00", None)]


# ---- issue 12: what an adoption may be ----


def test_a_bonus_for_an_outlet_below_district_level_is_refused_naming_the_rule(ws: Path) -> None:
    result = invoke(ws, "adopt", "2", "--outlet", "常州西湖街道", "--date", "2021-03-12", "--bonus", "0.4")
    assert result.exit_code == 1
    assert "命令行：加分只给区级以上媒体的报道（考核办法三.2" in result.stderr
    assert "“常州西湖街道”是街道公众号" in result.stderr
    assert adoptions(ws) == []
    # The same lead on 武进日报 (区级) is taken.
    ok = invoke(ws, "adopt", "1", "--outlet", "武进日报", "--date", "2021-03-12", "--bonus", "0.4")
    assert ok.exit_code == 0, ok.output
    assert adoptions(ws)[0]["bonus"] == 0.4


def test_an_adoption_dated_before_the_draft_was_received_is_refused(ws: Path) -> None:
    # Received 2021-03-10 09:00; adopted 2021-03-09 cannot be.
    result = invoke(ws, "adopt", "1", "--outlet", "武进日报", "--date", "2021-03-09")
    assert result.exit_code == 1
    assert "录用日期 2021年3月9日 早于稿件 1 的收稿时间 2021年3月10日 09:00" in result.stderr
    assert adoptions(ws) == []
    # The day of receipt itself is fine.
    assert invoke(ws, "adopt", "1", "--outlet", "武进日报", "--date", "2021-03-10").exit_code == 0


def test_a_sheet_row_dated_before_receipt_names_its_row(ws: Path) -> None:
    template = ws / "outbox" / "reports" / "录用登记模板.xlsx"
    filled = _sheet(
        template, [[1, "武进日报", "2021-03-11", None, None], [3, "区两办", "2021-03-01", None, None]]
    )
    result = invoke(ws, "adopt", "--from", str(filled))
    assert result.exit_code == 1
    assert "第3行：录用日期 2021年3月1日 早于稿件 3 的收稿时间" in result.stderr
    assert adoptions(ws) == []


@pytest.mark.parametrize(
    ("typed", "stored", "level"),
    [
        ("学习强国（省级）", "学习强国(省级)", "province"),
        ("《武进日报》", "武进日报", "district"),
        ("街道公众号", "常州西湖街道", "wechat"),
        ("《常州西湖街道》微信公众号", "常州西湖街道", "wechat"),
        (" 学习强国 (国家级) ", "学习强国(国家级)", "national"),
    ],
)
def test_outlet_names_as_people_type_them_are_matched_and_stored_by_the_rulebook_name(
    ws: Path, typed: str, stored: str, level: str
) -> None:
    result = invoke(ws, "adopt", "2", "--outlet", typed, "--date", "2021-03-12")
    assert result.exit_code == 0, result.output
    assert [(a["outlet"], a["level"]) for a in adoptions(ws)] == [(stored, level)]


def test_an_unknown_outlet_refusal_lists_names_and_their_other_spellings(ws: Path) -> None:
    result = invoke(ws, "adopt", "2", "--outlet", "微信公号", "--date", "2021-03-12")
    assert result.exit_code == 1
    assert "常州西湖街道（又作 常州西湖街道公众号" in result.stderr
    assert "括号全角半角、《》均可" in result.stderr


def test_an_instant_piece_on_the_wechat_account_pays_nothing_and_says_why(ws: Path) -> None:
    result = invoke(ws, "adopt", "1", "--outlet", "常州西湖街道", "--date", "2021-03-12", "--fee", "40")
    assert result.exit_code == 0, result.output
    assert "稿酬 0 元" in result.stdout
    assert "规则文件未规定即时通讯信息被街道公众号录用的稿酬" in result.stdout


def test_the_template_states_the_rules_in_the_rulebooks_numbers(ws: Path) -> None:
    notes = load_workbook(ws / "outbox" / "reports" / "录用登记模板.xlsx")["填写说明"]
    assert "收稿页面上的编号" in notes["A1"].value and "draftdesk" not in notes["A1"].value
    assert "稿酬：仅公众号录用的微信原创稿件填写（按质量 20–50 元）" in notes["A2"].value
    assert "加分：区级以上媒体的报道 0.3–0.5 分" in notes["A2"].value


def test_a_withdrawal_after_its_month_was_scored_is_an_adjustment_in_the_next_report(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from openpyxl import load_workbook

    assert invoke(ws, "adopt", "1", "--outlet", "武进日报", "--date", "2021-03-12").exit_code == 0
    march = json.loads(invoke(ws, "score", "--month", "2021-03", "--json").stdout)
    assert march["fees_total"] == 10
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-04-08T09:00:00+08:00")
    assert invoke(ws, "unadopt", "1", "--outlet", "武进日报", "--reason", "登记错误").exit_code == 0
    april = invoke(ws, "score", "--month", "2021-04", "--json")
    report = json.loads(april.stdout)
    assert report["adjustments"] == [
        {
            "submission_id": 1,
            "unit": "湖滨社区",
            "title": "湖滨社区开展消防演练",
            "outlet": "武进日报",
            "adopted_on": "2021-03-12",
            "withdrawn_on": "2021-04-08",
            "reason": "登记错误",
            "amount": -10,
        }
    ]
    assert report["fees_total"] == -10
    book = load_workbook(ws / "outbox" / "reports" / "2021-04" / "考核结果_2021-04.xlsx")
    sheet = book["稿酬调整"]
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert [
        1,
        1,
        "湖滨社区",
        "湖滨社区开展消防演练",
        "武进日报",
        "2021年3月12日",
        "2021年4月8日",
        "登记错误",
        -10,
    ] in values


@pytest.mark.parametrize("bonus", ["0.6", "0.2"])
def test_a_bonus_outside_the_rulebooks_range_is_refused_naming_the_range(ws: Path, bonus: str) -> None:
    result = invoke(ws, "adopt", "1", "--outlet", "武进日报", "--date", "2021-03-12", "--bonus", bonus)
    assert result.exit_code == 1
    assert result.stderr == (
        "本次录用有 1 处问题，未登记任何录用：\n"
        f"  命令行：加分 {bonus} 超出规则文件的范围：媒体宣传加分为 0.3–0.5 分（考核办法三.2），"
        "请写 0.3 到 0.5 之间的数\n"
    )
    assert adoptions(ws) == []
    ok = invoke(ws, "adopt", "1", "--outlet", "武进日报", "--date", "2021-03-12", "--bonus", "0.5")
    assert ok.exit_code == 0, ok.output
    assert "加分 0.5" in ok.stdout and "（范围" not in ok.stdout
    assert adoptions(ws)[0]["bonus"] == 0.5


def test_the_adopt_line_does_not_repeat_a_level_the_outlet_name_already_says(ws: Path) -> None:
    result = invoke(ws, "adopt", "2", "--outlet", "学习强国（省级）", "--date", "2021-03-12")
    assert result.exit_code == 0, result.output
    assert "— 学习强国(省级)，2021年3月12日" in result.stdout
    assert "（省级）（省级）" not in result.stdout and "(省级)（省级）" not in result.stdout
    plain = invoke(ws, "adopt", "1", "--outlet", "武进日报", "--date", "2021-03-12")
    assert "— 武进日报（区级），2021年3月12日" in plain.stdout


def events(ws: Path) -> list[tuple]:
    db = open_ledger(ws / "outbox" / "ledger.db")
    rows = [(r["action"], r["submission_id"]) for r in db.query("SELECT * FROM events ORDER BY id")]
    db.close()
    return rows


def test_adopting_the_same_entry_again_says_it_changed_nothing_and_logs_nothing(ws: Path) -> None:
    first = invoke(ws, "adopt", "2", "--outlet", "常州西湖街道", "--date", "2021-03-12", "--fee", "40")
    assert first.stdout.startswith("已登记录用：稿件 2")
    again = invoke(ws, "adopt", "2", "--outlet", "常州西湖街道", "--date", "2021-03-12", "--fee", "40")
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("这条录用已经登记过，内容相同，未作任何改动：稿件 2")
    assert events(ws) == [("adopt", 2)]
    assert len(adoptions(ws)) == 1


def test_adopting_the_same_entry_with_another_fee_says_what_changed(ws: Path) -> None:
    invoke(ws, "adopt", "2", "--outlet", "常州西湖街道", "--date", "2021-03-12", "--fee", "40")
    changed = invoke(ws, "adopt", "2", "--outlet", "常州西湖街道", "--date", "2021-03-12", "--fee", "45")
    assert changed.exit_code == 0, changed.output
    assert changed.stdout.startswith("已修改录用（稿酬由 40 元 改为 45 元）：稿件 2")
    assert adoptions(ws)[0]["fee"] == 45
    assert events(ws) == [("adopt", 2), ("adopt", 2)]
