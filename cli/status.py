"""`draftdesk status`: the workspace at a glance (`service.status`)."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import ExitCode, fail, open_or_exit
from cli.wording import with_command
from rules import RulebookError
from service.status import status_lines


def status_command(workspace: Path | None) -> int:
    """0 with the report; 2 when the folder is no workspace (no inbox), as `run` says."""
    ws, _ = open_or_exit(workspace, need="inbox")
    try:
        lines = status_lines(ws)
    except RulebookError as exc:
        fail(str(exc), ExitCode.USAGE)
    for line in lines:
        typer.echo(with_command(line))
    return ExitCode.OK
