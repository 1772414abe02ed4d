"""Plain values the scoring stage reads: submissions, adoptions, assignments, officers.

`ledger/assessment.py` returns plain dicts from SQLite; these `from_dict` constructors turn them
into typed values once, so the scoring code never handles raw rows or SQL and tests can
build inputs directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from rules.times import parse_day, parse_instant


def _opt_int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _opt_float(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


@dataclass(frozen=True)
class SubmissionRow:
    id: int
    unit: str
    content_type: str
    title: str
    officer: str
    received_at: dt.datetime
    verdict: str
    counted: bool
    is_announcement: bool = False
    duplicate_of: int | None = None
    revision_of: int | None = None
    same_event_of: int | None = None  # probably the same event as another unit's earlier draft
    category: str = ""
    original_name: str = ""
    decided: bool = False  # the office's 核定 is in force (verdict/counted above are the effective ones)
    decided_counted: bool | None = None  # the office's --count / --not-count, None: not decided
    decided_reason: str = ""
    sha256: str = ""
    deadline: dt.datetime | None = None  # when it was due, as the judge stored it (event_deadline)

    @property
    def received_day(self) -> dt.date:
        """The office-local calendar day of receipt: what decides the month it counts for."""
        return self.received_at.date()

    @classmethod
    def from_dict(cls, row: Mapping[str, Any], tz: ZoneInfo) -> SubmissionRow:
        return cls(
            id=int(row["id"]),
            unit=row.get("unit") or "",
            content_type=row.get("content_type") or "",
            title=row.get("title") or "",
            officer=row.get("officer") or "",
            received_at=parse_instant(row["received_at"], tz),
            verdict=row.get("verdict") or "",
            counted=bool(row.get("counted")),
            is_announcement=bool(row.get("is_announcement")),
            duplicate_of=_opt_int(row.get("duplicate_of")),
            revision_of=_opt_int(row.get("revision_of")),
            same_event_of=_opt_int(row.get("same_event_of")),
            category=row.get("category") or "",
            original_name=row.get("original_name") or "",
            decided=row.get("decided_verdict") is not None or row.get("decided_counted") is not None,
            decided_counted=None if row.get("decided_counted") is None else bool(row["decided_counted"]),
            decided_reason=row.get("decided_reason") or "",
            sha256=row.get("sha256") or "",
            deadline=parse_instant(row["event_deadline"], tz) if row.get("event_deadline") else None,
        )


@dataclass(frozen=True)
class WithdrawalRow:
    """An adoption the office withdrew (`draftdesk unadopt`), and the day it did."""

    adoption: AdoptionRow
    withdrawn_on: dt.date
    reason: str = ""

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> WithdrawalRow:
        return cls(
            AdoptionRow.from_dict(row),
            parse_day(str(row["withdrawn_at"])[:10]),
            row.get("withdrawn_reason") or "",
        )


@dataclass(frozen=True)
class AdoptionRow:
    """One adoption (录用) with the facts of its submission that scoring needs."""

    id: int
    submission_id: int
    outlet: str
    level: str
    adopted_on: dt.date
    fee: float | None  # the fee the office gave (wechat quality fee); None = by the rulebook
    bonus: float | None  # the media-lead bonus the office marked; None/0 = none
    unit: str
    content_type: str
    officer: str = ""
    title: str = ""
    is_announcement: bool = False

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> AdoptionRow:
        return cls(
            id=int(row["id"]),
            submission_id=int(row["submission_id"]),
            outlet=row.get("outlet") or "",
            level=row.get("level") or "",
            adopted_on=parse_day(row["adopted_on"]),
            fee=_opt_float(row.get("fee")),
            bonus=_opt_float(row.get("bonus")),
            unit=row.get("unit") or "",
            content_type=row.get("content_type") or "",
            officer=row.get("officer") or "",
            title=row.get("title") or "",
            is_announcement=bool(row.get("is_announcement")),
        )


@dataclass(frozen=True)
class AssignmentRow:
    month: str  # "2021-03"
    unit: str
    count: int

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> AssignmentRow:
        return cls(month=str(row["month"]), unit=str(row["unit"]), count=int(row["count"] or 0))


@dataclass(frozen=True)
class OfficerRow:
    unit: str
    name: str
    mobile: str = ""
    phone: str = ""
    position: str = ""

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> OfficerRow:
        return cls(
            unit=row.get("unit") or "",
            name=row.get("name") or "",
            mobile=row.get("mobile") or "",
            phone=row.get("phone") or "",
            position=row.get("position") or "",
        )


@dataclass(frozen=True)
class RejectionRow:
    """A rejected submission with its error messages, for the 退稿情况 sheet."""

    id: int
    unit: str
    content_type: str
    title: str
    received_at: str
    reasons: tuple[str, ...]

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> RejectionRow:
        return cls(
            id=int(row["id"]),
            unit=row.get("unit") or "",
            content_type=row.get("content_type") or "",
            title=row.get("title") or "",
            received_at=row.get("received_at") or "",
            reasons=(*_decided_rejection(row), *(row.get("reasons") or ())),
        )


def _decided_rejection(row: Mapping[str, Any]) -> tuple[str, ...]:
    """The office's 核定 退回 and its reason, first among a rejection's reasons: a draft the
    office rejected has no finding of its own that says why."""
    if row.get("decided_verdict") != "rejected":
        return ()
    return (f"办公室核定退回（理由：{row.get('decided_reason') or '未说明'}）",)


@dataclass(frozen=True)
class ScoringRows:
    """What a unit's completion and points are counted from, passed as one value: the drafts,
    the adoptions and the month's 约稿 assignments (the year to date, already cut at the
    report's end and with unit aliases resolved)."""

    submissions: Sequence[SubmissionRow] = ()
    adoptions: Sequence[AdoptionRow] = ()
    assignments: Sequence[AssignmentRow] = ()
