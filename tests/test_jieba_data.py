"""jieba's data loaded the fast way is jieba's own: the same dictionary, the same names' tags."""

from __future__ import annotations

import marshal
from pathlib import Path

import jieba
import jieba.posseg

from checks import jieba_data
from checks.news_features import NAME_TAGS


def test_the_cache_read_at_once_gives_jiebas_own_dictionary(tmp_path: Path) -> None:
    own = jieba.Tokenizer()
    own.tmp_dir = str(tmp_path)
    own.initialize()  # jieba's way; writes its cache into tmp_path
    fast = jieba.Tokenizer()
    fast.tmp_dir = str(tmp_path)

    class Module:
        dt = fast

    jieba_data.load_dictionary(Module)  # type: ignore[arg-type]
    assert fast.initialized
    assert fast.total == own.total and fast.FREQ == own.FREQ
    assert fast.lcut("湖滨社区开展垃圾分类宣传活动") == own.lcut("湖滨社区开展垃圾分类宣传活动")


def test_a_missing_cache_is_left_to_jieba(tmp_path: Path) -> None:
    fresh = jieba.Tokenizer()
    fresh.tmp_dir = str(tmp_path / "empty")

    class Module:
        dt = fresh

    jieba_data.load_dictionary(Module)  # type: ignore[arg-type]
    assert not fresh.initialized


def test_the_names_tags_are_jieba_possegs_and_kept_for_the_next_process(tmp_path: Path) -> None:
    tags = jieba_data.name_tags(jieba, str(tmp_path), NAME_TAGS)
    every = jieba.posseg.dt.word_tag_tab
    assert tags == {word: tag for word, tag in every.items() if tag in NAME_TAGS}
    assert tags["杭州"] == "ns"
    _key, stored = marshal.loads((tmp_path / jieba_data.NAMES_CACHE).read_bytes())
    assert stored == tags
    assert jieba_data.name_tags(jieba, str(tmp_path), NAME_TAGS) == tags  # read back
