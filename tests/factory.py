"""Drafts and photos made in code for tests (python-docx and hand-written OOXML).

Shared by every test module: add new builders at the end; do not change what existing ones
return, other tests rely on it.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.shared import Inches
from PIL import Image, ImageDraw

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"


def make_photo(width: int = 800, height: int = 600, seed: int = 0, fmt: str = "JPEG") -> bytes:
    """A photo whose content (and so perceptual hash) depends on `seed`: distinct seeds, distinct photos."""
    rng = random.Random(seed)
    img = Image.new("RGB", (width, height), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(width // 2 + 1), y0 + rng.randrange(height // 2 + 1)
        draw.rectangle((x0, y0, x1, y1), fill=tuple(rng.randrange(256) for _ in range(3)))
    buf = io.BytesIO()
    img.save(buf, fmt, quality=85) if fmt == "JPEG" else img.save(buf, fmt)
    return buf.getvalue()


def han_text(n: int, seed: int = 0) -> str:
    """`n` Han characters (each counts one 字), varied so that drafts are not near-duplicates."""
    rng = random.Random(seed)
    common = (
        "街道社区开展活动居民志愿服务工作推进会议组织群众学习宣传文明创建环境整治安全检查走访慰问老人儿童"
    )
    return "".join(rng.choice(common) for _ in range(n))


def make_docx(
    paragraphs: Sequence[str],
    *,
    photos: Sequence[bytes] = (),
    table: Sequence[Sequence[str]] | None = None,
    header: str | None = None,
) -> bytes:
    """A .docx with the given paragraphs (the first is the title), inline photos after them,
    an optional table and an optional header text."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        t = doc.add_table(rows=len(table), cols=max(len(r) for r in table))
        for i, row in enumerate(table):
            for j, cell in enumerate(row):
                t.cell(i, j).text = cell
    for photo in photos:
        doc.add_picture(io.BytesIO(photo), width=Inches(2))
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def news_draft(
    body_chars: int,
    *,
    title: str = "湖滨社区开展垃圾分类宣传活动",
    lead_date: str = "3月12日上午，",
    photos: int = 0,
    photo_size: tuple[int, int] = (800, 600),
    head: Sequence[str] = (),
    seed: int = 0,
) -> bytes:
    """A typical draft: title, optional metadata lines, a lead with a date, Han body text of
    exactly `body_chars` 字 (the lead date's characters included), and `photos` distinct photos."""
    lead = lead_date + han_text(max(0, body_chars - _zishu_of_date(lead_date)), seed)
    pics = [make_photo(*photo_size, seed=seed * 100 + i) for i in range(photos)]
    return make_docx([title, *head, lead], photos=pics)


def _zishu_of_date(text: str) -> int:
    """Word's 字数 of a lead-date prefix like '3月12日上午，' (each run of digits is one)."""
    import re

    return len(re.findall(r"\d+", text)) + len(re.sub(r"[\d\s]", "", text))


# ---- scoring inputs (helper D): ledger-shaped rows built in code ----


def submission_row(id: int, unit: str, content_type: str, received: str, **fields: object):
    """A `scoring.rows.SubmissionRow`: accepted and counted unless `fields` say otherwise.

    `received` is an office-local ISO time ("2021-03-12T10:00"); +08:00 is assumed.
    """
    from zoneinfo import ZoneInfo

    from scoring.rows import SubmissionRow

    row: dict[str, object] = {
        "id": id,
        "unit": unit,
        "content_type": content_type,
        "title": f"稿件{id}",
        "officer": "",
        "received_at": received,
        "verdict": "accepted",
        "counted": 1,
    }
    row.update(fields)
    return SubmissionRow.from_dict(row, ZoneInfo("Asia/Shanghai"))


def adoption_row(
    id: int,
    submission_id: int,
    unit: str,
    content_type: str,
    outlet: str,
    level: str,
    adopted_on: str,
    **fields: object,
):
    """A `scoring.rows.AdoptionRow` (fee and bonus None unless given)."""
    from scoring.rows import AdoptionRow

    row: dict[str, object] = {
        "id": id,
        "submission_id": submission_id,
        "unit": unit,
        "content_type": content_type,
        "outlet": outlet,
        "level": level,
        "adopted_on": adopted_on,
        "title": f"稿件{submission_id}",
    }
    row.update(fields)
    return AdoptionRow.from_dict(row)


def draft_value(
    zishu: int = 300,
    *,
    title: str = "湖滨社区开展垃圾分类宣传活动",
    zishu_all: int | None = None,
    photos: Sequence[object] = (),
    metadata: dict[str, str] | None = None,
    event_date: object = None,
    publish_date: object = None,
    media: Sequence[object] = (),
    body: Sequence[str] | None = None,
    sha256: str = "",
    source_name: str = "稿件.docx",
):
    """A `Draft` value built directly (no file), for the pure checks: body figure `zishu`,
    whole-text figure `zishu_all` (default: zishu + the title's length)."""
    from extractors.model import Counts, Draft

    text = tuple(body) if body is not None else (han_text(min(zishu, 400), seed=zishu),)
    return Draft(
        source_name=source_name,
        title=title,
        metadata=dict(metadata or {}),
        body=text,
        lead=text[0],
        counts=Counts(
            zishu=zishu, zishu_all=zishu_all if zishu_all is not None else zishu + len(title), hanzi=zishu
        ),
        photos=tuple(photos),
        media=tuple(media),
        event_date=event_date,
        publish_date=publish_date,
        sha256=sha256,
    )


def photo_value(
    width: int = 800, height: int = 600, seed: int = 0, *, source: str = "embedded", key: str | None = None
):
    """A `Photo` as the reader makes it (real bytes through extractors.photos.analyze_image)."""
    from extractors.photos import analyze_image
    from rules import load_rulebook

    data = make_photo(width, height, seed=seed)
    return analyze_image(key or f"word/media/image{seed}.jpeg", data, source, load_rulebook())


def resized_photo_value(
    width: int,
    height: int,
    seed: int,
    new_width: int,
    new_height: int,
    *,
    source: str = "embedded",
    key: str | None = None,
):
    """The photo `make_photo(width, height, seed)` resized (and recompressed) to new_width×new_height."""
    from extractors.photos import analyze_image
    from rules import load_rulebook

    img = Image.open(io.BytesIO(make_photo(width, height, seed=seed))).resize((new_width, new_height))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    return analyze_image(key or f"word/media/copy{seed}.jpeg", buf.getvalue(), source, load_rulebook())


def make_zip(members: dict[str, bytes], *, compression: int = 8) -> bytes:
    """A .zip holding `members` (name → bytes), e.g. a bundle: one draft, photos, audio/video.
    `compression` is a zipfile constant (8 = ZIP_DEFLATED, 0 = ZIP_STORED)."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


# ---- builders for the reader's tests (package, text walk, counting) ----

W_MAIN = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOC_NS = (
    f'xmlns:w="{W_MAIN}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
)


def document_xml(body: str) -> str:
    """A whole word/document.xml around hand-written body XML (namespaces w, r, mc, wps, wp, a, pic, v, o)."""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<w:document {_DOC_NS}><w:body>{body}</w:body></w:document>"
    )


def make_raw_docx(
    body_xml: str,
    *,
    parts: dict[str, bytes | str] | None = None,
    rels: Sequence[tuple[str, str, str]] = (),
    settings_xml: str | None = None,
    main_content_type: str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    raw_document: bytes | None = None,
) -> bytes:
    """A minimal hand-written .docx: word/document.xml from `body_xml` (see `document_xml`), extra
    `parts`, document relationships `rels` as (id, type suffix, target; 'http…' targets are
    External), and an optional settings.xml body."""
    import zipfile

    extra = dict(parts or {})
    rel_list = list(rels)
    if settings_xml is not None:
        extra["word/settings.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><w:settings xmlns:w="{W_MAIN}">'
            f"{settings_xml}</w:settings>"
        )
        rel_list.append(("rIdSettings", "settings", "settings.xml"))
    ct = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="png" ContentType="image/png"/><Default Extension="jpeg" ContentType="image/jpeg"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main_content_type}"/></Types>'
    )
    pkg_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    rel_xml = []
    for rid, kind, target in rel_list:
        mode = ' TargetMode="External"' if target.startswith("http") else ""
        rel_xml.append(
            f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/{kind}" Target="{target}"{mode}/>'
        )
    doc_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rel_xml)
        + "</Relationships>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", ct)
        zf.writestr("_rels/.rels", pkg_rels)
        zf.writestr("word/document.xml", raw_document if raw_document is not None else document_xml(body_xml))
        zf.writestr("word/_rels/document.xml.rels", doc_rels)
        for name, content in extra.items():
            zf.writestr(name, content)
    return buf.getvalue()


def para_xml(*runs: str | tuple[str, bool]) -> str:
    """A <w:p> of runs; a run is text, or (text, east_asian_hint)."""
    out = []
    for run in runs:
        text, hint = (run, False) if isinstance(run, str) else run
        rpr = '<w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr>' if hint else ""
        out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>')
    return "<w:p>" + "".join(out) + "</w:p>"


def make_ole(stream_names: Sequence[str]) -> bytes:
    """A minimal Compound File (OLE2) whose directory holds the given stream names (no data):
    what a .doc (`WordDocument`) or an encrypted .docx (`EncryptionInfo`) looks like to `sniff`."""
    import struct

    end, free, fatsect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    names = ["Root Entry", *stream_names]
    n_dir = (len(names) + 3) // 4
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 44, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = [fatsect] + [i + 1 for i in range(1, n_dir)] + [end] + [free] * (128 - 1 - n_dir)
    fat_sector = struct.pack("<128I", *fat)
    directory = bytearray(512 * n_dir)
    for i, name in enumerate(names):
        off = i * 128
        raw = name.encode("utf-16-le") + b"\x00\x00"
        directory[off : off + len(raw)] = raw
        struct.pack_into("<HBB", directory, off + 64, len(raw), 5 if i == 0 else 2, 1)
        struct.pack_into("<III", directory, off + 68, free, i + 1 if i + 1 < len(names) else free, free)
        struct.pack_into("<II", directory, off + 116, end, 0)
    return bytes(header) + fat_sector + bytes(directory)


# ---- pictures whose header promises more than their bytes hold (fuzz and memory tests) ----


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    import struct
    import zlib

    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_header(width: int, height: int, *, exif_after_pixels: bool = False, color_type: int = 2) -> bytes:
    """A PNG whose IHDR says `width`×`height` but whose pixel data is a few rows of zeros: what a
    giant picture looks like to anything reading only the header. With `exif_after_pixels`, an
    eXIf chunk follows IDAT, which is where Pillow's `getexif` would decode every pixel first."""
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    idat = zlib.compress(bytes(min(width * 3 + 1, 1 << 16) * 4))
    chunks = [_png_chunk(b"IHDR", ihdr), _png_chunk(b"IDAT", idat)]
    if exif_after_pixels:
        exif = b"MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00"
        chunks.append(_png_chunk(b"eXIf", exif))
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks) + _png_chunk(b"IEND", b"")


def tiff_header(width: int, height: int) -> bytes:
    """A little-endian RGB TIFF whose tags say `width`×`height` over a single tiny strip."""
    import struct

    entries = [
        (256, 4, 1, width),  # ImageWidth
        (257, 4, 1, height),  # ImageLength
        (258, 3, 1, 8),  # BitsPerSample (one value: fine for Pillow)
        (259, 3, 1, 1),  # Compression: none
        (262, 3, 1, 2),  # Photometric: RGB
        (273, 4, 1, 0),  # StripOffsets, patched below
        (277, 3, 1, 3),  # SamplesPerPixel
        (278, 4, 1, height),  # RowsPerStrip
        (279, 4, 1, 64),  # StripByteCounts
    ]
    ifd_size = 2 + 12 * len(entries) + 4
    data_offset = 8 + ifd_size
    out = bytearray(b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries)))
    for tag, kind, count, value in entries:
        value = data_offset if tag == 273 else value
        fmt = "<HHII" if kind == 4 else "<HHIHH"
        out += (
            struct.pack(fmt, tag, kind, count, value)
            if kind == 4
            else struct.pack(fmt, tag, kind, count, value, 0)
        )
    out += struct.pack("<I", 0) + bytes(64)
    return bytes(out)
