"""Bundles: one draft plus the photos and audio/video a unit attaches beside it (SPEC §3).

Why: Word compresses pictures on save, so units attach the originals; 学习强国 audio/video
pieces are a media file with no Word draft at all. A bundle is a folder or a .zip; either way it
becomes one `Draft` (container "bundle") whose photos are the draft's embedded pictures plus the
attached ones, and whose media lists the audio/video files (listed by name and size, never
opened). A bundle is untrusted like any file: a zip is checked against the package limits from
its central directory before anything is inflated and entries escaping the bundle are skipped;
a folder is walked without following links and without reading anything outside it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import posixpath
import stat
import struct
import zipfile
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from extractors.document import read_document_bytes
from extractors.messages import (
    MSG_BROKEN_ZIP,
    MSG_SYMLINK,
    attached_photo_unreadable,
    bundle_draft_count,
    bundle_skipped,
    bundle_stray,
    folder_too_big,
    folder_too_many,
    folder_unlistable,
    folder_unreadable,
    zip_member_escapes,
    zip_member_symlink,
    zip_member_too_big,
)
from extractors.model import ERROR, WARNING, Draft, Finding, MediaFile, Photo
from extractors.package import ZIP_MEMBER_DAMAGE, PackageRefused, check_zip_limits
from extractors.photos import analyze_image
from extractors.safefile import (
    FileRefused,
    display_name,
    is_junk,
    kind_refusal,
    read_regular_file,
)
from rules import Rulebook

DRAFT_EXTENSIONS: tuple[str, ...] = ("docx", "doc", "wps", "docm")


def _ext(name: str) -> str:
    return posixpath.splitext(name)[1].lower().lstrip(".")


@dataclass(frozen=True)
class _Entry:
    """One member of a bundle: its name inside the bundle, size, and how to get its bytes."""

    name: str
    size: int
    load: Callable[[], bytes]


def _assemble(
    name: str, sha256: str, container: str, entries: list[_Entry], notes: list[Finding], rulebook: Rulebook
) -> Draft:
    """The bundle's `Draft` from its members: read the one draft, analyse photos, list media."""
    images = rulebook.images
    drafts = [e for e in entries if _ext(e.name) in DRAFT_EXTENSIONS]
    photo_entries = [e for e in entries if _ext(e.name) in images.photo_extensions]
    media: list[MediaFile] = []
    findings = list(notes)
    for entry in entries:
        ext = _ext(entry.name)
        if ext in images.audio_extensions:
            media.append(MediaFile(name=entry.name, kind="audio", size_bytes=entry.size))
        elif ext in images.video_extensions:
            media.append(MediaFile(name=entry.name, kind="video", size_bytes=entry.size))
        elif ext not in DRAFT_EXTENSIONS and ext not in images.photo_extensions:
            findings.append(Finding("format", WARNING, bundle_stray(container, entry.name)))

    attached: list[Photo] = []
    for entry in photo_entries:
        try:
            attached.append(analyze_image(entry.name, entry.load(), "attached", rulebook))
        except (FileRefused, PackageRefused) as exc:
            attached.append(
                Photo(
                    key=entry.name,
                    source="attached",
                    size_bytes=entry.size,
                    problem=attached_photo_unreadable(entry.name, exc.message),
                )
            )

    base = Draft(source_name=name, container="bundle", sha256=sha256, readable=False)
    if len(drafts) == 1:
        entry = drafts[0]
        try:
            draft = read_document_bytes(entry.name, entry.load(), rulebook)
        except (FileRefused, PackageRefused) as exc:
            draft = dataclasses.replace(base, findings=(Finding("format", ERROR, exc.message),))
    elif not drafts and media:
        # 学习强国 audio/video: no Word draft is expected; the checks decide what applies.
        draft = dataclasses.replace(base, readable=True)
    else:
        message = bundle_draft_count(container, [e.name for e in drafts])
        draft = dataclasses.replace(base, findings=(Finding("format", ERROR, message),))
    return dataclasses.replace(
        draft,
        source_name=name,
        container="bundle",
        sha256=sha256,
        photos=(*draft.photos, *attached),
        media=tuple(media),
        findings=(*draft.findings, *findings),  # picture problems are reported by checks.images
    )


# ---------------------------------------------------------------------------------------------
# folder bundles


def _walk(root: Path, budget: int, notes: list[Finding]) -> list[tuple[str, Path, os.stat_result]]:
    """Regular files under `root`, by `lstat` (links never followed), folder by folder.

    Every entry, folder or file, counts against `budget` (the package's entry limit), so a
    folder nested thousands deep costs no more than a zip with as many entries.
    """
    files: list[tuple[str, Path, os.stat_result]] = []
    queue: deque[tuple[Path, str]] = deque([(root, "")])
    seen = 0
    while queue:
        folder, rel = queue.popleft()
        try:
            with os.scandir(folder) as it:
                children = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            notes.append(Finding("format", WARNING, folder_unlistable(display_name(rel or "."), exc)))
            continue
        for child in children:
            if is_junk(child.name):
                continue
            seen += 1
            if seen > budget:
                notes.append(Finding("format", ERROR, folder_too_many(budget)))
                return files
            child_rel = posixpath.join(rel, child.name) if rel else child.name
            try:
                st = child.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                queue.append((Path(child.path), child_rel))
                continue
            refusal = kind_refusal(st.st_mode)
            if refusal:
                notes.append(Finding("format", WARNING, bundle_skipped(display_name(child_rel), refusal)))
                continue
            files.append((display_name(child_rel), Path(child.path), st))
    return files


def read_bundle_dir(path: Path, rulebook: Rulebook) -> Draft:
    """A bundle folder as one `Draft`. Never raises; links and special files inside are skipped
    with a warning, nothing outside the folder is read."""
    name = display_name(path.name)
    limits = rulebook.limits
    try:
        refusal = None if stat.S_ISDIR(os.lstat(path).st_mode) else MSG_SYMLINK
    except OSError as exc:
        refusal = folder_unreadable(exc)
    if refusal:
        return Draft(
            source_name=name,
            container="bundle",
            readable=False,
            findings=(Finding("format", ERROR, refusal),),
        )
    notes: list[Finding] = []
    files = _walk(path, limits.max_entries, notes)
    readable_exts = {*DRAFT_EXTENSIONS, *rulebook.images.photo_extensions}
    to_read = sum(st.st_size for shown, _, st in files if _ext(shown) in readable_exts)
    if to_read > limits.max_total_bytes:
        message = folder_too_big(to_read, limits.max_total_bytes)
        return Draft(
            source_name=name,
            container="bundle",
            readable=False,
            findings=(Finding("format", ERROR, message),),
        )
    digests: dict[str, str] = {}

    def loader(shown: str, file: Path) -> Callable[[], bytes]:
        def load() -> bytes:
            data = read_regular_file(file, limits.max_part_bytes)
            digests[shown] = hashlib.sha256(data).hexdigest()
            return data

        return load

    entries = [_Entry(shown, st.st_size, loader(shown, file)) for shown, file, st in files]
    draft = _assemble(name, "", "dir", entries, notes, rulebook)
    # The folder's identity: names and contents of what was read, names and sizes of the rest
    # (media are never opened), so the same bundle dropped twice is recognised.
    manifest = hashlib.sha256()
    for entry in entries:
        manifest.update(
            f"{entry.name}\t{digests.get(entry.name, entry.size)}\n".encode("utf-8", "backslashreplace")
        )
    return dataclasses.replace(draft, sha256=manifest.hexdigest())


# ---------------------------------------------------------------------------------------------
# zip bundles


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The member's name as the unit typed it: Chinese Windows zips store GBK names without the
    UTF-8 flag, which zipfile decodes as cp437; undo that when it yields valid GBK."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _escapes(raw: str) -> bool:
    parts = raw.split("/")
    return "\\" in raw or raw.startswith("/") or ".." in parts or (len(raw) > 1 and raw[1] == ":")


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _bounded_reader(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> Callable[[], bytes]:
    def load() -> bytes:
        try:
            with zf.open(info) as fh:
                data = fh.read(cap + 1)
        except ZIP_MEMBER_DAMAGE as exc:
            raise PackageRefused(MSG_BROKEN_ZIP) from exc
        if len(data) > cap:
            raise PackageRefused(zip_member_too_big(_entry_name(info)))
        return data

    return load


def bundle_from_zipfile(name: str, zf: zipfile.ZipFile, sha256: str, rulebook: Rulebook) -> Draft:
    """A zip bundle already opened (from bytes or from a large file on disk) as one `Draft`.

    The central directory is checked before any member is inflated; only the draft and photos
    are ever inflated, so a large video inside costs nothing.
    """
    limits = rulebook.limits
    infos = zf.infolist()
    notes: list[Finding] = []
    kept: list[tuple[str, zipfile.ZipInfo]] = []
    readable_exts = {*DRAFT_EXTENSIONS, *rulebook.images.photo_extensions}
    for info in infos:
        shown = _entry_name(info)
        if _escapes(info.filename):
            notes.append(Finding("format", WARNING, zip_member_escapes(display_name(shown))))
            continue
        if info.is_dir() or any(is_junk(part) for part in shown.split("/") if part not in ("", ".")):
            continue
        if _is_symlink(info):
            notes.append(Finding("format", WARNING, zip_member_symlink(display_name(shown))))
            continue
        kept.append((shown, info))
    to_read = [info for shown, info in kept if _ext(shown) in readable_exts]
    # Entry count is judged on the whole directory; sizes and ratios only on what we inflate.
    check_zip_limits(infos if len(infos) > limits.max_entries else to_read, limits)
    entries = [
        _Entry(shown, info.file_size, _bounded_reader(zf, info, limits.max_part_bytes))
        for shown, info in kept
    ]
    return _assemble(name, sha256, "zip", entries, notes, rulebook)


def read_bundle_zip(name: str, data: bytes, rulebook: Rulebook) -> Draft:
    """A .zip bundle as one `Draft`. Never raises: a broken or hostile zip is a `format` finding."""
    sha256 = hashlib.sha256(data).hexdigest()
    shown = display_name(name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return bundle_from_zipfile(shown, zf, sha256, rulebook)
    except PackageRefused as exc:
        message = exc.message
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        EOFError,
        ValueError,
        struct.error,
        NotImplementedError,
        RuntimeError,
    ):  # spanned, encrypted or damaged archives
        message = MSG_BROKEN_ZIP
    return Draft(
        source_name=shown,
        container="bundle",
        sha256=sha256,
        readable=False,
        findings=(Finding("format", ERROR, message),),
    )
