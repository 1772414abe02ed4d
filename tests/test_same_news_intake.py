"""A same-event pair in a month, end to end (issue 30): the second unit's write-up is filed
合格 but not counted, waits under 收稿's 待核定 and on the unit's page with the reasons side by
side with the earlier draft, and `decide --count` settles it; a unit's 修改稿 with the same
title links to the draft it fixes (issue 25, case 8). Real sweeps, ledger, desk and CLI."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.app import app
from intake.pipeline import sweep
from ledger import intake as ledger
from ledger.schema import open_ledger
from service.units import unit_links
from tests.factory import make_docx, make_photo
from tests.intake_support import INSTANT, NOW, drop, receipts, workspace
from tests.same_news_support import VISIT, VISIT_BUREAU, VISIT_BUREAU_TITLE, VISIT_REWRITTEN, VISIT_TITLE
from web.app import create_app

pytestmark = pytest.mark.integration

RUNNER = CliRunner()


@pytest.fixture
def filed(tmp_path, monkeypatch):
    """湖滨社区's article on 王建国's visit, then 建设局's own write-up of it, each in its sweep."""
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    ws, rulebook = workspace(tmp_path / "ws")
    drop(ws, f"湖滨社区/{INSTANT}/调研.docx", make_docx([VISIT_TITLE, VISIT], photos=[make_photo(seed=1)]))
    sweep(ws, rulebook, settled=True)
    bureau = make_docx([VISIT_BUREAU_TITLE, VISIT_BUREAU], photos=[make_photo(seed=2)])
    drop(ws, f"建设局/{INSTANT}/加装电梯.docx", bureau)
    sweep(ws, rulebook, settled=True)
    return ws, rulebook


def _row(ws, sub_id):
    db = open_ledger(ws.ledger_path)
    try:
        return ledger.submission(db, sub_id), ledger.findings_of(db, sub_id)
    finally:
        db.close()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _counted(ws, unit: str) -> int:
    result = RUNNER.invoke(app, ["score", "--month", "2021-03", "--json", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    [row] = [u for u in json.loads(result.stdout)["units"] if u["unit"] == unit]
    return int(row["completion"]["instant"]["counted"])


def test_a_same_event_waits_for_the_office_with_its_reasons_and_decide_count_settles_it(filed):
    ws, rulebook = filed
    row, findings = _row(ws, 2)
    assert (row["unit"], row["verdict"], row["counted"], row["same_event_of"]) == ("建设局", "accepted", 0, 1)
    [same] = [f for f in findings if f["rule"] == "same_event"]
    assert same["severity"] == "warning" and "由办公室核定" in same["message"]
    assert f"湖滨社区已于 2021年3月12日 15:00 报送的第 1 号稿件“{VISIT_TITLE}”" in same["message"]
    [receipt] = [r for r in receipts(ws) if r.name.startswith("2_")]
    assert "是否计入：暂不计入：可能与稿件 1 为同一事件，待办公室核定" in receipt.read_bytes()[3:].decode(
        "utf-8"
    )
    assert _counted(ws, "建设局") == 0 and _counted(ws, "湖滨社区") == 1

    client = TestClient(create_app(ws, rulebook, ledger=False))
    pending = _text(client.get("/intake?month=2021-03&verdict=pending").text)
    assert "共 1 篇" in pending and VISIT_BUREAU_TITLE in pending and "待核定" in pending
    link = next(u.url.rsplit("/u/", 1)[1] for u in unit_links(ws, rulebook, "http://d") if u.unit == "建设局")
    page = _text(client.get(f"/u/{link}").text)
    assert "可能报道的是同一件事" in page and "第 1 号稿件" in page
    assert "相同的人名：王建国" in page and "相同的地点：湖滨社区、紫荆花园小区" in page

    decided = RUNNER.invoke(
        app, ["decide", "2", "--count", "--reason", "两稿角度不同，各计一篇", "--workspace", str(ws.root)]
    )
    assert decided.exit_code == 0, decided.output
    assert _counted(ws, "建设局") == 1
    assert "共 0 篇" in _text(client.get("/intake?month=2021-03&verdict=pending").text)
    [receipt] = [r for r in receipts(ws) if r.name.startswith("2_")]
    assert "是否计入：计入" in receipt.read_bytes()[3:].decode("utf-8")


def test_a_resent_revision_with_the_same_title_links_to_the_draft_it_fixes(filed):
    ws, rulebook = filed
    rewritten = make_docx([VISIT_TITLE, VISIT_REWRITTEN], photos=[make_photo(seed=4)])
    drop(ws, f"湖滨社区/{INSTANT}/调研（修改稿）.docx", rewritten)
    sweep(ws, rulebook, settled=True)
    row, findings = _row(ws, 3)
    assert (row["unit"], row["verdict"], row["revision_of"], row["duplicate_of"]) == (
        "湖滨社区",
        "accepted",
        1,
        None,
    )
    # 湖滨社区 reported first: its revision is not left to the office because 建设局 wrote later.
    assert row["same_event_of"] is None and row["counted"] == 1
    assert not [f for f in findings if f["rule"] in ("same_event", "duplicate")]


def test_decide_not_count_settles_a_same_event_though_it_keeps_the_machines_count(filed):
    ws, rulebook = filed
    decided = RUNNER.invoke(
        app,
        [
            "decide",
            "2",
            "--not-count",
            "--reason",
            "同一次调研，以湖滨社区先报为准",
            "--workspace",
            str(ws.root),
        ],
    )
    assert decided.exit_code == 0, decided.output
    assert "合格，暂不计入，待办公室核定 → 合格，不计入考核" in decided.stdout
    assert _counted(ws, "建设局") == 0
    client = TestClient(create_app(ws, rulebook, ledger=False))
    assert "共 0 篇" in _text(client.get("/intake?month=2021-03&verdict=pending").text)
    [receipt] = [r for r in receipts(ws) if r.name.startswith("2_")]
    text = receipt.read_bytes()[3:].decode("utf-8")
    assert "待办公室核定" not in text.split("——")[0] and "同一次调研，以湖滨社区先报为准" in text


def test_an_older_ledger_gets_the_same_event_column_on_open(tmp_path):
    import sqlite3

    path = tmp_path / "ledger.db"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE submissions (id INTEGER PRIMARY KEY, unit TEXT, revision_of INTEGER)")
    old.execute("INSERT INTO submissions (id, unit) VALUES (1, '湖滨社区')")
    old.execute("PRAGMA user_version = 5")
    old.commit()
    old.close()
    db = open_ledger(path)
    try:
        assert "same_event_of" in db.table("submissions").columns_dict
        assert db.execute("PRAGMA user_version").fetchone()[0] == 6
        assert [dict(r) for r in db.query("SELECT id, same_event_of FROM submissions")] == [
            {"id": 1, "same_event_of": None}
        ]
    finally:
        db.close()
