"""报送 from a unit's own page: the upload is checked (自查) and kept aside, and only on the unit's
confirmation laid into its inbox folder, where intake takes it exactly like a dropped file.

Where an upload goes is decided here, never in the page: `inbox_target` names the place
(`inbox/<单位>/<类型>/<名称>`: one file, a `.zip`, or a bundle folder when photos come with the
document), and `InboxPath` — the one parser of inbox paths — must read that place back as an
item of the same unit and type, so a link can only ever write into its own unit's folder. The
files are written under a hidden temporary name (`is_junk`: intake never looks at it) and renamed
into place in one step, so intake never sees half an upload.

An upload waits in `.draftdesk/uploads/<编号>/` (outside the inbox) for the confirmation. The
confirmation takes that folder by renaming it, once: a second confirmation of the same upload
(a double click, the browser's back button) finds it gone and answers with the first one's
result, so one upload makes one item. The sent record (`<编号>.sent.json`) remembers where the
item went, so the page can show its receipt once intake has filed it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from extractors.safefile import is_junk
from intake.inbox_path import InboxPath, free_place
from ledger.desk import open_read_only
from ledger.unit_page import last_submission_id, unit_item_from
from rules import Rulebook
from service.desk import BUNDLES, DOCUMENTS, Upload, self_check
from service.errors import UploadExpired, bad_file_name
from workspace import Workspace, now

NONCE = re.compile(r"[A-Za-z0-9_-]{22}")
FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')  # not allowed in a name on Windows shares
NAME_BYTES = 180  # room left for （2） and the intake's own tags under the 255-byte limit


@dataclass(frozen=True)
class Staged:
    """An upload checked and kept aside, waiting for the unit's confirmation (`nonce`)."""

    nonce: str
    type_name: str
    result: dict[str, Any]  # the 自查 answer, as `self_check` gives it


@dataclass(frozen=True)
class Sent:
    """Where a confirmed upload went, and its receipt once intake has filed it."""

    place: str  # inbox path, as the unit's own folder names it
    submission_id: int | None = None
    receipt: str | None = None  # the receipt's text (None: not written yet)


def staging(ws: Workspace) -> Path:
    return ws.root / ".draftdesk" / "uploads"


def clean_name(name: str) -> str:
    """An uploaded file's name, safe to write in the inbox: no folder part, no character a
    Windows share refuses, no leading dot or ~$ (intake would take it for a temp file), short
    enough in bytes. Refuses (`BadInput`) a name with nothing left."""
    base = PurePath(name.replace("\\", "/")).name
    base = FORBIDDEN.sub("_", unicodedata.normalize("NFC", base)).strip().lstrip(".~$ ")
    stem, suffix = os.path.splitext(base)
    while len(stem.encode("utf-8")) > NAME_BYTES:
        stem = stem[:-1]
    cleaned = f"{stem.rstrip()}{suffix.lower()}"
    if not stem.strip() or is_junk(cleaned):
        raise bad_file_name(name)
    return cleaned


def stage_upload(
    ws: Workspace, rulebook: Rulebook, unit: str, type_name: str, uploads: Sequence[Upload]
) -> Staged:
    """Check the upload as intake would (`self_check`: refusals are `BadInput`/`UnknownUnit`)
    and keep its files aside under a new one-time number until the unit confirms."""
    names = [clean_name(u.name) for u in uploads]
    cleaned = [Upload(n, u.path) for n, u in zip(names, uploads, strict=True)]
    result = self_check(ws, rulebook, unit, type_name, cleaned, None, sending=True)
    drop_stale(ws, rulebook)
    nonce = secrets.token_urlsafe(16)
    folder = staging(ws) / nonce
    (folder / "files").mkdir(parents=True)
    for upload in cleaned:
        shutil.copyfile(upload.path, folder / "files" / upload.name)
    ctype = rulebook.type_named(type_name)
    type_shown = ctype.name if ctype else type_name
    manifest = {"unit": unit, "type": type_shown, "names": names}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return Staged(nonce, type_shown, result)


def drop_stale(ws: Workspace, rulebook: Rulebook) -> None:
    """Remove uploads never confirmed, and sent records, older than `[web] confirm_hours`."""
    cutoff = time.time() - rulebook.web.confirm_hours * 3600
    root = staging(ws)
    for entry in root.iterdir() if root.is_dir() else ():
        with contextlib.suppress(OSError):
            if entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def inbox_target(rulebook: Rulebook, unit: str, type_name: str, names: Sequence[str]) -> PurePosixPath:
    """Where an upload goes in the inbox, relative to it: `<单位>/<类型>/<文件>` for one document
    or one .zip, `<单位>/<类型>/<文档名>/` (a bundle) for a document with photos. Checked with
    `InboxPath`: the place must read back as an item of this very unit and type."""
    documents = [n for n in names if PurePath(n).suffix.lower() in DOCUMENTS + BUNDLES]
    name = names[0] if len(names) == 1 else PurePath(documents[0]).stem
    place = PurePosixPath(unit, type_name, name)
    parsed = InboxPath.parse(place, rulebook, is_dir=len(names) > 1)
    shown_type = rulebook.types[parsed.content_type].name if parsed.content_type in rulebook.types else None
    if parsed.role != "item" or parsed.unit != unit or shown_type != type_name:
        raise bad_file_name(name)
    return place


def send_staged(ws: Workspace, rulebook: Rulebook, unit: str, nonce: str) -> Sent:
    """Lay a confirmed upload into the unit's inbox folder (temp name, then one rename). A
    second confirmation answers the first one's result; an unknown, expired or another unit's
    upload raises `UploadExpired` (nothing of it is shown)."""
    if not NONCE.fullmatch(nonce):
        raise UploadExpired()
    root = staging(ws)
    taking = root / f"{nonce}.taking"
    try:
        os.rename(root / nonce, taking)
    except OSError:
        if taking.exists():  # a confirmation of the same upload is laying it in right now
            return Sent("")
        return sent_state(ws, unit, nonce)
    try:
        manifest = json.loads((taking / "manifest.json").read_text(encoding="utf-8"))
        if manifest["unit"] != unit:
            os.rename(taking, root / nonce)  # not this link's upload: leave it for its own unit
            raise UploadExpired()
        _lay_in(ws, rulebook, nonce, manifest, taking / "files")
    finally:
        shutil.rmtree(taking, ignore_errors=True)
    return sent_state(ws, unit, nonce)


def _lay_in(ws: Workspace, rulebook: Rulebook, nonce: str, manifest: dict[str, Any], files: Path) -> None:
    """Record where the files go, write them under a hidden temp name in the target folder
    (junk to intake) and rename them into place in one step."""
    names = list(manifest["names"])
    bundle = len(names) > 1
    place = free_place(
        ws.inbox, inbox_target(rulebook, manifest["unit"], manifest["type"], names), bundle=bundle
    )
    target = ws.inbox / place
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{nonce}.partial"
    assert InboxPath.parse(place.with_name(tmp.name), rulebook, is_dir=bundle).role == "ignored"
    _record_sent(ws, rulebook, manifest["unit"], nonce, place)
    if bundle:
        shutil.copytree(files, tmp)
    else:
        shutil.copyfile(files / names[0], tmp)
    os.rename(tmp, target)


def _record_sent(ws: Workspace, rulebook: Rulebook, unit: str, nonce: str, place: PurePosixPath) -> None:
    after = 0
    if ws.ledger_path.exists():
        db = open_read_only(ws.ledger_path)
        try:
            after = last_submission_id(db)
        finally:
            db.close()
    record = {"unit": unit, "place": str(place), "after_id": after, "at": now(rulebook).isoformat()}
    path = staging(ws) / f"{nonce}.sent.json"
    path.with_suffix(".partial").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    os.replace(path.with_suffix(".partial"), path)


def sent_state(ws: Workspace, unit: str, nonce: str) -> Sent:
    """What became of a confirmed upload: where it went and, once filed, its receipt.
    `UploadExpired` for an unknown number or another unit's upload."""
    path = staging(ws) / f"{nonce}.sent.json"
    if not NONCE.fullmatch(nonce) or not path.is_file():
        raise UploadExpired()
    record = json.loads(path.read_text(encoding="utf-8"))
    if record["unit"] != unit:
        raise UploadExpired()
    place = str(record["place"])
    row = None
    if ws.ledger_path.exists():
        db = open_read_only(ws.ledger_path)
        try:
            row = unit_item_from(db, unit, place, int(record["after_id"]))
        finally:
            db.close()
    if row is None:
        return Sent(place)
    receipt = _receipt_text(ws, row) if row["receipt_at"] else None
    return Sent(place, int(row["id"]), receipt)


def _receipt_text(ws: Workspace, row: dict[str, Any]) -> str | None:
    try:
        raw = (ws.root / str(row["receipt_path"])).read_bytes()
    except (OSError, TypeError):
        return None
    return raw.decode("utf-8-sig", "replace").replace("\r\n", "\n")
