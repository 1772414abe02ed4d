"""`draftdesk adopt`, `unadopt` and `assign`: the office's hand entries, over `service.adoptions`."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import ExitCode, cli_actor, fail, open_or_exit
from cli.wording import say
from service import adoptions
from service.errors import DeskError


def adopt_command(
    submission_id: int | None,
    *,
    outlet: str | None = None,
    date: str | None = None,
    fee: float | None = None,
    bonus: float | None = None,
    from_file: Path | None = None,
    workspace: Path | None = None,
) -> int:
    """Record adoptions; 0 when written, 1 when refused (nothing written), 2 on a bad workspace."""
    ws, rulebook = open_or_exit(workspace, need="outbox")
    try:
        if from_file is not None:
            if submission_id is not None or outlet is not None:
                fail("用 --from 导入登记表时，不要再写稿件编号或 --outlet。")
            lines = adoptions.adopt_sheet(ws, rulebook, Path(from_file), actor=cli_actor())
        else:
            if submission_id is None or not outlet:
                fail(
                    "请写明稿件编号和 --outlet 录用媒体，例如：draftdesk adopt 12 --outlet 武进日报；"
                    "或用 --from 录用登记表.xlsx 批量导入。\n"
                    f"可用的录用媒体：{adoptions.known_outlets(rulebook)}"
                )
            item = adoptions.AdoptionInput("命令行", submission_id, outlet, date, fee, bonus)
            lines = adoptions.adopt(ws, rulebook, [item], actor=cli_actor())
    except DeskError as exc:
        fail(say(exc))
    for entered in lines:
        typer.echo(entered.sentence())
    return ExitCode.OK


def unadopt_command(
    submission_id: int | None,
    *,
    outlet: str | None = None,
    date: str | None = None,
    reason: str | None = None,
    workspace: Path | None = None,
) -> int:
    """Withdraw one adoption; 0 when withdrawn, 1 when refused, 2 on a bad workspace."""
    ws, rulebook = open_or_exit(workspace, need="outbox")
    if submission_id is None or not (outlet or "").strip():
        fail(
            "请写明稿件编号和 --outlet 录用媒体，例如：draftdesk unadopt 12 --outlet 武进日报 --reason 登记错误"
        )
    try:
        withdrawn = adoptions.unadopt(
            ws, rulebook, submission_id, outlet or "", date, reason, actor=cli_actor()
        )
    except DeskError as exc:
        fail(say(exc))
    typer.echo(withdrawn.sentence())
    return ExitCode.OK


def assign_command(*, month: str, unit: str, count: int, workspace: Path | None = None) -> int:
    """Record a month's 党委政务信息 assignment (约稿); 0 when written, 1 when refused."""
    ws, rulebook = open_or_exit(workspace, need="outbox")
    try:
        assigned = adoptions.assign(ws, rulebook, month, unit, count, actor=cli_actor())
    except DeskError as exc:
        fail(say(exc))
    typer.echo(assigned.sentence())
    return ExitCode.OK
