"""jieba's data loaded the fast way is jieba's own: the same dictionary, the same names' tags,
and a text cut with only its groups of the dictionary read is cut to the same words."""

from __future__ import annotations

import json
import marshal
from collections.abc import Iterator
from pathlib import Path

import jieba
import jieba.posseg
import pytest

from checks import jieba_data
from checks.news_features import NAME_TAGS
from tests.factory import han_text

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[jieba.Tokenizer]:
    """jieba's own tokenizer, its whole dictionary built its own way (cache in a private folder)."""
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(tmp_path_factory.mktemp("jieba"))
    tokenizer.initialize()  # jieba's way; writes its cache there
    yield tokenizer


def test_the_cache_read_at_once_gives_jiebas_own_dictionary(own: jieba.Tokenizer) -> None:
    fast = jieba.Tokenizer()
    fast.tmp_dir = own.tmp_dir
    jieba_data.load_dictionary(fast)
    assert fast.initialized
    assert fast.total == own.total and fast.FREQ == own.FREQ
    assert fast.lcut("湖滨社区开展垃圾分类宣传活动") == own.lcut("湖滨社区开展垃圾分类宣传活动")


def test_a_missing_cache_is_left_to_jieba(tmp_path: Path) -> None:
    fresh = jieba.Tokenizer()
    fresh.tmp_dir = str(tmp_path / "empty")
    jieba_data.load_dictionary(fresh)
    assert not fresh.initialized


def test_the_names_tags_are_jieba_possegs_and_kept_for_the_next_process(tmp_path: Path) -> None:
    tags = jieba_data.name_tags(jieba, str(tmp_path), NAME_TAGS)
    every = jieba.posseg.dt.word_tag_tab
    assert tags == {word: tag for word, tag in every.items() if tag in NAME_TAGS}
    assert tags["杭州"] == "ns"
    _key, stored = marshal.loads((tmp_path / jieba_data.NAMES_CACHE).read_bytes())
    assert stored == tags
    assert jieba_data.name_tags(jieba, str(tmp_path), NAME_TAGS) == tags  # read back
    whole = jieba_data.names_table(jieba, str(tmp_path), NAME_TAGS)  # made from it and written
    grouped = jieba_data.names_table(jieba, str(tmp_path), NAME_TAGS)  # read back, per text
    assert whole.words == tags
    text = "杭州市西湖区王建国到湖滨社区"
    grouped.cover(text)
    pieces = {text[i:j] for i in range(len(text)) for j in range(i + 1, len(text) + 1)}
    assert {w: grouped.words.get(w) for w in pieces} == {w: tags.get(w) for w in pieces}
    assert grouped.words["杭州"] == "ns" and len(grouped.words) < len(tags) / 10


def _texts() -> list[str]:
    """Real drafts (every 10th pair of the same-news set), and texts with Latin letters, digits,
    punctuation, symbols and single characters, where jieba's blocks and its HMM come in."""
    pairs = [json.loads(line) for line in (ROOT / "benchmarks/data/same_news.jsonl").read_text().splitlines()]
    texts = [f"{p['title_a']}\n{p['text_a']}" for p in pairs[::10]] + [p["text_b"] for p in pairs[5::10]]
    return [
        *texts,
        han_text(3000, seed=5),
        "3月12日，XX社区在A栋1-2单元开展“5G+智慧养老”活动，覆盖居民1,200户（约85%）。",
        "王建国副区长、李梅书记和民警孟伟到湖滨社区、西湖派出所检查；iPhone15 与 C++ 🙂 ok",
        "的",
        "",
        "，。！",
    ]


def test_a_text_cut_with_its_groups_read_is_cut_as_with_the_whole_dictionary(
    own: jieba.Tokenizer, tmp_path: Path
) -> None:
    path = str(tmp_path / jieba_data.WORDS_TABLE)
    key = jieba_data.source_key(jieba)
    jieba_data.write_table(path, key, own.total, own.FREQ)
    opened = jieba_data.open_table(path, key)
    assert opened is not None and opened[1] == own.total
    table = opened[0]
    grouped = jieba.Tokenizer()
    grouped.FREQ, grouped.total, grouped.initialized = table.words, own.total, True
    for text in _texts():  # one after another, as a sweep cuts them
        table.cover(text)
        assert grouped.lcut(text) == own.lcut(text), text
    assert 0 < len(table.words) < len(own.FREQ) / 4  # only the groups those texts need were read
    assert all(own.FREQ[word] == freq for word, freq in table.words.items())
    table.cover_all()
    assert table.words == own.FREQ


def test_a_stale_or_damaged_table_is_not_opened(tmp_path: Path) -> None:
    path = str(tmp_path / "t.table")
    jieba_data.write_table(path, ("made", 1), 7, {"社区": 5, "社": 0, "a": 1})
    opened = jieba_data.open_table(path, ("made", 1))
    assert opened is not None and opened[1] == 7
    opened[0].cover("湖滨社区")
    assert opened[0].words == {"社区": 5, "社": 0}
    assert jieba_data.open_table(path, ("made", 2)) is None  # made from another dictionary
    Path(path).write_bytes(Path(path).read_bytes()[:-3])
    assert jieba_data.open_table(path, ("made", 1)) is None  # cut short
    assert jieba_data.open_table(str(tmp_path / "missing"), ("made", 1)) is None


def test_texts_covered_one_after_another_read_the_groups_each_needs(
    own: jieba.Tokenizer, tmp_path: Path
) -> None:
    """A table skips the prefixes it has covered already (a burst's drafts share most): after
    each text it holds exactly what tables covering the texts so far, each on its own, hold."""
    path = str(tmp_path / jieba_data.WORDS_TABLE)
    key = jieba_data.source_key(jieba)
    jieba_data.write_table(path, key, own.total, own.FREQ)

    def opened() -> jieba_data.PrefixTable:
        table = jieba_data.open_table(path, key)
        assert table is not None
        return table[0]

    shared = opened()
    union: dict[str, int] = {}
    for text in _texts():
        shared.cover(text)
        alone = opened()
        alone.cover(text)
        union.update(alone.words)
        assert shared.words == union, text
