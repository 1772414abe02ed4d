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


@pytest.fixture(scope="session")
def prefect_harness():
    """Real Prefect for the whole session: a temporary server and database, started once
    (it takes seconds), shared by every test that runs flows. Yields the API URL, so a test
    can hand it to a subprocess (`PREFECT_API_URL`)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()
