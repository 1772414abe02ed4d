"""The event date and part of day as written in the lead (SPEC §4)."""

from __future__ import annotations

import pytest

from extractors.dates import cn_number, find_event_date
from extractors.model import DateMention


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ("3月12日上午，湖滨社区开展活动。", DateMention("3月12日上午", 12, 3, None, "上午")),
        ("2021年3月12日下午，社区召开会议。", DateMention("2021年3月12日下午", 12, 3, 2021, "下午")),
        ("12日晚上，志愿者巡逻。", DateMention("12日晚上", 12, None, None, "晚上")),
        ("3月12日，社区开展活动。", DateMention("3月12日", 12, 3, None, None)),
        ("三月十二日上午，社区开展活动。", DateMention("三月十二日上午", 12, 3, None, "上午")),
        ("3月12日（星期五）下午，社区开展活动。", DateMention("3月12日（星期五）下午", 12, 3, None, "下午")),
        (
            "２０２１年３月１２日上午，活动举行。",
            DateMention("２０２１年３月１２日上午", 12, 3, 2021, "上午"),
        ),
        ("3月12日晚，社区举办晚会。", DateMention("3月12日晚", 12, 3, None, "晚上")),
        ("为推进垃圾分类，3月5日早上社区开展宣传。", DateMention("3月5日早上", 5, 3, None, "上午")),
    ],
    ids=[
        "month-day-am",
        "full-pm",
        "day-only-evening",
        "no-part",
        "chinese-numerals",
        "weekday",
        "full-width",
        "wan",
        "later-in-lead",
    ],
)
def test_event_date_in_the_lead(lead: str, expected: DateMention) -> None:
    assert find_event_date(lead) == expected


@pytest.mark.parametrize(
    "lead",
    ["近日，湖滨社区开展活动。", "", "社区开展第32日巡逻。", "2021年12日"],
    ids=["jinri", "empty", "day-out-of-range", "year-without-month"],
)
def test_no_date_in_the_lead(lead: str) -> None:
    assert find_event_date(lead) is None


def test_chinese_numbers() -> None:
    assert [cn_number(t) for t in ("十", "十二", "二十一", "廿一", "三十", "二〇二一", "12", "百")] == [
        10,
        12,
        21,
        21,
        30,
        2021,
        12,
        None,
    ]


@pytest.mark.parametrize(
    "lead",
    ["近日，湖滨社区3号楼居民开展活动。", "社区将在5日内完成整改。", "3日后召开会议。"],
    ids=["building-number", "within-days", "days-later"],
)
def test_bare_day_numbers_that_are_counts_or_names_are_not_dates(lead: str) -> None:
    assert find_event_date(lead) is None


def test_bare_day_with_hao_and_a_comma_is_a_date() -> None:
    assert find_event_date("12号，社区开展活动。") == DateMention("12号", 12, None, None, None)
