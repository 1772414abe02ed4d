"""A unit's own page, reached by its private link: what it sent, what counted and why, what
was adopted and paid, and what it still owes — the questions a unit's officer would otherwise
ask the clerk.

Everything is read for the unit named by the link and nothing else: the ledger queries filter
by unit (`ledger/unit_page.py`), and the figures are the 考核 page's own (`service.score.assess`,
the period's year's rulebook) cut down to this unit's row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from checks.labels import date_text, rules_text, verdict_label, when_text
from ledger.credits import unit_credits
from ledger.desk import open_read_only
from ledger.unit_page import unit_drafts, unit_submission
from rules import Rulebook
from rules.levels import LEVEL_NAMES
from rules.periods import Period, due_date, month_of, parse_period, quarter_of, year_of
from rules.times import parse_instant
from scoring.completion import Completion
from scoring.credit import Credit, credit_words
from scoring.points import points_to_date
from service.errors import UnknownDraft
from workspace import Workspace, now

if TYPE_CHECKING:
    from reports.period import PeriodAssessment


@dataclass(frozen=True)
class AdoptionLine:
    outlet: str
    level: str  # 区级, 市级… as people read it
    adopted_on: str  # 2021年3月15日
    fee: float  # the piece's one fee on the adoption it is paid for, else 0
    paid: bool = True  # the piece's fee is paid on this adoption (`scoring.fees.piece_fee`)
    note: str = ""  # why not: 不重复奖励，按最高标准发放 / the rulebook's reason


@dataclass(frozen=True)
class DraftLine:
    id: int
    title: str
    type_name: str
    received: str  # 2021年3月12日 10:30
    verdict: str  # 合格 | 退回
    rules: str  # 字数、时效 (退回: the rules broken)
    counted: str  # the draft's credit in its one wording (`scoring.credit.credit_words`)
    why: str  # the office's 核定 and reason when decided, else the findings' words when not counted
    zishu: int
    photos: int
    has_note: bool
    adoptions: tuple[AdoptionLine, ...]
    decided: bool = False  # the office's 核定 is in force (`why` opens with it)


@dataclass(frozen=True)
class DueLine:
    """One quota of one type-period: what counted, what is still missing and by when."""

    type_name: str
    period: str  # 2021年3月, 2021年第1季度
    quota: int
    counted: int
    missing: int
    deadline: str  # 2021年3月31日
    open: bool  # the period has not ended: still time
    deadline_day: dt.date | None = None


@dataclass(frozen=True)
class RequestLine:
    """A 约稿 sent to the unit: what, by when, the tag its file name carries, how it stands."""

    id: int
    topic: str
    deadline: str  # 2021年3月25日
    tag: str  # 【约稿1】, to write in the file name
    state: str  # 按时, 逾期, 退回, 未报, 未到期


@dataclass(frozen=True)
class UnitPage:
    unit: str
    today: str
    month: Period
    month_drafts: tuple[DraftLine, ...]
    year_drafts: tuple[DraftLine, ...]  # the year's before this month (this month's are above)
    due: dict[str, tuple[DueLine, ...]]  # 本月 / 本季度 / 本年度 → lines
    points: float | None  # the year to date; None: the unit earns no points (bureaus)
    warnings: tuple[str, ...]
    carry_over: str = ""  # 不结转, in the 考核 page's own words
    scored: str = ""  # who earns points, in the 考核 page's own words
    requests: tuple[RequestLine, ...] = ()


def unit_page(
    ws: Workspace, rulebook: Rulebook, unit: str, assessed: Callable[[Period], PeriodAssessment] | None = None
) -> UnitPage:
    """The unit's page on the workspace's today (`DRAFTDESK_NOW` in replays). `assessed` gives a
    period's assessment (the desk passes its cached one); by default it is computed."""
    from reports.assessment import assess_unit

    today = now(rulebook).date()
    year = year_of(today)
    lines = _draft_lines(ws, rulebook, unit, year)
    in_month = tuple(line for line, day in lines if month_of(day) == month_of(today))
    assess = assessed or (lambda p: assess_unit(ws, p, unit))
    due, points, warnings = _progress(ws, unit, today, assess)
    month = assess(month_of(today))
    return UnitPage(
        unit,
        date_text(today),
        month_of(today),
        in_month,
        tuple(line for line, day in lines if month_of(day) != month_of(today)),
        due,
        points,
        warnings,
        month.carry_over,
        month.scored,
        _requests(ws, rulebook, unit, year),
    )


def _requests(ws: Workspace, rulebook: Rulebook, unit: str, year: Period) -> tuple[RequestLine, ...]:
    """This year's 约稿 sent to the unit, latest deadline first, with how the unit answered."""
    from service.requests import progress

    lines = []
    for p in progress(ws, rulebook, year).requests:
        mine = next((u for u in p.units if u.unit == unit), None)
        if mine is not None:
            r = p.request
            lines.append(RequestLine(r.id, r.topic, date_text(r.deadline), f"【约稿{r.id}】", mine.state))
    return tuple(sorted(lines, key=lambda line: -line.id))


def _draft_lines(
    ws: Workspace, rulebook: Rulebook, unit: str, year: Period
) -> list[tuple[DraftLine, dt.date]]:
    db = open_read_only(ws.ledger_path)
    try:
        rows = unit_drafts(db, unit, year.start, year.end)
        credits = unit_credits(db, rulebook, unit, year.start, year.end)
    finally:
        db.close()
    found = []
    for row in rows:
        received = parse_instant(str(row["received_at"]), rulebook.meta.tz)
        credit = credits.get(int(row["id"]))
        if year.contains(received.date()) and credit is not None:
            found.append((_line(row, received, rulebook, credit), received.date()))
    return found


def _adoption_lines(credit: Credit) -> tuple[AdoptionLine, ...]:
    """The piece's adoptions, its one fee shown once, on the adoption it is paid for."""
    return tuple(
        AdoptionLine(
            m.adoption.outlet,
            LEVEL_NAMES.get(m.adoption.level, m.adoption.level),
            date_text(m.adoption.adopted_on),
            m.fee if m.paid else 0.0,
            m.paid,
            m.why,
        )
        for m in credit.fee.marks
    )


def _why(row: dict[str, object], credit: Credit) -> str:
    """The office's 核定 and its reason when it decided (the machine's advice is stale then);
    else the findings' words when the draft does not count."""
    decided = row.get("decided_reason")
    if decided:
        return f"办公室核定：{str(decided).rstrip('。')}。"
    return "" if credit.counts else str(row["reasons"] or "")


def _line(row: dict[str, object], received: dt.datetime, rulebook: Rulebook, credit: Credit) -> DraftLine:
    verdict = str(row["verdict"] or "")
    ctype = rulebook.types.get(str(row["content_type"] or ""))
    return DraftLine(
        id=int(str(row["id"])),
        title=str(row["title"] or row["original_name"] or ""),
        type_name=ctype.name if ctype else "",
        received=when_text(received, rulebook.meta.tz),
        verdict=verdict_label(verdict),
        rules=rules_text(r for r in str(row["rules"] or "").split(",") if r) if verdict == "rejected" else "",
        counted=credit_words(credit),
        why=_why(row, credit),
        zishu=int(str(row["zishu"] or 0)),
        photos=int(str(row["photos_total"] or 0)),
        has_note=bool(row["has_note"]),
        adoptions=_adoption_lines(credit),
        decided=bool(row.get("decided_reason")),
    )


def _progress(
    ws: Workspace, unit: str, today: dt.date, assess: Callable[[Period], PeriodAssessment]
) -> tuple[dict[str, tuple[DueLine, ...]], float | None, tuple[str, ...]]:
    """本月, 本季度, 本年度: each type-period judged in the period or still open in it."""
    due: dict[str, tuple[DueLine, ...]] = {}
    points: float | None = None
    warnings: list[str] = []
    for heading, period in (
        ("本月", month_of(today)),
        ("本季度", quarter_of(today)),
        ("本年度", year_of(today)),
    ):
        assessed = assess(period)
        mine = next((u for u in assessed.report.units if u.unit == unit), None)
        if assessed.rulebook_warning and assessed.rulebook_warning not in warnings:
            warnings.append(assessed.rulebook_warning)
        if mine is None:
            continue
        year_rules = ws.period_rules(period).rulebook
        seen = {**mine.progress, **mine.completion}
        due[heading] = tuple(line for c in seen.values() for line in due_lines(c, year_rules, today))
        if period.kind == "year":
            if mine.points.applies:
                points = points_to_date(mine.completion, mine.points, year_rules, today) / 100
    return due, points, tuple(warnings)


def due_lines(completion: Completion, rulebook: Rulebook, today: dt.date) -> list[DueLine]:
    ctype = rulebook.types[completion.content_type]
    lines = []
    for count in completion.periods:
        period = parse_period(count.period)
        deadline = due_date(period.year, ctype.due) if ctype.due else period.end
        lines.append(
            DueLine(
                ctype.name,
                period.label,
                count.quota,
                count.counted,
                count.missing,
                date_text(deadline),
                deadline >= today,
                deadline,
            )
        )
    return lines


def unit_note(ws: Workspace, unit: str, submission_id: int) -> tuple[bytes, str]:
    """The note or notice of the unit's own draft, as the outbox holds it (its bytes), and its
    name; `UnknownDraft` for another unit's draft exactly as for a made-up number."""
    from extractors.safefile import display_name
    from workspace import is_inside

    db = open_read_only(ws.ledger_path)
    try:
        row = unit_submission(db, unit, submission_id)
    finally:
        db.close()
    path = ws.root / str(row["note_path"]) if row and row.get("note_path") else None
    if row is None or path is None or not is_inside(path, ws.outbox) or not path.is_file():
        raise UnknownDraft(submission_id, "note")
    return path.read_bytes(), display_name(path.name)
