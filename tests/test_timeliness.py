"""Timeliness: 24 h after the event (instant), two working days before publishing (wechat, with
China's statutory holidays), by 30 September (research). Late never rejects."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from checks.timeliness import check_timeliness, resolve_event_end, workdays_before
from extractors.model import DateMention
from rules.model import Calendar
from tests.factory import draft_value

TZ = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@pytest.mark.parametrize(
    ("mention", "received", "end"),
    [
        pytest.param(
            DateMention("3月12日", 12, 3),
            (2021, 3, 12, 20),
            (2021, 3, 13, 0),
            id="no-part-of-day-ends-at-midnight",
        ),
        pytest.param(
            DateMention("3月12日上午", 12, 3, None, "上午"),
            (2021, 3, 12, 20),
            (2021, 3, 12, 12),
            id="morning-ends-at-noon",
        ),
        pytest.param(
            DateMention("3月12日下午", 12, 3, None, "下午"),
            (2021, 3, 12, 20),
            (2021, 3, 12, 18),
            id="afternoon-ends-at-18",
        ),
        pytest.param(
            DateMention("3月12日晚上", 12, 3, None, "晚上"),
            (2021, 3, 12, 20),
            (2021, 3, 13, 0),
            id="evening-ends-at-24",
        ),
        pytest.param(
            DateMention("2021年3月12日", 12, 3, 2021), (2021, 3, 14, 9), (2021, 3, 13, 0), id="full-date"
        ),
        pytest.param(
            DateMention("12日", 12), (2021, 3, 14, 9), (2021, 3, 13, 0), id="day-only-in-month-of-receipt"
        ),
        pytest.param(
            DateMention("30日", 30),
            (2021, 4, 2, 9),
            (2021, 3, 31, 0),
            id="day-only-after-receipt-is-last-month",
        ),
        pytest.param(
            DateMention("12月30日", 30, 12),
            (2021, 1, 2, 9),
            (2020, 12, 31, 0),
            id="date-after-receipt-is-last-year",
        ),
    ],
)
def test_resolve_event_end(rulebook, mention, received, end) -> None:
    assert resolve_event_end(mention, at(*received), rulebook) == at(*end)


@pytest.mark.parametrize(
    ("received", "late"),
    [
        pytest.param((2021, 3, 13, 12, 0), False, id="exactly-24h-after-the-morning"),
        pytest.param((2021, 3, 13, 12, 1), True, id="one-minute-late"),
    ],
)
def test_instant_deadline_is_24_hours_after_the_event_ends(rulebook, received, late) -> None:
    draft = draft_value(300, event_date=DateMention("3月12日上午", 12, 3, None, "上午"))
    result = check_timeliness(draft, rulebook.types["instant"], rulebook, at(*received))
    assert result.late is late
    assert result.deadline == at(2021, 3, 13, 12, 0)
    assert result.event_date == dt.date(2021, 3, 12)
    if late:
        [finding] = result.findings
        assert (finding.rule, finding.severity) == ("timeliness", "warning")
        assert "2021年3月13日 12:00 前" in finding.message
        assert result.if_accepted == "稿件予以登记，但不计入当月完成数。"
    else:
        assert result.findings == ()


def test_instant_without_a_date_is_a_warning_and_still_counts(rulebook) -> None:
    result = check_timeliness(draft_value(300), rulebook.types["instant"], rulebook, at(2021, 3, 13, 9))
    assert result.late is False
    [finding] = result.findings
    assert finding.severity == "warning" and "未写明活动日期，无法核对时效" in finding.message


def test_impossible_date_is_a_warning_not_a_crash(rulebook) -> None:
    draft = draft_value(300, event_date=DateMention("2月30日", 30, 2))
    result = check_timeliness(draft, rulebook.types["instant"], rulebook, at(2021, 3, 13, 9))
    assert result.late is False and "2月30日" in result.findings[0].message


@pytest.mark.parametrize(
    ("publish", "due"),
    [
        pytest.param((2021, 3, 22), (2021, 3, 18), id="monday-needs-thursday"),
        pytest.param((2021, 3, 18), (2021, 3, 16), id="thursday-needs-tuesday"),
        pytest.param((2021, 10, 8), (2021, 9, 29), id="after-national-day-holiday"),
        pytest.param((2021, 9, 28), (2021, 9, 26), id="make-up-sunday-is-a-workday"),
    ],
)
def test_wechat_due_day_counts_working_days(rulebook, publish, due) -> None:
    assert workdays_before(dt.date(*publish), 2, rulebook) == (dt.date(*due), ())


@pytest.mark.parametrize(
    ("received", "late"),
    [
        pytest.param((2021, 9, 29, 23, 59), False, id="end-of-sep-29-in-time"),
        pytest.param((2021, 9, 30, 8, 30), True, id="sep-30-late"),
    ],
)
def test_wechat_published_after_national_day_is_due_on_sep_29(rulebook, received, late) -> None:
    draft = draft_value(600, publish_date=dt.date(2021, 10, 8))
    result = check_timeliness(draft, rulebook.types["wechat"], rulebook, at(*received))
    assert result.late is late
    assert result.deadline == at(2021, 9, 30, 0, 0)
    assert result.publish_date == dt.date(2021, 10, 8)
    if late:
        [finding] = result.findings
        assert finding.severity == "warning" and "2021年9月29日 24:00 前" in finding.message
        assert result.if_accepted == "稿件予以登记，但不计入本季度完成数。"
        assert "不计入" not in finding.message  # said only of an accepted draft (checks.judge)
    else:
        assert result.findings == ()


def test_wechat_without_publish_date_is_an_error(rulebook) -> None:
    result = check_timeliness(draft_value(600), rulebook.types["wechat"], rulebook, at(2021, 3, 1, 9))
    [finding] = result.findings
    assert (finding.rule, finding.severity) == ("timeliness", "error")
    assert "未写明拟发布日期" in finding.message and "提前 2 个工作日" in finding.message


def test_wechat_with_an_unreadable_publish_date_quotes_it(rulebook) -> None:
    draft = draft_value(600, metadata={"publish_date": "下周三"})
    [finding] = check_timeliness(draft, rulebook.types["wechat"], rulebook, at(2021, 3, 1, 9)).findings
    assert finding.severity == "error" and "“下周三”无法识别" in finding.message


def test_year_missing_from_the_calendar_uses_weekdays_with_a_clear_warning(rulebook) -> None:
    draft = draft_value(600, publish_date=dt.date(2027, 1, 6))
    result = check_timeliness(draft, rulebook.types["wechat"], rulebook, at(2027, 1, 4, 9))
    assert result.deadline == at(2027, 1, 5, 0, 0)  # Wed 6th → Mon 4th by weekdays
    assert result.late is False
    [warning] = result.findings
    assert (
        warning.severity == "warning"
        and "2027 年" in warning.message
        and "补上该年的放假和调休日期" in warning.message
    )


def test_year_missing_from_the_calendar_uses_rulebook_holidays_when_listed(rulebook) -> None:
    listed = dataclasses.replace(
        rulebook,
        calendar=Calendar(
            holidays=frozenset({dt.date(2027, 1, 1), dt.date(2027, 1, 4)}),
            workdays=frozenset({dt.date(2027, 1, 2)}),
        ),
    )
    due, guessed = workdays_before(dt.date(2027, 1, 6), 2, listed)
    assert (due, guessed) == (dt.date(2027, 1, 2), ())  # Tue 5th, Sat 2nd (make-up); Mon 4th off
    draft = draft_value(600, publish_date=dt.date(2027, 1, 6))
    result = check_timeliness(draft, listed.types["wechat"], listed, at(2027, 1, 3, 9))
    assert result.late is True and result.deadline == at(2027, 1, 3, 0, 0)
    assert all("节假日日历中没有" not in f.message for f in result.findings)


def test_rulebook_calendar_corrects_chinesecalendar(rulebook) -> None:
    extra = dataclasses.replace(
        rulebook, calendar=Calendar(holidays=frozenset({dt.date(2021, 3, 18)}), workdays=frozenset())
    )
    assert workdays_before(dt.date(2021, 3, 22), 2, extra) == (dt.date(2021, 3, 17), ())


@pytest.mark.parametrize(
    ("received", "late"),
    [
        pytest.param((2021, 9, 30, 23, 0), False, id="on-sep-30"),
        pytest.param((2021, 10, 1, 8, 0), True, id="oct-1-late"),
    ],
)
def test_research_report_is_due_by_sep_30(rulebook, received, late) -> None:
    result = check_timeliness(draft_value(6000), rulebook.types["research"], rulebook, at(*received))
    assert result.late is late
    if late:
        [finding] = result.findings
        assert "已逾期" in finding.message
        assert result.if_accepted == "稿件予以登记，但不计入本年度完成数。"
    else:
        assert result.findings == ()


def test_types_without_a_timeliness_rule_have_none(rulebook) -> None:
    result = check_timeliness(draft_value(700), rulebook.types["gov_info"], rulebook, at(2021, 3, 1))
    assert (result.late, result.findings) == (False, ())


def test_midnight_is_24_00_for_a_deadline_but_00_00_for_a_received_time() -> None:
    from checks.timeliness import received_text, time_text

    midnight = dt.datetime(2021, 3, 14, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert time_text(midnight) == "2021年3月13日 24:00"
    assert received_text(midnight) == "2021年3月14日 00:00"
    assert received_text(midnight.replace(hour=9, minute=5)) == "2021年3月14日 09:05"
