"""`draftdesk check FILE...`: judge drafts exactly as the intake would, writing nothing.

A unit's officer (or the office) wants to know before dropping a file whether it will pass; the
office wants to re-judge a file by hand. So this reads each file with the intake's reader, derives
unit and type from its place under `<workspace>/inbox/` as the intake does, runs the same `judge`
with no history (no ledger is opened), and prints the verdicts (SPEC §8 JSON or a table).
It must stay light: no Prefect import, one draft well under a second.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path, PurePosixPath
from typing import Any

import typer

from checks.identity import identify
from checks.judge import judge
from checks.model import Judgement
from checks.notes import render_note
from extractors.model import Draft
from extractors.safefile import display_name
from flows.workspace import Workspace, now, parse_time, resolve_workspace
from rules import Rulebook, RulebookError

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def inbox_relpath(path: Path, ws: Workspace) -> PurePosixPath | None:
    """The item's path under the inbox (`unit/type/x.docx`), or None when it lies elsewhere.

    The folders are resolved but the item itself is not, so a symlink dropped in the inbox is
    judged as the link it is (and refused by the reader), never as its target.
    """
    try:
        absolute = Path(os.path.abspath(path))
        located = absolute.parent.resolve() / absolute.name
        relative = located.relative_to(ws.inbox.resolve())
    except (OSError, ValueError):
        return None
    return PurePosixPath(relative.as_posix()) if relative.parts else None


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def result_json(given: str, draft: Draft, judgement: Judgement, note: str) -> dict[str, Any]:
    """One object of `check --json` (SPEC §8 names exactly; extra fields only added). `path` is
    the path as given, with bytes that were not UTF-8 shown as \\xNN so the JSON always encodes."""
    return {
        "path": given,
        "verdict": judgement.verdict,
        "counted": judgement.counted,
        "unit": judgement.unit,
        "content_type": judgement.content_type,
        "title": draft.title,
        "counts": {
            "zishu": draft.counts.zishu,
            "zishu_all": draft.counts.zishu_all,
            "hanzi": draft.counts.hanzi,
        },
        "images": {
            "total": judgement.images.total,
            "distinct": judgement.images.distinct,
            "hd": judgement.images.hd,
        },
        "event_date": _iso(judgement.event_date),
        "findings": [
            {"rule": f.rule, "severity": f.severity, "message": f.message} for f in judgement.findings
        ],
        "category": judgement.category,
        "publish_date": _iso(judgement.publish_date),
        "deadline": _iso(judgement.event_deadline),
        "period": judgement.period,
        "announcement": judgement.is_announcement,
        "note": note,
    }


def check_one(
    path: Path, draft: Draft, ws: Workspace, rulebook: Rulebook, received_at: dt.datetime
) -> dict[str, Any]:
    """Identify, judge and write the note text for one file or bundle folder already read."""
    relpath = inbox_relpath(path, ws)
    identity = identify(relpath, draft, rulebook)
    judgement = judge(draft, identity, rulebook, received_at)
    shown = display_name(str(relpath)) if relpath else None
    note = render_note(draft, judgement, rulebook, received_at, shown)
    return result_json(display_name(str(path)), draft, judgement, note)


def check_command(files: list[Path], *, workspace: Path | None, received: str | None, as_json: bool) -> int:
    """The `check` command: 0 all accepted, 1 any rejected, 2 usage or system error."""
    ws = resolve_workspace(workspace)
    try:
        rulebook = ws.rulebook()
    except RulebookError as exc:
        typer.echo(str(exc), err=True)
        return EXIT_USAGE
    missing = [display_name(str(f)) for f in files if not os.path.lexists(f)]
    if missing:
        typer.echo("文件不存在：" + "、".join(missing), err=True)
        return EXIT_USAGE
    try:
        received_at = parse_time(received, rulebook) if received else now(rulebook)
    except ValueError:
        typer.echo(f"收稿时间“{received}”不是有效的 ISO 时间（如 2021-03-12T10:30）。", err=True)
        return EXIT_USAGE
    from extractors.read import read_paths

    # Several files are read two at a time: one's photos decode while the other's text is walked.
    results = [
        check_one(path, draft, ws, rulebook, received_at)
        for path, draft in zip(files, read_paths(files, rulebook), strict=True)
    ]
    if as_json:
        typer.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        _print_table(results, rulebook)
    return EXIT_REJECTED if any(r["verdict"] == "rejected" for r in results) else EXIT_OK


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
            "退回" if r["verdict"] == "rejected" else "收稿",
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
            console.print(r["note"], markup=False, soft_wrap=True)
        elif r["findings"]:
            console.rule(f"提示：{r['path']}")
            for f in r["findings"]:
                console.print(f"- {f['message']}", markup=False, soft_wrap=True)
