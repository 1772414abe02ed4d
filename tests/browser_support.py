"""The headless browser the web tests drive: where Chromium and its driver live, the skip (or,
on CI, the failure) when they are missing, a free port for the desk, and one starter."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.ports import free_port as free_port

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
HEADLESS = ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage")


def need_browser() -> None:
    missing = [p for p in (CHROMIUM, DRIVER) if not os.path.exists(p)]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must have chromium and chromium-driver installed (.ci/run): missing {missing}")
        pytest.skip(f"no headless browser here: missing {missing}")


@contextmanager
def chromium(*flags: str, prefs: dict[str, Any] | None = None) -> Iterator[object]:
    """Headless Chromium under Selenium with `flags` beside the headless ones (and the browser's
    `prefs`), quit however the test ends."""
    need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*HEADLESS, *flags):
        options.add_argument(flag)
    if prefs is not None:
        options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
