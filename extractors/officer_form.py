"""附件2 西湖街道信息员推荐表: the filled form read from its table cells.

The form is a table of label cells each followed by a value cell (工作单位 | 礼河卫生院 |
主管领导 | … ). Units type with spaces inside labels (学 历, 职 务) and merge cells freely,
so labels are compared without spaces or colons and a merged cell is read once.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from extractors.messages import MSG_FORM_NAME_EMPTY, MSG_FORM_NO_NAME, form_not_word
from extractors.package import PackageRefused, open_package
from rules.model import Limits

# Label (spaces removed) → officers column.
LABELS: dict[str, str] = {
    "工作单位": "unit",
    "主管领导": "leader",
    "联系电话": "phone",
    "通讯员姓名": "name",
    "性别": "gender",
    "出生年月": "birth",
    "政治面貌": "politics",
    "个人手机": "mobile",
    "QQ": "qq",
    "学历": "education",
    "职务": "position",
    "微信": "wechat",
}
_SPACES = re.compile(r"[\s\u3000:：]+")


def _label(text: str) -> str:
    key = _SPACES.sub("", text)
    return "QQ" if key.upper() == "QQ" else key


def _distinct_cells(row: Any) -> list[Any]:
    """A row's cells with horizontally merged repeats removed (python-docx repeats them)."""
    seen: list[Any] = []
    for cell in row.cells:
        if not seen or cell._tc is not seen[-1]._tc:
            seen.append(cell)
    return seen


def read_officer_form(data: bytes, limits: Limits | None = None) -> dict[str, str]:
    """The officer's fields keyed by officers column (name, unit, mobile, …). Raises ValueError.

    With `limits`, the package is first checked like a draft (zip bomb, macros, encryption)
    before python-docx inflates anything.
    """
    from docx import Document

    if limits is not None:
        try:
            open_package(data, limits)
        except PackageRefused as exc:
            raise ValueError(exc.message) from exc
    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValueError(form_not_word(exc)) from exc
    except Exception as exc:  # python-docx raises several kinds on malformed packages
        raise ValueError(form_not_word(exc)) from exc
    found: dict[str, str] = {}
    for table in document.tables:
        for row in table.rows:
            cells = _distinct_cells(row)
            for index, cell in enumerate(cells):
                key = LABELS.get(_label(cell.text))
                if key is None or key in found:
                    continue
                following = cells[index + 1] if index + 1 < len(cells) else None
                value = following.text.strip() if following is not None else ""
                found[key] = "" if LABELS.get(_label(value)) else value
    if "name" not in found:
        raise ValueError(MSG_FORM_NO_NAME)
    if not found["name"]:
        raise ValueError(MSG_FORM_NAME_EMPTY)
    return found
