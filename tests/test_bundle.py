"""Bundles: one draft plus attached photos and audio/video, as a folder or a .zip (SPEC §3)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from extractors.bundle import read_bundle_dir, read_bundle_zip
from extractors.photos import distinct_photos
from rules import Rulebook
from tests.factory import han_text, make_docx, make_photo, make_zip

ORIGINAL = (2400, 1800)
TITLE = "湖滨社区开展垃圾分类宣传活动"


def _embedded_copy_draft() -> bytes:
    """A draft whose one picture is a copy of `make_photo(2400, 1800, seed=0)` compressed to
    1200×900, as Word's "compress pictures" leaves it."""
    img = Image.open(io.BytesIO(make_photo(*ORIGINAL, seed=0))).resize((1200, 900))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=60)
    return make_docx([TITLE, "3月12日上午，" + han_text(290)], photos=[buf.getvalue()])


def _write(folder: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return folder


def _formats(draft) -> list[str]:
    return [f.message for f in draft.findings if f.rule == "format"]


# ---- the draft and its attachments ---------------------------------------------------------


def test_folder_bundle_joins_embedded_and_attached_photos_and_lists_video(
    rulebook: Rulebook, tmp_path: Path
) -> None:
    folder = _write(
        tmp_path / "湖滨社区垃圾分类",
        {
            "稿件.docx": _embedded_copy_draft(),
            "IMG_0001.jpg": make_photo(*ORIGINAL, seed=0),
            "照片/IMG_0002.png": make_photo(1920, 1080, seed=1, fmt="PNG"),
            "现场.mp4": b"\0\0\0\x18ftypmp42" + b"\0" * 100,
        },
    )
    draft = read_bundle_dir(folder, rulebook)
    assert (draft.container, draft.source_name, draft.readable) == ("bundle", "湖滨社区垃圾分类", True)
    assert draft.title == TITLE
    assert (draft.photos[0].width, draft.photos[0].height) == (1200, 900)
    assert [p.source for p in draft.photos] == ["embedded", "attached", "attached"]
    assert [p.key for p in draft.photos[1:]] == ["IMG_0001.jpg", "照片/IMG_0002.png"]
    assert [(m.name, m.kind, m.size_bytes) for m in draft.media] == [("现场.mp4", "video", 112)]
    kept = distinct_photos(draft.photos, rulebook.images.same_photo_max_distance)
    assert [(p.key, p.width, p.height) for p in kept] == [
        ("IMG_0001.jpg", 2400, 1800),
        ("照片/IMG_0002.png", 1920, 1080),
    ]
    assert _formats(draft) == []


def test_zip_bundle_reads_like_the_folder(rulebook: Rulebook) -> None:
    data = make_zip(
        {
            "稿件.docx": _embedded_copy_draft(),
            "IMG_0001.jpg": make_photo(*ORIGINAL, seed=0),
            "录音.m4a": b"audio",
        }
    )
    draft = read_bundle_zip("湖滨社区垃圾分类.zip", data, rulebook)
    assert (draft.container, draft.source_name, draft.readable) == ("bundle", "湖滨社区垃圾分类.zip", True)
    assert [p.source for p in draft.photos] == ["embedded", "attached"]
    assert [(m.name, m.kind) for m in draft.media] == [("录音.m4a", "audio")]
    assert len(distinct_photos(draft.photos, rulebook.images.same_photo_max_distance)) == 1
    assert len(draft.sha256) == 64


def test_audio_video_only_bundle_is_readable_with_no_text(rulebook: Rulebook, tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "强国视频", {"讲解.mp4": b"video", "封面.jpg": make_photo(seed=3), "~$稿件.docx": b"lock"}
    )
    draft = read_bundle_dir(folder, rulebook)
    assert draft.readable is True
    assert (draft.title, draft.body) == ("", ())
    assert [m.name for m in draft.media] == ["讲解.mp4"]
    assert [p.key for p in draft.photos] == ["封面.jpg"]
    assert draft.findings == ()


def test_bundle_without_a_draft_or_media_is_a_format_error(rulebook: Rulebook, tmp_path: Path) -> None:
    folder = _write(tmp_path / "只有照片", {"a.jpg": make_photo(seed=4)})
    draft = read_bundle_dir(folder, rulebook)
    assert draft.readable is False
    assert _formats(draft) == ["文件夹中应有且只有一个 Word 稿件，现有 0 个"]
    assert [p.key for p in draft.photos] == ["a.jpg"]


def test_bundle_with_two_drafts_names_both(rulebook: Rulebook) -> None:
    data = make_zip({"初稿.doc": b"x", "终稿.docx": b"y", "a.jpg": make_photo(seed=5), "v.mov": b"v"})
    draft = read_bundle_zip("两稿.zip", data, rulebook)
    assert draft.readable is False
    assert _formats(draft) == ["压缩包中应有且只有一个 Word 稿件，现有 2 个：初稿.doc、终稿.docx"]
    assert [p.key for p in draft.photos] == ["a.jpg"]
    assert [m.name for m in draft.media] == ["v.mov"]


def test_other_files_are_ignored_with_a_warning(rulebook: Rulebook, tmp_path: Path) -> None:
    folder = _write(tmp_path / "b", {"v.mp4": b"v", "说明.pdf": b"%PDF"})
    draft = read_bundle_dir(folder, rulebook)
    assert [(f.severity, f.message) for f in draft.findings] == [
        ("warning", "文件夹中的文件 说明.pdf 不是稿件、图片或音视频，已忽略")
    ]


def test_junk_files_are_not_drafts(rulebook: Rulebook, tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "b",
        {
            "v.mp4": b"v",
            "~$稿件.docx": b"x",
            ".~lock.稿件.docx#": b"x",
            "稿件.tmp": b"x",
            "Thumbs.db": b"x",
            "desktop.ini": b"x",
            ".DS_Store": b"x",
            "__MACOSX/._a.jpg": b"x",
            ".hidden.jpg": b"x",
        },
    )
    draft = read_bundle_dir(folder, rulebook)
    assert (draft.readable, draft.photos, draft.findings) == (True, (), ())


# ---- safety ----------------------------------------------------------------------------------


def test_folder_symlink_is_not_followed(rulebook: Rulebook, tmp_path: Path) -> None:
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(make_photo(seed=6))
    folder = _write(tmp_path / "b", {"v.mp4": b"v"})
    (folder / "link.jpg").symlink_to(outside)
    (folder / "linkdir").symlink_to(tmp_path)
    draft = read_bundle_dir(folder, rulebook)
    assert draft.photos == ()
    assert [f.message for f in draft.findings] == [
        "link.jpg：文件是符号链接（快捷方式），出于安全不予读取：请直接放入稿件文件本身后重新报送，已忽略",
        "linkdir：文件是符号链接（快捷方式），出于安全不予读取：请直接放入稿件文件本身后重新报送，已忽略",
    ]


def test_folder_fifo_is_skipped_without_blocking(rulebook: Rulebook, tmp_path: Path) -> None:
    folder = _write(tmp_path / "b", {"v.mp4": b"v"})
    os.mkfifo(folder / "pipe.jpg")
    draft = read_bundle_dir(folder, rulebook)
    assert draft.photos == ()
    assert [f.message for f in draft.findings] == [
        "pipe.jpg：不是普通文件（管道、设备或套接字），不予读取：请放入 Word 稿件文件，已忽略"
    ]


def test_zip_entries_escaping_the_bundle_are_ignored(rulebook: Rulebook) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("v.mp4", b"v")
        zf.writestr("../evil.jpg", make_photo(seed=7))
        zf.writestr("/etc/abs.jpg", make_photo(seed=8))
        link = zipfile.ZipInfo("link.jpg")
        link.create_system = 3
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
    draft = read_bundle_zip("b.zip", buf.getvalue(), rulebook)
    assert draft.photos == ()
    assert [f.message for f in draft.findings] == [
        "压缩包中的 ../evil.jpg 路径越出压缩包，已忽略",
        "压缩包中的 /etc/abs.jpg 路径越出压缩包，已忽略",
        "压缩包中的 link.jpg 是符号链接，已忽略",
    ]


def test_zip_bundle_member_inflating_past_the_ratio_is_refused(rulebook: Rulebook) -> None:
    data = make_zip({"稿件.docx": b"\0" * (4 << 20), "v.mp4": b"v"})
    assert len(data) < 20_000
    draft = read_bundle_zip("bomb.zip", data, rulebook)
    assert draft.readable is False
    assert len(_formats(draft)) == 1 and "疑似压缩炸弹" in _formats(draft)[0]


def test_large_video_in_a_zip_is_listed_not_inflated(rulebook: Rulebook) -> None:
    data = make_zip({"v.mp4": b"\0" * (4 << 20)})
    draft = read_bundle_zip("video.zip", data, rulebook)
    assert (draft.readable, draft.findings) == (True, ())
    assert [(m.name, m.size_bytes) for m in draft.media] == [("v.mp4", 4 << 20)]


def test_gbk_member_names_from_chinese_windows_are_decoded(rulebook: Rulebook) -> None:
    placeholder, real = b"XXXX.mp4", "视频.mp4".encode("gbk")
    assert len(placeholder) == len(real)
    data = make_zip({"XXXX.mp4": b"v"}).replace(placeholder, real)
    draft = read_bundle_zip("b.zip", data, rulebook)
    assert [m.name for m in draft.media] == ["视频.mp4"]


def test_broken_zip_bundle_is_a_format_error(rulebook: Rulebook) -> None:
    data = make_zip({"v.mp4": b"v" * 1000, "a.jpg": make_photo(seed=9)})
    draft = read_bundle_zip("cut.zip", data[: len(data) // 2], rulebook)
    assert (draft.readable, _formats(draft)) == (
        False,
        ["压缩包无法打开：文件已损坏或不完整，请重新压缩后报送"],
    )


def test_folder_identity_changes_with_content_only(rulebook: Rulebook, tmp_path: Path) -> None:
    folder = _write(tmp_path / "b", {"v.mp4": b"v", "a.jpg": make_photo(seed=10)})
    first = read_bundle_dir(folder, rulebook).sha256
    assert read_bundle_dir(folder, rulebook).sha256 == first
    (folder / "a.jpg").write_bytes(make_photo(seed=11))
    assert read_bundle_dir(folder, rulebook).sha256 != first


@pytest.mark.parametrize("raw", [b"\xb2\xe2\xca\xd4", b"bad\xff"], ids=["gbk-bytes", "invalid-utf8"])
def test_folder_with_a_non_utf8_name_is_read_with_the_name_escaped(
    rulebook: Rulebook, tmp_path: Path, raw: bytes
) -> None:
    folder = Path(os.fsdecode(bytes(tmp_path) + b"/" + raw))
    folder.mkdir()
    (folder / "v.mp4").write_bytes(b"v")
    draft = read_bundle_dir(folder, rulebook)
    assert draft.readable is True
    assert draft.source_name == raw.decode("utf-8", "backslashreplace")
    draft.source_name.encode("utf-8")


def test_zip_with_too_many_entries_is_refused(rulebook: Rulebook) -> None:
    import dataclasses

    small = dataclasses.replace(rulebook, limits=dataclasses.replace(rulebook.limits, max_entries=3))
    data = make_zip({f"v{i}.mp4": b"v" for i in range(5)})
    draft = read_bundle_zip("many.zip", data, small)
    assert draft.readable is False
    assert "超过上限 3" in _formats(draft)[0]


def test_bundle_folder_that_is_a_symlink_is_refused(rulebook: Rulebook, tmp_path: Path) -> None:
    real = _write(tmp_path / "real", {"v.mp4": b"v"})
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    draft = read_bundle_dir(tmp_path / "link", rulebook)
    assert (draft.readable, draft.media) == (False, ())
    assert _formats(draft) == [
        "文件是符号链接（快捷方式），出于安全不予读取：请直接放入稿件文件本身后重新报送"
    ]


def test_deeply_nested_folder_is_walked_within_the_entry_limit(rulebook: Rulebook, tmp_path: Path) -> None:
    import dataclasses

    small = dataclasses.replace(rulebook, limits=dataclasses.replace(rulebook.limits, max_entries=50))
    folder = _write(tmp_path / "b", {"v.mp4": b"v"})
    deep = folder
    for _ in range(60):
        deep = deep / "子"
    deep.mkdir(parents=True)
    (deep / "a.jpg").write_bytes(make_photo(seed=12))
    draft = read_bundle_dir(folder, small)
    assert draft.photos == ()
    assert _formats(draft) == ["文件夹中文件过多（超过 50 个），请只放稿件、照片和音视频"]


def test_photos_in_a_subfolder_are_attached(rulebook: Rulebook, tmp_path: Path) -> None:
    folder = _write(tmp_path / "b", {"v.mp4": b"v", "照片/原图/a.jpg": make_photo(seed=13)})
    assert [p.key for p in read_bundle_dir(folder, rulebook).photos] == ["照片/原图/a.jpg"]
