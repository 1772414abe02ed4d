"""`draftdesk list`: the drafts on record, one line each, tab-separated."""

from __future__ import annotations

from pathlib import Path

from cli.common import ExitCode, fail, open_or_exit
from cli.wording import say
from service.errors import DeskError


def list_command(
    *,
    unit: str | None,
    month: str | None,
    verdict: str | None,
    counted: bool | None,
    words: list[str],
    workspace: Path | None,
) -> int:
    from service.listing import HEADINGS, list_drafts

    ws, rulebook = open_or_exit(workspace, need="outbox")
    try:
        lines = list_drafts(
            ws, rulebook, unit=unit, month=month, verdict=verdict, counted=counted, words=words
        )
    except DeskError as exc:
        fail(say(exc))
    print("\t".join(HEADINGS))
    for line in lines:
        print("\t".join(line.cells()))
    print(f"共 {len(lines)} 件。")
    return int(ExitCode.OK)
