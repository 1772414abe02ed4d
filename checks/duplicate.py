"""Duplicates: the same file twice, the same news from two units, and a unit's own revision.

- Identical bytes (same sha256) as any earlier submission → a `duplicate` error naming it: the
  ledger keeps one record.
- `compare_texts` (title and text of two drafts → `Comparison`: COPY, SAME_EVENT or DIFFERENT,
  a score and reasons in Chinese) over the priors of the same type within `near_duplicate_days`:
  - different event dates (from the leads) are different news, whatever the words;
  - a COPY (words or two-character pieces in common at `near_duplicate_threshold`, or a short
    item resent whole with a sentence added) first sent by ANOTHER unit → a `duplicate` error
    naming that unit: the seed's "多个部门报送统一信息的，以先报为准";
  - SAME_EVENT (the weighted `[same_news]` score of shared places and people, figures, the
    date and the shorter text's overlap with the longer) first sent by another unit → a
    `same_event` warning naming it, the reasons side by side, left to the office (PENDING_MARK):
    accepted, not counted until `decide`.
- A copy, or the same title once 修改稿 and the like are set aside, sent first by the SAME unit
  → a revision of its latest such draft, not an error.

Pure: the ledger supplies the earlier submissions as `Prior` values. Only the first
`intake.near_duplicate_max_chars` characters (title, then body) are segmented, so judging one
draft stays within a couple of seconds whatever its size. Each draft's words and features are
read once and cached (`features`, `word_set`), so a window of 400 priors costs a plain scan of
set intersections (benchmarks/bench_same_news.py: 7–19 ms a draft, slowest 25 ms), and only
the priors `may_be_alike` lets through (same event day, enough pieces or words in common) are
compared in full: exactly the same verdicts, most of a burst's window (other days' news) skipped.
Even those get only `first_look` (dates, words, overlap: COPY or DIFFERENT); the same-event
score (names, numbers) is computed for other units' priors in order, up to the first that
reaches it, the one a finding names. The intake segments a draft on the thread that read it
(`segment_ahead`), so the judge finds its words cached.
The copy measure is the exact Jaccard index, by a plain scan of the window. MinHash LSH (datasketch) was measured against it
(benchmarks/bench_duplicate.py, per judged draft, word sets cached, three runs on a shared
2-core machine): rebuilding an index from the window's cached MinHashes, as a pure check given
its priors per call must, costs 15–36× the scan at 100 priors, 5–11× at 400 (a busy week is a
few hundred) and 2–3× at 1600. Only an index kept across calls is faster (0.05 ms vs 2–18 ms at
≤ 400 priors, about one draft's segmentation), and it would need state and expiry in a pure
room. LSH also missed 2 of 6 true near-duplicates at 1600, and a miss is a wrong verdict. So the
scan stays and the dependency was dropped.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from checks import jieba_data
from checks.labels import PENDING_MARK, when_text
from checks.model import Prior
from checks.news_features import (
    ENTITY_KINDS,
    KIND_PERSON,
    KIND_PLACE,
    NAME_TAGS,
    EventDay,
    NewsFeatures,
    days_apart,
    entities_of,
    pieces_of,
    read_features,
)
from extractors.model import ERROR, WARNING, Draft, Finding
from rules.model import Rulebook

# Function words that make any two Chinese texts look alike; dropped before comparing.
STOP_WORDS: frozenset[str] = frozenset("的了和与及或是在也就都而着之于把被对从以为将有这那其")


@dataclass(frozen=True)
class Duplicates:
    findings: tuple[Finding, ...] = ()
    duplicate_of: int | None = None
    revision_of: int | None = None
    same_event_of: int | None = None  # the earlier draft of another unit on probably the same event


def default_cache_dir() -> Path:
    """The user's cache folder for draftdesk: `$XDG_CACHE_HOME/draftdesk`, else `~/.cache/draftdesk`
    (a relative XDG_CACHE_HOME is ignored, as the XDG spec says)."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "draftdesk"


@lru_cache(maxsize=1)
def _private_cache_dir() -> str:
    """Where jieba's cache goes: the user's cache folder, or a fresh private temporary one if
    that cannot be made. Never the shared $TMPDIR itself: jieba loads its cache with `marshal`,
    so a file another user planted there would be trusted."""
    folder = default_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return str(folder)
    except OSError:
        return tempfile.mkdtemp(prefix="draftdesk-jieba-")


@lru_cache(maxsize=1)
def _jieba_module() -> ModuleType:
    """jieba, imported on first use and kept quiet.

    jieba 0.42 imports `pkg_resources` (~0.4 s) only to open its own data files, and falls back
    to a plain `open` beside its module when that import fails; it is made to fail for this one
    import, so `pkg_resources` is neither loaded nor kept from anyone who imports it later."""
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)
    module: ModuleType = jieba
    return module


class Segmenter:
    """draftdesk's own jieba tokenizer of jieba's default dictionary (jieba's global one is left
    as it is), its cache under the user's cache folder (jieba would write `jieba.cache` into
    $TMPDIR). Its dictionary is read per text (`jieba_data.PrefixTable`): the groups of the
    words a text can hold, a few ms, instead of the whole 500 k-entry dictionary (0.3–0.4 s of
    CPU) — the same words either way."""

    def __init__(self, jieba: ModuleType) -> None:
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.tmp_dir = _private_cache_dir()
        self._words = jieba_data.words_table(jieba, self._tokenizer)

    def lcut(self, text: str) -> list[str]:
        self._words.cover(text)
        words: list[str] = self._tokenizer.lcut(text)
        return words


_SETTING_UP = threading.Lock()


@lru_cache(maxsize=1)
def _segmenter() -> Segmenter:
    return Segmenter(_jieba_module())


def _jieba() -> Segmenter:
    """The segmenter, set up once on first use (a thread that asks meanwhile waits for it)."""
    with _SETTING_UP:
        return _segmenter()


def prepare() -> None:
    """Set jieba up now (its import and its dictionary's table: ~0.1 s, or ~1 s the first time,
    when the table is written), e.g. on a thread of a long-running watch before the first
    draft comes; `word_set` waits for it meanwhile (`lru_cache` and jieba's lock)."""
    _jieba()


def jieba_lcut(text: str) -> list[str]:
    """jieba's words of `text`, in this process."""
    return _jieba().lcut(text)


def _is_noise(token: str) -> bool:
    token = token.strip()
    if not token or token in STOP_WORDS:
        return True
    return all(unicodedata.category(ch)[0] in "PSZC" for ch in token)


@lru_cache(maxsize=8192)
def word_set(text: str) -> frozenset[str]:
    """The words of `text` (jieba), without punctuation, symbols, spaces and stop words.

    Cached: a sweep compares each new draft with the same week of earlier ones, and segmenting
    is the only costly step here. The cache holds well over a busy week of drafts (23 units
    rarely send more than a few hundred), so a long-running watch never re-segments the window."""
    return frozenset(t.strip() for t in _words(text) if not _is_noise(t))


def signature_text(title: str, text: str, max_chars: int) -> str:
    """What a draft is compared by: its title and body, cut to the rulebook's
    `intake.near_duplicate_max_chars`. A news draft fits whole; a pasted 1.7 M-character body
    would cost jieba ~20 s, and its first pages already tell whether two units sent one story."""
    return f"{title}\n{text}"[:max_chars]


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b|; two empty sets are not similar (0.0). The union is counted, not built:
    half the time of `len(a | b)` on news-sized word sets (7 µs vs 13 µs per pair)."""
    common = len(a & b)
    union = len(a) + len(b) - common
    return common / union if union else 0.0


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0.0–1.0: Jaccard similarity of their word sets."""
    return jaccard(word_set(a), word_set(b))


def _aware(moment: dt.datetime, rulebook: Rulebook) -> dt.datetime:
    return moment.replace(tzinfo=rulebook.meta.tz) if moment.tzinfo is None else moment


def _when(moment: dt.datetime, rulebook: Rulebook) -> str:
    return when_text(_aware(moment, rulebook), rulebook.meta.tz)


# ---- the same news: copy, same event or different ----------------------------------------------

COPY = "copy"
SAME_EVENT = "same_event"
DIFFERENT = "different"


@dataclass(frozen=True)
class Comparison:
    """Whether two drafts are the same news: `level` COPY (the same text, lightly edited),
    SAME_EVENT (probably one event written up twice) or DIFFERENT; the `score` behind it (word
    overlap for a copy, the weighted same-event score otherwise) and the reasons, in Chinese."""

    level: str
    score: float
    reasons: tuple[str, ...] = ()


# Drafts whose features are kept: a whole window even after a burst (the ledger hands over
# ±(days+1) of a week; 23 units rarely send more than a few hundred, but a backlog of 1,800 comes
# in at once). Each draft is compared with every earlier one in order, so a window larger than
# the cache evicts each entry just before it is needed: measured, a draft judged against 1,100
# earlier ones took 471 ms CPU with 1,024 kept, 40 ms against 1,000. ~21 KB a burst's draft
# (benchmarks/burst_drafts.py), its words and pieces interned (32 KB before they were).
FEATURE_CACHE = 4096


@lru_cache(maxsize=FEATURE_CACHE)
def _words(text: str) -> tuple[str, ...]:
    """jieba's words of `text`, in order (cached like `word_set`), interned like the pieces
    (`news_features.pieces_of`): the drafts of a window share most of their words."""
    return tuple(map(sys.intern, jieba_lcut(text)))


@lru_cache(maxsize=1)
def _tag_table() -> jieba_data.PrefixTable:
    """jieba.posseg's part-of-speech of each dictionary word that is a name (the tags
    `entities_of` reads), opened once and only when two drafts are alike enough to need it,
    read per text like the dictionary: importing jieba.posseg parses all of dict.txt (~0.5 s),
    reading the whole names' table costs 0.05–0.08 s."""
    return jieba_data.names_table(_jieba_module(), _private_cache_dir(), NAME_TAGS)


@lru_cache(maxsize=FEATURE_CACHE)
def features(title: str, text: str, max_chars: int, least_number: int) -> NewsFeatures:
    """A draft's features, computed once per text (a sweep compares each new draft with the same
    window of earlier ones, so each earlier draft's are reused, never re-read)."""
    return read_features(title, text, max_chars, least_number)


@lru_cache(maxsize=FEATURE_CACHE)
def _entities(signature: str, leave_out: str) -> dict[str, frozenset[str]]:
    """The names in the body of a signature (title, newline, body): looked for in the text, where
    a write-up of the event says them, not in a title alone."""
    body = signature.partition("\n")[2]
    tags = _tag_table()
    tags.cover(body)  # the words looked up are pieces of the body
    return entities_of(body_words(signature), tags.words, leave_out, body)


def body_words(signature: str) -> tuple[str, ...]:
    """jieba's words of the body of `signature` (title, newline, body), taken from the
    signature's own words (segmented once already) rather than segmenting the body again.

    The same words: jieba cuts each run of word characters on its own and yields every
    whitespace character between runs as a word of its own (`Tokenizer.cut`), so the words of
    title + "\n" + body are the title's, "\n", then the body's — the title's first newline is
    the signature's first "\n" word. The one exception is a title ending in "\r", where
    "\r\n" is one word: that body is segmented on its own."""
    title, newline, body = signature.partition("\n")
    if not newline or title.endswith("\r"):
        return _words(body)
    words = _words(signature)
    return words[words.index("\n") + 1 :]


def _features(title: str, text: str, rulebook: Rulebook) -> NewsFeatures:
    return features(title, text, rulebook.intake.near_duplicate_max_chars, rulebook.same_news.min_number)


def segment_ahead(draft: Draft, rulebook: Rulebook) -> None:
    """Read a draft's words and features now, into the caches `check_duplicates` reads them
    from: on the thread that read the draft, while the intake's own thread waits on the disk
    for the draft before (segmenting is a third of judging one). Only a speed-up: a failure
    here is left for `check_duplicates` to meet itself."""
    if not draft.readable:
        return
    try:
        word_set(_features(draft.title, draft.text, rulebook).signature)
    except Exception:  # the judge segments it again and meets the fault itself
        return


def compare_texts(title_a: str, text_a: str, title_b: str, text_b: str, rulebook: Rulebook) -> Comparison:
    """Whether two drafts are the same news, and why (pure; the thresholds are the rulebook's
    `intake.near_duplicate_threshold` for a copy and `[same_news]` for the same event)."""
    return compare_features(
        _features(title_a, text_a, rulebook), _features(title_b, text_b, rulebook), rulebook
    )


def compare_features(a: NewsFeatures, b: NewsFeatures, rulebook: Rulebook) -> Comparison:
    """`compare_texts` on features already read: different when the event dates differ; a copy
    when the words (or the two-character pieces, which a swapped word barely moves) overlap to
    the copy threshold, or one is nearly all in the other and a little longer; different when
    too little of the shorter text is in the longer; else the same event when the score
    reaches its threshold with a place or person in common."""
    looked = first_look(a, b, rulebook)
    return looked if isinstance(looked, Comparison) else _same_event_score(a, b, looked, rulebook)


def first_look(a: NewsFeatures, b: NewsFeatures, rulebook: Rulebook) -> Comparison | float:
    """`compare_features` up to the same-event score: its Comparison when the dates, the words
    or the overlap decide (COPY or DIFFERENT), else the overlap the score starts from. A draft's
    judge needs the score of only one prior of another unit (the first that reaches it)."""
    rules = rulebook.same_news
    if a.event_day and b.event_day and days_apart(a.event_day, b.event_day) > rules.date_tolerance_days:
        return Comparison(DIFFERENT, 0.0, (f"事件日期不同：{a.event_day.text()}、{b.event_day.text()}",))
    words = max(jaccard(word_set(a.signature), word_set(b.signature)), jaccard(a.pieces, b.pieces))
    if words >= rulebook.intake.near_duplicate_threshold:
        return Comparison(COPY, words, (f"用词重合 {words:.0%}",))
    overlap = _overlap(a, b)
    if overlap >= rules.copy_containment and min(a.han, b.han) >= rules.copy_length_ratio * max(a.han, b.han):
        return Comparison(COPY, overlap, (f"一篇几乎全文见于另一篇（{overlap:.0%}），只多了几句",))
    if overlap < rules.min_overlap:
        return Comparison(DIFFERENT, overlap * rules.weight_overlap, (_overlap_text(overlap),))
    return overlap


def _overlap(a: NewsFeatures, b: NewsFeatures) -> float:
    """The share of the shorter draft's two-character pieces found in the longer one."""
    small, large = (a, b) if len(a.pieces) <= len(b.pieces) else (b, a)
    return len(small.pieces & large.pieces) / len(small.pieces) if small.pieces else 0.0


def _overlap_text(overlap: float) -> str:
    return f"文字重合：较短一篇的 {overlap:.0%} 也见于另一篇"


def _same_event_score(a: NewsFeatures, b: NewsFeatures, overlap: float, rulebook: Rulebook) -> Comparison:
    rules = rulebook.same_news
    leave_out = rulebook.meta.subdistrict
    ours, theirs = _entities(a.signature, leave_out), _entities(b.signature, leave_out)
    shared = {kind: sorted(ours[kind] & theirs[kind]) for kind in ENTITY_KINDS}
    named = sum(len(names) for names in shared.values())
    numbers = sorted(a.numbers & b.numbers, key=float)
    same_day = a.event_day is not None and b.event_day is not None
    score = (
        rules.weight_overlap * overlap
        + rules.weight_entities * min(1.0, named / rules.entities_for_full)
        + rules.weight_numbers * min(1.0, len(numbers) / rules.numbers_for_full)
        + (rules.weight_date if same_day else 0.0)
    )
    reasons: list[str] = []
    if a.event_day and b.event_day:
        reasons.append(f"事件日期相同：{a.event_day.text()}" + _same_day_note(a, b))
    reasons += [f"相同的{kind}：{'、'.join(names)}" for kind, names in shared.items() if names]
    if numbers:
        reasons.append(f"相同的数字：{'、'.join(numbers)}")
    reasons.append(_overlap_text(overlap))
    names = len(shared[KIND_PLACE]) + len(shared[KIND_PERSON])
    alike = score >= rules.same_event_threshold and names >= rules.min_shared_names
    level = SAME_EVENT if alike else DIFFERENT
    return Comparison(level, round(score, 4), tuple(reasons))


def _same_day_note(a: NewsFeatures, b: NewsFeatures) -> str:
    assert a.event_day is not None and b.event_day is not None
    return "" if a.event_day == b.event_day else f"（另一篇写作 {b.event_day.text()}）"


# ---- judging a draft against the window ----------------------------------------------------------

_REVISION_WORDS = re.compile(
    r"[（(【\[]?\s*(?:修改稿|修改版|修订稿|修订版|更正稿|更正版|终稿|定稿|修改|修订|更正|第.稿)\s*[）)】\]]?"
)


def plain_title(title: str) -> str:
    """A title with 修改稿, （修订）, 第二稿 and the like taken out, and no spaces."""
    return re.sub(r"\s+", "", _REVISION_WORDS.sub("", title))


def titles_alike(a: str, b: str, rulebook: Rulebook) -> bool:
    """Whether two titles name one draft: equal once the revision words are out, or their
    two-character pieces alike to `same_news.revision_title_similarity`."""
    first, second = plain_title(a), plain_title(b)
    if not first or not second:
        return False
    if first == second:
        return True
    return jaccard(pieces_of(first), pieces_of(second)) >= rulebook.same_news.revision_title_similarity


def check_duplicates(
    draft: Draft,
    unit: str | None,
    content_type: str | None,
    rulebook: Rulebook,
    received_at: dt.datetime,
    priors: Sequence[Prior],
) -> Duplicates:
    """Exact copies, copies with light edits and probable same events among `priors` (earlier
    submissions), and the revision link: the first copy from another unit sends the draft back;
    a resend by the same unit (a copy, or the same title) is a revision of its latest; a
    probable same event first sent by another unit is a `same_event` warning naming it."""
    if not priors:
        return Duplicates()
    ordered = sorted(priors, key=lambda p: (_aware(p.received_at, rulebook), p.id))
    same = next((p for p in ordered if p.sha256 == draft.sha256), None) if draft.sha256 else None
    if same is not None:
        return Duplicates(findings=(_same_bytes(same, rulebook),), duplicate_of=same.id)
    window = _window(content_type, rulebook, _aware(received_at, rulebook), ordered)
    mine = _features(draft.title, draft.text, rulebook)
    if not word_set(mine.signature):
        return Duplicates()
    looked = _looked_at(mine, window, rulebook)
    copies = [(p, c) for p, c in looked if isinstance(c, Comparison) and c.level == COPY]
    if copies and not (unit is not None and copies[0][0].unit == unit):
        first, comparison = copies[0]
        return Duplicates(findings=(_same_news(first, comparison.score, rulebook),), duplicate_of=first.id)
    own = [
        p
        for p, c in looked
        if p.unit == unit
        and ((isinstance(c, Comparison) and c.level == COPY) or titles_alike(p.title, draft.title, rulebook))
    ]
    revision_of = own[-1].id if unit is not None and own else None
    # A revision is as early as the draft it fixes: only another unit's earlier report counts.
    before = _aware(own[0].received_at, rulebook) if revision_of is not None else None
    event = _first_same_event(mine, looked, unit, before, rulebook)
    if event is None:
        return Duplicates(revision_of=revision_of)
    return Duplicates(
        findings=(_same_event(*event, rulebook),), revision_of=revision_of, same_event_of=event[0].id
    )


def _first_same_event(
    mine: NewsFeatures,
    looked: Sequence[tuple[Prior, Comparison | float]],
    unit: str | None,
    before: dt.datetime | None,
    rulebook: Rulebook,
) -> tuple[Prior, Comparison] | None:
    """The earliest prior of another unit (received before `before`, when given) that is
    probably the same event, with its comparison: the same-event score is computed for the
    priors `first_look` left open, in order, up to the first that reaches it — the one the
    finding names (every other prior's score would change nothing)."""
    for p, c in looked:
        if p.unit == unit or isinstance(c, Comparison):  # a COPY or DIFFERENT is never SAME_EVENT
            continue
        if before is not None and _aware(p.received_at, rulebook) >= before:
            continue
        comparison = _same_event_score(mine, _features(p.title, p.text, rulebook), c, rulebook)
        if comparison.level == SAME_EVENT:
            return p, comparison
    return None


# What a prior that `may_be_alike` rules out compares as: only its level (DIFFERENT) is read.
_RULED_OUT = Comparison(DIFFERENT, 0.0)


def days_too_far(a: EventDay, b: EventDay, tolerance: int) -> bool:
    """Whether two event days lie too far apart for one event (`same_news.date_tolerance_days`)."""
    return days_apart(a, b) > tolerance


def _looked_at(
    mine: NewsFeatures, window: Sequence[Prior], rulebook: Rulebook
) -> list[tuple[Prior, Comparison | float]]:
    """Each prior of the window with `first_look`'s answer, or `_RULED_OUT` where its event day
    lies too far from the draft's (the first test of `compare_features` and `may_be_alike`,
    worked out once per day written: a window of 1,800 holds about forty) or `may_be_alike`
    rules it out. One plain loop: a burst's window holds every earlier draft."""
    max_chars, least = rulebook.intake.near_duplicate_max_chars, rulebook.same_news.min_number
    tolerance = rulebook.same_news.date_tolerance_days
    day = mine.event_day
    far: dict[tuple[int | None, int], bool] = {}
    looked: list[tuple[Prior, Comparison | float]] = []
    for p in window:
        theirs = features(p.title, p.text, max_chars, least)
        if day is not None and (their_day := theirs.event_day) is not None:
            key = (their_day.month, their_day.day)
            apart = far.get(key)
            if apart is None:
                apart = far[key] = days_too_far(day, their_day, tolerance)
            if apart:
                looked.append((p, _RULED_OUT))
                continue
        alike = may_be_alike(mine, theirs, rulebook)
        looked.append((p, first_look(mine, theirs, rulebook) if alike else _RULED_OUT))
    return looked


def may_be_alike(a: NewsFeatures, b: NewsFeatures, rulebook: Rulebook) -> bool:
    """False only when `compare_features(a, b)` is surely DIFFERENT, found by its own figures,
    cheapest first: event days apart; then too few pieces in common for the overlap
    (`same_news.min_overlap`, or `copy_containment` if lower) and for the pieces' Jaccard index,
    and too few words in common for theirs (`intake.near_duplicate_threshold`; the word sets'
    sizes alone rule most out). Exact: each figure is computed as `compare_features` computes
    it, so a burst's window is mostly skipped (other days' news) without changing a verdict."""
    rules = rulebook.same_news
    if a.event_day and b.event_day and days_apart(a.event_day, b.event_day) > rules.date_tolerance_days:
        return False
    common = len(a.pieces & b.pieces)
    small = min(len(a.pieces), len(b.pieces))
    overlap = common / small if small else 0.0
    if overlap >= min(rules.min_overlap, rules.copy_containment):
        return True
    threshold = rulebook.intake.near_duplicate_threshold
    union = len(a.pieces) + len(b.pieces) - common
    if (common / union if union else 0.0) >= threshold:
        return True
    ours, theirs = word_set(a.signature), word_set(b.signature)
    fewer, more = sorted((len(ours), len(theirs)))
    if more and fewer / more < threshold:
        return False  # |A ∩ B| / |A ∪ B| ≤ fewer / more (a float division rounds monotonically)
    return jaccard(ours, theirs) >= threshold


def _window(
    content_type: str | None, rulebook: Rulebook, received: dt.datetime, ordered: Sequence[Prior]
) -> list[Prior]:
    """The priors of the same type received within `intake.near_duplicate_days`, oldest first."""
    window = dt.timedelta(days=rulebook.intake.near_duplicate_days)
    return [
        p
        for p in ordered
        if received - window <= _aware(p.received_at, rulebook) <= received
        and not (content_type and p.content_type and p.content_type != content_type)
    ]


def _same_bytes(same: Prior, rulebook: Rulebook) -> Finding:
    return Finding(
        "duplicate",
        ERROR,
        (
            f"本稿与第 {same.id} 号稿件（{same.unit}，{_when(same.received_at, rulebook)} 报送"
            f"{'，标题“' + same.title + '”' if same.title else ''}）完全相同，已经登记过，无需重复报送。"
        ),
    )


def _same_news(first: Prior, score: float, rulebook: Rulebook) -> Finding:
    threshold = rulebook.intake.near_duplicate_threshold
    return Finding(
        "duplicate",
        ERROR,
        (
            f"本稿与{first.unit}已于 {_when(first.received_at, rulebook)} 报送的第 {first.id} 号稿件"
            f"{'“' + first.title + '”' if first.title else ''}内容基本相同（相似度 {score:.0%}，"
            f"{rulebook.intake.near_duplicate_days} 天内相似度达到 {threshold:.0%} 即视为同一条信息），"
            "按先报为准，本稿不再登记。如确为不同内容，请修改后重新报送。"
        ),
    )


def _same_event(first: Prior, comparison: Comparison, rulebook: Rulebook) -> Finding:
    """The warning on a probable same event: the earlier draft, the reasons side by side, and
    that the office decides (PENDING_MARK puts the draft under 待核定)."""
    threshold = rulebook.same_news.same_event_threshold
    return Finding(
        SAME_EVENT,
        WARNING,
        (
            f"本稿与{first.unit}已于 {_when(first.received_at, rulebook)} 报送的第 {first.id} 号稿件"
            f"{'“' + first.title + '”' if first.title else ''}可能报道的是同一件事（"
            f"{'；'.join(comparison.reasons)}；综合评分 {comparison.score:.2f}，达到 {threshold:.2f} "
            "视为同一件事）。多个部门报送同一信息的以先报为准：本稿予以登记，暂不计入，"
            f"{PENDING_MARK}。"
        ),
    )
