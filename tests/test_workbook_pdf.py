"""The period workbook printed through LibreOffice Calc: every page comes out A4."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from reports.events_view import Event, fields_text
from reports.period import assessment_of
from reports.workbook import write_period_workbook
from rules import Rulebook
from tests.pdf_support import A4, page_boxes, print_to_pdf
from tests.test_reports import REJECTED, _report, _write


@pytest.mark.integration
@pytest.mark.timeout(90)
def test_the_year_workbook_prints_on_a4(tmp_path: Path, rulebook: Rulebook) -> None:
    book = _write(rulebook, "2021", tmp_path / "考核结果_2021.xlsx", REJECTED, dt.date(2022, 1, 5))
    pdf = print_to_pdf(book, tmp_path)
    boxes = page_boxes(pdf.read_bytes())
    assert len(boxes) >= 7, "a page per sheet at least (7 sheets in a year's workbook)"
    for x0, y0, x1, y1 in boxes:
        size = sorted((x1 - x0, y1 - y0))
        assert abs(size[0] - A4[0]) < 2 and abs(size[1] - A4[1]) < 2, (x0, y0, x1, y1)


LONG_REASON = (
    "单位来电说明该稿件系误投，经核实录用媒体与录用日期均登记有误，按分管领导意见撤销后重新登记，特此说明"
)


def _events() -> list[Event]:
    after = {
        "outlet": "常州日报（武进版）新闻专题栏目",
        "level": "city",
        "adopted_on": "2021-03-12",
        "fee": 80,
    }
    return [
        Event(
            n,
            "2021-03-20T10:00:00+08:00",
            "办公室（192.168.1.20）",
            "adopt",
            n,
            LONG_REASON,
            None,
            after,
            "登记录用",
            None,
        )
        for n in range(1, 4)
    ]


@pytest.mark.integration
@pytest.mark.timeout(90)
def test_the_operations_sheet_prints_every_character(tmp_path: Path, rulebook: Rulebook) -> None:
    """The 操作记录 sheet wraps and grows its rows: 变更后 and 原因 print whole on A4."""
    assessment = assessment_of(_report(rulebook, "2021-03"), rulebook, dt.date(2021, 4, 2), None, REJECTED)
    book = write_period_workbook(assessment, tmp_path / "考核结果_2021-03.xlsx", _events())
    pdf = print_to_pdf(book, tmp_path)
    text = re.sub(
        r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    )
    # wrapped cells interleave in the text layer: each character is printed, in order, per row
    assert printed_in_order(LONG_REASON * 3, text)
    assert printed_in_order(re.sub(r"\s+", "", fields_text(_events()[0].after)) * 3, text)
    for x0, y0, x1, y1 in page_boxes(pdf.read_bytes()):
        assert sorted((round(x1 - x0), round(y1 - y0))) == [595, 842]


def printed_in_order(wanted: str, text: str) -> bool:
    """Whether every character of `wanted` occurs in `text` in the same order."""
    found = iter(text)
    return all(ch in found for ch in wanted)
