"""One wording per fact: a note or notice never says a thing two ways, or two contrary things."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

import pytest

from checks.identity import identify
from checks.judge import judge
from checks.labels import deadline_text
from checks.notes import render_note, render_notice
from extractors.model import DateMention
from rules import Rulebook, load_rulebook
from tests.factory import draft_value, photo_value

TZ = ZoneInfo("Asia/Shanghai")
INSTANT = "湖滨社区/即时通讯信息/稿件.docx"
WECHAT = "湖滨社区/微信原创稿件/稿件.docx"


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return load_rulebook()


def texts(draft, relpath: str, received: dt.datetime, rulebook: Rulebook) -> tuple[str, str, bool]:
    """(note, notice, accepted) for `draft` as the intake would write them."""
    judgement = judge(draft, identify(PurePosixPath(relpath), draft, rulebook), rulebook, received)
    note = render_note(draft, judgement, rulebook, received, relpath)
    notice = render_notice(draft, judgement, rulebook, received, relpath)
    return note, notice, judgement.verdict == "accepted"


def photos(n: int = 2) -> list[object]:
    return [photo_value(seed=i) for i in range(1, n + 1)]


def test_a_rejected_draft_without_an_event_date_is_never_said_to_count_for_now(rulebook: Rulebook) -> None:
    received = dt.datetime(2021, 3, 13, 13, 5, tzinfo=TZ)
    note, _, accepted = texts(draft_value(150, photos=photos()), INSTANT, received, rulebook)
    assert not accepted
    assert "处理结果：退回。本稿不计入考核" in note
    assert "导语中未写明活动日期，无法核对时效" in note
    assert "暂计入" not in note


def test_an_accepted_draft_without_an_event_date_counts_for_now_until_the_office_decides(
    rulebook: Rulebook,
) -> None:
    received = dt.datetime(2021, 3, 13, 13, 5, tzinfo=TZ)
    note, _, accepted = texts(draft_value(300, photos=photos()), INSTANT, received, rulebook)
    assert accepted
    assert "处理结果：合格，已登记，计入考核。" in note
    assert note.count("本稿暂计入完成数，由办公室核定。") == 1


def test_a_late_rejected_draft_is_not_said_to_be_registered(rulebook: Rulebook) -> None:
    received = dt.datetime(2021, 3, 14, 9, 0, tzinfo=TZ)
    late = DateMention("3月11日", 11, 3)
    note, _, accepted = texts(draft_value(150, photos=photos(), event_date=late), INSTANT, received, rulebook)
    assert not accepted
    assert "已超时" in note and "予以登记" not in note and "不计入当月" not in note


def test_a_late_wechat_notice_says_not_counted_once_and_for_the_quarter(rulebook: Rulebook) -> None:
    received = dt.datetime(2021, 9, 30, 8, 30, tzinfo=TZ)
    draft = draft_value(600, photos=photos(5), publish_date=dt.date(2021, 10, 8))
    note, notice, accepted = texts(draft, WECHAT, received, rulebook)
    assert accepted
    assert "当月" not in notice and "当月" not in note
    assert notice.count("不计入本季度完成数") == 1
    assert "已登记，但不计入本季度完成数：拟发布日期为2021年10月8日" in notice
    assert "处理结果：合格，已登记，但不计入本季度完成数。" in note


def test_a_midnight_deadline_is_the_previous_days_24_00_in_the_notice_and_its_finding(
    rulebook: Rulebook,
) -> None:
    received = dt.datetime(2021, 3, 14, 9, 0, tzinfo=TZ)
    evening = DateMention("3月12日", 12, 3)  # no part of day: ends at 24:00, +24 hours
    draft = draft_value(300, photos=photos(), event_date=evening)
    note, notice, accepted = texts(draft, INSTANT, received, rulebook)
    assert accepted
    assert "报送截止：2021年3月13日 24:00" in notice
    assert "即 2021年3月13日 24:00 前" in notice and "即 2021年3月13日 24:00 前" in note
    assert "3月14日 00:00" not in notice.replace("收稿时间：2021年3月14日 09:00", "")
    assert "00:00" not in notice


def test_one_function_words_every_deadline() -> None:
    midnight = dt.datetime(2021, 3, 13, 0, 0, tzinfo=TZ)
    assert deadline_text(midnight, TZ) == "2021年3月12日 24:00"
    assert deadline_text(midnight.astimezone(dt.UTC), TZ) == "2021年3月12日 24:00"
    assert deadline_text(dt.datetime(2021, 3, 13, 18, 0, tzinfo=TZ), TZ) == "2021年3月13日 18:00"


def test_a_kept_iso_time_is_worded_in_the_offices_zone_and_anything_else_given_back() -> None:
    from zoneinfo import ZoneInfo

    from checks.labels import kept_time_text

    tz = ZoneInfo("Asia/Shanghai")
    assert kept_time_text("2021-03-12T07:00:00+00:00", tz) == "2021年3月12日 15:00"
    assert kept_time_text("2021-03-12T15:00:00", tz) == "2021年3月12日 15:00"  # no offset: office time
    assert (kept_time_text("", tz), kept_time_text("不明", tz)) == ("", "不明")
