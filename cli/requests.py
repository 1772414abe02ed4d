"""`draftdesk request new | list | close | answer`: 约稿 as tasks, over `service.requests`."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import ExitCode, cli_actor, fail, open_or_exit
from cli.wording import say
from service import requests
from service.errors import DeskError


def new_command(*, topic: str, units: str, deadline: str, workspace: Path | None) -> int:
    ws, rulebook = open_or_exit(workspace, need="outbox")
    try:
        issued = requests.new_request(ws, rulebook, topic, units, deadline, actor=cli_actor())
    except DeskError as exc:
        fail(say(exc))
    typer.echo(issued.sentence())
    return ExitCode.OK


def list_command(*, year: int | None, workspace: Path | None) -> int:
    ws, rulebook = open_or_exit(workspace, need="outbox")
    try:
        lines = requests.listing(ws, rulebook, year)
    except DeskError as exc:
        fail(say(exc))
    for line in lines or ["还没有约稿。用 draftdesk request new 发出约稿。"]:
        typer.echo(line)
    return ExitCode.OK


def close_command(*, request_id: int, reason: str | None, workspace: Path | None) -> int:
    ws, rulebook = open_or_exit(workspace, need="outbox")
    try:
        line = requests.close(ws, rulebook, request_id, reason, actor=cli_actor())
    except DeskError as exc:
        fail(say(exc))
    typer.echo(line)
    return ExitCode.OK


def answer_command(*, request_id: int, submission_id: int, reason: str | None, workspace: Path | None) -> int:
    ws, rulebook = open_or_exit(workspace, need="outbox")
    try:
        line = requests.answer_request(
            ws, rulebook, request_id, submission_id, actor=cli_actor(), reason=reason
        )
    except DeskError as exc:
        fail(say(exc))
    typer.echo(line)
    return ExitCode.OK
