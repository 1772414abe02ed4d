"""`draftdesk log [--id ID] [--json] [--verify]`: the log of changes (`service.events`)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cli.common import ExitCode, fail, open_or_exit
from service.events import list_events, verify


def log_command(*, submission_id: int | None, as_json: bool, check: bool, workspace: Path | None) -> int:
    """List the events (or one draft's); with --verify, check the chain: 1 when it is broken."""
    ws, _ = open_or_exit(workspace, need="outbox")
    if check:
        count, broken = verify(ws)
        if broken:
            fail(broken)
        typer.echo(f"操作记录共 {count} 条，逐条核对无误：没有被改动或删除的记录。")
        return ExitCode.OK
    events = list_events(ws, submission_id)
    if as_json:
        typer.echo(json.dumps([e.as_json() for e in events], ensure_ascii=False, indent=2))
        return ExitCode.OK
    if not events:
        which = f"稿件 {submission_id} " if submission_id is not None else ""
        typer.echo(f"{which}还没有操作记录。")
    for event in events:
        typer.echo(event.line())
    return ExitCode.OK
