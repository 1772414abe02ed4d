"""The assessment as a Prefect flow, for the monthly schedule of `draftdesk serve`.

Same work as `draftdesk score` (`reports.assessment.assess_period`/`write_report`): the period
is scored by its own year's rulebook — on 1 January, December by last year's rules, not by a
new year's rulebook already written. The flow adds a run in the Prefect UI and a table
artifact of the period's columns (the same columns and cells the terminal and the 考核 page
show), so the office sees each month's result without opening the workbook. With no period it
scores the month before now (the schedule runs at 06:00 on the 1st).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from reports.assessment import assess_period, write_report
from rules.periods import Period, month_of, parse_period
from workspace import Workspace, now


def previous_month(today: dt.date) -> Period:
    """The month before `today`'s: what a run on the 1st reports."""
    return month_of(today.replace(day=1) - dt.timedelta(days=1))


def artifact_key(period: Period) -> str:
    """Prefect keys allow lowercase letters, digits and dashes: score-2021-03, score-2021q1."""
    return f"score-{period.key.lower()}"


@task(name="score-period", cache_policy=NO_CACHE, persist_result=False)
def score_task(workspace: str, period_key: str) -> str:
    """Compute the period, write its workbook, publish the table; returns the workbook path."""
    ws = Workspace(Path(workspace))
    period = parse_period(period_key)
    assessment = assess_period(ws, period)
    path = write_report(ws, assessment)
    report = assessment.report
    notes = "".join(assessment.warnings)
    create_table_artifact(
        assessment.records(),
        key=artifact_key(period),
        description=(
            f"{report.rulebook_name} {period.label}{assessment.unfinished_mark}：稿酬合计 {report.fees_total:g} 元，"
            f"退稿 {len(assessment.rejections)} 件。报表：{path}{notes}"
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
