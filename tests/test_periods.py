from __future__ import annotations

import datetime as dt

import pytest

from rules.periods import Period, due_date, parse_period, periods_closing_in, type_period_key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2021-03", "2021-03"),
        ("2021-3", "2021-03"),
        ("2021年3月", "2021-03"),
        ("2021Q1", "2021Q1"),
        ("2021q4", "2021Q4"),
        ("2021-Q2", "2021Q2"),
        ("2021", "2021"),
        (2021, "2021"),
    ],
    ids=["month", "short-month", "chinese-month", "quarter", "lower-q", "dash-q", "year", "int-year"],
)
def test_office_spellings_parse_to_one_key(text: str | int, key: str) -> None:
    assert parse_period(text).key == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2021年第1季度", "2021Q1"),
        ("2021年第四季度", "2021Q4"),
        ("2021年2季度", "2021Q2"),
        ("2021年一季度", "2021Q1"),
        ("2021年度", "2021"),
        ("2021年", "2021"),
        ("2021年3月", "2021-03"),
        (" 2021 年 第 3 季度 ", "2021Q3"),
    ],
)
def test_the_headings_the_pages_write_parse_back(text: str, key: str) -> None:
    """The 考核 page and the workbook title a period 2021年第1季度 / 2021年度: the period box takes them."""
    assert parse_period(text).key == key


def test_every_periods_label_parses_to_itself() -> None:
    periods = [Period(2021, "year"), *(Period(2021, "quarter", q) for q in range(1, 5))]
    periods += [Period(2021, "month", m) for m in range(1, 13)]
    assert all(parse_period(p.label) == p for p in periods)


@pytest.mark.parametrize("text", ["2021年第5季度", "2021年第0季度", "2021年13月"])
def test_a_heading_out_of_range_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="期间"):
        parse_period(text)


@pytest.mark.parametrize("text", ["2021-13", "2021Q5", "March", "21-03", ""])
def test_bad_period_is_refused_with_a_chinese_message(text: str) -> None:
    with pytest.raises(ValueError, match="期间"):
        parse_period(text)


def test_a_quarter_has_its_three_months_and_exact_bounds() -> None:
    q1 = parse_period("2021Q1")
    assert [m.key for m in q1.months()] == ["2021-01", "2021-02", "2021-03"]
    assert (q1.start, q1.end) == (dt.date(2021, 1, 1), dt.date(2021, 3, 31))
    assert parse_period("2021-02").end == dt.date(2021, 2, 28)
    assert parse_period("2021Q4").end == dt.date(2021, 12, 31)


def test_type_period_key_follows_the_type_period() -> None:
    day = dt.date(2021, 5, 20)
    assert type_period_key("month", day) == "2021-05"
    assert type_period_key("quarter", day) == "2021Q2"
    assert type_period_key("year", day) == "2021"


def test_quarterly_quota_is_judged_by_the_month_that_closes_the_quarter() -> None:
    assert periods_closing_in(parse_period("2021-02"), "quarter") == []
    assert [p.key for p in periods_closing_in(parse_period("2021-03"), "quarter")] == ["2021Q1"]
    assert [p.key for p in periods_closing_in(parse_period("2021"), "quarter")] == [
        "2021Q1",
        "2021Q2",
        "2021Q3",
        "2021Q4",
    ]
    assert [p.key for p in periods_closing_in(parse_period("2021Q2"), "month")] == [
        "2021-04",
        "2021-05",
        "2021-06",
    ]
    assert periods_closing_in(parse_period("2021Q3"), "year") == []
    assert [p.key for p in periods_closing_in(parse_period("2021"), "year")] == ["2021"]


def test_research_due_date_comes_from_the_rulebook_spelling() -> None:
    assert due_date(2021, "09-30") == dt.date(2021, 9, 30)


def test_periods_have_chinese_labels() -> None:
    assert Period(2021, "quarter", 1).label == "2021年第1季度"
    assert parse_period("2021-03").label == "2021年3月"
    assert parse_period("2021").label == "2021年度"
