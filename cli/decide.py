"""`draftdesk decide`: the office's 核定 of one draft, over `service.decisions`."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import ExitCode, cli_actor, fail, open_or_exit
from cli.wording import say
from service import decisions
from service.errors import DeskError

USAGE = "请写明稿件编号和一种核定，例如：draftdesk decide 12 --accept --reason 活动日期经核实无误"


def decide_command(
    submission_id: int | None, chosen: list[str], reason: str | None, *, workspace: Path | None
) -> int:
    """0 when decided, 1 when refused (nothing changed), 2 on a bad workspace."""
    ws, rulebook = open_or_exit(workspace, need="outbox")
    if submission_id is None or len(chosen) != 1:
        fail(
            USAGE
            if len(chosen) < 2
            else "一次只能做一种核定（--accept、--reject、--count、--not-count 或 --undo）。"
        )
    try:
        done = decisions.decide(ws, rulebook, submission_id, chosen[0], reason, actor=cli_actor())
    except DeskError as exc:
        fail(say(exc))
    typer.echo(done.sentence())
    return ExitCode.OK
