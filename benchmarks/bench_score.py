"""Scoring speed over a busy year, as a ratio against reading the same rows from the ledger.

    python benchmarks/bench_score.py [--quick]

Builds a real SQLite ledger in a temp workspace (23 units, N drafts over 2021, ~40 % adopted,
monthly assignments), then times in the same run:
- baseline: reading the year's submissions and adoptions from the ledger into typed rows;
- `score --month`, `--quarter`, `--year` (ledger read + `score_period`) and the workbook write.
Prints each as seconds and as a ratio to the baseline. Target: the year report (scoring and
workbook) under 5 s for 5000 drafts on the office PC; nothing here asserts.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def build(ws_root: Path, drafts: int) -> None:
    from ledger.assessment import add_adoptions, set_assignment
    from ledger.schema import open_ledger
    from service.setup import init_workspace
    from tests.ledger_support import record_submission_row
    from workspace import Workspace

    ws = Workspace(ws_root)
    init_workspace(ws)
    rulebook = ws.rulebook()
    rng = random.Random(7)
    units = [u.name for u in rulebook.units]
    outlets = list(rulebook.outlets.items())
    db = open_ledger(ws.ledger_path)
    adoptions = []
    with db.conn:
        for _ in range(drafts):
            unit = rng.choice(units)
            ctype = rng.choice(["instant"] * 4 + ["wechat", "xuexi", "gov_info", "media"])
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            sid = record_submission_row(
                db,
                unit=unit,
                content_type=ctype,
                title=f"{unit}稿件",
                officer=f"通讯员{rng.randint(1, 60)}",
                received_at=f"2021-{month:02d}-{day:02d}T10:00:00+08:00",
                verdict="accepted" if rng.random() < 0.85 else "rejected",
                counted=1,
                is_announcement=0,
            )
            if rng.random() < 0.4:
                outlet, level = rng.choice(outlets)
                adoptions.append(
                    {
                        "submission_id": sid,
                        "outlet": outlet,
                        "level": level,
                        "adopted_on": f"2021-{month:02d}-{min(28, day + 2):02d}",
                        "fee": rng.choice([None, 30, 45]),
                        "bonus": 0.4 if ctype == "media" else None,
                        "source": "bench",
                    }
                )
    add_adoptions(db, adoptions)
    for month in range(1, 13):
        for unit in units[:10]:
            set_assignment(db, f"2021-{month:02d}", unit, 1)
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="500 drafts instead of 5000")
    args = parser.parse_args()
    drafts = 500 if args.quick else 5000

    import datetime as dt

    from ledger.assessment import read_adoptions, read_submissions
    from ledger.schema import open_ledger
    from reports.assessment import assess_period, write_report
    from rules.periods import parse_period
    from scoring.rows import AdoptionRow, SubmissionRow
    from workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        started = time.perf_counter()
        build(root, drafts)
        print(f"ledger built: {drafts} drafts in {time.perf_counter() - started:.1f} s")
        ws = Workspace(root)
        rulebook = ws.rulebook()
        tz = rulebook.meta.tz

        started = time.perf_counter()
        db = open_ledger(ws.ledger_path)
        subs = [
            SubmissionRow.from_dict(r, tz)
            for r in read_submissions(db, dt.date(2021, 1, 1), dt.date(2021, 12, 31))
        ]
        ads = [AdoptionRow.from_dict(r) for r in read_adoptions(db, dt.date(2021, 12, 31))]
        db.close()
        baseline = time.perf_counter() - started
        print(f"baseline (read {len(subs)} submissions + {len(ads)} adoptions): {baseline:.3f} s")

        for key in ("2021-03", "2021Q1", "2021"):
            started = time.perf_counter()
            assessment = assess_period(ws, parse_period(key))
            report, rejections = assessment.report, assessment.rejections
            scored = time.perf_counter() - started
            started = time.perf_counter()
            write_report(ws, assessment)
            written = time.perf_counter() - started
            print(
                f"{key:8s} score {scored:.3f} s ({scored / baseline:.1f}× baseline), "
                f"workbook {written:.3f} s ({written / baseline:.1f}× baseline); "
                f"{len(report.payments)} payments, {len(rejections)} rejections"
            )
        total = scored + written
        print(
            f"year report total {total:.2f} s — {'PASS' if total < 5 or args.quick else 'MISS'} (target < 5 s)"
        )


if __name__ == "__main__":
    main()
