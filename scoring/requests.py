"""约稿 as tasks, scored: the quota they add and how each was answered (约稿完成情况).

Pure: rows in, values out. A unit's 党委政务信息 quota for a month is the larger of the count
entered with `assign` and the number of 约稿 issued to it with a deadline in that month (the
rulebook's comment on `[types.gov_info]` says why: never the sum). A 约稿 is answered on time
when a draft of the unit that answers it was received by the deadline and was not 退回; those
drafts are the unit's 党委政务信息 drafts and count toward its quota like any other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rules.periods import Period
from scoring.rows import AssignmentRow

ON_TIME, LATE, REJECTED, MISSING, OPEN = "按时", "逾期", "退回", "未报", "未到期"


@dataclass(frozen=True)
class RequestRow:
    id: int
    topic: str
    deadline: dt.date
    units: tuple[str, ...]
    closed: bool = False


@dataclass(frozen=True)
class AnswerRow:
    request_id: int
    submission_id: int
    unit: str
    received_day: dt.date | None
    accepted: bool


def with_requests(
    assignments: Sequence[AssignmentRow], requests: Iterable[RequestRow]
) -> list[AssignmentRow]:
    """The month's assignment per unit as max(assigned count, 约稿 issued with a deadline that month)."""
    counts: dict[tuple[str, str], int] = {}
    for a in assignments:
        counts[(a.month, a.unit)] = counts.get((a.month, a.unit), 0) + a.count
    issued: dict[tuple[str, str], int] = {}
    for r in requests:
        for unit in r.units:
            key = (f"{r.deadline:%Y-%m}", unit)
            issued[key] = issued.get(key, 0) + 1
    for key, n in issued.items():
        counts[key] = max(counts.get(key, 0), n)
    return [AssignmentRow(month, unit, n) for (month, unit), n in sorted(counts.items())]


@dataclass(frozen=True)
class UnitAnswer:
    """How one unit answered one 约稿: its state and the drafts it sent."""

    unit: str
    state: str
    submission_ids: tuple[int, ...]


@dataclass(frozen=True)
class RequestProgress:
    request: RequestRow
    units: tuple[UnitAnswer, ...]

    @property
    def on_time(self) -> int:
        return sum(1 for u in self.units if u.state == ON_TIME)


@dataclass(frozen=True)
class UnitRequests:
    """A unit's 约稿 in the period: issued, answered on time, late, not (yet) answered."""

    unit: str
    issued: int
    on_time: int
    late: int
    missing: int


def _state(request: RequestRow, mine: list[AnswerRow], today: dt.date) -> str:
    if any(a.accepted and a.received_day and a.received_day <= request.deadline for a in mine):
        return ON_TIME
    if any(a.accepted for a in mine):
        return LATE
    if mine:
        return REJECTED
    return OPEN if today <= request.deadline and not request.closed else MISSING


def request_progress(
    period: Period, requests: Iterable[RequestRow], answers: Sequence[AnswerRow], today: dt.date
) -> tuple[RequestProgress, ...]:
    """Each 约稿 whose deadline falls in `period`, unit by unit."""
    found: list[RequestProgress] = []
    for request in requests:
        if not period.contains(request.deadline):
            continue
        units = []
        for unit in request.units:
            mine = [a for a in answers if a.request_id == request.id and a.unit == unit]
            ids = tuple(a.submission_id for a in mine)
            units.append(UnitAnswer(unit, _state(request, mine, today), ids))
        found.append(RequestProgress(request, tuple(units)))
    return tuple(found)


def by_unit(progress: Sequence[RequestProgress]) -> tuple[UnitRequests, ...]:
    """Per unit (in the order first issued): how many 约稿, on time, late, not answered."""
    tally: dict[str, list[int]] = {}
    for p in progress:
        for u in p.units:
            row = tally.setdefault(u.unit, [0, 0, 0, 0])
            row[0] += 1
            row[1] += u.state == ON_TIME
            row[2] += u.state == LATE
            row[3] += u.state in (MISSING, REJECTED)
    return tuple(UnitRequests(unit, *row) for unit, row in tally.items())
