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
    return print_all_to_pdf([source], scratch, timeout)[0]


def print_all_to_pdf(sources: list[Path], scratch: Path, timeout: float = 80) -> list[Path]:
    """`print_to_pdf` for several documents in one start of LibreOffice."""
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
            *map(str, sources),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    pdfs = [out / f"{source.stem}.pdf" for source in sources]
    assert all(pdf.exists() for pdf in pdfs), done.stdout + done.stderr
    return pdfs


_PAGE_BOX = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')


def page_words(pdf: Path) -> list[tuple[float, list[tuple[str, float, float]]]]:
    """Each page's height and its words (text, top, bottom; points from the page's top edge),
    as `pdftotext -bbox` reads them."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for chunk in xml.split("<page ")[1:]:
        height = float(_PAGE_BOX.search("<page " + chunk).group(2))  # type: ignore[union-attr]
        words = [(text, float(top), float(bottom)) for top, bottom, text in _WORD.findall(chunk)]
        pages.append((height, words))
    return pages
