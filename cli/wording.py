"""The service's refusals in the command line's words: each wrong input named by its option.

Why here: a service error says which input was wrong (`field`), not how a front end asked
for it. At the command line the month is `--month`, so that is what the sentence names; the
browser desk names the same field 月份 (`service.errors.FIELD_NAMES`).
"""

from __future__ import annotations

from service.errors import AmbiguousAdoption, BadInput, BadRequest, DeskError

# The option each service field is given by (a field with no option keeps its Chinese name).
OPTIONS: dict[str, str] = {
    "month": "--month",
    "count": "--count",
    "verdict": "--verdict",
    "received": "--received",
    "date": "--date",
    "type": "--type",
}

# How the command line asks for a field given as an argument, shown after its refusal.
EXAMPLES: dict[str, str] = {"year": "如 draftdesk rules new 2027"}


def say(exc: DeskError) -> str:
    """`exc` as one sentence (a line per problem) for the person at the command line."""
    if isinstance(exc, BadRequest):
        return "\n".join(say(problem) for problem in exc.problems)
    if isinstance(exc, AmbiguousAdoption):
        return exc.worded(f" {OPTIONS['date']} ")
    if isinstance(exc, BadInput) and exc.field in OPTIONS:
        return exc.worded(f"{OPTIONS[exc.field]} ")
    if isinstance(exc, BadInput) and exc.field in EXAMPLES and exc.value is not None:
        return f"{str(exc).rstrip('。')}，{EXAMPLES[exc.field]}。"
    return str(exc)
