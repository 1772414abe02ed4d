"""The reader's shortcuts give what the plain forms gave: counting a character class by its runs,
storable_draft leaving a clean draft as it is, a file read to its size without the 200 MB buffer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors import count
from extractors.model import Draft, Finding, Photo
from extractors.safefile import FileRefused, read_regular_file
from extractors.storable import storable_draft

# Han, kana, full-width and CJK punctuation, ambiguous symbols, spaces, Latin, digits, an emoji,
# and characters beyond the BMP: every side of every class the counting patterns draw.
_ALPHABET = "湖滨社区𠀀𪚥あア，。（）“”—…·□①×　 \t\nab1.%😀\u00a0\ufffd"


def _one_per_char(pattern: re.Pattern[str], text: str) -> int:
    """What the reader counted before: one match, one string, per character of the class."""
    return len(re.compile(pattern.pattern.removesuffix("+")).findall(text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_counting_by_runs_equals_one_match_per_character(text: str) -> None:
    for runs in (count._EA_RUNS[False], count._EA_RUNS[True], count._HAN_RUNS, count._SPACES):
        assert count._chars_in_runs(runs, text) == _one_per_char(runs, text)


def test_counting_by_runs_on_a_known_line() -> None:
    text = "3月12日上午，湖滨社区𠀀开展 Word 培训……"
    assert count._chars_in_runs(count._HAN_RUNS, text) == 13  # 月日上午 湖滨社区 𠀀 开展 培训
    assert count.count_hanzi(text) == len(re.findall(r"[\u4e00-\u9fff\U00020000-\U0003ffff]", text))


def test_a_clean_draft_comes_back_as_the_same_object() -> None:
    draft = Draft(
        source_name="稿件.docx",
        metadata={"unit": "湖滨社区"},
        body=("正文",),
        photos=(Photo(key="word/media/image1.jpeg", source="embedded"),),
        findings=(Finding("format", "error", "无法读取"),),
    )
    assert storable_draft(draft) is draft


def test_only_the_part_that_needs_it_is_rebuilt() -> None:
    photo = Photo(key="word/media/image1.jpeg", source="embedded")
    draft = Draft(source_name="稿件.docx", body=("正\ud800文",), photos=(photo,))
    clean = storable_draft(draft)
    assert clean.body == ("正\ufffd文",)
    assert clean.photos[0] is photo


def test_a_file_is_read_whole_and_refused_over_the_bound(tmp_path: Path) -> None:
    path = tmp_path / "稿件.docx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
    assert read_regular_file(path, 20_000) == path.read_bytes()
    assert read_regular_file(path, len(path.read_bytes())) == path.read_bytes()
    with pytest.raises(FileRefused):
        read_regular_file(path, len(path.read_bytes()) - 1)
