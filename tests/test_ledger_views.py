"""台账 as the clerk reads it: Chinese views over the ledger, and Datasette's pages in Chinese."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from fastapi.testclient import TestClient

from ledger.assessment import set_assignment
from ledger.schema import open_ledger
from ledger.views import ensure_views, fee_sql
from scoring.fees import adoption_fee
from tests.intake_support import workspace
from tests.ledger_support import add_adoption
from tests.test_web import NOW, seed_ledger
from web.app import create_app

# Letters a person may meet on 台账: the names of formats and of the query language.
ALLOWED = {"SQL", "CSV"}
PATHLIKE = re.compile(r"\S*/\S*|\S+\.(?:docx?|wps|pdf|txt|zip|jpe?g|png)\b", re.I)

# Every test here serves a real SQLite ledger through the desk.
pytestmark = pytest.mark.integration


class Visible(HTMLParser):
    """The words a reader sees on a page (text, tooltips, button labels) and the page's links.
    SQL the clerk asked to see (textarea, the SQL box) is code by request and left out."""

    HIDDEN = frozenset({"script", "style", "textarea", "pre"})

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        shown = [a.get("title"), a.get("placeholder"), a.get("aria-label")]
        if tag == "input" and a.get("type") in ("submit", "button"):
            shown.append(a.get("value"))
        self.words += [w for w in shown if w]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.words.append(data)


def english(html: str) -> tuple[set[str], list[str]]:
    page = Visible()
    page.feed(html)
    found = set()
    for text in page.words:
        for word in re.findall(r"[A-Za-z][A-Za-z_]+", PATHLIKE.sub(" ", text)):
            if word not in ALLOWED:
                found.add(word)
    return found, page.links


@pytest.fixture()
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    monkeypatch.delenv("DRAFTDESK_WEB_PASSWORD", raising=False)
    ws, rulebook = workspace(tmp_path / "ws")
    seed_ledger(ws.root)
    db = open_ledger(ws.ledger_path)
    add_adoption(db, 1, "常州日报", "city", "2021-03-15", None, None, "网页登记")
    set_assignment(db, "2021-03", "湖滨社区", 2)
    db.table("notifications").insert(
        {
            "created_at": "2021-03-11T09:01:00+08:00",
            "unit": "湖滨社区",
            "shown": "湖滨社区群",
            "body": "退回",
            "state": "failed",
            "attempts": 3,
            "last_error": "网络不通",
        }
    )
    db.close()
    return TestClient(create_app(ws, rulebook))


def _pages(client: TestClient) -> dict[str, str]:
    """台账's home, the database page, every page it links to, and their sort, facet and
    row links: the pages the clerk reaches by clicking."""
    seen: dict[str, str] = {}
    todo, depth = ["/ledger/", "/ledger/taizhang"], {"/ledger/": 0, "/ledger/taizhang": 0}
    while todo:
        url = todo.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, (unquote(url), response.text[:500])
        seen[url] = response.text
        if "html" not in response.headers["content-type"] or depth[url] >= 2:
            continue
        for link in english(response.text)[1]:
            target = urljoin("http://testserver" + url, link).removeprefix("http://testserver").split("#")[0]
            if target.startswith("/ledger/") and ".csv" not in target and target not in depth:
                depth[target] = depth[url] + 1
                todo.append(target)
    return seen


def test_every_page_of_the_ledger_reads_in_chinese_with_no_code_value(client: TestClient) -> None:
    pages = _pages(client)
    assert len(pages) > 30  # views, queries, their sort and facet links, the drafts' detail pages
    for url, html in pages.items():
        found, _ = english(html)
        assert not found, (unquote(url), sorted(found))
    for code in ("instant", "accepted", "rejected", "city", "community", "length", "error", "failed"):
        assert not any(f">{code}<" in html for html in pages.values()), code


def rows(client: TestClient, view: str, query: str = "") -> list[dict[str, object]]:
    from datasette.utils import tilde_encode

    found: list[dict[str, object]] = client.get(
        f"/ledger/taizhang/{tilde_encode(view)}.json?_shape=array{query}"
    ).json()
    return found


def test_the_views_show_types_results_and_levels_as_the_desk_writes_them(client: TestClient) -> None:
    drafts = rows(client, "稿件")
    assert [(d["稿件编号"], d["类型"], d["结果"], d["计入"]) for d in drafts] == [  # newest first
        (2, "即时通讯信息", "退回", "否"),
        (1, "即时通讯信息", "合格", "是"),
    ]
    assert "正文" not in drafts[0] and "文件指纹" not in drafts[0]  # long text and hashes: detail page only
    detail = rows(client, "稿件详情", "&稿件编号=2")
    assert detail[0]["退回说明"].startswith("湖滨社区：您报送的《短稿》") and "文件指纹" in detail[0]
    (adopted,) = rows(client, "录用")
    assert (adopted["级别"], adopted["稿酬"], adopted["登记稿酬"]) == ("市级", 20.0, None)
    (finding,) = rows(client, "审核问题")
    assert (finding["规则"], finding["级别"]) == ("字数", "问题")
    (message,) = rows(client, "消息记录")
    assert (message["状态"], message["时间"]) == ("发送失败", "2021-03-11 09:01")


def test_a_draft_number_opens_its_detail_page(client: TestClient) -> None:
    html = client.get("/ledger/taizhang/稿件").text
    assert (
        'href="/ledger/taizhang/~E7~A8~BF~E4~BB~B6~E8~AF~A6~E6~83~85?%E7%A8%BF%E4%BB%B6%E7%BC%96%E5%8F%B7=2"'
        in html
    )
    detail = client.get("/ledger/taizhang/稿件详情?稿件编号=2").text
    assert '<th scope="row">退回说明</th>' in detail and "正文字数 50，不足要求" in detail


def test_the_month_queries_use_the_desks_clock(client: TestClient) -> None:
    # DRAFTDESK_NOW is March 2021; the system clock's month has no drafts
    html = client.get("/ledger/taizhang/本月退回稿件").text
    assert "短稿" in html and 'value="2021-03"' in html
    assert "短稿" not in client.get("/ledger/taizhang/本月退回稿件?month=2021-04").text


@pytest.mark.parametrize("ctype", ["instant", "wechat", "xuexi", "gov_info"])
def test_the_fee_column_is_the_rulebooks_fee_for_each_adoption(tmp_path: Path, ctype: str) -> None:
    ws, rulebook = workspace(tmp_path / "ws")
    levels = ["national", "province", "city", "district", "wechat", "juece", "district_office"]
    outlets = ["人民日报", "学习强国", "常州日报", "微信公众号", "决策参考", "不在名单的媒体"]
    db = open_ledger(ws.ledger_path)
    cases = [
        (lv, out, given, ann)
        for lv in levels
        for out in outlets
        for given in (None, 5.0, 35.0, 80.0)
        for ann in (0, 1)
    ]
    for i, (_level, _outlet, _given, ann) in enumerate(cases, start=1):
        db.execute(
            "INSERT INTO submissions (id, content_type, is_announcement) VALUES (?, ?, ?)", [i, ctype, ann]
        )
    db.conn.commit()
    sql = f"SELECT {fee_sql(rulebook)} FROM submissions s, (SELECT ? AS level, ? AS outlet, ? AS fee) a WHERE s.id = ?"
    for i, (level, outlet, given, ann) in enumerate(cases, start=1):
        (got,) = db.execute(sql, [level, outlet, given, i]).fetchone()
        want = adoption_fee(ctype, level, given, bool(ann), rulebook, outlet)
        assert got == want, (level, outlet, given, ann)
    db.close()
    assert "稿件" in ensure_views(ws.ledger_path, rulebook)


def test_long_cells_are_cut_in_the_list_and_whole_on_the_drafts_own_page_and_in_json(
    client: TestClient, tmp_path: Path
) -> None:
    body = "湖滨社区组织开展消防安全演练。" * 40  # 600 characters
    db = open_ledger(tmp_path / "ws" / "outbox" / "ledger.db")
    db.execute("UPDATE submissions SET text = ? WHERE id = 1", [body])
    db.conn.commit()
    db.close()
    listed = client.get("/ledger/taizhang/稿件详情").text
    assert body not in listed and body[:120] + "\u2026" in listed
    own = client.get("/ledger/taizhang/稿件详情?稿件编号=1").text
    assert body in own
    assert rows(client, "稿件详情", "&稿件编号=1")[0]["正文"] == body
