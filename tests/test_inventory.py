"""The inventory finds drafts, bundles and officer forms, ignores junk, and waits for stillness."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from intake.inventory import StabilityTracker, is_ignored, items_at, list_items, signature


@pytest.mark.parametrize(
    "name",
    [
        "~$稿件.docx",
        ".~lock.稿件.docx#",
        "x.tmp",
        "~WRL0001.tmp",
        "a.docx.part",
        "a.crdownload",
        ".hidden.docx",
        "Thumbs.db",
        "desktop.ini",
        ".DS_Store",
        "@eaDir",
        "__MACOSX",
    ],
)
def test_junk_names_are_ignored(name: str) -> None:
    assert is_ignored(name)


@pytest.mark.parametrize("name", ["【即时信息】标题.docx", "稿件.doc", "photo.JPG", "bundle"])
def test_real_names_are_not_ignored(name: str) -> None:
    assert not is_ignored(name)


def test_items_by_layout(tmp_path: Path, rulebook) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "湖滨社区" / "即时通讯信息" / "活动").mkdir(parents=True)
    (inbox / "湖滨社区" / "即时通讯信息" / "a.docx").write_bytes(b"x")
    (inbox / "湖滨社区" / "即时通讯信息" / "~$a.docx").write_bytes(b"x")
    (inbox / "湖滨社区" / "即时通讯信息" / "活动" / "稿.docx").write_bytes(b"x")
    (inbox / "湖滨社区" / "【微信】b.docx").write_bytes(b"x")
    (inbox / "湖滨社区" / "信息员").mkdir()
    (inbox / "湖滨社区" / "信息员" / "表.docx").write_bytes(b"x")
    (inbox / "办公室" / "党委政务信息" / "正面成绩类").mkdir(parents=True)
    (inbox / "办公室" / "党委政务信息" / "正面成绩类" / "c.docx").write_bytes(b"x")
    (inbox / "loose.docx").write_bytes(b"x")
    got = {(str(i.relpath), i.kind) for i in list_items(inbox, rulebook)}
    assert got == {
        ("湖滨社区/即时通讯信息/a.docx", "file"),
        ("湖滨社区/即时通讯信息/活动", "bundle"),
        ("湖滨社区/【微信】b.docx", "file"),
        ("湖滨社区/信息员/表.docx", "officer_form"),
        ("办公室/党委政务信息/正面成绩类/c.docx", "file"),
        ("loose.docx", "file"),
    }


def test_items_at_finds_the_watchers_keys_as_the_listing_does_or_says_to_list(
    tmp_path: Path, rulebook
) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "湖滨社区" / "即时通讯信息" / "活动").mkdir(parents=True)
    (inbox / "湖滨社区" / "即时通讯信息" / "活动" / "稿.docx").write_bytes(b"x")
    (inbox / "湖滨社区" / "即时通讯信息" / "a.docx").write_bytes(b"x")
    (inbox / "湖滨社区" / "【微信】b.docx").write_bytes(b"x")
    (inbox / "湖滨社区" / "信息员").mkdir()
    (inbox / "湖滨社区" / "信息员" / "表.docx").write_bytes(b"x")
    listed = list_items(inbox, rulebook)
    assert len(listed) == 4

    assert items_at(inbox, rulebook, [i.key for i in reversed(listed)]) == list(reversed(listed))
    assert items_at(inbox, rulebook, ["湖滨社区/即时通讯信息/gone.docx"]) is None
    assert items_at(inbox, rulebook, ["湖滨社区/即时通讯信息/活动/稿.docx"]) is None  # inside a bundle
    raw = os.fsencode(inbox / "湖滨社区" / "即时通讯信息") + b"/\xb8\xe5.docx"  # not UTF-8
    with open(raw, "wb") as out:
        out.write(b"x")
    escaped = [i.key for i in list_items(inbox, rulebook) if "\\x" in i.key]
    assert escaped and items_at(inbox, rulebook, escaped) is None  # its key is no path: list


def test_symlink_is_listed_not_followed(tmp_path: Path, rulebook) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "湖滨社区" / "即时通讯信息").mkdir(parents=True)
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "x.docx").write_bytes(b"x")
    os.symlink(outside, inbox / "湖滨社区" / "即时通讯信息" / "link")
    items = list_items(inbox, rulebook)
    assert [(str(i.relpath), i.kind) for i in items] == [("湖滨社区/即时通讯信息/link", "file")]


def test_tracker_waits_for_the_settle_time_and_restarts_on_change() -> None:
    now = [100.0]
    tracker = StabilityTracker(3.0, clock=lambda: now[0])
    assert not tracker.observe("a", ("f", 1, 1))
    now[0] = 102.9
    assert not tracker.observe("a", ("f", 1, 1))
    now[0] = 103.0
    assert tracker.observe("a", ("f", 1, 1))
    assert not tracker.observe("a", ("f", 2, 2))  # grew: wait again
    now[0] = 106.0
    assert tracker.observe("a", ("f", 2, 2))
    assert not tracker.observe("a", None)  # vanished


def test_tracker_counts_the_stillness_its_caller_vouches_for_only_on_a_new_signature() -> None:
    now = [100.0]
    asked: list[str] = []

    def still_before(seconds: float) -> Callable[[], float]:
        def ask() -> float:
            asked.append("a")
            return seconds

        return ask

    tracker = StabilityTracker(3.0, clock=lambda: now[0])
    assert not tracker.observe("a", ("f", 1, 1), still_before(0.8))  # still since 99.2
    assert tracker.due_in() == pytest.approx(2.2)
    now[0] = 102.1
    assert not tracker.observe("a", ("f", 1, 1), still_before(0.8))
    now[0] = 102.2
    assert tracker.observe("a", ("f", 1, 1), still_before(0.8))
    assert asked == ["a"]  # the same signature again: not asked
    assert not tracker.observe("a", ("f", 2, 2), still_before(-5.0))  # a stamp in the future: now
    now[0] = 105.1
    assert not tracker.observe("a", ("f", 2, 2))
    now[0] = 105.2
    assert tracker.observe("a", ("f", 2, 2))
    assert tracker.observe("b", ("f", 1, 1), still_before(3.0))  # still for the settle time already


def test_bundle_signature_changes_when_a_photo_is_added(tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    bundle.mkdir()
    (bundle / "稿.docx").write_bytes(b"x")
    before = signature(bundle)
    (bundle / "1.jpg").write_bytes(b"y")
    assert signature(bundle) != before
    assert signature(tmp_path / "gone") is None


def test_quiet_for_counts_from_the_newest_mtime_or_ctime_of_an_item(tmp_path):
    import os
    import time

    from intake.inventory import quiet_for

    draft = tmp_path / "稿.docx"
    draft.write_bytes(b"x")
    old = time.time() - 3600
    os.utime(draft, (old, old))  # a copy tool keeping the original mtime: ctime is still now
    assert quiet_for(draft) is not None and quiet_for(draft) < 5
    assert quiet_for(draft, wall_now=time.time() + 100) >= 100
    bundle = tmp_path / "图文"
    bundle.mkdir()
    (bundle / "a.jpg").write_bytes(b"y")
    assert quiet_for(bundle, wall_now=time.time() + 10) >= 9
    assert quiet_for(tmp_path / "gone") is None
