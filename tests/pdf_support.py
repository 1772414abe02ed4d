"""Printing a document through LibreOffice, as the office would, and reading the PDF's pages:
the workbook and the 通报 tests share it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

A4 = (595.0, 842.0)  # points

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


def print_to_pdf(source: Path, scratch: Path, timeout: float = 80) -> Path:
    """`source` converted by LibreOffice (its own throwaway profile) into `scratch`/pdf/; the
    PDF's path. Without LibreOffice the test skips — but never under CI, where .ci/run
    installs it and a missing one must fail."""
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("LibreOffice (soffice) missing under CI")
        pytest.skip("LibreOffice (soffice) is not installed")
    out = scratch / "pdf"
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(scratch / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    pdf = out / f"{source.stem}.pdf"
    assert pdf.exists(), done.stdout + done.stderr
    return pdf
