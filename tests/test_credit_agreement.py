"""The 台账 views' 计入 (SQL, `ledger.views.counts_sql`) says what `scoring.credit.credits_of`
says, on every row of a generated year (a real SQLite ledger)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from ledger.assessment import read_adoptions, read_submissions
from ledger.schema import open_ledger
from ledger.views import SUBMISSIONS, ensure_views
from rules import load_rulebook
from scoring.credit import credits_of
from scoring.rows import AdoptionRow, SubmissionRow
from tests.ledger_support import random_year

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_ledger_views_count_what_the_credits_count_on_every_row(tmp_path, seed):
    rulebook = load_rulebook()
    path = tmp_path / "ledger.db"
    db = open_ledger(path)
    random_year(db, rulebook, random.Random(seed))
    tz = rulebook.meta.tz
    subs = [
        SubmissionRow.from_dict(r, tz)
        for r in read_submissions(db, dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    ]
    adopted = [AdoptionRow.from_dict(a) for a in read_adoptions(db, dt.date.max)]
    db.close()
    credits = credits_of(subs, adopted, rulebook)
    ensure_views(path, rulebook)
    db = open_ledger(path)
    shown = {int(r["稿件编号"]): r["计入"] for r in db.query(f'SELECT 稿件编号, 计入 FROM "{SUBMISSIONS}"')}
    db.close()
    python = {sub_id: ("是" if c.counts else "否") for sub_id, c in credits.items()}
    assert len(python) == 300 and shown == python
    reasons = {c.reason for c in credits.values()}
    assert {"", "rejected", "decided", "revision", "late", "not_adopted"} <= reasons
