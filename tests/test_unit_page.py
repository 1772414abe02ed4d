"""A unit's own page by its private link: its drafts only, what it still owes, its notes'
bytes, and a 自查 that knows the record (real sweeps into a real SQLite ledger)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from intake.pipeline import sweep
from service.units import TOKEN_CHARS, rotate_link, unit_links
from tests.factory import news_draft
from tests.intake_support import INSTANT, NOW, drop, workspace
from web.app import create_app

pytestmark = pytest.mark.integration


@pytest.fixture
def desk(tmp_path, monkeypatch):
    """Two units' drafts filed by a real sweep, each unit's link, and the desk off loopback
    (every clerk page wants a password; a unit's link must not)."""
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    ws, rulebook = workspace(tmp_path / "ws")
    drop(ws, f"湖滨社区/{INSTANT}/好稿.docx", news_draft(300, photos=1))
    drop(ws, f"湖滨社区/{INSTANT}/短稿.docx", news_draft(100, photos=1, seed=5))
    drop(ws, f"塔下社区/{INSTANT}/塔下短稿.docx", news_draft(90, photos=1, seed=7))
    result = sweep(ws, rulebook, settled=True)
    ids = {o.key.rsplit("/", 1)[-1]: o.submission_id for o in result.outcomes}
    links = {link.unit: link.url.rsplit("/u/", 1)[1] for link in unit_links(ws, rulebook, "http://d")}
    client = TestClient(create_app(ws, rulebook, password_hash="", protect=True, ledger=False))
    return SimpleNamespace(ws=ws, rulebook=rulebook, client=client, links=links, ids=ids)


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_a_units_link_opens_its_own_drafts_and_dues_without_a_password(desk):
    client, links, ids = desk.client, desk.links, desk.ids
    page = client.get(f"/u/{links['湖滨社区']}")
    assert page.status_code == 200
    text = _text(page.text)
    assert "湖滨社区：本单位稿件与考核" in text
    assert str(ids["好稿.docx"]) in text and "计入" in text
    assert "退回（字数）" in text
    assert "塔下" not in text  # nothing of another unit
    assert "本月还差什么" in text and "2021年3月31日" in text
    # 12 March: only January's and February's 即时 are missed so far (−0.1 each); the months
    # still to come are not deducted as the unfinished year's report would.
    assert re.search(r'id="points">-0\.2<', page.text)
    assert "已截止未完成：2021年1月即时通讯信息少 1 篇；2021年2月即时通讯信息少 1 篇。" in text
    assert client.get("/intake").status_code == 401  # the clerk's pages still want the password
    # both forms take the photos with the document (a 自查 without them reads "照片 0 张")
    assert text.count("稿件和照片") == 2 and "照片单独放的，把照片一起选上" in text


def test_a_note_downloads_as_the_outbox_holds_it(desk):
    ws, client, links, ids = desk.ws, desk.client, desk.links, desk.ids
    got = client.get(f"/u/{links['湖滨社区']}/note/{ids['短稿.docx']}")
    assert got.status_code == 200
    on_disk = next(ws.rejected.rglob("*短稿.docx.退回说明.txt")).read_bytes()
    assert got.content == on_disk
    assert got.content.startswith(b"\xef\xbb\xbf") and b"\r\n" in got.content


def test_another_units_draft_under_a_valid_link_answers_404_and_shows_nothing(desk):
    client, links, ids = desk.client, desk.links, desk.ids
    got = client.get(f"/u/{links['湖滨社区']}/note/{ids['塔下短稿.docx']}")
    assert got.status_code == 404
    assert "塔下" not in got.text and "短稿" not in got.text
    # the way back is the unit's own page, a plain link (the pages need no JavaScript)
    assert (
        f'<a href="/u/{links["湖滨社区"]}">回到本单位页面</a>' in got.text and "javascript:" not in got.text
    )


@pytest.mark.parametrize("token", ["x" * TOKEN_CHARS, "short", "A" * 300], ids=["made-up", "short", "long"])
def test_a_made_up_token_answers_404_and_shows_no_unit(desk, token):
    client, ids = desk.client, desk.ids
    got = client.get(f"/u/{token}")
    assert got.status_code == 404
    assert "湖滨" not in got.text and "塔下" not in got.text
    assert "<a " not in got.text  # an unknown link leads nowhere: no office page, no dead 返回
    assert client.get(f"/u/{token}/note/{ids['短稿.docx']}").status_code == 404


def test_a_rotated_link_answers_404_at_once(desk):
    ws, rulebook, client, links = desk.ws, desk.rulebook, desk.client, desk.links
    new = rotate_link(ws, rulebook, "湖滨社区", "http://d").url.rsplit("/u/", 1)[1]
    assert client.get(f"/u/{links['湖滨社区']}").status_code == 404
    assert client.get(f"/u/{new}").status_code == 200


def _csrf(html: str, action: str = "/check") -> str:
    """The CSRF token of the page's form posting to an address ending in `action`."""
    return re.search(
        rf'action="[^"]*{re.escape(action)}(?:#[^"]*)?"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)"',
        html,
    )[1]


def test_self_check_on_the_unit_page_names_the_draft_already_on_record(desk):
    ws, client, links, ids = desk.ws, desk.client, desk.links, desk.ids
    token = links["湖滨社区"]
    page = client.get(f"/u/{token}")
    filed = next(ws.accepted.rglob("*好稿.docx")).read_bytes()
    got = client.post(
        f"/u/{token}/check",
        data={"csrf": _csrf(page.text), "ctype": INSTANT},
        files={"files": ("好稿.docx", filed)},
    )
    assert got.status_code == 200
    text = _text(got.text)
    assert f"第 {ids['好稿.docx']} 号稿件（湖滨社区" in text
    assert "将被退回" in text
    assert "这只是自查，稿件没有报送，也没有登记" in text
    # the unit's page may be all a unit reaches: it is sent back to the page's form, not the inbox
    assert "如确为新的稿件，请修改后在本页上方的“报送稿件”重新上传报送" in text
    assert "正式报送请用本页上方的“报送稿件”" in text and "inbox/" not in text
    assert "收稿回执" not in text and "已登记" not in text


def test_a_unit_sees_the_requests_sent_to_it_with_the_tag_to_write_and_how_it_stands(desk):
    from service.requests import new_request

    new_request(desk.ws, desk.rulebook, "春季防汛工作", "湖滨社区、塔下社区", "2021-03-25")
    new_request(desk.ws, desk.rulebook, "只发给塔下", "塔下社区", "2021-03-26")
    text = _text(desk.client.get(f"/u/{desk.links['湖滨社区']}").text)
    assert "春季防汛工作" in text and "2021年3月25日" in text and "【约稿1】" in text and "未到期" in text
    assert "只发给塔下" not in text


def test_a_units_own_assessment_gives_the_same_figures_as_the_whole_periods(desk):
    from reports.assessment import assess_period, assess_unit
    from rules.periods import parse_period

    for key in ("2021-03", "2021Q1", "2021"):
        period = parse_period(key)
        whole = next(u for u in assess_period(desk.ws, period).report.units if u.unit == "湖滨社区")
        (alone,) = assess_unit(desk.ws, period, "湖滨社区").report.units
        assert (alone.completion, alone.progress, alone.points) == (
            whole.completion,
            whole.progress,
            whole.points,
        )


def test_after_the_office_accepts_a_draft_the_unit_page_shows_the_decision_and_no_dead_link(desk):
    from service.decisions import decide
    from service.events import Actor

    decide(desk.ws, desk.rulebook, desk.ids["短稿.docx"], "accept", "照片已补交", actor=Actor("办公室"))
    page = desk.client.get(f"/u/{desk.links['湖滨社区']}")
    text = _text(page.text)
    assert "办公室核定：照片已补交。" in text
    assert "合格（字数）" not in text  # an accepted row names no broken rule
    for link in re.findall(r'href="(/u/[^"]+/note/\d+)"', page.text):
        assert desk.client.get(link).status_code == 200


def test_a_bureau_is_told_it_earns_no_points_instead_of_a_zero(desk):
    text = _text(desk.client.get(f"/u/{desk.links['办公室']}").text)
    assert "本单位不计考核加减分：扣分、加分只适用于" in text
    assert "本年度至今加减分" not in text
