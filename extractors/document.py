"""One Word document's bytes → a `Draft`: a .docx package, or a .doc/.wps/RTF through LibreOffice.

Both the reader's dispatcher (`extractors.read`) and a bundle's one draft (`extractors.bundle`)
read a document here, so a zip inside a zip is never opened as another bundle and neither
module has to import the other.
"""

from __future__ import annotations

import dataclasses
import hashlib
import posixpath
import struct

from extractors.convert import ConversionError, convert_to_docx, soffice_path
from extractors.messages import MSG_EMPTY, MSG_ENCRYPTED, MSG_MISSING_SOFFICE, MSG_OLE_OTHER, MSG_UNKNOWN
from extractors.model import ERROR, Draft, Finding
from extractors.package import sniff
from rules import Rulebook


def refused(name: str, data: bytes | None, container: str, message: str) -> Draft:
    """An unreadable draft whose one `format` finding is `message` (the unit's sentence)."""
    return Draft(
        source_name=name,
        container=container,
        sha256=hashlib.sha256(data).hexdigest() if data is not None else "",
        readable=False,
        findings=(Finding("format", ERROR, message),),
    )


def _container_by_name(name: str) -> str:
    return "wps" if posixpath.splitext(name)[1].lower() == ".wps" else "doc"


def _read_docx(name: str, data: bytes, rulebook: Rulebook) -> Draft:
    from extractors.docx import read_docx_bytes

    return read_docx_bytes(name, data, rulebook)


def _is_rtf_named_doc(name: str, data: bytes) -> bool:
    """Word and many office systems save RTF under a .doc name; LibreOffice reads it like a .doc."""
    return data.lstrip()[:5] == b"{\\rtf" and posixpath.splitext(name)[1].lower() in (".doc", ".wps")


def _read_ole_doc(name: str, data: bytes, rulebook: Rulebook, suffix: str = "doc") -> Draft:
    """A Word 97–2003 .doc or WPS .wps (or RTF named .doc): converted by LibreOffice, then read
    like any .docx, keeping the container by its extension and the sha256 of the bytes sent."""
    container = _container_by_name(name)
    if soffice_path() is None:
        return refused(name, data, container, MSG_MISSING_SOFFICE)
    try:
        docx = convert_to_docx(data, suffix, float(rulebook.intake.convert_timeout_seconds))
    except ConversionError as exc:
        return refused(name, data, container, MSG_ENCRYPTED if _fib_says_encrypted(data) else exc.message)
    draft = _read_docx(name, docx, rulebook)
    return dataclasses.replace(
        draft, source_name=name, container=container, sha256=hashlib.sha256(data).hexdigest()
    )


def _fib_says_encrypted(data: bytes) -> bool:
    """Whether a Word 97 file's FIB has fEncrypted set (a password to open). Found by the FIB's
    magic at the start of a sector, so it is only used to word the message once LibreOffice has
    already failed — a password, not damage, is then the reason the unit needs to hear."""
    try:
        sector = 1 << struct.unpack_from("<H", data, 30)[0]
        for at in range(max(sector, 512), len(data) - 12, sector):
            if data[at : at + 2] == b"\xec\xa5" and struct.unpack_from("<H", data, at + 2)[0] >= 0x65:
                return bool(struct.unpack_from("<H", data, at + 10)[0] & 0x0100)
    except (struct.error, ValueError):
        pass
    return False


def read_document_bytes(name: str, data: bytes, rulebook: Rulebook) -> Draft:
    """One Word draft (.docx/.doc/.wps by content), never a bundle — what a bundle's member is
    read with, so a zip inside a zip is not opened as another bundle."""
    kind = sniff(data)
    if kind == "zip":
        return _read_docx(name, data, rulebook)
    if kind == "ole_doc":
        return _read_ole_doc(name, data, rulebook)
    if kind == "ole_encrypted":
        return refused(name, data, "unknown", MSG_ENCRYPTED)
    if kind == "ole_other":
        return refused(name, data, "unknown", MSG_OLE_OTHER)
    if kind == "empty":
        return refused(name, data, "unknown", MSG_EMPTY)
    if _is_rtf_named_doc(name, data):
        return _read_ole_doc(name, data, rulebook, suffix="rtf")
    return refused(name, data, "unknown", MSG_UNKNOWN)
