"""What in the inbox is an item to take, and when it is still enough to take.

The watcher and the sweep share this: events are only hints, the inventory is the truth. An
item is a file (a draft or an officer form) or a bundle folder; junk that editors and share
clients leave behind is ignored and never moved. A file is taken only once its size and mtime
have been still for the settle time, measured on a monotonic clock, so a half-copied draft is
never read and a slowly growing one is never given up on.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from extractors.safefile import display_name, is_junk
from intake.inbox_path import InboxPath, ItemKind
from rules import Rulebook

Signature = tuple[object, ...]

# The inbox ignores exactly what a bundle ignores inside it: one list (SPEC §3).
is_ignored = is_junk


@dataclass(frozen=True)
class Item:
    """One thing a unit dropped: `kind` is "file", "bundle" (a folder) or "officer_form"."""

    path: Path
    relpath: PurePosixPath
    kind: ItemKind

    @property
    def key(self) -> str:
        """A stable text key for queues and the ledger; undecodable bytes stay escaped."""
        return display_name(self.relpath)


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return sorted((e for e in it if not is_ignored(e.name)), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return []


def _is_real_dir(entry: os.DirEntry[str]) -> bool:
    return entry.is_dir(follow_symlinks=False)


def list_items(inbox: Path, rulebook: Rulebook) -> list[Item]:
    """Every item under `inbox`, in a stable order (sorted names, depth first).

    `InboxPath.parse` decides, entry by entry, what to look into (unit, type and category
    folders), what is an item and what is ignored (junk, the units' receipt folder): the layout
    lives there, once. Symlinks and other non-regular entries are listed (never followed) so
    the intake can reject them.
    """
    items: list[Item] = []

    def walk(folder: Path, rel: PurePosixPath) -> None:
        for entry in _entries(folder):
            where = InboxPath.parse(rel / entry.name, rulebook, is_dir=_is_real_dir(entry))
            if where.role == "container":
                walk(Path(entry.path), where.relpath)
            elif where.role == "item" and where.kind is not None:
                items.append(Item(Path(entry.path), where.relpath, where.kind))

    walk(inbox, PurePosixPath())
    return items


def items_at(inbox: Path, rulebook: Rulebook, keys: Iterable[str]) -> list[Item] | None:
    """The items of `keys` (as the watcher hands them), each found by its own path and parsed as
    `list_items` would — or None when one is not found under its key (gone, the layout changed,
    or a name that is not UTF-8, whose key shows escaped bytes): then list the inbox."""
    items: list[Item] = []
    for key in keys:
        path = inbox / key
        where = InboxPath.locate(inbox, path, rulebook) if os.path.lexists(path) else None
        if where is None or where.kind is None or where.key != key:
            return None
        items.append(Item(path, where.relpath, where.kind))
    return items


def signature(path: Path) -> Signature | None:
    """What must stay the same for an item to count as still: (size, mtime) of the file, or of
    every file in a bundle folder. None when the item has gone."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode):
        return ("f", st.st_size, st.st_mtime_ns)
    parts: list[object] = ["d"]
    for root, dirs, files in os.walk(path, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            try:
                fst = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            parts.append((os.path.relpath(os.path.join(root, name), path), fst.st_size, fst.st_mtime_ns))
    return tuple(parts)


def quiet_for(path: Path, wall_now: float | None = None) -> float | None:
    """Seconds since anything of the item last changed, by the file system's own clock: the
    newest mtime or ctime of the file, or of the bundle folder and everything in it. ctime
    cannot be set back by a copy tool, so an item quiet for the settle time is as still as one
    watched for it. None when the item has gone."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    newest = max(st.st_mtime, st.st_ctime)
    if stat.S_ISDIR(st.st_mode):
        for root, dirs, files in os.walk(path, followlinks=False):
            for name in (*dirs, *files):
                try:
                    fst = os.lstat(os.path.join(root, name))
                except OSError:
                    continue
                newest = max(newest, fst.st_mtime, fst.st_ctime)
    return (time.time() if wall_now is None else wall_now) - newest


@dataclass
class StabilityTracker:
    """Decides "still for the settle time" per item key on a monotonic clock.

    `observe` returns True once the same signature has been seen for `settle_seconds`; any
    change restarts the wait. Nothing is ever given up on: a growing file simply stays pending.
    """

    settle_seconds: float
    clock: Callable[[], float] = time.monotonic
    _seen: dict[str, tuple[Signature, float]] = field(default_factory=dict)

    def observe(
        self, key: str, sig: Signature | None, still_before: Callable[[], float] | None = None
    ) -> bool:
        """Whether `key` has kept `sig` for the settle time. A new or changed signature starts
        the wait now — or `still_before()` seconds earlier, when the caller can tell how long
        the item had already been still when it was first looked at (asked only then)."""
        if sig is None:
            self._seen.pop(key, None)
            return False
        now = self.clock()
        previous = self._seen.get(key)
        if previous is None or previous[0] != sig:
            since = now - max(0.0, still_before()) if still_before is not None else now
            self._seen[key] = (sig, since)
            return now - since >= self.settle_seconds
        return now - previous[1] >= self.settle_seconds

    def forget(self, key: str) -> None:
        self._seen.pop(key, None)

    def due_in(self) -> float | None:
        """Seconds until the first watched item has been still for the settle time, if it stays
        still (0 when one is due now); None when nothing is watched."""
        if not self._seen:
            return None
        since = min(first for _sig, first in self._seen.values())
        return max(0.0, since + self.settle_seconds - self.clock())

    def pending(self) -> Iterator[str]:
        return iter(list(self._seen))
