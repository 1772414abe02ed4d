"""`ledger.intake.PriorWindow` on a real SQLite file: read once and extended, it gives exactly
what the plain window query gives, draft after draft, across the window's edges, after
another connection's 核定 and when the drafts move past the span it read."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from checks.model import Prior
from ledger import intake as ledger
from ledger.schema import open_ledger
from rules.times import parse_instant
from tests.ledger_support import record_submission

pytestmark = pytest.mark.integration

TZ = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2021, 3, 12, 15, 0, tzinfo=TZ)
DAYS = 7
UNITS = ("湖滨社区", "北山街道", "西溪社区")


def plain_priors(db: Any, sha256: str, unit: str | None, received_at: dt.datetime, days: int) -> list[Prior]:
    """The window as one query per draft states it (the rule `PriorWindow` must keep)."""
    tz = received_at.tzinfo or dt.UTC
    low = (received_at - dt.timedelta(days=days + 1)).isoformat(timespec="seconds")[:19]
    high = (received_at + dt.timedelta(days=days + 1)).isoformat(timespec="seconds")[:19]
    cols = "id, unit, received_at, sha256, title, text, content_type"
    found: dict[int, tuple[Any, ...]] = {}
    if sha256:
        for row in db.execute(f"SELECT {cols} FROM submissions WHERE sha256 = ? ORDER BY id", [sha256]):
            found[row[0]] = row
    for row in db.execute(
        f"SELECT {cols} FROM submissions WHERE substr(received_at, 1, 19) BETWEEN ? AND ? "
        "AND duplicate_of IS NULL AND coalesce(text, '') != '' "
        "AND (coalesce(decided_verdict, verdict) = 'accepted' OR unit = ?) ORDER BY id",
        [low, high, unit or ""],
    ):
        found.setdefault(row[0], row)
    return [
        Prior(r[0], r[1] or "", parse_instant(r[2], tz), r[3] or "", r[4] or "", r[5] or "", r[6])
        for r in found.values()
        if r[2]
    ]


@pytest.fixture
def db(tmp_path):
    database = open_ledger(tmp_path / "ledger.db")
    yield database
    database.close()


def _record(db: Any, rng: random.Random, n: int, clock: dt.datetime, ids: list[int]) -> None:
    """One random submission near `clock`: some right at the window's edges, some copies of an
    earlier one, some without text, some rejected, bytes sometimes repeated."""
    edge = dt.timedelta(days=DAYS + 1)
    offset = rng.choice(
        [
            dt.timedelta(0),
            -edge,
            -edge - dt.timedelta(seconds=1),
            edge,
            edge + dt.timedelta(seconds=1),
            dt.timedelta(hours=rng.randint(-300, 300)),
        ]
    )
    received = clock + offset
    if rng.random() < 0.2:
        received = received.astimezone(dt.UTC)  # written with another offset
    ids.append(
        record_submission(
            db,
            sha256=f"sha{rng.randint(0, 30)}",
            unit=rng.choice([*UNITS, None, ""]),  # no unit, or an empty one, now and then
            content_type="instant",
            title=f"标题{n}",
            text="" if rng.random() < 0.1 else f"正文{n}",
            verdict="accepted" if rng.random() < 0.7 else "rejected",
            duplicate_of=rng.choice(ids) if ids and rng.random() < 0.15 else None,
            received_at=received,
        )
    )


def test_the_window_gives_the_plain_query_s_priors_draft_after_draft(db):
    rng = random.Random(29)
    window = ledger.PriorWindow(db)
    ids: list[int] = []
    clock = T0
    asked = 0
    for n in range(240):
        _record(db, rng, n, clock, ids)
        clock += dt.timedelta(minutes=rng.choice([0, 1, 30, 600]))  # past the span now and then
        unit = rng.choice([*UNITS, None])
        sha = rng.choice(["", f"sha{rng.randint(0, 30)}"])
        expected = plain_priors(db, sha, unit, clock, DAYS)
        assert window.priors(sha, unit, clock, DAYS) == expected
        assert ledger.priors(db, sha, unit, clock, DAYS) == expected
        asked += len(expected)
    assert asked > 2000  # the windows were not empty


def test_the_office_s_decision_from_another_connection_is_seen(db, tmp_path):
    window = ledger.PriorWindow(db)
    theirs = record_submission(
        db,
        sha256="a",
        unit="北山街道",
        verdict="accepted",
        text="正文",
        received_at=T0 - dt.timedelta(days=1),
    )
    assert [p.id for p in window.priors("", "湖滨社区", T0, DAYS)] == [theirs]
    office = open_ledger(tmp_path / "ledger.db")
    try:
        with ledger.locked(office):
            office.execute("UPDATE submissions SET decided_verdict = 'rejected' WHERE id = ?", [theirs])
    finally:
        office.close()
    assert window.priors("", "湖滨社区", T0, DAYS) == []
    assert [p.id for p in window.priors("", "北山街道", T0, DAYS)] == [theirs]  # still its own unit's


def test_a_draft_past_the_span_read_reads_it_again(db):
    window = ledger.PriorWindow(db)
    early = record_submission(db, sha256="a", unit="北山街道", verdict="accepted", text="早", received_at=T0)
    assert [p.id for p in window.priors("", "湖滨社区", T0, DAYS)] == [early]
    later = T0 + dt.timedelta(days=30)
    late = record_submission(
        db, sha256="b", unit="北山街道", verdict="accepted", text="晚", received_at=later
    )
    assert [p.id for p in window.priors("", "湖滨社区", later, DAYS)] == [late]
    assert [p.id for p in window.priors("a", "湖滨社区", later, DAYS)] == [early, late]  # same bytes, ever
