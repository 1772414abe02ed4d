"""Filing into the outbox: where an item goes, and moving it there without ever losing bytes.

accepted/<YYYY-MM>/<unit>/<id>_<name>, rejected/<unit>/<id>_<name> and its note beside it
(SPEC §6), and the unit's receipt in inbox/<unit>/<receipt folder>/: `plan_filing` decides all
three once, before anything is written, and the plan is stored with the ledger row. The ledger id in the name keeps two units' `通知.docx` apart and makes every
destination new, so nothing is ever overwritten. Bytes are moved, never rewritten: a rename
on the same filesystem, else copy → fsync → verify → rename into place → remove the source
(an SMB inbox and a local outbox are different filesystems). Every step can be repeated after
a crash: `move_item` finishes a half-done move instead of failing on it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from extractors.safefile import display_name
from workspace import Workspace

UNKNOWN_UNIT = "_未知单位"
NOTE_SUFFIX = ".退回说明.txt"
NOTICE_SUFFIX = ".未计入.txt"  # beside an accepted draft that does not count (no longer than NOTE_SUFFIX)
_NAME_MAX = 255  # bytes, ext4/NTFS/SMB
# Officer forms are filed by filing's own names, whatever the inbox's officer folder is called
# (`[intake] officer_folder`): registered ones under accepted/<YYYY-MM>/<unit>/信息员/, refused
# ones in rejected/<unit>/ named by their claim's tag (they have no 稿件编号).
OFFICER_FOLDER = "信息员"
OFFICER_TAG_LENGTH = 8  # hex characters of the claim token an officer form is filed under
OFFICER_FORM = "信息员推荐表"  # what an officer form is called in its receipt's name

PlanOutcome = Literal["accepted", "not_counted", "rejected", "failed", "officer", "officer_rejected"]
# The word a receipt's name and text carry for each outcome (`<编号>_<原名>.<word>.txt`).
RECEIPT_LABELS: dict[PlanOutcome, str] = {
    "accepted": "合格",
    "not_counted": "未计入",
    "rejected": "退回",
    "failed": "退回",
    "officer": "合格",
    "officer_rejected": "退回",
}


def unit_folder(unit: str | None) -> str:
    """The unit's folder name; drafts whose unit is unknown go together under `_未知单位`."""
    if not unit:
        return UNKNOWN_UNIT
    cleaned = unit.replace("/", "_").replace("\\", "_").strip(". ")
    return cleaned or UNKNOWN_UNIT


def fit_name(prefix: str, name: str, suffix: str = "", reserve: int = 0) -> str:
    """`prefix + name + suffix`, with `name` shortened (keeping its extension) so that the whole,
    plus `reserve` bytes still to be added, stays within the 255-byte limit. The cap is applied
    to the finished name, after every tag and suffix. `name` may carry surrogate-escaped bytes;
    they are kept as they are, and a UTF-8 character is never cut in half."""
    raw = os.fsencode(name)
    room = _NAME_MAX - reserve - len(os.fsencode(prefix)) - len(os.fsencode(suffix))
    if len(raw) > room:
        stem, dot, ext = raw.rpartition(b".")
        if not dot or len(ext) > 16:
            stem, ext = raw, b""
        short = _whole_chars(stem[: room - (len(ext) + 1 if ext else 0)])
        raw = short + (b"." + ext if ext else b"")
    return prefix + os.fsdecode(raw) + suffix


def _whole_chars(raw: bytes) -> bytes:
    """`raw` without a UTF-8 character cut in half at its end (undecodable bytes stay)."""
    while raw:
        try:
            raw.decode("utf-8")
            return raw
        except UnicodeDecodeError as exc:
            if exc.start < len(raw) - 4:
                return raw  # undecodable anyway: keep the bytes
            raw = raw[:-1]
    return raw


def stored_name(sub_id: int | str, name: str, reserve: int = len(NOTE_SUFFIX.encode())) -> str:
    """`<id>_<name>`, shortened (keeping the extension) so that its note's name still fits."""
    return fit_name(f"{sub_id}_", name, reserve=reserve)


# ---- the filing plan ----------------------------------------------------------------------


@dataclass(frozen=True)
class FilingPlan:
    """Where one item's files go, decided once before anything is written (`plan_filing`) and
    stored with its ledger row, so filing and a re-run after a crash read it back, never work
    it out again. Paths are relative to the workspace and exact: a name that was not UTF-8
    keeps its bytes (as surrogate escapes, kept by the ASCII JSON as `\\udcXX`); `shown` gives
    a path as the ledger's stored/note/receipt columns show it."""

    outcome: PlanOutcome
    stored: str  # the original (file or bundle folder)
    note: str | None  # its 退回说明 or 未计入 notice; None when it has none
    receipt: str | None  # the unit's receipt in inbox/<unit>/<receipt folder>/; None: unit unknown

    @property
    def receipt_label(self) -> str:
        return RECEIPT_LABELS[self.outcome]

    def to_json(self) -> str:
        """ASCII JSON: lone surrogates (undecodable name bytes) survive the round trip."""
        return json.dumps(dataclasses.asdict(self), ensure_ascii=True, sort_keys=True)

    def shown(self, path: str | None) -> str | None:
        """A planned path as text that always encodes (the ledger's stored/note/receipt columns)."""
        return display_name(path) if path is not None else None

    @classmethod
    def from_json(cls, text: str) -> FilingPlan:
        data = json.loads(text)
        return cls(data["outcome"], data["stored"], data.get("note"), data.get("receipt"))

    @classmethod
    def of_row(cls, row: Mapping[str, Any]) -> FilingPlan:
        """THE plan of a ledger row: the one stored with it (a 核定 stores the plan it moved the
        files by), else — a row recorded before plans were stored — the paths its own columns
        recorded then (stored, note, receipt: empty or None where it has none)."""
        if row.get("filing_plan"):
            return cls.from_json(str(row["filing_plan"]))
        outcome = plan_outcome(str(row.get("verdict")), bool(row.get("counted")))
        note, receipt = row.get("note_path"), row.get("receipt_path")
        return cls(
            outcome,
            str(row.get("stored_path") or ""),
            None if note is None else str(note),
            None if receipt is None else str(receipt),
        )


def plan_outcome(verdict: str, counted: bool | None) -> PlanOutcome:
    """The filing outcome of a judged draft: accepted (and counted or not) or rejected."""
    if verdict != "accepted":
        return "rejected"
    return "accepted" if counted else "not_counted"


def officer_tag(token: str) -> str:
    """What an officer form's filed names start with in place of a 稿件编号: its claim's tag."""
    return token[:OFFICER_TAG_LENGTH]


def is_officer_filing(relpath: str) -> bool:
    """Whether a workspace-relative outbox path is where filing puts officer forms: under a
    unit's officer folder in accepted/, or in rejected/ under a claim's tag. (Whether the file
    there is a registered form is the ledger's to say.)"""
    parts = relpath.split("/")
    if len(parts) >= 3 and parts[1] == "accepted":
        return parts[-2] == OFFICER_FOLDER
    tag, sep, _ = parts[-1].partition("_")
    hexed = len(tag) == OFFICER_TAG_LENGTH and all(c in "0123456789abcdef" for c in tag)
    return len(parts) >= 2 and parts[1] == "rejected" and bool(sep) and hexed


def plan_filing(
    ws: Workspace,
    receipt_folder: str,
    outcome: PlanOutcome,
    unit: str | None,
    received_at: dt.datetime,
    number: int | str,
    name: str,
) -> FilingPlan:
    """THE decision of where an item, its note or notice and its receipt go, for every outcome.

    `number` is the 稿件编号 (an officer form, which has none, passes its claim's tag); `name`
    the item's own file name. Accepted items go by month and unit, the rest by unit; officer
    forms into their unit's officer folder. Each name is capped after all its tags: the stored
    name leaves room for the longest note suffix, the receipt its own."""
    stored_as = stored_name(number, name, reserve=len(NOTE_SUFFIX.encode()))
    folder = unit_folder(unit)
    month = f"{received_at:%Y-%m}"
    base = {
        "accepted": ws.accepted / month / folder,
        "not_counted": ws.accepted / month / folder,
        "officer": ws.accepted / month / folder / OFFICER_FOLDER,
    }.get(outcome, ws.rejected / folder)
    stored = base / stored_as
    note_suffix = {"accepted": None, "officer": None, "not_counted": NOTICE_SUFFIX}.get(outcome, NOTE_SUFFIX)
    note = stored.with_name(stored.name + note_suffix) if note_suffix else None
    receipt = None
    if unit:
        receipt = _receipt_path(ws.inbox / folder / receipt_folder, outcome, number, name)
    return FilingPlan(
        outcome,
        _exact(ws, stored),
        _exact(ws, note) if note else None,
        _exact(ws, receipt) if receipt else None,
    )


def _receipt_path(folder: Path, outcome: PlanOutcome, number: int | str, name: str) -> Path:
    """A draft's receipt is named by its 稿件编号; an officer form has none (its claim tag means
    nothing to a unit), so its receipt is `信息员推荐表_<原名>.<合格|退回>.txt`, numbered
    `信息员推荐表（2）_…` when a receipt of that name is already there, so none is overwritten."""
    suffix = f".{RECEIPT_LABELS[outcome]}.txt"
    if outcome not in ("officer", "officer_rejected"):
        return folder / fit_name(f"{number}_", name, suffix)
    path = folder / fit_name(f"{OFFICER_FORM}_", name, suffix)
    n = 1
    while os.path.lexists(path):
        n += 1
        path = folder / fit_name(f"{OFFICER_FORM}（{n}）_", name, suffix)
    return path


def _exact(ws: Workspace, path: Path) -> str:
    return path.relative_to(ws.root).as_posix()


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
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)  # a failed write leaves no partial file behind
        raise
    _fsync_dir(path.parent)


def file_digest(path: Path) -> str:
    """The sha256 of a file, read a megabyte at a time (a filed original, a verify)."""
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
        if file_digest(src) != file_digest(dst):
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
