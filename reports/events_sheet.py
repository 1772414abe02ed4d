"""The workbook's 操作记录 sheet: every change of the record made in the period, as the log
holds it, so whoever signs the workbook sees who entered, withdrew or decided what.

Kept apart from `reports.workbook` (one call there) so the sheet can change on its own. Every
cell wraps and each row is as tall as its longest cell, so the sheet prints on A4 (landscape,
one page wide, by the workbook's page setup) without losing a character."""

from __future__ import annotations

import math
from collections.abc import Sequence

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from reports.events_view import Event, fields_text, when_text

SHEET_NAME = "操作记录"
HEADERS = ("序号", "时间", "操作人", "操作", "对象", "变更前", "变更后", "原因")
WIDTHS = (6, 17, 20, 12, 16, 36, 36, 18)
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD = (
    Font(bold=True),
    PatternFill("solid", fgColor="DDEBF7"),
    Alignment(horizontal="center", wrap_text=True),
)


LINE_HEIGHT = 15  # points a wrapped line takes at the sheet's 11-point font


def lines_in(value: object, width: float) -> int:
    """How many lines `value` takes wrapped in a column `width` characters wide (a Han
    character two): openpyxl sets no row height, and neither Excel nor LibreOffice grows one."""
    room = max(1.0, width - 1)
    return sum(
        max(1, math.ceil(sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) / room))
        for line in str(value).split("\n")
    )


def event_row(event: Event) -> list[str | int]:
    return [
        event.id,
        when_text(event.at),
        event.actor,
        event.action_name,
        event.about,
        fields_text(event.before),
        fields_text(event.after),
        event.reason or "",
    ]


def fill_events_sheet(sheet: Worksheet, events: Sequence[Event], head_row: int = 2) -> None:
    """Headers in `head_row` (the workbook writes the title row above), one row per event."""
    for col, name in enumerate(HEADERS, 1):
        cell = sheet.cell(row=head_row, column=col, value=name)
        cell.font, cell.fill, cell.alignment = _HEAD
        cell.border = _BOX
        sheet.column_dimensions[cell.column_letter].width = WIDTHS[col - 1]
    for r, event in enumerate(events, head_row + 1):
        values = event_row(event)
        for col, value in enumerate(values, 1):
            cell = sheet.cell(row=r, column=col, value=value)
            cell.border, cell.alignment = _BOX, Alignment(vertical="top", wrap_text=True)
        lines = max(lines_in(v, w) for v, w in zip(values, WIDTHS, strict=True))
        sheet.row_dimensions[r].height = LINE_HEIGHT * lines + 3
    sheet.freeze_panes = f"A{head_row + 1}"
