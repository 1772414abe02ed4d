"""Backup, verify and restore on real workspaces: real SQLite ledgers, real files, real processes
(a writer during the backup, SIGKILL mid-backup, a file-size limit while filing, a truncated
ledger). What is asserted is the record: every draft ends filed once with its ledger row, every
earlier backup stays whole, and each fault is said in Chinese."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from cli.intake_lock import intake_running
from intake.pipeline import sweep
from ledger import intake as ledger
from ledger.schema import open_ledger
from service.backup import backup_folder, backup_if_due, backups_in, make_backup
from service.restore import IntakeBusy, re_register, restore
from service.verify import last_verification, summary_line, verify
from tests.factory import news_draft
from tests.intake_support import INSTANT, NOW, drop, inbox_items, sha, workspace
from workspace.lock import intake_lock

pytestmark = pytest.mark.integration  # real SQLite ledgers, real files, real processes

REPO = Path(__file__).resolve().parents[1]
HAN = re.compile(r"[\u4e00-\u9fff]")
runner = CliRunner()


def _file(ws, rb, names, seed=0):
    for i, name in enumerate(names):
        drop(ws, f"湖滨社区/{INSTANT}/{name}.docx", news_draft(300 + i, photos=1, seed=seed + i))
    return sweep(ws, rb)


def _ids(path: Path) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM submissions ORDER BY id")]
    finally:
        conn.close()


def _env() -> dict[str, str]:
    return {**os.environ, "DRAFTDESK_NOW": NOW, "PYTHONPATH": str(REPO)}


# ---- backup ---------------------------------------------------------------------------------


def test_a_backup_is_named_by_workspace_time_and_holds_every_row(ws_rb):
    ws, rb = ws_rb
    _file(ws, rb, ["甲", "乙"])
    result = runner.invoke(app, ["backup", "--workspace", str(ws.root)])
    assert result.exit_code == 0
    path = backup_folder(ws) / "ledger_20210312-150000.db"
    assert result.output.strip() == f"台账和已归档的原稿、说明、回执已备份，台账副本：{path}"
    assert _ids(path) == [1, 2]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    conn.close()
    assert not (path.parent / (path.name + "-wal")).exists()


def test_backup_to_another_folder_and_without_a_ledger(ws_rb, tmp_path):
    ws, rb = ws_rb
    result = runner.invoke(app, ["backup", "--workspace", str(ws.root)])
    assert result.exit_code == 1 and "还没有台账" in result.output
    _file(ws, rb, ["甲"])
    result = runner.invoke(app, ["backup", "--to", str(tmp_path / "copies"), "--workspace", str(ws.root)])
    assert result.exit_code == 0
    assert _ids(tmp_path / "copies" / "ledger_20210312-150000.db") == [1]


def test_old_backups_are_removed_by_the_rulebook_rule_after_the_new_one(ws_rb, monkeypatch):
    ws, rb = ws_rb
    _file(ws, rb, ["甲"])
    text = ws.rulebook_path.read_text(encoding="utf-8")
    ws.rulebook_path.write_text(text.replace("keep_daily = 14", "keep_daily = 2"), encoding="utf-8")
    folder = backup_folder(ws)
    for day in (9, 10, 11):
        monkeypatch.setenv("DRAFTDESK_NOW", f"2021-03-{day:02d}T09:00:00")
        make_backup(ws)
    (folder / "notes.txt").write_text("不是备份", encoding="utf-8")
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-12T09:00:00")
    result = make_backup(ws)
    assert [p.name for p in result.removed] == ["ledger_20210310-090000.db"]  # the 9th went on the 11th
    assert sorted(n for n in os.listdir(folder) if not n.startswith(".")) == [
        "ledger_20210311-090000.db",
        "ledger_20210311-090000.manifest.json",
        "ledger_20210312-090000.db",
        "ledger_20210312-090000.manifest.json",
        "notes.txt",
        "objects",
    ]


def test_backup_if_due_makes_one_backup_a_day(ws_rb, monkeypatch):
    ws, rb = ws_rb
    assert backup_if_due(ws) is None  # no ledger yet
    _file(ws, rb, ["甲"])
    first = backup_if_due(ws)
    assert first is not None and first.name == "ledger_20210312-150000.db"
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-12T23:59:00")
    assert backup_if_due(ws) is None
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-13T00:01:00")
    second = backup_if_due(ws)
    assert second is not None and second.name == "ledger_20210313-000100.db"


def test_a_daily_backup_that_cannot_be_written_is_logged_in_chinese_and_never_raises(ws_rb):
    import logging

    ws, rb = ws_rb
    _file(ws, rb, ["甲"])
    backup_folder(ws).write_text("不是文件夹", encoding="utf-8")  # the folder's name is taken
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("draftdesk.backup")
    logger.addHandler(handler)
    try:
        assert backup_if_due(ws) is None
    finally:
        logger.removeHandler(handler)
    assert len(seen) == 1 and seen[0].startswith("每日台账备份未完成：备份未能写入")
    assert _ids(ws.ledger_path) == [1]


def test_watch_and_serve_back_up_once_a_day_while_they_hold_the_workspace(ws_rb):
    ws, rb = ws_rb
    _file(ws, rb, ["甲"])
    expected = backup_folder(ws) / "ledger_20210312-150000.db"
    manifest = backup_folder(ws) / "ledger_20210312-150000.manifest.json"  # written last
    with intake_running(ws.root, daily_backup=True):
        for _ in range(600):  # the backup thread starts with the command
            if manifest.exists():
                break
            time.sleep(0.05)
    assert _ids(expected) == [1]
    assert [p.name for _, p in backups_in(backup_folder(ws))] == [expected.name]


WRITER = """
import sys, time
from pathlib import Path
from ledger import intake as ledger
from ledger.schema import open_ledger
db = open_ledger(Path(sys.argv[1]))
print("ready", flush=True)
for i in range(100000):
    with ledger.locked(db):  # one submission per transaction, as the intake records them
        ledger.insert_submission(db, {"sha256": f"{i:064x}", "unit": "湖滨社区",
                                      "received_at": "2021-03-12T15:00:00+08:00", "verdict": "accepted",
                                      "text": "字" * 2000})
"""


@pytest.mark.integration
def test_a_backup_taken_while_another_process_writes_is_consistent(ws_rb):
    ws, rb = ws_rb
    _file(ws, rb, ["甲"])
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(ws.ledger_path)],
        cwd=REPO,
        env=_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        paths = [make_backup(ws, ws.root / f"copies{n}").path for n in range(3)]
    finally:
        writer.kill()
        writer.wait()
    counts = []
    for path in paths:
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = [r[0] for r in conn.execute("SELECT id FROM submissions ORDER BY id")]
        assert ids == list(range(1, len(ids) + 1))  # a prefix: no half transaction
        counts.append(len(ids))
        conn.close()
    assert counts == sorted(counts) and counts[-1] > 1


KILLED = """
import sys, time
from pathlib import Path
from ledger.backup import copy_ledger
def step(left, total):
    print("step", left, total, flush=True)
    time.sleep(0.2)
copy_ledger(Path(sys.argv[1]), Path(sys.argv[2]), progress=step)
print("done", flush=True)
"""


@pytest.mark.integration
def test_sigkill_during_a_backup_leaves_earlier_backups_whole_and_no_half_file_under_a_final_name(
    ws_rb, monkeypatch
):
    ws, rb = ws_rb
    _file(ws, rb, ["甲"])
    db = open_ledger(ws.ledger_path)
    with ledger.locked(db):  # ~10 MB: several backup steps
        for i in range(1300):
            ledger.insert_submission(
                db, {"sha256": f"{i:064x}", "received_at": NOW, "verdict": "accepted", "text": "字" * 2500}
            )
    db.close()
    earlier = make_backup(ws).path
    earlier_bytes = earlier.read_bytes()
    final = backup_folder(ws) / "ledger_20210312-160000.db"
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(ws.ledger_path), str(final)],
        cwd=REPO,
        env=_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline().split()
    assert line[0] == "step" and int(line[1]) > 0  # pages left: mid-copy
    child.send_signal(signal.SIGKILL)
    child.wait()
    names = os.listdir(backup_folder(ws))
    assert not final.exists()
    assert [p.name for _, p in backups_in(backup_folder(ws))] == [earlier.name]
    hidden = sorted(n for n in names if n.startswith(".") and n != ".backup.lock")
    assert hidden and all(n.startswith(f".{final.name}.{child.pid}.partial") for n in hidden)
    assert earlier.read_bytes() == earlier_bytes
    conn = sqlite3.connect(earlier)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-13T09:00:00")
    again = make_backup(ws).path  # the next backup clears the dead one's temp file
    assert [p.name for _, p in backups_in(backup_folder(ws))] == [earlier.name, again.name]
    assert not [n for n in os.listdir(backup_folder(ws)) if n.endswith(".partial")]


@pytest.fixture
def tiny_disk(tmp_path):
    """A 1 MB tmpfs (root only); skipped where mounting is not allowed."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.integration
def test_a_backup_onto_a_full_disk_says_so_and_leaves_no_file_under_a_final_name(
    ws_rb, tiny_disk, monkeypatch
):
    ws, rb = ws_rb
    _file(ws, rb, ["甲"])
    db = open_ledger(ws.ledger_path)
    with ledger.locked(db):  # ~2 MB: more than the disk holds
        for i in range(300):
            ledger.insert_submission(
                db, {"sha256": f"{i:064x}", "received_at": NOW, "verdict": "accepted", "text": "字" * 2500}
            )
    db.close()
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-11T09:00:00")
    (tiny_disk / "ledger_20210311-090000.db").write_bytes(b"an earlier backup")
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    result = runner.invoke(app, ["backup", "--to", str(tiny_disk), "--workspace", str(ws.root)])
    assert result.exit_code == 1
    assert (
        result.output.strip()
        == f"备份未能写入 {tiny_disk}（磁盘已满或无法写入）；已有的备份未受影响，台账照常。"
    )
    assert sorted(n for n in os.listdir(tiny_disk) if not n.startswith(".") and n != "objects") == [
        "ledger_20210311-090000.db"
    ]
    assert (tiny_disk / "ledger_20210311-090000.db").read_bytes() == b"an earlier backup"


# ---- verify ---------------------------------------------------------------------------------


def test_verify_passes_on_a_filed_workspace_and_keeps_its_result(ws_rb):
    ws, rb = ws_rb
    _file(ws, rb, ["甲", "乙"])
    result = runner.invoke(app, ["verify", "--workspace", str(ws.root)])
    assert result.exit_code == 0 and "不计入说明和各单位的回执都在" in result.output
    stored = last_verification(ws)
    assert stored == {"ok": True, "checked_at": "2021-03-12T15:00:00+08:00", "problems": []}
    assert summary_line(ws) == "归档核对：2021年3月12日 15:00，全部相符"


def test_the_desk_home_page_shows_the_last_verify(ws_rb, monkeypatch):
    from fastapi.testclient import TestClient

    from web.app import create_app

    monkeypatch.delenv("DRAFTDESK_WEB_PASSWORD", raising=False)
    ws, rb = ws_rb
    client = TestClient(create_app(ws, rb))
    assert "归档核对：尚未进行" in client.get("/").text
    _file(ws, rb, ["甲"])
    verify(ws)
    assert "归档核对：2021年3月12日 15:00，全部相符" in client.get("/").text


def test_verify_of_a_new_workspace_holds_and_a_missing_ledger_with_filed_drafts_does_not(ws_rb):
    ws, rb = ws_rb
    assert verify(ws).ok  # nothing received yet
    _file(ws, rb, ["甲"])
    ws.ledger_path.rename(ws.root / "elsewhere.db")
    assert [p.line() for p in verify(ws).problems] == [
        "台账：台账文件不存在，已归档稿件无法核对；请用 draftdesk restore 从 outbox/backups/ 中的备份恢复：outbox/ledger.db"
    ]


def test_verify_names_the_draft_and_path_of_every_problem(ws_rb):
    ws, rb = ws_rb
    _file(ws, rb, ["稿1", "稿2", "稿3"])
    month = ws.accepted / "2021-03" / "湖滨社区"
    with open(month / "1_稿1.docx", "ab") as fh:
        fh.write(b"changed")
    (month / "2_稿2.docx").unlink()
    (month / "7_不明.docx").write_bytes(b"x")
    (ws.rejected / "湖滨社区").mkdir(parents=True, exist_ok=True)
    (ws.rejected / "湖滨社区" / "外来.txt").write_bytes(b"x")
    result = runner.invoke(app, ["verify", "--workspace", str(ws.root)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "稿件编号 1：原稿内容与登记时不同（sha256 不符）：outbox/accepted/2021-03/湖滨社区/1_稿1.docx",
        "稿件编号 2：原稿缺失：outbox/accepted/2021-03/湖滨社区/2_稿2.docx",
        "稿件编号 7：发件箱中有台账没有记录的文件：outbox/accepted/2021-03/湖滨社区/7_不明.docx",
        "台账：发件箱中有台账没有记录的文件：outbox/rejected/湖滨社区/外来.txt",
        "共 4 个问题。",
    ]
    as_json = json.loads(runner.invoke(app, ["verify", "--json", "--workspace", str(ws.root)]).output)
    assert as_json["ok"] is False
    assert [(p["code"], p["submission_id"]) for p in as_json["problems"]] == [
        ("changed", 1),
        ("missing", 2),
        ("unknown", 7),
        ("unknown", None),
    ]
    assert summary_line(ws) == "归档核对：2021年3月12日 15:00，发现 4 个问题，请核对台账与发件箱"


def test_verify_checks_notes_and_notices_and_passes_officer_forms(ws_rb):
    ws, rb = ws_rb
    from tests.test_officer_form import officer_form

    drop(ws, f"湖滨社区/{INSTANT}/短.docx", news_draft(20, photos=0, seed=5))  # rejected: note beside it
    drop(ws, "湖滨社区/信息员/表.docx", b"not a form")  # a refused officer form, filed without a row
    drop(ws, "湖滨社区/信息员/推荐表.docx", officer_form("张三"))  # registered in `officers`
    result = sweep(ws, rb)
    assert sorted(o.verdict for o in result.outcomes) == ["officer", "rejected", "rejected"]
    assert verify(ws).ok
    [form] = (ws.accepted / "2021-03" / "湖滨社区" / "信息员").iterdir()
    original = form.read_bytes()
    form.write_bytes(b"another file")  # no longer the registered form
    assert [(p.code, p.path) for p in verify(ws).problems] == [
        ("unknown", form.relative_to(ws.root).as_posix())
    ]
    form.write_bytes(original)
    note = next(ws.rejected.rglob("1_*.退回说明.txt"))
    note.unlink()
    problems = verify(ws).problems
    assert [(p.code, p.submission_id, p.path) for p in problems] == [
        ("missing", 1, note.relative_to(ws.root).as_posix())
    ]
    assert problems[0].line().startswith("稿件编号 1：退回说明缺失：")


def test_verify_reports_a_claim_left_open_unless_intake_is_running(ws_rb):
    ws, rb = ws_rb
    _file(ws, rb, ["甲"])
    db = open_ledger(ws.ledger_path)
    ledger.add_claim(
        db,
        "deadbeef" * 4,
        f"湖滨社区/{INSTANT}/乙.docx",
        "file",
        NOW,
        "elsewhere|1|0",
        dt.datetime(2021, 3, 12),
    )
    db.close()
    lines = [p.line() for p in verify(ws).problems]
    assert lines == [
        f"台账：领取后未完成的稿件（下次收稿时自动续完）：outbox/.processing/{'deadbeef' * 4}（原 湖滨社区/{INSTANT}/乙.docx）"
    ]
    with intake_lock(ws):
        assert verify(ws).ok


def test_verify_checks_the_log_of_changes_hash_chain(ws_rb):
    ws, rb = ws_rb
    _file(ws, rb, ["甲"])
    adopt = ["adopt", "1", "--outlet", "新华日报", "--date", "2021-03-12", "--workspace", str(ws.root)]
    assert runner.invoke(app, adopt).exit_code == 0
    assert verify(ws).ok
    conn = sqlite3.connect(ws.ledger_path)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET after = replace(after, '新华日报', '人民日报') WHERE id = 1")
    conn.commit()
    conn.close()
    [problem] = verify(ws).problems
    assert problem.code == "chain" and problem.path == "outbox/ledger.db"
    assert problem.line().startswith("台账：操作记录第 1 条（2021年3月12日 15:00 登记录用）已被改动")


# ---- faults ---------------------------------------------------------------------------------


def test_a_truncated_ledger_is_said_in_chinese_by_verify_and_by_the_next_sweep_and_nothing_is_claimed(ws_rb):
    ws, rb = ws_rb
    _file(ws, rb, ["甲", "乙"])
    backup = make_backup(ws).path
    db = open_ledger(ws.ledger_path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    os.truncate(ws.ledger_path, os.path.getsize(ws.ledger_path) // 2)
    data = news_draft(320, photos=1, seed=77)
    waiting = drop(ws, f"湖滨社区/{INSTANT}/丙.docx", data)
    result = runner.invoke(app, ["verify", "--workspace", str(ws.root)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "台账：台账文件已损坏（可能被截断），已归档稿件无法核对；"
        "请用 draftdesk restore 从 outbox/backups/ 中的备份恢复：outbox/ledger.db"
    )
    result = runner.invoke(app, ["run", "--workspace", str(ws.root)])
    assert result.exit_code == 1
    assert "文件已损坏（可能被截断），本次没有领取或登记任何稿件" in result.output
    assert not re.search(r"[A-Za-z]{5,}Error|malformed", result.output)
    assert waiting.read_bytes() == data  # not claimed
    # Restore the backup, then the next sweep files it.
    done = restore(ws, backup)
    assert done.replaced is not None and done.replaced.name == "ledger.db.replaced-20210312-150000"
    assert done.verification.ok
    assert [o.verdict for o in sweep(ws, rb).outcomes] == ["accepted"]
    assert inbox_items(ws) == [] and verify(ws).ok


FULL = """
import resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from cli.run import run_command
sys.exit(run_command(Path(sys.argv[1])))
"""


@pytest.mark.integration
def test_a_full_disk_while_filing_loses_nothing_and_the_next_sweep_finishes_the_work(ws_rb):
    ws, rb = ws_rb
    _file(ws, rb, ["起"])
    dropped = {}
    said = []
    for i, limit in enumerate([4096, 40_000, 70_000, 100_000, 140_000]):  # the disk fills at each step
        data = news_draft(300 + i, photos=2, seed=10 + i)
        drop(ws, f"湖滨社区/{INSTANT}/稿{i}.docx", data)
        dropped[sha(data)] = data
        child = subprocess.run(
            [sys.executable, "-c", FULL, str(ws.root), str(limit)],
            cwd=REPO,
            env=_env(),
            capture_output=True,
            text=True,
        )
        said.append((child.returncode, child.stderr.splitlines()[-1] if child.stderr else ""))
    assert said[0] == (
        1,
        f"台账 {ws.ledger_path} 无法写入（磁盘已满或出错），本次没有领取或登记任何稿件（收件箱中的稿件原样保留）。"
        "请腾出磁盘空间（或检查磁盘）后再收稿。",
    )
    assert any("收稿中断：台账或发件箱无法写入（磁盘已满或出错）。已领取的稿件不会丢失" in s for _, s in said)
    sweep(ws, rb)  # space is back
    assert inbox_items(ws) == []
    conn = sqlite3.connect(ws.ledger_path)
    rows = conn.execute("SELECT sha256, verdict FROM submissions WHERE id > 1").fetchall()
    conn.close()
    assert sorted(s for s, _ in rows) == sorted(dropped)  # each exactly once
    assert verify(ws).ok


# ---- restore --------------------------------------------------------------------------------


def test_restore_refuses_while_intake_holds_the_workspace(ws_rb):
    ws, rb = ws_rb
    _file(ws, rb, ["甲"])
    backup = make_backup(ws).path
    with intake_running(ws.root):  # what run, watch and serve hold while they run
        result = runner.invoke(app, ["restore", str(backup), "--workspace", str(ws.root)])
    assert result.exit_code == 1
    assert result.output.strip() == "收稿正在运行（watch、serve 或 run）：请先结束它们，再恢复台账。"
    assert not list(ws.outbox.glob("ledger.db.replaced-*"))


def test_restore_refuses_while_another_host_beats(ws_rb):
    ws, rb = ws_rb
    _file(ws, rb, ["甲"])
    backup = make_backup(ws).path
    db = open_ledger(ws.ledger_path)
    ledger.beat(db, dt.datetime.fromisoformat(NOW + "+08:00"), "watch", 1, "other-host")
    db.close()
    with pytest.raises(IntakeBusy, match="收稿服务仍在计算机 other-host 上运行"):
        restore(ws, backup)


def test_restore_refuses_a_file_that_is_not_a_sound_backup(ws_rb, tmp_path):
    ws, rb = ws_rb
    _file(ws, rb, ["甲"])
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not sqlite" * 100)
    result = runner.invoke(app, ["restore", str(bad), "--workspace", str(ws.root)])
    assert result.exit_code == 1 and "不是可读的台账备份" in result.output
    assert _ids(ws.ledger_path) == [1]


def test_restore_lists_items_filed_after_the_backup_and_re_registers_them_as_they_were(ws_rb, monkeypatch):
    ws, rb = ws_rb
    _file(ws, rb, ["甲"])
    backup = make_backup(ws).path
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-13T10:00:00")
    _file(ws, rb, ["乙", "丙"], seed=20)
    before = sqlite3.connect(ws.ledger_path)
    wanted = before.execute(
        "SELECT id, received_at, verdict, note_text FROM submissions ORDER BY id"
    ).fetchall()
    findings = before.execute("SELECT submission_id, rule, message FROM findings ORDER BY id").fetchall()
    before.close()
    result = runner.invoke(app, ["restore", str(backup), "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"已用备份 {backup} 恢复台账。"
    assert lines[1].endswith("ledger.db.replaced-20210313-100000")
    assert lines[2] == "发件箱中有 2 件稿件是备份之后归档的，恢复后的台账没有记录：2、3"
    assert "restore --re-register" in lines[3]
    assert _ids(ws.ledger_path) == [1]
    result = runner.invoke(app, ["restore", "--re-register", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "已从 ledger.db.replaced-20210313-100000 重新登记 2 件：2、3"
    after = sqlite3.connect(ws.ledger_path)
    assert (
        after.execute("SELECT id, received_at, verdict, note_text FROM submissions ORDER BY id").fetchall()
        == wanted
    )
    assert (
        after.execute("SELECT submission_id, rule, message FROM findings ORDER BY id").fetchall() == findings
    )
    after.close()
    assert verify(ws).ok
    assert re_register(ws).copied == ()  # again: nothing left to copy


def test_rows_the_damaged_ledger_cannot_give_back_are_listed_not_invented(ws_rb, monkeypatch):
    ws, rb = ws_rb
    _file(ws, rb, ["甲"])
    backup = make_backup(ws).path
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-13T10:00:00")
    _file(ws, rb, [f"稿{i}" for i in range(8)], seed=10)
    db = open_ledger(ws.ledger_path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    os.truncate(ws.ledger_path, int(os.path.getsize(ws.ledger_path) * 0.7))
    assert restore(ws, backup).missing_ids == (2, 3, 4, 5, 6, 7, 8, 9)
    result = runner.invoke(app, ["restore", "--re-register", "--workspace", str(ws.root)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1].startswith("以下稿件在原台账中已无法读取，未能登记，请人工核对其原稿和说明：")
    assert lines[-1].endswith("。处理好之前请勿收稿：新收的稿件会重复使用这些编号。")
    lost = [int(i) for i in lines[-1].split("：", 1)[1].split("。")[0].split("、")]
    copied = _ids(ws.ledger_path)[1:]
    assert lost and sorted(lost + copied) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert {p.submission_id for p in verify(ws).problems if p.code == "unknown"} == set(lost)


def test_a_workspace_whose_path_has_uri_characters_backs_up_verifies_and_restores(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    ws, rb = workspace(tmp_path / "共享 #2?a=b%")
    _file(ws, rb, ["甲"])
    backup = make_backup(ws).path
    assert _ids(backup) == [1]
    assert verify(ws).ok
    done = restore(ws, backup)
    assert done.verification.ok and _ids(ws.ledger_path) == [1]


def test_an_item_claimed_after_the_backup_gets_its_claim_back_and_the_next_sweep_files_it(ws_rb, monkeypatch):
    import socket

    from intake.claims import claim, release
    from intake.inventory import list_items

    ws, rb = ws_rb
    _file(ws, rb, ["甲"])
    backup = make_backup(ws).path
    data = news_draft(330, photos=1, seed=40)
    drop(ws, f"湖滨社区/{INSTANT}/乙.docx", data)
    [item] = list_items(ws.inbox, rb)
    db = open_ledger(ws.ledger_path)
    dead = f"{socket.gethostname()}|999999|0"  # a process that died holding it
    taken = claim(ws, rb, db, item, "2021-03-12T09:30:00+08:00", dead)
    db.close()
    assert taken is not None
    release(taken.token)
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-13T10:00:00")
    done = restore(ws, backup)
    assert [(p.code, p.message) for p in done.verification.problems] == [
        ("claim", "处理中文件夹里有台账不知道的稿件")
    ]
    result = runner.invoke(app, ["restore", "--re-register", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    assert "已找回处理中文件夹里 1 件稿件的领取记录，下次收稿时按原收稿时间续完。" in result.output
    sweep(ws, rb)
    conn = sqlite3.connect(ws.ledger_path)
    assert conn.execute("SELECT id, sha256, received_at FROM submissions WHERE id = 2").fetchone() == (
        2,
        sha(data),
        "2021-03-12T09:30:00+08:00",
    )
    conn.close()
    assert verify(ws).ok


def test_restore_lists_the_changes_made_after_the_backup_to_redo(ws_rb, monkeypatch):
    ws, rb = ws_rb
    _file(ws, rb, ["甲"])
    backup = make_backup(ws).path
    adopt = ["adopt", "1", "--outlet", "新华日报", "--date", "2021-03-12", "--workspace", str(ws.root)]
    assert runner.invoke(app, adopt).exit_code == 0
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-13T10:00:00")
    result = runner.invoke(app, ["restore", str(backup), "--workspace", str(ws.root)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-2:] == [
        "备份之后还有 1 条操作记录不在恢复后的台账中（登记录用、约稿等），请据此重新办理：",
        "  第 1 条 2021年3月12日 15:00 登记录用 稿件 1",
    ]


def test_two_restores_in_one_second_keep_both_replaced_ledgers(ws_rb):
    ws, rb = ws_rb
    _file(ws, rb, ["甲"])
    backup = make_backup(ws).path
    first = restore(ws, backup).replaced
    second = restore(ws, backup).replaced
    assert first is not None and second is not None
    assert (first.name, second.name) == (
        "ledger.db.replaced-20210312-150000",
        "ledger.db.replaced-20210312-150000-2",
    )
    assert _ids(first) == _ids(second) == _ids(ws.ledger_path) == [1]
    assert not [n for n in os.listdir(ws.outbox) if n.endswith(".partial")]


def test_a_second_backup_in_the_same_second_is_a_new_file_and_the_days_newest(ws_rb):
    from service.backup import backups_in

    ws, rb = ws_rb
    _file(ws, rb, ["第一篇"])
    first = make_backup(ws).path
    second = make_backup(ws).path  # DRAFTDESK_NOW is fixed: the same second
    assert first.name == "ledger_20210312-150000.db" and second.name == "ledger_20210312-150000-2.db"
    assert second.exists() and not first.exists()  # the day's newest is kept (keep_daily), never overwritten
    assert backups_in(backup_folder(ws)) == [(dt.datetime(2021, 3, 12, 15, 0), second)]


def test_verify_passes_officer_forms_when_the_inbox_calls_their_folder_otherwise(tmp_path, monkeypatch):
    """The inbox's officer folder is a rulebook setting; the outbox's is filing's own (信息员):
    verify looked for forms under the inbox's name and called every filed form unknown."""
    from tests.test_officer_form import officer_form

    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    ws, _ = workspace(tmp_path / "ws")
    text = ws.rulebook_path.read_text(encoding="utf-8")
    ws.rulebook_path.write_text(
        text.replace('officer_folder = "信息员"', 'officer_folder = "通讯员"', 1), encoding="utf-8"
    )
    rb = ws.rulebook()
    assert rb.intake.officer_folder == "通讯员"
    drop(ws, "湖滨社区/通讯员/推荐表.docx", officer_form("张三"))
    drop(ws, "湖滨社区/通讯员/表.docx", b"not a form")
    assert sorted(o.verdict for o in sweep(ws, rb).outcomes) == ["officer", "rejected"]
    assert [f.name for f in (ws.accepted / "2021-03" / "湖滨社区" / "信息员").iterdir()] != []
    assert verify(ws).problems == ()
