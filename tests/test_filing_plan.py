"""The filing plan: where an item, its note and its receipt go, decided once before anything is
written, with every name within 255 bytes after all its tags, stored with the ledger row."""

from __future__ import annotations

import os

import pytest

from intake.pipeline import sweep
from tests.factory import news_draft
from tests.intake_support import NOW, drop, workspace

LONG_NAME = "字" * 80 + ".docx"  # 245 bytes: a legal file name


@pytest.fixture
def ws_rb(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    return workspace(tmp_path / "ws")


def _names(folder):
    return [p.name for p in folder.rglob("*")] if folder.exists() else []


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
