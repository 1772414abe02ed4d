"""党委政务信息 must say which of the rulebook's categories it belongs to.

Units write the category in many ways: a `类别：正面成绩类` line, a category sub-folder under the
type folder, or just the word without 类 (`正面成绩`). All of them name the same category, so
`match_category` maps each to the rulebook's spelling; the check only asks whether one was given.
"""

from __future__ import annotations

import re

from extractors.model import ERROR, Draft, Finding
from rules.model import ContentType

CATEGORY_SUFFIX = "类"
_TITLE_TAG = re.compile(r"^\s*[【\[［〔(（]([^】\]］〕)）]{1,12})[】\]］〕)）]")


def match_category(text: str | None, ctype: ContentType | None) -> str | None:
    """The rulebook category `text` names (exactly, without its trailing 类, or contained in it)."""
    if not text or ctype is None or not ctype.categories:
        return None
    wanted = text.strip().strip("【】[]［］()（）<>《》:：").strip()
    if not wanted:
        return None
    for category in ctype.categories:
        if wanted in (category, category.removesuffix(CATEGORY_SUFFIX)):
            return category
    for category in ctype.categories:
        if category.removesuffix(CATEGORY_SUFFIX) in wanted:
            return category
    return None


def category_of(draft: Draft, ctype: ContentType, identity_category: str | None) -> str | None:
    """The draft's category: the folder's (identity) first, then the `类别：` line, then a title tag."""
    for candidate in (identity_category, draft.metadata.get("category")):
        found = match_category(candidate, ctype)
        if found:
            return found
    tag = _TITLE_TAG.match(draft.title)
    return match_category(tag.group(1), ctype) if tag else None


def check_category(
    draft: Draft, ctype: ContentType, identity_category: str | None
) -> tuple[str | None, list[Finding]]:
    """(category, findings): an error when a type that needs a category has none the rulebook knows."""
    if not ctype.categories:
        return None, []
    found = category_of(draft, ctype, identity_category)
    if found:
        return found, []
    valid = "、".join(ctype.categories)
    written = (draft.metadata.get("category") or "").strip()
    if written:
        message = (
            f"稿件写的类别“{written}”不是{ctype.name}的有效类别，要求为{valid}之一。"
            f"请改为其中一类（如“类别：{ctype.categories[0]}”）后重新报送。"
        )
    else:
        message = (
            f"{ctype.name}未注明类别，要求注明{valid}之一。请在文首加一行"
            f"“类别：{ctype.categories[0]}”（或放入对应的类别文件夹）后重新报送。"
        )
    return None, [Finding("category", ERROR, message)]
