"""`draftdesk units links|rotate`: each unit's private link to its own desk page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.common import WorkspaceOpt, fail, open_or_exit
from cli.help import ChineseCommand, ChineseGroup

units_app = typer.Typer(
    cls=ChineseGroup,
    no_args_is_help=True,
    help="各单位的专属链接：列出（links，可生成二维码）或更换（rotate）。",
)

BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="办公桌在单位电脑或手机上能打开的地址，如 http://192.168.1.5:8700（默认取 draftdesk.toml 的 [web]）",
    ),
]


@units_app.command("links", cls=ChineseCommand)
def links(
    workspace: WorkspaceOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 列出（unit、url）")] = False,
    base_url: BaseUrlOpt = None,
    qr: Annotated[
        Path | None,
        typer.Option("--qr", help="在此文件夹为每个单位生成一张链接二维码（PNG，下方印单位名称）"),
    ] = None,
    cards: Annotated[
        Path | None,
        typer.Option("--cards", help="把所有单位的二维码卡片排在 A4 纸上，写成这个 PDF 文件，打印后剪开"),
    ] = None,
) -> None:
    """列出每个单位查看本单位稿件、自查和报送的专属链接（无需密码，只显示该单位）。"""
    from service.errors import DeskError
    from service.units import links_answer

    ws, rulebook = open_or_exit(workspace, need="outbox")
    try:
        answer = links_answer(ws, rulebook, base_url, qr, cards)
    except DeskError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(
            json.dumps([{"unit": link.unit, "url": link.url} for link in answer.links], ensure_ascii=False)
        )
    else:
        for link in answer.links:
            typer.echo(f"{link.unit}\t{link.url}")
    for link in answer.links:
        if link.reissued:
            typer.echo(
                f"注意：{link.unit} 的链接已重新生成（原链接密钥丢失），请把新链接发给该单位。", err=True
            )
    if answer.address.warning:
        typer.echo(f"注意：{answer.address.warning}", err=True)
    if answer.qr_written is not None:
        typer.echo(f"已生成 {answer.qr_written} 张二维码：{qr}", err=as_json)
    if answer.card_sheets is not None:
        typer.echo(f"已生成二维码卡片 {answer.card_sheets} 页（A4）：{cards}", err=as_json)


@units_app.command("rotate", cls=ChineseCommand)
def rotate(
    unit: Annotated[str, typer.Argument(metavar="UNIT", help="要更换链接的单位（名称或简称）")],
    workspace: WorkspaceOpt = None,
    base_url: BaseUrlOpt = None,
) -> None:
    """更换一个单位的专属链接：旧链接立即失效。"""
    from cli.common import cli_actor
    from service.errors import DeskError
    from service.units import rotate_link

    ws, rulebook = open_or_exit(workspace, need="outbox")
    try:
        link = rotate_link(ws, rulebook, unit, base_url, cli_actor())
    except DeskError as exc:
        fail(str(exc))
    typer.echo(f"{link.unit} 的新链接（旧链接已失效）：{link.url}")
