"""The Excel side of scoring: the period workbook and the adoption sheet template (openpyxl).

The office prints and forwards these, so every sheet has Chinese headers, a frozen header,
widths that fit the text, numbers stored as numbers (so 合计 can be re-checked in Excel) and
the period in the page header.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from checks.labels import date_text, when_text
from reports.events_sheet import SHEET_NAME as EVENTS_SHEET
from reports.events_sheet import fill_events_sheet
from reports.events_view import Event
from reports.period import PeriodAssessment, judged_types
from rules.levels import LEVEL_NAMES, TIERS
from scoring.report import PeriodReport
from scoring.rows import RejectionRow

SHEET_COLUMNS: tuple[str, ...] = ("稿件编号", "录用媒体", "录用日期", "稿酬", "加分")
SHEETS: tuple[str, ...] = ("完成情况", "考核加减分", "稿酬发放", "退稿情况", "未计入稿件", "先进评选", "说明")

_BOLD = Font(bold=True)
_RED = Font(color="C00000", bold=True)
_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_TOP = Alignment(vertical="top")
_TITLE = Font(bold=True, size=14)
POINTS_FORMAT = '0.0"分"'
MONEY_FORMAT = '#,##0"元"'  # whole 元, as paid
TITLE_ROW = 1  # each sheet's own title: subdistrict, period, rulebook
HEAD = 2  # the first header row


def _width(value: Any) -> int:
    """Display width: a Han character takes two columns."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _header(sheet: Worksheet, row: int, names: Sequence[str], col: int = 1) -> None:
    for offset, name in enumerate(names):
        cell = sheet.cell(row=row, column=col + offset, value=name)
        cell.font, cell.fill, cell.alignment, cell.border = _BOLD, _FILL, _CENTER, _BOX


def _rows(
    sheet: Worksheet, start: int, rows: Sequence[Sequence[Any]], formats: dict[int, str] | None = None
) -> int:
    """Write rows from `start`; returns the next free row."""
    formats = formats or {}
    for r, values in enumerate(rows, start=start):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.border, cell.alignment = _BOX, _TOP
            if c in formats and isinstance(value, int | float):
                cell.number_format = formats[c]
            if isinstance(value, str) and "\n" in value:
                cell.alignment = _WRAP
                # Neither Excel nor LibreOffice grows a row for wrapped text written by openpyxl.
                lines = value.count("\n") + 1
                sheet.row_dimensions[r].height = max(sheet.row_dimensions[r].height or 0, 15 * lines + 3)
    return start + len(rows)


def _fit(sheet: Worksheet, minimum: int = 6, maximum: int = 60, skip_rows: int = 0) -> None:
    """Column widths from the text; `skip_rows` leading rows (the title) do not count."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=skip_rows + 1):
        for cell in row:
            if cell.value is None or type(cell).__name__ == "MergedCell":
                continue
            longest = max(_width(line) for line in str(cell.value).split("\n"))
            widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = max(minimum, min(maximum, width + 2))


def _title(sheet: Worksheet, assessment: PeriodAssessment, name: str, columns: int) -> None:
    """Row 1: who, which period, by which rulebook, and — while the period runs — that it is
    unfinished and when the sheet was made: the sheet stands alone once printed."""
    report = assessment.report
    text = (
        f"{report.subdistrict}{report.period.label}信息宣传考核 {name}（依据：{report.rulebook_name}）"
        f"{assessment.unfinished_mark}"
    )
    cell = sheet.cell(row=TITLE_ROW, column=1, value=text)
    cell.font, cell.alignment = _TITLE, Alignment(horizontal="center", vertical="center")
    if columns > 1:
        sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=columns)
    sheet.row_dimensions[TITLE_ROW].height = 24


def _wide(sheet: Worksheet) -> bool:
    """Whether the columns are too wide for A4 portrait (about 95 character widths)."""
    return sum((d.width or 8) for d in sheet.column_dimensions.values()) > 95


def _page(sheet: Worksheet, title: str, made_on: dt.date, header_rows: int = 1) -> None:
    """A4, landscape when wide; one page wide; header rows repeated; 制表日期 and page numbers."""
    if sheet.oddHeader is not None:
        sheet.oddHeader.center.text = title
    if sheet.oddFooter is not None:
        sheet.oddFooter.left.text = f"制表日期：{date_text(made_on)}"
        sheet.oddFooter.right.text = "第 &P 页，共 &N 页"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if _wide(sheet) else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    setup = sheet.sheet_properties.pageSetUpPr or PageSetupProperties()
    setup.fitToPage = True
    sheet.sheet_properties.pageSetUpPr = setup
    sheet.print_options.gridLines = False
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = f"{HEAD}:{HEAD + header_rows - 1}"


def _total_row(sheet: Worksheet, row: int, label: str, values: dict[int, Any], fmt: dict[int, str]) -> None:
    first = sheet.cell(row=row, column=1, value=label)
    first.font, first.border = _BOLD, _BOX
    for column, value in values.items():
        cell = sheet.cell(row=row, column=column, value=value)
        cell.font, cell.border = _BOLD, _BOX
        if column in fmt:
            cell.number_format = fmt[column]


def _completion_sheet(sheet: Worksheet, report: PeriodReport) -> None:
    types = judged_types(report)
    _header(sheet, HEAD, ["序号", "单位", "类别"])
    for index, key in enumerate(types):
        col = 4 + 3 * index
        _header(sheet, HEAD, [report.type_names[key], "", ""], col)
        sheet.merge_cells(start_row=HEAD, start_column=col, end_row=HEAD, end_column=col + 2)
        _header(sheet, HEAD + 1, ["任务数", "完成数", "缺少数"], col)
    fee_col = 4 + 3 * len(types)
    _header(sheet, HEAD, ["本期稿酬"], fee_col)
    for col in (1, 2, 3, fee_col):
        _header(sheet, HEAD + 1, [""], col)
        sheet.merge_cells(start_row=HEAD, start_column=col, end_row=HEAD + 1, end_column=col)
    rows: list[list[Any]] = []
    for number, unit in enumerate(report.units, 1):
        values: list[Any] = [number, unit.unit, report.kind_names.get(unit.kind, unit.kind)]
        for key in types:
            done = unit.completion.get(key)
            values += [done.quota, done.counted, done.missing] if done else [None, None, None]
        values.append(unit.fees)
        rows.append(values)
    first = HEAD + 2
    end = _rows(sheet, first, rows, {fee_col: MONEY_FORMAT})
    totals: dict[int, Any] = {}
    for index, key in enumerate(types):
        judged = [u.completion[key] for u in report.units if key in u.completion]
        totals[4 + 3 * index] = sum(d.quota for d in judged)
        totals[5 + 3 * index] = sum(d.counted for d in judged)
        totals[6 + 3 * index] = sum(d.missing for d in judged)
    totals[fee_col] = round(sum(u.fees for u in report.units), 2)
    _total_row(sheet, end, "合计", totals, {fee_col: MONEY_FORMAT})
    for r in range(first, end):  # a shortfall in red, as the office marks it by hand
        for index in range(len(types)):
            cell = sheet.cell(row=r, column=6 + 3 * index)
            if isinstance(cell.value, int) and cell.value > 0:
                cell.font = _RED
    sheet.freeze_panes = sheet.cell(row=first, column=4).coordinate
    _fit(sheet, skip_rows=1)
    sheet.column_dimensions["A"].width = 6
    for key_index in range(len(types)):
        for offset in range(3):
            letter = get_column_letter(4 + 3 * key_index + offset)
            sheet.column_dimensions[letter].width = max(8, sheet.column_dimensions[letter].width or 8)
    sheet.column_dimensions[get_column_letter(fee_col)].width = 12


def _points_sheet(sheet: Worksheet, report: PeriodReport) -> None:
    names = [
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
    _header(sheet, HEAD, names)
    rows: list[list[Any]] = []
    for unit in (u for u in report.units if u.points.applies):
        p = unit.points
        rows.append(
            [
                len(rows) + 1,
                unit.unit,
                report.kind_names.get(unit.kind, unit.kind),
                p.deductions / 100,
                p.extra_bonus / 100,
                p.media_bonus / 100,
                p.bonus / 100,
                p.bonus_year_to_date / 100,
                p.total / 100,
                "\n".join(p.details),
            ]
        )
    _rows(sheet, HEAD + 1, rows, dict.fromkeys(range(4, 10), POINTS_FORMAT))
    sheet.freeze_panes = sheet.cell(row=HEAD + 1, column=1).coordinate
    _fit(sheet, skip_rows=1)
    sheet.column_dimensions["A"].width = 6


FEE_COLUMNS: tuple[str, ...] = (
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
)


def _fees_sheet(sheet: Worksheet, report: PeriodReport) -> None:
    """Payments grouped by unit (rulebook order), a 小计 per unit where its collector signs, a 合计."""
    _header(sheet, HEAD, FEE_COLUMNS)
    money = {10: MONEY_FORMAT, 11: MONEY_FORMAT, 12: MONEY_FORMAT}
    order = {u.unit: i for i, u in enumerate(report.units)}
    by_unit: dict[str, list[Any]] = {}
    for p in sorted(report.payments, key=lambda p: (order.get(p.unit, len(order)), p.submission_id)):
        by_unit.setdefault(p.unit, []).append(p)
    row = HEAD + 1
    number = 0
    for unit, paid in by_unit.items():
        rows: list[list[Any]] = []
        for p in paid:
            number += 1
            rows.append(
                [
                    number,
                    p.submission_id,
                    p.unit,
                    p.officer,
                    report.type_names.get(p.content_type, p.content_type),
                    p.title,
                    p.outlet,
                    LEVEL_NAMES.get(p.level, p.level),
                    p.adopted_on,
                    p.highest_fee,
                    p.paid_before,
                    p.amount,
                    None,
                ]
            )
        end = _rows(sheet, row, rows, money)
        for r in range(row, end):
            sheet.cell(row=r, column=9).number_format = "yyyy-mm-dd"
        subtotal = round(sum(p.amount for p in paid), 2)
        _total_row(sheet, end, f"{unit} 小计", {12: subtotal, 13: None}, money)
        sheet.row_dimensions[end].height = 24  # room to sign
        row = end + 1
    _total_row(sheet, row, "合计", {12: report.fees_total}, money)
    sheet.freeze_panes = sheet.cell(row=HEAD + 1, column=1).coordinate
    _fit(sheet, skip_rows=1)
    sheet.column_dimensions["A"].width = 14  # "<unit> 小计" overflows into the empty cells beside it
    sheet.column_dimensions["I"].width = 12
    sheet.column_dimensions["M"].width = 14
    for offset, u in enumerate(report.unpaid, start=2):  # after _fit: notes overflow, not widen column A
        sheet.cell(
            row=row + offset,
            column=1,
            value=f"不发稿酬：稿件 {u.submission_id}《{u.title}》（{u.unit}）— {u.outlet}：{u.reason}",
        )


def _when(received_at: str) -> str:
    """A stored received time (office-local ISO with its offset) as people read it: 2021年3月12日 09:00."""
    if not received_at:
        return ""
    moment = dt.datetime.fromisoformat(received_at)
    return when_text(moment, moment.tzinfo or dt.UTC)


REASON_WIDTH = 50  # the 退稿原因 / 不计入原因 column, in character widths; longer reasons wrap


def _reasons_sheet(
    sheet: Worksheet, report: PeriodReport, rows: Sequence[RejectionRow], name: str, heading: str, empty: str
) -> None:
    _header(sheet, HEAD, ["序号", "稿件编号", "单位", "稿件类型", "标题", "收稿时间", heading])
    values = [
        [
            i,
            r.id,
            r.unit,
            report.type_names.get(r.content_type, r.content_type or "未识别"),
            r.title,
            _when(r.received_at),
            "\n".join(r.reasons) or empty,
        ]
        for i, r in enumerate(rows, 1)
    ]
    _rows(sheet, HEAD + 1, values)
    sheet.freeze_panes = sheet.cell(row=HEAD + 1, column=1).coordinate
    _fit(sheet, skip_rows=1)
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["G"].width = REASON_WIDTH
    for r in range(HEAD + 1, HEAD + 1 + len(values)):
        cell = sheet.cell(row=r, column=7)
        cell.alignment = _WRAP
        lines = sum(max(1, -(-_width(line) // (REASON_WIDTH - 2))) for line in str(cell.value).split("\n"))
        sheet.row_dimensions[r].height = max(sheet.row_dimensions[r].height or 0, 15 * lines + 3)


def _rejections_sheet(sheet: Worksheet, report: PeriodReport, rejections: Sequence[RejectionRow]) -> None:
    _reasons_sheet(sheet, report, rejections, "退稿情况", "退稿原因", "")


def _adjustments_sheet(sheet: Worksheet, report: PeriodReport) -> None:
    """Fees an earlier period's report paid for adoptions withdrawn in this period, taken back."""
    _header(
        sheet,
        HEAD,
        ["序号", "稿件编号", "单位", "标题", "录用媒体", "录用日期", "撤销日期", "撤销原因", "调整（元）"],
    )
    values: list[list[Any]] = [
        [
            i,
            a.submission_id,
            a.unit,
            a.title,
            a.outlet,
            date_text(a.adopted_on),
            date_text(a.withdrawn_on),
            a.reason,
            a.amount,
        ]
        for i, a in enumerate(report.adjustments, 1)
    ]
    total = round(sum(a.amount for a in report.adjustments), 2)
    values.append(["合计", "", "", "本期从稿酬中扣回（前期已发放、本期撤销录用）", "", "", "", "", total])
    end = _rows(sheet, HEAD + 1, values, {9: MONEY_FORMAT})
    sheet.cell(row=end - 1, column=1).font = _BOLD
    _fit(sheet, skip_rows=1)


def _not_counted_sheet(sheet: Worksheet, report: PeriodReport, rows: Sequence[RejectionRow]) -> None:
    _reasons_sheet(sheet, report, rows, "未计入稿件", "不计入原因", "已登记，不计入完成数")


def _awards_sheet(sheet: Worksheet, report: PeriodReport) -> None:
    tiers = [name for _, name, _ in TIERS]
    unit_head = ["名次", "单位", "录用篇数", *tiers, "建议奖励", "排名依据"]
    _header(sheet, HEAD, unit_head)
    unit_rows = [
        [
            u.standing.rank,
            u.unit,
            u.standing.pieces,
            *(u.standing.by_tier.get(key, 0) for key, _, _ in TIERS),
            u.standing.award,
            u.standing.basis,
        ]
        for u in sorted(report.units, key=lambda u: u.standing.rank)
    ]
    money = 4 + len(tiers)
    end = _rows(sheet, HEAD + 1, unit_rows, {money: MONEY_FORMAT})
    start = end + 2
    sheet.cell(row=start - 1, column=1, value="先进个人（推荐名单）").font = _BOLD
    _header(sheet, start, ["名次", "姓名", "单位", "录用篇数", *tiers, "建议奖励", "已登记", "排名依据"])
    officer_rows = [
        [
            o.standing.rank,
            o.name,
            o.unit,
            o.standing.pieces,
            *(o.standing.by_tier.get(key, 0) for key, _, _ in TIERS),
            o.standing.award,
            "是" if o.registered else "否",
            o.standing.basis,
        ]
        for o in sorted(report.officers, key=lambda o: o.standing.rank)
    ]
    end = _rows(sheet, start + 1, officer_rows, {money + 1: MONEY_FORMAT})
    sheet.freeze_panes = sheet.cell(row=HEAD + 1, column=1).coordinate
    _fit(sheet, skip_rows=1)
    sheet.cell(
        row=end + 1,
        column=1,
        value="以上为按全年录用篇数（同篇按最高级别计一次，公告通知类不计）排出的推荐名单，"
        "建议奖励为考核办法四(二)规定的金额，最终名单和奖励由街道研究决定。",
    )


def _notes_sheet(sheet: Worksheet, assessment: PeriodAssessment) -> None:
    """How the figures were reached where the rules leave room, and whether they are final:
    for whoever signs the workbook."""
    notes = assessment.explanations
    _header(sheet, HEAD, ["序号", "说明"])
    _rows(sheet, HEAD + 1, [[i, note] for i, note in enumerate(notes, 1)])
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 86  # with 序号, fits A4 portrait
    for r in range(HEAD + 1, HEAD + 1 + len(notes)):
        sheet.cell(row=r, column=2).alignment = _WRAP
        sheet.row_dimensions[r].height = 33


def _sheets(assessment: PeriodAssessment, events: Sequence[Event] = ()) -> list[tuple[str, str, Any]]:
    """(sheet name, title name, builder) in workbook order: 稿酬调整 only with withdrawals,
    先进评选 only for a year, 操作记录 only when the record changed in the period."""
    report = assessment.report
    sheets: list[tuple[str, str, Any]] = [
        ("完成情况", "完成情况", lambda sheet: _completion_sheet(sheet, report)),
        ("考核加减分", "考核加减分", lambda sheet: _points_sheet(sheet, report)),
        ("稿酬发放", "稿酬发放", lambda sheet: _fees_sheet(sheet, report)),
    ]
    if report.adjustments:
        sheets.append(("稿酬调整", "稿酬调整", lambda sheet: _adjustments_sheet(sheet, report)))
    sheets.append(
        ("退稿情况", "退稿情况", lambda sheet: _rejections_sheet(sheet, report, assessment.rejections))
    )
    sheets.append(
        ("未计入稿件", "未计入稿件", lambda sheet: _not_counted_sheet(sheet, report, assessment.not_counted))
    )
    if report.is_year:
        sheets.append(("先进评选", "先进评选推荐名单（建议）", lambda sheet: _awards_sheet(sheet, report)))
    if events:
        sheets.append((EVENTS_SHEET, EVENTS_SHEET, lambda sheet: fill_events_sheet(sheet, events, HEAD)))
    sheets.append(("说明", "说明", lambda sheet: _notes_sheet(sheet, assessment)))
    return sheets


def _rules_under(sheet: Worksheet, rules: Sequence[str]) -> None:
    """The rules that shape a sheet's figures, one a row under its table (after the widths are
    set: the text runs on to the right instead of widening column A)."""
    start = sheet.max_row + 2
    for offset, rule in enumerate(rules):
        sheet.cell(row=start + offset, column=1, value=rule)


def _beside(assessment: PeriodAssessment) -> dict[str, list[str]]:
    """Per sheet, the rules shaping its figures: completion's types and 不结转, the points' rates and cap."""
    rules = {c.key: c.rule for c in assessment.columns}
    types = [c.rule for c in assessment.columns if c.key.startswith("type:")]
    return {
        "完成情况": [*types, assessment.carry_over, assessment.scored],
        "考核加减分": [rules["deductions"], rules["bonus"]],
    }


def write_period_workbook(assessment: PeriodAssessment, path: Path, events: Sequence[Event] = ()) -> Path:
    """Write the period's workbook to `path`, atomically: its 制表日期 is the assessment's day,
    and an unfinished period says so in every title row and first on the 说明 sheet. `events`:
    the period's changes of the record (操作记录 sheet)."""
    report = assessment.report
    book = Workbook()
    book.remove(book.worksheets[0])
    title = f"{report.rulebook_name} — {report.period.label}{assessment.unfinished_mark}"
    beside = _beside(assessment)
    for name, heading, build in _sheets(assessment, events):
        sheet = book.create_sheet(name)
        build(sheet)
        _rules_under(sheet, beside.get(name, []))
        _title(sheet, assessment, heading, sheet.max_column)
        _page(sheet, f"{title} {heading}", assessment.made_on, header_rows=2 if name == "完成情况" else 1)
    book.properties.title = title
    book.properties.creator = "draftdesk"
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    book.save(partial)
    partial.replace(path)
    return path


def write_adoption_template(
    path: Path, outlets: dict[str, str] | None = None, rules_line: str | None = None
) -> Path:
    """The sheet `draftdesk adopt --from` reads, with the outlet list as a drop-down.

    `rules_line`: the fee and bonus rules in the rulebook's numbers, for the 填写说明 sheet."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "录用登记"
    _header(sheet, 1, list(SHEET_COLUMNS))
    widths = {"A": 10, "B": 22, "C": 14, "D": 10, "E": 10}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    for row in range(2, 502):
        sheet.cell(row=row, column=3).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes["A1"] = (
        "稿件编号：退回说明、收稿回执或办公室收稿页面上的编号；录用媒体：从下拉列表选择（见“媒体名单”），"
        "全角括号、《》和常见简称也可。"
    )
    notes["A2"] = "录用日期：2021-03-05，空白为当天，不能早于收稿日期；" + (
        rules_line or "稿酬：仅公众号录用的微信原创稿件填写；加分：仅区级以上媒体的报道。"
    )
    notes["A3"] = "有任何一行填写有误时整表不登记，按提示修改后重新导入即可（重复导入不会重复登记）。"
    notes.column_dimensions["A"].width = 100
    if outlets:
        names = book.create_sheet("媒体名单")
        _header(names, 1, ["录用媒体", "级别"])
        _rows(names, 2, [[name, LEVEL_NAMES.get(level, level)] for name, level in outlets.items()])
        _fit(names)
        choice = DataValidation(
            type="list", formula1=f"=媒体名单!$A$2:$A${len(outlets) + 1}", allow_blank=True
        )
        choice.error = "请从媒体名单中选择录用媒体"
        sheet.add_data_validation(choice)
        choice.add("B2:B501")
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


TEMPLATE_NAME = "录用登记模板.xlsx"


def ensure_adoption_template(
    reports: Path, outlets: dict[str, str], rules_line: str | None = None
) -> list[Path]:
    """Write outbox/reports/录用登记模板.xlsx unless it exists (init is idempotent); what was created."""
    path = reports / TEMPLATE_NAME
    if path.exists():
        return []
    return [write_adoption_template(path, outlets, rules_line)]
