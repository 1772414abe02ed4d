"""A unit reaches the desk by its link from "another computer": the desk served by a real uvicorn
on a second loopback address (127.0.0.2) that needs the password, with the links' base pointing
there. The unit's page answers without a password, every office page asks for it; another unit's
稿件编号, rotated and made-up links show nothing; and 报送 is driven in headless Chromium: a
document with photos uploaded, checked, confirmed, laid into the inbox, filed by a sweep, and its
receipt shown on the page."""

from __future__ import annotations

import base64
import dataclasses
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from intake.pipeline import sweep
from service.units import links_answer, rotate_link
from tests.browser_support import chromium, free_port
from tests.factory import make_photo, news_draft
from tests.intake_support import INSTANT, NOW, drop, workspace
from web.auth import hash_password

pytestmark = pytest.mark.integration

HOST = "127.0.0.2"
OFFICE_PAGES = ("", "check", "intake", "adopt", "score", "ledger/", "intake/1/note")


def _get(url: str, password: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url)
    if password:
        request.add_header(
            "Authorization", "Basic " + base64.b64encode(f"办公室:{password}".encode()).decode()
        )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return int(answer.status), answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as refused:
        return int(refused.code), refused.read().decode("utf-8", "replace")


@pytest.fixture()
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    monkeypatch.delenv("DRAFTDESK_WEB_PASSWORD", raising=False)
    ws, rulebook = workspace(tmp_path / "ws")
    web = dataclasses.replace(
        rulebook.web, host=HOST, port=free_port(HOST), password_hash=hash_password("秘密")
    )
    rulebook = dataclasses.replace(rulebook, web=web)
    drop(ws, f"塔下社区/{INSTANT}/塔下稿.docx", news_draft(300, photos=1, seed=7))
    filed = sweep(ws, rulebook, settled=True)
    answer = links_answer(ws, rulebook)  # the links' base comes from [web] host/port: 127.0.0.2
    from web.server import start_background

    started = start_background(ws, rulebook, answer.address.host, answer.address.port)
    links = {link.unit: link.url for link in answer.links}
    return SimpleNamespace(
        ws=ws, rulebook=rulebook, root=started, links=links, address=answer.address, tazia=filed.outcomes[0]
    )


def test_the_links_point_at_the_desk_and_say_it_opens_on_this_computer_only(desk: SimpleNamespace) -> None:
    assert desk.root == f"http://{HOST}:{desk.address.port}/"
    assert all(url.startswith(f"http://{HOST}:{desk.address.port}/u/") for url in desk.links.values())
    assert desk.address.warning and "只能在这台电脑上打开" in desk.address.warning


def test_a_unit_page_needs_no_password_and_every_office_page_does(desk: SimpleNamespace) -> None:
    status, page = _get(desk.links["湖滨社区"])
    assert status == 200 and "湖滨社区：本单位稿件与考核" in page and "报送稿件" in page
    for office in OFFICE_PAGES:
        status, page = _get(desk.root + office)
        assert status == 401 and "请输入办公桌密码" in page, office
        assert _get(desk.root + office, "错的")[0] == 401, office
    for office in ("", "check", "intake", "score"):
        assert _get(desk.root + office, "秘密")[0] == 200, office


def test_another_units_ids_rotated_and_made_up_links_show_nothing(desk: SimpleNamespace) -> None:
    hubin = desk.links["湖滨社区"]
    status, page = _get(f"{hubin}/note/{desk.tazia.submission_id}")
    assert status == 404 and "塔下" not in page and "录用登记" not in page
    status, page = _get(f"{hubin}/nothing-here")
    assert status == 404 and "录用登记" not in page and "湖滨" not in page
    made_up = hubin.rsplit("/u/", 1)[0] + "/u/" + "A" * 32
    assert _get(made_up)[0] == 404
    rotate_link(desk.ws, desk.rulebook, "湖滨社区")
    status, page = _get(hubin)
    assert status == 404 and "湖滨" not in page


@pytest.fixture()
def browser() -> Iterator[object]:
    with chromium("--window-size=1400,900") as driver:
        yield driver


IN_VIEW = "const r = arguments[0].getBoundingClientRect(); return [r.top, window.innerHeight];"


def _upload(d: object, link: str, files: list[Path], width: int) -> None:
    """Open the unit's page at `width` px, choose the type and the files, press 上传并自查, and
    wait for the 自查 answer, which must be where the person is looking."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

    d.set_window_size(width, 900)  # type: ignore[attr-defined]
    d.get(link)  # type: ignore[attr-defined]
    Select(d.find_element(By.NAME, "ctype")).select_by_visible_text(INSTANT)  # type: ignore[attr-defined]
    d.find_element(By.CSS_SELECTOR, "#send input[type=file]").send_keys("\n".join(map(str, files)))  # type: ignore[attr-defined]
    d.find_element(By.ID, "send-button").click()  # type: ignore[attr-defined]
    found = WebDriverWait(d, 60).until(
        expected_conditions.presence_of_element_located((By.ID, "send-verdict"))
    )
    top, height = d.execute_script(IN_VIEW, d.find_element(By.ID, "send-result"))  # type: ignore[attr-defined]
    assert -2 <= top < height / 3, (width, top, height)  # the answer's top is in the upper part of the window
    assert found.text == "可以报送"


def test_a_unit_sends_a_draft_with_photos_from_its_page_and_sees_its_receipt(
    desk: SimpleNamespace, browser: object, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    d, ws, link = browser, desk.ws, desk.links["湖滨社区"]
    files = [tmp_path / "消防演练.docx", tmp_path / "现场一.jpg", tmp_path / "现场二.jpg"]
    files[0].write_bytes(news_draft(320, photos=0))
    files[1].write_bytes(make_photo(seed=11))
    files[2].write_bytes(make_photo(seed=12))
    _upload(d, link, files, 390)  # a phone: the answer still shows where the person looks
    _upload(d, link, files, 1400)
    folder = ws.inbox / "湖滨社区" / INSTANT
    assert list(folder.iterdir()) == []  # checked, not sent
    d.find_element(By.ID, "confirm").click()  # type: ignore[attr-defined]
    sent = WebDriverWait(d, 60).until(expected_conditions.presence_of_element_located((By.ID, "sent")))
    assert sent.text == "已收到，稍后出回执。"
    bundle = folder / "消防演练"
    assert sorted(p.name for p in bundle.iterdir()) == ["消防演练.docx", "现场一.jpg", "现场二.jpg"]
    assert [p.name for p in folder.iterdir()] == ["消防演练"]  # one item, no temp name left behind
    result = sweep(ws, desk.rulebook, settled=True)
    (outcome,) = result.outcomes
    assert outcome.key == f"湖滨社区/{INSTANT}/消防演练"
    d.refresh()  # type: ignore[attr-defined]
    receipt = WebDriverWait(d, 60).until(expected_conditions.presence_of_element_located((By.ID, "receipt")))
    assert (
        f"{outcome.submission_id}" in receipt.text and "湖滨社区" in receipt.text and "合格" in receipt.text
    )
    assert "合格照片" in receipt.text or "照片" in receipt.text
