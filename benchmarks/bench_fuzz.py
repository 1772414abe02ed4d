"""Mutation fuzz of the reader and judge: crashes, refusals, the slowest case and peak memory.

    python benchmarks/bench_fuzz.py [--quick] [--cases N] [--seed S] [--workers W]

Thousands of seeded mutations of the shared corpus (see tests/fuzz_support.py for the kinds),
each read and judged in a child process whose peak RSS is measured per case. The baseline is
the same children reading the unmutated corpus files in the same run, so the figures print as
ratios against it. Nothing here asserts: tests/test_fuzz.py holds the limits.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    from tests.factory import CORPUS
    from tests.fuzz_support import CASE_MEMORY_MB, CASE_SECONDS, run_fuzz

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="10 cases: proves it runs")
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"fuzz: shared corpus not found at {CORPUS}, nothing measured")
        return 0
    count = 10 if args.quick else args.cases

    t0 = time.perf_counter()
    cases = run_fuzz(args.seed, count, CORPUS, workers=args.workers)
    wall = time.perf_counter() - t0
    outcomes = collections.Counter(c.outcome for c in cases)
    seconds = [c.seconds for c in cases]
    peaks = [c.peak_mb for c in cases if c.peak_mb]
    slowest = max(cases, key=lambda c: c.seconds)
    largest = max(cases, key=lambda c: c.peak_mb)
    over_time = sum(1 for c in cases if c.seconds > CASE_SECONDS)
    over_memory = sum(1 for c in cases if c.peak_mb > CASE_MEMORY_MB)
    print(f"fuzz: {len(cases)} cases, seed {args.seed}, {args.workers} children, {wall:.0f} s wall")
    print(
        f"  drafts {outcomes['draft']}, refused {outcomes['refused']}, catch-all refusals "
        f"{outcomes['catch-all']}, crashes {outcomes['crash']}, timeouts {outcomes['timeout']}"
    )
    print(
        f"  over {CASE_SECONDS:.0f} s: {over_time}; over {CASE_MEMORY_MB} MB: {over_memory}; "
        f"median {statistics.median(seconds):.2f} s, median peak {statistics.median(peaks):.0f} MB"
    )
    print(f"  slowest case: #{slowest.index} {slowest.label}: {slowest.seconds:.2f} s")
    print(f"  peak memory: #{largest.index} {largest.label}: {largest.peak_mb:.0f} MB")
    for case in [c for c in cases if c.failed][:20]:
        print(f"  FAILED #{case.index} {case.label}: {case.outcome} {case.detail[-400:]}")
    base_cases = run_fuzz(0, min(20, count), CORPUS, workers=args.workers, baseline=True)
    base_seconds = statistics.median(c.seconds for c in base_cases) or 1e-9
    base_peak = statistics.median(c.peak_mb for c in base_cases) or 1e-9
    print(
        f"  baseline (unmutated corpus files, same children): median {base_seconds:.2f} s, "
        f"{base_peak:.0f} MB; ratio fuzz/baseline: time {statistics.median(seconds) / base_seconds:.2f}x, "
        f"peak {statistics.median(peaks) / base_peak:.2f}x, worst peak {largest.peak_mb / base_peak:.2f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
