"""Score a period: its assessment (`reports.assessment.assess_period`) and its workbook on disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reports.assessment import assess_period, earlier_workbooks, write_report
from reports.period import PeriodAssessment
from rules.periods import Period, parse_period
from scoring.report import PeriodReport
from service.errors import PeriodChoice, wrong_period_kind
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
    """Exactly one of month/quarter/year, of the right kind. Raises `PeriodChoice` (none or
    several given) or `BadInput` naming the field, which each front end words its own way."""
    given = [(k, v) for k, v in (("month", month), ("quarter", quarter), ("year", year)) if v is not None]
    if len(given) != 1:
        raise PeriodChoice([kind for kind, _ in given])
    kind, value = given[0]
    try:
        period = parse_period(value)
    except ValueError:
        raise wrong_period_kind(kind, value) from None
    if period.kind != kind:
        raise wrong_period_kind(kind, value)
    return period


def score(ws: Workspace, period: Period) -> Scored:
    """Assess `period` by its year's rulebook and write its workbook."""
    answered = progress(ws, ws.period_rules(period).rulebook, period)
    assessment = assess_period(ws, period)
    workbook = write_report(ws, assessment)
    return Scored(assessment, workbook, tuple(earlier_workbooks(ws, period)), answered)
