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

from rules.model import Rulebook
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


# ---- which draft may answer a 约稿 -----------------------------------------------------------


def assigned_type(rulebook: Rulebook) -> tuple[str, str] | None:
    """(key, name) of the type whose quota is the month's 约稿 (党委政务信息), or None."""
    for key, ctype in rulebook.types.items():
        if ctype.quota == "assigned":
            return key, ctype.name
    return None


@dataclass(frozen=True)
class Answering:
    """A draft offered as the answer to a 约稿, with all that decides whether it may answer."""

    request: RequestRow
    closed_at: dt.datetime | None  # when the 约稿 was closed; None while open
    submission_id: int
    title: str  # the draft's title, '' when none was found
    unit: str | None  # the draft's unit as the rulebook names it; None when it is not one
    unit_shown: str  # the draft's unit as recorded, for the sentence
    of_assigned_type: bool  # a draft of the type 约稿 are answered by
    received_at: dt.datetime
    answers_already: int | None  # the 约稿 the draft already answers, if any

    @property
    def draft_words(self) -> str:
        return f"稿件 {self.submission_id}《{self.title}》"


def answer_refusal(
    a: Answering, type_name: str, *, clerk: bool = False, reason: str | None = None
) -> str | None:
    """Why the draft may not be linked as the answer, in one sentence, or None when it may.

    THE rule for both ways an answer is linked: the intake (a 【约稿N】 file name, at recording)
    and the clerk (`clerk`, with the `reason` written). Closing a 约稿 keeps every answer that arrived before
    the close: the intake links such a draft whenever it records it, the clerk with a reason;
    a draft received after the close answers nothing."""
    r = a.request
    if not a.of_assigned_type:
        return f"{a.draft_words}不是{type_name}，不能作为约稿的答复。"
    if a.closed_at is not None and a.received_at >= a.closed_at:
        return f"约稿 {r.id}“{r.topic}”已经结束，{a.draft_words}是结束之后收到的，不再登记为答复。"
    if a.unit is None or a.unit not in r.units:
        return (
            f"{a.draft_words}来自{a.unit_shown or '未知单位'}，约稿 {r.id} 没有发给该单位"
            f"（发给：{'、'.join(r.units)}）。"
        )
    if a.answers_already is not None:
        return f"{a.draft_words}已登记为约稿 {a.answers_already} 的答复。"
    if a.closed_at is not None and clerk and not (reason or "").strip():
        return (
            f"约稿 {r.id}“{r.topic}”已经结束；{a.draft_words}是结束之前收到的，仍可登记为答复，请写明原因。"
        )
    return None
