"""The browser desk through FastAPI's TestClient: every page and every refusal."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from ledger.schema import open_ledger
from service.events import list_events
from tests.factory import make_photo, make_zip, news_draft
from tests.intake_support import workspace
from tests.ledger_support import add_finding_row, record_submission_row
from web.app import create_app
from web.auth import hash_password, refusal_to_start
from workspace import Workspace

pytestmark = pytest.mark.integration

NOW = "2021-03-20T10:00:00+08:00"
INSTANT = "即时通讯信息"


def seed_ledger(root: Path) -> None:
    db = open_ledger(root / "outbox" / "ledger.db")
    original = root / "outbox" / "rejected" / "湖滨社区" / "短稿.docx"
    original.parent.mkdir(parents=True, exist_ok=True)
    original.write_bytes(b"PK-original")
    record_submission_row(
        db,
        id=1,
        unit="湖滨社区",
        content_type="instant",
        title="湖滨社区开展消防演练",
        officer="张三",
        received_at="2021-03-10T09:00:00+08:00",
        verdict="accepted",
        counted=1,
        zishu=320,
        photos_distinct=2,
        photos_hd=2,
    )
    record_submission_row(
        db,
        id=2,
        unit="湖滨社区",
        content_type="instant",
        title="短稿",
        officer="张三",
        received_at="2021-03-11T09:00:00+08:00",
        verdict="rejected",
        counted=0,
        zishu=50,
        original_name="短稿.docx",
        stored_path="outbox/rejected/湖滨社区/短稿.docx",
        note_text="湖滨社区：您报送的《短稿》未通过审核。正文字数 50，不足要求。",
    )
    add_finding_row(db, 2, "length", "error", "正文字数 50，不足 200 字")
    db.close()


@pytest.fixture()
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    monkeypatch.delenv("DRAFTDESK_WEB_PASSWORD", raising=False)
    ws, rulebook = workspace(tmp_path / "ws")
    seed_ledger(ws.root)
    return ws, rulebook


@pytest.fixture()
def client(ws) -> TestClient:
    client = TestClient(create_app(*ws))
    client.ws_root = str(ws[0].root)  # type: ignore[attr-defined]
    return client


def csrf(client: TestClient, page: str, form: str) -> str:
    html = client.get(page).text
    found = re.search(rf'action="{re.escape(form)}".*?name="csrf" value="([0-9a-f]+)"', html, re.S)
    assert found, html
    return found.group(1)


def check(client: TestClient, files: list[tuple[str, bytes]], unit: str = "湖滨社区", **extra: str):
    token = csrf(client, "/check", "/check")
    data = {"csrf": token, "unit": unit, "ctype": INSTANT, "received": "2021-03-12T15:00", **extra}
    return client.post("/check", data=data, files=[("files", f) for f in files])


def test_home_links_every_page_in_chinese(client: TestClient) -> None:
    html = client.get("/").text
    for href, word in [
        ("/check", "自查"),
        ("/intake", "收稿"),
        ("/adopt", "录用登记"),
        ("/score", "考核"),
        ("/ledger/", "台账"),
    ]:
        assert f'href="{href}"' in html and word in html
    assert "运行记录" in html and "Prefect 界面" not in html  # the clerk's words, in Chinese


def test_home_finds_a_prefect_server_started_after_the_desk(ws, monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.prefect_env
    import web.app

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setattr(web.app, "PREFECT_RECHECK_SECONDS", 0.0)
    server: list[str | None] = [None]
    monkeypatch.setattr(flows.prefect_env, "running_server", lambda _ws: server[0])
    client = TestClient(create_app(*ws))
    before = client.get("/").text
    assert "服务还没有启动" in before and "127.0.0.1:4299" not in before
    server[0] = "http://127.0.0.1:4299/api"
    after = client.get("/").text
    assert '<a href="http://127.0.0.1:4299">运行记录</a>' in after
    assert "服务还没有启动" not in after
    server[0] = None
    assert "服务还没有启动" in client.get("/").text


def test_the_prefect_lookup_is_cached_for_a_few_seconds(ws, monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.prefect_env

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    calls: list[object] = []
    monkeypatch.setattr(flows.prefect_env, "running_server", lambda _ws: calls.append(_ws))
    client = TestClient(create_app(*ws))
    for _ in range(3):
        assert "Prefect 服务未运行" in client.get("/").text
    assert len(calls) == 1


def test_self_check_accepts_a_good_draft_and_rejects_a_short_one(client: TestClient, ws) -> None:
    good = check(client, [("稿件.docx", news_draft(320, photos=2))])
    assert good.status_code == 200, good.text
    assert 'id="verdict">合格' in good.text and 'id="zishu">320<' in good.text
    short = check(client, [("短.docx", news_draft(60, photos=2))])
    assert 'id="verdict">退回' in short.text and 'id="zishu">60<' in short.text
    assert "退回说明" in short.text
    # writes nothing: the ledger keeps its two rows, inbox stays empty
    db = open_ledger(ws[0].ledger_path)
    assert db.table("submissions").count == 2
    db.close()
    assert not [p for p in ws[0].inbox.rglob("*") if p.is_file()]


def test_self_check_judges_by_the_workspaces_own_rulebook(ws) -> None:
    root = ws[0].root
    toml = root / "draftdesk.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("min_chars = 200", "min_chars = 400", 1), encoding="utf-8")
    client = TestClient(create_app(ws[0], ws[0].rulebook()))
    answer = check(client, [("稿件.docx", news_draft(320, photos=2))])
    assert answer.status_code == 200, answer.text
    assert 'id="verdict">退回' in answer.text and 'id="zishu">320<' in answer.text
    assert "400" in answer.text
    assert "规则文件" not in answer.text
    assert not [p for p in ws[0].inbox.rglob("*") if p.is_file()]


def test_self_check_warns_only_when_the_workspace_lacks_the_year(client: TestClient) -> None:
    answer = check(client, [("稿件.docx", news_draft(320, photos=2))], received="2022-03-12T15:00")
    assert answer.status_code == 200, answer.text
    assert "工作目录没有 2022 年的规则文件" in answer.text
    current = check(client, [("稿件.docx", news_draft(320, photos=2))])
    assert 'id="verdict">合格' in current.text and "规则文件" not in current.text


def test_self_check_takes_a_document_plus_photos(client: TestClient) -> None:
    answer = check(
        client, [("稿件.docx", news_draft(320)), ("a.jpg", make_photo(seed=1)), ("b.jpg", make_photo(seed=2))]
    )
    assert answer.status_code == 200, answer.text
    assert "2 / 2 /" in answer.text
    assert "把文档和照片一起放进一个以稿件命名的文件夹（如“稿件”）" in answer.text


def test_the_self_check_page_shows_dates_in_chinese_and_asks_for_a_unit(client: TestClient) -> None:
    form = client.get("/check").text
    assert '<select name="unit" required>\n<option value="" selected>请选择单位</option>' in form
    answer = check(client, [("稿件.docx", news_draft(320, photos=2))])
    assert answer.status_code == 200, answer.text
    assert "<th>事件日期</th><td>2021年3月12日</td>" in answer.text
    assert "<th>报送截止</th><td>2021年3月13日 12:00</td>" in answer.text
    assert "2021-03" not in answer.text.split('<section class="result">')[1]
    assert '<option value="">请选择单位</option>' in answer.text  # the chosen unit stays chosen
    assert "<option selected>湖滨社区</option>" in answer.text
    forgot = check(client, [("稿件.docx", news_draft(320, photos=2))], unit="")
    assert forgot.status_code == 400 and 'id="error">请选择单位。<' in forgot.text


def test_self_check_takes_a_zip_bundle(client: TestClient) -> None:
    bundle = make_zip(
        {"稿件.docx": news_draft(320), "1.jpg": make_photo(seed=3), "2.jpg": make_photo(seed=4)}
    )
    answer = check(client, [("稿件包.zip", bundle)])
    assert answer.status_code == 200, answer.text
    assert 'id="verdict">合格' in answer.text and "2 / 2 /" in answer.text


def test_self_check_refuses_a_bad_upload(client: TestClient) -> None:
    answer = check(client, [("notes.txt", b"hello")])
    assert answer.status_code == 400 and "不支持的文件" in answer.text
    two = check(client, [("a.docx", news_draft(300)), ("b.docx", news_draft(300))])
    assert two.status_code == 400 and "一次自查一篇稿件" in two.text
    unit = check(client, [("a.docx", news_draft(300))], unit="火星社区")
    assert unit.status_code == 400 and "火星社区" in unit.text


def test_an_oversize_upload_is_refused_before_it_is_read(ws) -> None:
    import dataclasses

    from rules.model import Web

    small = dataclasses.replace(ws[1], web=Web(max_upload_bytes=1000))
    client = TestClient(create_app(ws[0], small))
    answer = check(client, [("稿件.docx", news_draft(320, photos=2))])
    assert answer.status_code == 413 and "超过" in answer.text


def test_the_decide_lists_choose_nothing_until_the_clerk_does_and_a_careless_submit_is_refused(
    client: TestClient,
) -> None:
    empty = '<select name="choice"[^>]*><option value="" selected>请选择</option><option value="accept">'
    for page in ("/intake?month=2021-03", "/intake/1/note"):
        html = client.get(page).text
        assert re.search(empty, html), page
        assert re.search(r'<option value="accept" selected', html) is None
    token = csrf(client, "/intake?month=2021-03", "/intake/1/decide")
    careless = client.post("/intake/1/decide", data={"csrf": token, "choice": "", "reason": "看错了"})
    assert careless.status_code == 400 and "请选择一种核定。" in careless.text
    assert list_events(Workspace(Path(client.ws_root)), 1) == []  # type: ignore[attr-defined]


def test_a_form_without_its_csrf_token_changes_nothing(client: TestClient) -> None:
    client.get("/adopt")
    answer = client.post("/adopt", data={"submission_id": "1", "outlet": "新华日报"})
    assert answer.status_code == 403 and "安全校验" in answer.text
    forged = client.post("/adopt", data={"submission_id": "1", "outlet": "新华日报", "csrf": "0" * 64})
    assert forged.status_code == 403
    assert "武进" not in client.get("/score?period=2021-03").text.split("稿酬")[-1]


def test_intake_lists_the_month_filters_and_serves_files_by_id(client: TestClient) -> None:
    html = client.get("/intake?month=2021-03").text
    assert "湖滨社区开展消防演练" in html and "短稿" in html and "字数" in html
    assert re.search(r"<td>3月\d+日 \d\d:\d\d</td>", html)  # 收稿时间 as people write it
    assert not re.search(r"<td>\d\d-\d\d \d\d:\d\d</td>", html)
    rejected = client.get("/intake?month=2021-03&verdict=rejected").text
    assert "短稿" in rejected and "消防演练" not in rejected
    by_rule = client.get("/intake?month=2021-03&rule=length").text
    assert "短稿" in by_rule and "消防演练" not in by_rule
    assert "共 0 篇" in client.get("/intake?month=2021-02").text
    note = client.get("/intake/2/note")
    assert "未通过审核" in note.text
    # no note file in the outbox here: the ledger's copy, written as the outbox writes notes
    assert client.get("/intake/2/note.txt").content.startswith("\ufeff湖滨社区：".encode())
    original = client.get("/intake/2/original")
    assert original.content == b"PK-original"
    assert client.get("/intake/1/original").status_code == 404  # not filed
    assert client.get("/intake/99/note").status_code == 404
    assert client.get("/intake/..%2F..%2Fdraftdesk.toml/original").status_code in (404, 422)


def test_intake_links_the_notice_of_a_late_accepted_draft(client: TestClient, ws) -> None:
    root = ws[0].root
    stored = root / "outbox" / "accepted" / "湖滨社区" / "迟报.docx"
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(b"PK-late")
    notice = stored.with_name("迟报.docx.未计入.txt")
    notice.write_bytes(
        "\ufeff湖滨社区：您报送的《迟报》合格，\r\n但报送超过时限，不计入本月任务。\r\n".encode()
    )
    db = open_ledger(ws[0].ledger_path)
    common = dict(unit="湖滨社区", content_type="instant", verdict="accepted", counted=0, zishu=300)
    record_submission_row(
        db,
        id=3,
        title="迟报",
        received_at="2021-03-12T09:00:00+08:00",
        original_name="迟报.docx",
        stored_path="outbox/accepted/湖滨社区/迟报.docx",
        note_path="outbox/accepted/湖滨社区/迟报.docx.未计入.txt",
        **common,
    )
    record_submission_row(  # a note path that escapes the outbox is never read
        db, id=4, title="越界", received_at="2021-03-13T09:00:00+08:00", note_path="draftdesk.toml", **common
    )
    db.close()
    listing = client.get("/intake?month=2021-03").text
    row = re.search(r'<tr class="accepted">\s*<td>3</td>.*?</tr>', listing, re.S)
    assert row, listing
    assert '<a href="/intake/3/note">否（未计入说明）</a>' in row.group(0)
    assert '<a href="/intake/3/note.txt">说明</a>' in row.group(0)
    counted = re.search(r'<tr class="accepted">\s*<td>1</td>.*?</tr>', listing, re.S)
    assert counted and "note" not in counted.group(0)
    page = client.get("/intake/3/note")
    assert page.status_code == 200 and "不计入本月任务" in page.text and "未计入说明" in page.text
    download = client.get("/intake/3/note.txt")
    assert download.content == notice.read_bytes()  # byte for byte: BOM and CRLF kept for Notepad
    assert (
        "filename*=UTF-8''%E8%BF%9F%E6%8A%A5.%E6%9C%AA%E8%AE%A1%E5%85%A5.txt"
        in download.headers["content-disposition"]
    )
    assert client.get("/intake/4/note.txt").status_code == 404
    counted_page = client.get("/intake/4/note")  # no note, but the page to 核定 it
    assert counted_page.status_code == 200 and "没有退回说明或未计入说明" in counted_page.text


def test_adopt_records_refuses_withdraws_and_shows_on_score(client: TestClient) -> None:
    token = csrf(client, "/adopt", "/adopt")
    done = client.post(
        "/adopt", data={"csrf": token, "submission_id": "1", "outlet": "新华日报", "date": "2021-03-12"}
    )
    assert done.status_code == 200 and "已登记录用" in done.text, done.text
    unknown = client.post("/adopt", data={"csrf": token, "submission_id": "1", "outlet": "火星日报"})
    assert (
        unknown.status_code == 400
        and "不在规则文件的媒体名单中" in unknown.text
        and "可用的录用媒体" in unknown.text
    )
    missing = client.post("/adopt", data={"csrf": token, "submission_id": "42", "outlet": "新华日报"})
    assert "稿件编号 42 不存在" in missing.text
    score = client.get("/score?period=2021-03")
    assert score.status_code == 200 and "新华日报" in score.text and "<svg" in score.text
    wtoken = csrf(client, "/adopt", "/adopt/withdraw")
    gone = client.post(
        "/adopt/withdraw",
        data={"csrf": wtoken, "submission_id": "1", "outlet": "新华日报", "reason": "登记错误"},
    )
    assert "已撤销录用" in gone.text
    assert "新华日报" not in client.get("/score?period=2021-03").text.split('id="fees"')[-1]
    again = client.post("/adopt/withdraw", data={"csrf": wtoken, "submission_id": "1", "outlet": "新华日报"})
    assert again.status_code == 400 and "无需再次撤销" in again.text


def test_the_adopt_page_lists_the_months_adoptions_each_with_its_own_edit_and_withdraw(
    client: TestClient,
) -> None:
    token = csrf(client, "/adopt", "/adopt")
    client.post(
        "/adopt", data={"csrf": token, "submission_id": "1", "outlet": "新华日报", "date": "2021-03-12"}
    )
    again = client.post(
        "/adopt", data={"csrf": token, "submission_id": "1", "outlet": "新华日报", "date": "2021-03-12"}
    )
    assert "这条录用已经登记过，内容相同，未作任何改动" in again.text and "已登记录用" not in again.text
    page = client.get("/adopt").text
    listed = page.split('id="adoption-list"')[1].split("</table>")[0]
    assert "稿件 1《湖滨社区开展消防演练》（湖滨社区）" in listed and "新华日报" in listed
    assert "还没有登记录用" in client.get("/adopt?month=2021-02").text
    assert "2021年4月还没有登记录用" in client.get("/adopt?month=2021-04").text
    bad = client.get("/adopt?month=2021-13")
    assert bad.status_code == 400 and "月份“2021-13”无法识别" in bad.text
    etoken = csrf(client, "/adopt", "/adopt/edit")
    adoption_id = re.search(r'name="adoption_id" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    edited = client.post(
        "/adopt/edit",
        data={
            "csrf": etoken,
            "adoption_id": adoption_id,
            "month": "2021-03",
            "date": "2021-03-13",
            "bonus": "0.4",
        },
    )
    assert edited.status_code == 200, edited.text
    assert "已修改录用（录用日期由 2021年3月12日 改为 2021年3月13日；加分由 未填 改为 0.4 分）" in edited.text
    wtoken = csrf(client, "/adopt", "/adopt/withdraw")
    row = edited.text.split('id="adoption-list"')[1]
    fields = dict(
        re.findall(
            r'name="(submission_id|outlet|date)" value="([^"]*)"', row.split('action="/adopt/withdraw"')[1]
        )[:3]
    )
    gone = client.post(
        "/adopt/withdraw", data={"csrf": wtoken, "month": "2021-03", "reason": "登记错误", **fields}
    )
    assert "已撤销录用" in gone.text, gone.text
    withdrawn = gone.text.split('id="withdrawn-list"')[1].split("</ul>")[0]
    assert "新华日报，2021年3月13日：2021年3月20日 10:00 撤销，原因：登记错误" in withdrawn
    assert "还没有登记录用" in gone.text
    shown = re.sub(r"<[^>]+>", " ", gone.text)  # what a person reads: no ISO time, command or option
    assert not re.search(r"\d{4}-\d\d-\d\dT|draftdesk|--[a-z]", shown), shown
    actions = [e.action for e in list_events(Workspace(Path(client.ws_root)))]  # type: ignore[attr-defined]
    assert actions == ["adopt", "adopt_edit", "unadopt"]


def sheet(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["稿件编号", "录用媒体", "录用日期", "稿酬", "加分"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_adoption_sheet_is_all_or_nothing_and_the_template_downloads(client: TestClient) -> None:
    template = client.get("/adopt/template.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    token = csrf(client, "/adopt", "/adopt/sheet")
    bad = client.post(
        "/adopt/sheet",
        data={"csrf": token},
        files={
            "sheet": ("录用.xlsx", sheet([[1, "新华日报", "2021-03-12"], [99, "新华日报", "2021-03-12"]]))
        },
    )
    assert bad.status_code == 400 and "第3行" in bad.text and "稿件编号 99 不存在" in bad.text
    assert "新华日报" not in client.get("/score?period=2021-03").text.split('id="fees"')[-1]
    good = client.post(
        "/adopt/sheet",
        data={"csrf": token},
        files={"sheet": ("录用.xlsx", sheet([[1, "新华日报", "2021-03-12"]]))},
    )
    assert good.status_code == 200 and "已登记录用" in good.text
    # the 考核 page viewed before the import is not served from a stale cache
    assert "新华日报" in client.get("/score?period=2021-03").text.split('id="fees"')[-1]


def test_assign_records_and_refuses_an_unknown_unit(client: TestClient) -> None:
    token = csrf(client, "/adopt", "/adopt/assign")
    done = client.post(
        "/adopt/assign", data={"csrf": token, "month": "2021-03", "unit": "建设局", "count": "2"}
    )
    assert "已登记" in done.text and "建设局 2 篇" in done.text
    bad = client.post(
        "/adopt/assign", data={"csrf": token, "month": "2021-03", "unit": "火星局", "count": "2"}
    )
    assert bad.status_code == 400 and "火星局" in bad.text


def test_score_shows_the_tables_the_chart_and_the_workbook(client: TestClient) -> None:
    for period in ("2021-03", "2021Q1", "2021"):
        page = client.get(f"/score?period={period}")
        assert page.status_code == 200 and 'id="completion"' in page.text and "<svg" in page.text
    assert client.get("/score?period=三月").status_code == 400
    book = client.get("/score/xlsx?period=2021-03")
    assert book.status_code == 200 and book.content[:2] == b"PK"


def test_score_shows_the_warnings_and_open_progress_the_cli_prints(client: TestClient) -> None:
    month = client.get("/score?period=2021-03").text
    assert (
        '<p class="warning">注意：2021年3月尚未结束（今天 2021年3月20日），尚未到期的任务也按缺少计算；'
        "期末后再运行可得正式结果。</p>" in month
    )
    assert re.search(r'<th class="open" title="（至今）[^"]*">调研\(至今\)</th>', month)
    row = re.search(r"<tr><td><a [^>]*>办公室</a></td>.*?</tr>", month, re.S)
    assert row and '<td class="open">0/1</td>' in row.group(0)
    assert "规则文件" not in month
    earlier = client.get("/score?period=2020-12").text
    assert (
        "注意：工作目录没有 2020 年的规则文件，暂按此后最早的 2021 年的规则（draftdesk.toml）判定" in earlier
    )
    assert "尚未结束" not in earlier and "(至今)" not in earlier


@pytest.mark.parametrize("heading", ["2021年第1季度", "2021年度", "2021年3月"])
def test_the_period_box_takes_the_headings_the_page_writes(client: TestClient, heading: str) -> None:
    page = client.get("/score", params={"period": heading})
    assert page.status_code == 200
    assert f"<title>考核 {heading}" in page.text
    assert f'name="period" value="{heading}"' in page.text  # the box shows what it accepts


def test_score_states_the_rules_beside_the_figures(client: TestClient) -> None:
    page = client.get("/score?period=2021Q1").text
    rules = page.split('id="rules"')[1].split("</ul>")[0]
    assert "不结转：每个月（季、年）的任务单独考核" in rules
    assert "加分封顶：所有加分（多录用加分、媒体宣传加分）按自然年累计不超过 1.5 分" in rules
    assert "扣分、加分只适用于社区、村" in rules
    assert "微信原创稿件：每季度任务数按各单位任务分解表" in rules
    assert re.search(r'<th title="微信原创稿件：[^"]*不结转[^"]*">微信</th>', page)
    assert '<p class="warning" id="unfinished">2021年第1季度（未结束，截至2021年3月20日制表' in page


def test_the_year_page_carries_the_recommended_list_and_its_unfinished_mark(client: TestClient) -> None:
    token = csrf(client, "/adopt", "/adopt")
    done = client.post(
        "/adopt", data={"csrf": token, "submission_id": "1", "outlet": "新华日报", "date": "2021-03-12"}
    )
    assert done.status_code == 200
    year = client.get("/score", params={"period": "2021年度"}).text
    listed = year.split('id="nominees"')[1].split("</table>")[0]
    assert "<td>先进单位</td><td>1</td><td>湖滨社区</td><td>录用 1 篇" in listed
    assert "<td>先进个人</td><td>1</td><td>张三（湖滨社区）</td>" in listed
    assert "2021年度（未结束，截至2021年3月20日制表，非最终结果）" in year
    assert 'id="nominees"' not in client.get("/score?period=2021-03").text


def test_a_units_figure_opens_the_drafts_and_adoptions_behind_it(client: TestClient) -> None:
    page = client.get("/score?period=2021-03").text
    link = re.search(r'<a href="(/score/unit\?period=2021-03&amp;unit=[^"]+)">1/1</a>', page)
    assert link, page
    behind = client.get(link.group(1).replace("&amp;", "&"))
    assert behind.status_code == 200
    drafts = behind.text.split('id="drafts"')[1].split("</table>")[0]
    assert "湖滨社区开展消防演练" in drafts and "计入完成数" in drafts
    assert "短稿" in drafts and "不计入：稿件已退回" in drafts
    assert "计入 2021年3月即时通讯信息任务" in drafts
    assert client.get("/score/unit", params={"period": "2021-03", "unit": "火星局"}).status_code == 404


def test_the_ledger_is_datasette_read_only_with_chinese_queries(client: TestClient) -> None:
    home = client.get("/ledger/")
    assert home.status_code == 200, home.text
    db = client.get("/ledger/taizhang")
    assert "本月退回稿件" in db.text and "疑似重复稿件" in db.text
    rejected = client.get("/ledger/taizhang/本月退回稿件?month=2021-03")
    assert rejected.status_code == 200 and "短稿" in rejected.text
    refused = client.post("/ledger/taizhang", data={"sql": "DELETE FROM submissions"})
    assert refused.status_code >= 400
    assert open_ledger(_ledger_of(client)).table("submissions").count == 2


def test_the_ledger_pages_read_in_chinese(client: TestClient) -> None:
    home = client.get("/ledger/").text
    assert "<title>台账</title>" in home and "<h1>台账</h1>" in home
    assert ">台账首页</a>" in home and '<a href="/ledger/taizhang">台账数据库</a>' in home
    assert "14 张表：" in home
    assert '<a href="/ledger/taizhang/~E7~A8~BF~E4~BB~B6">稿件</a>' in home
    for english in ("rows in", ">home<", "tables</", "submissions"):
        assert english not in home, english
    db = client.get("/ledger/taizhang").text
    assert "<title>台账数据库</title>" in db
    for chinese in (
        "自定义 SQL 查询",
        "常用查询",
        "数据表",
        '<a href="/ledger/taizhang/~E7~A8~BF~E4~BB~B6">稿件</a>',
        "每篇来稿一行",
    ):
        assert chinese in db, chinese
    for english in ("Custom SQL query", ">Queries<", ">Tables<", " rows<", ">home<", "submissions"):
        assert english not in db, english


def _ledger_of(client: TestClient) -> Path:
    return Path(client.ws_root) / "outbox" / "ledger.db"  # type: ignore[attr-defined]


OUTSIDE = re.compile(
    r"""(?:src|href|action)=["']?(?:https?:)?//(?!127\.0\.0\.1|localhost|testserver)""", re.I
)


def test_an_unknown_page_or_a_wrong_method_answers_a_chinese_page_with_a_link_home(
    client: TestClient,
) -> None:
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "没有这个页面" in missing.text and '<a href="/">回到首页</a>' in missing.text
    assert "Not Found" not in missing.text and "detail" not in missing.text
    wrong = client.put("/check")
    assert wrong.status_code == 405 and "allow" in wrong.headers
    assert "这个页面不接受这样的请求" in wrong.text and '<a href="/">回到首页</a>' in wrong.text
    assert "Method Not Allowed" not in wrong.text
    not_a_number = client.get("/intake/abc/note")  # a 稿件编号 that is no number: no such page
    assert not_a_number.status_code == 404 and "没有这个页面" in not_a_number.text
    assert "int_parsing" not in not_a_number.text and "detail" not in not_a_number.text
    bad_field = client.get("/intake?page=abc")
    assert bad_field.status_code == 400 and "请求的内容无法识别" in bad_field.text


def test_no_page_references_an_outside_url(client: TestClient) -> None:
    pages = [
        "/",
        "/check",
        "/intake",
        "/intake/2/note",
        "/adopt",
        "/score?period=2021",
        "/ledger/",
        "/ledger/taizhang",
    ]
    for page in pages:
        html = client.get(page).text
        assert not OUTSIDE.search(html), (page, OUTSIDE.search(html))
        assert "cdn" not in html.lower() or page.startswith("/ledger"), page
    css = client.get("/static/desk.css").text
    assert "http" not in css


def test_off_loopback_the_clerk_pages_need_the_password(ws) -> None:
    assert refusal_to_start("0.0.0.0", "") and "密码" in (refusal_to_start("0.0.0.0", "") or "")
    assert refusal_to_start("127.0.0.1", "") is None
    assert refusal_to_start("127.0.0.2", "")  # a second loopback may be forwarded: the password too
    client = TestClient(create_app(*ws, password_hash=hash_password("秘密"), protect=True))
    # every office page, the home page and the open 自查 included (a unit checks on its own page)
    for page in ("/", "/check", "/intake", "/intake/2/original", "/adopt", "/score", "/ledger/"):
        assert client.get(page).status_code == 401, page
    assert client.get("/intake", auth=("办公室", "wrong")).status_code == 401
    assert client.get("/intake", auth=("office", "秘密")).status_code == 200
    assert client.get("/ledger/", auth=("office", "秘密")).status_code == 200


def test_intake_pages_a_long_month(ws) -> None:
    db = open_ledger(ws[0].ledger_path)
    with db.conn:
        for i in range(450):
            record_submission_row(
                db,
                unit="建设局",
                content_type="instant",
                title=f"稿件{i}",
                received_at="2021-03-15T09:00:00+08:00",
                verdict="accepted",
                counted=1,
            )
    db.close()
    client = TestClient(create_app(*ws))
    first = client.get("/intake?month=2021-03").text
    assert "共 452 篇，合格 451，退回 1" in first and "第 1/3 页" in first and "下一页" in first
    last = client.get("/intake?month=2021-03&page=3").text
    assert "第 3/3 页" in last and "上一页" in last and "消防演练" in last


def test_web_refuses_to_start_off_loopback_without_a_password(ws) -> None:
    from typer.testing import CliRunner

    from cli.app import app

    result = CliRunner().invoke(app, ["web", "--workspace", str(ws[0].root), "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "没有设置密码" in result.output and "password_hash" in result.output


def test_a_bad_password_hash_in_the_rulebook_is_refused(ws) -> None:
    from rules import RulebookError

    path = ws[0].rulebook_path
    path.write_text(
        path.read_text(encoding="utf-8").replace('password_hash = ""', 'password_hash = "secret"')
    )
    with pytest.raises(RulebookError, match=r"web\.password_hash"):
        ws[0].rulebook()


def test_adoptions_list_shows_level_and_the_rules_fee_and_units_are_ticked(ws, client: TestClient) -> None:
    from scoring.fees import adoption_fee
    from tests.ledger_support import add_adoption

    db = open_ledger(Path(client.ws_root) / "outbox" / "ledger.db")  # type: ignore[attr-defined]
    add_adoption(db, 1, "常州日报", "city", "2021-03-15", None, None, "网页登记")
    db.close()
    html = client.get("/adopt?month=2021-03").text
    fee = adoption_fee("instant", "city", None, False, ws[1])
    assert "常州日报（市级）" in html and f"按规则：稿酬 {fee:g} 元" in html
    assert html.count('type="checkbox" name="units"') == 23 and "multiple size" not in html
    assert "按篇数登记约稿（党委政务信息）" in html and "逐条发出约稿（题目、单位、截止日期）" in html
    assert "约稿任务</h2>" not in html


def test_the_intake_list_says_what_its_photo_figures_are(client: TestClient) -> None:
    html = client.get("/intake?month=2021-03").text
    assert "<th>照片（共 / 高清）</th>" in html
