"""`draftdesk score`: one period's assessment as a table or SPEC §8 JSON, and its workbook.

Fast on purpose (no Prefect import): the office runs it by hand; the scheduled Prefect flow
(`flows/score_flow.py`) scores through the same `reports.assessment`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from cli.common import ExitCode, fail, open_or_exit
from scoring.report import PeriodReport, report_json
from service.errors import DeskError
from service.requests import summary_json, summary_lines
from service.score import period_from, score


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
    for a in report.adjustments:
        console.print(
            f"稿酬调整：稿件 {a.submission_id}《{a.title}》（{a.unit}）{a.outlet} {a.adopted_on} 的录用"
            f"已于 {a.withdrawn_on} 撤销，前期已计稿酬扣回 {a.amount:g} 元。",
            markup=False,
        )
    console.print(f"本期稿酬合计 {report.fees_total:g} 元，{len(report.payments)} 篇。")
    for item in report.unpaid:
        console.print(
            f"不发稿酬：稿件 {item.submission_id}《{item.title}》（{item.unit}）— {item.outlet}：{item.reason}"
        )
    if report.is_year:
        winners = sorted((u for u in report.units if u.standing.award), key=lambda u: u.standing.rank)
        people = sorted((o for o in report.officers if o.standing.award), key=lambda o: o.standing.rank)
        if winners or people:
            console.print("先进评选推荐名单（按全年录用排名，供研究决定，奖励金额为办法规定的建议数）：")
        if winners:
            console.print("先进单位（建议）：")
            for u in winners:
                console.print(
                    f"  第{u.standing.rank}名 {u.unit}：{u.standing.basis}；建议奖励 {u.standing.award} 元"
                )
        if people:
            console.print("先进个人（建议）：")
            for o in people:
                console.print(
                    f"  第{o.standing.rank}名 {o.name}（{o.unit}）：{o.standing.basis}；建议奖励 {o.standing.award} 元"
                )


def score_command(
    *,
    month: str | None = None,
    quarter: str | None = None,
    year: int | None = None,
    as_json: bool = False,
    workspace: Path | None = None,
) -> int:
    """Score a period; print JSON or a table; write the workbook. 0 ok, 1 bad period, 2 bad workspace."""
    ws, rulebook = open_or_exit(workspace, need="outbox")
    try:
        scored = score(ws, rulebook, period_from(month, quarter, year))
    except DeskError as exc:
        fail(str(exc))
    if scored.still_open:
        typer.echo(scored.still_open, err=True)
    if scored.rulebook_warning:
        typer.echo(f"注意：{scored.rulebook_warning}", err=True)
    if as_json:
        data = report_json(scored.report)
        if scored.requests and scored.requests.requests:
            data["requests"] = summary_json(scored.requests)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        typer.echo(f"报表已写入：{scored.workbook}", err=True)
    else:
        print_table(scored.report)
        for line in summary_lines(scored.requests) if scored.requests else []:
            typer.echo(line)
        typer.echo(f"报表已写入：{scored.workbook}")
        if scored.earlier:
            typer.echo(
                f"此前的 {len(scored.earlier)} 份同期报表已按生成时间保留，最近一份：{scored.earlier[-1].name}"
            )
    return ExitCode.OK
