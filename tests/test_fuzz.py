"""The reader and judge survive a seeded mutation fuzz of the shared corpus (issue 11).

240 cases (byte flips, truncation, zip- and XML-level damage, odd and giant pictures, surrogate
and huge `w:sym` codes, UTF-16 XML with a DOCTYPE, a 1.7 M-character body, bundles, odd file
names), each read and judged in a child process with an address-space cap and a watchdog. Each
must give a Draft or a designed refusal — never an exception, never a refusal naming an
exception class — within the issue's 10 s and 300 MB. About a minute on two cores; the larger
run with figures is benchmarks/bench_fuzz.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz_support import CASE_MEMORY_MB, CASE_SECONDS, run_fuzz

pytestmark = pytest.mark.integration  # the whole shared corpus, mutated, in child processes

SEED = 11
CASES = 240


def test_every_mutated_corpus_file_gives_a_draft_or_a_designed_refusal_within_bounds(corpus: Path) -> None:
    cases = run_fuzz(SEED, CASES, corpus, workers=2)
    assert len(cases) == CASES
    failed = [c for c in cases if c.failed]
    report = "\n".join(
        f"#{c.index} {c.label}: {c.outcome}, {c.seconds:.1f} s, {c.peak_mb:.0f} MB {c.detail}" for c in failed
    )
    assert not failed, f"limits {CASE_SECONDS} s / {CASE_MEMORY_MB} MB\n{report}"
    outcomes = {c.outcome for c in cases}
    assert outcomes == {"draft", "refused"}  # both kinds of answer are exercised
