"""The intake benchmark runs (speed is judged by its printed figures, never asserted here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_intake.py"


@pytest.mark.integration
def test_intake_benchmark_runs_in_quick_mode() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    out = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True, text=True,
                         timeout=600, env=env)
    assert out.returncode == 0, out.stderr
    assert "intake sweep of 20 drafts" in out.stdout
    assert "Prefect/plain:" in out.stdout and "drafts/s" in out.stdout
