"""Every benchmark runs in its --quick mode and prints its figures.

Speed and memory are judged by the ratios the benchmarks print against a baseline measured in
the same run, never by timed assertions here; these tests only prove the benchmarks still run
and still report what they promise.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

CASES = [
    pytest.param("bench_reader.py", ["ratio reader/bare", "refused"], ["NOT REFUSED"], id="reader"),
    # LibreOffice is installed wherever the tests run (.ci/run installs it), so conversion is timed too.
    pytest.param(
        "bench_photos.py",
        ["ms/photo", "separates them", "soffice .doc→.docx"],
        ["DOES NOT"],
        id="photos",
        marks=pytest.mark.integration,
    ),
    pytest.param(
        "bench_intake.py",
        ["intake sweep of 6 drafts", "Prefect/plain:", "drafts/s"],
        [],
        id="intake",
        marks=pytest.mark.integration,
    ),
    pytest.param(
        "bench_run.py",
        ["baseline (draftdesk --help", "run on 10 drafts, no Prefect server up", "ratio run/target (1 s)"],
        ["FAILED"],
        id="run",
        marks=pytest.mark.integration,
    ),
    pytest.param(
        "bench_watch.py",
        ["p50", "p95", "ratio p95/target", "watch exit code after Ctrl-C: 0"],
        [],
        id="watch",
        marks=pytest.mark.integration,
    ),
    pytest.param(
        "bench_burst.py",
        [
            "burst of 12 drafts into a watched inbox",
            "floor (plain sweep",
            "ratio burst/floor time",
            "peak memory of watch",
        ],
        ["FAILED"],
        id="burst",
        marks=pytest.mark.integration,
    ),
    pytest.param(
        "bench_fuzz.py",
        ["crashes 0", "catch-all refusals 0", "slowest case", "peak memory", "ratio fuzz/baseline"],
        ["FAILED"],
        id="fuzz",
        marks=pytest.mark.integration,  # the whole shared corpus, mutated, in child processes
    ),
    pytest.param(
        "bench_watch_start.py",
        ["watch start → first dropped draft filed", "ratio first-filed/target", "filed: yes", "Ctrl-C: 0"],
        [],
        id="watch_start",
        marks=pytest.mark.integration,
    ),
    pytest.param(
        "bench_score.py",
        ["baseline (read 500 submissions", "× baseline", "year report total"],
        [],
        id="score",
        marks=pytest.mark.integration,
    ),
    pytest.param(
        "bench_duplicate.py",
        ["window   100: exact scan", "jieba floor", "window   400"],
        [],
        id="duplicate",
        marks=pytest.mark.integration,  # windows of the shared corpus's wild documents
    ),
    pytest.param(
        "bench_same_news.py",
        ["copy        precision", "same_event  precision", "per judged draft against 400 earlier drafts"],
        [],
        id="same_news",
    ),
    pytest.param(
        "bench_web.py",
        ["自查 2-photo draft", "收稿 month", "考核 year", "ratio p95/target"],
        [],
        id="web",
        marks=pytest.mark.integration,
    ),
    pytest.param(
        "bench_backup.py",
        ["year of daily backups", "content store: time", "plain copies (baseline)", "ratio store/plain"],
        [],
        id="backup",
        marks=pytest.mark.integration,
    ),
    pytest.param(
        "bench_unit_page.py",
        ["单位页面 year of", "made-up token (404)", "(cold: ledger just changed)", "ratio p95/target"],
        [],
        id="unit_page",
        marks=pytest.mark.integration,
    ),
]


# Benchmarks over the shared corpus: they skip with it (required under CI, like every corpus test).
NEEDS_CORPUS = {"bench_fuzz.py"}
# Benchmarks whose Prefect server is only a fixture of the run (its startup is not timed): they
# take the session's server (`PREFECT_API_URL`) rather than migrate a database of their own.
ON_THE_HARNESS = {"bench_intake.py", "bench_watch.py", "bench_burst.py"}


@pytest.mark.parametrize(("script", "expected", "unexpected"), CASES)
def test_benchmark_runs_in_quick_mode_and_prints_its_figures(
    script: str, expected: list[str], unexpected: list[str], request: pytest.FixtureRequest
) -> None:
    if script in NEEDS_CORPUS:
        request.getfixturevalue("corpus")
    # A benchmark configures its own Prefect (temporary or local server), or is handed the
    # harness's server by address; it never inherits the rest of the test process's settings.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    if script in ON_THE_HARNESS:
        env["PREFECT_API_URL"] = request.getfixturevalue("prefect_harness")
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for text in expected:
        assert text in done.stdout, done.stdout
    for text in unexpected:
        assert text not in done.stdout, done.stdout
