"""Exact duplicates, the same news from another unit, and a unit's own revision."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from checks.duplicate import check_duplicates, similarity, word_set
from checks.model import Prior
from tests.factory import draft_value, han_text

TZ = ZoneInfo("Asia/Shanghai")
NEWS = (
    "3月12日上午，湖滨社区在文化广场开展垃圾分类宣传活动，志愿者向居民发放宣传册二百余份，"
    "现场讲解厨余垃圾和其他垃圾的区别，并组织居民参与分类投放游戏，活动吸引了一百多名居民参加。"
)
REVISED = NEWS.replace("二百余份", "三百余份").replace("一百多名", "一百五十多名")
OTHER = (
    "3月12日下午，塔下社区组织党员志愿者走访辖区独居老人，为老人检查燃气管道和用电安全，"
    "并送上米面油等慰问品，叮嘱老人注意冬季取暖安全。"
)
RECEIVED = dt.datetime(2021, 3, 12, 15, 0, tzinfo=TZ)


def prior(
    id: int, unit: str, text: str, *, days_ago: float = 0.1, sha256: str = "", ctype: str = "instant"
) -> Prior:
    return Prior(
        id=id,
        unit=unit,
        received_at=RECEIVED - dt.timedelta(days=days_ago),
        sha256=sha256,
        title="社区开展垃圾分类宣传",
        text=text,
        content_type=ctype,
    )


def draft(text: str, sha256: str = "b" * 64):
    return draft_value(300, title="社区开展垃圾分类宣传", body=[text], sha256=sha256)


def test_word_set_drops_punctuation_and_stop_words() -> None:
    words = word_set("湖滨社区的志愿者，在广场上！")
    assert "的" not in words and "，" not in words and "！" not in words
    assert "志愿者" in words


def test_similarity_of_a_text_with_itself_is_one_and_of_unrelated_texts_is_low() -> None:
    assert similarity(NEWS, NEWS) == 1.0
    assert similarity(NEWS, OTHER) < 0.3
    assert similarity("", "") == 0.0


def test_identical_bytes_are_a_duplicate_naming_the_first(rulebook) -> None:
    result = check_duplicates(
        draft(NEWS, "a" * 64),
        "湖滨社区",
        "instant",
        rulebook,
        RECEIVED,
        [prior(7, "湖滨社区", NEWS, sha256="a" * 64)],
    )
    assert result.duplicate_of == 7
    [finding] = result.findings
    assert (finding.rule, finding.severity) == ("duplicate", "error")
    assert (
        "第 7 号稿件" in finding.message and "湖滨社区" in finding.message and "完全相同" in finding.message
    )


def test_same_news_from_another_unit_is_a_duplicate_naming_that_unit(rulebook) -> None:
    result = check_duplicates(
        draft(REVISED), "塔下社区", "instant", rulebook, RECEIVED, [prior(3, "湖滨社区", NEWS)]
    )
    assert result.duplicate_of == 3 and result.revision_of is None
    [finding] = result.findings
    assert finding.severity == "error" and "湖滨社区" in finding.message and "先报为准" in finding.message


def test_same_unit_resending_a_fixed_draft_is_a_revision(rulebook) -> None:
    result = check_duplicates(
        draft(REVISED), "湖滨社区", "instant", rulebook, RECEIVED, [prior(3, "湖滨社区", NEWS)]
    )
    assert (result.findings, result.duplicate_of, result.revision_of) == ((), None, 3)


def test_similar_news_older_than_the_window_is_not_a_duplicate(rulebook) -> None:
    result = check_duplicates(
        draft(REVISED),
        "塔下社区",
        "instant",
        rulebook,
        RECEIVED,
        [prior(3, "湖滨社区", NEWS, days_ago=rulebook.intake.near_duplicate_days + 1)],
    )
    assert result.findings == ()


def test_unrelated_news_is_not_a_duplicate(rulebook) -> None:
    result = check_duplicates(
        draft(OTHER),
        "塔下社区",
        "instant",
        rulebook,
        RECEIVED,
        [prior(3, "湖滨社区", NEWS), prior(4, "聚新社区", han_text(200, seed=9))],
    )
    assert (result.findings, result.duplicate_of, result.revision_of) == ((), None, None)


def test_no_priors_means_nothing_to_compare(rulebook) -> None:
    assert check_duplicates(draft(NEWS), "湖滨社区", "instant", rulebook, RECEIVED, []).findings == ()


def test_a_huge_body_is_segmented_only_up_to_the_rulebook_bound(rulebook, monkeypatch) -> None:
    import checks.duplicate as duplicate

    segmented: list[int] = []

    class CountingJieba:
        @staticmethod
        def lcut(text: str) -> list[str]:
            segmented.append(len(text))
            return list(text)

    monkeypatch.setattr(duplicate, "_jieba", lambda: CountingJieba)
    duplicate.word_set.cache_clear()
    huge = han_text(1_700_000, seed=7)
    result = check_duplicates(
        draft(huge), "湖滨社区", "instant", rulebook, RECEIVED, [prior(1, "塔下社区", huge)]
    )
    duplicate.word_set.cache_clear()
    bound = rulebook.intake.near_duplicate_max_chars
    assert segmented and max(segmented) <= bound < len(huge)
    assert result.duplicate_of == 1  # the bounded signatures still see the same story


def test_jieba_caches_its_dictionary_under_the_user_cache_folder_not_tmpdir(tmp_path) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "TMPDIR": str(tmp), "PYTHONPATH": str(root)}
    code = "from checks.duplicate import word_set; word_set('街道社区开展活动')"
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp_path, timeout=120)
    assert (cache / "draftdesk" / "jieba.cache").is_file()
    assert not list(tmp.iterdir())


def test_importing_the_checks_does_not_set_up_jieba() -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    code = "import sys, checks.judge, extractors.read; assert 'jieba' not in sys.modules"
    subprocess.run(
        [sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": str(root)}, timeout=60
    )


def test_the_body_words_taken_from_the_signature_are_jiebas_words_of_the_body() -> None:
    import json
    from pathlib import Path

    from checks.duplicate import body_words, jieba_lcut

    pairs = Path(__file__).resolve().parents[1] / "benchmarks/data/same_news.jsonl"
    drafts = [json.loads(line) for line in pairs.read_text().splitlines()[::12]]
    signatures = [f"{d['title_a']}\n{d['text_a']}" for d in drafts] + [
        "湖滨社区开展活动。\n  3月12日，居民参加。",  # punctuation and spaces either side
        "A栋 5G\n\n第二段\r\n第三段",  # Latin and digits at the newline, an empty line, CRLF
        "标题以回车结尾\r\n正文",  # "\r\n" is one word: the body is cut on its own
        "只有标题",
        "\n只有正文",
        "标题\n",
    ]
    for signature in signatures:
        body = signature.partition("\n")[2]
        assert body_words(signature) == tuple(jieba_lcut(body)), signature


def test_a_draft_segmented_ahead_is_judged_from_the_cache_and_a_fault_there_is_left_to_the_judge(
    rulebook, monkeypatch
) -> None:
    from checks import duplicate

    draft = draft_value(300, title="湖滨社区开展先行切词测试活动", body=[han_text(320, seed=2929)])
    signature = duplicate._features(draft.title, draft.text, rulebook).signature
    duplicate.word_set.cache_clear()
    duplicate.segment_ahead(draft, rulebook)
    before = duplicate.word_set.cache_info()
    assert before.currsize == 1
    words = word_set(signature)
    assert duplicate.word_set.cache_info().hits == before.hits + 1 and words
    duplicate.word_set.cache_clear()
    duplicate.segment_ahead(dataclasses.replace(draft, readable=False), rulebook)
    assert duplicate.word_set.cache_info().currsize == 0  # an unreadable draft is not segmented

    def broken(text: str) -> frozenset[str]:
        raise RuntimeError("jieba failed")

    monkeypatch.setattr(duplicate, "word_set", broken)
    duplicate.segment_ahead(draft, rulebook)  # no exception: the judge meets it itself
