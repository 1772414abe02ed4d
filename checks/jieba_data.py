"""jieba's dictionary data, loaded the fast way: the same words and the same tags, in less time.

- `load_dictionary`: jieba 0.42 reads its prefix-dictionary cache with `marshal.load(file)`,
  which pulls the 9 MB file in small reads: 1.3–1.5 s of CPU on this machine. Reading the bytes
  first and calling `marshal.loads` gives the same (FREQ, total) in 0.35 s. A missing or
  unreadable cache is left to jieba's own `initialize`, which builds it.
- `name_tags`: the names' part of jieba.posseg's word → tag table (`NAME_TAGS`: places, people,
  organisations; the only tags `entities_of` reads). jieba.posseg parses the whole 350 k-line
  dict.txt at import (~0.5 s); the names' entries are kept in a small marshal file beside
  jieba's cache, rebuilt when dict.txt changes (its size and mtime).
- `PrefixTable`: either table above kept on disk in groups by each word's first two characters
  (`write_table`, `open_table`), so a process reads only the groups of the texts it segments
  (`cover`): a draft's few hundred groups in a few ms, where the whole dictionary costs 0.3–0.4 s
  of CPU and the names' table 0.05–0.08 s. jieba looks up nothing but pieces of the text it
  cuts (`get_DAG`, `calc` and `__cut_DAG` read `FREQ` with substrings of the sentence), and
  each piece starts with one of the text's characters or pairs, whose groups `cover` has read:
  so a covered text is cut to the same words, with the same tags, as with the whole table.

Pure in what it returns (jieba's own data); like jieba, it keeps a cache file in the private
cache folder it is given.
"""

from __future__ import annotations

import contextlib
import marshal
import mmap
import os
import sys
import tempfile
import threading
import zlib
from array import array
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any

NAMES_CACHE = "draftdesk-name-tags.cache"
WORDS_TABLE = "draftdesk-jieba-words.table"  # jieba's FREQ in groups (`PrefixTable`)
NAMES_TABLE = "draftdesk-name-tags.table"  # the names' tags in groups
GROUPS = 1 << 16  # groups of a table file: a few words each
_MAGIC = b"draftdesk prefix table 1\n"


def load_dictionary(tokenizer: Any) -> None:
    """Fill a jieba tokenizer of the default dictionary from its cache file, as `initialize`
    would (same data)."""
    if tokenizer.initialized or tokenizer.dictionary is not None or tokenizer.cache_file:
        return  # a custom dictionary or cache: jieba's own way
    path = os.path.join(tokenizer.tmp_dir or tempfile.gettempdir(), "jieba.cache")
    with tokenizer.lock:
        if tokenizer.initialized:
            return
        try:
            with open(path, "rb") as cache:
                freq, total = marshal.loads(cache.read())
        except (OSError, ValueError, EOFError, TypeError):
            return  # jieba's initialize builds the cache
        if not isinstance(freq, dict) or not isinstance(total, int):
            return
        tokenizer.FREQ, tokenizer.total = freq, total
        tokenizer.initialized = True


def words_table(jieba: ModuleType, tokenizer: Any) -> PrefixTable:
    """The dictionary of `tokenizer` (jieba's default one, its cache in `tokenizer.tmp_dir`):
    its table file opened, the tokenizer's FREQ being the table's `words` (cover each text
    before cutting it); else the dictionary loaded whole (jieba's cache, else dict.txt, as
    `initialize` does) and the table file written for the next process."""
    path = os.path.join(tokenizer.tmp_dir or tempfile.gettempdir(), WORDS_TABLE)
    key = source_key(jieba)
    with tokenizer.lock:
        opened = open_table(path, key, tokenizer.lock)
        if opened is not None and isinstance(opened[1], int):
            table, total = opened
            tokenizer.FREQ, tokenizer.total, tokenizer.initialized = table.words, total, True
            return table
        load_dictionary(tokenizer)
        tokenizer.check_initialized()
    write_table(path, key, tokenizer.total, tokenizer.FREQ)
    return PrefixTable.whole(tokenizer.FREQ)


def names_table(jieba: ModuleType, cache_dir: str, tags: Iterable[str]) -> PrefixTable:
    """`name_tags` as a table read group by group (cover each text before looking its words
    up); made from `name_tags` and written the first time."""
    wanted = frozenset(tags)
    path = os.path.join(cache_dir, NAMES_TABLE)
    key = source_key(jieba, sorted(wanted))
    opened = open_table(path, key)
    if opened is not None:
        return opened[0]
    table = name_tags(jieba, cache_dir, wanted)
    write_table(path, key, None, table)
    return PrefixTable.whole(table)


def name_tags(jieba: ModuleType, cache_dir: str, tags: Iterable[str]) -> dict[str, str]:
    """Each dictionary word whose jieba.posseg tag is one of `tags`, with that tag (the later
    line wins, as in jieba.posseg)."""
    wanted = frozenset(tags)
    source = os.path.join(os.path.dirname(str(jieba.__file__)), "dict.txt")
    stat = os.stat(source)
    key = (stat.st_size, stat.st_mtime_ns, sorted(wanted))
    path = os.path.join(cache_dir, NAMES_CACHE)
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        with open(path, "rb") as cache:
            stored_key, table = marshal.loads(cache.read())
        if stored_key == key and isinstance(table, dict):
            return table
    table = _parse_tags(source, wanted)
    with contextlib.suppress(OSError):
        fd, temporary = tempfile.mkstemp(dir=cache_dir)
        with os.fdopen(fd, "wb") as out:
            marshal.dump((key, table), out)
        os.replace(temporary, path)
    return table


def _parse_tags(source: str, wanted: frozenset[str]) -> dict[str, str]:
    """jieba.posseg's `load_word_tag` over dict.txt, keeping the `wanted` tags only."""
    every: dict[str, str] = {}
    with open(source, encoding="utf-8") as lines:
        for line in lines:
            parts = line.strip().split(" ")
            if len(parts) == 3:
                every[parts[0]] = parts[2]
    return {word: tag for word, tag in every.items() if tag in wanted}


# ---- tables read group by group ------------------------------------------------------------------


def _group(prefix: str) -> int:
    """The group of the words beginning with `prefix` (a word's first two characters, or the
    word itself when shorter): a hash that is the same in every process."""
    return zlib.crc32(prefix.encode("utf-8", "surrogatepass")) & (GROUPS - 1)


def prefixes_of(text: str) -> set[str]:
    """The prefixes of every word that can begin in `text`: its characters and its pairs of
    adjacent characters."""
    prefixes = {text[k : k + 2] for k in range(len(text))}
    prefixes.update(text)
    return prefixes


def groups_of(text: str) -> set[int]:
    """The groups holding every word that can begin in `text`."""
    return {_group(prefix) for prefix in prefixes_of(text)}


class PrefixTable:
    """A word table on disk, read into `words` (a plain dict) one group at a time: after
    `cover(text)`, every word that is a piece of `text` is in `words` exactly when it is in the
    whole table, with the same value."""

    def __init__(self, view: mmap.mmap | None, offsets: array[int], start: int, lock: Any) -> None:
        self.words: dict[str, Any] = {}
        self._view, self._offsets, self._start, self._lock = view, offsets, start, lock
        self._read: set[int] = set()
        # Prefixes whose groups are read: a burst's drafts share most of their characters and
        # pairs, so only a text's new ones are hashed (1,000 hashes a draft cost ~0.5 ms).
        self._covered: set[str] = set()

    @classmethod
    def whole(cls, words: dict[str, Any]) -> PrefixTable:
        """A table held whole in memory already (just loaded): nothing is left to read."""
        table = cls(None, array("Q"), 0, threading.RLock())
        table.words = words
        table._read = set(range(GROUPS))
        return table

    def cover(self, text: str) -> None:
        """Read the groups `text` needs that are not read yet."""
        if self._view is None:
            return
        new = prefixes_of(text) - self._covered
        if not new:
            return
        missing = {_group(prefix) for prefix in new} - self._read
        if missing:
            self._read_groups(missing)
        with self._lock:  # after their groups are read: a prefix here is a prefix covered
            self._covered |= new

    def cover_all(self) -> None:
        """Read every group: the whole table (for a process that will segment a great deal)."""
        if self._view is not None:
            self._read_groups(set(range(GROUPS)) - self._read)

    def _read_groups(self, groups: Iterable[int]) -> None:
        assert self._view is not None
        with self._lock:
            for group in sorted(groups):
                if group in self._read:
                    continue
                begin, end = self._offsets[group], self._offsets[group + 1]
                if end > begin:
                    self.words.update(marshal.loads(self._view[self._start + begin : self._start + end]))
                self._read.add(group)


def write_table(path: str, key: tuple[Any, ...], extra: Any, table: Mapping[str, Any]) -> None:
    """Write `table` grouped by prefix, with `key` (what it was made from) and `extra` (a value
    kept beside it, e.g. jieba's total) for `open_table`; atomically, as jieba writes its cache."""
    grouped: list[dict[str, Any]] = [{} for _ in range(GROUPS)]
    for word, value in table.items():
        grouped[_group(word[:2])][word] = value
    blobs = [marshal.dumps(words) if words else b"" for words in grouped]
    offsets = array("Q", [0])
    for blob in blobs:
        offsets.append(offsets[-1] + len(blob))
    header = marshal.dumps((key, extra))
    with contextlib.suppress(OSError):
        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(path))
        with os.fdopen(fd, "wb") as out:
            out.write(_MAGIC + len(header).to_bytes(4, "little") + header + offsets.tobytes())
            out.writelines(blobs)
        os.replace(temporary, path)


def open_table(path: str, key: tuple[Any, ...], lock: Any = None) -> tuple[PrefixTable, Any] | None:
    """The table at `path` and its `extra`, when the file is whole and was made from `key`;
    None when it is missing, damaged or stale (the caller loads the whole table and writes it)."""
    try:
        with open(path, "rb") as file:
            view = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        begin = len(_MAGIC) + 4
        if view[: len(_MAGIC)] != _MAGIC:
            return None
        size = int.from_bytes(view[len(_MAGIC) : begin], "little")
        stored_key, extra = marshal.loads(view[begin : begin + size])
        offsets = array("Q")
        offsets.frombytes(view[begin + size : begin + size + 8 * (GROUPS + 1)])
        start = begin + size + 8 * (GROUPS + 1)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if stored_key != key or len(offsets) != GROUPS + 1 or start + offsets[-1] != len(view):
        return None
    return PrefixTable(view, offsets, start, lock or threading.RLock()), extra


def source_key(jieba: ModuleType, *more: object) -> tuple[object, ...]:
    """What a table made from jieba's dict.txt depends on: that file, jieba, the grouping."""
    stat = os.stat(os.path.join(os.path.dirname(str(jieba.__file__)), "dict.txt"))
    version = getattr(jieba, "__version__", "")
    return (stat.st_size, stat.st_mtime_ns, version, GROUPS, sys.byteorder, *more)
