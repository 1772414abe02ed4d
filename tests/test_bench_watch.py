"""The drop → outbox benchmark runs (no timing asserted here: it prints its own ratios)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_watch.py"


def test_bench_watch_quick_runs_and_prints_p50_p95_and_the_ratio_to_the_target() -> None:
    done = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=600)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "p50" in done.stdout and "p95" in done.stdout
    assert "ratio p95/target" in done.stdout
    assert "watch exit code after Ctrl-C: 0" in done.stdout
