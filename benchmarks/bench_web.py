"""The desk's page times, as ratios against a baseline measured in the same process.

    python benchmarks/bench_web.py [--quick]

In a temp workspace with a real ledger (`bench_score.build`), through FastAPI's TestClient:
- 自查 of a 2-photo draft, warm p95 — baseline: `service.check.check_files` on the same draft;
- 收稿 for a month of N submissions (2,000 a month), first page — baseline: reading the month's
  index and that page's rows from the ledger;
- 考核 for a year of M submissions (10,000), warm (the page keeps the report until the ledger
  changes) and cold (the ledger just changed) — baseline: `build_report` alone.
Targets: 自查 ≤ 300 ms, 收稿 ≤ 300 ms, 考核 ≤ 1 s (p95). Nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def p95(step: Callable[[], object], runs: int) -> float:
    step()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]


def line(name: str, page: float, base: float, target: float) -> None:
    print(
        f"{name}: p95 {page * 1000:.0f} ms; baseline {base * 1000:.0f} ms; × baseline {page / base:.2f}; "
        f"ratio p95/target {page / target:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    os.environ["DRAFTDESK_NOW"] = "2021-12-31T12:00:00+08:00"
    from fastapi.testclient import TestClient

    from benchmarks.bench_score import build
    from ledger.assessment import set_assignment
    from ledger.desk import month_index, open_read_only, submissions_by_id
    from ledger.schema import open_ledger
    from reports.assessment import build_report
    from rules.periods import parse_period
    from service.check import check_files
    from tests.factory import news_draft
    from web.app import create_app
    from workspace import Workspace

    year_drafts = 300 if args.quick else 10000  # ~12 months; 2,000 in the month below
    runs = 2 if args.quick else 20
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        build(root, year_drafts)
        ws = Workspace(root)
        rulebook = ws.rulebook()
        extra = 60 if args.quick else 2000
        db = open_ledger(ws.ledger_path)
        with db.conn:
            for i in range(extra):
                db.table("submissions").insert(
                    {
                        "unit": "湖滨社区",
                        "content_type": "instant",
                        "title": f"稿件{i}",
                        "zishu": 300,
                        "received_at": f"2021-06-{i % 28 + 1:02d}T09:00:00+08:00",
                        "verdict": "accepted",
                        "counted": 1,
                    }
                )
        db.close()
        client = TestClient(create_app(ws, rulebook, ledger=False))
        html = client.get("/check").text
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)  # type: ignore[union-attr]
        draft = news_draft(320, photos=2)
        folder = ws.inbox / "湖滨社区" / "即时通讯信息"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "稿件.docx").write_bytes(draft)
        from service.check import received_time

        at = received_time("2021-03-12T15:00", rulebook)
        base = p95(lambda: check_files(ws, rulebook, [folder / "稿件.docx"], at), runs)
        data = {"csrf": token, "unit": "湖滨社区", "ctype": "即时通讯信息", "received": "2021-03-12T15:00"}
        page = p95(lambda: client.post("/check", data=data, files={"files": ("稿件.docx", draft)}), runs)
        line("自查 2-photo draft (warm)", page, base, 0.3)

        june = parse_period("2021-06")

        def read_month() -> object:
            d = open_read_only(ws.ledger_path)
            try:
                ids = [row[0] for row in month_index(d, june.start, june.end)]
                return submissions_by_id(d, ids[:200])
            finally:
                d.close()

        line(
            f"收稿 month of {extra}+ submissions (first page of 200)",
            p95(lambda: client.get("/intake?month=2021-06"), runs),
            p95(read_month, runs),
            0.3,
        )
        year = parse_period("2021")
        base = p95(lambda: build_report(ws, rulebook, year), runs)
        line(
            f"考核 year of {year_drafts + extra} submissions (warm)",
            p95(lambda: client.get("/score?period=2021"), runs),
            base,
            1.0,
        )

        def changed_then_score() -> object:
            db = open_ledger(ws.ledger_path)  # a new 约稿: the report is recomputed
            set_assignment(db, "2021-12", "湖滨社区", random.randint(1, 1 << 30))
            db.close()
            return client.get("/score?period=2021")

        line(
            f"考核 year of {year_drafts + extra} submissions (cold: ledger just changed)",
            p95(changed_then_score, runs),
            base,
            1.0,
        )


if __name__ == "__main__":
    main()
