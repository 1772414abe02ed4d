"""`draftdesk status`: the workspace at a glance (`service.status`)."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import ExitCode, fail
from rules import RulebookError
from service.status import status_lines
from workspace import resolve_workspace


def status_command(workspace: Path | None) -> int:
    ws = resolve_workspace(workspace)
    try:
        lines = status_lines(ws)
    except RulebookError as exc:
        fail(str(exc), ExitCode.USAGE)
    for line in lines:
        typer.echo(line)
    return ExitCode.OK
