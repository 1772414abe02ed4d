"""约稿 as tasks: issue one to some units with a deadline, list them with who answered, close
one, and let the clerk link the 党委政务信息 draft that answers it (a draft named in its file name
as 【约稿12】 is linked by the intake when it is recorded: `intake.answers`). Every change is
logged (操作记录).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import sqlite_utils

from checks.labels import date_text
from intake.answers import answering
from ledger.assessment import get_submission
from ledger.events import Actor, Change
from ledger.requests import (
    RequestRecord,
    add_answer,
    add_request,
    close_request,
    get_request,
    read_requests,
)
from ledger.schema import open_ledger
from reports.request_rows import load_requests
from rules import Rulebook
from rules.periods import Period
from scoring.requests import RequestProgress, UnitRequests, answer_refusal, by_unit, request_progress
from service.errors import BadInput, DeskError, UnknownDraft
from service.events import UNKNOWN, record_in
from workspace import Workspace, now

CLERK = "办公室指定"


class NoSuchRequest(DeskError):
    """No 约稿 has this number."""


def _assigned_type(rulebook: Rulebook) -> tuple[str, str]:
    """(key, name) of the type whose quota is the month's 约稿 (党委政务信息)."""
    for key, ctype in rulebook.types.items():
        if ctype.quota == "assigned":
            return key, ctype.name
    raise BadInput(
        "request", None, '规则文件中没有按约稿考核的稿件类型（quota = "assigned"），无法登记约稿。'
    )


def _units(text: str, rulebook: Rulebook, problems: list[str]) -> list[str]:
    names: list[str] = []
    for part in (p.strip() for p in re.split(r"[、,，;；\s]+", text or "") if p.strip()):
        unit = rulebook.unit_named(part)
        if unit is None:
            problems.append(f"单位“{part}”不在规则文件中")
        elif unit.name not in names:
            names.append(unit.name)
    if not names and not problems:
        problems.append("请写明约稿发给哪些单位，多个单位用顿号或逗号隔开，如：湖滨社区、建设局")
    return names


def _deadline(text: str, today: dt.date, problems: list[str]) -> dt.date | None:
    raw = (text or "").strip().replace("/", "-").replace(".", "-")
    try:
        day = dt.date.fromisoformat("-".join(part.zfill(2) for part in raw.split("-")))
    except ValueError:
        problems.append(f"截止日期“{text}”无法识别，请写成 2021-03-25")
        return None
    if day < today:
        problems.append(f"截止日期 {day} 早于今天（{today}），请写今天或以后的日期")
    return day


@dataclass(frozen=True)
class Issued:
    id: int
    topic: str
    deadline: dt.date
    units: tuple[str, ...]

    def sentence(self) -> str:
        return (
            f"已发出约稿 {self.id}：“{self.topic}”，发给 {'、'.join(self.units)}，截止 {date_text(self.deadline)}。"
            f"各单位报送时在文件名中写【约稿{self.id}】即可自动对应。"
        )


def new_request(
    ws: Workspace, rulebook: Rulebook, topic: str, units: str, deadline: str, actor: Actor = UNKNOWN
) -> Issued:
    """Issue a 约稿. Raises `BadInput` naming every problem (nothing written)."""
    _assigned_type(rulebook)
    problems: list[str] = []
    topic = (topic or "").strip()
    if not topic:
        problems.append("请写明约稿主题")
    names = _units(units, rulebook, problems)
    day = _deadline(deadline, now(rulebook).date(), problems)
    if problems or day is None:
        raise BadInput("request", None, "约稿未登记：" + "；".join(problems) + "。")
    at = now(rulebook).isoformat(timespec="seconds")
    db = open_ledger(ws.ledger_path)
    try:

        def log(request_id: int) -> None:
            after = {"request_id": request_id, "topic": topic, "units": names, "deadline": day.isoformat()}
            record_in(db, rulebook, actor, [Change("request_new", None, after, subject=f"约稿 {request_id}")])

        request_id = add_request(db, topic, day.isoformat(), names, at, then=log)
    finally:
        db.close()
    return Issued(request_id, topic, day, tuple(names))


def _get(db: sqlite_utils.Database, request_id: int) -> RequestRecord:
    found = get_request(db, request_id)
    if found is None:
        known = "、".join(str(r["id"]) for r in read_requests(db)) or "无"
        raise NoSuchRequest(f"约稿编号 {request_id} 不存在。已有的约稿编号：{known}。")
    return found


def close(
    ws: Workspace, rulebook: Rulebook, request_id: int, reason: str | None, actor: Actor = UNKNOWN
) -> str:
    """Close a 约稿 (no more answers are linked to it); the sentence to show."""
    at = now(rulebook).isoformat(timespec="seconds")
    db = open_ledger(ws.ledger_path)
    try:
        found = _get(db, request_id)
        reason = (reason or "").strip() or None
        change = Change(
            "request_close",
            {"closed_at": None},
            {"closed_at": at},
            subject=f"约稿 {request_id}",
            reason=reason,
        )
        if not close_request(
            db, request_id, at, reason, then=lambda _: record_in(db, rulebook, actor, [change])
        ):
            raise BadInput("request", None, f"约稿 {request_id}“{found['topic']}”已经结束，无需再次结束。")
    finally:
        db.close()
    return f"已结束约稿 {request_id}“{found['topic']}”：此前收到的答复照常计入，此后收到的不再登记。"


def _link(
    db: sqlite_utils.Database,
    rulebook: Rulebook,
    request_id: int,
    submission_id: int,
    reason: str | None,
    actor: Actor,
) -> str:
    _, name = _assigned_type(rulebook)
    found = _get(db, request_id)
    draft = get_submission(db, submission_id)
    if draft is None:
        raise UnknownDraft(submission_id, nothing_done="未登记约稿答复")
    offered = answering(db, rulebook, request_id, submission_id, draft)
    assert offered is not None  # the 约稿 was found above
    refusal = answer_refusal(offered, name, clerk=True, reason=reason)
    if refusal is not None or offered.unit is None:
        raise BadInput("request", None, refusal or "")
    reason = (reason or "").strip() or None
    after = {"request_id": request_id, "unit": offered.unit, "how": CLERK}
    change = Change("request_answer", None, after, submission_id=submission_id, reason=reason)
    at = now(rulebook).isoformat(timespec="seconds")
    add_answer(
        db,
        request_id,
        submission_id,
        offered.unit,
        CLERK,
        at,
        then=lambda _: record_in(db, rulebook, actor, [change]),
    )
    return f"已登记：{offered.draft_words}（{offered.unit}）答复约稿 {request_id}“{found['topic']}”。"


def answer_request(
    ws: Workspace,
    rulebook: Rulebook,
    request_id: int,
    submission_id: int,
    actor: Actor = UNKNOWN,
    reason: str | None = None,
) -> str:
    """The clerk picks the draft that answers a 约稿 (a closed one too, for a draft received before
    the close, with a `reason`, logged). Raises `NoSuchRequest`, `UnknownDraft` or `BadInput`
    (`scoring.requests.answer_refusal`: wrong type, a unit the 约稿 was not sent to, received
    after the close, closed and no reason, answered already)."""
    db = open_ledger(ws.ledger_path)
    try:
        return _link(db, rulebook, request_id, submission_id, reason, actor)
    finally:
        db.close()


@dataclass(frozen=True)
class RequestsReport:
    """约稿完成情况 of a period: each 约稿 unit by unit, and per unit."""

    period: Period
    requests: tuple[RequestProgress, ...]
    units: tuple[UnitRequests, ...]


def progress(ws: Workspace, rulebook: Rulebook, period: Period) -> RequestsReport:
    """约稿完成情况 for `period` (约稿 whose deadline falls in it). Only reads: the intake links
    a named answer when it records the draft (`intake.answers`), the clerk any other."""
    if not any(t.quota == "assigned" for t in rulebook.types.values()):
        return RequestsReport(period, (), ())
    db = open_ledger(ws.ledger_path)
    try:
        requests, answers = load_requests(db, period.year, rulebook.meta.tz)
    finally:
        db.close()
    found = request_progress(period, requests, answers, now(rulebook).date())
    return RequestsReport(period, found, by_unit(found))


def period_progress(ws: Workspace, period: Period) -> RequestsReport:
    """`progress` by the period's year's rulebook (the 考核 page)."""
    return progress(ws, ws.period_rules(period).rulebook, period)


def listing(ws: Workspace, rulebook: Rulebook, year: int | None = None) -> list[str]:
    """One block of lines per 约稿 of `year` (default: this year): who answered, who not yet."""
    today = now(rulebook).date()
    year = year or today.year
    report = progress(ws, rulebook, Period(year, "year"))
    lines: list[str] = []
    for p in report.requests:
        r = p.request
        state = "已结束" if r.closed else ("进行中" if today <= r.deadline else "已到期")
        lines.append(
            f"约稿 {r.id}“{r.topic}”，截止 {date_text(r.deadline)}，{state}，按时答复 {p.on_time}/{len(p.units)} 个单位："
        )
        for u in p.units:
            ids = f"（稿件 {'、'.join(str(i) for i in u.submission_ids)}）" if u.submission_ids else ""
            lines.append(f"  {u.unit}：{u.state}{ids}")
    return lines


def summary_lines(report: RequestsReport) -> list[str]:
    """约稿完成情况 for `score`: per 约稿, then per unit; nothing when the period had none."""
    if not report.requests:
        return []
    lines = [f"约稿完成情况（{report.period.label}，按截止日期计）："]
    for p in report.requests:
        states = "、".join(f"{u.unit}{u.state}" for u in p.units)
        lines.append(
            f"  约稿 {p.request.id}“{p.request.topic}”（截止 {date_text(p.request.deadline)}）：{states}"
        )
    for u in report.units:
        lines.append(
            f"  {u.unit}：约稿 {u.issued} 篇，按时 {u.on_time} 篇，逾期 {u.late} 篇，未报 {u.missing} 篇"
        )
    return lines


def summary_json(report: RequestsReport) -> dict[str, object]:
    """The same as machine output (`score --json` field `requests`)."""
    return {
        "requests": [
            {
                "id": p.request.id,
                "topic": p.request.topic,
                "deadline": p.request.deadline.isoformat(),
                "units": [
                    {"unit": u.unit, "state": u.state, "submission_ids": list(u.submission_ids)}
                    for u in p.units
                ],
            }
            for p in report.requests
        ],
        "units": [
            {"unit": u.unit, "issued": u.issued, "on_time": u.on_time, "late": u.late, "missing": u.missing}
            for u in report.units
        ],
    }
