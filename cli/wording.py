"""The service's refusals in the command line's words: each wrong input named by its option.

Why here: a service error says which input was wrong (`field`), not how a front end asked
for it. At the command line the month is `--month`, so that is what the sentence names; the
browser desk names the same field 月份 (`service.errors.FIELD_NAMES`).
"""

from __future__ import annotations

import re

from service.errors import AmbiguousAdoption, BadInput, BadRequest, DeskError, PeriodChoice, StillAdopted

# The option each service field is given by (a field with no option keeps its Chinese name).
OPTIONS: dict[str, str] = {
    "month": "--month",
    "count": "--count",
    "verdict": "--verdict",
    "received": "--received",
    "date": "--date",
    "type": "--type",
    "quarter": "--quarter",
}

# The command line's three ways of naming a period, for `PeriodChoice`.
PERIOD_OPTIONS = "--month 2021-03、--quarter 2021Q1 或 --year 2021"

# How the command line asks for a field given as an argument, shown after its refusal.
EXAMPLES: dict[str, str] = {"year": "如 draftdesk rules new 2027"}


def say(exc: DeskError) -> str:
    """`exc` as one sentence (a line per problem) for the person at the command line."""
    if isinstance(exc, BadRequest):
        return "\n".join(say(problem) for problem in exc.problems)
    if isinstance(exc, PeriodChoice) and exc.given:
        said = "、".join(f"--{kind}" for kind in exc.given)
        return f"只能指定一个期间，却同时给了 {said}：请只用 {PERIOD_OPTIONS} 之一。"
    if isinstance(exc, PeriodChoice):
        return f"请指定要考核的期间：{PERIOD_OPTIONS}（三者选一）。"
    if isinstance(exc, AmbiguousAdoption):
        return exc.worded(f" {OPTIONS['date']} ")
    if isinstance(exc, StillAdopted):
        return f"{exc}（命令：{unadopt_commands(exc)}）"
    if isinstance(exc, BadInput) and exc.field in OPTIONS:
        return exc.worded(f"{OPTIONS[exc.field]} ")
    if isinstance(exc, BadInput) and exc.field in EXAMPLES and exc.value is not None:
        return f"{str(exc).rstrip('。')}，{EXAMPLES[exc.field]}。"
    return str(exc)


def unadopt_commands(exc: StillAdopted) -> str:
    """The command that withdraws each adoption a refused 核定 names, joined by ；."""
    sub = exc.submission_id
    return "；".join(
        f"draftdesk unadopt {sub} --outlet {o} --date {d} --reason 撤销原因" for o, d in exc.adoptions
    )


_NEW_YEAR = re.compile(r"请办公室新建并核对 (\d{4}) 年的规则文件。")


def with_command(text: str) -> str:
    """`text` with the command that does what it advises, for the person at the command line:
    the notes and pages say 请办公室新建并核对 2022 年的规则文件 and leave commands out."""
    return _NEW_YEAR.sub(lambda m: f"{m.group(0)}（命令：draftdesk rules new {m.group(1)}）", text)
