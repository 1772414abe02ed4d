"""The anatomy of a Chinese news draft: title, metadata lines, byline, captions, body (SPEC §4).

Units frame the story with lines that are not the story — `报送单位：湖滨社区`, `（湖滨社区 张三）`,
`图为志愿者入户宣传` — and the length rules count only the story. This module sorts paragraph
texts into those roles; it sees strings only, so it is tested on strings.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

# Label as written → normalised metadata key. Longer labels first so 信息类别 wins over 类别.
METADATA_LABELS: tuple[tuple[str, str], ...] = (
    ("报送单位", "unit"),
    ("稿件类型", "type"),
    ("信息类别", "category"),
    ("类别", "category"),
    ("拟发布日期", "publish_date"),
    ("发布日期", "publish_date"),
    ("作者", "author"),
    ("撰稿人", "writer"),
    ("撰稿", "writer"),
    ("通讯员", "correspondent"),
    ("供稿", "contributor"),
    ("摄影", "photographer"),
    ("审核", "reviewer"),
    ("联系电话", "phone"),
    ("电话", "phone"),
)

_LABELS = "|".join(re.escape(label) for label, _ in METADATA_LABELS)
_KEY_OF = dict(METADATA_LABELS)
_LABEL_AT = re.compile(rf"({_LABELS})\s*[:：]")
_LEADING = re.compile(rf"^[\s【\[（(]*({_LABELS})\s*[:：]")
_LABEL_ONLY = re.compile(rf"^({_LABELS})\s*[:：]?$")
_BYLINE = re.compile(r"^[（(][^（）()]{1,60}[）)]$")
_CAPTION = re.compile(r"^(图为|图[:：]|图片[:：]|图\s*[0-9０-９一二三四五六七八九十]|[（(]\s*图|▲)")
_DATE = re.compile(r"(\d{4})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})")


@dataclass
class Anatomy:
    """Indices into the paragraph list, by role, plus what the metadata lines said."""

    title: int | None = None
    metadata_lines: list[int] = field(default_factory=list)
    byline: int | None = None
    captions: list[int] = field(default_factory=list)
    body: list[int] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)


def _clean(text: str) -> str:
    return text.strip().strip("\u200b\ufeff").strip()


def parse_metadata_line(text: str) -> dict[str, str] | None:
    """The label → value pairs of a metadata line (several may share one line), or None when the
    line does not start with a known label. Values keep their raw text, trimmed."""
    line = _clean(text)
    if not _LEADING.match(line):
        return None
    marks = list(_LABEL_AT.finditer(line))
    out: dict[str, str] = {}
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(line)
        value = line[mark.end() : end].strip(" \t\u3000；;，,】]）)")
        key = _KEY_OF[mark.group(1)]
        if value and key not in out:
            out[key] = value
    return out


def is_byline(text: str) -> bool:
    """A paragraph that is only a parenthesised group: `（湖滨社区 张三）`."""
    return bool(_BYLINE.match(_clean(text)))


def is_caption(text: str) -> bool:
    """A photo caption: starts with 图为, 图：, 图片：, 图1…, （图, ▲."""
    return bool(_CAPTION.match(_clean(text)))


def label_alone(text: str) -> str | None:
    """The metadata key when a paragraph is only a label (`报送单位`, `审核：`): a form-like head
    table puts the value in the next cell, which is the next paragraph."""
    m = _LABEL_ONLY.match(_clean(text))
    return _KEY_OF[m.group(1)] if m else None


def split_anatomy(texts: Sequence[str], main: Sequence[bool] | None = None) -> Anatomy:
    """Sort paragraphs into roles. `main[i]` says paragraph i may hold the title (the document
    body proper, not a table cell, text box or note); when no such paragraph is left, the first
    remaining one is the title. Empty paragraphs get no role."""
    result = Anatomy()
    candidates: list[int] = []
    pending_key: str | None = None
    for i, raw in enumerate(texts):
        text = _clean(raw)
        if not text:
            continue
        if pending_key is not None and parse_metadata_line(text) is None and label_alone(text) is None:
            result.metadata_lines.append(i)
            result.metadata.setdefault(pending_key, text)
            pending_key = None
            continue
        pending_key = None
        pairs = parse_metadata_line(text)
        if pairs:
            result.metadata_lines.append(i)
            for key, value in pairs.items():
                result.metadata.setdefault(key, value)
            continue
        alone = label_alone(text)
        if alone is not None:
            result.metadata_lines.append(i)
            pending_key = alone
        elif is_caption(text):
            result.captions.append(i)
        else:
            candidates.append(i)
    titles = [i for i in candidates if main is None or main[i]] or candidates
    result.title = titles[0] if titles else None
    for i in candidates:
        if i == result.title:
            continue
        if result.byline is None and is_byline(texts[i]):
            result.byline = i
        else:
            result.body.append(i)
    return result


def parse_date(text: str, default_year: int | None = None) -> dt.date | None:
    """A written date: `2021年3月15日`, `2021-03-15`, `2021.3.15`; `3月15日` takes `default_year`."""
    norm = unicodedata.normalize("NFKC", text)
    m = _DATE.search(norm)
    year: int | None
    if m:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = re.search(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]", norm)
        if not m or default_year is None:
            return None
        year, month, day = default_year, int(m.group(1)), int(m.group(2))
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
