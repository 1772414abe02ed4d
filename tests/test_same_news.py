"""The same news (issue 30): a copy, probably the same event, or different news; and a unit's
resend with the same title is a revision even when its body changed a lot (issue 25, case 8)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from checks.duplicate import COPY, DIFFERENT, SAME_EVENT, check_duplicates, compare_texts, plain_title
from checks.judge import judge
from checks.labels import PENDING_COUNT, PENDING_MARK
from checks.model import Identity, Prior
from checks.notes import render_notice
from extractors.dates import find_event_date
from rules.load import RulebookError, parse_rulebook
from tests.factory import draft_value, photo_value
from tests.same_news_support import (
    FIRE_A,
    FIRE_A_TITLE,
    FIRE_B,
    FIRE_B_TITLE,
    OTHER_VISIT,
    OTHER_VISIT_TITLE,
    VISIT,
    VISIT_BUREAU,
    VISIT_BUREAU_TITLE,
    VISIT_TITLE,
)

TZ = ZoneInfo("Asia/Shanghai")
RECEIVED = dt.datetime(2021, 3, 12, 15, 0, tzinfo=TZ)
DATA = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "same_news.jsonl"


def prior(id: int, unit: str, title: str, text: str, hours_ago: float = 2.0) -> Prior:
    received = RECEIVED - dt.timedelta(hours=hours_ago)
    return Prior(id, unit, received, f"{id:064x}", title, text, "instant")


def draft(title: str, text: str):
    """A draft as the reader gives it: its lead's date read, one photo."""
    return draft_value(
        len(text),
        title=title,
        body=[text],
        photos=[photo_value(seed=3)],
        sha256="e" * 64,
        event_date=find_event_date(text),
    )


# ---- compare_texts: one hand-picked pair of each level --------------------------------------------


def test_a_lightly_edited_copy_is_a_copy(rulebook) -> None:
    edited = VISIT.replace("860户", "880户").replace("详细询问", "仔细询问") + "居民们纷纷点赞。"
    result = compare_texts(VISIT_TITLE, VISIT, VISIT_TITLE, edited, rulebook)
    assert result.level == COPY and result.score >= rulebook.intake.near_duplicate_threshold


def test_one_visit_written_up_by_two_units_is_the_same_event_with_its_reasons(rulebook) -> None:
    result = compare_texts(VISIT_TITLE, VISIT, VISIT_BUREAU_TITLE, VISIT_BUREAU, rulebook)
    assert result.level == SAME_EVENT
    assert rulebook.same_news.same_event_threshold <= result.score <= 1
    assert result.reasons[0] == "事件日期相同：3月12日（另一篇写作 12日）"
    assert "相同的地点：湖滨社区、紫荆花园小区" in result.reasons
    assert "相同的人名：王建国" in result.reasons
    assert "相同的数字：12" in result.reasons
    assert result.reasons[-1].startswith("文字重合：较短一篇的 ")


def test_a_short_item_inside_a_full_article_is_the_same_event_not_a_copy(rulebook) -> None:
    short = "3月12日上午，区委副书记王建国到湖滨社区调研，察看了紫荆花园小区加装电梯现场。"
    result = compare_texts("王建国调研湖滨社区", short, VISIT_TITLE, VISIT, rulebook)
    assert result.level == SAME_EVENT


def test_two_fire_checks_of_one_month_are_different_events(rulebook) -> None:
    result = compare_texts(FIRE_A_TITLE, FIRE_A, FIRE_B_TITLE, FIRE_B, rulebook)
    assert (result.level, result.reasons) == (DIFFERENT, ("事件日期不同：3月3日、3月24日",))


def test_the_same_kind_of_visit_on_another_day_is_different(rulebook) -> None:
    assert compare_texts(VISIT_TITLE, VISIT, OTHER_VISIT_TITLE, OTHER_VISIT, rulebook).level == DIFFERENT


def test_the_same_day_and_topic_in_another_place_with_other_people_is_different(rulebook) -> None:
    moved = FIRE_B.replace("3月24日下午", "3月3日上午")  # same day and wording, other community
    assert compare_texts(FIRE_A_TITLE, FIRE_A, FIRE_B_TITLE, moved, rulebook).level == DIFFERENT


def test_the_thresholds_are_the_rulebooks(rulebook) -> None:
    strict = dataclasses.replace(
        rulebook, same_news=dataclasses.replace(rulebook.same_news, same_event_threshold=0.99)
    )
    assert compare_texts(VISIT_TITLE, VISIT, VISIT_BUREAU_TITLE, VISIT_BUREAU, strict).level == DIFFERENT


def test_the_labelled_set_meets_the_goals(rulebook) -> None:
    """The measured figures (bench_same_news prints them): copies precision 1.0, recall ≥ 0.95;
    same event precision ≥ 0.8, recall ≥ 0.7."""
    pairs = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    assert len(pairs) >= 300 and {p["label"] for p in pairs} == {COPY, SAME_EVENT, DIFFERENT}
    got = [
        (p["label"], compare_texts(p["title_a"], p["text_a"], p["title_b"], p["text_b"], rulebook).level)
        for p in pairs
    ]
    for level, precision, recall in ((COPY, 1.0, 0.95), (SAME_EVENT, 0.8, 0.7)):
        said = [label for label, judged in got if judged == level]
        true = sum(label == level for label, _ in got)
        assert sum(label == level for label in said) / len(said) >= precision, level
        assert sum(label == level for label in said) / true >= recall, level


# ---- judging a draft against the window -----------------------------------------------------------


def test_a_same_event_from_another_unit_is_a_warning_left_to_the_office(rulebook) -> None:
    result = check_duplicates(
        draft(VISIT_BUREAU_TITLE, VISIT_BUREAU),
        "建设局",
        "instant",
        rulebook,
        RECEIVED,
        [prior(4, "湖滨社区", VISIT_TITLE, VISIT), prior(5, "塔下社区", OTHER_VISIT_TITLE, OTHER_VISIT)],
    )
    assert (result.duplicate_of, result.revision_of, result.same_event_of) == (None, None, 4)
    [finding] = result.findings
    assert (finding.rule, finding.severity) == ("same_event", "warning")
    assert (
        f"湖滨社区已于 2021年3月12日 13:00 报送的第 4 号稿件“{VISIT_TITLE}”可能报道的是同一件事"
        in finding.message
    )
    assert "相同的人名：王建国" in finding.message and "事件日期相同" in finding.message
    assert finding.message.endswith(f"本稿予以登记，暂不计入，{PENDING_MARK}。")


def test_the_earliest_of_several_same_event_drafts_is_named(rulebook) -> None:
    priors = [
        prior(9, "湖滨社区", VISIT_TITLE, VISIT, hours_ago=1),
        prior(3, "聚新社区", VISIT_TITLE, VISIT + "。", 3),
    ]
    result = check_duplicates(
        draft(VISIT_BUREAU_TITLE, VISIT_BUREAU), "建设局", "instant", rulebook, RECEIVED, priors
    )
    assert result.same_event_of == 3


def test_the_judge_accepts_a_same_event_but_does_not_count_it(rulebook) -> None:
    j = judge(
        draft(VISIT_BUREAU_TITLE, VISIT_BUREAU),
        Identity("建设局", "instant"),
        rulebook,
        RECEIVED,
        [prior(4, "湖滨社区", VISIT_TITLE, VISIT)],
    )
    assert (j.verdict, j.counted, j.same_event_of, j.duplicate_of) == ("accepted", False, 4, None)
    assert [f.rule for f in j.findings if f.rule == "same_event"] == ["same_event"]
    notice = render_notice(draft(VISIT_BUREAU_TITLE, VISIT_BUREAU), j, rulebook, RECEIVED, None, 7)
    assert f"已登记，但{PENDING_COUNT}：本稿与湖滨社区" in notice


def test_a_draft_sent_back_is_not_left_to_the_office_as_a_same_event(rulebook) -> None:
    short = draft_value(
        80, title=VISIT_BUREAU_TITLE, body=[VISIT_BUREAU], photos=[photo_value(seed=3)], sha256="e" * 64
    )
    j = judge(
        short, Identity("建设局", "instant"), rulebook, RECEIVED, [prior(4, "湖滨社区", VISIT_TITLE, VISIT)]
    )
    assert (j.verdict, j.same_event_of) == ("rejected", None)
    assert not [f for f in j.findings if f.rule == "same_event"]


def test_a_same_event_of_the_same_unit_is_not_flagged(rulebook) -> None:
    result = check_duplicates(
        draft(VISIT_BUREAU_TITLE, VISIT_BUREAU),
        "湖滨社区",
        "instant",
        rulebook,
        RECEIVED,
        [prior(4, "湖滨社区", VISIT_TITLE, VISIT)],
    )
    assert (result.findings, result.same_event_of) == ((), None)


def test_a_resend_with_the_same_title_is_a_revision_even_when_the_body_changed_a_lot(rulebook) -> None:
    """Issue 25, case 8: 湖滨社区 resends "…（修改稿）" with a longer, rewritten body."""
    first = prior(6, "湖滨社区", "湖滨社区开展垃圾分类宣传活动", OTHER_VISIT)
    rewritten = draft("湖滨社区开展垃圾分类宣传活动（修改稿）", VISIT + VISIT_BUREAU)
    result = check_duplicates(rewritten, "湖滨社区", "instant", rulebook, RECEIVED, [first])
    assert (result.findings, result.revision_of, result.duplicate_of) == ((), 6, None)
    other_title = draft("塔下社区举办春季招聘会", VISIT + VISIT_BUREAU)
    assert (
        check_duplicates(other_title, "湖滨社区", "instant", rulebook, RECEIVED, [first]).revision_of is None
    )


def test_revision_words_are_taken_out_of_a_title() -> None:
    assert plain_title("湖滨社区开展垃圾分类宣传活动（修改稿）") == "湖滨社区开展垃圾分类宣传活动"
    assert plain_title("【修订版】 湖滨社区 垃圾分类") == "湖滨社区垃圾分类"
    assert plain_title("第二稿：调研") == "：调研"


# ---- the rulebook's [same_news] ---------------------------------------------------------------


def test_same_news_values_are_validated_naming_the_key(rulebook) -> None:
    import tomllib

    from rules.load import DEFAULT_RULEBOOK

    data = tomllib.loads(DEFAULT_RULEBOOK.read_text(encoding="utf-8"))
    data["same_news"].update(same_event_threshold=1.5, entities_for_full=0, colour="red")
    with pytest.raises(RulebookError) as err:
        parse_rulebook(data)
    text = str(err.value)
    assert "same_news.same_event_threshold：应在 0 到 1 之间" in text
    assert "same_news.entities_for_full：应不小于 1" in text
    assert "same_news.colour：未知的键" in text
    del data["same_news"]
    assert parse_rulebook(data).same_news == type(rulebook.same_news)()
