"""The period workbook printed through LibreOffice Calc: every page comes out A4."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from rules import Rulebook
from tests.test_reports import REJECTED, _write

_MEDIABOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")
_PAGE = re.compile(rb"/Type\s*/Page(?!s)")  # a page object, not the /Pages tree (whose box is the union)


def page_boxes(pdf: bytes) -> list[tuple[float, ...]]:
    """The MediaBox of every page object in an uncompressed-object PDF such as LibreOffice writes."""
    boxes = []
    for obj in pdf.split(b"endobj"):
        box = _MEDIABOX.search(obj)
        if box and _PAGE.search(obj):
            boxes.append(tuple(float(v) for v in box.groups()))
    return boxes


A4 = (595.0, 842.0)  # points


@pytest.mark.integration
@pytest.mark.timeout(90)
def test_the_year_workbook_prints_on_a4(tmp_path: Path, rulebook: Rulebook) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    book = _write(rulebook, "2021", tmp_path / "考核结果_2021.xlsx", REJECTED, dt.date(2022, 1, 5))
    out = tmp_path / "pdf"
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(book),
        ],
        capture_output=True,
        text=True,
        timeout=80,
    )
    pdf = out / "考核结果_2021.pdf"
    assert pdf.exists(), done.stdout + done.stderr
    boxes = page_boxes(pdf.read_bytes())
    assert len(boxes) >= 7, "a page per sheet at least (7 sheets in a year's workbook)"
    for x0, y0, x1, y1 in boxes:
        size = sorted((x1 - x0, y1 - y0))
        assert abs(size[0] - A4[0]) < 2 and abs(size[1] - A4[1]) < 2, (x0, y0, x1, y1)
