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
    return [*ranges, *_PRIVATE_PLANES]


_PRIVATE_PLANES = ((0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))

# `_ambiguous_ranges()` as it comes out of Unicode 14.0 (Python 3.11's unicodedata), written out
# because computing it scans 65,536 code points: 20–40 ms of every process that counts a draft.
# Another Unicode version computes its own; tests/test_count.py checks this copy against it.
_AMBIGUOUS_UNICODE_VERSION = "14.0.0"
_AMBIGUOUS_HEX = """
a1 a4 a7-a8 aa ad-ae b0-b4 b6-ba bc-bf c6 d0 d7-d8 de-e1 e6 e8-ea ec-ed f0 f2-f3 f7-fa fc fe 101
111 113 11b 126-127 12b 131-133 138 13f-142 144 148-14b 14d 152-153 166-167 16b 1ce 1d0 1d2 1d4
1d6 1d8 1da 1dc 251 261 2c4 2c7 2c9-2cb 2cd 2d0 2d8-2db 2dd 2df 300-36f 391-3a1 3a3-3a9 3b1-3c1
3c3-3c9 401 410-44f 451 2010 2013-2016 2018-2019 201c-201d 2020-2022 2024-2027 2030 2032-2033
2035 203b 203e 2074 207f 2081-2084 20ac 2103 2105 2109 2113 2116 2121-2122 2126 212b 2153-2154
215b-215e 2160-216b 2170-2179 2189 2190-2199 21b8-21b9 21d2 21d4 21e7 2200 2202-2203 2207-2208
220b 220f 2211 2215 221a 221d-2220 2223 2225 2227-222c 222e 2234-2237 223c-223d 2248 224c 2252
2260-2261 2264-2267 226a-226b 226e-226f 2282-2283 2286-2287 2295 2299 22a5 22bf 2312 2460-24e9
24eb-24ff 2605-2606 2609 260e-260f 261c 261e 2640 2642 2660-2661 2663-2665 2667-266a 266c-266d
266f 269e-269f 26bf 26c6-26cd 26cf-26d3 26d5-26e1 26e3 26e8-26e9 26eb-26f1 26f4 26f6-26f9
26fb-26fc 26fe-26ff 273d 2776-277f 2b56-2b59 e000-f8ff fe00-fe0f fffd 1f100-1f10a 1f110-1f12d
1f130-1f169 1f170-1f18d 1f18f-1f190 1f19b-1f1ac e0100-e01ef
"""


def ambiguous_ranges() -> list[tuple[int, int]]:
    """`_ambiguous_ranges()`: the copy above when this Python's Unicode is the one it was
    computed from, else computed."""
    if unicodedata.unidata_version != _AMBIGUOUS_UNICODE_VERSION:
        return _ambiguous_ranges()
    return written_out_ranges()


def written_out_ranges() -> list[tuple[int, int]]:
    """The ranges of the copy (`_AMBIGUOUS_HEX`), private planes added as computing does."""
    ranges: list[tuple[int, int]] = []
    for item in _AMBIGUOUS_HEX.split():
        lo, _, hi = item.partition("-")
        ranges.append((int(lo, 16), int(hi or lo, 16)))
    return [*ranges, *_PRIVATE_PLANES]


_EA = _char_class(_EAST_ASIAN_RANGES)
_AMB = _char_class(ambiguous_ranges())
# Word's words in a string: each East Asian character, plus each maximal run of other non-space
# characters. Under the hint, ambiguous symbols join the East Asian side.
# The characters of a class are counted as the summed lengths of its maximal runs (the same
# number as one match per character, without making a string per character: ~10× faster on
# Chinese text, where such runs are long).
_EA_RUNS = {False: re.compile(f"[{_EA}]+"), True: re.compile(f"[{_EA}{_AMB}]+")}
_RUN = {False: re.compile(rf"[^\s{_EA}]+"), True: re.compile(rf"[^\s{_EA}{_AMB}]+")}
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
        # A run pattern matches at a position exactly when its one class takes that character.
        if in_word and _RUN[hint].match(text):
            words -= 1  # the run goes on from the previous segment
        in_word = _RUN[hint].match(text[-1]) is not None
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
