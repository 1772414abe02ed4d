"""The desk in a real browser: headless Chromium (Selenium) against a real uvicorn on 127.0.0.1."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.browser_support import chromium, free_port, need_browser
from tests.factory import news_draft
from tests.intake_support import workspace
from tests.test_web import NOW, seed_ledger

pytestmark = pytest.mark.integration


@pytest.fixture()
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    need_browser()
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    monkeypatch.delenv("DRAFTDESK_WEB_PASSWORD", raising=False)
    ws, rulebook = workspace(tmp_path / "ws")
    seed_ledger(ws.root)
    from web.server import start_background

    yield start_background(ws, rulebook, "127.0.0.1", free_port())


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[object]:
    with chromium("--window-size=1280,1000") as driver:
        yield driver


def _shot(driver: object, path: Path) -> None:
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]
    colours = Image.open(io.BytesIO(path.read_bytes())).convert("RGB").getcolors(1 << 24) or []
    assert len(colours) > 20, f"{path.name} looks blank ({len(colours)} colours)"


def _follow(d: object, element: object, locator: tuple[str, str]) -> object:
    """Click, then wait until the next page has replaced this one and shows `locator`: under a
    loaded machine the click returns before the new page arrives, and reading at once reads the
    old page (seen in a full-suite run)."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    element.click()  # type: ignore[attr-defined]
    WebDriverWait(d, 30).until(expected_conditions.staleness_of(element))
    return WebDriverWait(d, 30).until(expected_conditions.presence_of_element_located(locator))


def test_the_desk_in_a_real_browser(desk: str, browser: object, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    d = browser
    d.get(desk)  # type: ignore[attr-defined]
    _shot(d, tmp_path / "home.png")
    assert "自查" in d.page_source  # type: ignore[attr-defined]

    for name, chars, verdict in (("好稿.docx", 320, "合格"), ("短稿.docx", 60, "退回")):
        path = tmp_path / name
        path.write_bytes(news_draft(chars, photos=2))
        d.find_element(By.LINK_TEXT, "自查").click()  # type: ignore[attr-defined]
        Select(d.find_element(By.NAME, "unit")).select_by_visible_text("湖滨社区")  # type: ignore[attr-defined]
        Select(d.find_element(By.NAME, "ctype")).select_by_visible_text("即时通讯信息")  # type: ignore[attr-defined]
        d.find_element(By.NAME, "received").send_keys("2021-03-12T15:00")  # type: ignore[attr-defined]
        d.find_element(By.NAME, "files").send_keys(str(path))  # type: ignore[attr-defined]
        found = _follow(d, d.find_element(By.CSS_SELECTOR, "form button"), (By.ID, "verdict"))  # type: ignore[attr-defined]
        assert found.text == verdict
        assert d.find_element(By.ID, "zishu").text == str(chars)  # type: ignore[attr-defined]
        _shot(d, tmp_path / f"check-{chars}.png")

    d.find_element(By.LINK_TEXT, "录用登记").click()  # type: ignore[attr-defined]
    form = d.find_element(By.CSS_SELECTOR, 'form[action="/adopt"][method="post"]')  # type: ignore[attr-defined]
    form.find_element(By.NAME, "submission_id").send_keys("1")
    Select(form.find_element(By.NAME, "outlet")).select_by_visible_text("新华日报")
    _follow(d, form.find_element(By.TAG_NAME, "button"), (By.TAG_NAME, "main"))
    assert "已登记录用" in d.page_source  # type: ignore[attr-defined]
    _shot(d, tmp_path / "adopt.png")

    d.get(desk + "score?period=2021-03")  # type: ignore[attr-defined]
    fees = d.find_element(By.ID, "fees").text  # type: ignore[attr-defined]
    assert "新华日报" in fees and "湖滨社区开展消防演练" in fees
    _shot(d, tmp_path / "score.png")

    d.find_element(By.LINK_TEXT, "收稿").click()  # type: ignore[attr-defined]
    d.get(desk + "intake?month=2021-03")  # type: ignore[attr-defined]
    _shot(d, tmp_path / "intake.png")
    note = _follow(d, d.find_element(By.LINK_TEXT, "退回"), (By.ID, "note"))  # type: ignore[attr-defined]
    assert "未通过审核" in note.text
    _shot(d, tmp_path / "note.png")

    d.get(desk + "ledger/")  # type: ignore[attr-defined]
    assert "台账" in d.page_source  # type: ignore[attr-defined]
    _shot(d, tmp_path / "ledger.png")
