"""Reading one file from the inbox without following links or blocking on odd file types.

Why: the inbox is a share anyone in the subdistrict can write to. A symlink could point the
reader at a file outside the inbox, a FIFO would block the sweep forever, a device could be
read without end. So a file is opened with O_NOFOLLOW|O_NONBLOCK, re-checked with fstat to be a
regular file, and read up to a bound; every refusal carries the Chinese message for the unit.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from pathlib import Path
from typing import BinaryIO

from extractors.messages import MSG_SPECIAL, MSG_SYMLINK, too_big, unreadable


class FileRefused(Exception):
    """The file must not or cannot be read; `message` is the Chinese text for the unit."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini", ".ds_store", "@eadir", "__macosx"})
JUNK_PATTERNS = ("~$*", ".~lock.*#", "*.tmp", "~wrl*.tmp", "*.part", "*.crdownload")


def is_junk(name: str) -> bool:
    """Editor lock files, temp files, partial downloads, hidden files and OS clutter (SPEC §3):
    never a draft, never moved. One list for the inbox and for the inside of bundles."""
    lowered = name.lower()
    if lowered.startswith(".") or lowered in JUNK_NAMES:
        return True
    return any(fnmatch.fnmatchcase(lowered, pattern) for pattern in JUNK_PATTERNS)


def display_name(name: str | os.PathLike[str]) -> str:
    """A file name as text that always encodes: bytes that were not UTF-8 (kept by Python as
    surrogate escapes) are shown as \\xNN, so notes, JSON and the ledger never fail on them."""
    text = os.fsdecode(os.fspath(name))
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte (a name built in code)
        raw = text.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "backslashreplace")


def kind_refusal(mode: int) -> str | None:
    """Why a file of this `st_mode` is not read, or None for a regular file."""
    if stat.S_ISLNK(mode):
        return MSG_SYMLINK
    if not stat.S_ISREG(mode):
        return MSG_SPECIAL
    return None


def open_regular_file(path: Path) -> BinaryIO:
    """`path` opened for reading if it is a regular file (not a link, FIFO, socket or device);
    else `FileRefused`. The link check and the read use the same descriptor (O_NOFOLLOW, then
    fstat), so a file swapped for a symlink or FIFO between listing and reading is still refused."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        before = os.lstat(path)
    except OSError as exc:
        raise FileRefused(unreadable(exc)) from exc
    refusal = kind_refusal(before.st_mode)
    if refusal:
        raise FileRefused(refusal)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise FileRefused(unreadable(exc)) from exc
    try:
        refusal = kind_refusal(os.fstat(fd).st_mode)
    except OSError as exc:
        os.close(fd)
        raise FileRefused(unreadable(exc)) from exc
    if refusal:
        os.close(fd)
        raise FileRefused(refusal)
    return os.fdopen(fd, "rb")


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of `path` if it is a regular file of at most `max_bytes`; else `FileRefused`."""
    with open_regular_file(path) as fh:
        try:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                raise FileRefused(too_big(size, max_bytes))
            # Read what fstat promised plus one byte: `read(max_bytes + 1)` would first allocate
            # the whole bound (200 MB), mapped fresh and faulted in for every file. Only a file
            # that grew since the fstat is read on, up to the bound.
            data = fh.read(size + 1)
            if len(data) > size:
                data += fh.read(max_bytes + 1 - len(data))
        except OSError as exc:
            raise FileRefused(unreadable(exc)) from exc
    if len(data) > max_bytes:  # the file grew while we read it
        raise FileRefused(too_big(len(data), max_bytes))
    return data
