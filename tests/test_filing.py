"""Filing: destinations, names that fit, notes, and moves that never overwrite or lose bytes."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest

from intake import filing
from workspace import Workspace

T0 = dt.datetime(2021, 3, 12, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_plan_puts_each_outcome_its_note_and_its_receipt_where_the_layout_says(tmp_path):
    ws = Workspace(tmp_path)

    def plan(outcome, unit="湖滨社区", number=7):
        return filing.plan_filing(ws, "回执", outcome, unit, T0, number, "稿.docx")

    assert plan("accepted") == filing.FilingPlan(
        "accepted",
        "outbox/accepted/2021-03/湖滨社区/7_稿.docx",
        None,
        "inbox/湖滨社区/回执/7_稿.docx.合格.txt",
    )
    assert plan("not_counted") == filing.FilingPlan(
        "not_counted",
        "outbox/accepted/2021-03/湖滨社区/7_稿.docx",
        "outbox/accepted/2021-03/湖滨社区/7_稿.docx.未计入.txt",
        "inbox/湖滨社区/回执/7_稿.docx.未计入.txt",
    )
    assert plan("rejected", unit=None, number=8) == filing.FilingPlan(
        "rejected",
        "outbox/rejected/_未知单位/8_稿.docx",
        "outbox/rejected/_未知单位/8_稿.docx.退回说明.txt",
        None,
    )
    assert plan("failed").receipt == "inbox/湖滨社区/回执/7_稿.docx.退回.txt"
    assert (
        plan("officer", number="c3cb770b").stored
        == "outbox/accepted/2021-03/湖滨社区/信息员/c3cb770b_稿.docx"
    )
    assert (
        plan("officer_rejected", number="c3cb770b").note
        == "outbox/rejected/湖滨社区/c3cb770b_稿.docx.退回说明.txt"
    )
    assert filing.FilingPlan.from_json(plan("not_counted").to_json()) == plan("not_counted")


@pytest.mark.parametrize(
    "outcome", ["accepted", "not_counted", "rejected", "failed", "officer", "officer_rejected"]
)
def test_every_planned_name_fits_in_255_bytes_after_all_its_tags(tmp_path, outcome):
    ws = Workspace(tmp_path)
    for name in ("字" * 80 + ".docx", "字" * 84 + ".docx", "字" * 200, "x" * 250 + ".docx"):
        plan = filing.plan_filing(ws, "回执", outcome, "湖滨社区", T0, "c3cb770b", name)
        for path in (plan.stored, plan.note, plan.receipt):
            if path is not None:
                assert len(os.fsencode(path.rsplit("/", 1)[-1])) <= 255, path
        assert plan.stored.endswith(".docx") == name.endswith(".docx")


def test_an_officer_forms_receipt_is_named_as_the_form_not_by_its_claim_tag_and_never_reused(tmp_path):
    ws = Workspace(tmp_path)

    def receipt(outcome):
        return filing.plan_filing(ws, "回执", outcome, "湖滨社区", T0, "9f36f5a4", "表.docx").receipt

    assert receipt("officer") == "inbox/湖滨社区/回执/信息员推荐表_表.docx.合格.txt"
    assert receipt("officer_rejected") == "inbox/湖滨社区/回执/信息员推荐表_表.docx.退回.txt"
    (ws.root / receipt("officer")).parent.mkdir(parents=True)
    (ws.root / receipt("officer")).write_bytes(b"x")
    assert receipt("officer") == "inbox/湖滨社区/回执/信息员推荐表（2）_表.docx.合格.txt"
    (ws.root / receipt("officer")).write_bytes(b"x")
    assert receipt("officer") == "inbox/湖滨社区/回执/信息员推荐表（3）_表.docx.合格.txt"


def test_a_long_name_is_shortened_so_its_note_still_fits_keeping_the_extension():
    name = "很长的标题" * 30 + ".docx"
    stored = filing.stored_name(12345, name)
    assert stored.startswith("12345_很长的标题") and stored.endswith(".docx")
    assert len(os.fsencode(stored + filing.NOTE_SUFFIX)) <= 255
    stored.encode("utf-8")  # no half character left


def test_a_non_utf8_name_is_kept_byte_for_byte():
    name = os.fsdecode("稿件.docx".encode("gbk"))
    assert os.fsencode(filing.stored_name(3, name)) == b"3_" + "稿件.docx".encode("gbk")


def test_a_note_is_written_whole_and_can_be_written_again(tmp_path):
    path = tmp_path / "a/1_x.docx.退回说明.txt"
    filing.write_note(path, b"\xef\xbb\xbfone\r\n")
    filing.write_note(path, b"\xef\xbb\xbftwo\r\n")
    assert path.read_bytes() == b"\xef\xbb\xbftwo\r\n"
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_moving_never_overwrites_and_a_repeated_move_only_finishes_it(tmp_path):
    src, dst = tmp_path / "in/a.docx", tmp_path / "out/1_a.docx"
    src.parent.mkdir()
    src.write_bytes(b"draft")
    filing.move_item(src, dst)
    assert dst.read_bytes() == b"draft" and not src.exists()
    src.write_bytes(b"left behind by a crashed copy")
    filing.move_item(src, dst)  # dst complete: only the source is removed
    assert dst.read_bytes() == b"draft" and not src.exists()
    with pytest.raises(FileNotFoundError):
        filing.move_item(tmp_path / "in/missing", tmp_path / "out/2_missing")


def test_the_copy_path_keeps_bundles_links_and_fifos_without_reading_them(tmp_path):
    src = tmp_path / "bundle"
    (src / "photos").mkdir(parents=True)
    (src / "稿件.docx").write_bytes(b"doc")
    (src / "photos/1.jpg").write_bytes(b"jpg")
    (src / "link").symlink_to("/etc/passwd")
    os.mkfifo(src / "pipe")
    copy = tmp_path / "copy"
    filing._copy_tree(src, copy)
    assert (copy / "稿件.docx").read_bytes() == b"doc"
    assert (copy / "photos/1.jpg").read_bytes() == b"jpg"
    assert os.readlink(copy / "link") == "/etc/passwd"
    assert os.path.exists(copy / "pipe") and not (copy / "pipe").is_file()


def test_a_hard_linked_file_is_filed_as_a_copy_so_the_other_name_cannot_change_it(tmp_path):
    outside, src, dst = tmp_path / "outside.docx", tmp_path / "in/a.docx", tmp_path / "out/1_a.docx"
    src.parent.mkdir()
    outside.write_bytes(b"draft")
    os.link(outside, src)
    filing.move_item(src, dst)
    assert not src.exists() and dst.read_bytes() == b"draft"
    assert os.stat(dst).st_ino != os.stat(outside).st_ino and os.stat(dst).st_nlink == 1
    outside.write_bytes(b"edited afterwards")
    assert dst.read_bytes() == b"draft"


def test_a_bundle_holding_a_hard_linked_photo_is_filed_as_a_copy(tmp_path):
    outside, bundle, dst = tmp_path / "photo.jpg", tmp_path / "in/bundle", tmp_path / "out/1_bundle"
    bundle.mkdir(parents=True)
    outside.write_bytes(b"jpeg")
    (bundle / "draft.docx").write_bytes(b"draft")
    os.link(outside, bundle / "photo.jpg")
    filing.move_item(bundle, dst)
    assert (dst / "photo.jpg").read_bytes() == b"jpeg"
    assert os.stat(dst / "photo.jpg").st_ino != os.stat(outside).st_ino
