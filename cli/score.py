"""`draftdesk score`: one period's assessment as a table or SPEC §8 JSON, and its workbook.

Fast on purpose (no Prefect import): the office runs it by hand; the scheduled Prefect flow
(`flows/score_flow.py`) scores through the same `reports.assessment`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal

import typer

from cli.common import ExitCode, fail, open_or_exit
from cli.wording import say, with_command
from reports.period import PeriodAssessment, assessment_json
from scoring.report import PeriodReport
from service.errors import DeskError
from service.requests import summary_json, summary_lines
from service.score import period_from, score


def _table(assessment: PeriodAssessment) -> Any:
    """The unit table: the assessment's columns and cells; a shortfall red, progress dim."""
    from rich.markup import escape
    from rich.table import Table

    report = assessment.report
    table = Table(
        title=f"{report.rulebook_name} {report.period.label}{assessment.unfinished_mark}",
        caption=assessment.legend,
        show_lines=False,
    )
    for column in assessment.columns:
        justify: Literal["left", "center", "right"] = "center"
        if column.numeric or column.key in ("unit", "kind"):
            justify = "right" if column.numeric else "left"
        table.add_column(column.short, justify=justify, no_wrap=True, style="dim" if column.open else None)
    for line in assessment.lines:
        table.add_row(*(f"[red]{c.text}[/red]" if c.short else escape(c.text) for c in line.cells))
    return table


def _nominees(assessment: PeriodAssessment) -> list[str]:
    """The year's 推荐名单, one line each (none for a month or quarter)."""
    if not assessment.nominated:
        return []
    lines = ["先进评选推荐名单（按全年录用排名，供研究决定，奖励金额为办法规定的建议数）："]
    for heading, nominees in (
        ("先进单位（建议）：", assessment.unit_nominees),
        ("先进个人（建议）：", assessment.officer_nominees),
    ):
        if nominees:
            lines.append(heading)
            lines += [f"  第{n.rank}名 {n.who}：{n.basis}；建议奖励 {n.award} 元" for n in nominees]
    return lines


def _money_lines(report: PeriodReport) -> list[str]:
    """Fees taken back, the period's total, and adoptions that pay nothing."""
    lines = [
        f"稿酬调整：稿件 {a.submission_id}《{a.title}》（{a.unit}）{a.outlet} {a.adopted_on} 的录用"
        f"已于 {a.withdrawn_on} 撤销，前期已计稿酬扣回 {a.amount:g} 元。"
        for a in report.adjustments
    ]
    lines.append(f"本期稿酬合计 {report.fees_total:g} 元，{len(report.payments)} 篇。")
    lines += [
        f"不发稿酬：稿件 {u.submission_id}《{u.title}》（{u.unit}）— {u.outlet}：{u.reason}"
        for u in report.unpaid
    ]
    return lines


def print_table(assessment: PeriodAssessment) -> None:
    """A readable summary for the terminal (rich): the table, the money, the 推荐名单."""
    from rich.console import Console

    console = Console()
    if not console.is_terminal:  # piped or redirected: do not squeeze the table into 80 columns
        console = Console(width=120)
    console.print(_table(assessment))
    for line in [*_money_lines(assessment.report), *_nominees(assessment)]:
        console.print(line, markup=False)


def score_command(
    *,
    month: str | None = None,
    quarter: str | None = None,
    year: int | None = None,
    as_json: bool = False,
    workspace: Path | None = None,
) -> int:
    """Score a period; print JSON or a table; write the workbook. 0 ok, 1 bad period, 2 bad workspace."""
    ws, _ = open_or_exit(workspace, need="outbox")  # the rulebook is checked; the period's year scores
    try:
        scored = score(ws, period_from(month, quarter, year))
    except DeskError as exc:
        fail(say(exc))
    for warning in scored.assessment.warnings:
        typer.echo(with_command(warning), err=True)
    if as_json:
        data = assessment_json(scored.assessment)
        if scored.requests and scored.requests.requests:
            data["requests"] = summary_json(scored.requests)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        typer.echo(f"报表已写入：{scored.workbook}", err=True)
    else:
        print_table(scored.assessment)
        for line in summary_lines(scored.requests) if scored.requests else []:
            typer.echo(line)
        typer.echo(f"报表已写入：{scored.workbook}")
        if scored.earlier:
            typer.echo(
                f"此前的 {len(scored.earlier)} 份同期报表已按生成时间保留，最近一份：{scored.earlier[-1].name}"
            )
    return ExitCode.OK
