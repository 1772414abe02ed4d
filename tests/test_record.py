"""The whole record survives (#28): filed files in the backups' content store, restored from
it; the keyed, anchored log of changes; re-registering every kind of item. Real workspaces,
real SQLite ledgers, real files; time from the workspace clock."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from intake.pipeline import sweep
from service.backup import backup_folder, make_backup
from service.contentstore import OBJECTS, manifest_for, read_manifest
from service.verify import verify
from tests.factory import make_photo, make_zip, news_draft
from tests.intake_support import INSTANT, drop, receipts
from tests.test_officer_form import officer_form

pytestmark = pytest.mark.integration  # real SQLite ledgers, real files

runner = CliRunner()
REASON = "经办公室复核，稿件内容完整"


def _run(ws, *args: str):
    return runner.invoke(app, [*args, "--workspace", str(ws.root)])


def _filed(ws, rb):
    """One accepted draft, one rejected (with its note) and their receipts."""
    drop(ws, f"湖滨社区/{INSTANT}/甲.docx", news_draft(300, photos=1, seed=1))
    drop(ws, f"湖滨社区/{INSTANT}/短.docx", news_draft(20, photos=0, seed=5))
    sweep(ws, rb)
    assert verify(ws).ok
    return next(ws.accepted.rglob("*_甲.docx")), next(ws.rejected.rglob("*.退回说明.txt")), receipts(ws)[0]


def _objects(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / OBJECTS).glob("*/*"))


def test_backups_keep_each_filed_file_once_and_a_manifest_with_the_logs_anchor(ws_rb, monkeypatch, tmp_path):
    ws, rb = ws_rb
    original, note, receipt = _filed(ws, rb)
    first = make_backup(ws).path
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-13T15:00:00")
    second = make_backup(ws).path
    entries = read_manifest(manifest_for(second))
    paths = {e.path for e in entries}
    for path in (original, note, receipt):
        assert path.relative_to(ws.root).as_posix() in paths
    assert {e.sha256 for e in entries} == {p.name for p in _objects(backup_folder(ws))}  # stored once
    assert read_manifest(manifest_for(first)) == entries
    copy = make_backup(ws, tmp_path / "elsewhere").path  # self-contained: its own objects
    assert {p.name for p in _objects(copy.parent)} == {e.sha256 for e in entries}
    assert not (copy.parent / "events.key").exists()  # the log's key only when asked


def test_retention_removes_content_only_no_kept_manifest_needs(ws_rb, monkeypatch):
    ws, rb = ws_rb
    text = ws.rulebook_path.read_text(encoding="utf-8")
    ws.rulebook_path.write_text(text.replace("keep_daily = 14", "keep_daily = 1"), encoding="utf-8")
    ws.rulebook_path.write_text(
        ws.rulebook_path.read_text(encoding="utf-8").replace("keep_monthly = 12", "keep_monthly = 0"),
        encoding="utf-8",
    )
    original, _, _ = _filed(ws, rb)
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-10T09:00:00")
    make_backup(ws)
    old_bytes = original.read_bytes()
    original.write_bytes(b"changed after the first backup")
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-11T09:00:00")
    latest = make_backup(ws).path
    held = {p.name for p in _objects(backup_folder(ws))}
    assert held == {e.sha256 for e in read_manifest(manifest_for(latest))}
    import hashlib

    assert hashlib.sha256(old_bytes).hexdigest() not in held  # only the pruned backup needed it


def test_a_harmed_filed_file_is_named_by_verify_and_restore_files_puts_it_back(ws_rb):
    ws, rb = ws_rb
    files = _filed(ws, rb)  # original, note, receipt
    make_backup(ws)
    for target in files:
        data = target.read_bytes()
        harms = {
            "delete": (target.unlink, "missing", None),
            "truncate": (lambda t=target: t.write_bytes(b""), "changed", b""),
            "alter": (lambda t=target, d=data: t.write_bytes(d + b"x"), "changed", data + b"x"),
        }
        for harm, (do, code, aside) in harms.items():
            do()
            problems = verify(ws).problems
            assert [(p.code, p.path) for p in problems] == [(code, target.relative_to(ws.root).as_posix())], (
                harm
            )
            done = _run(ws, "restore", "--files")
            assert done.exit_code == 0, done.output
            assert "已从备份找回 1 个文件" in done.output
            assert target.read_bytes() == data and verify(ws).ok
            kept = [p for p in (ws.outbox / "kept-aside").rglob("*") if p.is_file()]
            if aside is not None:  # bytes the ledger does not name are kept, never overwritten
                assert [p.read_bytes() for p in kept] == [aside]
                assert target.name in kept[0].name
            for p in kept:
                p.unlink()


def test_restore_of_a_backup_brings_the_files_back_and_verify_is_clean(ws_rb):
    ws, rb = ws_rb
    original, note, _ = _filed(ws, rb)
    backup = make_backup(ws).path
    original.unlink()
    note.unlink()
    done = _run(ws, "restore", str(backup))
    assert done.exit_code == 0, done.output
    assert "已从备份找回 2 个文件" in done.output
    assert original.exists() and note.exists() and verify(ws).ok
    assert _run(ws, "log", "--verify").exit_code == 0


def _adopt(ws, times: int) -> None:
    for outlet in ["人民日报", "科技日报", "新华日报", "常州日报"][:times]:
        done = _run(ws, "adopt", "1", "--outlet", outlet, "--date", "2021-03-12")
        assert done.exit_code == 0, done.output


def _rechain_unkeyed(ws, first_subject: str | None = None) -> None:
    """Rewrite the log's hash chain as plain sha256 links, consistent end to end (what one without
    the key could forge, or a ledger logged before keys holds); event 1's subject becomes
    `first_subject` when one is given."""
    from ledger.events import CONTENT, GENESIS, chain_hash

    conn = sqlite3.connect(ws.ledger_path)
    conn.execute("DROP TRIGGER events_no_update")
    prev = GENESIS
    for values in conn.execute(f"SELECT {', '.join(CONTENT)} FROM events ORDER BY id").fetchall():
        row = dict(zip(CONTENT, values, strict=True))
        if row["id"] == 1 and first_subject is not None:
            row["subject"] = first_subject
        digest = chain_hash(prev, row)
        conn.execute(
            "UPDATE events SET subject = ?, prev_hash = ?, hash = ? WHERE id = ?",
            [row["subject"], prev, digest, row["id"]],
        )
        prev = digest
    conn.commit()
    conn.close()


def _submissions(ws) -> list[tuple]:
    """(id, received time, verdict, stored path) of every draft in the ledger, by id."""
    conn = sqlite3.connect(ws.ledger_path)
    rows = conn.execute(
        "SELECT id, received_at, verdict, stored_path FROM submissions ORDER BY id"
    ).fetchall()
    conn.close()
    return rows


def test_the_newest_events_dropped_are_named_against_the_anchors(ws_rb):
    ws, rb = ws_rb
    _filed(ws, rb)
    _adopt(ws, 3)
    assert verify(ws).ok  # anchors event 3 in verify.json
    conn = sqlite3.connect(ws.ledger_path)
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("DELETE FROM events WHERE id > 1")
    conn.execute("UPDATE sqlite_sequence SET seq = 1 WHERE name = 'events'")
    conn.commit()
    conn.close()
    done = _run(ws, "log", "--verify")
    assert done.exit_code == 1
    assert "第 2–3 条已不在台账中" in done.output
    assert any(p.code == "chain" and "第 2–3 条" in p.message for p in verify(ws).problems)


def test_a_chain_rebuilt_without_the_key_is_found(ws_rb):
    ws, rb = ws_rb
    _filed(ws, rb)
    _adopt(ws, 2)
    key = json.loads((ws.root / ".draftdesk" / "events.key").read_text())
    assert key["keyed_from"] == 1
    assert oct(os.stat(ws.root / ".draftdesk" / "events.key").st_mode & 0o777) == "0o600"
    _rechain_unkeyed(ws, first_subject="改写")  # a consistent, unkeyed chain over an edited first row
    done = _run(ws, "log", "--verify")
    assert done.exit_code == 1 and "第 1 条" in done.output and "已被改动" in done.output


def test_an_old_unkeyed_log_keeps_verifying_and_is_keyed_from_the_switch_over(ws_rb):
    ws, rb = ws_rb
    _filed(ws, rb)
    _adopt(ws, 2)
    (ws.root / ".draftdesk" / "events.key").unlink()  # as a ledger logged before keys
    _rechain_unkeyed(ws)
    (ws.outbox / "verify.json").unlink()
    assert _run(ws, "log", "--verify").exit_code == 0
    done = _run(ws, "adopt", "1", "--outlet", "常州日报", "--date", "2021-03-12")
    assert done.exit_code == 0, done.output  # the first event after the switch-over makes the key
    key = json.loads((ws.root / ".draftdesk" / "events.key").read_text())
    assert key["keyed_from"] == 3
    assert _run(ws, "log", "--verify").exit_code == 0


def test_re_register_brings_back_every_kind_of_item_filed_after_the_backup(ws_rb, monkeypatch):
    ws, rb = ws_rb
    drop(ws, f"湖滨社区/{INSTANT}/短稿.docx", news_draft(40))
    sweep(ws, rb, settled=True)
    backup = make_backup(ws).path
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-13T10:00:00")
    drop(ws, f"湖滨社区/{INSTANT}/单稿.docx", news_draft(300, photos=1, seed=3))
    drop(ws, f"湖滨社区/{INSTANT}/活动稿/稿件.docx", news_draft(300, photos=0, seed=4))
    drop(ws, f"湖滨社区/{INSTANT}/活动稿/现场.jpg", make_photo(seed=7))
    drop(ws, f"湖滨社区/{INSTANT}/压缩稿.zip", make_zip({"稿件.docx": news_draft(300, photos=1, seed=6)}))
    drop(ws, "湖滨社区/信息员/推荐表.docx", officer_form("张三"))
    sweep(ws, rb)
    done = _run(ws, "decide", "1", "--accept", "--reason", REASON)  # a 核定 moves the original
    assert done.exit_code == 0, done.output
    assert verify(ws).ok
    wanted = _submissions(ws)
    assert len(wanted) == 4
    done = _run(ws, "restore", str(backup), "--re-register")
    assert "重新登记 3 件：2、3、4" in done.output, done.output
    got = _submissions(ws)
    assert got[1:] == wanted[1:]
    assert "已重新登记 1 份备份之后收到的信息员推荐表。" in done.output
    assert "第 " in done.output and "核定" in done.output  # the 核定 after the backup is listed to redo
    problems = verify(ws).problems  # only the 核定 to redo: draft 1 lies where the 核定 moved it
    assert {p.submission_id for p in problems} <= {1}, [p.line() for p in problems]


def test_a_deleted_key_is_named_not_taken_for_an_unkeyed_log(ws_rb):
    ws, rb = ws_rb
    _filed(ws, rb)
    _adopt(ws, 1)
    assert verify(ws).ok  # records that the log is keyed from event 1
    (ws.root / ".draftdesk" / "events.key").unlink()
    done = _run(ws, "log", "--verify")
    assert done.exit_code == 1 and "操作记录的密钥" in done.output and "第 1 条起" in done.output
