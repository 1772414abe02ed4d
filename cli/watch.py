"""`draftdesk watch`: watch the inbox and file every draft as it settles (`flows.watch`)."""

from __future__ import annotations

from pathlib import Path

from cli.common import open_or_exit


def watch_command(workspace: Path | None, polling: bool = False, also: list[str] | None = None) -> int:
    ws, rulebook = open_or_exit(workspace, need="inbox")
    from flows.watch import watch

    return watch(ws, rulebook, polling=polling, also=also or [])
