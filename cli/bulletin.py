"""`draftdesk bulletin --month M | --quarter Q | --year Y`: the period's 通报 (`service.bulletin`)."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import ExitCode, fail, open_or_exit
from cli.wording import say
from service.bulletin import bulletin
from service.errors import DeskError
from service.score import period_from


def bulletin_command(
    *, month: str | None, quarter: str | None, year: int | None, workspace: Path | None
) -> int:
    """Write the 通报; 0 when written, 1 on a bad period, 2 on a bad workspace."""
    ws, rulebook = open_or_exit(workspace, need="outbox")
    try:
        published = bulletin(ws, rulebook, period_from(month, quarter, year))
    except DeskError as exc:
        fail(say(exc))
    if published.still_open:
        typer.echo("注意：该期间尚未结束，通报标题注明“截至”今天；期末后再运行可得正式通报。", err=True)
    typer.echo(f"通报已写入：{published.path}")
    if published.earlier:
        typer.echo(f"此前的同期通报已按生成时间保留：{published.earlier.name}")
    return ExitCode.OK
