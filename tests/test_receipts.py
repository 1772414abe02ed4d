"""Receipts in the unit's own folder (issue 18, part 1): written after filing, exact in content
and encoding, written by the next sweep when a crash fell before them, never taken as drafts."""

from __future__ import annotations

import pytest

from intake import receipts
from intake.inventory import list_items
from intake.pipeline import sweep
from intake.watcher import item_for_path
from ledger import intake as ledger
from ledger.schema import open_ledger
from tests.factory import news_draft
from tests.intake_support import INSTANT, drop, inbox_items, workspace
from tests.intake_support import receipts as receipts_in

pytestmark = pytest.mark.integration  # real workspaces, real SQLite ledgers

BOM = b"\xef\xbb\xbf"


def _row(ws, sub_id=1):
    db = open_ledger(ws.ledger_path)
    try:
        return ledger.submission(db, sub_id)
    finally:
        db.close()


def test_an_accepted_draft_gets_a_receipt_in_its_units_folder_with_every_fact(ws_rb):
    ws, rb = ws_rb
    drop(ws, f"湖滨社区/{INSTANT}/活动.docx", news_draft(300, photos=1))
    [outcome] = sweep(ws, rb, settled=True).outcomes
    assert (outcome.verdict, outcome.counted) == ("accepted", True)

    [receipt] = receipts_in(ws)
    assert receipt == ws.inbox / "湖滨社区" / "回执" / "1_活动.docx.合格.txt"
    data = receipt.read_bytes()
    assert data.startswith(BOM) and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert data[3:].decode("utf-8").split("\r\n") == [
        "收稿回执",
        "",
        "稿件编号：1",
        f"稿件：湖滨社区/{INSTANT}/活动.docx",
        "标题：湖滨社区开展垃圾分类宣传活动",
        "报送单位：湖滨社区",
        "稿件类型：即时通讯信息",
        "收稿时间：2021年3月12日 15:00",
        "审核结果：合格",
        "是否计入：计入 2021年3月即时通讯信息任务",
        "字数：正文 300 字（Word 状态栏显示全文 314 字）",
        "照片：共 1 张，合格照片 1 张",
        "",
    ]
    row = _row(ws)
    assert row is not None and row["receipt_at"] == "2021-03-12T15:00:00+08:00"
    assert row["receipt_path"] == f"inbox/湖滨社区/回执/{receipt.name}"


def test_a_returned_draft_gets_a_receipt_holding_the_same_note_as_the_outbox(ws_rb):
    ws, rb = ws_rb
    drop(ws, f"湖滨社区/{INSTANT}/短稿.docx", news_draft(40))
    [outcome] = sweep(ws, rb, settled=True).outcomes
    assert outcome.verdict == "rejected"

    [receipt] = receipts_in(ws)
    assert receipt.name == "1_短稿.docx.退回.txt"
    text = receipt.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    note = (ws.root / str(outcome.note_path)).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    assert "审核结果：退回\n" in text
    assert "是否计入：不计入：稿件已退回，原因见退回说明，修改后可重新报送\n" in text
    # the note follows once, without its heading and the facts the receipt already printed
    assert text.endswith("—— 退回说明 ——\n\n" + note[note.index("处理结果：") :])
    assert text.count("稿件编号：") == 1 and text.count("收稿时间：") == 1
    assert "稿件退回说明" not in text
    assert "T15:00" not in text  # no ISO time for people


def test_a_crash_before_the_receipt_leaves_it_due_and_the_next_sweep_writes_it(ws_rb, monkeypatch):
    ws, rb = ws_rb
    drop(ws, f"湖滨社区/{INSTANT}/活动.docx", news_draft(300, photos=1))

    def crash(*args, **kwargs):
        raise RuntimeError("killed between filing and the receipt")

    monkeypatch.setattr(receipts, "write_receipt_of", crash)
    [outcome] = sweep(ws, rb, settled=True).outcomes
    assert (outcome.verdict, outcome.failed) == ("accepted", False)  # filing was not blocked
    assert (ws.root / outcome.stored_path).is_file() and inbox_items(ws) == []
    assert receipts_in(ws) == []
    row = _row(ws)
    assert row is not None and (row["state"], row["receipt_at"]) == ("filed", None)

    monkeypatch.undo()
    assert sweep(ws, rb, settled=True).outcomes == []
    assert [p.name for p in receipts_in(ws)] == ["1_活动.docx.合格.txt"]
    row = _row(ws)
    assert row is not None and row["receipt_at"] is not None


def test_a_receipt_that_cannot_be_written_never_blocks_filing(ws_rb):
    ws, rb = ws_rb
    folder = ws.inbox / "湖滨社区" / "回执"
    folder.rmdir()
    folder.write_bytes(b"a file where the folder should be")
    drop(ws, f"湖滨社区/{INSTANT}/活动.docx", news_draft(300, photos=1))
    [outcome] = sweep(ws, rb, settled=True).outcomes
    assert (outcome.verdict, outcome.failed) == ("accepted", False)
    assert (ws.root / outcome.stored_path).is_file()
    row = _row(ws)
    assert row is not None and (row["state"], row["receipt_at"]) == ("filed", None)


def test_files_in_the_receipt_folder_are_never_taken_as_drafts(ws_rb):
    ws, rb = ws_rb
    stray = drop(ws, "湖滨社区/回执/稿件.docx", news_draft(300, photos=1))
    drop(ws, "湖滨社区/回执/旧回执/1_a.docx.合格.txt", b"x")
    assert list_items(ws.inbox, rb) == []
    assert item_for_path(ws.inbox, stray, rb) is None
    assert item_for_path(ws.inbox, stray.parent / "旧回执" / "1_a.docx.合格.txt", rb) is None
    assert sweep(ws, rb, settled=True).outcomes == []
    assert stray.is_file()


def test_init_makes_a_receipt_folder_for_every_unit(ws_rb):
    ws, rb = ws_rb
    assert all((ws.inbox / unit.name / rb.intake.receipt_folder).is_dir() for unit in rb.units)
    assert rb.intake.receipt_folder == "回执"


def test_an_accepted_drafts_receipt_counts_its_photos_and_names_the_rulebook_of_another_year(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("DRAFTDESK_NOW", "2022-03-12T15:00:00")  # the workspace has only 2021's rules
    ws, rb = workspace(tmp_path / "ws")
    drop(ws, f"湖滨社区/{INSTANT}/活动.docx", news_draft(300, photos=2))
    [outcome] = sweep(ws, rb, settled=True).outcomes
    assert outcome.verdict == "accepted"
    [receipt] = receipts_in(ws)
    lines = receipt.read_bytes().decode("utf-8-sig").split("\r\n")
    assert "稿件类型：即时通讯信息" in lines
    assert "照片：共 2 张，合格照片 2 张" in lines
    assert (
        "判定规则：工作目录没有 2022 年的规则文件，暂按此前最近的 2021 年的规则（draftdesk.toml）判定；"
        "请办公室新建并核对 2022 年的规则文件。"
    ) in lines


def test_an_officer_form_gets_a_receipt_too(ws_rb):
    from tests.test_officer_form import officer_form

    ws, rb = ws_rb
    drop(ws, "湖滨社区/信息员/推荐表.docx", officer_form("张三"))
    [outcome] = sweep(ws, rb, settled=True).outcomes
    assert outcome.verdict == "officer"
    [receipt] = receipts_in(ws)
    assert receipt.name == "信息员推荐表_推荐表.docx.合格.txt"
    text = receipt.read_bytes().decode("utf-8-sig")
    assert "信息员推荐表：已登记（已登记信息员 张三）" in text


def test_a_late_drafts_receipt_and_notice_say_not_counted_in_the_notes_one_wording(ws_rb):
    ws, rb = ws_rb
    drop(ws, f"湖滨社区/{INSTANT}/迟报.docx", news_draft(300, photos=1, lead_date="3月9日上午，"))
    [outcome] = sweep(ws, rb, settled=True).outcomes
    assert (outcome.verdict, outcome.counted) == ("accepted", False)
    [receipt] = receipts_in(ws)
    text = receipt.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    assert (
        "是否计入：不计入当月完成数：迟报（应在 2021年3月10日 12:00 前报送，实际收稿 2021年3月12日 15:00）\n"
        in text
    )
    assert "已登记，但不计入当月完成数：活动时间为2021年3月9日上午" in text
    assert "予以登记" not in text  # said once, in the notice's own line
