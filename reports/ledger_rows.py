"""The ledger rows one period is scored from, read once (the year to date, typed).

`build_report` scores them; `figures_behind` lists, for one unit, the drafts and adoptions among
them behind its figures — both read the same rows the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.assessment import (
    read_adoptions,
    read_assignments,
    read_officers,
    read_rejections,
    read_submissions,
    read_withdrawals,
)
from ledger.desk import open_read_only
from ledger.schema import open_ledger
from reports.request_rows import load_requests
from rules import Rulebook
from rules.periods import Period
from rules.times import parse_instant
from scoring.requests import with_requests
from scoring.rows import (
    AdoptionRow,
    AssignmentRow,
    OfficerRow,
    RejectionRow,
    ScoringRows,
    SubmissionRow,
    WithdrawalRow,
)
from workspace import Workspace


@dataclass(frozen=True)
class PeriodRows:
    """What scoring `period` reads: the year to date's rows, officers, withdrawals, rejections."""

    rows: ScoringRows
    officers: tuple[OfficerRow, ...]
    withdrawn: tuple[WithdrawalRow, ...]
    rejections: tuple[RejectionRow, ...]  # received in the period and rejected


def read_period(ws: Workspace, rulebook: Rulebook, period: Period, unit: str | None = None) -> PeriodRows:
    """Read the ledger once for `period`: from 1 January of its year to its end. With `unit`
    (a unit's own page, on the desk, whose start brought the schema up to date), only that
    unit's submissions and adoptions, read without the schema check each open makes."""
    tz = rulebook.meta.tz
    year_start = period.year_to_date_start()
    db = open_read_only(ws.ledger_path) if unit is not None else open_ledger(ws.ledger_path)
    try:
        submissions = [
            SubmissionRow.from_dict(r, tz) for r in read_submissions(db, year_start, period.end, unit)
        ]
        adoptions = [AdoptionRow.from_dict(r) for r in read_adoptions(db, period.end, unit)]
        assignments = [AssignmentRow.from_dict(r) for r in read_assignments(db, period.year)]
        assignments = with_requests(assignments, load_requests(db, period.year, tz)[0])  # 约稿 as tasks
        officers = tuple(OfficerRow.from_dict(r) for r in read_officers(db))
        withdrawn = tuple(WithdrawalRow.from_dict(r) for r in read_withdrawals(db, period.start, period.end))
        rejected = [
            r
            for r in read_rejections(db, period.start, period.end)
            if r.get("received_at") and period.contains(parse_instant(r["received_at"], tz).date())
        ]
    finally:
        db.close()
    submissions = [s for s in submissions if year_start <= s.received_day <= period.end]
    rows = ScoringRows(submissions, adoptions, assignments)
    return PeriodRows(rows, officers, withdrawn, tuple(RejectionRow.from_dict(r) for r in rejected))
