"""The credits (`scoring.credit.Credit`) of one unit's drafts or of one draft, read from the ledger.

What counts is decided by `scoring.credit.credits_of`; this module only reads the rows it needs:
the unit's drafts of the year (a revision chain needs its earlier versions), the earlier drafts
they copy (another unit's, to tell a copy from the same news) and their adoptions in force. Receipts, notices, the unit page, `list` and the console take their 是否计入 from here.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from ledger.assessment import read_adoptions, read_submissions, read_submissions_by_id
from rules import Rulebook
from rules.times import parse_instant
from scoring.credit import Credit, credits_of
from scoring.rows import AdoptionRow, SubmissionRow


def unit_credits(
    db: sqlite_utils.Database, rulebook: Rulebook, unit: str, start: dt.date, end: dt.date
) -> dict[int, Credit]:
    """The credit of each of `unit`'s drafts received around [start, end], by id (adoptions to date)."""
    tz = rulebook.meta.tz
    subs = [SubmissionRow.from_dict(r, tz) for r in read_submissions(db, start, end, unit)]
    mine = {s.id for s in subs}
    named = sorted({s.duplicate_of for s in subs if s.duplicate_of is not None} - mine)
    others = [SubmissionRow.from_dict(r, tz) for r in read_submissions_by_id(db, named)]
    adopted = [AdoptionRow.from_dict(a) for a in read_adoptions(db, dt.date.max, unit)]
    found = credits_of([*subs, *others], adopted, rulebook)
    return {sub_id: credit for sub_id, credit in found.items() if sub_id in mine}


def submission_credit(db: sqlite_utils.Database, rulebook: Rulebook, sub_id: int) -> Credit | None:
    """One draft's credit in force now (None when there is no such draft)."""
    rows = list(db.query("SELECT unit, received_at FROM submissions WHERE id = ?", [sub_id]))
    if not rows:
        return None
    day = parse_instant(str(rows[0]["received_at"]), rulebook.meta.tz).date()
    start, end = dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    return unit_credits(db, rulebook, str(rows[0]["unit"] or ""), start, end).get(sub_id)
