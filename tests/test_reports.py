"""The period workbook and the adoption template, opened back with openpyxl cell by cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from reports.period import assessment_of
from reports.workbook import write_adoption_template, write_period_workbook
from rules import Rulebook
from rules.periods import parse_period
from scoring.report import score_period
from scoring.rows import AssignmentRow, OfficerRow, RejectionRow, ScoringRows
from tests.factory import adoption_row, submission_row


def _report(rulebook: Rulebook, period: str):
    subs = [
        submission_row(
            1, "湖滨社区", "instant", "2021-03-03T10:00", officer="张三", title="湖滨社区消防演练"
        ),
        submission_row(2, "湖滨社区", "xuexi", "2021-03-04T10:00", officer="张三", title="强国稿件"),
        submission_row(3, "建设局", "instant", "2021-03-05T10:00", title="建设局工地检查"),
    ]
    adopted = [
        adoption_row(
            1,
            1,
            "湖滨社区",
            "instant",
            "新华日报",
            "province",
            "2021-03-10",
            officer="张三",
            title="湖滨社区消防演练",
        ),
        adoption_row(
            2,
            2,
            "湖滨社区",
            "xuexi",
            "学习强国(国家级)",
            "national",
            "2021-03-12",
            officer="张三",
            title="强国稿件",
            bonus=0.5,
        ),
    ]
    return score_period(
        parse_period(period),
        rulebook,
        ScoringRows(subs, adopted, [AssignmentRow("2021-03", "建设局", 1)]),
        [OfficerRow("湖滨社区", "张三")],
    )


def _write(rulebook: Rulebook, period: str, path: Path, rejections=(), made_on=dt.date(2022, 1, 5)) -> Path:
    """The period's workbook as `score` writes it, made on `made_on` (after 2021 by default)."""
    return write_period_workbook(
        assessment_of(_report(rulebook, period), rulebook, made_on, None, rejections), path
    )


REJECTED = [
    RejectionRow(
        9,
        "办公室",
        "instant",
        "短稿",
        "2021-03-05T10:00:00+08:00",
        ("正文字数 187 字，要求 200–500 字", "照片 0 张，要求 1–2 张"),
    )
]


def test_month_workbook_cells(tmp_path: Path, rulebook: Rulebook) -> None:
    path = _write(
        rulebook, "2021-03", tmp_path / "r" / "考核结果_2021-03.xlsx", REJECTED, dt.date(2021, 4, 2)
    )
    book = load_workbook(path)
    assert book.sheetnames == ["完成情况", "考核加减分", "稿酬发放", "退稿情况", "未计入稿件", "说明"]
    notes = [book["说明"].cell(r, 2).value for r in range(3, book["说明"].max_row + 1)]
    # 附件1 as reconstructed: the 7 communities and villages, 1 xuexi piece a quarter each.
    assert notes[0].startswith("学习强国任务数：附件1的合并单元格还原为7个单位每季度1篇")
    assert "只计学习强国(国家级)、学习强国(省级)的录用" in notes[0]
    assert notes[1].startswith("不结转：")
    assert "按自然年累计不超过 1.5 分" in notes[2]
    assert notes[3] == "媒体宣传加分：只给区级、市级、省级、国家级媒体的报道，每篇 0.3–0.5 分，同篇只计一次。"

    done = book["完成情况"]
    # Row 1: the sheet's own title; headers in rows 2–3; units from row 4; 合计 last.
    assert done.cell(1, 1).value == (
        "西湖街道2021年3月信息宣传考核 完成情况（依据：西湖街道2021年度信息宣传工作考核办法）"
    )
    assert done.freeze_panes == "D4"
    assert [done.cell(2, c).value for c in (1, 2, 3, 4, 7, 10, 13)] == [
        "序号",
        "单位",
        "类别",
        "即时通讯信息",
        "微信原创稿件",
        "学习强国",
        "党委政务信息",
    ]
    assert [done.cell(3, c).value for c in (4, 5, 6)] == ["任务数", "完成数", "缺少数"]
    assert done.cell(2, 16).value == "本期稿酬"
    office = [done.cell(4, c).value for c in range(1, 17)]
    assert office == [1, "办公室", "机关局室", 3, 0, 3, 2, 0, 2, None, None, None, None, None, None, 0]
    build = [done.cell(6, c).value for c in range(1, 17)]
    assert build == [3, "建设局", "机关局室", 2, 1, 1, 2, 0, 2, None, None, None, 1, 0, 1, 0]
    hubin = [done.cell(11, c).value for c in range(1, 17)]
    assert hubin == [8, "湖滨社区", "社区、村", 1, 1, 0, 1, 0, 1, 1, 1, 0, None, None, None, 350]
    assert isinstance(done.cell(11, 16).value, int | float)
    assert done.column_dimensions["B"].width >= 20  # 政法和社会综合治理局 fits
    # 合计 by hand: instant quota 3+2+2+1+1+1 (bureaus) + 7×1 + 10×1 = 27; counted 2 (湖滨, 建设局).
    # Q1 closes in March: wechat quota 2+2+2+1+1+1 + 7 + 10 = 26, counted 0; xuexi 7, counted 1.
    total_row = 4 + 23
    totals = [done.cell(total_row, c).value for c in range(1, 17)]
    assert totals == ["合计", None, None, 27, 2, 25, 26, 0, 26, 7, 1, 6, 1, 0, 1, 350]
    assert done.cell(total_row, 16).number_format == '#,##0"元"'

    points = book["考核加减分"]
    assert [c.value for c in points[2]] == [
        "序号",
        "单位",
        "类别",
        "扣分",
        "多录用加分",
        "媒体宣传加分",
        "本期加分（封顶后）",
        "全年累计加分",
        "合计",
        "说明",
    ]
    rows = {
        points.cell(r, 2).value: [c.value for c in points[r]]
        for r in range(3, points.max_row + 1)
        if points.cell(r, 2).value  # the rules under the table fill column A only
    }
    assert len(rows) == 7  # the seven communities and villages only
    assert rows["湖滨社区"][3:9] == [-0.2, 0, 0.5, 0.5, 0.5, 0.3]
    assert rows["湖滨社区"][9] == "微信原创稿件少1篇，-0.2分\n媒体宣传加分+0.5分"
    assert points.cell(3, 4).number_format == '0.0"分"'

    fees = book["稿酬发放"]
    assert fees.freeze_panes == "A3"
    assert [c.value for c in fees[2]] == [
        "序号",
        "稿件编号",
        "单位",
        "信息员",
        "稿件类型",
        "标题",
        "录用媒体",
        "级别",
        "录用日期",
        "最高标准",
        "此前已发",
        "本期发放",
        "领款签字",
    ]
    assert [c.value for c in fees[3]] == [
        1,
        1,
        "湖滨社区",
        "张三",
        "即时通讯信息",
        "湖滨社区消防演练",
        "新华日报",
        "省级",
        dt.datetime(2021, 3, 10),
        50,
        0,
        50,
        None,
    ]
    assert [c.value for c in fees[4]][6:12] == [
        "学习强国(国家级)",
        "国家级",
        dt.datetime(2021, 3, 12),
        300,
        0,
        300,
    ]
    # One unit paid: its 小计 (50 + 300) with room to sign, then the 合计.
    assert (fees.cell(5, 1).value, fees.cell(5, 12).value) == ("湖滨社区 小计", 350)
    assert fees.cell(5, 13).border.left.style == "thin"
    assert (fees.cell(6, 1).value, fees.cell(6, 12).value) == ("合计", 350)
    assert fees.cell(3, 12).number_format == '#,##0"元"'

    rejected = book["退稿情况"]
    assert [c.value for c in rejected[3]] == [
        1,
        9,
        "办公室",
        "即时通讯信息",
        "短稿",
        "2021年3月5日 10:00",
        "正文字数 187 字，要求 200–500 字\n照片 0 张，要求 1–2 张",
    ]
    assert rejected.cell(3, 7).alignment.wrap_text
    assert rejected.column_dimensions["G"].width == 50
    assert "2021年3月 退稿情况" in rejected.oddHeader.center.text
    for sheet in book.worksheets:
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.oddFooter.left.text == "制表日期：2021年4月2日"
        assert "&P" in sheet.oddFooter.right.text and "&N" in sheet.oddFooter.right.text
    assert done.page_setup.orientation == "landscape"
    assert book["说明"].page_setup.orientation == "portrait"


def test_year_workbook_has_the_awards_sheet(tmp_path: Path, rulebook: Rulebook) -> None:
    path = _write(rulebook, "2021", tmp_path / "考核结果_2021.xlsx")
    book = load_workbook(path)
    assert book.sheetnames[-2:] == ["先进评选", "说明"]
    awards = book["先进评选"]
    assert [c.value for c in awards[2]][:10] == [
        "名次",
        "单位",
        "录用篇数",
        "国家级",
        "省级",
        "市级",
        "区级",
        "街道",
        "建议奖励",
        "排名依据",
    ]
    assert [c.value for c in awards[3]][:10] == [
        1,
        "湖滨社区",
        2,
        1,
        1,
        0,
        0,
        0,
        500,
        "录用 2 篇（国家级 1、省级 1）",
    ]
    assert [c.value for c in awards[4]][:3] == [2, "办公室", 0]
    assert awards.cell(4, 9).value == 0
    people_header = 3 + 23 + 2
    assert awards.cell(people_header - 1, 1).value == "先进个人（推荐名单）"
    assert [c.value for c in awards[people_header]][:4] == ["名次", "姓名", "单位", "录用篇数"]
    assert [c.value for c in awards[people_header + 1]] == [
        1,
        "张三",
        "湖滨社区",
        2,
        1,
        1,
        0,
        0,
        0,
        300,
        "是",
        "录用 2 篇（国家级 1、省级 1）",
    ]
    notes = [str(awards.cell(r, 1).value) for r in range(people_header, awards.max_row + 1)]
    assert any("最终名单和奖励由街道研究决定" in note for note in notes)


def test_adoption_template_has_headers_and_an_outlet_dropdown(tmp_path: Path, rulebook: Rulebook) -> None:
    path = write_adoption_template(tmp_path / "录用登记模板.xlsx", rulebook.outlets)
    book = load_workbook(path)
    sheet = book["录用登记"]
    assert [c.value for c in sheet[1]] == ["稿件编号", "录用媒体", "录用日期", "稿酬", "加分"]
    assert sheet.freeze_panes == "A2"
    validation = sheet.data_validations.dataValidation[0]
    assert validation.type == "list"
    assert str(validation.sqref) == "B2:B501"
    names = book["媒体名单"]
    assert [names.cell(r, 1).value for r in range(2, 4)] == ["人民日报", "科技日报"]
    assert names.cell(2, 2).value == "国家级"


def test_wrapped_reasons_get_a_tall_enough_row_and_shortfalls_are_red(
    tmp_path: Path, rulebook: Rulebook
) -> None:
    path = _write(rulebook, "2021-03", tmp_path / "考核结果.xlsx", REJECTED)
    book = load_workbook(path)
    assert book["退稿情况"].row_dimensions[3].height >= 30
    done = book["完成情况"]
    assert (done.cell(4, 6).value, done.cell(4, 6).font.color.rgb) == (3, "00C00000")
    assert done.cell(11, 6).font.color is None or done.cell(11, 6).font.color.rgb != "00C00000"
