"""The reader's single entry point: a path or bytes → a `Draft`, for every input, never a traceback.

Why one dispatcher: the intake, `check` and `inspect` must see a file the same way. The kind of
file is decided by its magic bytes (a .doc renamed .docx is still a .doc), then handed to the
one reader that fits: a Word package, a zip bundle, LibreOffice for .doc/.wps, or a `format`
finding the unit can act on. A last-resort guard turns any unexpected error into a finding
naming the error class, so one odd file never stops a sweep.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from extractors.bundle import bundle_from_zipfile, read_bundle_dir, read_bundle_zip
from extractors.document import read_document_bytes, refused
from extractors.messages import MSG_BROKEN_ZIP, internal_error, too_big, unreadable
from extractors.model import Draft
from extractors.package import ZIP_MAGIC, PackageRefused, sniff
from extractors.prefetch import Prefetch
from extractors.safefile import (
    FileRefused,
    display_name,
    kind_refusal,
    open_regular_file,
    read_regular_file,
)
from extractors.storable import storable_draft
from rules import Rulebook


def _named_like_word(name: str) -> bool:
    return posixpath.splitext(name)[1].lower() in (".docx", ".docm", ".dotx", ".dotm")


def _looks_like_word(name: str, members: list[str]) -> bool:
    """A zip with `[Content_Types].xml` or a `word/` folder, or named like a Word file, is a Word
    package (perhaps broken: the docx reader then says what is wrong); any other zip is a bundle."""
    if _named_like_word(name):
        return True
    lowered = (m.lstrip("/").lower() for m in members)
    return any(m == "[content_types].xml" or m.startswith("word/") for m in lowered)


def _is_word_package(name: str, data: bytes) -> bool:
    if _named_like_word(name):  # decided by the name: the zip is opened once, by the docx reader
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return _looks_like_word(name, zf.namelist())
    except Exception:
        return True


def read_bytes(name: str, data: bytes, rulebook: Rulebook) -> Draft:
    """A `Draft` for a file's bytes: a Word draft, a zip bundle, or a `format` finding. Never raises.
    Every string in it is storable (see `extractors.storable`)."""
    return storable_draft(_read_bytes(name, data, rulebook))


def _read_bytes(name: str, data: bytes, rulebook: Rulebook) -> Draft:
    name = display_name(name)
    try:
        if sniff(data) == "zip" and not _is_word_package(name, data):
            return read_bundle_zip(name, data, rulebook)
        return read_document_bytes(name, data, rulebook)
    except Exception as exc:  # the last guard: one odd file must not stop a sweep
        return refused(name, data, "unknown", internal_error(exc))


def _max_file_bytes(rulebook: Rulebook) -> int:
    """The largest single file read into memory: the package's own inflated-size bound."""
    return rulebook.limits.max_total_bytes


def _read_large_file(path: Path, name: str, rulebook: Rulebook) -> Draft:
    """A file too large to hold in memory: only a zip bundle (a draft beside a big video) is
    read, straight from disk, inflating nothing but its draft and photos; anything else is refused."""
    limit = _max_file_bytes(rulebook)
    try:
        with open_regular_file(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if fh.read(4) not in ZIP_MAGIC:
                return refused(name, None, "unknown", too_big(size, limit))
            fh.seek(0)
            digest = hashlib.sha256()
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
            fh.seek(0)
            try:
                with zipfile.ZipFile(fh) as zf:
                    if _looks_like_word(name, zf.namelist()):
                        return refused(name, None, "docx", too_big(size, limit))
                    return bundle_from_zipfile(name, zf, digest.hexdigest(), rulebook)
            except PackageRefused as exc:
                return refused(name, None, "bundle", exc.message)
            except (
                zipfile.BadZipFile,
                zipfile.LargeZipFile,
                zlib.error,
                EOFError,
                ValueError,
                NotImplementedError,
                RuntimeError,
            ):
                return refused(name, None, "bundle", MSG_BROKEN_ZIP)
    except FileRefused as exc:
        return refused(name, None, "unknown", exc.message)
    except OSError as exc:
        return refused(name, None, "unknown", unreadable(exc))


def read_path(path: Path, rulebook: Rulebook) -> Draft:
    """A `Draft` for a file or bundle folder on disk. Never raises; every string is storable.

    Symlinks, FIFOs, sockets and devices are refused without being opened; a folder is a
    bundle; a regular file is read with O_NOFOLLOW (see `safefile`) up to a size bound.
    """
    return storable_draft(_read_path(path, rulebook))


def _read_path(path: Path, rulebook: Rulebook) -> Draft:
    name = display_name(path.name or str(path))
    try:
        try:
            st = os.lstat(path)
        except OSError as exc:
            return refused(name, None, "unknown", unreadable(exc))
        if stat.S_ISDIR(st.st_mode):
            return read_bundle_dir(path, rulebook)
        refusal = kind_refusal(st.st_mode)
        if refusal:
            return refused(name, None, "unknown", refusal)
        if st.st_size > _max_file_bytes(rulebook):
            return _read_large_file(path, name, rulebook)
        try:
            data = read_regular_file(path, _max_file_bytes(rulebook))
        except FileRefused as exc:
            return refused(name, None, "unknown", exc.message)
        return _read_bytes(name, data, rulebook)
    except Exception as exc:
        return refused(name, None, "unknown", internal_error(exc))


def read_ahead(rulebook: Rulebook, *, workers: int = 1) -> Prefetch[Path, Draft]:
    """`read_path` on background threads for paths started before they are asked for.

    Why: most of a photo-heavy draft's reading is inflating and decoding its pictures, which
    runs without the GIL. The intake reads the next claimed draft while it judges, records and
    files this one; `read_paths` reads a backlog two at a time. Reads never raise.
    """
    return Prefetch(lambda path: read_path(path, rulebook), workers=workers, name="read-ahead")


def read_paths(paths: Iterable[Path], rulebook: Rulebook, *, at_once: int = 2) -> Iterator[Draft]:
    """Drafts for `paths`, in their order, with up to `at_once` of them being read at a time
    (a backlog uses both cores of a small office machine; at most `at_once` drafts in memory)."""
    todo = list(paths)
    with read_ahead(rulebook, workers=at_once) as ahead:
        for i, path in enumerate(todo):
            for upcoming in todo[i : i + at_once]:
                ahead.start(upcoming)
            yield ahead.take(path)
