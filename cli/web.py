"""`draftdesk web`: serve the browser desk (`web.server`), and the desk beside watch/serve."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import ExitCode, fail, open_or_exit


def web_command(workspace: Path | None, host: str, port: int, hash_password: bool) -> int:
    if hash_password:
        from web.auth import hash_password as make_hash

        secret = _new_password()
        typer.echo("把下面一行写入 draftdesk.toml 的 [web] 段：")
        typer.echo(f'password_hash = "{make_hash(secret)}"')
        return ExitCode.OK
    ws, rulebook = open_or_exit(workspace, need="outbox")
    from web.auth import password_hash_for, refusal_to_start
    from web.server import run, shown_addresses

    refusal = refusal_to_start(host, password_hash_for(rulebook))
    if refusal:
        fail(refusal, ExitCode.USAGE)
    typer.echo(f"办公桌：{shown_addresses(host, port)}（按 Ctrl-C 停止）")
    try:
        run(ws, rulebook, host, port)
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


def start_desk(workspace: Path | None, host: str, port: int) -> str | None:
    """For watch/serve: start the desk on a thread; the line to print beside the Prefect UI's."""
    ws, rulebook = open_or_exit(workspace, need="inbox")
    from web.server import shown_addresses, start_background

    try:
        start_background(ws, rulebook, host, port)
        return f"办公桌：{shown_addresses(host, port)}"
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        return None
