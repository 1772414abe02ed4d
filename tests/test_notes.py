"""The rejection note: plain Chinese a unit can act on, as a Windows-friendly text file."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

from checks.identity import identify
from checks.judge import judge
from checks.notes import note_bytes, render_note
from extractors.model import DateMention
from tests.factory import draft_value, photo_value

TZ = ZoneInfo("Asia/Shanghai")
RECEIVED = dt.datetime(2021, 3, 13, 13, 5, tzinfo=TZ)
PATH = "湖滨社区/即时通讯信息/垃圾分类.docx"


def note_for(draft, relpath: str = PATH) -> str:
    from rules import load_rulebook

    rulebook = load_rulebook()
    identity = identify(PurePosixPath(relpath), draft, rulebook)
    judgement = judge(draft, identity, rulebook, RECEIVED)
    return render_note(draft, judgement, rulebook, RECEIVED, relpath)


def test_note_names_the_draft_the_unit_and_the_received_time() -> None:
    note = note_for(draft_value(187, zishu_all=236, photos=[photo_value(seed=1)]))
    assert note.startswith("西湖街道信息宣传稿件退回说明\n")
    assert f"稿件：{PATH}" in note
    assert "标题：湖滨社区开展垃圾分类宣传活动" in note
    assert "报送单位：湖滨社区" in note and "稿件类型：即时通讯信息" in note
    assert "收稿时间：2021年3月13日 13:05" in note


def test_note_gives_measured_value_requirement_and_word_figure() -> None:
    note = note_for(draft_value(187, zishu_all=236, photos=[photo_value(seed=1)]))
    assert "1. 正文字数 187 字，要求 200–500 字" in note
    assert "Word 状态栏显示全文 236 字，其中标题、署名、图片说明等 49 字不计入正文" in note
    assert "请修改后重新放入 inbox/湖滨社区/即时通讯信息/ 报送" in note


def test_every_failed_rule_is_numbered_and_warnings_are_listed_apart() -> None:
    late = DateMention("3月11日", 11, 3)
    note = note_for(draft_value(187, photos=[], event_date=late))
    assert "1. 正文字数 187 字" in note and "2. 照片 0 张" in note
    errors_at, warnings_at = note.index("未达到的要求："), note.index("提示（不影响是否收稿）：")
    assert errors_at < warnings_at
    assert "已超时" in note[warnings_at:]


def test_unknown_unit_is_said_plainly_with_the_valid_names() -> None:
    note = note_for(draft_value(300, photos=[photo_value(seed=1)]), "湖东社区/即时/稿件.docx")
    assert "报送单位：未能识别" in note
    assert "湖滨社区（湖滨）" in note
    assert "inbox/<单位>/即时通讯信息/" in note


def test_accepted_draft_gets_a_receipt_not_a_rejection() -> None:
    note = note_for(draft_value(300, photos=[photo_value(seed=1)], event_date=DateMention("3月13日", 13, 3)))
    assert note.startswith("西湖街道信息宣传稿件收稿回执\n")
    assert "处理结果：合格，已登记，计入考核。" in note
    assert "未达到的要求" not in note


def test_note_bytes_are_utf8_with_bom_and_crlf() -> None:
    data = note_bytes("第一行\n第二行\n")
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "第一行\r\n第二行\r\n"
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_note_bytes_do_not_double_crlf_or_bom() -> None:
    data = note_bytes("\ufeff一\r\n二\n")
    assert data == "\ufeff一\r\n二\r\n".encode()


def test_a_rejected_note_with_its_ledger_number_does_not_say_it_was_not_recorded() -> None:
    from rules import load_rulebook

    rulebook = load_rulebook()
    draft = draft_value(187, photos=[photo_value(seed=1)])
    judgement = judge(draft, identify(PurePosixPath(PATH), draft, rulebook), rulebook, RECEIVED)
    note = render_note(draft, judgement, rulebook, RECEIVED, PATH, submission_id=1)
    assert "稿件编号：1\n" in note
    assert "处理结果：退回。本稿不计入考核，请按下列要求修改后重新报送。" in note
    assert "未登记" not in note


def self_check_note(draft, relpath: str = PATH) -> str:
    from rules import load_rulebook

    rulebook = load_rulebook()
    judgement = judge(draft, identify(PurePosixPath(relpath), draft, rulebook), rulebook, RECEIVED)
    return render_note(draft, judgement, rulebook, RECEIVED, relpath, self_check=True)


def test_a_self_checked_bundle_is_told_to_go_in_as_one_folder_or_zip_with_its_photos() -> None:
    import dataclasses

    draft = dataclasses.replace(
        draft_value(300, photos=[photo_value(seed=1)], source_name="垃圾分类"), container="bundle"
    )
    note = self_check_note(draft, "湖滨社区/即时通讯信息/垃圾分类")
    assert "把文档和照片一起放进一个以稿件命名的文件夹（如“垃圾分类”）" in note
    assert "或打包成一个 .zip 文件，再放入共享收件箱的 inbox/湖滨社区/即时通讯信息/ 文件夹" in note
    assert "正式报送请把稿件放入" not in note


def test_a_self_checked_single_document_is_told_to_go_straight_into_the_type_folder() -> None:
    note = self_check_note(draft_value(300, photos=[photo_value(seed=1)]))
    assert "正式报送请把稿件放入共享收件箱的 inbox/湖滨社区/即时通讯信息/ 文件夹。" in note
    assert ".zip" not in note


def page_note(draft, **where: bool) -> str:
    """A self-check's note on the unit's own page (`on_page`) or before a 报送's confirmation."""
    from rules import load_rulebook

    rulebook = load_rulebook()
    judgement = judge(draft, identify(PurePosixPath(PATH), draft, rulebook), rulebook, RECEIVED)
    return render_note(draft, judgement, rulebook, RECEIVED, PATH, self_check=True, **where)


def test_a_self_check_on_the_units_page_points_to_the_pages_form_not_the_shared_inbox() -> None:
    # A unit off the office's network has only its page: the inbox folder means nothing to it.
    passed = page_note(draft_value(300, photos=[photo_value(seed=1)]), on_page=True)
    assert (
        "正式报送请用本页上方的“报送稿件”：选好稿件类型，把文档和照片一起选上，上传并自查后确认报送。"
        in passed
    )
    short = page_note(draft_value(187, photos=[photo_value(seed=1)]), on_page=True)
    assert "请修改后在本页上方的“报送稿件”重新上传报送（重新报送的稿件按新的收稿时间计算时效）。" in short
    assert "inbox/" not in passed + short and "共享收件箱" not in passed + short


def test_a_sent_back_upload_before_its_confirmation_is_told_to_resend_it_on_the_page() -> None:
    note = page_note(draft_value(187, photos=[photo_value(seed=1)]), sending=True)
    assert "请修改后在本页上方的“报送稿件”重新上传报送" in note
    assert note.rstrip().endswith(
        "确认报送后，稿件放入本单位的收稿文件夹，登记后出回执。\n\n西湖街道办公室".rstrip()
    )
    assert "inbox/" not in note


def test_a_passing_self_check_counts_the_photos_as_the_receipt_will() -> None:
    # A unit sending a document with photos sees, before confirming, that its photos were taken.
    photos = [photo_value(seed=1), photo_value(seed=2)]
    passed = page_note(draft_value(300, photos=photos), sending=True)
    assert "\n照片：共 2 张，合格照片 2 张\n" in passed
    failed = page_note(draft_value(187, photos=photos), sending=True)
    assert "合格照片" not in failed  # a draft sent back is told what to fix, not its counts
