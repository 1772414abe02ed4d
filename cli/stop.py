"""`draftdesk stop`: stop the workspace's local Prefect server.

`watch` and `serve` start (or reuse) a Prefect server under `<ws>/.prefect` and leave it
running on purpose (`run` uses it when it is up), so the next command starts in seconds and the
UI stays up. This is the office's way to turn it off — before moving the workspace, shutting the
machine down cleanly, or to free its memory. The next `watch` or `serve` starts it again by
itself. While a `watch` or `serve` of the workspace relies on it, `stop` says so and asks first
(`--force` does not ask; with no terminal to ask on, it refuses without `--force`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from cli.common import ExitCode
from flows.server_users import ServerUser, server_users
from service.status import USER_LABELS
from workspace import resolve_workspace


def stop_command(workspace: Path | None, force: bool = False) -> int:
    """0 when stopped, when none ran, or when the user said no; 1 when it would not end or
    when users are running and no one could be asked."""
    from flows import prefect_env

    ws = resolve_workspace(workspace)
    users = server_users(ws)
    if users and not force and not _confirmed(users):
        return ExitCode.REFUSED if not sys.stdin.isatty() else ExitCode.OK
    try:
        stopped = prefect_env.shutdown_local_server(ws)
    except (RuntimeError, OSError) as exc:
        typer.echo(f"未能停止 Prefect 服务：{exc}", err=True)
        return ExitCode.REFUSED
    if not stopped:
        typer.echo(f"没有正在运行的 Prefect 服务（工作目录 {ws.root}）。")
        return ExitCode.OK
    for server in stopped:
        typer.echo(f"已停止 Prefect 服务 {server.api_url.removesuffix('/api')}（进程 {server.pid}）。")
    if users:
        typer.echo("正在运行的 watch、serve 会在后台重新启动它；要让它一直停着，请先结束它们。")
    else:
        typer.echo("下次 draftdesk watch 或 serve 会自动重新启动它。")
    return ExitCode.OK


def _confirmed(users: list[ServerUser]) -> bool:
    """Say who relies on the server; ask on a terminal, refuse without one."""
    names = "、".join(f"{USER_LABELS[user.role]}（进程 {user.pid}）" for user in users)
    typer.echo(f"{names} 正在使用本工作目录的 Prefect 服务。", err=True)
    if not sys.stdin.isatty():
        typer.echo("没有可确认的终端：如确需停止，请加 --force。", err=True)
        return False
    if typer.confirm("仍要停止吗？（它们会改为直接处理稿件，并在后台重新启动服务）", default=False):
        return True
    typer.echo("未停止。")
    return False
