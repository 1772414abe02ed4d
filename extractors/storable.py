"""Text a `Draft` may carry: nothing SQLite, JSON or a UTF-8 note cannot store.

Why one place: text reaches a draft from many doors — `w:t`, `w:sym`, attributes, part and
file names, metadata lines, captions, picture names — and one odd door is enough for the
ledger insert or the note to fail with UnicodeEncodeError long after the reader returned. A
lone surrogate (UTF-8 cannot encode it; `<w:sym w:char="D800"/>` makes one) and NUL (SQLite's
text functions stop at it) become U+FFFD, the character Word itself shows for what it cannot
draw. The reader's entry points pass every draft through `storable_draft` before returning it.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import cast

from extractors.model import Draft

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"
_MAX_CODE_POINT = 0x10FFFF


def storable(text: str) -> str:
    """`text` with every lone surrogate and NUL replaced by U+FFFD."""
    return _UNSTORABLE.sub(REPLACEMENT, text)


def symbol(code: str) -> str:
    """The character of a `w:sym w:char` hex code, as something storable; "" for no number.

    Word writes symbol-font characters as F0xx (private use) and those are kept. A surrogate
    half, or a number beyond Unicode (`chr` raises OverflowError on a huge one), is U+FFFD:
    one unreadable symbol in the text, as Word shows it, never an exception.
    """
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    if value < 0:
        return ""
    if value > _MAX_CODE_POINT:
        return REPLACEMENT
    return storable(chr(value))


def _clean(value: object) -> object:
    """`value` with its strings made storable; the very same object when nothing in it changes
    (almost every draft: rebuilding each paragraph and photo to change nothing cost more than
    the whole text walk)."""
    if isinstance(value, str):
        return storable(value) if _UNSTORABLE.search(value) else value
    if isinstance(value, (tuple, list)):
        items = [_clean(v) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        pairs = [(_clean(k), _clean(v)) for k, v in value.items()]
        if all(k is k0 and v is v0 for (k, v), (k0, v0) in zip(pairs, value.items(), strict=True)):
            return value
        return dict(pairs)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes: dict[str, object] = {}
        for name in _init_fields(type(value)):
            old = getattr(value, name)
            new = _clean(old)
            if new is not old:
                changes[name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


@functools.cache
def _init_fields(cls: type) -> tuple[str, ...]:
    """The fields `dataclasses.replace` may be given, once per class."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)


def storable_draft(draft: Draft) -> Draft:
    """`draft` with every string in it (nested values included) made storable."""
    return cast(Draft, _clean(draft))
