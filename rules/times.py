"""The one reader of ISO times: what the ledger stores, `--received`, `$DRAFTDESK_NOW`.

Why here, at the bottom: the ledger reads received times back, scoring turns them into
dates, the service reads what the office typed — three rooms had three parsers, one of which
kept a stored offset while the others turned every time into office time, so the same stored
value could fall on different days. `rules` is the room all of them may import.
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
