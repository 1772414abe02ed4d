"""`draftdesk rules new YEAR | check`: one rulebook per year (`service.rulebooks`)."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import ExitCode, cli_actor, fail
from cli.wording import say
from rules import RulebookError
from service.errors import DeskError
from workspace import resolve_workspace


def rules_new_command(year_text: str, workspace: Path | None) -> int:
    from service.rulebooks import new_rulebook, parse_year

    ws = resolve_workspace(workspace)
    try:
        year = parse_year(year_text)
        target, source = new_rulebook(ws, year, actor=cli_actor())
    except DeskError as exc:
        fail(say(exc), ExitCode.USAGE)
    except RulebookError as exc:
        fail(str(exc), ExitCode.USAGE)
    typer.echo(f"已建立 {target}（由 {source.name} 复制，年份改为 {year}）。")
    typer.echo(
        f"请核对其中的数值，并按 {year} 年的放假安排填写 [calendar] 一节；然后运行 draftdesk rules check。"
    )
    return ExitCode.OK


def rules_check_command(workspace: Path | None) -> int:
    from service.rulebooks import check_rulebooks

    ws = resolve_workspace(workspace)
    good, warnings, problems = check_rulebooks(ws)
    for line in good:
        typer.echo(line)
    for warning in warnings:
        typer.echo(warning, err=True)
    for problem in problems:
        typer.echo(problem, err=True)
    return ExitCode.USAGE if problems else ExitCode.OK
