"""`InboxPath`: the one parser of a path in the inbox, for everything above `checks/`.

The inventory walks the inbox with it, the watcher maps an event's path to its item with it,
the pipeline reads a claim's unit with it and hands its `place` to `checks.identity`, and the
Prefect flow names runs and tags with it. What a path says by itself (unit, type, officer
form, receipt, junk) is `checks.inbox_place.place_of`; this adds what only the layout and the
disk say: whether the entry is a container to look into (a unit, type or category folder), an
item (a draft file, a bundle folder, an officer form) or ignored (junk, the receipt folder).

Layout (SPEC §3): files at `<unit>/` or `<unit>/<type>/` (or `<unit>/<type>/<category>/` for
categories) are drafts; a folder at `<unit>/<type>/<name>/` (or one deeper under a category)
is a bundle; files in `<unit>/<officer folder>/` are officer forms; everything in
`<unit>/<receipt folder>/` is draftdesk's own receipts. Files directly in the inbox are items
too, so they get a note instead of lying there unseen.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from checks.inbox_place import InboxPlace, place_of
from extractors.safefile import display_name
from intake.filing import UNKNOWN_UNIT
from ledger.records import ClaimKind
from rules import Rulebook

Role = Literal["container", "item", "ignored"]
ItemKind = ClaimKind  # an item's kind is what its claim records


@dataclass(frozen=True)
class InboxPath:
    """One parsed inbox path: its place (unit, type…), its role and, for an item, its kind."""

    relpath: PurePosixPath
    place: InboxPlace
    role: Role
    kind: ItemKind | None  # None unless role == "item"

    @classmethod
    def parse(cls, relpath: PurePosixPath | str, rulebook: Rulebook, *, is_dir: bool = False) -> InboxPath:
        """Parse this exact path (relative to inbox/); `is_dir` says whether it is a real folder
        (a claimed item's kind is known from its claim, so the default serves the ledger's keys)."""
        rel = PurePosixPath(relpath)
        place = place_of(rel, rulebook)
        role, kind = _classify(place, is_dir, rulebook)
        return cls(rel, place, role, kind)

    @classmethod
    def locate(cls, inbox: Path, path: Path, rulebook: Rulebook) -> InboxPath | None:
        """The item that `path` is or lies inside (a photo inside a bundle maps to the bundle),
        or None for the inbox itself, a container, an ignored entry or a path outside the inbox.
        A vanished path is taken as a file: harmless, its signature is None and it is dropped."""
        rel = relative_to_inbox(inbox, path)
        if rel is None:
            return None
        parts = rel.parts
        for depth in range(1, len(parts) + 1):
            prefix = PurePosixPath(*parts[:depth])
            is_dir = depth < len(parts) or is_real_dir(inbox / prefix)
            parsed = cls.parse(prefix, rulebook, is_dir=is_dir)
            if parsed.role == "item":
                return parsed
            if parsed.role == "ignored":
                return None
        return None

    @property
    def key(self) -> str:
        """The item's key in queues and the ledger: its relpath, undecodable bytes escaped."""
        return display_name(self.relpath)

    @property
    def name(self) -> str:
        return self.place.name

    @property
    def unit(self) -> str | None:
        """The rulebook's unit of the unit folder (None: no unit folder, or not a unit)."""
        return self.place.unit

    @property
    def unit_label(self) -> str:
        """The unit for a label: the unit, else the folder as written, else `_未知单位`."""
        return self.place.unit or self.place.unit_folder or UNKNOWN_UNIT

    @property
    def content_type(self) -> str | None:
        return self.place.content_type

    @property
    def bundle(self) -> bool:
        """A bundle folder, or a `.zip` of one."""
        return self.kind == "bundle" or self.name.lower().endswith(".zip")

    @property
    def officer_form(self) -> bool:
        return self.kind == "officer_form"

    @property
    def junk(self) -> bool:
        return self.place.junk

    @property
    def receipt(self) -> bool:
        return self.place.receipt


def relative_to_inbox(inbox: Path, path: Path) -> PurePosixPath | None:
    """`path` relative to `inbox` (neither resolved, so a link is the link), None outside it."""
    try:
        rel = Path(os.path.abspath(path)).relative_to(os.path.abspath(inbox))
    except ValueError:
        return None
    return PurePosixPath(*rel.parts)


def _classify(place: InboxPlace, is_dir: bool, rulebook: Rulebook) -> tuple[Role, ItemKind | None]:
    """Container, item (and its kind) or ignored, by depth and folder names (see the module)."""
    parts = place.parts
    if not parts:
        return "container", None
    if place.junk or place.receipt:
        return "ignored", None
    if len(parts) < 3:
        return ("container", None) if is_dir else ("item", "file")
    officer = parts[1] == rulebook.intake.officer_folder
    category = not officer and parts[2] in rulebook.category_names
    if len(parts) > 4 or (len(parts) == 4 and not category):
        return "ignored", None  # inside an item: `locate` and the inventory stop at the item
    if len(parts) == 3 and is_dir and category:
        return "container", None
    if not is_dir:
        return "item", "officer_form" if place.officer_form else "file"
    return "item", "bundle"


def is_real_dir(path: Path) -> bool:
    """A folder, not a link to one (a link is never followed into the inbox)."""
    try:
        return path.is_dir() and not path.is_symlink()
    except OSError:
        return False


def free_place(inbox: Path, place: PurePosixPath, *, bundle: bool) -> PurePosixPath:
    """`place`, or `名称（2）…` (then （3）, …) when something of that name already lies in the
    inbox: a file keeps its extension last, a bundle folder's name is numbered whole. The one
    naming of a second item of the same name, for whatever lays items in (uploads, mail)."""
    stem, suffix = (place.name, "") if bundle else os.path.splitext(place.name)
    candidate, n = place, 1
    while (inbox / candidate).exists():
        n += 1
        candidate = place.with_name(f"{stem}（{n}）{suffix}")
    return candidate
