"""Reminders to units below quota, a few days before a type-period ends (`serve`, daily).

A unit whose group is in notify.toml, and which still owes drafts for a month or quarter that
ends in exactly `remind_days_before` days, gets one message naming what is missing and by
when. Queued like every message (the ledger's `notifications`), so a reminder that cannot be
sent is retried and shown; the same reminder is never queued twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from intake.notify import NotifyConfigError, deliver, load_config, queued_row
from ledger import notifications
from ledger.schema import open_ledger
from reports.assessment import assess_period
from rules import Rulebook
from rules.periods import month_of
from service.unit_page import DueLine, due_lines
from workspace import Workspace, now

log = logging.getLogger("draftdesk.notify")


def reminders_due(
    ws: Workspace, rulebook: Rulebook, today: dt.date, days_before: int
) -> dict[str, list[DueLine]]:
    """Per unit, the quotas it still misses whose deadline is `days_before` days after `today`."""
    deadline = today + dt.timedelta(days=days_before)
    assessed = assess_period(ws, month_of(today))
    year_rules = ws.rulebook_for(today.year).rulebook
    due: dict[str, list[DueLine]] = {}
    for unit in assessed.report.units:
        seen = {**unit.progress, **unit.completion}
        lines = [
            line
            for c in seen.values()
            for line in due_lines(c, year_rules, today)
            if line.missing and line.deadline_day == deadline
        ]
        if lines:
            due[unit.unit] = lines
    return due


def reminder_text(unit: str, lines: list[DueLine]) -> str:
    owed = "；".join(f"{line.period}{line.type_name}还差 {line.missing} 篇" for line in lines)
    return f"提醒：{unit}{owed}，截止 {lines[0].deadline}。请抓紧报送。"


def send_reminders(ws: Workspace) -> int:
    """Queue and send today's reminders; how many were queued. Never raises for a bad
    notify.toml (nothing is sent) — a reminder is a side channel."""
    rulebook = ws.rulebook()
    try:
        config = load_config(ws.root, rulebook)
    except NotifyConfigError:
        return 0
    if not config.units:
        return 0
    at = now(rulebook)
    due = reminders_due(ws, rulebook, at.date(), config.remind_days_before)
    db = open_ledger(ws.ledger_path)
    try:
        rows = []
        for unit, lines in due.items():
            body = reminder_text(unit, lines)
            for i, url in enumerate(config.units.get(unit, ())):
                target = f"{unit}#{i}"
                if not notifications.already_queued(db, target, body):
                    rows.append(queued_row({"created_at": at.isoformat()}, unit, target, url, body, None))
        notifications.queue(db, rows)
        deliver(db, config, at.isoformat())
        return len(rows)
    finally:
        db.close()


def keep_reminding(ws: Workspace, stop: threading.Event, check_seconds: float = 600.0) -> None:
    """While `watch` or `serve` runs (a daemon thread beside it): today's reminders once a day,
    on the first check of each day. Never raises: a reminder is a side channel."""
    done_for: dt.date | None = None
    while not stop.is_set():
        try:
            today = now(ws.rulebook()).date()
            if today != done_for:
                send_reminders(ws)
                done_for = today
        except Exception as exc:
            log.warning("今日提醒未发出：%s", exc)
        stop.wait(check_seconds)
