"""The reader benchmark runs (speed is judged by its printed ratios, never asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_reader.py"


def test_reader_benchmark_runs_in_quick_mode() -> None:
    out = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "ratio reader/bare" in out.stdout
    assert "refused" in out.stdout and "NOT REFUSED" not in out.stdout
