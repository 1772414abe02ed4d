"""报送 on a unit's own page (real sweeps into a real SQLite ledger): checked first, sent only on
confirmation, laid into the unit's own inbox folder under a temp name, once, and its receipt
shown after a sweep; unit-facing refusals in the unit's own layout."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from intake.pipeline import sweep
from service.send import clean_name, inbox_target
from service.units import unit_links
from tests.factory import make_photo, news_draft
from tests.intake_support import INSTANT, NOW, workspace
from tests.test_unit_page import _csrf, _text
from web.app import create_app


@pytest.fixture
def desk(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    ws, rulebook = workspace(tmp_path / "ws")
    links = {link.unit: link.url.rsplit("/u/", 1)[1] for link in unit_links(ws, rulebook, "http://d")}
    client = TestClient(create_app(ws, rulebook, password_hash="", protect=True, ledger=False))
    return SimpleNamespace(ws=ws, rulebook=rulebook, client=client, links=links)


def _stage(desk, token, files):
    page = desk.client.get(f"/u/{token}")
    got = desk.client.post(
        f"/u/{token}/send", data={"csrf": _csrf(page.text, "/send"), "ctype": INSTANT}, files=files
    )
    assert got.status_code == 200
    return got


def _confirm(desk, token, staged_html):
    nonce = re.search(r'name="nonce" value="([^"]+)"', staged_html)[1]
    data = {"csrf": _csrf(staged_html, "/send/confirm"), "nonce": nonce}
    return nonce, desk.client.post(f"/u/{token}/send/confirm", data=data, follow_redirects=False)


@pytest.mark.integration
def test_a_document_with_photos_is_checked_sent_once_filed_and_its_receipt_shown(desk):
    ws, rulebook, token = desk.ws, desk.rulebook, desk.links["湖滨社区"]
    files = [
        ("files", ("报送稿.docx", news_draft(300, photos=0))),
        ("files", ("现场1.jpg", make_photo(seed=1))),
        ("files", ("现场2.jpg", make_photo(seed=2))),
    ]
    staged = _stage(desk, token, files)
    assert "报送前自查" in _text(staged.text) and 'id="confirm"' in staged.text
    assert not any((ws.inbox / "湖滨社区" / INSTANT).iterdir())  # nothing sent before the confirmation
    nonce, first = _confirm(desk, token, staged.text)
    assert first.status_code == 303, re.findall(r"class=\"error\"[^<]*", first.text)
    assert first.headers["location"] == f"/u/{token}/sent/{nonce}"
    _, again = _confirm(desk, token, staged.text)  # a double submit
    assert again.status_code == 303
    bundle = ws.inbox / "湖滨社区" / INSTANT / "报送稿"
    assert sorted(p.name for p in bundle.iterdir()) == ["报送稿.docx", "现场1.jpg", "现场2.jpg"]
    assert [p.name for p in (ws.inbox / "湖滨社区" / INSTANT).iterdir()] == [
        "报送稿"
    ]  # one item, no temp left
    waiting = desk.client.get(f"/u/{token}/sent/{nonce}")
    assert "已收到，稍后出回执" in _text(waiting.text) and 'http-equiv="refresh"' in waiting.text
    result = sweep(ws, rulebook, settled=True)
    assert [o.key for o in result.outcomes] == [f"湖滨社区/{INSTANT}/报送稿"]
    shown = desk.client.get(f"/u/{token}/sent/{nonce}")
    sid = result.outcomes[0].submission_id
    assert f"回执如下（稿件编号 {sid}）" in _text(shown.text)
    assert "报送稿" in _text(shown.text) and 'http-equiv="refresh"' not in shown.text
    other = desk.client.get(f"/u/{desk.links['塔下社区']}/sent/{nonce}")  # another unit's link
    assert other.status_code == 404 and "报送稿" not in other.text


@pytest.mark.integration
def test_a_link_cannot_confirm_another_units_upload(desk):
    ws, token, other = desk.ws, desk.links["湖滨社区"], desk.links["塔下社区"]
    staged = _stage(desk, token, {"files": ("稿.docx", news_draft(300, photos=1))})
    nonce = re.search(r'name="nonce" value="([^"]+)"', staged.text)[1]
    page = desk.client.get(f"/u/{other}")
    got = desk.client.post(
        f"/u/{other}/send/confirm", data={"csrf": _csrf(staged.text, "/send/confirm"), "nonce": nonce}
    )
    assert page.status_code == 200
    assert "已经报送过，或等待确认太久已作废" in _text(got.text)
    assert not list(ws.inbox.rglob("稿.docx"))
    _, mine = _confirm(desk, token, staged.text)  # the upload is still there for its own unit
    assert mine.status_code == 303 and (ws.inbox / "湖滨社区" / INSTANT / "稿.docx").is_file()


@pytest.mark.integration
def test_unit_facing_errors_use_the_units_plain_layout(desk):
    token = desk.links["湖滨社区"]
    for path in (f"/u/{token}/nothing", f"/u/{token}/note/abc", f"/u/{token}/note/99999", "/u/made-up"):
        got = desk.client.get(path)
        assert got.status_code == 404, path
        assert "收稿" not in got.text and "录用登记" not in got.text and "/logout" not in got.text, path
    assert "录用登记" in desk.client.get("/nothing").text  # the office's own 404 keeps its menu
    again = desk.client.get(f"/u/{token}/send/confirm", follow_redirects=False)  # a reload: nothing sent
    assert again.status_code == 303 and again.headers["location"] == f"/u/{token}#send"


@pytest.mark.integration
def test_names_are_cleaned_and_the_place_is_the_units_own_folder(desk):
    assert clean_name("..\\..\\C:/tmp/~$稿:件?.DOCX") == "稿_件_.docx"
    assert clean_name("a/b/../.hidden.docx") == "hidden.docx"
    assert inbox_target(desk.rulebook, "湖滨社区", INSTANT, ["稿.docx"]) == PurePosixPath(
        "湖滨社区", INSTANT, "稿.docx"
    )
    assert inbox_target(desk.rulebook, "湖滨社区", INSTANT, ["稿.docx", "1.jpg"]) == PurePosixPath(
        "湖滨社区", INSTANT, "稿"
    )
    with pytest.raises(Exception, match="请改名"):
        clean_name("../..")


@pytest.mark.integration
def test_an_upload_over_the_limit_is_refused_in_the_units_layout(desk):
    import dataclasses

    small = dataclasses.replace(
        desk.rulebook, web=dataclasses.replace(desk.rulebook.web, max_upload_bytes=2000)
    )
    client = TestClient(create_app(desk.ws, small, password_hash="", protect=True, ledger=False))
    token = desk.links["湖滨社区"]
    page = client.get(f"/u/{token}")
    got = client.post(
        f"/u/{token}/send",
        data={"csrf": _csrf(page.text, "/send"), "ctype": INSTANT},
        files={"files": ("稿.docx", news_draft(300, photos=1))},
    )
    assert got.status_code == 413 and "超过" in got.text and "录用登记" not in got.text
    assert not list(desk.ws.inbox.rglob("稿.docx"))
