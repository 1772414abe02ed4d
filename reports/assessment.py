"""The assessment of one period, read from the ledger and written as the office's workbook.

The command line, the browser desk and the scheduled Prefect flow all assess a period through
`assess_period` (which year's rulebook scores it, and what people see of it) and write it with
`write_report`, so the figures never differ between them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from ledger.assessment import read_not_counted
from ledger.events import events_between
from ledger.schema import open_ledger
from reports.events_view import Event
from reports.ledger_rows import PeriodRows, read_period
from reports.period import PeriodAssessment, assessment_of
from reports.workbook import write_period_workbook
from rules import Rulebook
from rules.periods import Period
from scoring.credit import credit_words, credits_of
from scoring.report import PeriodReport, score_period
from scoring.rows import RejectionRow, ScoringRows
from workspace import Workspace, now


def report_path(ws: Workspace, period: Period) -> Path:
    """outbox/reports/<period>/考核结果_<period>.xlsx"""
    return ws.reports / period.key / f"考核结果_{period.key}.xlsx"


def build_report(
    ws: Workspace, rulebook: Rulebook, period: Period
) -> tuple[PeriodReport, list[RejectionRow]]:
    """Read the year to date from the ledger and score `period`; also the period's rejections."""
    read = read_period(ws, rulebook, period)
    report = score_period(period, rulebook, read.rows, read.officers, read.withdrawn)
    return report, list(read.rejections)


def keep_earlier(path: Path, tz: dt.tzinfo | None = None) -> Path | None:
    """Move an earlier workbook at `path` aside, named by when it was written
    (考核结果_2021Q1_20210402-0930.xlsx), so a re-run never overwrites what may have been
    printed or sent. Returns where it went, or None when there was none."""
    if not path.exists():
        return None
    made = dt.datetime.fromtimestamp(path.stat().st_mtime, tz)
    stem = f"{path.stem}_{made:%Y%m%d-%H%M%S}"
    target = path.with_name(f"{stem}{path.suffix}")
    n = 2
    while target.exists():
        target = path.with_name(f"{stem}-{n}{path.suffix}")
        n += 1
    path.replace(target)
    return target


def earlier_workbooks(ws: Workspace, period: Period) -> list[Path]:
    """The period's earlier workbooks kept by `keep_earlier`, oldest first."""
    current = report_path(ws, period)
    if not current.parent.is_dir():
        return []
    return sorted(current.parent.glob(f"{current.stem}_*{current.suffix}"))


def assess_period(ws: Workspace, period: Period) -> PeriodAssessment:
    """The one place that decides which rulebook scores `period` — its own year's
    (`Workspace.period_rules`, with the warning when the year has none) — and what people see of
    it: the report, its columns and rules, the warnings, the 推荐名单, on the workspace's day
    (`DRAFTDESK_NOW`), which also decides whether the period is unfinished."""
    year_rules = ws.period_rules(period)
    rulebook = year_rules.rulebook
    read = read_period(ws, rulebook, period)
    report = score_period(period, rulebook, read.rows, read.officers, read.withdrawn)
    rejections = list(read.rejections)
    not_counted = not_counted_rows(ws, period, rulebook, read)
    today = now(rulebook).date()
    return assessment_of(report, rulebook, today, year_rules.warning, rejections, not_counted)


def assess_unit(ws: Workspace, period: Period, unit: str) -> PeriodAssessment:
    """`assess_period` for one unit alone (its own page): the same rulebook, rows and rules,
    scored for that unit only. A unit's completion and points depend on its own rows, so its
    line is the same as in the whole period's assessment; only ranks and the 推荐名单, which
    compare units, are left out. A year for every unit cost ~1 s cold; one unit, a fraction."""
    year_rules = ws.period_rules(period)
    found = year_rules.rulebook.unit_named(unit)
    rulebook = dataclasses.replace(year_rules.rulebook, units=(found,) if found else ())
    read = read_period(ws, rulebook, period, unit)
    rows = ScoringRows(  # submissions and adoptions were read for the unit alone
        read.rows.submissions,
        read.rows.adoptions,
        [r for r in read.rows.assignments if r.unit == unit],
    )
    officers = tuple(o for o in read.officers if o.unit == unit)
    report = score_period(period, rulebook, rows, officers, read.withdrawn)
    return assessment_of(report, rulebook, now(rulebook).date(), year_rules.warning)


def write_report(ws: Workspace, assessment: PeriodAssessment) -> Path:
    """Write the period's workbook; an earlier one for the same period is kept, time-stamped."""
    path = report_path(ws, assessment.period)
    keep_earlier(path, ws.period_rules(assessment.period).rulebook.meta.tz)
    return write_period_workbook(assessment, path, period_events(ws, assessment.period))


def period_events(ws: Workspace, period: Period) -> list[Event]:
    """The changes of the record made during `period` (by the workspace clock), oldest first."""
    db = open_ledger(ws.ledger_path)
    try:
        rows = events_between(db, period.start.isoformat(), period.end.isoformat())
    finally:
        db.close()
    return [Event.of(row) for row in rows]


def not_counted_rows(
    ws: Workspace, period: Period, rulebook: Rulebook, read: PeriodRows
) -> list[RejectionRow]:
    """Drafts received in `period` that are 合格 and registered but whose credit does not count
    (`scoring.credit.credits_of`), with why: the findings that say so, else the credit's reason."""
    credits = credits_of(read.rows.submissions, read.rows.adoptions, rulebook, through=period.end)
    db = open_ledger(ws.ledger_path)
    try:
        said = {
            int(r["id"]): list(r.get("reasons") or ()) for r in read_not_counted(db, period.start, period.end)
        }
    finally:
        db.close()
    return [
        RejectionRow(
            s.id,
            s.unit,
            s.content_type,
            s.title,
            s.received_at.isoformat(),
            tuple(said.get(s.id) or [credit_words(credits[s.id])]),
        )
        for s in read.rows.submissions
        if s.verdict == "accepted" and not credits[s.id].counts and period.contains(s.received_day)
    ]
