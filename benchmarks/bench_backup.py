"""A year of drafts backed up daily: the content-addressed store against plain copies.

    python benchmarks/bench_backup.py [--quick] [--days N]

Each day of a year (`--quick`: a month) a share of the year's drafts is filed (real files in
outbox/accepted, real ledger rows), then `make_backup` runs (ledger copy, filed files into the
store, manifest, retention by the default `[backup]` rule). Baseline, in the same process: a
plain copy of the outbox (`shutil.copytree`) timed once at the end and scaled per day by the
bytes present that day; its space is the bytes of the plain copies the same rule would keep.
Nothing here asserts; the ratios are the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _file_day(ws, db, rng: random.Random, day: dt.date, count: int, size: int) -> int:
    from ledger import intake as ledger

    written = 0
    with ledger.locked(db):
        for _ in range(count):
            data = rng.randbytes(size)
            n = db.execute("SELECT count(*) FROM submissions").fetchone()[0] + 1
            rel = f"outbox/accepted/{day:%Y-%m}/湖滨社区/{n}_稿件.docx"
            (ws.root / rel).parent.mkdir(parents=True, exist_ok=True)
            (ws.root / rel).write_bytes(data)
            ledger.insert_submission(
                db,
                {
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "received_at": f"{day}T10:00:00",
                    "verdict": "accepted",
                    "state": "filed",
                    "container": "docx",
                    "stored_path": rel,
                },
            )
            written += size
    return written


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--days", type=int, default=0, help="days to run at the year's rate (default: all)")
    args = parser.parse_args()
    from ledger.schema import open_ledger
    from service.backup import backup_folder, backups_in, make_backup, to_keep
    from service.setup import init_workspace
    from workspace import Workspace

    days, per_day, size = (10, 8.0, 20_000) if args.quick else (args.days or 365, 2400 / 365, 60_000)
    rng = random.Random(28)
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        init_workspace(ws)
        db = open_ledger(ws.ledger_path)
        start_day = dt.date(2021, 1, 1)
        present: dict[dt.datetime, int] = {}
        store_time, total = 0.0, 0
        for i in range(days):
            day = start_day + dt.timedelta(days=i)
            due = round((i + 1) * per_day) - round(i * per_day)  # the year's drafts spread evenly
            total += _file_day(ws, db, rng, day, due, size)
            os.environ["DRAFTDESK_NOW"] = f"{day}T23:59:00"
            began = time.perf_counter()
            make_backup(ws)
            store_time += time.perf_counter() - began
            present[dt.datetime.combine(day, dt.time(23, 59))] = total
        db.close()
        folder = backup_folder(ws)
        store_space = _size(folder)
        began = time.perf_counter()
        shutil.copytree(ws.outbox, Path(tmp) / "plain", ignore=shutil.ignore_patterns("backups"))
        full_copy = time.perf_counter() - began
        plain_time = sum(full_copy * b / total for b in present.values())
        kept = to_keep([(m, Path(str(m))) for m in present], ws.rulebook().backup)
        plain_space = sum(b for m, b in present.items() if Path(str(m)) in kept)
        drafts = sum(1 for _ in ws.accepted.rglob("*.docx"))
        print(
            f"year of daily backups: {days} days, {drafts} drafts of {size // 1000} KB, {len(backups_in(folder))} backups kept"
        )
        print(
            f"content store: time {store_time:.1f} s ({store_time / days * 1000:.0f} ms/backup); space {store_space / 1e6:.1f} MB"
        )
        print(
            f"plain copies (baseline): time {plain_time:.1f} s (one full copy {full_copy * 1000:.0f} ms); space {plain_space / 1e6:.1f} MB"
        )
        print(f"ratio store/plain: time {store_time / plain_time:.2f}; space {store_space / plain_space:.3f}")


if __name__ == "__main__":
    main()
