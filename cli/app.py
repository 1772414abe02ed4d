"""The `draftdesk` command: thin typer commands over library functions (SPEC §8).

Each command imports its implementation lazily, so `check` and `inspect` answer without
importing Prefect. Command and option names are a contract: extend, never rename.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="draftdesk：街道信息宣传稿件的收稿、审核、登记与考核。",
    pretty_exceptions_enable=False,
)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", help="工作目录（默认 $DRAFTDESK_WORKSPACE，否则当前目录）"),
]


def _fail_on_rulebook(exc: Exception) -> None:
    typer.echo(str(exc), err=True)
    raise typer.Exit(2)


@app.command()
def init(workspace: WorkspaceOpt = None) -> None:
    """Create inbox/ (a folder per unit and type), outbox/ and an editable rulebook draftdesk.toml."""
    from rules import RulebookError
    from service.setup import init_workspace
    from workspace import resolve_workspace

    ws = resolve_workspace(workspace)
    try:
        created = init_workspace(ws)
    except RulebookError as exc:
        _fail_on_rulebook(exc)
        return
    typer.echo(f"工作目录 {ws.root}：新建 {len(created)} 项。")
    typer.echo(f"各单位把稿件放入 {ws.inbox}/<单位>/<稿件类型>/ 即可。")


@app.command()
def run(workspace: WorkspaceOpt = None) -> None:
    """One intake sweep now (a Prefect flow): read, check, record and file every stable draft."""
    from cli.run import run_command

    raise typer.Exit(run_command(workspace))


@app.command()
def watch(
    workspace: WorkspaceOpt = None,
    polling: Annotated[bool, typer.Option("--polling", help="轮询监视（SMB/NFS 共享目录用）")] = False,
) -> None:
    """Watch the inbox and sweep periodically until Ctrl-C."""
    from cli.watch import watch_command

    raise typer.Exit(watch_command(workspace, polling=polling))


@app.command()
def serve(workspace: WorkspaceOpt = None) -> None:
    """Serve Prefect deployments with schedules (sweep every few minutes; monthly scoring)."""
    from cli.serve import serve_command

    raise typer.Exit(serve_command(workspace))


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="稿件文件或稿件文件夹")],
    workspace: WorkspaceOpt = None,
    received: Annotated[str | None, typer.Option("--received", help="收稿时间（ISO），默认现在")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Dry run: judge drafts as the intake would, writing nothing."""
    from cli.check import check_command

    raise typer.Exit(check_command(files, workspace=workspace, received=received, as_json=as_json))


@app.command()
def inspect(
    files: Annotated[list[Path], typer.Argument(help="稿件文件或稿件文件夹")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """What the reader saw: parts, title, metadata, counts, photos, dates."""
    from cli.inspect import inspect_command

    raise typer.Exit(inspect_command(files, as_json=as_json))


@app.command()
def adopt(
    submission_id: Annotated[int | None, typer.Argument(metavar="ID", help="稿件编号")] = None,
    outlet: Annotated[str | None, typer.Option("--outlet", help="录用媒体")] = None,
    date: Annotated[str | None, typer.Option("--date", help="录用日期 YYYY-MM-DD")] = None,
    fee: Annotated[float | None, typer.Option("--fee", help="稿酬（元），微信按质量 20–50")] = None,
    bonus: Annotated[float | None, typer.Option("--bonus", help="媒体宣传加分 0.3–0.5")] = None,
    from_file: Annotated[Path | None, typer.Option("--from", help="录用登记表 .xlsx")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Record an adoption (录用) by an outlet, one by ID or many from an .xlsx sheet."""
    from cli.office import adopt_command

    raise typer.Exit(
        adopt_command(
            submission_id,
            outlet=outlet,
            date=date,
            fee=fee,
            bonus=bonus,
            from_file=from_file,
            workspace=workspace,
        )
    )


@app.command()
def unadopt(
    submission_id: Annotated[int | None, typer.Argument(metavar="ID", help="稿件编号")] = None,
    outlet: Annotated[str | None, typer.Option("--outlet", help="录用媒体（与登记时相同）")] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="录用日期 YYYY-MM-DD（同一媒体有多条录用时指明）")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="撤销原因，记入台账")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Withdraw a wrongly recorded adoption: kept in the ledger with time and reason, no longer scored."""
    from cli.office import unadopt_command

    raise typer.Exit(
        unadopt_command(submission_id, outlet=outlet, date=date, reason=reason, workspace=workspace)
    )


@app.command()
def assign(
    month: Annotated[str, typer.Option("--month", help="月份 YYYY-MM")],
    unit: Annotated[str, typer.Option("--unit", help="单位")],
    count: Annotated[int, typer.Option("--count", help="约稿篇数")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Record the month's 党委政务信息 assignment (约稿) for a unit."""
    from cli.office import assign_command

    raise typer.Exit(assign_command(month=month, unit=unit, count=count, workspace=workspace))


@app.command()
def score(
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM")] = None,
    quarter: Annotated[str | None, typer.Option("--quarter", help="YYYYQn")] = None,
    year: Annotated[int | None, typer.Option("--year", help="YYYY")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Completion, points and fees for a month, quarter or year; writes the Excel report."""
    from cli.score import score_command

    raise typer.Exit(
        score_command(month=month, quarter=quarter, year=year, as_json=as_json, workspace=workspace)
    )


@app.command()
def status(workspace: WorkspaceOpt = None) -> None:
    """Pending, accepted and rejected counts, and the last run."""
    from cli.status import status_command

    raise typer.Exit(status_command(workspace))


@app.command("list")
def list_drafts(
    words: Annotated[
        list[str] | None,
        typer.Argument(help="关键词：标题、文件名或存放位置中含有的字词（可写多个，须都含有）"),
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="只列此单位（可写简称）")] = None,
    month: Annotated[str | None, typer.Option("--month", help="只列此月收到的稿件，YYYY-MM")] = None,
    verdict: Annotated[str | None, typer.Option("--verdict", help="只列此结果：合格 或 退回")] = None,
    counted: Annotated[
        bool | None,
        typer.Option("--counted/--not-counted", help="只列计入考核的合格稿件 / 只列已登记但不计入的合格稿件"),
    ] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """列出台账中的稿件：编号、标题、单位、类型、收稿时间、结果、是否计入、存放位置。"""
    from cli.listing import list_command

    raise typer.Exit(
        list_command(
            unit=unit, month=month, verdict=verdict, counted=counted, words=words or [], workspace=workspace
        )
    )


@app.command()
def stop(workspace: WorkspaceOpt = None) -> None:
    """Stop this workspace's local Prefect server (watch/serve leave it up; end them first)."""
    from cli.stop import stop_command

    raise typer.Exit(stop_command(workspace))


def main() -> None:
    """Entry point; makes sure Chinese output survives a non-UTF-8 console."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass
    app()


if __name__ == "__main__":
    main()
