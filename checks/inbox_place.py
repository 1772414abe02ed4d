"""What an inbox path says by itself: the pure half of the one inbox-path parser.

`inbox/<unit>/<type>/[<category>/]<item>` carries the unit, the type (a folder name or alias, a
category folder, else a tag in the name: `【即时信息】标题.docx`, `[微信]…`, `即时-…`), and
whether the item is an officer form, a receipt or junk. `place_of` reads all of that from the
path's parts and the rulebook, without touching the disk. It lives here, below `intake/`, so
that `checks.identity` (which may not import `intake`) reads the same values that
`intake.inbox_path.InboxPath` — the value the watcher, the inventory, the pipeline and the
flow use — is built from. Nothing else splits an inbox path.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from checks.category import match_category
from extractors.safefile import is_junk
from rules.model import ContentType, Rulebook

_BRACKET_TAG = re.compile(r"^\s*[【\[［〔(（<《]([^】\]］〕)）>》]{1,20})[】\]］〕)）>》]\s*")
_SEPARATORS = re.compile(r"\s*[-_－—–:：]+\s*")
_DRAFT_SUFFIXES = (".docx", ".docm", ".doc", ".wps", ".zip")


@dataclass(frozen=True)
class InboxPlace:
    """The parsed path of one inbox entry (relative to inbox/), as plain values.

    `unit` and `content_type` are the rulebook's names (a unit's name, a type's key), None when
    the path does not say or names nothing the rulebook knows; the raw folder names stay beside
    them so that a note can quote what the unit wrote."""

    parts: tuple[str, ...]
    unit_folder: str | None  # the first folder as written; None for a file directly in inbox/
    unit: str | None  # that folder's unit (name or alias resolved), None when unknown
    type_folders: tuple[str, ...]  # the folders between the unit folder and the item
    content_type: str | None  # type key: from the type folder, an alias, a category, else a tag
    category: str | None
    type_from_tag: bool  # the type came from a tag of the name, not a folder
    bad_type_folder: str | None  # a type folder that names no type
    tags: tuple[str, ...]
    officer_form: bool  # inbox/<unit>/<officer folder>/<file>
    receipt: bool  # in inbox/<unit>/<receipt folder>/: written by draftdesk, never a draft
    junk: bool  # a lock file, temp file, hidden file… anywhere in the path

    @property
    def name(self) -> str:
        return self.parts[-1] if self.parts else ""

    @property
    def folders(self) -> tuple[str, ...]:
        return self.parts[:-1]


def place_of(relpath: PurePosixPath | tuple[str, ...], rulebook: Rulebook) -> InboxPlace:
    """Parse a path relative to inbox/ (the one place an inbox path is split). A tuple is taken
    as the parts already split (a bare file name outside the inbox: one part, never split)."""
    parts = relpath if isinstance(relpath, tuple) else relpath.parts
    folders = parts[:-1]
    intake = rulebook.intake
    second = parts[1] if len(parts) > 1 else None
    unit = rulebook.unit_named(folders[0]) if folders else None
    tags = tuple(name_tags(parts[-1])) if parts else ()
    ctype, category, bad = types_in_folders(folders[1:], rulebook)
    from_tag = False
    if ctype is None:
        ctype, tag_category = type_from_tags(tags, rulebook)
        category, from_tag = category or tag_category, ctype is not None
    if ctype is not None and category is None:
        category = next((c for c in (match_category(t, ctype) for t in tags) if c), None)
    return InboxPlace(
        parts=parts,
        unit_folder=folders[0] if folders else None,
        unit=unit.name if unit else None,
        type_folders=folders[1:],
        content_type=ctype.key if ctype else None,
        category=category,
        type_from_tag=from_tag,
        bad_type_folder=bad,
        tags=tags,
        officer_form=len(parts) == 3 and second == intake.officer_folder,
        receipt=len(parts) >= 2 and second == intake.receipt_folder,
        junk=any(_junk(part) for part in parts),
    )


@functools.lru_cache(maxsize=4096)
def _junk(name: str) -> bool:
    """`is_junk`, remembered: every entry's unit and type folders are asked again and again."""
    return is_junk(name)


def name_tags(name: str) -> list[str]:
    """Leading tags of a file or bundle name: bracketed groups, then dash/underscore segments.

    `【即时信息】【湖滨社区】标题.docx` → [即时信息, 湖滨社区]; `湖滨-即时-标题.docx` → [湖滨, 即时].
    The last segment is the title and never a tag.
    """
    stem = name.strip()
    lowered = stem.lower()
    for suffix in _DRAFT_SUFFIXES:
        if lowered.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    tags: list[str] = []
    rest = stem
    while match := _BRACKET_TAG.match(rest):
        tags.append(match.group(1).strip())
        rest = rest[match.end() :]
    segments = _SEPARATORS.split(rest.strip(), maxsplit=3)
    tags.extend(segment for segment in segments[:-1])
    return [tag for tag in tags if tag]


def category_type(text: str, rulebook: Rulebook) -> tuple[ContentType, str] | None:
    """A folder or tag that is a category (`正面成绩类`) implies its type (党委政务信息)."""
    for ctype in rulebook.types.values():
        found = match_category(text, ctype)
        if found and text.strip().removesuffix("类") == found.removesuffix("类"):
            return ctype, found
    return None


def types_in_folders(
    folders: tuple[str, ...], rulebook: Rulebook
) -> tuple[ContentType | None, str | None, str | None]:
    """(type, category, the unrecognised folder name) from the folders below the unit folder."""
    if not folders:
        return None, None, None
    first = folders[0]
    ctype = rulebook.type_named(first)
    category = None
    if ctype is None:
        implied = category_type(first, rulebook)
        if implied is None:
            return None, None, first
        ctype, category = implied
    for folder in folders[1:]:
        category = category or match_category(folder, ctype)
    return ctype, category, None


def type_from_tags(
    tags: tuple[str, ...] | list[str], rulebook: Rulebook
) -> tuple[ContentType | None, str | None]:
    """The type a name tag names (name or alias), else the type a category tag implies."""
    for tag in tags:
        ctype = rulebook.type_named(tag)
        if ctype is not None:
            return ctype, None
    for tag in tags:
        implied = category_type(tag, rulebook)
        if implied is not None:
            return implied
    return None, None
