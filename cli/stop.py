"""`draftdesk stop`: stop the workspace's local Prefect server.

`watch` and `serve` start (or reuse) a Prefect server under `<ws>/.prefect` and leave it
running on purpose (`run` uses it when it is up), so the next command starts in seconds and the UI stays up. This is the
office's way to turn it off — before moving the workspace, shutting the machine down cleanly,
or to free its memory. The next `watch` or `serve` starts it again by itself.
"""

from __future__ import annotations

from pathlib import Path

import typer

from workspace import resolve_workspace


def stop_command(workspace: Path | None) -> int:
    """Stop the server if it runs; 0 when stopped or when none ran, 1 when it would not end."""
    from flows import prefect_env

    ws = resolve_workspace(workspace)
    try:
        stopped = prefect_env.shutdown_local_server(ws)
    except (RuntimeError, OSError) as exc:
        typer.echo(f"未能停止 Prefect 服务：{exc}", err=True)
        return 1
    if not stopped:
        typer.echo(f"没有正在运行的 Prefect 服务（工作目录 {ws.root}）。")
        return 0
    for server in stopped:
        typer.echo(f"已停止 Prefect 服务 {server.api_url.removesuffix('/api')}（进程 {server.pid}）。")
    typer.echo("下次 draftdesk watch 或 serve 会自动重新启动它。")
    return 0
