"""Kill -9 mid-sweep, and two sweeps at once: every item ends in the outbox and the ledger exactly once.

Real processes (subprocess + SIGKILL), real files, a real SQLite ledger: the claim by rename, the
ledger commit before the move and the recovery at start are what is under test.
"""

from __future__ import annotations

import collections
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger.schema import open_ledger
from tests.factory import news_draft
from tests.intake_support import INSTANT, NOW, drop, inbox_items, outbox_items, receipts, sha, workspace

REPO = Path(__file__).resolve().parents[1]
UNITS = ("湖滨社区", "塔下社区", "建设局")

SWEEP = """
import sys
from pathlib import Path
from workspace import Workspace
from intake.pipeline import sweep
ws = Workspace(Path(sys.argv[1]))
result = sweep(ws, ws.rulebook())
print(len(result.outcomes))
"""


def _spawn(ws_root: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "DRAFTDESK_NOW": NOW, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", SWEEP, str(ws_root)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _drafts(ws, count: int) -> dict[str, bytes]:
    made: dict[str, bytes] = {}
    for i in range(count):
        data = news_draft(250 + i, photos=1, seed=1000 + i)
        drop(ws, f"{UNITS[i % len(UNITS)]}/{INSTANT}/稿件{i:02d}.docx", data)
        made[sha(data)] = data
    return made


def _submissions(ws) -> list[tuple[str, str]]:
    db = open_ledger(ws.ledger_path)
    try:
        return [tuple(r) for r in db.execute("SELECT sha256, state FROM submissions").fetchall()]
    finally:
        db.close()


def _count(ws) -> int:
    """Submissions recorded so far, read cheaply (polled every few milliseconds)."""
    try:
        conn = sqlite3.connect(f"file:{ws.ledger_path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return 0
    try:
        return conn.execute("SELECT count(*) FROM submissions").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


def _assert_each_exactly_once(ws, made: dict[str, bytes]) -> None:
    filed = collections.Counter(sha(p.read_bytes()) for p in outbox_items(ws))
    assert filed == collections.Counter(made.keys())
    rows = _submissions(ws)
    assert collections.Counter(s for s, _ in rows) == collections.Counter(made.keys())
    assert {state for _, state in rows} == {"filed"}
    assert inbox_items(ws) == []
    db = open_ledger(ws.ledger_path)
    try:
        assert db.execute("SELECT count(*) FROM claims").fetchone()[0] == 0
        planned = db.execute("SELECT receipt_path, receipt_at FROM submissions").fetchall()
    finally:
        db.close()
    # Every receipt is written once the sweeps are over, whatever a kill fell between.
    assert all(at is not None for _, at in planned)
    assert sorted(ws.root / path for path, _ in planned) == receipts(ws)
    processing = ws.outbox / ".processing"
    assert not processing.exists() or list(processing.iterdir()) == []


@pytest.mark.integration
def test_sigkill_mid_sweep_then_restart_files_each_draft_exactly_once(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    ws, _ = workspace(tmp_path / "ws")
    made = _drafts(ws, 24)
    for kill_at in (2, 8, 15):
        proc = _spawn(ws.root)
        deadline = time.monotonic() + 120
        while _count(ws) < kill_at and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    assert _count(ws) < len(made)  # the kills really came mid-sweep
    final = _spawn(ws.root)
    _out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    _assert_each_exactly_once(ws, made)


@pytest.mark.integration
def test_two_sweeps_at_once_take_each_draft_exactly_once(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    ws, _ = workspace(tmp_path / "ws")
    made = _drafts(ws, 24)
    procs = [_spawn(ws.root) for _ in range(2)]
    done = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in done]
    assert sum(int(out.strip()) for out, _ in done) == len(made)
    _assert_each_exactly_once(ws, made)
