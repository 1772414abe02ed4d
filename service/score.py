"""Score a period: its assessment (`reports.assessment.assess_period`) and its workbook on disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reports.assessment import assess_period, choose_period, earlier_workbooks, write_report
from reports.period import PeriodAssessment
from rules.periods import Period
from scoring.report import PeriodReport
from service.errors import BadInput
from service.requests import RequestsReport, progress
from workspace import Workspace


@dataclass(frozen=True)
class Scored:
    """A period's assessment, where its workbook was written, and the earlier ones kept."""

    assessment: PeriodAssessment
    workbook: Path
    earlier: tuple[Path, ...] = ()  # the period's earlier workbooks, kept time-stamped beside it
    requests: RequestsReport | None = None  # 约稿完成情况 of the period

    @property
    def report(self) -> PeriodReport:
        return self.assessment.report

    @property
    def still_open(self) -> str | None:
        return self.assessment.still_open

    @property
    def rulebook_warning(self) -> str | None:
        return self.assessment.rulebook_warning


def period_from(month: str | None, quarter: str | None, year: int | None) -> Period:
    """Exactly one of month/quarter/year, of the right kind; raises `BadInput` (Chinese)."""
    try:
        return choose_period(month, quarter, year)
    except ValueError as exc:
        raise BadInput("period", None, str(exc)) from None


def score(ws: Workspace, period: Period) -> Scored:
    """Assess `period` by its year's rulebook and write its workbook."""
    answered = progress(ws, ws.rulebook_for(period.year).rulebook, period)  # links named 约稿 answers first
    assessment = assess_period(ws, period)
    workbook = write_report(ws, assessment)
    return Scored(assessment, workbook, tuple(earlier_workbooks(ws, period)), answered)
