"""Ledger writers for building test ledgers (and the scoring benchmark's): no production code
calls these, so they live here, not in ledger/. They write through the ledger's own paths
where one exists (`insert_submission`, `add_adoptions`), and raw rows where a test needs just
the columns it names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlite_utils

from ledger import intake
from ledger.assessment import add_adoptions
from ledger.schema import new_id


def record_submission(
    db: sqlite_utils.Database, *, findings: Iterable[Any] = (), images: Iterable[Any] = (), **columns: Any
) -> int:
    """Record one submission (any `submissions` columns; datetimes and dates become ISO text,
    booleans 0/1) with its findings and images, committed in one transaction, through the
    intake's own `insert_submission`. Returns its id; the state is filed unless given."""
    columns.setdefault("state", intake.FILED)
    with intake.locked(db):
        return intake.insert_submission(db, columns, findings, images)


def record_submission_row(db: sqlite_utils.Database, **columns: Any) -> int:
    """Insert one submissions row as given — just the columns passed (unit, content_type,
    received_at, verdict, counted, …) — and return the new id: a ledger for the scoring stage."""
    return new_id(db.table("submissions").insert(columns).last_pk)


def add_finding_row(
    db: sqlite_utils.Database, submission_id: int, rule: str, severity: str, message: str
) -> int:
    """Insert one finding of a submission, like `record_submission_row`."""
    return new_id(
        db.table("findings")
        .insert({"submission_id": submission_id, "rule": rule, "severity": severity, "message": message})
        .last_pk
    )


def add_adoption(
    db: sqlite_utils.Database,
    submission_id: int,
    outlet: str,
    level: str,
    adopted_on: str,
    fee: float | None,
    bonus: float | None,
    source: str,
) -> int:
    """Record one adoption (录用) through `add_adoptions`, as the office's sheet does."""
    row = {
        "submission_id": submission_id,
        "outlet": outlet,
        "level": level,
        "adopted_on": adopted_on,
        "fee": fee,
        "bonus": bonus,
        "source": source,
    }
    return add_adoptions(db, [row])[0]


def random_year(
    db: sqlite_utils.Database,
    rulebook: Any,
    rng: Any,
    drafts: int = 300,
    year: int = 2021,
    months: tuple[int, int] = (1, 12),
) -> None:
    """A generated year (or `months` of it) of drafts in the ledger for agreement tests: every
    unit and type, rejections, late drafts, announcements, copies (same bytes) and the same news,
    revision chains, random 核定 (accept, reject, count, not-count, one undone), and adoptions at
    several levels (one draft up to three times, some withdrawn). `rng`: a seeded `random.Random`."""
    units = [u.name for u in rulebook.units]
    types = [k for k, t in rulebook.types.items() if t.quota != "none"]
    outlets = list(rulebook.outlets)
    made: list[dict[str, Any]] = []
    for n in range(1, drafts + 1):
        row = _random_draft(rng, n, (units, types), made, (year, *months))
        record_submission_row(db, **row)
        made.append(row)
        for k in range(rng.choice([0, 0, 0, 1, 2, 3])):
            day = rng.randint(int(row["received_at"][8:10]), 28)
            outlet = rng.choice(_outlets_for(rulebook, row["content_type"], outlets, rng))
            adopted_on = f"{row['received_at'][:8]}{day:02d}"
            aid = add_adoption(db, n, outlet, rulebook.outlets[outlet], adopted_on, None, None, "测试")
            if k and rng.random() < 0.1:
                withdrawn = f"{year}-12-01T09:00:00+08:00"
                db.execute("UPDATE adoptions SET withdrawn_at = ? WHERE id = ?", [withdrawn, aid])
    db.conn.commit()


def _outlets_for(rulebook: Any, content_type: str, outlets: list[str], rng: Any) -> list[str]:
    """Where a piece is adopted: a type counted on a platform (学习强国) half the time on it."""
    platform = rulebook.types[content_type].platform
    on = [o for o in outlets if platform is not None and rulebook.outlet_platforms.get(o) == platform]
    return on if on and rng.random() < 0.5 else outlets


def _random_draft(
    rng: Any,
    n: int,
    names: tuple[list[str], list[str]],
    made: list[dict[str, Any]],
    span: tuple[int, int, int],
) -> dict[str, Any]:
    year, low, high = span
    month, day, hour = rng.randint(low, high), rng.randint(1, 28), rng.randint(8, 18)
    row: dict[str, Any] = {
        "id": n,
        "unit": rng.choice(names[0]),
        "content_type": rng.choice(names[1]),
        "title": f"稿件{n}",
        "received_at": f"{year}-{month:02d}-{day:02d}T{hour:02d}:00:00+08:00",
        "verdict": "accepted" if rng.random() < 0.8 else "rejected",
        "counted": int(rng.random() < 0.85),
        "is_announcement": int(rng.random() < 0.05),
        "sha256": f"sha{n}",
        "state": intake.FILED,
    }
    earlier = [m for m in made if m["received_at"] < row["received_at"]]
    if earlier and rng.random() < 0.08:
        first = rng.choice(earlier)
        row["duplicate_of"] = first["id"]
        row["sha256"] = first["sha256"] if rng.random() < 0.5 else row["sha256"]
    same = [m for m in earlier if (m["unit"], m["content_type"]) == (row["unit"], row["content_type"])]
    if same and rng.random() < 0.3:
        row["revision_of"] = rng.choice(same)["id"]
    if rng.random() < 0.25:  # 核定: accept, reject, count, not-count, or one undone (back to the machine)
        choice = rng.choice([("accepted", 1), ("rejected", 0), ("accepted", 1), ("accepted", 0), None])
        if choice is not None:
            verdict, counted = choice
            decided = {"decided_verdict": verdict, "decided_counted": counted, "decided_reason": "核定"}
            row.update(decided, decided_at=row["received_at"])
    return row
