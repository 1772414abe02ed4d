"""The service's refusals in the desk's words: each wrong input named as its form labels it.

Why here: a service error says which input was wrong (`field`), not how a page asked for it.
A page has no `--month`; it has a field labelled 月份, a list to choose a unit from, a
录用日期 box to say which adoption is meant. The command line words the same errors with its
options (`cli.wording`).
"""

from __future__ import annotations

from service.errors import (
    FIELD_NAMES,
    AmbiguousAdoption,
    BadInput,
    BadRequest,
    DeskError,
    StillAdopted,
    UnknownUnit,
)

# The form's label for a field, where it differs from the service's name for it.
LABELS: dict[str, str] = {**FIELD_NAMES, "count": "约稿篇数", "period": "期间"}

# Fields the page offers as a list: a wrong value means "choose from the list".
CHOSEN: dict[str, str] = {"type": "请从列表中选择稿件类型。"}


def say(exc: DeskError) -> str:
    """`exc` as the sentence (a line per problem) shown beside the form."""
    if isinstance(exc, BadRequest):
        return "\n".join(say(problem) for problem in exc.problems)
    if isinstance(exc, UnknownUnit) and not exc.name:
        return "请选择单位。"
    if isinstance(exc, UnknownUnit) and exc.year:
        return f"单位“{exc.name}”不在{exc.year}年的规则文件中，请从考核表中选择单位。"
    if isinstance(exc, UnknownUnit):
        return f"单位“{exc.name}”不在规则文件中，请从列表中选择单位。"
    if isinstance(exc, AmbiguousAdoption):
        return exc.worded("“录用日期”一栏")
    if isinstance(exc, StillAdopted):
        return exc.worded("在“录用登记”页")
    if isinstance(exc, BadInput) and exc.field in CHOSEN and exc.value is not None:
        return f"{LABELS['type']}“{exc.value}”不在规则文件中，{CHOSEN[exc.field]}"
    if isinstance(exc, BadInput):
        return exc.worded(LABELS.get(exc.field, exc.field))
    return str(exc)
