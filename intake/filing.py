"""Filing into the outbox: where an item goes, and moving it there without ever losing bytes.

accepted/<YYYY-MM>/<unit>/<id>_<name>, rejected/<unit>/<id>_<name> and its note beside it
(SPEC §6). The ledger id in the name keeps two units' `通知.docx` apart and makes every
destination new, so nothing is ever overwritten. Bytes are moved, never rewritten: a rename
on the same filesystem, else copy → fsync → verify → rename into place → remove the source
(an SMB inbox and a local outbox are different filesystems). Every step can be repeated after
a crash: `move_item` finishes a half-done move instead of failing on it.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import shutil
import stat
from pathlib import Path

from extractors.safefile import display_name
from workspace import Workspace

UNKNOWN_UNIT = "_未知单位"
NOTE_SUFFIX = ".退回说明.txt"
NOTICE_SUFFIX = ".未计入.txt"  # beside an accepted draft that does not count (no longer than NOTE_SUFFIX)
_NAME_MAX = 255  # bytes, ext4/NTFS/SMB


def unit_folder(unit: str | None) -> str:
    """The unit's folder name; drafts whose unit is unknown go together under `_未知单位`."""
    if not unit:
        return UNKNOWN_UNIT
    cleaned = unit.replace("/", "_").replace("\\", "_").strip(". ")
    return cleaned or UNKNOWN_UNIT


def stored_name(sub_id: int, name: str, reserve: int = len(NOTE_SUFFIX.encode())) -> str:
    """`<id>_<name>`, shortened (keeping the extension) when the note's name would pass the
    255-byte limit. `name` may carry surrogate-escaped bytes; they are kept as they are."""
    prefix = f"{sub_id}_"
    raw = os.fsencode(name)
    room = _NAME_MAX - reserve - len(prefix.encode())
    if len(raw) > room:
        stem, dot, ext = raw.rpartition(b".")
        if not dot or len(ext) > 16:
            stem, ext = raw, b""
        keep = room - (len(ext) + 1 if ext else 0)
        short = stem[:keep]
        while short:  # do not cut a UTF-8 character in half
            try:
                short.decode("utf-8")
                break
            except UnicodeDecodeError as exc:
                if exc.start < len(short) - 4:
                    break  # undecodable anyway: keep the bytes
                short = short[:-1]
        raw = short + (b"." + ext if ext else b"")
    return prefix + os.fsdecode(raw)


def destination(
    ws: Workspace, verdict: str, unit: str | None, received_at: dt.datetime, sub_id: int, name: str
) -> Path:
    """Where an item lands: accepted by the month it was received, rejected by unit."""
    filename = stored_name(sub_id, name)
    if verdict == "accepted":
        return ws.accepted / f"{received_at:%Y-%m}" / unit_folder(unit) / filename
    return ws.rejected / unit_folder(unit) / filename


def note_path(stored: Path) -> Path:
    return stored.with_name(stored.name + NOTE_SUFFIX)


def notice_path(stored: Path) -> Path:
    """The 不计入 notice beside an accepted, registered draft that does not count."""
    return stored.with_name(stored.name + NOTICE_SUFFIX)


def note_or_notice_path(stored: Path, verdict: str) -> Path:
    """Where the text the ledger keeps for this item goes: the 退回说明 or the 未计入 notice."""
    return notice_path(stored) if verdict == "accepted" else note_path(stored)


def relative(ws: Workspace, path: Path) -> str:
    """A path as the ledger keeps it: relative to the workspace, undecodable bytes escaped."""
    try:
        rel = path.relative_to(ws.root)
    except ValueError:
        rel = path
    return display_name(rel.as_posix())


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_note(path: Path, data: bytes) -> None:
    """Write the note atomically (temp file, fsync, rename): a crash leaves the old note or the
    whole new one, never half a note. Writing the same note again is harmless."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{os.getpid()}.note.partial")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _copy_one(src: Path, dst: Path) -> None:
    """Copy one entry without following links and without opening FIFOs/devices (that would
    block or read outside the inbox): links and FIFOs are recreated, regular files copied,
    synced and verified."""
    st = os.lstat(src)
    if stat.S_ISLNK(st.st_mode):
        os.symlink(os.readlink(src), dst)
    elif stat.S_ISFIFO(st.st_mode):
        os.mkfifo(dst, stat.S_IMODE(st.st_mode))
    elif stat.S_ISREG(st.st_mode):
        shutil.copyfile(src, dst, follow_symlinks=False)
        shutil.copystat(src, dst, follow_symlinks=False)
        with open(dst, "rb") as fh:
            os.fsync(fh.fileno())
        if _digest(src) != _digest(dst):
            raise OSError(errno.EIO, f"copy of {display_name(src)} differs from the original")
    # sockets and devices: nothing to copy; the entry is recorded in the ledger


def _copy_tree(src: Path, dst: Path) -> None:
    if os.path.isdir(src) and not os.path.islink(src):
        os.mkdir(dst)
        for entry in sorted(os.listdir(src)):
            _copy_tree(src / entry, dst / entry)
        _fsync_dir(dst)
    else:
        _copy_one(src, dst)


def _remove(path: Path) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def move_item(src: Path, dst: Path) -> None:
    """Move a file, bundle folder, symlink (the link itself) or FIFO to `dst`, never overwriting.

    Same filesystem: one rename. Otherwise — or when a file of the item has another name
    (a hard link from outside the inbox, which a rename would keep sharing the archived bytes
    with) — copy to a temp name beside `dst`, verify, rename into place, then remove `src`.
    Repeating it after a crash finishes the move: if `dst` already exists it is complete (it
    only ever appears by rename), so only `src` is removed.
    """
    if _exists(dst):
        if _exists(src):
            _remove(src)
        return
    if not _exists(src):
        raise FileNotFoundError(errno.ENOENT, "item missing from both places", os.fspath(src))
    dst.parent.mkdir(parents=True, exist_ok=True)
    if not _hard_linked(src):
        try:
            # No directory fsync after the rename: if power fails before it reaches the disk,
            # the item is found back in the processing folder and recovery moves it again.
            os.rename(src, dst)
            return
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
    tmp = dst.with_name(f".{dst.name[:100]}.{os.getpid()}.partial")
    if _exists(tmp):
        _remove(tmp)
    _copy_tree(src, tmp)
    os.rename(tmp, dst)
    _fsync_dir(dst.parent)
    _remove(src)


def _hard_linked(path: Path) -> bool:
    """Whether a regular file of the item has another name (`st_nlink > 1`): editing that other
    name would change the archived draft if the item were filed by rename."""
    st = os.lstat(path)
    if stat.S_ISDIR(st.st_mode):
        return any(_hard_linked(path / entry) for entry in os.listdir(path))
    return stat.S_ISREG(st.st_mode) and st.st_nlink > 1
