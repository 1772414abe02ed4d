"""The desk's side of the log of changes, 约稿 and the 通报: who changed what from the desk is
logged with the client's address, the note page shows a draft's events, 录用登记 issues and
answers 约稿, and 考核 offers the 通报 for download."""

from __future__ import annotations

import io

import pytest
from docx import Document
from fastapi.testclient import TestClient

from ledger.schema import open_ledger
from service.events import list_events
from tests.ledger_support import record_submission_row
from tests.test_web import client, csrf, ws  # noqa: F401  (fixtures)

pytestmark = pytest.mark.integration


def test_an_adoption_from_the_desk_is_logged_and_shown_on_the_note_page(client: TestClient, ws) -> None:  # noqa: F811
    token = csrf(client, "/adopt", "/adopt")
    page = client.post("/adopt", data={"csrf": token, "submission_id": "1", "outlet": "新华日报"})
    assert page.status_code == 200, page.text
    (event,) = list_events(ws[0], 1)
    assert event.actor == "办公室（testclient）"
    assert event.action == "adopt" and event.after["outlet"] == "新华日报"
    note = client.get("/intake/1/note").text  # a counted draft has no note, but its page shows the log
    assert "操作记录" in note and "办公室（testclient） 登记录用 稿件 1" in note


def test_a_request_is_issued_answered_and_closed_on_the_adopt_page(client: TestClient, ws) -> None:  # noqa: F811
    db = open_ledger(ws[0].root / "outbox" / "ledger.db")
    record_submission_row(
        db,
        id=3,
        unit="建设局",
        content_type="gov_info",
        title="关于老旧小区改造的建议",
        received_at="2021-03-15T09:00:00+08:00",
        verdict="accepted",
        counted=1,
    )
    db.close()
    token = csrf(client, "/adopt", "/adopt/request")
    data = {"csrf": token, "topic": "老旧小区改造", "units": ["建设局", "湖滨社区"], "deadline": "2021-03-25"}
    page = client.post("/adopt/request", data=data)
    assert page.status_code == 200 and "已发出约稿 1" in page.text
    token = csrf(client, "/adopt", "/adopt/request/answer")
    page = client.post("/adopt/request/answer", data={"csrf": token, "request_id": "1", "submission_id": "3"})
    assert "答复约稿 1" in page.text
    assert "建设局：按时（稿件 3）" in page.text and "湖滨社区：未到期" in page.text
    token = csrf(client, "/adopt", "/adopt/request/answer")
    wrong = client.post(
        "/adopt/request/answer", data={"csrf": token, "request_id": "1", "submission_id": "1"}
    )
    assert wrong.status_code == 400 and "不是党委政务信息" in wrong.text
    token = csrf(client, "/adopt", "/adopt/request/close")
    page = client.post("/adopt/request/close", data={"csrf": token, "request_id": "1", "reason": "已完成"})
    assert "已结束约稿 1" in page.text
    assert [e.action for e in list_events(ws[0])] == ["request_new", "request_answer", "request_close"]


def test_the_score_page_offers_the_bulletin(client: TestClient) -> None:  # noqa: F811
    page = client.get("/score?period=2021-02").text
    assert 'href="/score/bulletin.docx?period=2021-02"' in page
    got = client.get("/score/bulletin.docx?period=2021-02")
    assert got.status_code == 200
    assert "filename*=UTF-8''%E9%80%9A%E6%8A%A5_2021-02.docx" in got.headers["content-disposition"]
    said = [p.text for p in Document(io.BytesIO(got.content)).paragraphs if p.text]
    assert said[:3] == ["西湖街道办公室", "西街办〔2021〕1号", "西湖街道2021年2月信息宣传工作通报"]


def test_the_score_page_shows_how_each_request_was_answered(client: TestClient, ws) -> None:  # noqa: F811
    token = csrf(client, "/adopt", "/adopt/request")
    data = {"csrf": token, "topic": "老旧小区改造", "units": ["建设局", "湖滨社区"], "deadline": "2021-03-25"}
    assert client.post("/adopt/request", data=data).status_code == 200
    page = client.get("/score?period=2021-03").text
    assert "约稿完成情况" in page
    assert (
        "<td>老旧小区改造</td><td>2021年3月25日</td><td>0/2</td><td>建设局未到期、湖滨社区未到期</td>" in page
    )
    assert "<tr><td>建设局</td><td>1</td><td>0</td><td>0</td><td>0</td></tr>" in page


def test_the_intake_page_links_a_gov_info_draft_to_the_answer_form(client: TestClient, ws) -> None:  # noqa: F811
    db = open_ledger(ws[0].root / "outbox" / "ledger.db")
    record_submission_row(
        db,
        id=3,
        unit="建设局",
        content_type="gov_info",
        title="关于老旧小区改造的建议",
        received_at="2021-03-15T09:00:00+08:00",
        verdict="accepted",
        counted=1,
    )
    db.close()
    page = client.get("/intake?month=2021-03").text
    assert page.count("答复约稿") == 1 and 'href="/adopt?answer=3#requests"' in page
    form = client.get("/adopt?answer=3").text
    assert 'name="submission_id" min="1" value="3" required' in form
