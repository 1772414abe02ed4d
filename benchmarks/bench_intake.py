"""Intake throughput: a sweep of N drafts end to end, with Prefect and without, in the same run.

    python benchmarks/bench_intake.py            # 500 drafts (target: ≥ 30 drafts/s with Prefect)
    python benchmarks/bench_intake.py --quick    # 6 drafts, just to prove it runs

Both sweeps take identical drafts (23 units, varied text, one photo each) through claim → read →
check → record → file on a real workspace and ledger. The Prefect sweep runs the `intake` flow
(a claim task and one task per batch) against a temporary Prefect server started beforehand
(startup is not timed), or against the server `PREFECT_API_URL` names when it is set (the test
suite hands its own, so the smoke run starts no server of its own). Prints drafts/s for each and the ratio, so the figure means something on
any machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.setup import init_workspace
from tests.factory import news_draft
from workspace import Workspace

NOW = "2021-03-12T15:00:00"
TYPE_FOLDER = "即时通讯信息"


def make_workspace(root: Path, drafts: list[tuple[str, bytes]]) -> Workspace:
    ws = Workspace(root)
    init_workspace(ws)
    for relpath, data in drafts:
        target = ws.inbox / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return ws


def build_drafts(count: int, units: list[str]) -> list[tuple[str, bytes]]:
    return [
        (
            f"{units[i % len(units)]}/{TYPE_FOLDER}/稿件{i:04d}.docx",
            news_draft(220 + i % 250, photos=1, seed=i),
        )
        for i in range(count)
    ]


def _cold_caches() -> None:
    """Both sweeps take the same texts: clear the word-set cache so neither rides on the other."""
    from checks.duplicate import word_set

    word_set.cache_clear()


def plain_sweep(ws: Workspace) -> tuple[float, int]:
    from intake.pipeline import sweep

    _cold_caches()
    start = time.perf_counter()
    result = sweep(ws, ws.rulebook(), settled=True)
    return time.perf_counter() - start, len(result.outcomes)


def prefect_sweep(ws: Workspace) -> tuple[float, int]:
    from flows.intake_flow import intake_flow
    from flows.prefect_env import in_process

    _cold_caches()
    with in_process(os.environ.get("PREFECT_API_URL")):
        start = time.perf_counter()
        result = intake_flow(str(ws.root), settled=True)
        elapsed = time.perf_counter() - start
    return elapsed, len(result.outcomes)


@contextlib.contextmanager
def _prefect_server() -> Iterator[None]:
    """The server `PREFECT_API_URL` names if it is set, else a temporary one for this run."""
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6 drafts: proves the benchmark runs")
    parser.add_argument("--drafts", type=int, default=None)
    args = parser.parse_args(argv)
    count = args.drafts or (6 if args.quick else 500)
    os.environ["DRAFTDESK_NOW"] = NOW
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    tmp = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    try:
        units = [u.name for u in Workspace(tmp / "probe").rulebook().units]
        drafts = build_drafts(count, units)
        plain_ws = make_workspace(tmp / "plain", drafts)
        flow_ws = make_workspace(tmp / "prefect", drafts)
        # Warm the reader, the checks and jieba once, outside the timing, for both alike.
        plain_sweep(make_workspace(tmp / "warm", build_drafts(min(count, 10), units[::-1])))
        plain_s, plain_n = plain_sweep(plain_ws)
        with _prefect_server():
            flow_s, flow_n = prefect_sweep(flow_ws)
        assert plain_n == flow_n == count, (plain_n, flow_n, count)
        plain_rate, flow_rate = count / plain_s, count / flow_s
        print(f"intake sweep of {count} drafts (claim → read → check → record → file)")
        print(f"  plain Python : {plain_s:7.2f} s  {plain_rate:7.1f} drafts/s")
        print(f"  Prefect flow : {flow_s:7.2f} s  {flow_rate:7.1f} drafts/s  (target ≥ 30)")
        print(f"  Prefect/plain: {flow_rate / plain_rate:.2f}× the plain rate")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
