"""SQL for the assessment stage: adoptions, assignments, officers, and the rows scoring reads.

Writes are small and explicit; a sheet of adoptions goes in as one transaction so a bad row
leaves the ledger untouched. Readers return plain dicts (one per row) that
`scoring.rows` turns into typed values; SQL stays here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import sqlite_utils

from ledger.decisions import counted_sql, effective_columns, verdict_sql
from ledger.records import AdoptionRecord, AssignmentRecord, OfficerRecord, RejectionRecord, SubmissionRecord
from ledger.schema import new_id, records

ADOPTION_COLUMNS = ("submission_id", "outlet", "level", "adopted_on", "fee", "bonus", "entered_at", "source")
OFFICER_FIELDS = (
    "unit",
    "name",
    "gender",
    "birth",
    "politics",
    "education",
    "position",
    "phone",
    "mobile",
    "qq",
    "wechat",
    "leader",
    "registered_at",
    "source_sha256",
)


def _stamp() -> str:
    """When a row was entered: bookkeeping only, never used by a rule."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def received_times(db: sqlite_utils.Database, ids: Iterable[int]) -> dict[int, str]:
    """When each of `ids` was received (ISO text as stored), for the ids that exist."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return {}
    marks = ",".join("?" for _ in wanted)
    sql = f"SELECT id, received_at FROM submissions WHERE id IN ({marks})"
    return {row[0]: row[1] for row in db.execute(sql, wanted)}


def rejected_ids(db: sqlite_utils.Database, ids: Iterable[int]) -> set[int]:
    """Those of `ids` whose verdict in force (the office's 核定, else the machine's) is 退回."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return set()
    marks = ",".join("?" for _ in wanted)
    sql = f"SELECT id FROM submissions WHERE id IN ({marks}) AND {verdict_sql()} = 'rejected'"
    return {int(row[0]) for row in db.execute(sql, wanted)}


def get_submission(db: sqlite_utils.Database, submission_id: int) -> SubmissionRecord | None:
    rows: list[SubmissionRecord] = records(
        db.query("SELECT * FROM submissions WHERE id = ?", [submission_id])
    )
    return rows[0] if rows else None


def add_adoptions(
    db: sqlite_utils.Database, rows: Sequence[dict[str, Any]], then: Callable[[], object] | None = None
) -> list[int]:
    """Record adoptions all-or-nothing (one transaction). Returns their ids. `then` runs inside
    the same transaction (the log of changes appends its events there, so both commit or neither).

    Entering the same submission, outlet and date again updates fee and bonus instead of adding
    a second row, so re-importing a sheet changes nothing. A withdrawn adoption is left as it
    was: entering it again adds a fresh row, so the withdrawal stays on record.
    """
    ids: list[int] = []
    stamp = _stamp()
    conn = db.conn
    with conn:
        for row in rows:
            values = {key: row.get(key) for key in ADOPTION_COLUMNS}
            values["entered_at"] = values["entered_at"] or stamp
            existing = conn.execute(
                "SELECT id FROM adoptions WHERE submission_id = ? AND outlet = ? AND adopted_on = ? "
                "AND withdrawn_at IS NULL",
                (values["submission_id"], values["outlet"], values["adopted_on"]),
            ).fetchone()
            if existing:
                conn.execute(
                    "UPDATE adoptions SET level = ?, fee = ?, bonus = ?, entered_at = ?, source = ? "
                    "WHERE id = ?",
                    (
                        values["level"],
                        values["fee"],
                        values["bonus"],
                        values["entered_at"],
                        values["source"],
                        existing[0],
                    ),
                )
                ids.append(int(existing[0]))
            else:
                cursor = conn.execute(
                    f"INSERT INTO adoptions ({', '.join(ADOPTION_COLUMNS)}) VALUES ({', '.join('?' * len(ADOPTION_COLUMNS))})",
                    tuple(values[key] for key in ADOPTION_COLUMNS),
                )
                ids.append(new_id(cursor.lastrowid))
        if then is not None:
            then()
    return ids


def adoptions_of(db: sqlite_utils.Database, submission_id: int) -> list[AdoptionRecord]:
    """Every adoption of one submission, withdrawn ones included (oldest first), so the office
    can be told what is on record when it withdraws one."""
    return records(
        db.query(
            "SELECT id, submission_id, outlet, level, adopted_on, fee, bonus, entered_at, source, "
            "withdrawn_at, withdrawn_reason FROM adoptions WHERE submission_id = ? ORDER BY adopted_on, id",
            [submission_id],
        )
    )


def withdraw_adoption(
    db: sqlite_utils.Database,
    adoption_id: int,
    at: str,
    reason: str | None,
    then: Callable[[], object] | None = None,
) -> bool:
    """Mark one adoption withdrawn at `at` (the office's clock) with the office's reason.

    The row stays, so nothing the office recorded is lost; scoring skips it. False when it was
    already withdrawn (or does not exist): a second withdrawal never overwrites the first.
    `then` runs in the same transaction when the row was withdrawn (its event in the log)."""
    with db.conn:
        cursor = db.conn.execute(
            "UPDATE adoptions SET withdrawn_at = ?, withdrawn_reason = ? WHERE id = ? AND withdrawn_at IS NULL",
            (at, reason, adoption_id),
        )
        if cursor.rowcount == 1 and then is not None:
            then()
    return cursor.rowcount == 1


def adoptions_in(db: sqlite_utils.Database, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Adoptions dated between `start` and `end`, and those withdrawn then, withdrawn ones
    included, with their submission's title and unit: what the office entered that month."""
    low, high = start.isoformat(), (end + dt.timedelta(days=1)).isoformat()
    return records(
        db.query(
            "SELECT a.id, a.submission_id, a.outlet, a.level, a.adopted_on, a.fee, a.bonus, a.source, "
            "a.entered_at, a.withdrawn_at, a.withdrawn_reason, s.unit, s.content_type, s.title, "
            "s.is_announcement FROM adoptions a JOIN submissions s ON s.id = a.submission_id "
            "WHERE (a.adopted_on >= ? AND a.adopted_on < ?) OR (a.withdrawn_at >= ? AND a.withdrawn_at < ?) "
            "ORDER BY a.adopted_on, a.id",
            [low, high, low, high],
        )
    )


def get_adoption(db: sqlite_utils.Database, adoption_id: int) -> AdoptionRecord | None:
    rows: list[AdoptionRecord] = records(
        db.query(
            "SELECT id, submission_id, outlet, level, adopted_on, fee, bonus, entered_at, source, "
            "withdrawn_at, withdrawn_reason FROM adoptions WHERE id = ?",
            [adoption_id],
        )
    )
    return rows[0] if rows else None


def edit_adoption(
    db: sqlite_utils.Database,
    adoption_id: int,
    fields: dict[str, Any],
    then: Callable[[], object] | None = None,
) -> bool:
    """Set the date, fee and bonus of one adoption in force; False when it was withdrawn
    meanwhile. `then` runs in the same transaction (its event in the log)."""
    with db.conn:
        cursor = db.conn.execute(
            "UPDATE adoptions SET adopted_on = ?, fee = ?, bonus = ?, entered_at = ? "
            "WHERE id = ? AND withdrawn_at IS NULL",
            (fields["adopted_on"], fields["fee"], fields["bonus"], _stamp(), adoption_id),
        )
        if cursor.rowcount == 1 and then is not None:
            then()
    return cursor.rowcount == 1


def set_assignment(
    db: sqlite_utils.Database, month: str, unit: str, count: int, then: Callable[[], object] | None = None
) -> None:
    """The month's gov_info assignment (约稿) for a unit; entering it again replaces it. `then`
    runs in the same transaction (its event in the log)."""
    with db.conn:
        db.conn.execute(
            "INSERT INTO assignments (month, unit, count, entered_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(month, unit) DO UPDATE SET count = excluded.count, entered_at = excluded.entered_at",
            (month, unit, int(count), _stamp()),
        )
        if then is not None:
            then()


def assignment_count(db: sqlite_utils.Database, month: str, unit: str) -> int | None:
    """The count on record for `unit` in `month`, or None when none was entered."""
    row = db.execute("SELECT count FROM assignments WHERE month = ? AND unit = ?", (month, unit)).fetchone()
    return None if row is None else int(row[0])


def add_officer(db: sqlite_utils.Database, **fields: Any) -> int:
    """Register an officer (信息员); registering the same unit and name again updates the record."""
    unknown = set(fields) - set(OFFICER_FIELDS)
    if unknown:
        raise ValueError(f"unknown officer fields: {', '.join(sorted(unknown))}")
    values = {key: fields.get(key) for key in OFFICER_FIELDS if key in fields}
    with db.conn:
        existing = db.conn.execute(
            "SELECT id FROM officers WHERE unit = ? AND name = ?", (values.get("unit"), values.get("name"))
        ).fetchone()
        if existing:
            sets = ", ".join(f"{key} = ?" for key in values)
            db.conn.execute(f"UPDATE officers SET {sets} WHERE id = ?", (*values.values(), existing[0]))
            return int(existing[0])
        cursor = db.conn.execute(
            f"INSERT INTO officers ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
            tuple(values.values()),
        )
        return new_id(cursor.lastrowid)


def _day_bounds(start: dt.date, end: dt.date) -> tuple[str, str]:
    """ISO string bounds a day wider than [start, end]: received_at strings carry offsets,
    so the exact office-local day is decided by scoring, not by string comparison."""
    return (start - dt.timedelta(days=1)).isoformat(), (end + dt.timedelta(days=2)).isoformat()


# What scoring reads of a submission (`scoring.rows.SubmissionRow`): the verdict in force and
# the office's 核定 beside it, the flags the credit is decided from, the file's fingerprint.
_SUBMISSION_SELECT = (
    f"SELECT id, unit, content_type, title, officer, original_name, received_at, {effective_columns()}, "
    "is_announcement, duplicate_of, revision_of, same_event_of, category, decided_verdict, decided_counted, decided_reason, "
    "sha256, event_deadline FROM submissions"
)


def read_submissions(
    db: sqlite_utils.Database, start: dt.date, end: dt.date, unit: str | None = None
) -> list[SubmissionRecord]:
    """Submissions received around [start, end] (a day's margin each side); one unit's only
    when `unit` is given (its own page reads a year of its rows, not every unit's)."""
    low, high = _day_bounds(start, end)
    only = " AND unit = ?" if unit is not None else ""
    return records(
        db.query(
            f"{_SUBMISSION_SELECT} WHERE received_at >= ? AND received_at < ?{only} ORDER BY received_at, id",
            [low, high, *([unit] if unit is not None else [])],
        )
    )


def read_submissions_by_id(db: sqlite_utils.Database, ids: Sequence[int]) -> list[SubmissionRecord]:
    """The submissions with these ids, read as `read_submissions` reads them."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return records(
        db.query(f"{_SUBMISSION_SELECT} WHERE id IN ({marks}) ORDER BY received_at, id", list(ids))
    )


def read_adoptions(
    db: sqlite_utils.Database, through: dt.date, unit: str | None = None
) -> list[AdoptionRecord]:
    """Every adoption in force (not withdrawn) dated on or before `through`, with its
    submission's unit, type, officer, title; one unit's only when `unit` is given."""
    only = " AND s.unit = ?" if unit is not None else ""
    return records(
        db.query(
            "SELECT a.id, a.submission_id, a.outlet, a.level, a.adopted_on, a.fee, a.bonus, a.source, "
            "s.unit, s.content_type, s.officer, s.title, s.is_announcement FROM adoptions a "
            "JOIN submissions s ON s.id = a.submission_id WHERE a.adopted_on <= ? AND a.withdrawn_at IS NULL"
            f"{only} ORDER BY a.adopted_on, a.id",
            [through.isoformat(), *([unit] if unit is not None else [])],
        )
    )


def read_withdrawals(db: sqlite_utils.Database, start: dt.date, end: dt.date) -> list[AdoptionRecord]:
    """Adoptions withdrawn between `start` and `end` (by the office's withdrawal time), with
    their submission's facts, so a report can take back what an earlier report paid."""
    low, high = start.isoformat(), (end + dt.timedelta(days=1)).isoformat()
    return records(
        db.query(
            "SELECT a.id, a.submission_id, a.outlet, a.level, a.adopted_on, a.fee, a.bonus, a.source, "
            "a.withdrawn_at, a.withdrawn_reason, s.unit, s.content_type, s.officer, s.title, "
            "s.is_announcement FROM adoptions a JOIN submissions s ON s.id = a.submission_id "
            "WHERE a.withdrawn_at >= ? AND a.withdrawn_at < ? ORDER BY a.withdrawn_at, a.id",
            [low, high],
        )
    )


def read_assignments(db: sqlite_utils.Database, year: int) -> list[AssignmentRecord]:
    return records(
        db.query(
            "SELECT month, unit, count FROM assignments WHERE month LIKE ? ORDER BY month, unit",
            [f"{year}-%"],
        )
    )


def read_officers(db: sqlite_utils.Database) -> list[OfficerRecord]:
    return records(db.query("SELECT * FROM officers ORDER BY unit, name"))


def read_rejections(db: sqlite_utils.Database, start: dt.date, end: dt.date) -> list[RejectionRecord]:
    """Rejected submissions received around [start, end], each with its error messages as `reasons`."""
    return _with_reasons(db, start, end, f"{verdict_sql()} = 'rejected'", "severity = 'error'")


def read_not_counted(db: sqlite_utils.Database, start: dt.date, end: dt.date) -> list[RejectionRecord]:
    """Accepted (合格, registered) submissions received around [start, end] that do not count
    (late, announcements, duplicates), each with the warnings that say why as `reasons`."""
    return _with_reasons(
        db,
        start,
        end,
        f"{verdict_sql()} = 'accepted' AND coalesce({counted_sql()}, 0) = 0",
        "severity = 'warning' AND rule IN ('timeliness', 'category')",
    )


def _with_reasons(
    db: sqlite_utils.Database, start: dt.date, end: dt.date, which: str, why: str
) -> list[RejectionRecord]:
    """Submissions matching `which` received around [start, end], with the messages of their
    findings matching `why` as `reasons` (both are fixed SQL conditions of this module)."""
    low, high = _day_bounds(start, end)
    rows: list[RejectionRecord] = records(
        db.query(
            "SELECT id, unit, content_type, title, original_name, received_at, decided_verdict, decided_reason "
            "FROM submissions "
            f"WHERE {which} AND received_at >= ? AND received_at < ? ORDER BY received_at, id",
            [low, high],
        )
    )
    for row in rows:
        sql = f"SELECT message FROM findings WHERE submission_id = ? AND {why} ORDER BY id"
        row["reasons"] = [f["message"] for f in db.query(sql, [row["id"]])]
    return rows
