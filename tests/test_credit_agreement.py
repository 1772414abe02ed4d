"""The 台账 views' 计入 (SQL rendered from `scoring.credit_rule` by `ledger.credit_sql.counts_sql`)
says what `scoring.credit.credits_of` says, on every row of generated years (a real SQLite
ledger), revision chains that cross the new year included."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from ledger.assessment import read_adoptions, read_submissions
from ledger.credits import submission_credit
from ledger.schema import open_ledger
from ledger.views import SUBMISSIONS, ensure_views
from rules import load_rulebook
from scoring import credit_rule
from scoring.credit import credits_of
from scoring.rows import AdoptionRow, SubmissionRow
from tests.ledger_support import random_year, record_submission_row

pytestmark = pytest.mark.integration

UNIT = "湖滨社区"


def _version(db, sub_id: int, received: str, revision_of: int | None = None) -> None:
    record_submission_row(
        db,
        id=sub_id,
        unit=UNIT,
        content_type="instant",
        title="湖滨社区开展防汛演练",
        received_at=f"{received}+08:00",
        verdict="accepted",
        counted=1,
        sha256=f"v{sub_id}",
        revision_of=revision_of,
        state="filed",
    )


def _across_the_new_year(db) -> None:
    """A December draft and its revisions: one in December (a repeat), one on 1 January and its own
    revision, and another January revision of the December draft."""
    _version(db, 1001, "2020-12-20T09:00:00")
    _version(db, 1005, "2020-12-30T09:00:00", revision_of=1001)
    _version(db, 1002, "2021-01-01T08:30:00", revision_of=1001)
    _version(db, 1003, "2021-01-08T09:00:00", revision_of=1002)
    _version(db, 1004, "2021-01-09T09:00:00", revision_of=1001)


def _year_credits(db, rulebook, year: int):
    """Each year's credits as the readers take them: that year's drafts, adoptions to date."""
    tz = rulebook.meta.tz
    rows = [
        SubmissionRow.from_dict(r, tz)
        for r in read_submissions(db, dt.date(year, 1, 1), dt.date(year, 12, 31))
    ]
    subs = [s for s in rows if s.received_day.year == year]
    adopted = [AdoptionRow.from_dict(a) for a in read_adoptions(db, dt.date.max)]
    return {i: c for i, c in credits_of(subs, adopted, rulebook).items() if i in {s.id for s in subs}}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_ledger_views_count_what_the_credits_count_on_every_row(tmp_path, seed):
    rulebook = load_rulebook()
    path = tmp_path / "ledger.db"
    db = open_ledger(path)
    random_year(db, rulebook, random.Random(seed))
    _across_the_new_year(db)
    credits = {**_year_credits(db, rulebook, 2020), **_year_credits(db, rulebook, 2021)}
    receipts = {i: submission_credit(db, rulebook, i) for i in range(1001, 1006)}
    db.close()
    ensure_views(path, rulebook)
    db = open_ledger(path)
    shown = {int(r["稿件编号"]): r["计入"] for r in db.query(f'SELECT 稿件编号, 计入 FROM "{SUBMISSIONS}"')}
    db.close()
    python = {sub_id: ("是" if c.counts else "否") for sub_id, c in credits.items()}
    assert len(python) == 305 and shown == python
    reasons = {c.reason for c in credits.values()}
    assert {"", "rejected", "decided", "revision", "late", "not_adopted", "announcement"} <= reasons
    # a chain is walked within its year: January's first version counts, its revision does not;
    # 1004 revises the December draft itself, so it starts a chain of its own in January (the intake
    # links a resend to the latest version, so such a branch is rare)
    crossed = {i: (credits[i].reason, credits[i].related) for i in range(1001, 1006)}
    assert crossed == {
        1001: ("", None),
        1005: ("revision", 1001),
        1002: ("", None),
        1003: ("revision", 1002),
        1004: ("", None),
    }
    assert {i: (c.reason if c else None) for i, c in receipts.items()} == {
        i: r for i, (r, _) in crossed.items()
    }


def test_a_step_added_to_the_rule_changes_the_python_and_the_sql_alike(tmp_path, monkeypatch):
    rulebook = load_rulebook()
    extra = credit_rule.Step("short", credit_rule.EXCLUDED, credit_rule.Equals("title", "短讯"), "标题过短")
    monkeypatch.setattr(credit_rule, "ORDINARY", (extra, *credit_rule.ORDINARY))
    path = tmp_path / "ledger.db"
    db = open_ledger(path)
    _version(db, 1, "2021-03-01T09:00:00")
    record_submission_row(
        db,
        id=2,
        unit=UNIT,
        content_type="instant",
        title="短讯",
        received_at="2021-03-02T09:00:00+08:00",
        verdict="accepted",
        counted=1,
        sha256="v2",
        state="filed",
    )
    credits = _year_credits(db, rulebook, 2021)
    db.close()
    assert (credits[2].reason, credits[2].why, credits[1].counts) == ("short", "标题过短", True)
    ensure_views(path, rulebook)
    db = open_ledger(path)
    shown = {int(r["稿件编号"]): r["计入"] for r in db.query(f'SELECT 稿件编号, 计入 FROM "{SUBMISSIONS}"')}
    db.close()
    assert shown == {1: "是", 2: "否"}
