"""One reader of ISO times (`rules.times`) for the ledger, scoring, `--received` and the clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from rules.times import parse_day, parse_instant

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_time_with_no_offset_is_office_time() -> None:
    assert parse_instant(" 2021-03-12T10:30 ", SHANGHAI) == dt.datetime(2021, 3, 12, 10, 30, tzinfo=SHANGHAI)


def test_a_stored_time_in_another_zone_falls_on_the_office_day() -> None:
    late_utc = parse_instant("2021-03-31T17:00:00+00:00", SHANGHAI)
    assert (late_utc.date(), late_utc.hour, late_utc.utcoffset()) == (
        dt.date(2021, 4, 1),
        1,
        dt.timedelta(hours=8),
    )


def test_a_date_alone_is_office_midnight_and_a_day_drops_its_time() -> None:
    assert parse_instant("2021-03-12", SHANGHAI) == dt.datetime(2021, 3, 12, tzinfo=SHANGHAI)
    assert parse_day("2021-03-12T23:59:00+08:00") == dt.date(2021, 3, 12)


def test_text_that_is_not_iso_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_instant("昨天", SHANGHAI)
