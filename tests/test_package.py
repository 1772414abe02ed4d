"""Safety before any parser: magic bytes decide the kind, zip limits are checked before inflating."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest

from extractors.package import PackageRefused, open_package, parse_xml, sniff
from tests.factory import make_docx, make_ole, make_raw_docx, para_xml


def _refusal(data: bytes, limits) -> str:
    with pytest.raises(PackageRefused) as info:
        open_package(data, limits)
    return info.value.message


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"", "empty"),
        (b"PK\x03\x04rest", "zip"),
        (b"%PDF-1.7", "unknown"),
        (b"{\\rtf1\\ansi", "unknown"),
    ],
    ids=["empty", "zip", "pdf", "rtf"],
)
def test_sniff_decides_by_magic_bytes(data: bytes, kind: str) -> None:
    assert sniff(data) == kind


def test_sniff_reads_the_ole_directory_to_tell_doc_from_encrypted_docx() -> None:
    assert sniff(make_ole(["WordDocument", "1Table", "\x05SummaryInformation"])) == "ole_doc"
    assert sniff(make_ole(["EncryptionInfo", "EncryptedPackage"])) == "ole_encrypted"
    assert sniff(make_ole(["Workbook"])) == "ole_other"
    assert sniff(make_ole([f"s{i}" for i in range(9)] + ["WordDocument"])) == "ole_doc"


def test_sniff_on_real_encrypted_docx_and_doc_renamed_docm(corpus) -> None:
    assert sniff((corpus / "real-docx" / "r10.docx").read_bytes()) == "ole_encrypted"
    assert sniff((corpus / "real-docx" / "r11.docm").read_bytes()) == "ole_doc"


def test_a_truncated_ole_header_is_other_not_a_crash() -> None:
    assert sniff(make_ole(["WordDocument"])[:40]) == "ole_other"


def test_plain_docx_opens_and_names_its_main_part(rulebook) -> None:
    pkg = open_package(make_docx(["标题", "正文"]), rulebook.limits)
    assert pkg.main_document() == "word/document.xml"
    assert pkg.xml("word/document.xml").tag.endswith("document")


def test_encrypted_docx_is_refused_asking_to_remove_the_password(rulebook) -> None:
    assert "去除密码" in _refusal(make_ole(["EncryptionInfo", "EncryptedPackage"]), rulebook.limits)


def test_empty_and_garbage_are_refused_as_unopenable(rulebook) -> None:
    assert "文件为空" in _refusal(b"", rulebook.limits)
    assert "无法打开" in _refusal(b"hello world", rulebook.limits)


def test_truncated_zip_is_refused_as_broken(rulebook) -> None:
    data = make_docx(["标题", "正文"])
    assert "损坏" in _refusal(data[: len(data) // 2], rulebook.limits)


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return buf.getvalue()


def test_part_inflating_past_the_part_limit_is_refused_before_reading(rulebook) -> None:
    limits = dataclasses.replace(rulebook.limits, max_part_bytes=1_000_000, max_xml_part_bytes=1_000_000)
    data = _zip(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<a>" + b" " * 2_000_000 + b"</a>"}
    )
    assert "压缩炸弹" in _refusal(data, limits)


def test_suspicious_compression_ratio_is_refused(rulebook) -> None:
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * 5_000_000})
    message = _refusal(data, rulebook.limits)
    assert "压缩比异常" in message


def test_too_many_entries_is_refused(rulebook) -> None:
    limits = dataclasses.replace(rulebook.limits, max_entries=10)
    data = _zip({f"word/media/p{i}.bin": b"x" for i in range(11)})
    assert "11 个部件" in _refusal(data, limits)


def test_total_inflated_size_is_bounded(rulebook) -> None:
    limits = dataclasses.replace(rulebook.limits, max_total_bytes=150_000)
    data = _zip({f"word/media/p{i}.bin": bytes(range(256)) * 400 for i in range(2)})
    assert "总大小" in _refusal(data, limits)


def test_macro_enabled_package_is_refused(rulebook) -> None:
    data = make_raw_docx(para_xml("标题"), parts={"word/vbaProject.bin": b"\0" * 10})
    assert "宏" in _refusal(data, rulebook.limits)
    docm = make_raw_docx(
        para_xml("标题"), main_content_type="application/vnd.ms-word.document.macroEnabled.main+xml"
    )
    assert "宏" in _refusal(docm, rulebook.limits)


def test_zip_without_a_word_document_is_refused(rulebook) -> None:
    assert "没有 Word 正文" in _refusal(_zip({"readme.txt": b"hi"}), rulebook.limits)


def test_doctype_and_entities_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<lolz>&lol2;</lolz>"
    )
    with pytest.raises(PackageRefused) as info:
        parse_xml(bomb)
    assert "DTD" in info.value.message
    with pytest.raises(PackageRefused):
        parse_xml(bomb.decode().encode("utf-16"))


def test_malformed_xml_is_a_refusal_not_an_exception() -> None:
    with pytest.raises(PackageRefused) as info:
        parse_xml(b"<w:document><w:body>")
    assert "XML" in info.value.message


def test_strict_ooxml_namespaces_are_read_as_transitional(rulebook, corpus) -> None:
    pkg = open_package((corpus / "real-docx" / "r16.docx").read_bytes(), rulebook.limits)
    root = pkg.xml(pkg.main_document())
    assert root.tag == "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}document"


def test_relationship_targets_resolve_and_external_links_are_marked(rulebook) -> None:
    data = make_raw_docx(
        para_xml("标题"),
        rels=[("rId5", "image", "media/image1.png"), ("rId6", "image", "http://example.invalid/a.png")],
    )
    rels = open_package(data, rulebook.limits).rels("word/document.xml")
    assert rels["rId5"].target == "word/media/image1.png" and not rels["rId5"].external
    assert rels["rId6"].external


def test_central_directory_that_understates_a_part_is_refused_without_inflating_it(rulebook) -> None:
    import struct

    data = bytearray(make_raw_docx(para_xml("标题") * 20000))
    name = b"word/document.xml"
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46 : pos + 46 + name_len] == name:
            struct.pack_into("<I", data, pos + 24, 1000)  # claims 1000 bytes inflated
            break
        pos = data.find(b"PK\x01\x02", pos + 4)
    with pytest.raises(PackageRefused) as info:
        open_package(bytes(data), rulebook.limits).xml("word/document.xml")
    assert "无法打开" in info.value.message


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_doctype_in_xml_without_a_byte_order_mark_is_refused(encoding: str) -> None:
    # No BOM: the byte scan sees "<\0!\0D\0…", libxml2 still detects the encoding and would parse it.
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'
    if encoding.startswith("utf-32"):
        xml = xml.replace("UTF-16", "UTF-32")
    with pytest.raises(PackageRefused) as info:
        parse_xml(xml.encode(encoding))
    assert "DTD" in info.value.message


def test_damaged_deflate_stream_is_refused_as_broken(rulebook) -> None:
    import struct

    from extractors.messages import MSG_BROKEN

    data = bytearray(make_raw_docx(para_xml("标题" * 200)))
    pos = data.find(b"PK\x03\x04" + b"\x14\x00")
    while pos != -1:
        name_len, extra_len = struct.unpack_from("<HH", data, pos + 26)
        if data[pos + 30 : pos + 30 + name_len] == b"word/document.xml":
            start = pos + 30 + name_len + extra_len
            data[start : start + 8] = b"\xff" * 8  # an invalid deflate block type
            break
        pos = data.find(b"PK\x03\x04", pos + 4)
    with pytest.raises(PackageRefused) as info:
        open_package(bytes(data), rulebook.limits).xml("word/document.xml")
    assert info.value.message == MSG_BROKEN


def test_part_with_more_markup_than_the_rulebook_allows_is_refused_before_parsing(rulebook) -> None:
    from extractors.messages import MSG_XML_TOO_BIG

    tight = dataclasses.replace(rulebook.limits, max_xml_markup=1000)
    pkg = open_package(make_raw_docx(para_xml("标题") * 400), tight)
    with pytest.raises(PackageRefused) as info:
        pkg.xml("word/document.xml")
    assert info.value.message == MSG_XML_TOO_BIG
    assert (
        open_package(make_raw_docx(para_xml("标题") * 400), rulebook.limits).xml("word/document.xml")
        is not None
    )


def test_zip_claiming_an_unknown_zip_version_is_refused_as_broken(rulebook) -> None:
    import struct

    from extractors.messages import MSG_BROKEN

    data = bytearray(make_raw_docx(para_xml("标题")))
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, central + 6, 134)  # "version needed": 13.4, which zipfile refuses
    assert _refusal(bytes(data), rulebook.limits) == MSG_BROKEN
