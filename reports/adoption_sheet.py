"""The office's adoption sheet (录用登记表), read back: one `AdoptionInput` per filled row.

Columns are found by their header names (稿件编号, 录用媒体, 录用日期, 稿酬, 加分), wherever they
stand, so the office may add its own columns. Values stay as typed: checking them is the
service layer's job (`service.adoptions`), which names each bad row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reports.workbook import SHEET_COLUMNS


@dataclass
class AdoptionInput:
    """One adoption as typed, before checking; `where` names it in messages (第3行 / 命令行)."""

    where: str
    submission_id: Any
    outlet: Any
    date: Any
    fee: Any
    bonus: Any


def read_sheet(path: Path) -> list[AdoptionInput]:
    """Rows of the adoption sheet by its header names; blank rows skipped. Raises ValueError."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not .xlsx
        raise ValueError(
            f"无法打开录用登记表 {path.name}：请使用 .xlsx 格式（{exc.__class__.__name__}）"
        ) from exc
    try:
        sheet = book.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        book.close()
    header_index = next(
        (i for i, row in enumerate(rows) if any(str(c).strip() == "稿件编号" for c in row if c is not None)),
        None,
    )
    if header_index is None:
        raise ValueError(f"录用登记表 {path.name} 没有表头“稿件编号”：表头应为 {'、'.join(SHEET_COLUMNS)}")
    header = [str(c).strip() if c is not None else "" for c in rows[header_index]]
    missing = [name for name in SHEET_COLUMNS[:2] if name not in header]
    if missing:
        raise ValueError(f"录用登记表 {path.name} 缺少列：{'、'.join(missing)}")
    col = {name: header.index(name) if name in header else None for name in SHEET_COLUMNS}
    items: list[AdoptionInput] = []
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):

        def cell(name: str, row: tuple[Any, ...] = row) -> Any:
            index = col[name]
            return row[index] if index is not None and index < len(row) else None

        if all(c is None or (isinstance(c, str) and not c.strip()) for c in row):
            continue
        items.append(
            AdoptionInput(
                f"第{offset}行",
                cell("稿件编号"),
                cell("录用媒体"),
                cell("录用日期"),
                cell("稿酬"),
                cell("加分"),
            )
        )
    return items
