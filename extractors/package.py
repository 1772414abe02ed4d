"""Safety before any parser: what the bytes are, and a zip package read within limits.

Units send whatever their machines produce: .doc renamed .docx, password-protected files, WPS
files, truncated uploads, sometimes hostile zips. The kind of file is decided by its magic bytes,
never its name; a zip's central directory is checked against the rulebook's limits before a
single byte is inflated; XML is parsed with entities and network off and DTDs refused. Every
refusal is a `PackageRefused` carrying the Chinese message the unit will read.
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from dataclasses import dataclass

from lxml import etree

from extractors.messages import (
    MSG_BROKEN,
    MSG_DTD,
    MSG_EMPTY,
    MSG_ENCRYPTED,
    MSG_MACRO,
    MSG_NOT_WORD,
    MSG_OLD_WORD,
    MSG_OLE_OTHER,
    MSG_UNKNOWN,
    MSG_XML,
    MSG_XML_TOO_BIG,
    part_over_limit,
    part_ratio,
    part_too_big,
    too_many_parts,
    total_too_big,
)
from rules.model import Limits

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# What reading one member of an intact zip directory raises when the member itself is damaged:
# a bad deflate stream (zlib.error), a truncated file (EOFError), an unknown zip version
# (NotImplementedError), a bad CRC (BadZipFile)… Each is damage the unit can fix by saving again.
ZIP_MEMBER_DAMAGE: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    ValueError,
    NotImplementedError,
)


# Strict OOXML (ISO 29500 strict) namespaces → the transitional ones the walker knows.
STRICT_TO_TRANSITIONAL: tuple[tuple[bytes, bytes], ...] = (
    (
        b"http://purl.oclc.org/ooxml/wordprocessingml/main",
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    ),
    (
        b"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing",
        b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    ),
    (b"http://purl.oclc.org/ooxml/drawingml/main", b"http://schemas.openxmlformats.org/drawingml/2006/main"),
    (
        b"http://purl.oclc.org/ooxml/drawingml/picture",
        b"http://schemas.openxmlformats.org/drawingml/2006/picture",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/math",
        b"http://schemas.openxmlformats.org/officeDocument/2006/math",
    ),
)

PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_DOCUMENT = "/officeDocument"  # relationship type suffix, transitional and strict


class PackageRefused(Exception):
    """The input cannot or must not be read; `message` is the Chinese text for the unit."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------------
# sniff: the kind of file from its bytes


def sniff(data: bytes) -> str:
    """One of "zip", "ole_doc", "ole_encrypted", "ole_other", "empty", "unknown".

    An OLE (Compound File) container holding `EncryptionInfo`/`EncryptedPackage` is a
    password-protected .docx; one holding `WordDocument` is a Word 97–2003 .doc or a WPS .wps.
    """
    if not data:
        return "empty"
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if data.startswith(OLE_MAGIC):
        names = ole_stream_names(data)
        if {"EncryptionInfo", "EncryptedPackage"} & names:
            return "ole_encrypted"
        if "WordDocument" in names:
            return "ole_doc"
        return "ole_other"
    return "unknown"


def ole_stream_names(data: bytes) -> set[str]:
    """Names of the directory entries of a Compound File (MS-CFB), read by following the FAT
    chain of the directory. Returns what it could read; a damaged container gives an empty set."""
    try:
        return _ole_names(data)
    except (struct.error, IndexError, ValueError):
        return set()


def _ole_names(data: bytes) -> set[str]:
    sector_shift = struct.unpack_from("<H", data, 30)[0]
    if sector_shift not in (9, 12):
        return set()
    size = 1 << sector_shift
    n_sectors = max(0, (len(data) - 512) // size + 1)
    (first_dir,) = struct.unpack_from("<I", data, 48)
    first_difat, n_difat = struct.unpack_from("<II", data, 68)

    def sector(i: int) -> bytes:
        start = size * (i + 1)  # the header fills sector "-1"
        return data[start : start + size]

    fat_sectors = [s for s in struct.unpack_from("<109I", data, 76) if s < 0xFFFFFFFA]
    nxt, seen = first_difat, 0
    while nxt < 0xFFFFFFFA and seen < n_difat and seen < n_sectors:
        block = sector(nxt)
        entries = struct.unpack_from(f"<{size // 4}I", block)
        fat_sectors.extend(s for s in entries[:-1] if s < 0xFFFFFFFA)
        nxt, seen = entries[-1], seen + 1
    fat: list[int] = []
    for s in fat_sectors[:n_sectors]:
        block = sector(s)
        if len(block) == size:
            fat.extend(struct.unpack_from(f"<{size // 4}I", block))

    names: set[str] = set()
    current, steps = first_dir, 0
    while current < 0xFFFFFFFA and steps <= n_sectors:
        block = sector(current)
        for off in range(0, len(block) - 127, 128):
            (name_len,) = struct.unpack_from("<H", block, off + 64)
            kind = block[off + 66]
            if kind in (1, 2, 5) and 2 <= name_len <= 64:
                names.add(block[off : off + name_len - 2].decode("utf-16-le", "replace"))
        current = fat[current] if current < len(fat) else 0xFFFFFFFE
        steps += 1
    return names


# ---------------------------------------------------------------------------------------------
# the zip package


@dataclass(frozen=True)
class Rel:
    """One relationship of a part: type URI, resolved target part name (or URL), external or not."""

    rid: str
    type: str
    target: str
    external: bool


def check_zip_limits(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse a package whose central directory promises too much, before inflating anything."""
    if len(infos) > limits.max_entries:
        raise PackageRefused(too_many_parts(len(infos), limits.max_entries))
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise PackageRefused(MSG_ENCRYPTED)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise PackageRefused(MSG_BROKEN)
        size = info.file_size
        if size > limits.max_part_bytes:
            raise PackageRefused(part_too_big(info.filename, size, limits.max_part_bytes))
        if size > limits.inflate_ratio_grace_bytes and info.compress_size / size < limits.min_inflate_ratio:
            raise PackageRefused(part_ratio(info.filename, size, info.compress_size))
        total += size
        if total > limits.max_total_bytes:
            raise PackageRefused(total_too_big(limits.max_total_bytes))


def refuse_dtd(data: bytes) -> None:
    """A DOCTYPE or ENTITY declaration has no business in OOXML: refuse (billion laughs, XXE)."""
    head = data.lstrip()
    encodings = ("utf-16-le", "utf-16-be") if head[:2] in (b"\xff\xfe", b"\xfe\xff") else ("ascii",)
    for enc in encodings:
        for word in ("<!DOCTYPE", "<!ENTITY"):
            if word.encode(enc) in data:
                raise PackageRefused(MSG_DTD)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes) -> etree._Element:
    """Parse untrusted XML: DTDs refused, entities unresolved, no network, Strict namespaces mapped.

    The byte scan in `refuse_dtd` is only a quick first look: XML in UTF-16 or UTF-32 without a
    byte-order mark (libxml2 detects its encoding from the first characters) slips past it, so
    the parsed document itself is what decides — any DOCTYPE, internal or external subset refused.
    """
    refuse_dtd(data)
    for strict, transitional in STRICT_TO_TRANSITIONAL:
        if strict in data:
            data = data.replace(strict, transitional)
    try:
        root = etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise PackageRefused(MSG_XML) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise PackageRefused(MSG_DTD)
    return root


class SafePackage:
    """An OPC package whose every read is bounded by the rulebook's limits.

    Part names are compared case-insensitively (OPC part names are); `read` reads a part at most
    once-through with a hard cap, and `xml` parses it with the hardened parser.
    """

    def __init__(self, zf: zipfile.ZipFile, limits: Limits) -> None:
        self._zf = zf
        self._limits = limits
        self._by_lower = {i.filename.lstrip("/").lower(): i for i in zf.infolist()}
        self._rels: dict[str, dict[str, Rel]] = {}
        self._types: etree._Element | None = None

    @property
    def names(self) -> list[str]:
        return [i.filename for i in self._zf.infolist()]

    def has(self, name: str) -> bool:
        return name.lstrip("/").lower() in self._by_lower

    def size(self, name: str) -> int:
        info = self._by_lower.get(name.lstrip("/").lower())
        return info.file_size if info else 0

    def read(self, name: str, cap: int | None = None) -> bytes:
        """The part's bytes, never more than its declared size nor `cap` (default max_part_bytes)."""
        info = self._by_lower.get(name.lstrip("/").lower())
        if info is None:
            raise KeyError(name)
        limit = min(cap if cap is not None else self._limits.max_part_bytes, self._limits.max_part_bytes)
        try:
            with self._zf.open(info) as fh:
                data = fh.read(limit + 1)
        except ZIP_MEMBER_DAMAGE as exc:
            raise PackageRefused(MSG_BROKEN) from exc
        if len(data) > limit:
            raise PackageRefused(part_over_limit(info.filename))
        return data

    def xml(self, name: str) -> etree._Element:
        """A part parsed as XML, bounded by max_xml_part_bytes and, before parsing, by the count
        of tags and attributes (max_xml_markup): the parsed tree's memory grows with those, not
        with bytes, and a non-repetitive 18 MB part of attributes took 580 MB."""
        data = self.read(name, self._limits.max_xml_part_bytes)
        if data.count(b"<") + data.count(b"=") > self._limits.max_xml_markup:
            raise PackageRefused(MSG_XML_TOO_BIG)
        return parse_xml(data)

    def rels(self, part: str) -> dict[str, Rel]:
        """The relationships of `part` ("" for the package), targets resolved to part names."""
        if part not in self._rels:
            self._rels[part] = self._read_rels(part)
        return self._rels[part]

    def _read_rels(self, part: str) -> dict[str, Rel]:
        folder, base = posixpath.split(part.lstrip("/"))
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels_name):
            return {}
        root = self.xml(rels_name)
        out: dict[str, Rel] = {}
        for el in root:
            if not isinstance(el.tag, str) or etree.QName(el).localname != "Relationship":
                continue
            rid, rtype, target = el.get("Id", ""), el.get("Type", ""), el.get("Target", "")
            external = el.get("TargetMode", "") == "External"
            if not external:
                target = resolve_target(folder, target)
            out[rid] = Rel(rid, rtype, target, external)
        return out

    def content_type(self, name: str) -> str:
        """The content type [Content_Types].xml gives the part ("" when unknown)."""
        if not self.has("[Content_Types].xml"):
            return ""
        if self._types is None:
            self._types = self.xml("[Content_Types].xml")
        root = self._types
        wanted = "/" + name.lstrip("/").lower()
        ext = posixpath.splitext(wanted)[1].lstrip(".")
        default = ""
        for el in root:
            if not isinstance(el.tag, str):
                continue
            local = etree.QName(el).localname
            if local == "Override" and el.get("PartName", "").lower() == wanted:
                return str(el.get("ContentType", ""))
            if local == "Default" and el.get("Extension", "").lower() == ext:
                default = el.get("ContentType", "")
        return default

    def main_document(self) -> str:
        """The main document part (by the package relationship; word/document.xml as a fallback)."""
        for rel in self.rels("").values():
            if rel.type.endswith(OFFICE_DOCUMENT) and not rel.external and self.has(rel.target):
                return rel.target
        if self.has("word/document.xml"):
            return "word/document.xml"
        raise PackageRefused(MSG_NOT_WORD)


def resolve_target(folder: str, target: str) -> str:
    """A relationship target relative to the source part's folder, as a part name without '/'."""
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target)).lstrip("/")


def open_package(data: bytes, limits: Limits) -> SafePackage:
    """Open a .docx held in memory, or raise `PackageRefused` with the unit's message.

    Order matters: magic bytes, then central-directory limits, then macro check — nothing is
    inflated until the package has passed the first two.
    """
    kind = sniff(data)
    if kind == "empty":
        raise PackageRefused(MSG_EMPTY)
    if kind == "ole_encrypted":
        raise PackageRefused(MSG_ENCRYPTED)
    if kind == "ole_doc":
        raise PackageRefused(MSG_OLD_WORD)
    if kind == "ole_other":
        raise PackageRefused(MSG_OLE_OTHER)
    if kind != "zip":
        raise PackageRefused(MSG_UNKNOWN)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # a damaged "version needed to extract" ("zip file version 13.4")
        OSError,
        ValueError,
        EOFError,
        struct.error,
    ) as exc:
        raise PackageRefused(MSG_BROKEN) from exc
    check_zip_limits(infos, limits)
    pkg = SafePackage(zf, limits)
    if any(posixpath.basename(i.filename).lower() == "vbaproject.bin" for i in infos):
        raise PackageRefused(MSG_MACRO)
    main = pkg.main_document()
    if "macroenabled" in pkg.content_type(main).lower():
        raise PackageRefused(MSG_MACRO)
    return pkg
