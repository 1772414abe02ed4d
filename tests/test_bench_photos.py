"""The photo/conversion benchmark runs (its numbers are printed, never asserted as times)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_photos.py"


def test_photo_benchmark_runs_in_quick_mode_and_the_rulebook_distance_separates() -> None:
    out = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "ms/photo" in out.stdout
    assert "separates them" in out.stdout and "DOES NOT" not in out.stdout
    assert "soffice .doc→.docx" in out.stdout or "soffice: not installed" in out.stdout
