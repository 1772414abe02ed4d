"""The period workbook printed through LibreOffice Calc: every page comes out A4."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rules import Rulebook
from tests.pdf_support import A4, page_boxes, print_to_pdf
from tests.test_reports import REJECTED, _write


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
