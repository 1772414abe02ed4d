"""`draftdesk serve`: Prefect deployments with schedules (`flows.serve`)."""

from __future__ import annotations

from pathlib import Path

from cli.common import open_or_exit


def serve_command(workspace: Path | None, also: list[str] | None = None) -> int:
    ws, rulebook = open_or_exit(workspace, need="inbox")
    from flows.serve import serve

    return serve(ws, rulebook, also=also or [])
