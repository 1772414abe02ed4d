"""The one reader of ISO times: what the ledger stores, `--received`, `$DRAFTDESK_NOW`.

Why here, at the bottom: the ledger reads received times back, scoring turns them into
dates, the service reads what the office typed — three rooms had three parsers, one of which
kept a stored offset while the others turned every time into office time, so the same stored
value could fall on different days. `rules` is the room all of them may import. So are the words people read for a day, a deadline
and a moment (`date_text`, `deadline_text`, `when_text`): scoring words a late draft's deadline
as the notes do (`checks.labels` gives them to the rooms above).
"""

from __future__ import annotations

import datetime as dt


def parse_instant(text: str, tz: dt.tzinfo) -> dt.datetime:
    """An ISO date or time as a time in the office's zone `tz`; a value with no offset is
    already office time. Raises ValueError when `text` is not ISO."""
    value = dt.datetime.fromisoformat(str(text).strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(tz)


def parse_day(text: str) -> dt.date:
    """The date of an ISO date or time as written (a time part, if any, is dropped)."""
    return dt.date.fromisoformat(str(text).strip()[:10])


def date_text(day: dt.date) -> str:
    """A day as people read it: 2021年3月12日 (never an ISO date)."""
    return f"{day.year}年{day.month}月{day.day}日"


def deadline_text(moment: dt.datetime, tz: dt.tzinfo) -> str:
    """A deadline as the office writes it: `2021年3月13日 18:00`, and midnight as the previous
    day's 24:00 (“截至12日24:00”), in every note, notice and finding. Received and other
    actual times use `when_text`, where midnight is the new day's 00:00."""
    local = moment.astimezone(tz) if moment.tzinfo else moment
    if local.hour == 0 and local.minute == 0:
        return f"{date_text(local.date() - dt.timedelta(days=1))} 24:00"
    return f"{date_text(local)} {local:%H:%M}"


def when_text(moment: dt.datetime, tz: dt.tzinfo) -> str:
    """A moment as people read it, in the office's time zone: 2021年3月12日 10:30 (a naive
    moment is taken as already office-local)."""
    local = moment.astimezone(tz) if moment.tzinfo else moment
    return f"{date_text(local)} {local:%H:%M}"
