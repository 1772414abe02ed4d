"""PeriodAssessment: the one answer to "which rules score this period, and what do people see"."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports.assessment import assess_period, write_report
from reports.behind import figures_behind
from reports.period import assessment_of
from rules import Rulebook
from rules.periods import parse_period
from tests.test_reports import _report
from tests.test_score_cmd import quarter  # noqa: F401  (the hand-worked 2021 Q1 ledger)
from workspace import Workspace


def test_a_period_not_over_on_the_day_is_unfinished_and_says_since_when(rulebook: Rulebook) -> None:
    report = _report(rulebook, "2021")
    early = assessment_of(report, rulebook, dt.date(2021, 3, 15))
    assert early.unfinished
    assert early.unfinished_mark == "（未结束，截至2021年3月15日制表，非最终结果）"
    assert early.explanations[0].startswith("本表于2021年3月15日制表，2021年度尚未结束（2021年12月31日结束）")
    late = assessment_of(report, rulebook, dt.date(2022, 1, 1))
    assert (late.unfinished, late.unfinished_mark, late.still_open) == (False, "", None)
    assert assessment_of(report, rulebook, dt.date(2021, 12, 31)).unfinished  # the last day is not over


@pytest.mark.integration
def test_an_unfinished_workbook_is_marked_in_every_title_row_and_first_on_the_notes_sheet(
    quarter,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws, _ = quarter
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-15T09:00:00+08:00")
    path = write_report(Workspace(ws), assess_period(Workspace(ws), parse_period("2021")))
    book = load_workbook(path)
    for sheet in book.worksheets:
        assert str(sheet.cell(1, 1).value).endswith("（未结束，截至2021年3月15日制表，非最终结果）"), (
            sheet.title
        )
    assert book["说明"].cell(3, 2).value.startswith("本表于2021年3月15日制表，2021年度尚未结束")
    assert book["完成情况"].oddFooter.left.text == "制表日期：2021年3月15日"


@pytest.mark.integration
def test_a_finished_workbook_carries_no_mark(quarter) -> None:  # noqa: F811
    ws, _ = quarter  # DRAFTDESK_NOW is 2021-04-01
    book = load_workbook(write_report(Workspace(ws), assess_period(Workspace(ws), parse_period("2021Q1"))))
    assert "未结束" not in str(book["完成情况"].cell(1, 1).value)
    assert not book["说明"].cell(3, 2).value.startswith("本表于")


def test_the_notes_sheet_speaks_chinese_only(rulebook: Rulebook) -> None:
    """No rulebook syntax, key or code value (issue 20: "[[units]] 的 quota.xuexi")."""
    notes = assessment_of(_report(rulebook, "2021-03"), rulebook, dt.date(2021, 3, 15)).explanations
    assert len(notes) >= 7
    for note in notes:
        assert not re.search(r"[A-Za-z_\[\]]", note), note


def test_each_figure_has_its_rule_beside_it(rulebook: Rulebook) -> None:
    a = assessment_of(_report(rulebook, "2021Q1"), rulebook, dt.date(2021, 4, 1))
    rules = {c.name: c.rule for c in a.columns}
    assert rules["微信原创稿件"].startswith("微信原创稿件：每季度任务数按各单位任务分解表")
    assert "不结转" in rules["微信原创稿件"] and "每少一篇-0.2分" in rules["微信原创稿件"]
    assert "只计学习强国(国家级)、学习强国(省级)的录用" in rules["学习强国"]
    assert "按自然年累计不超过 1.5 分" in rules["加分"]
    assert rules["扣分"].endswith("扣分、加分只适用于社区、村；机关局室、有关单位只考核完成数，不计分。")
    assert a.carry_over.startswith("不结转：每个月（季、年）的任务单独考核")
    assert a.rules == (a.carry_over, a.caps, a.scored)


def test_one_list_of_columns_and_one_cell_per_unit_and_column(rulebook: Rulebook) -> None:
    a = assessment_of(_report(rulebook, "2021-03"), rulebook, dt.date(2021, 4, 1))
    names = [c.name for c in a.columns]
    assert names[:2] == ["单位", "类别"] and names[-4:] == ["扣分", "加分", "合计", "稿酬（元）"]
    hubin = dict(zip(names, next(line.cells for line in a.lines if line.unit == "湖滨社区"), strict=True))
    assert (hubin["类别"].text, hubin["扣分"].value, hubin["扣分"].text) == (
        "社区、村",
        -0.2,
        "-0.2",
    )  # Q1 closes in March: no 微信
    office = a.records()[0]
    assert (office["单位"], office["扣分"]) == ("办公室", "-")  # bureaus earn no points


@pytest.mark.integration
def test_the_year_assessment_carries_the_recommended_list(quarter) -> None:  # noqa: F811
    ws, _ = quarter
    year = assess_period(Workspace(ws), parse_period("2021"))
    assert [(n.rank, n.who, n.award) for n in year.unit_nominees][:1] == [(1, "湖滨社区", 500)]
    assert year.unit_nominees[0].basis.startswith("录用 6 篇")
    assert [n.who for n in year.officer_nominees][:1] == ["张三（湖滨社区）"]
    assert assess_period(Workspace(ws), parse_period("2021Q1")).nominated is False


@pytest.mark.integration
def test_a_units_figures_open_to_the_drafts_and_adoptions_behind_them(quarter) -> None:  # noqa: F811
    ws, ids = quarter
    behind = figures_behind(Workspace(ws), parse_period("2021Q1"), "湖滨社区")
    instants = {d.id: (d.counts, d.why) for d in behind.drafts if d.type_name == "即时通讯信息"}
    assert instants == {
        ids["instant_jan"]: (True, "计入 2021年1月即时通讯信息任务"),
        ids["instant_late"]: (
            False,
            "不计入当月完成数：迟报（应在 2021年2月9日 12:00 前报送，实际收稿 2021年2月10日 10:00）",
        ),
        ids["instant_mar"]: (True, "计入 2021年3月即时通讯信息任务"),
    }
    notice = next(d for d in behind.drafts if d.id == ids["notice"])
    assert (notice.counts, notice.why) == (
        False,
        "不计入本季度完成数：通知公告类稿件不纳入考核（稿酬按最低标准）",
    )
    xuexi = [a for a in behind.adoptions if a.type_name == "学习强国"]
    assert sorted((a.outlet, a.counts, a.fee) for a in xuexi) == [
        ("学习强国(国家级)", True, 300),
        ("学习强国(省级)", True, 200),
    ]
    assert behind.report.completion["instant"].counted == 2
    assert behind.windows["微信原创稿件"] == (dt.date(2021, 1, 1), dt.date(2021, 3, 31))


@pytest.mark.integration
def test_a_unit_the_years_rulebook_lacks_is_a_lookup_error(quarter) -> None:  # noqa: F811
    ws, _ = quarter
    with pytest.raises(LookupError):
        figures_behind(Workspace(ws), parse_period("2021Q1"), "不存在社区")


@pytest.mark.integration
def test_unit_aliases_open_the_same_figures(quarter, rulebook: Rulebook) -> None:  # noqa: F811
    ws, _ = quarter
    unit = next(u for u in rulebook.units if u.aliases)
    behind = figures_behind(Workspace(ws), parse_period("2021Q1"), unit.aliases[0])
    assert behind.unit == unit.name


@pytest.mark.integration
def test_score_json_keeps_every_field_and_adds_the_unfinished_mark(quarter) -> None:  # noqa: F811
    from tests.test_score_cmd import score

    ws, _ = quarter
    data = score(Path(ws), "--year", "2021")
    assert {"period", "label", "start", "end", "units", "officers", "payments", "fees_total"} <= data.keys()
    assert {"adjustments", "unpaid"} <= data.keys()
    assert (data["unfinished"], data["made_on"]) == (True, "2021-04-01")


@pytest.mark.integration
def test_the_workbook_states_the_rules_under_the_figures_they_shape(quarter) -> None:  # noqa: F811
    ws, _ = quarter
    book = load_workbook(write_report(Workspace(ws), assess_period(Workspace(ws), parse_period("2021Q1"))))
    done = [str(c.value) for c in book["完成情况"]["A"] if c.value]
    assert any(
        v.startswith("微信原创稿件：每季度任务数按各单位任务分解表，按收稿日期计入，不结转") for v in done
    )
    assert any(v.startswith("不结转：每个月（季、年）的任务单独考核") for v in done)
    points = [str(c.value) for c in book["考核加减分"]["A"] if c.value]
    assert any("按自然年累计不超过 1.5 分" in v for v in points)
