"""One mail as an inbox item: who sent it, its attachments with their real names, and where in
the inbox its item goes (unit, type folder, name).

Chinese mail clients name attachments every which way: RFC 2231 (`filename*=GBK''%D5%C5…`),
RFC 2047 encoded words (`=?GB2312?B?…?=`), or raw GBK bytes in the header with no label at
all (old Foxmail, some 163 web sends). `attachment_name` reads all three; a GB2312/GBK label is
read as GB18030, its superset, so a rare character a GBK client sent still decodes.

The type comes from a tag in the subject or the document's name (`【即时信息】…`, read by the
inbox's own parser, `checks.inbox_place`), else the unit's type in mail.toml, else none: the
item then lies in the unit's folder and intake reads the type from the draft (or notes why
not), exactly as for a file a unit drops there.
"""

from __future__ import annotations

import email
import email.header
import email.message
import email.utils
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from checks.inbox_place import name_tags, type_from_tags
from extractors.bundle import DRAFT_EXTENSIONS
from extractors.safefile import is_junk
from rules import Rulebook

_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030"}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_REPLY = re.compile(r"^\s*((回复|答复|转发|re|fw|fwd)\s*[:：]\s*)+", re.IGNORECASE)
NO_DOCUMENT = "邮件没有稿件附件（.docx、.doc、.wps 或 .zip）"
UNKNOWN_SENDER = "发件人不在 mail.toml 的 [senders] 中"


@dataclass(frozen=True)
class Attachment:
    name: str
    payload: bytes


@dataclass(frozen=True)
class MailItem:
    """Where a mail's item goes: `relpath` under inbox/ (unit, type folder, name) and the files
    it holds (one file when `bundle` is False, else the bundle folder's members)."""

    relpath: PurePosixPath
    files: tuple[Attachment, ...]
    bundle: bool


def _text(raw: bytes, charset: str | None) -> str:
    """Bytes in a declared charset (GB2312/GBK widened), else UTF-8, else GB18030."""
    for candidate in (_WIDER.get((charset or "").lower(), charset), "utf-8", "gb18030"):
        if not candidate:
            continue
        try:
            return raw.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("gb18030", "replace")


def header_text(value: str | None) -> str:
    """A header as text: encoded words decoded, raw 8-bit bytes (kept by the parser as
    surrogate escapes) read as UTF-8, else GB18030."""
    if not value:
        return ""
    parts: list[str] = []
    for chunk, charset in email.header.decode_header(str(value)):
        if isinstance(chunk, bytes):
            parts.append(_text(chunk, charset))
        else:
            parts.append(_text(chunk.encode("utf-8", "surrogateescape"), "utf-8"))
    return "".join(parts).strip()


def attachment_name(part: email.message.Message) -> str | None:
    """The attachment's file name (Content-Disposition filename, else Content-Type name), decoded."""
    for param, header in (("filename", "content-disposition"), ("name", "content-type")):
        value = _readable(part, header).get_param(param, header=header)
        if value is None:
            continue
        if isinstance(value, tuple):  # RFC 2231: (charset, language, %-decoded text)
            charset, _, text = value
            name = _text(str(text).encode("latin-1", "surrogateescape"), charset)
        else:
            name = header_text(email.utils.unquote(str(value)))
        name = _UNSAFE.sub("_", name).strip(" .")
        if name:
            return name
    return None


def _readable(part: email.message.Message, header: str) -> email.message.Message:
    """The part itself, or — when the header holds raw 8-bit bytes, which the parser would show
    as U+FFFD — a probe holding that header with its bytes read as UTF-8, else GB18030."""
    for key, value in part.raw_items():
        if key.lower() == header and isinstance(value, str) and not value.isascii():
            probe = email.message.Message()
            probe[key] = _text(value.encode("ascii", "surrogateescape"), None)
            return probe
    return part


def parse_mail(raw: bytes) -> email.message.Message:
    return email.message_from_bytes(raw)


def sender_of(msg: email.message.Message) -> str:
    return email.utils.parseaddr(header_text(msg.get("From")))[1].strip().lower()


def attachments_of(msg: email.message.Message) -> list[Attachment]:
    """Every named part that is not text shown inline, junk names (`~$…`, hidden) left out."""
    found: list[Attachment] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = attachment_name(part)
        if not name or is_junk(name):
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            found.append(Attachment(_unique(name, {a.name for a in found}), payload))
    return found


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, dot + suffix) if dot else (name, "")
    n, candidate = 2, name
    while candidate in taken:
        candidate, n = f"{stem}（{n}）{suffix}", n + 1
    return candidate


def _ext(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def item_of(
    unit: str, subject: str, attachments: list[Attachment], rulebook: Rulebook, default_type: str | None
) -> MailItem | None:
    """The inbox item of a known sender's mail, or None when it carries no document: one draft
    alone is a file, one .zip alone is that zip, anything more a bundle folder named after the
    document (else the subject) — zipped when no type is known, as it then lies in the unit's
    own folder, where only files are items."""
    documents = [a for a in attachments if _ext(a.name) in DRAFT_EXTENSIONS]
    zips = [a for a in attachments if _ext(a.name) == "zip"]
    if not documents and not zips:
        return None
    lead = (documents or zips)[0]
    tags = [*name_tags(_REPLY.sub("", subject) + ".docx"), *name_tags(lead.name)]
    ctype, _ = type_from_tags(tags, rulebook)
    key = ctype.key if ctype else default_type
    folder = (unit, rulebook.types[key].name) if key in rulebook.types else (unit,)
    if len(attachments) == 1:
        return MailItem(PurePosixPath(*folder, lead.name), (lead,), bundle=False)
    stem = (
        lead.name.rpartition(".")[0] if documents else _UNSAFE.sub("_", subject).strip(" .")
    ) or "邮件稿件"
    if len(folder) == 1:  # no type: a folder in the unit's folder would be taken for a type folder
        return MailItem(
            PurePosixPath(unit, stem + ".zip"), (Attachment(stem + ".zip", _zipped(attachments)),), False
        )
    return MailItem(PurePosixPath(*folder, stem), tuple(attachments), bundle=True)


def _zipped(attachments: list[Attachment]) -> bytes:
    """The bundle as a .zip (names in UTF-8), the form a bundle takes in a unit's own folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in attachments:
            archive.writestr(part.name, part.payload)
    return buffer.getvalue()
