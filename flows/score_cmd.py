"""`draftdesk score`: one period's assessment as a table or SPEC §8 JSON, and its workbook.

Fast on purpose (no Prefect import): the office runs it by hand; the scheduled Prefect flow
(`flows/score_flow.py`) calls the same `build_report`/`write_report`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from flows.reports import write_period_workbook
from flows.workspace import Workspace, WorkspaceError, now, open_workspace
from ledger.assessment import (
    read_adoptions,
    read_assignments,
    read_officers,
    read_rejections,
    read_submissions,
)
from ledger.schema import open_ledger
from rules import Rulebook
from scoring.periods import Period, parse_period
from scoring.report import PeriodReport, report_json, score_period
from scoring.rows import AdoptionRow, AssignmentRow, OfficerRow, RejectionRow, SubmissionRow, parse_instant


def report_path(ws: Workspace, period: Period) -> Path:
    """outbox/reports/<period>/考核结果_<period>.xlsx"""
    return ws.reports / period.key / f"考核结果_{period.key}.xlsx"


def build_report(
    ws: Workspace, rulebook: Rulebook, period: Period
) -> tuple[PeriodReport, list[RejectionRow]]:
    """Read the year to date from the ledger and score `period`; also the period's rejections."""
    tz = rulebook.meta.tz
    db = open_ledger(ws.ledger_path)
    try:
        year_start = period.start.replace(month=1, day=1)
        submissions = [SubmissionRow.from_dict(r, tz) for r in read_submissions(db, year_start, period.end)]
        adoptions = [AdoptionRow.from_dict(r) for r in read_adoptions(db, period.end)]
        assignments = [AssignmentRow.from_dict(r) for r in read_assignments(db, period.year)]
        officers = [OfficerRow.from_dict(r) for r in read_officers(db)]
        rejected = [
            r
            for r in read_rejections(db, period.start, period.end)
            if r.get("received_at") and period.contains(parse_instant(r["received_at"], tz).date())
        ]
    finally:
        db.close()
    submissions = [s for s in submissions if year_start <= s.received_day <= period.end]
    report = score_period(period, rulebook, submissions, adoptions, assignments, officers)
    return report, [RejectionRow.from_dict(r) for r in rejected]


def write_report(ws: Workspace, report: PeriodReport, rejections: list[RejectionRow]) -> Path:
    return write_period_workbook(report, rejections, report_path(ws, report.period))


def choose_period(month: str | None, quarter: str | None, year: int | None) -> Period:
    """Exactly one of --month/--quarter/--year, of the right kind. Raises ValueError (Chinese)."""
    given = [
        (kind, value)
        for kind, value in (("month", month), ("quarter", quarter), ("year", year))
        if value is not None
    ]
    if len(given) != 1:
        raise ValueError("请只指定一个期间：--month 2021-03、--quarter 2021Q1 或 --year 2021")
    kind, value = given[0]
    period = parse_period(value)
    if period.kind != kind:
        names = {"month": "月份，例如 2021-03", "quarter": "季度，例如 2021Q1", "year": "年度，例如 2021"}
        raise ValueError(f"--{kind} 的值“{value}”不是{names[kind]}")
    return period


def _fmt(value: float) -> str:
    return f"{value:+g}" if value else "0"


def print_table(report: PeriodReport) -> None:
    """A readable summary for the terminal (rich)."""
    from rich.console import Console
    from rich.table import Table

    types = [key for key in report.type_names if any(key in u.completion for u in report.units)]
    short_names = {key: min(names, key=len) for key, names in report.type_short_names.items()}
    table = Table(
        title=f"{report.rulebook_name} {report.period.label}",
        caption="稿件栏为 完成/任务，红色为未完成；(至今) 为尚未结束的季度或年度的进度，不计分；"
        "扣分、加分只适用于社区、村",
        show_lines=False,
    )
    table.add_column("单位", no_wrap=True)
    for key in types:
        table.add_column(short_names.get(key, key), justify="center", no_wrap=True)
    open_types = [
        key for key in report.type_names if key not in types and any(key in u.progress for u in report.units)
    ]
    for key in open_types:
        table.add_column(f"{short_names.get(key, key)}(至今)", justify="center", no_wrap=True, style="dim")
    for name in ("扣分", "加分", "合计", "稿酬"):
        table.add_column(name, justify="right", no_wrap=True)
    for unit in report.units:
        cells = [unit.unit]
        for key in types:
            done = unit.completion.get(key)
            if done is None:
                cells.append("-")
            else:
                mark = f"{done.counted}/{done.quota}"
                cells.append(f"[red]{mark}[/red]" if done.missing else mark)
        for key in open_types:
            done = unit.progress.get(key)
            cells.append(f"{done.counted}/{done.quota}" if done else "-")
        p = unit.points
        cells += (
            [_fmt(p.deductions / 100), _fmt(p.bonus / 100), _fmt(p.total / 100)]
            if p.applies
            else ["-", "-", "-"]
        )
        cells.append(f"{unit.fees:g}")
        table.add_row(*cells)
    console = Console()
    if not console.is_terminal:  # piped or redirected: do not squeeze the table into 80 columns
        console = Console(width=120)
    console.print(table)
    console.print(f"本期稿酬合计 {report.fees_total:g} 元，{len(report.payments)} 篇。")
    if report.is_year:
        winners = sorted((u for u in report.units if u.standing.award), key=lambda u: u.standing.rank)
        people = sorted((o for o in report.officers if o.standing.award), key=lambda o: o.standing.rank)
        if winners:
            console.print("先进单位：" + "、".join(f"{u.unit}（{u.standing.pieces}篇）" for u in winners))
        if people:
            console.print(
                "先进个人：" + "、".join(f"{o.name}（{o.unit}，{o.standing.pieces}篇）" for o in people)
            )


def score_command(
    *,
    month: str | None = None,
    quarter: str | None = None,
    year: int | None = None,
    as_json: bool = False,
    workspace: Path | None = None,
) -> int:
    """Score a period; print JSON or a table; write the workbook. 0 ok, 1 bad period, 2 bad rulebook."""
    try:
        ws, rulebook = open_workspace(workspace, need="outbox")
    except WorkspaceError as exc:
        typer.echo(str(exc), err=True)
        return 2
    try:
        period = choose_period(month, quarter, year)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        return 1
    today = now(rulebook).date()
    if period.end >= today:
        typer.echo(
            f"注意：{period.label}尚未结束（今天 {today}），尚未到期的任务也按缺少计算；"
            "期末后再运行可得正式结果。",
            err=True,
        )
    report, rejections = build_report(ws, rulebook, period)
    path = write_report(ws, report, rejections)
    if as_json:
        sys.stdout.write(json.dumps(report_json(report), ensure_ascii=False, indent=2) + "\n")
        typer.echo(f"报表已写入：{path}", err=True)
    else:
        print_table(report)
        typer.echo(f"报表已写入：{path}")
    return 0
