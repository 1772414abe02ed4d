"""A unit's own page by its link, as a ratio against a baseline measured in the same process.

    python benchmarks/bench_unit_page.py [--quick]

A year of M submissions (10,000, `bench_score.build`) plus 2,000 of 湖滨社区's in June, in a
real ledger, through FastAPI's TestClient:
- the unit page (`/u/<token>`), warm p95 (the desk keeps each period's report until the ledger
  changes), and cold (the ledger just changed: month, quarter and year recomputed);
- a note download under the token;
- a made-up token (404);
- a unit with an ordinary year's share of the drafts, cold.
Baseline: reading the unit's year of drafts from the ledger (`ledger.unit_page.unit_drafts`).
Target: every request under a token ≤ 300 ms p95 (warm). Nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_web import line, p95  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    os.environ["DRAFTDESK_NOW"] = "2021-06-20T12:00:00+08:00"
    from fastapi.testclient import TestClient

    from benchmarks.bench_score import build
    from ledger.assessment import set_assignment
    from ledger.desk import open_read_only
    from ledger.schema import open_ledger
    from ledger.unit_page import unit_drafts
    from rules.periods import parse_period
    from service.units import unit_links
    from web.app import create_app
    from workspace import Workspace

    year_drafts, extra, runs = (300, 60, 2) if args.quick else (10000, 2000, 20)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        build(root, year_drafts)
        ws = Workspace(root)
        rulebook = ws.rulebook()
        db = open_ledger(ws.ledger_path)
        with db.conn:
            db.table("submissions").insert_all(
                {
                    "unit": "湖滨社区",
                    "content_type": "instant",
                    "title": f"稿件{i}",
                    "zishu": 300,
                    "received_at": f"2021-06-{i % 28 + 1:02d}T09:00:00+08:00",
                    "verdict": "accepted",
                    "counted": 1,
                }
                for i in range(extra)
            )
        db.close()
        token = next(x.url for x in unit_links(ws, rulebook, "http://d") if x.unit == "湖滨社区").rsplit(
            "/", 1
        )[1]
        client = TestClient(create_app(ws, rulebook, ledger=False))
        year = parse_period("2021")

        def read_year() -> object:
            d = open_read_only(ws.ledger_path)
            try:
                return unit_drafts(d, "湖滨社区", year.start, year.end)
            finally:
                d.close()

        base = p95(read_year, runs)
        line(
            f"单位页面 year of {year_drafts + extra} (warm)",
            p95(lambda: client.get(f"/u/{token}"), runs),
            base,
            0.3,
        )
        line("made-up token (404)", p95(lambda: client.get("/u/" + "x" * 32), runs), base, 0.3)

        def changed_then_page() -> object:
            d = open_ledger(ws.ledger_path)
            set_assignment(d, "2021-06", "塔下社区", random.randint(1, 1 << 30))
            d.close()
            return client.get(f"/u/{token}")

        line("单位页面 (cold: ledger just changed)", p95(changed_then_page, max(3, runs // 4)), base, 0.3)
        typical = next(x.url for x in unit_links(ws, rulebook, "http://d") if x.unit == "塔下社区").rsplit(
            "/", 1
        )[1]

        def changed_then_typical() -> object:
            d = open_ledger(ws.ledger_path)
            set_assignment(d, "2021-06", "滆湖社区", random.randint(1, 1 << 30))
            d.close()
            return client.get(f"/u/{typical}")

        line(
            f"单位页面, a unit with a year's share ({year_drafts // len(rulebook.units)}) (cold)",
            p95(changed_then_typical, max(3, runs // 4)),
            base,
            0.3,
        )


if __name__ == "__main__":
    main()
