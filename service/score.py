"""Score a period: its assessment (`reports.assessment.assess_period`) and its workbook on disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reports.assessment import assess_period, choose_period, earlier_workbooks, write_report
from reports.period import PeriodAssessment
from rules import Rulebook
from rules.periods import Period
from scoring.report import PeriodReport
from service.errors import BadInput
from workspace import Workspace


@dataclass(frozen=True)
class Scored:
    """A period's assessment, where its workbook was written, and the earlier ones kept."""

    assessment: PeriodAssessment
    workbook: Path
    earlier: tuple[Path, ...] = ()  # the period's earlier workbooks, kept time-stamped beside it

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
        raise BadInput(str(exc)) from None


def assess(ws: Workspace, period: Period) -> PeriodAssessment:
    """`score` without writing the workbook (the desk's 考核 page)."""
    return assess_period(ws, period)


def score(ws: Workspace, rulebook: Rulebook, period: Period) -> Scored:
    """Assess `period` by its year's rulebook and write its workbook (`rulebook`, the latest
    year's, is what opened the workspace; it does not score)."""
    assessment = assess_period(ws, period)
    workbook = write_report(ws, assessment)
    return Scored(assessment, workbook, tuple(earlier_workbooks(ws, period)))
