"""Word's 字数 and its other statistics, computed on plain strings (SPEC §5).

Word counts one "word" per East Asian character and one per maximal run of other non-space
characters. Symbols of ambiguous width (“ ” — … ·) follow the font Word draws them with: a run
marked `w:hint="eastAsia"` draws them with the East Asian font, so they count as East Asian.
The functions here take text plus that per-run flag, so the rule is testable on strings; the
text walk (`extractors.ooxml`) supplies the flag.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

# (first, last) code points Word treats as East Asian: one 字 each.
_EAST_ASIAN_RANGES: tuple[tuple[int, int], ...] = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x2FF0, 0x2FFF),  # ideographic description
    (0x3001, 0x303F),  # CJK symbols and punctuation (U+3000 is a space)
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x3130, 0x318F),  # Hangul compatibility Jamo
    (0x3190, 0x31FF),  # Kanbun, Bopomofo ext., CJK strokes, Katakana ext.
    (0x3200, 0x33FF),  # enclosed CJK, CJK compatibility
    (0x3400, 0x4DBF),  # CJK Ext. A
    (0x4E00, 0x9FFF),  # CJK Unified
    (0xA960, 0xA97F),  # Hangul Jamo ext. A
    (0xAC00, 0xD7FF),  # Hangul syllables, Jamo ext. B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF01, 0xFF60),  # full-width forms
    (0xFFE0, 0xFFE6),  # full-width signs
    (0x20000, 0x3FFFF),  # CJK Ext. B and beyond, compatibility supplement
)

_HAN_RANGES: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
)

Segment = tuple[str, bool]
"""A piece of text and whether its run carries the East Asian hint (w:hint="eastAsia")."""


def _in(ranges: tuple[tuple[int, int], ...], ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in ranges)


def is_east_asian(ch: str) -> bool:
    """True for a character Word always counts as one 字 on its own (Han, CJK punctuation, kana…)."""
    return _in(_EAST_ASIAN_RANGES, ch)


def is_han(ch: str) -> bool:
    """True for a Han character (CJK Unified, Ext. A and beyond, compatibility ideographs)."""
    return _in(_HAN_RANGES, ch)


# Ambiguous-width blocks Word keeps with the surrounding word even under the eastAsia hint.
# Measured: Word's 字数 for 008.docx (2237) needs `[8]□Heider` (hint on □) to be one word,
# while `3—5`, `……`, `×××` and `①` under the hint count one per character.
_HINT_IGNORED_RANGES: tuple[tuple[int, int], ...] = ((0x2500, 0x25FF),)  # box drawing, shapes


def is_ambiguous(ch: str) -> bool:
    """True for a symbol whose width depends on the font: East Asian only under the eastAsia hint."""
    return (
        not is_east_asian(ch)
        and unicodedata.east_asian_width(ch) == "A"
        and not _in(_HINT_IGNORED_RANGES, ch)
    )


def is_space(ch: str) -> bool:
    """Word's word separators: white space, including U+3000 and the no-break space."""
    return ch.isspace()


def _char_class(ranges: Iterable[tuple[int, int]]) -> str:
    return "".join(
        f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" if hi > lo else re.escape(chr(lo)) for lo, hi in ranges
    )


def _ambiguous_ranges() -> list[tuple[int, int]]:
    """Code point ranges of `is_ambiguous`, computed once (BMP scan + the supplementary A blocks)."""
    eaw = unicodedata.east_asian_width
    points = [cp for cp in range(0x10000) if eaw(chr(cp)) == "A" and is_ambiguous(chr(cp))]
    points += [
        cp
        for lo, hi in ((0x1F100, 0x1F1AD), (0xE0100, 0xE01EF))
        for cp in range(lo, hi + 1)
        if is_ambiguous(chr(cp))
    ]
    ranges: list[tuple[int, int]] = []
    for cp in points:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return [*ranges, (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD)]


_EA = _char_class(_EAST_ASIAN_RANGES)
_AMB = _char_class(_ambiguous_ranges())
# Word's words in a string: each East Asian character, plus each maximal run of other non-space
# characters. Under the hint, ambiguous symbols join the East Asian side.
# The characters of a class are counted as the summed lengths of its maximal runs (the same
# number as one match per character, without making a string per character: ~10× faster on
# Chinese text, where such runs are long).
_EA_RUNS = {False: re.compile(f"[{_EA}]+"), True: re.compile(f"[{_EA}{_AMB}]+")}
_RUN = {False: re.compile(rf"[^\s{_EA}]+"), True: re.compile(rf"[^\s{_EA}{_AMB}]+")}
_RUN_CHAR = {False: re.compile(rf"[^\s{_EA}]"), True: re.compile(rf"[^\s{_EA}{_AMB}]")}
_HAN_RUNS = re.compile(f"[{_char_class(_HAN_RANGES)}]+")
_SPACES = re.compile(r"\s+")


def _chars_in_runs(runs: re.Pattern[str], text: str) -> int:
    """How many characters of `text` the one-class pattern `runs` ("[…]+") covers."""
    return sum(map(len, runs.findall(text)))


def count_zishu(segments: Iterable[Segment]) -> int:
    """Word's 字数 (Words) over a stream of segments; a run of non-East-Asian characters may
    span segments, as Word's runs are formatting only. Put ("\\n", False) between paragraphs."""
    words = 0
    in_word = False
    for text, hint in segments:
        if not text:
            continue
        hint = bool(hint)
        words += _chars_in_runs(_EA_RUNS[hint], text) + len(_RUN[hint].findall(text))
        if in_word and _RUN_CHAR[hint].match(text):
            words -= 1  # the run goes on from the previous segment
        in_word = _RUN_CHAR[hint].match(text[-1]) is not None
    return words


def count_text(text: str, east_asian_hint: bool = False) -> int:
    """字数 of one string, all of it under the same hint: the handy form for tests and captions."""
    return count_zishu([(text, east_asian_hint)])


def count_characters(segments: Iterable[Segment]) -> int:
    """Word's Characters (no spaces): every non-space character."""
    return sum(len(text) - _chars_in_runs(_SPACES, text) for text, _ in segments)


def count_characters_with_spaces(segments: Iterable[Segment]) -> int:
    """Word's Characters (with spaces): every character, spaces and tabs included, paragraph
    marks and line breaks excluded."""
    return sum(len(text) - text.count("\n") - text.count("\r") for text, _ in segments)


def count_hanzi(text: str) -> int:
    """Han characters only."""
    return _chars_in_runs(_HAN_RUNS, text)


def paragraph_segments(paragraphs: Iterable[Sequence[Segment]]) -> list[Segment]:
    """Flatten paragraphs into one segment stream, a newline between paragraphs."""
    out: list[Segment] = []
    for para in paragraphs:
        out.extend(para)
        out.append(("\n", False))
    return out
