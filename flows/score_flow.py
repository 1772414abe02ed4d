"""The assessment as a Prefect flow, for the monthly schedule of `draftdesk serve`.

Same work as `draftdesk score` (`reports.assessment.build_report`/`write_report`): the flow adds
a run in the Prefect UI and a table artifact of the period's completion, points and fees, so
the office sees each month's result without opening the workbook. With no period it scores
the month before now (the schedule runs at 06:00 on the 1st).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from reports.assessment import build_report, write_report
from rules.periods import Period, month_of, parse_period
from scoring.report import PeriodReport
from workspace import Workspace, now


def previous_month(today: dt.date) -> Period:
    """The month before `today`'s: what a run on the 1st reports."""
    return month_of(today.replace(day=1) - dt.timedelta(days=1))


def artifact_rows(report: PeriodReport) -> list[dict[str, Any]]:
    """One row per unit: 完成/任务 per judged type, points, fees (Chinese column names)."""
    types = [key for key in report.type_names if any(key in u.completion for u in report.units)]
    rows: list[dict[str, Any]] = []
    for unit in report.units:
        row: dict[str, Any] = {"单位": unit.unit, "类别": report.kind_names.get(unit.kind, unit.kind)}
        for key in types:
            done = unit.completion.get(key)
            row[report.type_names[key]] = f"{done.counted}/{done.quota}" if done else "-"
        points = unit.points
        row["扣分"] = points.deductions / 100 if points.applies else "-"
        row["加分"] = points.bonus / 100 if points.applies else "-"
        row["合计"] = points.total / 100 if points.applies else "-"
        row["稿酬（元）"] = unit.fees
        rows.append(row)
    return rows


def artifact_key(period: Period) -> str:
    """Prefect keys allow lowercase letters, digits and dashes: score-2021-03, score-2021q1."""
    return f"score-{period.key.lower()}"


@task(name="score-period", cache_policy=NO_CACHE, persist_result=False)
def score_task(workspace: str, period_key: str) -> str:
    """Compute the period, write its workbook, publish the table; returns the workbook path."""
    ws = Workspace(Path(workspace))
    rulebook = ws.rulebook()
    period = parse_period(period_key)
    report, rejections = build_report(ws, rulebook, period)
    path = write_report(ws, report, rejections, rulebook.meta.tz)
    create_table_artifact(
        artifact_rows(report),
        key=artifact_key(period),
        description=(
            f"{report.rulebook_name} {period.label}：稿酬合计 {report.fees_total:g} 元，"
            f"退稿 {len(rejections)} 件。报表：{path}"
        ),
    )
    return str(path)


def _run_name() -> str:
    from prefect.runtime import flow_run

    return f"score {(flow_run.parameters or {}).get('period') or '上月'}"


@flow(name="score", flow_run_name=_run_name, log_prints=False)
def score_flow(workspace: str, period: str | None = None) -> str:
    """Score `period` ("2021-03", "2021Q1", "2021"; default: the previous month) for the workspace."""
    ws = Workspace(Path(workspace))
    key = period or previous_month(now(ws.rulebook()).date()).key
    return score_task(str(ws.root), parse_period(key).key)
