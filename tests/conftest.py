"""Shared fixtures. Real files come from ../shared/corpus (never copied into the repo)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rules import Rulebook, load_rulebook
from tests.factory import CORPUS

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return load_rulebook()


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus. Missing under CI is a failure, never a skip."""
    if not CORPUS.is_dir():
        if IN_CI:
            pytest.fail(f"shared corpus missing at {CORPUS}")
        pytest.skip("shared corpus not present on this machine")
    return CORPUS
