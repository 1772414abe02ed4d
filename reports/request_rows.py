"""The 约稿 of a year from the ledger as scoring's rows (`scoring.requests`)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlite_utils

from ledger.requests import read_answers, read_requests
from rules.times import parse_day, parse_instant
from scoring.requests import AnswerRow, RequestRow


def load_requests(
    db: sqlite_utils.Database, year: int, tz: ZoneInfo
) -> tuple[list[RequestRow], list[AnswerRow]]:
    """The 约稿 whose deadline falls in `year`, and the drafts answering them."""
    requests = [
        RequestRow(r["id"], r["topic"], parse_day(r["deadline"]), tuple(r["units"]), bool(r["closed_at"]))
        for r in read_requests(db, year)
    ]
    answers = [
        AnswerRow(
            a["request_id"],
            a["submission_id"],
            a["unit"],
            parse_instant(a["received_at"], tz).date() if a["received_at"] else None,
            a["verdict"] == "accepted",
        )
        for a in read_answers(db, [r.id for r in requests])
    ]
    return requests, answers
