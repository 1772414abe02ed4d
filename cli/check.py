"""`draftdesk check FILE...`: judge drafts as the intake would, writing nothing (`service.check`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from checks.labels import verdict_label
from cli.common import ExitCode, fail
from cli.wording import say, with_command
from rules import Rulebook, RulebookError
from service.check import check_files, received_time
from service.errors import DeskError
from workspace import resolve_workspace


def check_command(
    files: list[Path],
    *,
    workspace: Path | None,
    received: str | None,
    as_json: bool,
    unit: str | None = None,
    content_type: str | None = None,
) -> int:
    """The `check` command: 0 all accepted, 1 any rejected, 2 usage or system error."""
    ws = resolve_workspace(workspace)
    try:
        rulebook = ws.rulebook()
    except RulebookError as exc:
        fail(str(exc), ExitCode.USAGE)
    try:
        results = check_files(
            ws, rulebook, files, received_time(received, rulebook), unit=unit, content_type=content_type
        )
    except DeskError as exc:
        fail(say(exc), ExitCode.USAGE)
    if as_json:
        typer.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        _print_table(results, rulebook)
    return ExitCode.REFUSED if any(r["verdict"] == "rejected" for r in results) else ExitCode.OK


def _print_table(results: list[dict[str, Any]], rulebook: Rulebook) -> None:
    """A table for people, then each rejected draft's note and each accepted draft's warnings."""
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(title="稿件审核（试运行，未登记）")
    table.add_column("稿件", overflow="fold")
    for header in ("单位", "类型", "结果", "计入", "字数", "照片", "问题"):
        table.add_column(header, overflow="fold")
    for r in results:
        ctype = rulebook.types.get(r["content_type"] or "")
        errors = sum(1 for f in r["findings"] if f["severity"] == "error")
        warnings = len(r["findings"]) - errors
        table.add_row(
            r["path"],
            r["unit"] or "?",
            ctype.name if ctype else "?",
            verdict_label(r["verdict"]),
            "是" if r["counted"] else "否",
            str(r["counts"]["zishu"]),
            f"{r['images']['distinct']}/{r['images']['hd']}",
            f"{errors} 错误 {warnings} 提示" if r["findings"] else "",
        )
    console.print(table)
    console.print(
        "字数 = 正文字数（标题、署名、图片说明不计入）；照片 = 不同照片数/高清照片数。", markup=False
    )
    for r in results:
        if r["verdict"] == "rejected":
            console.rule(f"退回说明：{r['path']}")
            console.print(with_command(r["note"]), markup=False, soft_wrap=True)
        elif r["findings"]:
            console.rule(f"提示：{r['path']}")
            for f in r["findings"]:
                console.print(f"- {with_command(f['message'])}", markup=False, soft_wrap=True)
