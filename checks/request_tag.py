"""Which 约稿 a 党委政务信息 draft's file name says it answers: 【约稿12】, [约稿12], 约稿-12,
约稿12号. Pure; the intake reads it when it records a draft (`intake.answers`)."""

from __future__ import annotations

import re
import unicodedata

_TAG = re.compile(r"约稿\s*(?:编号)?\s*[-_—－#＃:：]?\s*(\d{1,6})(?![\d年月])")  # 约稿2021年… is a date


def request_tag(name: str) -> int | None:
    """The 约稿 number the file name carries, or None. Full-width digits count (NFKC)."""
    text = unicodedata.normalize("NFKC", name or "")
    found = _TAG.search(text)
    return int(found.group(1)) if found else None
