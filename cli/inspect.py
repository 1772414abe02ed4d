"""`draftdesk inspect FILE... [--json]`: what the reader saw, nothing judged.

For the office ("why does the note say 187 字 when Word shows 215?") and for debugging the
reader: title, metadata, byline, captions, Word's figures, each part's 字数, photos with their
sizes, the event date, linked pictures and the reader's own findings. It reads with the same
dispatcher as the intake (`extractors.read.read_path`), so what it shows is what gets judged.
Exit 0, 1 when any file could not be read (a `format` error), 2 when a file does not exist
(as `check`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import typer

from cli.common import ExitCode, fail
from extractors.model import Draft
from extractors.view import draft_json
from rules import Rulebook, RulebookError, load_rulebook


def _rulebook() -> Rulebook:
    """The workspace's rulebook when $DRAFTDESK_WORKSPACE names one, else the default."""
    if os.environ.get("DRAFTDESK_WORKSPACE"):
        from workspace import resolve_workspace

        return resolve_workspace(None).rulebook()
    return load_rulebook()


def _read(path: Path, rulebook: Rulebook) -> Draft:
    from extractors.read import read_path

    return read_path(path, rulebook)


def inspect_command(files: list[Path], as_json: bool) -> int:
    """Read each file and print what the reader saw; exit 1 if any had a `format` finding."""
    from cli.wording import say
    from service.check import require_files
    from service.errors import MissingFiles

    try:
        rulebook = _rulebook()
    except RulebookError as exc:
        fail(str(exc), ExitCode.USAGE)
    try:
        require_files(files)  # the same sentence and exit code as `check`
    except MissingFiles as exc:
        fail(say(exc), ExitCode.USAGE)
    results = [draft_json(str(path), _read(path, rulebook)) for path in files]
    if as_json:
        typer.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        _print(results)
    bad = any(f["rule"] == "format" and f["severity"] == "error" for r in results for f in r["findings"])
    return ExitCode.REFUSED if bad else ExitCode.OK


PART_NAMES = {
    "body": "正文",
    "table": "表格",
    "textbox": "文本框",
    "footnotes": "脚注",
    "endnotes": "尾注",
    "header": "页眉",
    "footer": "页脚",
}


def _event_text(event: dict[str, Any] | None) -> str:
    if not event:
        return "（导语中未找到）"
    return event["text"] if event.get("part_of_day") else f"{event['text']}（未写时段，按当日结束计）"


def _print(results: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from extractors.anatomy import METADATA_LABELS

    labels = {key: label for label, key in reversed(METADATA_LABELS)}
    console = Console()
    for r in results:
        c = r["counts"]
        rows: list[tuple[str, str]] = [("标题", r["title"] or "（无）")]
        rows += [(labels.get(key, key), value) for key, value in r["metadata"].items()]
        rows += [
            ("署名", r["byline"] or "（无）"),
            ("图片说明", f"{len(r['captions'])} 条，{c['captions']} 字"),
            ("正文字数", str(c["zishu"])),
            ("全文字数（Word 状态栏）", str(c["zishu_all"])),
            ("汉字", str(c["hanzi"])),
            ("字符数（不计空格/计空格）", f"{c['characters']} / {c['characters_with_spaces']}"),
            ("段落数", str(c["paragraphs"])),
            ("活动日期", _event_text(r["event_date"])),
        ]
        if r["publish_date"]:
            rows.append(("拟发布日期", r["publish_date"]))
        rows += [("链接图片（未计入）", link) for link in r["linked_photos"]]
        rows += [(f"问题 [{f['rule']}]", f["message"]) for f in r["findings"]]
        head = Table(title=escape(r["path"]), show_header=False, title_justify="left")
        head.add_column(style="bold")
        head.add_column()
        for key, value in rows:
            head.add_row(escape(key), escape(value))
        console.print(head)
        if r["parts"]:
            parts = Table("部件", "段落", "字数", "计入", title_justify="left")
            for p in r["parts"]:
                parts.add_row(
                    PART_NAMES.get(p["name"], escape(p["name"])),
                    str(p["paragraphs"]),
                    str(p["zishu"]),
                    "是" if p["counted"] else "否",
                )
            console.print(parts)
        if r["photos"]:
            photos = Table("图片", "来源", "格式", "像素", "大小", "问题", title_justify="left")
            for p in r["photos"]:
                photos.add_row(
                    escape(p["key"]),
                    p["source"],
                    p["format"] or "-",
                    f"{p['width']}×{p['height']}",
                    f"{p['size_bytes'] / 1024:.0f} KB",
                    escape(p["problem"] or ""),
                )
            console.print(photos)
