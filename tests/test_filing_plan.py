"""The filing plan: where an item, its note and its receipt go, decided once before anything is
written, with every name within 255 bytes after all its tags, stored with the ledger row."""

from __future__ import annotations

import os

import pytest

from intake.pipeline import sweep
from tests.factory import news_draft
from tests.intake_support import drop

LONG_NAME = "字" * 80 + ".docx"  # 245 bytes: a legal file name


def _names(folder):
    return [p.name for p in folder.rglob("*")] if folder.exists() else []


@pytest.mark.integration
def test_a_rejected_officer_form_with_an_80_character_name_is_filed_with_its_note(ws_rb):
    ws, rb = ws_rb
    assert len(LONG_NAME.encode()) == 245
    drop(ws, f"湖滨社区/信息员/{LONG_NAME}", news_draft(300, photos=1))  # not a form: rejected

    [outcome] = sweep(ws, rb, settled=True).outcomes

    assert outcome.verdict == "rejected" and not outcome.failed
    assert _names(ws.outbox / ".processing") == []
    rejected = ws.rejected / "湖滨社区"
    assert not [n for n in _names(rejected) if n.endswith(".partial")]
    stored = ws.root / outcome.stored_path
    note = ws.root / str(outcome.note_path)
    assert stored.is_file() and note.is_file()
    assert all(len(os.fsencode(p.name)) <= 255 for p in (stored, note))
    assert stored.name.endswith(".docx")
    assert "信息员推荐表未能登记" in note.read_bytes().decode("utf-8-sig")


@pytest.mark.integration
def test_a_rerun_after_a_failed_filing_files_by_the_stored_plan(ws_rb, monkeypatch):
    import json

    from intake import filing
    from ledger.schema import open_ledger

    ws, rb = ws_rb
    drop(ws, "湖滨社区/即时通讯信息/活动.docx", news_draft(300, photos=1))
    real_move = filing.move_item

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(filing, "move_item", disk_full)
    [first] = sweep(ws, rb, settled=True).outcomes
    assert (first.verdict, first.failed) == ("unfiled", True)

    # The plan is in the ledger; the retry must read it back, not work it out again.
    db = open_ledger(ws.ledger_path)
    try:
        (text,) = db.execute("SELECT filing_plan FROM submissions WHERE id = 1").fetchone()
        plan = json.loads(text)
        assert plan["stored"] == "outbox/accepted/2021-03/湖滨社区/1_活动.docx"
        plan["stored"] = "outbox/accepted/2021-03/湖滨社区/1_按计划.docx"
        db.execute("UPDATE submissions SET filing_plan = ? WHERE id = 1", [json.dumps(plan)])
        db.conn.commit()
    finally:
        db.close()
    monkeypatch.setattr(filing, "move_item", real_move)
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-12T15:10:00")
    # A later sweep of the same process: its own failed claim is taken over and finished.
    from intake import claims

    claims.release_all(list(claims._IN_FLIGHT))
    [again] = sweep(ws, rb, settled=True).outcomes
    assert (again.verdict, again.stored_path) == ("accepted", plan["stored"])
    assert (ws.root / plan["stored"]).is_file()
    assert _names(ws.outbox / ".processing") == []


@pytest.mark.integration
def test_an_existing_ledger_gains_the_plan_and_receipt_columns_without_losing_a_row(tmp_path):
    import sqlite3

    from ledger.schema import open_ledger

    path = tmp_path / "ledger.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE submissions (id INTEGER PRIMARY KEY, verdict TEXT, state TEXT, stored_path TEXT)"
    )
    conn.execute("CREATE TABLE claims (token TEXT PRIMARY KEY NOT NULL, relpath TEXT, state TEXT)")
    conn.execute(
        "INSERT INTO submissions VALUES (1, 'accepted', 'filed', 'outbox/accepted/2021-03/湖滨社区/1_a.docx')"
    )
    conn.commit()
    conn.close()

    db = open_ledger(path)
    try:
        columns = db.table("submissions").columns_dict
        assert {"filing_plan", "receipt_path", "receipt_at"} <= set(columns)
        assert "plan" in db.table("claims").columns_dict
        rows = list(db.execute("SELECT id, stored_path, filing_plan, receipt_at FROM submissions").fetchall())
        assert rows == [(1, "outbox/accepted/2021-03/湖滨社区/1_a.docx", None, None)]
    finally:
        db.close()


def test_a_row_recorded_before_plans_existed_is_filed_where_it_was_recorded():
    from intake.filing import FilingPlan

    row = {
        "id": 3,
        "verdict": "rejected",
        "counted": 0,
        "stored_path": "outbox/rejected/湖滨社区/3_a.docx",
        "note_path": "outbox/rejected/湖滨社区/3_a.docx.退回说明.txt",
        "filing_plan": None,
    }
    plan = FilingPlan.of_row(row)
    assert (plan.outcome, plan.stored, plan.note, plan.receipt) == (
        "rejected",
        "outbox/rejected/湖滨社区/3_a.docx",
        "outbox/rejected/湖滨社区/3_a.docx.退回说明.txt",
        None,
    )


def test_the_plan_of_a_row_is_its_stored_plan_when_it_has_one():
    from intake.filing import FilingPlan

    stored = FilingPlan(
        "accepted", "outbox/accepted/2021-03/湖滨社区/4_a.docx", None, "inbox/湖滨社区/回执/4_a.docx.合格.txt"
    )
    row = {"verdict": "rejected", "stored_path": "elsewhere", "filing_plan": stored.to_json()}
    assert FilingPlan.of_row(row) == stored  # the columns are only its shown form
