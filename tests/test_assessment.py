"""The assessment SQL (ledger/assessment.py) on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from ledger.assessment import (
    add_adoptions,
    add_officer,
    read_adoptions,
    read_assignments,
    read_submissions,
    set_assignment,
)
from ledger.schema import open_ledger
from tests.ledger_support import add_adoption, record_submission_row

pytestmark = pytest.mark.integration


@pytest.fixture()
def db(tmp_path: Path):
    ledger = open_ledger(tmp_path / "ledger.db")
    yield ledger
    ledger.close()


def _row(sid: int, outlet: str = "武进日报") -> dict:
    return {
        "submission_id": sid,
        "outlet": outlet,
        "level": "district",
        "adopted_on": "2021-03-05",
        "fee": None,
        "bonus": None,
        "source": "test",
    }


def test_a_sheet_of_adoptions_is_all_or_nothing(db) -> None:
    sid = record_submission_row(
        db, unit="湖滨社区", content_type="instant", received_at="2021-03-01T09:00:00+08:00"
    )
    bad = {**_row(sid, "常州日报"), "fee": object()}  # cannot be stored: the whole batch rolls back
    with pytest.raises(sqlite3.Error):
        add_adoptions(db, [_row(sid), bad])
    assert read_adoptions(db, dt.date(2021, 12, 31)) == []


def test_adoptions_come_back_with_their_submissions_facts(db) -> None:
    sid = record_submission_row(
        db,
        unit="湖滨社区",
        content_type="xuexi",
        title="强国稿",
        officer="张三",
        received_at="2021-03-01T09:00:00+08:00",
        is_announcement=0,
    )
    add_adoption(db, sid, "学习强国(省级)", "province", "2021-03-05", None, 0.4, "cli")
    add_adoption(db, sid, "学习强国(省级)", "province", "2021-03-05", None, 0.5, "cli")  # same again: updated
    rows = read_adoptions(db, dt.date(2021, 3, 31))
    assert [
        (r["unit"], r["content_type"], r["officer"], r["title"], r["level"], r["bonus"]) for r in rows
    ] == [("湖滨社区", "xuexi", "张三", "强国稿", "province", 0.5)]
    assert read_adoptions(db, dt.date(2021, 3, 4)) == []


def test_assignment_is_replaced_and_officer_updated(db) -> None:
    set_assignment(db, "2021-03", "湖滨社区", 1)
    set_assignment(db, "2021-03", "湖滨社区", 3)
    set_assignment(db, "2020-03", "湖滨社区", 9)
    assert read_assignments(db, 2021) == [{"month": "2021-03", "unit": "湖滨社区", "count": 3}]
    first = add_officer(db, unit="湖滨社区", name="张三", mobile="1")
    again = add_officer(db, unit="湖滨社区", name="张三", mobile="2")
    assert first == again
    with pytest.raises(ValueError, match="unknown officer fields"):
        add_officer(db, unit="湖滨社区", name="李四", shoe_size="42")


def test_submissions_are_read_with_a_days_margin_for_time_zones(db) -> None:
    record_submission_row(
        db, unit="湖滨社区", content_type="instant", received_at="2021-02-28T23:30:00+08:00"
    )
    record_submission_row(
        db, unit="湖滨社区", content_type="instant", received_at="2021-03-31T17:00:00+00:00"
    )
    record_submission_row(
        db, unit="湖滨社区", content_type="instant", received_at="2021-04-05T09:00:00+08:00"
    )
    rows = read_submissions(db, dt.date(2021, 3, 1), dt.date(2021, 3, 31))
    assert [r["received_at"][:10] for r in rows] == ["2021-02-28", "2021-03-31"]
