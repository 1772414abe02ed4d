"""Score a period: the assessment, its workbook on disk, and whether the period is still open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reports.assessment import build_report, choose_period, earlier_workbooks, write_report
from rules import Rulebook
from rules.periods import Period
from scoring.report import PeriodReport
from service.errors import BadInput
from service.requests import RequestsReport, progress
from workspace import Workspace, now


@dataclass(frozen=True)
class Scored:
    """A period's report, where its workbook was written, and a warning when it is not over."""

    report: PeriodReport
    workbook: Path
    still_open: str | None
    rulebook_warning: str | None = None  # the period's year had no rulebook: the latest scored it
    earlier: tuple[Path, ...] = ()  # the period's earlier workbooks, kept time-stamped beside it
    requests: RequestsReport | None = None  # 约稿完成情况 of the period


def period_from(month: str | None, quarter: str | None, year: int | None) -> Period:
    """Exactly one of month/quarter/year, of the right kind; raises `BadInput` (Chinese)."""
    try:
        return choose_period(month, quarter, year)
    except ValueError as exc:
        raise BadInput(str(exc)) from None


def still_open_warning(period: Period, today: dt.date) -> str | None:
    """The warning (Chinese) that `period` is not over yet on `today`, else None."""
    if period.end < today:
        return None
    return f"注意：{period.label}尚未结束（今天 {today}），尚未到期的任务也按缺少计算；期末后再运行可得正式结果。"


@dataclass(frozen=True)
class Assessed:
    """A period's report with the warnings `score` prints beside it (the desk's 考核 page)."""

    report: PeriodReport
    still_open: str | None
    rulebook_warning: str | None
    requests: RequestsReport | None = None  # 约稿完成情况 of the period


def assess(ws: Workspace, rulebook: Rulebook, period: Period) -> Assessed:
    """`score` without writing the workbook: the report by the period's year's rulebook, and
    the still-open and rulebook warnings."""
    today = now(rulebook).date()
    year_rules = ws.rulebook_for(period.year)
    answered = progress(ws, year_rules.rulebook, period)  # links 约稿 answers named in file names first
    report, _ = build_report(ws, year_rules.rulebook, period)
    return Assessed(report, still_open_warning(period, today), year_rules.warning, answered)


def score(ws: Workspace, rulebook: Rulebook, period: Period) -> Scored:
    """Read the ledger, score `period` by its year's rulebook and write its workbook."""
    today = now(rulebook).date()  # the workspace's clock; the period's year gives the rules
    year_rules = ws.rulebook_for(period.year)
    rulebook = year_rules.rulebook
    still_open = still_open_warning(period, today)
    answered = progress(ws, rulebook, period)  # links 约稿 answers named in file names first
    report, rejections = build_report(ws, rulebook, period)
    workbook = write_report(ws, report, rejections, rulebook.meta.tz)
    earlier = tuple(earlier_workbooks(ws, period))
    return Scored(report, workbook, still_open, year_rules.warning, earlier, answered)
