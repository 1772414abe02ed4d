"""A screenshot of every page at 1,400 px and 390 px wide, in headless Chromium, kept in
test-artifacts/screens/ (git-ignored) for people to look at; the pages use the window's width
and never scroll sideways on a phone, and no table is wider than its box. An office page may
put a wide table in a deliberate scroller (the clerk's 台账 has many columns); a unit's page
may not: the unit sees every figure without scrolling sideways (on a phone its tables become
cards)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from ledger.assessment import set_assignment
from ledger.schema import open_ledger
from service.requests import new_request
from service.units import unit_links
from tests.browser_support import chromium, free_port, need_browser
from tests.factory import make_photo, news_draft
from tests.intake_support import workspace
from tests.ledger_support import add_adoption, record_submission_row
from tests.test_web import NOW, seed_ledger

pytestmark = pytest.mark.integration

SCREENS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screens"
WIDTHS = (1400, 390)
PAGES = {
    "home": "",
    "check": "check",
    "intake": "intake?month=2021-03",
    "note": "intake/2/note",
    "adopt": "adopt",
    "score-month": "score?period=2021-03",
    "score-year": "score?period=2021",
    "score-unit": "score/unit?period=2021-03&unit=湖滨社区",
    "check-result": "",  # 自查 with a draft checked: drawn by _check_result
    "refused": "intake?month=2021-13",
    "ledger": "ledger/",
    "ledger-db": "ledger/taizhang",
    "ledger-drafts": "ledger/taizhang/稿件",
    "ledger-detail": "ledger/taizhang/稿件详情?稿件编号=2",
    "ledger-adoptions": "ledger/taizhang/录用",
    "ledger-findings": "ledger/taizhang/审核问题",
    "ledger-log": "ledger/taizhang/操作记录",
    "ledger-requests": "ledger/taizhang/约稿任务",
    "ledger-query": "ledger/taizhang/本月退回稿件",
    "ledger-counts": "ledger/taizhang/各单位本月完成情况",
    # a unit's own pages, by its link ({token}); "unit-send-check" and "unit-sent" are drawn by _unit_send
    "unit": "u/{token}",
    "unit-send-check": "",
    "unit-sent": "",
    "unit-missing": "u/{token}/nothing-here",
    "unit-link-gone": "u/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
}


# The pages in groups, one test each, so pytest-xdist spreads them over its workers. The first
# groups only read the desk's ledger and share one desk per worker; the pages drawn after an
# upload have a desk of their own each (the unit's send files a draft).
GROUPS = {
    "office": ("home", "check", "intake", "note", "adopt", "refused"),
    "score": ("score-month", "score-year", "score-unit"),
    "ledger": ("ledger", "ledger-db", "ledger-drafts", "ledger-detail", "ledger-adoptions"),
    "ledger-tables": ("ledger-findings", "ledger-log", "ledger-requests", "ledger-query", "ledger-counts"),
    "unit": ("unit", "unit-missing", "unit-link-gone"),
}
UPLOADS = {"check": ("check-result",), "unit-send": ("unit-send-check", "unit-sent")}


def test_the_groups_hold_every_page_once() -> None:
    grouped = [name for names in (*GROUPS.values(), *UPLOADS.values()) for name in names]
    assert sorted(grouped) == sorted(PAGES)


def _open_desk(root: Path) -> tuple[str, str]:
    """A seeded desk under `root`, started on a free port: its address and 湖滨社区's link token.
    DRAFTDESK_NOW is the caller's to set."""
    ws, rulebook = workspace(root / "ws")
    seed_ledger(ws.root)
    db = open_ledger(ws.ledger_path)
    add_adoption(db, 1, "常州日报", "city", "2021-03-15", None, None, "网页登记")
    set_assignment(db, "2021-03", "湖滨社区", 2)
    record_submission_row(
        db,
        id=3,
        unit="湖滨社区",
        content_type="gov_info",
        title="【约稿1】湖滨社区以网格加志愿服务模式推进老旧小区改造居民满意度明显提升成效显著",
        received_at="2021-03-15T09:00:00+08:00",
        verdict="accepted",
        counted=1,
        zishu=860,
    )
    add_adoption(db, 3, "新华日报", "province", "2021-03-18", None, None, "网页登记")
    db.close()
    new_request(ws, rulebook, "老旧小区改造中的居民自治经验", "湖滨社区,塔下社区", "2021-03-31")
    from web.server import start_background

    token = next(x.url for x in unit_links(ws, rulebook, "http://d") if x.unit == "湖滨社区").rsplit(
        "/u/", 1
    )[1]
    return start_background(ws, rulebook, "127.0.0.1", free_port()), token


@pytest.fixture(scope="module")
def _desk_time() -> Iterator[None]:
    need_browser()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DRAFTDESK_NOW", NOW)
        mp.delenv("DRAFTDESK_WEB_PASSWORD", raising=False)
        yield


@pytest.fixture(scope="module")
def shared_desk(_desk_time: None, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The desk the reading groups share on this worker: its address and 湖滨社区's token."""
    return _open_desk(tmp_path_factory.mktemp("desk"))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium for this worker's share of the pages."""
    # the browser's own widgets (date boxes, file pickers) speak the browser's locale: English here,
    # where only en-US.pak ships (no chromium-l10n), Chinese on the office's PCs
    with chromium("--lang=zh-CN", prefs={"intl.accept_languages": "zh-CN,zh"}) as driver:
        yield driver


def _full_page(d: object, width: int, path: Path) -> None:
    d.set_window_size(width, 900)  # type: ignore[attr-defined]
    height = int(d.execute_script("return document.documentElement.scrollHeight"))  # type: ignore[attr-defined]
    d.set_window_size(width, min(max(height, 600), 8000))  # type: ignore[attr-defined]
    png = d.get_screenshot_as_png()  # type: ignore[attr-defined]
    path.write_bytes(png)
    # more than 20 colours: getcolors(20) gives None as soon as it has counted a 21st
    assert Image.open(io.BytesIO(png)).convert("RGB").getcolors(20) is None, f"{path.name} looks blank"


def _check_result(d: object, desk: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

    draft = tmp_path / "短稿.docx"
    draft.write_bytes(news_draft(60, photos=1))
    d.get(desk + "check")  # type: ignore[attr-defined]
    Select(d.find_element(By.NAME, "unit")).select_by_visible_text("湖滨社区")  # type: ignore[attr-defined]
    d.find_element(By.NAME, "received").send_keys("2021年3月12日 15:00")  # type: ignore[attr-defined]
    d.find_element(By.NAME, "files").send_keys(str(draft))  # type: ignore[attr-defined]
    d.find_element(By.CSS_SELECTOR, "form button").click()  # type: ignore[attr-defined]
    WebDriverWait(d, 30).until(expected_conditions.presence_of_element_located((By.ID, "verdict")))


def _unit_send(d: object, desk: str, token: str, tmp_path: Path, confirm: bool) -> None:
    """The unit's 报送: a document with a photo uploaded and checked; confirmed when `confirm`."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

    files = [tmp_path / "社区消防演练.docx", tmp_path / "现场.jpg"]
    files[0].write_bytes(news_draft(320, photos=0))
    files[1].write_bytes(make_photo(seed=3))
    d.get(desk + f"u/{token}")  # type: ignore[attr-defined]
    Select(d.find_element(By.NAME, "ctype")).select_by_visible_text("即时通讯信息")  # type: ignore[attr-defined]
    d.find_element(By.CSS_SELECTOR, "#send input[type=file]").send_keys("\n".join(map(str, files)))  # type: ignore[attr-defined]
    d.find_element(By.ID, "send-button").click()  # type: ignore[attr-defined]
    WebDriverWait(d, 60).until(expected_conditions.presence_of_element_located((By.ID, "send-verdict")))
    if confirm:
        d.find_element(By.ID, "confirm").click()  # type: ignore[attr-defined]
        WebDriverWait(d, 60).until(expected_conditions.presence_of_element_located((By.ID, "sent")))


def _check_page(d: object, name: str, width: int) -> list[tuple[str, int, object]]:
    """The page on screen, at `width`: screenshot it, assert its width rules; the tables wider
    than their box (an office page's deliberate scroller aside)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    shot = SCREENS / f"{name}-{width}.png"
    _full_page(d, width, shot)
    wide = [
        (name, width, table)
        for table in d.execute_script(TABLES)  # type: ignore[attr-defined]
        if name == "unit" or not table["scroller"]
    ]
    if name == "unit" and width == 390:  # every table of the unit's page reads as cards
        shown = d.execute_script(CARDS)  # type: ignore[attr-defined]
        assert shown == ["block"] * len(shown) and len(shown) >= 3, shown
    inner = int(d.execute_script("return window.innerWidth"))  # type: ignore[attr-defined]
    scroll = int(d.execute_script("return document.documentElement.scrollWidth"))  # type: ignore[attr-defined]
    assert scroll <= inner, (name, width, scroll, inner)  # no sideways scrolling
    if width == 1400:
        used = int(d.execute_script(SPAN))  # type: ignore[attr-defined]
        assert used > 1200, (name, used)  # the content uses the window's width
    assert shot.stat().st_size > 0
    return wide


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_page_at_1400_and_390_px(group: str, shared_desk: tuple[str, str], browser: object) -> None:
    address, token = shared_desk
    wide: list[tuple[str, int, object]] = []
    for name in GROUPS[group]:
        for width in WIDTHS:
            browser.get(address + PAGES[name].replace("{token}", token))  # type: ignore[attr-defined]
            wide += _check_page(browser, name, width)
    assert wide == []  # every table fits its box (an office page's deliberate scroller aside)


@pytest.mark.parametrize("group", list(UPLOADS))
def test_every_page_after_an_upload_at_1400_and_390_px(
    group: str, _desk_time: None, browser: object, tmp_path: Path
) -> None:
    """自查's verdict and the unit's send (checked, then sent), each uploaded afresh per width,
    on a desk of its own (the send files a draft into it)."""
    address, token = _open_desk(tmp_path)
    wide: list[tuple[str, int, object]] = []
    for name in UPLOADS[group]:
        for width in WIDTHS:
            if name == "check-result":
                _check_result(browser, address, tmp_path)
            else:
                _unit_send(browser, address, token, tmp_path, confirm=name == "unit-sent")
            wide += _check_page(browser, name, width)
    assert wide == []


CARDS = """
return [...document.querySelectorAll('main table')].filter(t => t.getClientRects().length)
  .map(t => getComputedStyle(t.rows[t.rows.length - 1]).display);
"""

# Each shown table wider than its box: the box is the table itself where the table scrolls
# (display: block, overflow-x: auto), else its parent; `scroller` when that box scrolls on purpose.
TABLES = """
document.querySelectorAll('details').forEach(d => { d.open = true; });
const wide = [];
for (const t of document.querySelectorAll('table')) {
  if (!t.getClientRects().length) continue;
  const own = getComputedStyle(t);
  const itself = own.display === 'block' && /(auto|scroll)/.test(own.overflowX);
  const box = itself ? t : t.parentElement;
  const scroller = itself || /(auto|scroll)/.test(getComputedStyle(box).overflowX);
  if (t.scrollWidth > box.clientWidth + 1)
    wide.push({width: t.scrollWidth, box: box.clientWidth, scroller: scroller,
               head: (t.rows[0] ? t.rows[0].innerText : '').slice(0, 60)});
}
return wide;
"""


SPAN = """
const main = document.querySelector('main') || document.querySelector('section.content');
return main.getBoundingClientRect().width;
"""
