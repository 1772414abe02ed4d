"""LibreOffice conversion of .doc/.wps, with the real `soffice` (never mocked).

Each soffice call costs about a second, so the converted files are module-scoped fixtures.
Under CI a missing LibreOffice is a failure, never a skip.
"""

from __future__ import annotations

import http.server
import io
import re
import tempfile
import threading
import zipfile
from pathlib import Path

import psutil
import pytest
from lxml import etree

from extractors.convert import ConversionError, convert, convert_to_docx, soffice_path
from extractors.package import sniff
from tests.conftest import IN_CI
from tests.factory import make_docx, make_photo

TIMEOUT = 120.0
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PARAGRAPHS = ["湖滨社区开展垃圾分类宣传活动", "3月12日上午，湖滨社区志愿者走进小区宣传垃圾分类。"]


def _require_soffice() -> str:
    path = soffice_path()
    if path is None:
        if IN_CI:
            pytest.fail("LibreOffice (soffice) is not installed: CI must install libreoffice-writer-nogui")
        pytest.skip("LibreOffice not installed on this machine")
    return path


def _document_text(docx: bytes) -> str:
    """Paragraph texts joined by newlines (LibreOffice splits runs, e.g. around digits)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    return "\n".join("".join(p.itertext(W + "t")) for p in root.iter(W + "p"))


@pytest.fixture(scope="module")
def made_doc() -> bytes:
    """A real Word 97 .doc written by LibreOffice from a python-docx draft."""
    _require_soffice()
    return convert(make_docx(PARAGRAPHS), "docx", "doc", TIMEOUT)


@pytest.fixture(scope="module")
def r11_docx(corpus: Path) -> bytes:
    _require_soffice()
    return convert_to_docx((corpus / "real-docx" / "r11.docm").read_bytes(), "doc", TIMEOUT)


def test_soffice_is_found() -> None:
    assert _require_soffice().endswith(("soffice", "libreoffice", "soffice.exe"))


@pytest.mark.integration
def test_word97_file_named_docm_converts_to_a_docx_with_its_text(r11_docx: bytes) -> None:
    assert sniff(r11_docx) == "zip"
    text = _document_text(r11_docx)
    assert "package Hello::World;" in text
    assert "say “Hello world!”;" in text


@pytest.mark.integration
def test_doc_made_from_a_python_docx_draft_round_trips_its_han_text(made_doc: bytes) -> None:
    assert sniff(made_doc) == "ole_doc"
    text = _document_text(convert_to_docx(made_doc, "doc", TIMEOUT))
    for paragraph in PARAGRAPHS:
        assert paragraph in text


@pytest.mark.integration
def test_wps_suffix_is_read_with_the_word_filter(made_doc: bytes) -> None:
    assert PARAGRAPHS[0] in _document_text(convert_to_docx(made_doc, "wps", TIMEOUT))


@pytest.mark.integration
def test_garbage_is_a_conversion_error_with_a_chinese_message() -> None:
    _require_soffice()
    with pytest.raises(ConversionError) as caught:
        convert_to_docx(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "doc", TIMEOUT)
    assert caught.value.message.startswith("LibreOffice 无法转换此文件")
    assert caught.value.message.endswith("请另存为 .docx 后重新报送")


@pytest.mark.integration
def test_overrunning_conversion_is_killed_and_leaves_nothing_behind(
    made_doc: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(ConversionError) as caught:
        convert_to_docx(made_doc, "doc", 0.05)
    assert caught.value.message == "LibreOffice 转换超时（超过 0.05 秒），请另存为 .docx 后重新报送"
    assert list(tmp_path.iterdir()) == []
    survivors = []
    for proc in psutil.process_iter(["cmdline"]):
        if any(str(tmp_path) in part for part in proc.info["cmdline"] or ()):
            survivors.append(proc.pid)
    assert survivors == []


def _linked_picture_docx(url: str) -> bytes:
    """A python-docx draft whose picture is turned into a link to `url` (r:link, TargetMode External)."""
    source = zipfile.ZipFile(
        io.BytesIO(make_docx(PARAGRAPHS, photos=[make_photo(64, 48, seed=1, fmt="PNG")]))
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                data = re.sub(
                    rb'Target="media/image1\.png"', f'Target="{url}" TargetMode="External"'.encode(), data
                )
            elif info.filename == "word/document.xml":
                data = data.replace(b'r:embed="', b'r:link="')
            out.writestr(info, data)
    return buf.getvalue()


@pytest.mark.integration
def test_linked_picture_is_never_fetched_while_converting() -> None:
    _require_soffice()
    hits: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_HEAD = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/pic.png"
        doc = convert(_linked_picture_docx(url), "docx", "doc", TIMEOUT)
        back = convert_to_docx(doc, "doc", TIMEOUT)
    finally:
        server.shutdown()
    assert hits == []
    with zipfile.ZipFile(io.BytesIO(back)) as zf:
        assert url in zf.read("word/_rels/document.xml.rels").decode("utf-8")
