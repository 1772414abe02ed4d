"""The reader's entry point: every input, good or hostile, gives a `Draft` — never a traceback."""

from __future__ import annotations

import dataclasses
import os
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.convert import convert
from extractors.messages import MSG_ENCRYPTED, MSG_UNKNOWN
from extractors.model import Draft
from extractors.read import read_bytes, read_path
from rules import Rulebook
from tests.conftest import IN_CI
from tests.factory import make_photo, make_zip, news_draft

TITLE = "湖滨社区开展垃圾分类宣传活动"


def _formats(draft: Draft) -> list[str]:
    return [f.message for f in draft.findings if f.rule == "format"]


def _small_limits(rulebook: Rulebook, **changes: int) -> Rulebook:
    return dataclasses.replace(rulebook, limits=dataclasses.replace(rulebook.limits, **changes))


@pytest.fixture(scope="module")
def libreoffice() -> None:
    """LibreOffice must be installed: under CI its absence fails the test, never skips it."""
    from extractors.convert import soffice_path

    if soffice_path() is None:
        if IN_CI:
            pytest.fail("LibreOffice (soffice) is not installed: CI must install libreoffice-writer-nogui")
        pytest.skip("LibreOffice not installed on this machine")


@pytest.fixture(scope="module")
def made_doc(libreoffice: None) -> bytes:
    """A real Word 97 .doc that LibreOffice wrote from a python-docx draft."""
    return convert(news_draft(300, photos=2), "docx", "doc", 120.0)


# ---- the shared corpus -------------------------------------------------------------------------


@pytest.mark.integration
def test_every_corpus_file_is_read_or_refused_with_a_format_error(corpus_drafts: dict[str, Draft]) -> None:
    assert len(corpus_drafts) >= 29
    for name, draft in corpus_drafts.items():
        errors = [f for f in draft.findings if f.rule == "format" and f.severity == "error"]
        assert isinstance(draft, Draft), name
        assert draft.readable is not bool(errors), name
        assert len(draft.sha256) == 64, name


@pytest.mark.integration  # corpus_drafts/made_doc run LibreOffice (their fixtures)
def test_every_real_chinese_draft_has_text(corpus_drafts: dict[str, Draft]) -> None:
    oracle = {
        name: d
        for name, d in corpus_drafts.items()
        if name.startswith("word-oracle/") and name.endswith(".docx")
    }
    assert len(oracle) == 9
    for name, draft in oracle.items():
        assert (draft.container, draft.readable) == ("docx", True), name
        assert draft.title and draft.counts.zishu > 0, name


@pytest.mark.integration  # corpus_drafts/made_doc run LibreOffice (their fixtures)
def test_similar_screenshots_in_a_real_draft_stay_distinct_photos(
    corpus_drafts: dict[str, Draft], rulebook: Rulebook
) -> None:
    from extractors.photos import distinct_photos

    photos = corpus_drafts[
        "word-oracle/007.docx"
    ].photos  # four 952×653 screenshots of one app, phash 14–18 apart
    assert [(p.width, p.height) for p in photos[1:]] == [(952, 653)] * 4
    assert len(distinct_photos(photos, rulebook.images.same_photo_max_distance)) == 5


@pytest.mark.integration  # corpus_drafts/made_doc run LibreOffice (their fixtures)
def test_files_that_are_not_word_are_refused_as_such(corpus_drafts: dict[str, Draft]) -> None:
    for name in ("README.md", "real-docx/manifest.tsv", "word-oracle/manifest.tsv"):
        assert _formats(corpus_drafts[name]) == [MSG_UNKNOWN], name


@pytest.mark.integration  # corpus_drafts/made_doc run LibreOffice (their fixtures)
def test_password_protected_docx_asks_to_remove_the_password(corpus_drafts: dict[str, Draft]) -> None:
    draft = corpus_drafts["real-docx/r10.docx"]
    assert draft.readable is False
    assert _formats(draft) == [MSG_ENCRYPTED]


@pytest.mark.integration  # corpus_drafts/made_doc run LibreOffice (their fixtures)
def test_word97_file_named_docm_is_converted_and_read(corpus: Path, corpus_drafts: dict[str, Draft]) -> None:
    import hashlib

    draft = corpus_drafts["real-docx/r11.docm"]
    assert (draft.container, draft.readable, draft.source_name) == ("doc", True, "r11.docm")
    assert draft.title == "package Hello::World;"
    assert draft.sha256 == hashlib.sha256((corpus / "real-docx" / "r11.docm").read_bytes()).hexdigest()


# ---- .doc and .wps -----------------------------------------------------------------------------


@pytest.mark.integration
def test_doc_and_wps_are_read_through_libreoffice(
    made_doc: bytes, tmp_path: Path, rulebook: Rulebook
) -> None:
    for name, container in (("稿件.doc", "doc"), ("稿件.wps", "wps")):
        (tmp_path / name).write_bytes(made_doc)
        draft = read_path(tmp_path / name, rulebook)
        assert (draft.container, draft.readable, draft.title, draft.source_name) == (
            container,
            True,
            TITLE,
            name,
        )
        assert draft.lead.startswith("3月12日上午，")
        assert draft.counts.zishu == 300
        assert [(p.format, p.width, p.height) for p in draft.photos] == [("JPEG", 800, 600)] * 2


@pytest.mark.integration
def test_password_protected_doc_asks_to_remove_the_password(made_doc: bytes, rulebook: Rulebook) -> None:
    data = bytearray(made_doc)
    fib = next(at for at in range(512, len(data), 512) if data[at : at + 2] == b"\xec\xa5")
    data[fib + 11] |= (
        0x01  # FIB flags (little-endian) fEncrypted 0x0100: LibreOffice cannot open it without the password
    )
    draft = read_bytes("稿件.doc", bytes(data), rulebook)
    assert (draft.container, draft.readable) == ("doc", False)
    assert _formats(draft) == [MSG_ENCRYPTED]


@pytest.mark.integration
def test_zip_bundle_with_a_doc_draft_is_converted(made_doc: bytes, rulebook: Rulebook) -> None:
    draft = read_bytes(
        "湖滨.zip", make_zip({"稿件.doc": made_doc, "IMG_1.jpg": make_photo(seed=3)}), rulebook
    )
    assert (draft.container, draft.readable, draft.title) == ("bundle", True, TITLE)
    assert [p.source for p in draft.photos] == ["embedded", "embedded", "attached"]


def _rtf(*paragraphs: str) -> bytes:
    body = "".join("".join(f"\\u{ord(c)}?" for c in text) + "\\par " for text in paragraphs)
    return ("{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}\\f0 " + body + "}").encode(
        "ascii"
    )


@pytest.mark.integration
def test_rtf_saved_under_a_doc_name_is_read_through_libreoffice(
    libreoffice: None, rulebook: Rulebook
) -> None:
    draft = read_bytes("稿件.doc", _rtf(TITLE, "3月12日上午，湖滨社区志愿者走进小区。"), rulebook)
    assert (draft.container, draft.readable, draft.title) == ("doc", True, TITLE)
    assert draft.body == ("3月12日上午，湖滨社区志愿者走进小区。",)


def test_rtf_under_any_other_name_is_not_a_word_document(rulebook: Rulebook) -> None:
    assert _formats(read_bytes("稿件.docx", _rtf(TITLE), rulebook)) == [MSG_UNKNOWN]


@pytest.mark.integration  # corpus_drafts/made_doc run LibreOffice (their fixtures)
def test_doc_without_libreoffice_asks_for_docx(
    made_doc: bytes, rulebook: Rulebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    import extractors.document

    monkeypatch.setattr(extractors.document, "soffice_path", lambda: None)
    draft = read_bytes("稿件.doc", made_doc, rulebook)
    assert (draft.container, draft.readable) == ("doc", False)
    assert _formats(draft) == ["未安装 LibreOffice，无法读取 .doc/.wps 稿件，请另存为 .docx 后重新报送"]


# ---- what the bytes are --------------------------------------------------------------------------


def test_docx_is_read_as_a_word_package(rulebook: Rulebook) -> None:
    draft = read_bytes("稿件.docx", news_draft(300, photos=1), rulebook)
    assert (draft.container, draft.readable, draft.title) == ("docx", True, TITLE)
    assert len(draft.photos) == 1


def test_zip_without_content_types_is_a_bundle(rulebook: Rulebook) -> None:
    data = make_zip({"稿件.docx": news_draft(300), "a.jpg": make_photo(seed=1)})
    draft = read_bytes("湖滨.zip", data, rulebook)
    assert (draft.container, draft.readable, draft.title) == ("bundle", True, TITLE)
    assert [p.key for p in draft.photos] == ["a.jpg"]


def test_broken_docx_without_content_types_is_not_mistaken_for_a_bundle(rulebook: Rulebook) -> None:
    for name, members in (
        ("稿件.docx", {"a.jpg": make_photo(seed=4)}),
        ("稿件.zip", {"word/document.xml": b"<w:document/>"}),
    ):
        draft = read_bytes(name, make_zip(members), rulebook)
        assert (draft.container, draft.readable) == ("docx", False), name
        assert len(_formats(draft)) == 1 and _formats(draft)[0].startswith("文件无法打开："), name


def test_empty_file_is_a_format_error(tmp_path: Path, rulebook: Rulebook) -> None:
    (tmp_path / "空.docx").write_bytes(b"")
    draft = read_path(tmp_path / "空.docx", rulebook)
    assert (draft.readable, _formats(draft)) == (False, ["文件无法打开：文件为空（0 字节），请重新报送"])


def test_random_bytes_are_not_a_word_document(rulebook: Rulebook) -> None:
    draft = read_bytes(
        "稿件.docx", os.urandom(4096).replace(b"PK", b"pk").replace(b"\xd0\xcf", b"dc"), rulebook
    )
    assert _formats(draft) == [
        "文件无法打开：不是 Word 文档（.docx/.doc/.wps），请用 Word 或 WPS 另存为 .docx 后重新报送"
    ]


def test_truncated_docx_is_a_format_error(rulebook: Rulebook) -> None:
    data = news_draft(300)
    draft = read_bytes("半截.docx", data[: len(data) // 2], rulebook)
    assert draft.readable is False
    assert len(_formats(draft)) == 1 and _formats(draft)[0].startswith("文件无法打开")


def _claiming(data: bytes, member: bytes, size: int) -> bytes:
    """`data` (a zip) with `member`'s central-directory entry claiming `size` bytes inflated."""
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_len] == member:
            return data[: at + 24] + struct.pack("<I", size) + data[at + 28 :]
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{member!r} not in the zip")


def test_docx_whose_part_claims_to_inflate_past_the_limit_is_refused(rulebook: Rulebook) -> None:
    data = _claiming(news_draft(300), b"word/document.xml", 0xFFFF0000)
    draft = read_bytes("炸弹.docx", data, rulebook)
    assert draft.readable is False
    assert "疑似压缩炸弹" in _formats(draft)[0]


def test_docx_whose_part_really_inflates_past_the_ratio_is_refused(rulebook: Rulebook) -> None:
    data = make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b" " * (8 << 20)})
    assert len(data) < 20_000
    draft = read_bytes("炸弹.docx", data, rulebook)
    assert draft.readable is False
    assert "疑似压缩炸弹" in _formats(draft)[0]


# ---- what the path is ---------------------------------------------------------------------------


def test_fifo_is_refused_without_blocking(tmp_path: Path, rulebook: Rulebook) -> None:
    os.mkfifo(tmp_path / "稿件.docx")
    draft = read_path(tmp_path / "稿件.docx", rulebook)
    assert _formats(draft) == ["不是普通文件（管道、设备或套接字），不予读取：请放入 Word 稿件文件"]


def test_symlink_is_refused_without_reading_its_target(tmp_path: Path, rulebook: Rulebook) -> None:
    target = tmp_path / "outside.docx"
    target.write_bytes(news_draft(300))
    (tmp_path / "稿件.docx").symlink_to(target)
    draft = read_path(tmp_path / "稿件.docx", rulebook)
    assert (draft.readable, draft.sha256, draft.title) == (False, "", "")
    assert _formats(draft) == [
        "文件是符号链接（快捷方式），出于安全不予读取：请直接放入稿件文件本身后重新报送"
    ]


def test_missing_file_is_a_format_error(tmp_path: Path, rulebook: Rulebook) -> None:
    draft = read_path(tmp_path / "没有.docx", rulebook)
    assert _formats(draft) == ["文件无法读取（FileNotFoundError），请重新报送"]


def test_non_utf8_file_name_is_read_and_kept_escaped(tmp_path: Path, rulebook: Rulebook) -> None:
    path = Path(os.fsdecode(bytes(tmp_path) + b"/\xb8\xe5\xbc\xfe.docx"))  # 稿件 in GBK
    path.write_bytes(news_draft(300))
    draft = read_path(path, rulebook)
    assert (draft.readable, draft.title) == (True, TITLE)
    assert draft.source_name == "\\xb8\\xe5\\xbc\\xfe.docx"


def test_folder_is_read_as_a_bundle(tmp_path: Path, rulebook: Rulebook) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "稿件.docx").write_bytes(news_draft(300))
    draft = read_path(tmp_path / "b", rulebook)
    assert (draft.container, draft.source_name, draft.title) == ("bundle", "b", TITLE)


def test_file_over_the_size_bound_is_refused(tmp_path: Path, rulebook: Rulebook) -> None:
    (tmp_path / "大.docx").write_bytes(b"x" * 5000)
    draft = read_path(tmp_path / "大.docx", _small_limits(rulebook, max_total_bytes=4096))
    assert len(_formats(draft)) == 1 and _formats(draft)[0].startswith("文件过大（")


def test_zip_bundle_over_the_size_bound_is_read_from_disk_for_its_video(
    tmp_path: Path, rulebook: Rulebook
) -> None:
    data = make_zip({"讲解.mp4": os.urandom(50_000), "封面.jpg": make_photo(160, 120, seed=2)}, compression=0)
    (tmp_path / "视频.zip").write_bytes(data)
    draft = read_path(tmp_path / "视频.zip", _small_limits(rulebook, max_total_bytes=40_000))
    assert (draft.container, draft.readable, draft.findings) == ("bundle", True, ())
    assert [m.name for m in draft.media] == ["讲解.mp4"]
    assert [p.key for p in draft.photos] == ["封面.jpg"]
    import hashlib

    assert draft.sha256 == hashlib.sha256(data).hexdigest()


# ---- damaged input never escapes as an exception ------------------------------------------------

_SAMPLES: dict[str, bytes] = {}


def _sample(kind: str) -> bytes:
    if kind not in _SAMPLES:
        _SAMPLES[kind] = (
            news_draft(200, photos=1)
            if kind == "docx"
            else make_zip(
                {"稿件.docx": news_draft(200), "a.jpg": make_photo(160, 120, seed=1), "v.mp4": b"v" * 100}
            )
        )
    return _SAMPLES[kind]


@settings(max_examples=80, deadline=None, derandomize=True)
@given(
    kind=st.sampled_from(["docx", "bundle"]),
    flips=st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), min_size=1, max_size=12),
    cut=st.one_of(st.none(), st.integers(0, 10**9)),
)
def test_damaged_bytes_always_give_a_known_format_message(
    kind: str, flips: list[tuple[int, int]], cut: int | None
) -> None:
    from rules import load_rulebook

    data = bytearray(_sample(kind))
    for at, value in flips:
        data[at % len(data)] = value
    if cut is not None:
        data = data[: cut % len(data)]
    draft = read_bytes("稿件.zip" if kind == "bundle" else "稿件.docx", bytes(data), load_rulebook())
    assert isinstance(draft, Draft)
    assert not any("内部错误" in f.message for f in draft.findings), draft.findings


def test_read_paths_gives_every_draft_in_order_with_bad_files_in_their_place(
    tmp_path: Path, rulebook: Rulebook
) -> None:
    from extractors.read import read_paths
    from tests.factory import news_draft

    paths = []
    for i in range(7):
        path = tmp_path / f"d{i}.docx"
        path.write_bytes(b"not a word file" if i == 3 else news_draft(100 + 10 * i, photos=i % 3))
        paths.append(path)
    drafts = list(read_paths(paths, rulebook))
    assert [d.source_name for d in drafts] == [p.name for p in paths]
    assert [d.readable for d in drafts] == [True, True, True, False, True, True, True]
    assert [d.counts.zishu for d in drafts if d.readable] == [100, 110, 120, 140, 150, 160]
    assert [len(d.photos) for d in drafts] == [0, 1, 2, 0, 1, 2, 0]
    assert drafts[3].findings[0].rule == "format"


def test_no_text_in_a_draft_is_unstorable(rulebook: Rulebook) -> None:
    import json
    import sqlite3

    from tests.factory import make_raw_docx, para_xml

    sym = '<w:p><w:r><w:t>标题</w:t><w:sym w:char="D800"/></w:r></w:p>'
    data = make_raw_docx(sym + para_xml("3月12日上午，正文") + '<w:p><w:r><w:sym w:char="DBFF"/></w:r></w:p>')
    draft = read_bytes("稿件\ud800\udcff.docx", data, rulebook)
    assert draft.readable
    values = json.dumps(dataclasses.asdict(draft), default=str, ensure_ascii=False)
    values.encode("utf-8")
    db = sqlite3.connect(":memory:")
    db.execute("create table t (v text)")
    db.execute("insert into t values (?)", (values,))
    assert draft.title == "标题\ufffd"


def test_storable_draft_reaches_nested_values() -> None:
    from extractors.model import Finding, Photo
    from extractors.storable import storable_draft

    odd = "a\ud800b\x00"
    draft = Draft(
        source_name=odd,
        metadata={odd: odd},
        body=(odd,),
        captions=(odd,),
        photos=(Photo(key=odd, source="embedded", problem=odd),),
        linked_photos=(odd,),
        findings=(Finding("format", "error", odd),),
    )
    clean = storable_draft(draft)
    assert "a\ufffdb\ufffd" == clean.source_name == clean.body[0] == clean.photos[0].key
    assert clean.metadata == {"a\ufffdb\ufffd": "a\ufffdb\ufffd"}
    json_text = repr(dataclasses.asdict(clean))
    json_text.encode("utf-8")
