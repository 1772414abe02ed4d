"""Intake SQL on a real SQLite file: sightings, claims, priors, one-transaction records, runs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from extractors.model import Finding, Photo
from ledger import intake as ledger
from ledger.schema import open_ledger
from tests.ledger_support import record_submission

pytestmark = pytest.mark.integration

TZ = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2021, 3, 12, 15, 0, tzinfo=TZ)


@pytest.fixture
def db(tmp_path):
    database = open_ledger(tmp_path / "ledger.db")
    yield database
    database.close()


def test_a_first_sight_is_never_replaced(db):
    ledger.add_sightings(db, [("湖滨社区/即时/a.docx", "2021-03-12T15:00:00+08:00", 10, 1.0)])
    ledger.add_sightings(db, [("湖滨社区/即时/a.docx", "2021-03-12T18:00:00+08:00", 20, 2.0)])
    assert ledger.sightings(db, ["湖滨社区/即时/a.docx", "other"]) == {
        "湖滨社区/即时/a.docx": "2021-03-12T15:00:00+08:00"
    }


def test_record_submission_commits_findings_and_images_with_it(db):
    sub_id = record_submission(
        db,
        sha256="abc",
        unit="湖滨社区",
        content_type="instant",
        verdict="rejected",
        counted=False,
        received_at=T0,
        event_date=dt.date(2021, 3, 12),
        findings=[Finding("length", "error", "正文字数 100 字，要求 200–500 字")],
        images=[Photo(key="word/media/image1.png", source="embedded", format="PNG", width=10, height=5)],
    )
    row = ledger.submission(db, sub_id)
    assert (row["received_at"], row["event_date"], row["counted"], row["state"]) == (
        "2021-03-12T15:00:00+08:00",
        "2021-03-12",
        0,
        "filed",
    )
    assert ledger.findings_of(db, sub_id) == [
        {"rule": "length", "severity": "error", "message": "正文字数 100 字，要求 200–500 字"}
    ]
    images = list(db["images"].rows)
    assert [(i["submission_id"], i["key"], i["width"]) for i in images] == [
        (sub_id, "word/media/image1.png", 10)
    ]


def test_a_failed_record_leaves_nothing_behind(db):
    with pytest.raises(ValueError, match="no column"):
        record_submission(db, sha256="abc", findings=[Finding("length", "error", "x")], nonsense=1)
    assert db.execute("SELECT count(*) FROM submissions").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM findings").fetchone()[0] == 0


def test_priors_hold_the_same_bytes_ever_and_recent_texts_of_others_when_accepted_or_of_the_same_unit(db):
    old = record_submission(
        db,
        sha256="same",
        unit="塔下社区",
        verdict="accepted",
        text="旧",
        received_at=T0 - dt.timedelta(days=60),
    )
    recent_other = record_submission(
        db, sha256="x1", unit="塔下社区", verdict="accepted", text="近", received_at=T0 - dt.timedelta(days=2)
    )
    record_submission(
        db, sha256="x2", unit="塔下社区", verdict="rejected", text="退", received_at=T0 - dt.timedelta(days=1)
    )
    mine_rejected = record_submission(
        db, sha256="x3", unit="湖滨社区", verdict="rejected", text="改", received_at=T0 - dt.timedelta(days=1)
    )
    record_submission(
        db, sha256="x4", unit="湖滨社区", verdict="accepted", text="远", received_at=T0 - dt.timedelta(days=9)
    )
    record_submission(
        db,
        sha256="x1",
        unit="湖滨社区",
        verdict="rejected",
        text="近",
        duplicate_of=recent_other,
        received_at=T0 - dt.timedelta(days=1),
    )
    found = ledger.priors(db, "same", "湖滨社区", T0, 7)
    assert sorted(p.id for p in found) == [old, recent_other, mine_rejected]
    assert next(p for p in found if p.id == old).received_at == T0 - dt.timedelta(days=60)


def test_priors_never_match_an_empty_digest(db):
    record_submission(db, sha256="", unit="湖滨社区", verdict="rejected", text="", received_at=T0)
    assert ledger.priors(db, "", "湖滨社区", T0, 7) == []


def test_only_one_process_takes_over_a_claim(db):
    ledger.add_claim(db, "tok", "湖滨社区/a.docx", "file", "2021-03-12T15:00:00+08:00", "host|1|0", T0)
    assert ledger.take_over(db, "tok", "host|1|0", "host|2|0") is True
    assert ledger.take_over(db, "tok", "host|1|0", "host|3|0") is False
    assert ledger.get_claim(db, "tok")["owner"] == "host|2|0"


def test_confirming_a_claim_ends_its_sighting_and_filing_closes_it(db):
    ledger.add_sightings(db, [("湖滨社区/a.docx", "2021-03-12T15:00:00+08:00", 1, 1.0)])
    ledger.add_claim(db, "tok", "湖滨社区/a.docx", "file", "2021-03-12T15:00:00+08:00", "me", T0)
    ledger.confirm_claim(db, "tok")
    assert ledger.sightings(db, ["湖滨社区/a.docx"]) == {}
    sub_id = record_submission(db, sha256="a", state=ledger.RECORDED, claim_token="tok")
    assert [r["id"] for r in ledger.unfiled(db)] == [sub_id]
    ledger.mark_filed(db, sub_id, "tok")
    assert (ledger.unfiled(db), ledger.open_claims(db)) == ([], [])


def test_one_heartbeat_row_per_host_and_role(db):
    ledger.beat(db, T0, "watch", 10, "pc")
    ledger.beat(db, T0 + dt.timedelta(seconds=30), "watch", 10, "pc")
    ledger.beat(db, T0, "sweep", 11, "pc")
    assert db.execute("SELECT count(*) FROM heartbeats").fetchone()[0] == 2
    assert ledger.last_heartbeat(db) == "2021-03-12T15:00:30+08:00"


def test_runs_and_verdict_counts_feed_status(db):
    run = ledger.start_run(db, "sweep", T0, None)
    ledger.finish_run(db, run, T0 + dt.timedelta(seconds=5), 3, 2, 1)
    ledger.start_run(db, "sweep", T0 + dt.timedelta(minutes=5), None)  # still running
    assert ledger.last_run(db)["id"] == run
    for verdict, counted in (("accepted", 1), ("accepted", 0), ("rejected", 0)):
        record_submission(db, sha256=verdict + str(counted), verdict=verdict, counted=counted)
    assert ledger.verdict_counts(db) == {"accepted": 2, "rejected": 1, "counted": 1, "unfiled": 0}


def test_a_complete_ledger_is_opened_as_it_is_and_an_incomplete_one_is_completed(tmp_path):
    from ledger.schema import SCHEMA_VERSION, schema_complete

    path = tmp_path / "ledger.db"
    open_ledger(path).close()
    db = open_ledger(path)
    schema = db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    assert schema_complete(db)
    # Each thing the schema makes, taken away, is seen as missing and made again on opening.
    for undo in (
        "DROP INDEX idx_submissions_claim_token",
        "DROP TRIGGER events_no_delete",
        "ALTER TABLE notifications DROP COLUMN state",
        "DROP TABLE mail_messages",
        "PRAGMA user_version = 1",
    ):
        if "notifications" in undo:
            db.execute("DROP INDEX idx_notifications_state")
        db.execute(undo)
        assert not schema_complete(db), undo
        db.close()
        db = open_ledger(path)
        assert schema_complete(db), undo
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    names = {(kind, name) for kind, name, _ in schema}
    assert {
        (kind, name) for kind, name, _ in db.execute("SELECT type, name, sql FROM sqlite_master")
    } == names
    db.close()


def test_a_column_added_by_another_connection_is_known_to_the_next_insert(db, tmp_path):
    """The columns of a table are read once per connection and again when the schema changed."""
    first = record_submission(db, sha256="a", unit="湖滨社区", verdict="accepted", received_at=T0)
    other = open_ledger(tmp_path / "ledger.db")
    try:
        other.execute("ALTER TABLE submissions ADD COLUMN extra_note TEXT")
    finally:
        other.close()
    second = record_submission(
        db, sha256="b", unit="湖滨社区", verdict="accepted", received_at=T0, extra_note="后加的列"
    )
    assert second == first + 1
    assert db.execute("SELECT extra_note FROM submissions WHERE id = ?", [second]).fetchone()[0] == "后加的列"
    with pytest.raises(ValueError, match="no column"):
        record_submission(db, sha256="c", unit="湖滨社区", received_at=T0, no_such_column=1)
