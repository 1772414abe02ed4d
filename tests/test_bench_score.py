"""The scoring benchmark runs (speed is judged by its printed ratios, never asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_score.py"


def test_score_benchmark_runs_in_quick_mode() -> None:
    out = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "baseline (read 500 submissions" in out.stdout
    assert "× baseline" in out.stdout and "year report total" in out.stdout
