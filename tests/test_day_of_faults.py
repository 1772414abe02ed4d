"""A compressed day of faults (#28), with the workspace clock moved through the day, in two
tests so that pytest-xdist runs them on two workers (measured with -n 0 on a shared 2-core
machine: the sweeps' day 7.3 s of CPU, 10–22 s wall; the watch day 30 s of CPU, 36–50 s wall,
18 s of it the Prefect server's: three starts and the flow runs it serves):

- the sweeps' day: drafts dropped by several writers while sweeps run, one sweep SIGKILLed
  mid-sweep, the disk filled once (RLIMIT_FSIZE), a notifier down for an hour;
- watch's day: a real `draftdesk watch` (real watchdog, the workspace's own local Prefect server)
  SIGKILLed mid-sweep and started again, then the server killed twice (as the OOM killer does):
  watch files directly at once and goes back to flows each time the server is back.

Each day ends alike: a backup at midnight, a morning after it; `verify` is clean, every draft is
filed once with its receipt, and restoring the midnight backup plus re-registering gives back
the same record, files and all.

Real processes, real files, a real SQLite ledger, a real local webhook; no fixed sleeps: the
waits poll for a condition under a deadline."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from flows import prefect_env
from ledger import notifications
from ledger.schema import open_ledger
from service.backup import make_backup
from service.restore import re_register, restore
from service.verify import verify
from tests.factory import make_photo, news_draft
from tests.intake_support import INSTANT, inbox_items, outbox_items, sha, workspace
from tests.test_backup import FULL
from tests.test_intake_crash import SWEEP, _assert_each_exactly_once, _count
from tests.test_notify import Receiver
from tests.test_server_outage import Running, kill_server, last_run_kind
from tests.test_watch_cmd import DRAFTDESK, FILE_DEADLINE, START_DEADLINE, fast_rulebook, wait_for

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[1]
UNITS = ("湖滨社区", "塔下社区", "建设局")
DAY = "2021-03-12"


def _child(ws, at: str, script: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DRAFTDESK_NOW": at, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", script, str(ws.root), *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _sweep(ws, at: str) -> None:
    child = _child(ws, at, SWEEP)
    _, err = child.communicate(timeout=300)
    assert child.returncode == 0, err


class Writers:
    """Several units' writers dropping drafts at moments a seeded random order picks; each
    draft is written beside the inbox and renamed in whole, as a careful share client does."""

    def __init__(self, ws, seed: int) -> None:
        self.ws, self.rng, self.made = ws, random.Random(seed), {}
        self.n = 0

    def draft(self, unit: str) -> None:
        self.n += 1
        data = news_draft(250 + self.n, photos=1, seed=2800 + self.n)
        target = self.ws.inbox / unit / INSTANT / f"稿{self.n:03d}.docx"
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.ws.root / f".drop{self.n}"
        tmp.write_bytes(data)
        os.replace(tmp, target)
        self.made[sha(data)] = data

    def burst(self, count: int) -> None:
        """`count` drafts from writer threads (one per unit) in an order the seed picks."""
        order = [UNITS[self.rng.randrange(len(UNITS))] for _ in range(count)]
        lock = threading.Lock()

        def write(unit: str) -> None:
            for u in order:
                if u == unit:
                    with lock:
                        self.draft(u)

        threads = [threading.Thread(target=write, args=(u,)) for u in UNITS]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def _record(ws) -> list[tuple]:
    conn = sqlite3.connect(ws.ledger_path)
    try:
        return conn.execute(
            "SELECT id, sha256, received_at, verdict, stored_path, note_text FROM submissions ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def _files(ws) -> dict[str, bytes]:
    found = {}
    for top in (ws.accepted, ws.rejected, ws.inbox):
        for path in top.rglob("*"):
            if path.is_file():
                found[path.relative_to(ws.root).as_posix()] = path.read_bytes()
    return found


def _midnight_backup(ws, writers: Writers, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The day's backup at midnight, once the day's drafts are each filed once with a receipt."""
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-13T00:00:00")
    midnight = make_backup(ws).path
    assert verify(ws).ok
    _assert_each_exactly_once(ws, writers.made)  # the day's drafts: once each, with receipts
    return midnight


def _the_morning_after(ws, writers: Writers) -> None:
    """More drafts after the midnight backup, a bundle among them, filed by a morning sweep."""
    writers.burst(3)
    bundle = ws.inbox / "塔下社区" / INSTANT / "晨会"
    bundle.mkdir(parents=True)
    (bundle / "稿件.docx").write_bytes(news_draft(300, photos=0, seed=77))
    (bundle / "现场.jpg").write_bytes(make_photo(seed=78))
    _sweep(ws, "2021-03-13T08:00:00")


def _the_record_comes_back(ws, writers: Writers, midnight: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`verify` is clean, every draft is filed once with its receipt, and restoring the midnight
    backup plus re-registering gives back the same record, files and all."""
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-13T09:00:00")
    assert verify(ws).ok
    record, files = _record(ws), _files(ws)
    assert len(record) == len(writers.made) + 1  # every writer's draft and the bundle, once each
    assert {r[1] for r in record} >= set(writers.made)
    assert not [p for p in ws.inbox.rglob("*") if p.is_file() and "回执" not in p.parts]
    db = open_ledger(ws.ledger_path)
    assert all(r[0] for r in db.execute("SELECT receipt_at FROM submissions").fetchall())
    db.close()

    restored = restore(ws, midnight)
    assert restored.missing_ids  # the morning's drafts, filed after the backup
    again = re_register(ws)
    assert sorted(again.copied) == sorted(restored.missing_ids) and not again.unreadable
    assert _record(ws) == record
    assert _files(ws) == files
    assert verify(ws).ok


def test_a_day_of_faults_loses_nothing_and_the_midnight_backup_gives_the_record_back(tmp_path, monkeypatch):
    ws, _ = workspace(tmp_path / "ws")
    writers = Writers(ws, seed=28)
    down = Receiver()
    dead_port = down.port
    down.close()  # the notifier is down from 10:00
    receiver = Receiver()
    try:
        # 08:00 — writers drop while a sweep runs; the sweep is SIGKILLed mid-sweep.
        writers.burst(9)
        sweeping = _child(ws, f"{DAY}T08:00:00", SWEEP)
        writers.burst(3)  # more arrive while it sweeps
        deadline = time.monotonic() + 120
        while _count(ws) < 2 and sweeping.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        sweeping.send_signal(signal.SIGKILL)
        sweeping.communicate()
        _sweep(ws, f"{DAY}T08:05:00")  # the next sweep finishes the dead one's claims

        # 10:00–11:00 — the notifier is down: filing goes on, messages wait.
        (ws.root / "notify.toml").write_text(
            f'[units]\n"湖滨社区" = ["json://127.0.0.1:{dead_port}/"]\n"塔下社区" = ["json://127.0.0.1:{dead_port}/"]\n'
            f'"建设局" = ["json://127.0.0.1:{dead_port}/"]\n[settings]\nattempts = 5\ntimeout_seconds = 1\n',
            encoding="utf-8",
        )
        writers.burst(4)
        _sweep(ws, f"{DAY}T10:00:00")
        db = open_ledger(ws.ledger_path)
        waiting = notifications.counts(db)["pending"]
        db.close()
        assert waiting >= 1
        (ws.root / "notify.toml").write_text(
            (ws.root / "notify.toml").read_text(encoding="utf-8").replace(str(dead_port), str(receiver.port)),
            encoding="utf-8",
        )
        _sweep(ws, f"{DAY}T11:00:00")  # back: the waiting messages go out
        db = open_ledger(ws.ledger_path)
        assert notifications.counts(db)["pending"] == 0 and notifications.counts(db)["failed"] == 0
        db.close()
        assert len(receiver.bodies) >= waiting

        # 14:00 — the disk fills during a sweep, then space is back.
        writers.burst(3)
        full = _child(ws, f"{DAY}T14:00:00", FULL, "40000")
        full.communicate(timeout=300)
        _sweep(ws, f"{DAY}T14:10:00")

        midnight = _midnight_backup(ws, writers, monkeypatch)

        _the_morning_after(ws, writers)
    finally:
        receiver.close()

    _the_record_comes_back(ws, writers, midnight, monkeypatch)


# ---- watch's day: the Prefect server killed twice, watch SIGKILLed mid-sweep ----------------


def _watch(ws, at: str, label: str) -> Running:
    """`draftdesk watch` as the office runs it (no desk: no port to share), the workspace clock
    at `at`; it starts, or reuses, the workspace's own local Prefect server."""
    env = {**os.environ, "DRAFTDESK_NOW": at, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)}
    env.pop("PREFECT_API_URL", None)
    argv = [str(DRAFTDESK), "watch", "--workspace", str(ws.root), "--no-web"]
    return Running(argv, env, label, ws.root)


def _all_filed(ws, writers: Writers) -> bool:
    """Polled every 0.2 s: the ledger's count first (~1 ms), the folders' walk (~9 ms) only then."""
    return _count(ws) >= writers.n and len(outbox_items(ws)) == writers.n and not inbox_items(ws)


def _filed_by(ws, writers: Writers, watch: Running, kind: str) -> None:
    """Every draft dropped so far is filed by `watch`, the last sweep of the `kind` the ledger's
    runs name: "intake" (a flow run on the server) or "sweep" (watch's direct path)."""
    assert wait_for(lambda: _all_filed(ws, writers), FILE_DEADLINE, watch.proc), watch.out + watch.err
    assert wait_for(lambda: last_run_kind(ws.root) == kind, 180, watch.proc), watch.out + watch.err


def test_watch_files_every_draft_once_through_two_server_kills_and_its_own_sigkill_mid_sweep(
    tmp_path, monkeypatch
):
    ws, _ = workspace(tmp_path / "ws")
    fast_rulebook(ws.root)
    writers = Writers(ws, seed=2828)
    first = _watch(ws, f"{DAY}T08:00:00", "watch-morning")
    try:
        # 08:00 — watch starts its server; the drafts of the first minutes are filed directly.
        assert wait_for(lambda: "正在监视" in first.out, START_DEADLINE, first.proc), first.out + first.err
        writers.burst(4)
        assert wait_for(lambda: "Prefect 界面" in first.out, START_DEADLINE, first.proc), (
            first.out + first.err
        )
        writers.burst(3)
        _filed_by(ws, writers, first, "intake")  # flows, once the server answers

        # 09:00 — watch is SIGKILLed mid-sweep (a flow run on the server), then started again.
        before = _count(ws)
        writers.burst(12)
        deadline = time.monotonic() + FILE_DEADLINE
        while _count(ws) == before and first.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(timeout=30)
        assert before < _count(ws) < before + 12  # killed with the sweep half done
        second = _watch(ws, f"{DAY}T10:00:00", "watch-day")
        try:
            assert wait_for(lambda: "Prefect 界面" in second.out, START_DEADLINE, second.proc), second.err
            # The dead watch's claims, finished by the recovery at the start (directly).
            assert wait_for(lambda: _all_filed(ws, writers), FILE_DEADLINE, second.proc), second.out

            for outage in (1, 2):  # later in the day, twice: the server is SIGKILLed (as by the OOM killer)
                kill_server(ws.root)
                writers.burst(3)
                _filed_by(ws, writers, second, "sweep")  # at once, directly, while it restarts
                assert wait_for(
                    lambda n=outage: second.out.count("Prefect 服务已恢复") == n, START_DEADLINE, second.proc
                ), second.out + second.err
                writers.burst(2)
                _filed_by(ws, writers, second, "intake")  # back to flows
            code = second.terminate()
        finally:
            second.kill()
    finally:
        first.kill()
        prefect_env.stop_local_server(ws)

    assert code == 0, second.err
    assert second.out.count("Prefect 服务已停止响应：稿件改为直接处理") == 2
    assert "Traceback" not in first.out + first.err + second.out + second.err
    midnight = _midnight_backup(ws, writers, monkeypatch)
    _the_morning_after(ws, writers)
    _the_record_comes_back(ws, writers, midnight, monkeypatch)
