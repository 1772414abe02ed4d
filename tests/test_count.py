"""Word's 字数 on strings: East Asian characters one each, other runs one each, hint for ambiguous."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.count import (
    count_characters,
    count_characters_with_spaces,
    count_hanzi,
    count_text,
    count_zishu,
    paragraph_segments,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("街道开展活动", 6),
        ("5G网络", 3),
        ("增长12.5%，", 4),
        ("hello world", 2),
        ("Word文档", 3),
        ("全角　空格", 4),
        ("", 0),
        ("   ", 0),
        ("（湖滨社区 张三）", 8),
        ("ＡＢＣ", 3),
        ("𠀀𠀁", 2),
        ("かなカナ한글", 6),
    ],
    ids=[
        "han",
        "5g",
        "percent",
        "latin",
        "mixed",
        "ideographic-space",
        "empty",
        "spaces",
        "byline",
        "fullwidth",
        "ext-b",
        "kana-hangul",
    ],
)
def test_zishu_of_plain_text(text: str, expected: int) -> None:
    assert count_text(text) == expected


def test_ambiguous_quotes_join_the_word_without_the_hint() -> None:
    assert count_text("“abc”") == 1
    assert count_text("“abc”", east_asian_hint=True) == 3


def test_the_written_out_ambiguous_ranges_are_the_computed_ones() -> None:
    import unicodedata

    from extractors import count

    assert count.ambiguous_ranges() == count._ambiguous_ranges()
    if unicodedata.unidata_version == count._AMBIGUOUS_UNICODE_VERSION:  # the copy is what is used
        assert count.written_out_ranges() == count._ambiguous_ranges()


def test_em_dash_and_ellipsis_count_each_under_the_hint() -> None:
    assert count_text("3—5个", east_asian_hint=True) == 4
    assert count_text("3—5个") == 2
    assert count_text("……", east_asian_hint=True) == 2
    assert count_text("……") == 1


def test_geometric_shapes_stay_in_the_word_even_under_the_hint() -> None:
    # measured on 008.docx: `[8]□Heider` is one word for Word
    assert count_zishu([("[8]", True), ("□", True), ("Heider", False)]) == 1


def test_a_latin_word_spans_runs_with_different_formatting() -> None:
    assert count_zishu([("Wo", False), ("rd", False)]) == 1


def test_paragraph_break_separates_words() -> None:
    assert count_zishu(paragraph_segments([[("abc", False)], [("def", False)]])) == 2


def test_characters_with_and_without_spaces() -> None:
    segs = [("ab c\t中文　", False), ("\n", False)]
    assert count_characters(segs) == 5
    assert count_characters_with_spaces(segs) == 8


def test_hanzi_counts_only_han() -> None:
    assert count_hanzi("5G网络，ok𠀀") == 3


def _reference_zishu(segments) -> int:
    """Character-by-character statement of the rule, to check the fast tokenizer against."""
    from extractors.count import is_ambiguous, is_east_asian, is_space

    words, in_word = 0, False
    for text, hint in segments:
        for ch in text:
            if is_space(ch):
                in_word = False
            elif is_east_asian(ch) or (hint and is_ambiguous(ch)):
                words, in_word = words + 1, False
            elif not in_word:
                words, in_word = words + 1, True
    return words


_ALPHABET = "ab1.%中文，　 \t\n“”—…·×□①\uf0fc𠀀ｶ"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet=_ALPHABET, max_size=12), st.booleans()), max_size=6))
def test_fast_count_agrees_with_the_rule_stated_per_character(segments) -> None:
    assert count_zishu(segments) == _reference_zishu(segments)
