"""核定 (issue 19, part 1): the office overturns a verdict or a counted decision with a reason,
and undoes it; the files move by the new plan, the note and receipt say what was decided, the
score follows, the log keeps every decision, `verify` still passes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.app import app
from intake.pipeline import sweep
from ledger import intake as ledger
from ledger.schema import open_ledger
from service import decisions
from service.errors import BadInput, StillAdopted, UnknownDraft
from service.events import Actor, list_events
from service.verify import check_workspace
from tests.factory import news_draft
from tests.intake_support import INSTANT, drop
from tests.intake_support import receipts as receipts_in

pytestmark = pytest.mark.integration  # real sweeps into real workspaces and SQLite ledgers

RUNNER = CliRunner()
CLERK = Actor("测试员@pc")
REASON = "活动照片已补交，经核实合格"


def _row(ws, sub_id=1):
    db = open_ledger(ws.ledger_path)
    try:
        return ledger.submission(db, sub_id)
    finally:
        db.close()


def _counted(ws, unit="湖滨社区"):
    result = RUNNER.invoke(app, ["score", "--month", "2021-03", "--json", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    [row] = [u for u in data["units"] if u["unit"] == unit]
    return row["completion"]["instant"]["counted"]


def _decide(ws, *args):
    return RUNNER.invoke(app, ["decide", *args, "--workspace", str(ws.root)])


def test_a_rejected_draft_accepted_by_the_office_moves_counts_and_tells_the_unit_then_undo_returns_it(ws_rb):
    ws, rb = ws_rb
    drop(ws, f"湖滨社区/{INSTANT}/短稿.docx", news_draft(40))
    [outcome] = sweep(ws, rb, settled=True).outcomes
    assert outcome.verdict == "rejected"
    rejected_at = ws.rejected / "湖滨社区" / "1_短稿.docx"
    assert rejected_at.exists() and _counted(ws) == 0
    [old_receipt] = receipts_in(ws)
    assert old_receipt.name == "1_短稿.docx.退回.txt"

    result = _decide(ws, "1", "--accept", "--reason", REASON)
    assert result.exit_code == 0, result.output
    assert "退回，不计入考核 → 合格，计入考核" in result.stdout

    accepted_at = ws.accepted / "2021-03" / "湖滨社区" / "1_短稿.docx"
    assert accepted_at.exists() and not rejected_at.exists()
    assert not (rejected_at.parent / "1_短稿.docx.退回说明.txt").exists()
    [receipt] = receipts_in(ws)
    assert receipt.name == "1_短稿.docx.合格.txt"
    text = receipt.read_bytes()[3:].decode("utf-8")
    assert "审核结果：合格" in text and "是否计入：计入" in text
    assert f"办公室核定：本稿合格，计入考核。理由：{REASON}。" in text
    assert "—— 原审核说明（已由上面的办公室核定取代，仅供参考）——" in text and "—— 退回说明 ——" not in text
    assert _counted(ws) == 1
    listed = RUNNER.invoke(app, ["list", "--verdict", "合格", "--workspace", str(ws.root)])
    assert "短稿" in listed.stdout
    row = _row(ws)
    assert (row["verdict"], row["decided_verdict"], row["effective_verdict"]) == (
        "rejected",
        "accepted",
        "accepted",
    )
    assert check_workspace(ws) == []

    refused = _decide(ws, "1", "--undo")  # an undo needs its reason too
    assert refused.exit_code == 1 and "核定必须写明理由" in refused.output
    undone = _decide(ws, "1", "--undo", "--reason", "核定有误，恢复系统审核结果")
    assert undone.exit_code == 0, undone.output
    assert rejected_at.exists() and not accepted_at.exists()
    note = (rejected_at.parent / "1_短稿.docx.退回说明.txt").read_bytes()[3:].decode("utf-8")
    assert "办公室核定" not in note and note.strip() == row["note_text"].strip().replace("\n", "\r\n")
    [receipt] = receipts_in(ws)
    assert receipt.name == "1_短稿.docx.退回.txt" and "审核结果：退回" in receipt.read_bytes()[3:].decode()
    assert _counted(ws) == 0
    assert check_workspace(ws) == []

    events = list_events(ws, 1)
    assert [(e.action, e.before["verdict"], e.after["verdict"]) for e in events] == [
        ("decide", "rejected", "accepted"),
        ("decide", "accepted", "rejected"),
    ]
    assert events[0].reason == REASON and "@" in events[0].actor  # user@host at the command line
    assert "核定 稿件 1：审核结果 退回，计入考核 否 → 审核结果 合格，计入考核 是；原因：" in events[0].line()
    status = RUNNER.invoke(app, ["status", "--workspace", str(ws.root)])
    assert "已退回：1 件" in status.stdout
    assert RUNNER.invoke(app, ["log", "--verify", "--workspace", str(ws.root)]).exit_code == 0


def test_an_accepted_draft_rejected_by_the_office_gets_a_note_and_stops_counting(ws_rb):
    ws, rb = ws_rb
    drop(ws, f"湖滨社区/{INSTANT}/活动.docx", news_draft(300, photos=1))
    [outcome] = sweep(ws, rb, settled=True).outcomes
    assert (outcome.verdict, outcome.counted) == ("accepted", True) and _counted(ws) == 1

    done = decisions.decide(ws, rb, 1, "reject", "照片与活动无关", actor=CLERK)
    assert done.after == "退回，不计入考核"
    stored = ws.rejected / "湖滨社区" / "1_活动.docx"
    assert stored.exists() and not (ws.accepted / "2021-03" / "湖滨社区" / "1_活动.docx").exists()
    note = (stored.parent / "1_活动.docx.退回说明.txt").read_bytes()[3:].decode("utf-8")
    assert note.startswith("办公室核定：本稿退回，不计入考核。理由：照片与活动无关。")
    [receipt] = receipts_in(ws)
    assert receipt.name == "1_活动.docx.退回.txt"
    assert _counted(ws) == 0 and check_workspace(ws) == []

    decisions.decide(ws, rb, 1, "undo", "核定有误", actor=CLERK)
    assert (ws.accepted / "2021-03" / "湖滨社区" / "1_活动.docx").exists()
    assert not (stored.parent / "1_活动.docx.退回说明.txt").exists()
    assert [r.name for r in receipts_in(ws)] == ["1_活动.docx.合格.txt"]
    assert _counted(ws) == 1 and check_workspace(ws) == []


def test_not_counting_and_counting_again_move_between_notice_and_none(ws_rb):
    ws, rb = ws_rb
    drop(ws, f"湖滨社区/{INSTANT}/活动.docx", news_draft(300, photos=1))
    sweep(ws, rb, settled=True)

    decisions.decide(ws, rb, 1, "not_count", "与上月稿件重复报道", actor=CLERK)
    stored = ws.accepted / "2021-03" / "湖滨社区" / "1_活动.docx"
    notice = stored.parent / "1_活动.docx.未计入.txt"
    assert stored.exists() and notice.exists()
    assert "合格，不计入考核" in notice.read_bytes()[3:].decode("utf-8")
    assert [r.name for r in receipts_in(ws)] == ["1_活动.docx.未计入.txt"]
    assert _counted(ws) == 0 and check_workspace(ws) == []

    decisions.decide(ws, rb, 1, "count", "经核实为不同活动", actor=CLERK)
    assert stored.exists() and not notice.exists()
    assert [r.name for r in receipts_in(ws)] == ["1_活动.docx.合格.txt"]
    assert _counted(ws) == 1 and check_workspace(ws) == []
    assert len(list_events(ws, 1)) == 2

    [receipt] = receipts_in(ws)
    receipt.unlink()  # verify reads the receipt from the stored plan too
    [problem] = check_workspace(ws)
    assert problem.line() == f"稿件编号 1：回执缺失：inbox/湖滨社区/回执/{receipt.name}"


def test_a_decision_without_a_reason_or_of_an_unknown_draft_is_refused_in_chinese(ws_rb):
    ws, rb = ws_rb
    drop(ws, f"湖滨社区/{INSTANT}/活动.docx", news_draft(300, photos=1))
    sweep(ws, rb, settled=True)

    with pytest.raises(BadInput, match="核定必须写明理由"):
        decisions.decide(ws, rb, 1, "reject", "  ", actor=CLERK)
    with pytest.raises(UnknownDraft, match="稿件编号 99 不存在，未作任何核定"):
        decisions.decide(ws, rb, 99, "accept", REASON, actor=CLERK)
    with pytest.raises(BadInput, match="现已是“合格，计入考核”"):
        decisions.decide(ws, rb, 1, "accept", REASON, actor=CLERK)
    with pytest.raises(BadInput, match="没有办公室核定，无需撤销"):
        decisions.decide(ws, rb, 1, "undo", "核定有误", actor=CLERK)
    result = _decide(ws, "1", "--reject")
    assert result.exit_code == 1 and "核定必须写明理由" in result.output
    assert _decide(ws, "1", "--reason", "x").exit_code == 1
    assert list_events(ws, 1) == []


def test_a_rejected_draft_can_be_adopted_only_after_the_office_accepts_it(ws_rb):
    ws, rb = ws_rb
    drop(ws, f"湖滨社区/{INSTANT}/短稿.docx", news_draft(40))
    sweep(ws, rb, settled=True)

    refused = RUNNER.invoke(app, ["adopt", "1", "--outlet", "武进日报", "--workspace", str(ws.root)])
    assert refused.exit_code == 1
    assert "稿件 1 已退回，不能登记录用，请先由办公室核定为合格（写明理由）再登记" in refused.output

    assert _decide(ws, "1", "--accept", "--reason", "已被武进日报录用，内容合格").exit_code == 0
    adopted = RUNNER.invoke(app, ["adopt", "1", "--outlet", "武进日报", "--workspace", str(ws.root)])
    assert adopted.exit_code == 0, adopted.output
    assert [e.action for e in list_events(ws, 1)] == ["decide", "adopt"]
    assert check_workspace(ws) == []


def test_an_adopted_draft_cannot_be_rejected_or_undone_back_to_rejected_until_its_adoptions_are_withdrawn(
    ws_rb,
):
    ws, rb = ws_rb
    drop(ws, f"湖滨社区/{INSTANT}/短稿.docx", news_draft(40))
    sweep(ws, rb, settled=True)
    assert _decide(ws, "1", "--accept", "--reason", "已被武进日报录用，内容合格").exit_code == 0
    adopt = ["adopt", "1", "--outlet", "武进日报", "--date", "2021-03-12", "--workspace", str(ws.root)]
    assert RUNNER.invoke(app, adopt).exit_code == 0
    before = (_row(ws), [e.action for e in list_events(ws, 1)], _counted(ws))

    with pytest.raises(StillAdopted) as refused:
        decisions.decide(ws, rb, 1, "reject", "内容有误", actor=CLERK)
    assert refused.value.adoptions == (("武进日报", "2021-03-12"),) and not refused.value.undo
    with pytest.raises(StillAdopted) as undone:
        decisions.decide(ws, rb, 1, "undo", "核定有误", actor=CLERK)
    assert undone.value.undo
    said = _decide(ws, "1", "--reject", "--reason", "内容有误")
    assert said.exit_code == 1
    assert "稿件 1《" in said.output and "现有录用：武进日报 2021年3月12日" in said.output
    assert "draftdesk unadopt 1 --outlet 武进日报 --date 2021-03-12" in said.output
    assert (_row(ws), [e.action for e in list_events(ws, 1)], _counted(ws)) == before

    unadopt = ["unadopt", "1", "--outlet", "武进日报", "--reason", "登记错误", "--workspace", str(ws.root)]
    assert RUNNER.invoke(app, unadopt).exit_code == 0
    assert _decide(ws, "1", "--reject", "--reason", "内容有误").exit_code == 0
    assert _row(ws)["effective_verdict"] == "rejected"
    assert check_workspace(ws) == []


def _csrf(client, page, form):
    import re

    html = client.get(page).text
    found = re.search(rf'action="{re.escape(form)}".*?name="csrf" value="([0-9a-f]+)"', html, re.S)
    assert found, html
    return found.group(1)


def test_the_desk_lists_drafts_waiting_for_a_decision_and_decides_them_with_a_reason(ws_rb, monkeypatch):
    from fastapi.testclient import TestClient

    from web.app import create_app

    monkeypatch.delenv("DRAFTDESK_WEB_PASSWORD", raising=False)
    ws, rb = ws_rb
    drop(
        ws,
        f"湖滨社区/{INSTANT}/无日期.docx",
        news_draft(300, photos=1, lead_date="近日，", title="无日期的稿件"),
    )
    drop(ws, f"湖滨社区/{INSTANT}/活动.docx", news_draft(300, photos=1, seed=1, title="有日期的稿件"))
    sweep(ws, rb, settled=True)
    client = TestClient(create_app(ws, rb))

    waiting = client.get("/intake?month=2021-03&verdict=pending").text
    assert "无日期的稿件" in waiting and "有日期的稿件" not in waiting and "共 1 篇" in waiting
    [pending_id] = [r["id"] for r in [_row(ws, 1), _row(ws, 2)] if r["title"] == "无日期的稿件"]

    token = _csrf(client, "/intake?month=2021-03", f"/intake/{pending_id}/decide")
    refused = client.post(
        f"/intake/{pending_id}/decide", data={"csrf": token, "choice": "not_count", "reason": ""}
    )
    assert refused.status_code == 400 and "核定必须写明理由" in refused.text
    unknown = client.post("/intake/99/decide", data={"csrf": token, "choice": "accept", "reason": "x"})
    assert unknown.status_code == 404 and "稿件编号 99 不存在" in unknown.text
    forged = client.post(
        f"/intake/{pending_id}/decide", data={"csrf": "0" * 64, "choice": "reject", "reason": "x"}
    )
    assert forged.status_code == 403

    done = client.post(
        f"/intake/{pending_id}/decide", data={"csrf": token, "choice": "not_count", "reason": "活动已过时效"}
    )
    assert done.status_code == 200 and "合格，计入考核 → 合格，不计入考核" in done.text
    assert "办公室核定：本稿合格，不计入考核。理由：活动已过时效。" in done.text
    assert "办公室（testclient）" in done.text  # the event, by the desk's clerk and address
    assert "共 0 篇" in client.get("/intake?month=2021-03&verdict=pending").text
    assert "已核定" in client.get("/intake?month=2021-03").text
    assert _row(ws, pending_id)["effective_counted"] == 0
    assert check_workspace(ws) == []


def test_the_desk_titles_an_accepted_drafts_note_as_the_offices_decision(ws_rb):
    from fastapi.testclient import TestClient

    from web.app import create_app

    ws, rb = ws_rb
    drop(ws, f"湖滨社区/{INSTANT}/短稿.docx", news_draft(40))
    sweep(ws, rb, settled=True)
    assert _decide(ws, "1", "--accept", "--reason", REASON).exit_code == 0
    page = TestClient(create_app(ws, rb, ledger=False)).get("/intake/1/note")
    assert page.status_code == 200
    assert "<title>核定说明 · 稿件 1" in page.text and "未计入说明" not in page.text
    assert "短稿.核定说明.txt" in page.text
