"""Length rules on the body figure (`zishu`): title, metadata lines, byline and captions excluded.

Boundaries are inclusive (200–500 accepts both 200 and 500), as the seed writes "字数200-500字".
"""

from __future__ import annotations

from extractors.model import ERROR, Draft, Finding
from rules.model import ContentType


def requirement_text(ctype: ContentType) -> str | None:
    """`要求 200–500 字`, `要求不少于 5000 字`, `要求不超过 800 字`, or None without a length rule."""
    low, high = ctype.min_chars, ctype.max_chars
    if low is not None and high is not None:
        return f"要求 {low}–{high} 字"
    if low is not None:
        return f"要求不少于 {low} 字"
    if high is not None:
        return f"要求不超过 {high} 字"
    return None


def check_length(draft: Draft, ctype: ContentType) -> list[Finding]:
    """An error when the body is shorter than `min_chars` or longer than `max_chars`."""
    wanted = requirement_text(ctype)
    if wanted is None:
        return []
    zishu = draft.counts.zishu
    if ctype.min_chars is not None and zishu < ctype.min_chars:
        advice = f"请补充内容至少 {ctype.min_chars - zishu} 字后重新报送。"
    elif ctype.max_chars is not None and zishu > ctype.max_chars:
        advice = f"请删减至少 {zishu - ctype.max_chars} 字后重新报送。"
    else:
        return []
    return [
        Finding(
            "length",
            ERROR,
            f"正文字数 {zishu} 字，{wanted}（{ctype.name}，标题、署名、图片说明不计入）。{advice}",
        )
    ]
