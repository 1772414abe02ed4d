"""公告、通知类 pieces: the seed pays them the minimum fee but never counts them toward a quota.

They are accepted (the office still publishes them), so this is a warning, not an error; the
words that mark a notice are the rulebook's `announcement_words`.
"""

from __future__ import annotations

from extractors.model import WARNING, Draft, Finding
from rules.model import ContentType


def announcement_word(draft: Draft, ctype: ContentType) -> str | None:
    """The first of the type's announcement words found in the title, else None."""
    return next((word for word in ctype.announcement_words if word in draft.title), None)


def check_announcement(draft: Draft, ctype: ContentType) -> tuple[bool, list[Finding]]:
    """(is an announcement, findings): a `category` warning saying the piece is not counted."""
    word = announcement_word(draft, ctype)
    if word is None:
        return False, []
    return True, [
        Finding(
            "category",
            WARNING,
            (
                f"标题含“{word}”，属于公告、通知类稿件：予以收稿，按最低稿酬计发，但不计入{ctype.name}考核完成数。"
            ),
        )
    ]
