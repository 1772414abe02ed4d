"""Issue 25, cases 1, 2, 3, 4, 6, 7 as the clerk and a unit met them (real sweeps into real
workspaces): every reader of "does it count" and "what is it paid" says what the score says."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.app import app
from intake.pipeline import sweep
from rules.periods import parse_period
from service.bulletin import gather
from service.units import unit_links
from tests.factory import news_draft
from tests.intake_support import INSTANT, drop
from tests.intake_support import receipts as receipts_in
from web.app import create_app

pytestmark = pytest.mark.integration  # real sweeps, SQLite ledgers and the web app

RUNNER = CliRunner()
HUBIN = "湖滨社区"


def _cli(ws, *args):
    return RUNNER.invoke(app, [*args, "--workspace", str(ws.root)])


def _completion(ws, key, month="2021-03"):
    result = _cli(ws, "score", "--month", month, "--json")
    assert result.exit_code == 0, result.output
    [row] = [u for u in json.loads(result.stdout)["units"] if u["unit"] == HUBIN]
    return row["completion"].get(key, {}).get("counted", 0), row["fees"]


def _page(ws, rb):
    links = {link.unit: link.url.rsplit("/u/", 1)[1] for link in unit_links(ws, rb, "http://d")}
    client = TestClient(create_app(ws, rb, password_hash="", protect=True, ledger=False))
    return re.sub(r"<[^>]+>", " ", client.get(f"/u/{links[HUBIN]}").text)


def _receipt(ws, sub_id):
    [found] = [p for p in receipts_in(ws) if p.name.startswith(f"{sub_id}_")]
    return found.read_bytes()[3:].decode("utf-8").replace("\r\n", "\n")


def _wechat_notice(seed=0):
    head = ["拟发布日期：2021年3月20日"]
    return news_draft(600, title="湖滨社区停水通知", photos=5, head=head, seed=seed)


def test_case1_counting_an_announcement_by_decision_counts_it_in_the_score(ws_rb):
    ws, rb = ws_rb
    drop(ws, f"{HUBIN}/微信原创稿件/停水通知.docx", _wechat_notice())
    [outcome] = sweep(ws, rb, settled=True).outcomes
    assert outcome.verdict == "accepted"
    assert _completion(ws, "wechat")[0] == 0
    done = _cli(ws, "decide", "1", "--count", "--reason", "经研究按原创稿件计入")
    assert done.exit_code == 0, done.output
    assert "考核：计入 2021年第1季度微信原创稿件任务（办公室核定）。" in done.output
    assert _completion(ws, "wechat")[0] == 1
    undone = _cli(ws, "decide", "1", "--undo", "--reason", "核定有误")
    assert undone.exit_code == 0, undone.output
    assert "不计入本季度完成数：通知公告类稿件不纳入考核（稿酬按最低标准）" in _receipt(ws, 1)
    assert _cli(ws, "decide", "1", "--count", "--reason", "经研究按原创稿件计入").exit_code == 0
    assert "是否计入：计入 2021年第1季度微信原创稿件任务（办公室核定）" in _receipt(ws, 1)


def test_case2_counting_an_exact_copy_is_refused_naming_the_first_draft(ws_rb):
    ws, rb = ws_rb
    data = news_draft(300, photos=1)
    drop(ws, f"{HUBIN}/{INSTANT}/活动.docx", data)
    sweep(ws, rb, settled=True)
    drop(ws, f"{HUBIN}/{INSTANT}/活动再报.docx", data)
    sweep(ws, rb, settled=True)
    refused = _cli(ws, "decide", "2", "--count", "--reason", "单位说是补报")
    assert refused.exit_code == 1, refused.output
    assert "稿件 2 与稿件 1 是同一文件" in refused.output and "未作任何核定" in refused.output
    accepted = _cli(ws, "decide", "2", "--accept", "--reason", "单位说是补报")
    assert accepted.exit_code == 0 and "合格，不计入考核" in accepted.output, accepted.output
    assert "是否计入：不计入当月完成数：办公室核定不计入（理由：单位说是补报）" in _receipt(ws, 2)
    counted = _completion(ws, "instant")[0]
    assert counted == 1
    data = gather(ws, rb, parse_period("2021-03"))
    assert data.drafts[HUBIN].counted == counted


def test_case3_a_piece_adopted_twice_is_paid_once_at_the_highest_standard(ws_rb):
    ws, rb = ws_rb
    drop(ws, f"{HUBIN}/{INSTANT}/活动.docx", news_draft(300, photos=1))
    sweep(ws, rb, settled=True)
    for outlet in ("武进日报", "常州日报"):
        adopted = _cli(ws, "adopt", "1", "--outlet", outlet, "--date", "2021-03-12")
        assert adopted.exit_code == 0, adopted.output
    assert _completion(ws, "instant")[1] == 20
    text = _page(ws, rb)
    assert "稿酬 10 元" not in text and text.count("稿酬 20 元") == 1
    assert "不重复奖励，按最高标准发放" in text
    from reports.behind import figures_behind

    behind = figures_behind(ws, parse_period("2021-03"), HUBIN)
    assert sum(a.fee for a in behind.adoptions) == 20
    assert [a.fee_note for a in behind.adoptions] == ["不重复奖励，按最高标准发放", ""]


def test_case4_an_unadopted_xuexi_draft_waits_on_its_receipt_and_page(ws_rb):
    ws, rb = ws_rb
    drop(ws, f"{HUBIN}/学习强国/强国稿.docx", news_draft(600, photos=3, photo_size=(1920, 1080)))
    [outcome] = sweep(ws, rb, settled=True).outcomes
    assert outcome.verdict == "accepted", outcome
    assert "是否计入：暂不计入：学习强国按录用篇数计入，录用后自动计入" in _receipt(ws, 1)
    assert "暂不计入" in _page(ws, rb) and _completion(ws, "xuexi")[0] == 0


def test_case4b_an_adopted_xuexi_piece_the_office_does_not_count_reads_so_on_its_adoption_too(ws_rb):
    ws, rb = ws_rb
    drop(ws, f"{HUBIN}/学习强国/强国稿.docx", news_draft(600, photos=3, photo_size=(1920, 1080)))
    sweep(ws, rb, settled=True)
    assert _cli(ws, "adopt", "1", "--outlet", "学习强国省级", "--date", "2021-03-12").exit_code == 0
    assert _completion(ws, "xuexi")[0] == 1
    done = _cli(ws, "decide", "1", "--not-count", "--reason", "内容重复发表")
    assert done.exit_code == 0, done.output
    from reports.behind import figures_behind

    behind = figures_behind(ws, parse_period("2021-03"), HUBIN)
    assert [(d.id, d.counts) for d in behind.drafts] == [(1, False)]
    assert [(a.submission_id, a.counts) for a in behind.adoptions] == [(1, False)]
    assert _completion(ws, "xuexi")[0] == 0


def test_case5b_a_draft_the_office_rejects_has_the_offices_reason_on_the_workbooks_rejections(ws_rb):
    ws, rb = ws_rb
    drop(ws, f"{HUBIN}/{INSTANT}/活动.docx", news_draft(300, photos=1))
    sweep(ws, rb, settled=True)
    assert _cli(ws, "decide", "1", "--reject", "--reason", "内容与事实不符").exit_code == 0
    from reports.assessment import assess_period

    [row] = assess_period(ws, parse_period("2021-03")).rejections
    assert (row.id, row.reasons) == (1, ("办公室核定退回（理由：内容与事实不符）",))


def test_case6_after_a_decision_the_unit_reads_the_offices_reason_not_the_machines_advice(ws_rb):
    ws, rb = ws_rb
    drop(ws, f"{HUBIN}/{INSTANT}/无照片.docx", news_draft(300, photos=0))
    [outcome] = sweep(ws, rb, settled=True).outcomes
    assert outcome.verdict == "rejected"
    done = _cli(ws, "decide", "1", "--accept", "--reason", "照片已另行报送")
    assert done.exit_code == 0, done.output
    text = _page(ws, rb)
    assert "照片已另行报送" in text and "请补充" not in text
    assert "计入 2021年3月即时通讯信息任务" in text


def test_case7_the_console_says_the_types_own_period(ws_rb):
    ws, _ = ws_rb
    late = news_draft(600, title="湖滨社区活动", photos=5, head=["拟发布日期：2021年3月13日"])
    drop(ws, f"{HUBIN}/微信原创稿件/晚报.docx", late)
    result = _cli(ws, "run")
    assert result.exit_code == 0, result.output
    assert "当月" not in result.output and "不计入本季度完成数" in result.output
