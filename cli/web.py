"""`draftdesk web`: serve the browser desk (`web.server`), and the desk beside watch/serve."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli.common import ExitCode, fail, open_or_exit

if TYPE_CHECKING:
    from service.address import DeskAddress


def web_command(workspace: Path | None, host: str | None, port: int | None, hash_password: bool) -> int:
    if hash_password:
        from web.auth import hash_password as make_hash

        secret = _new_password()
        typer.echo("把下面一行写入 draftdesk.toml 的 [web] 段：")
        typer.echo(f'password_hash = "{make_hash(secret)}"')
        return ExitCode.OK
    ws, rulebook = open_or_exit(workspace, need="outbox")
    from service.address import desk_address
    from web.auth import password_hash_for, refusal_to_start
    from web.server import run, shown_addresses

    where = desk_address(rulebook, host, port)
    refusal = refusal_to_start(where.host, password_hash_for(rulebook))
    if refusal:
        fail(refusal, ExitCode.USAGE)
    typer.echo(f"办公桌：{shown_addresses(where.host, where.port)}（按 Ctrl-C 停止）")
    for line in links_lines(where):
        typer.echo(line)
    try:
        run(ws, rulebook, where.host, where.port)
    except ValueError as exc:
        fail(str(exc), ExitCode.USAGE)
    return ExitCode.OK


def _new_password() -> str:
    """Asked twice, in Chinese (click's own confirmation words are English)."""
    while True:
        first = typer.prompt("请输入办公桌密码", hide_input=True, prompt_suffix="：")
        if first == typer.prompt("请再输入一遍，确认密码", hide_input=True, prompt_suffix="："):
            return str(first)
        typer.echo("两次输入的密码不一致，请重新输入。", err=True)


def links_lines(where: DeskAddress) -> list[str]:
    """The units' link base, and why those links would not open elsewhere when they would not."""
    lines = [f"各单位专属链接以此开头：{where.base_url}/u/"]
    return lines + ([f"注意：{where.warning}"] if where.warning else [])


def start_desk(workspace: Path | None, host: str | None, port: int | None) -> list[str]:
    """For watch/serve: start the desk on a thread; the lines to print beside the Prefect UI's."""
    ws, rulebook = open_or_exit(workspace, need="inbox")
    from service.address import desk_address
    from web.server import shown_addresses, start_background

    where = desk_address(rulebook, host, port)
    try:
        start_background(ws, rulebook, where.host, where.port)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        return []
    return [f"办公桌：{shown_addresses(where.host, where.port)}", *links_lines(where)]
