"""Was the draft in time? Late drafts are kept (accepted) but do not count for the period.

Three rules from the seed, each chosen by what the type's rulebook entry sets, not by its key:
- `event_deadline_hours` (即时通讯信息): within N hours after the event, whose date and part of
  day come from the lead paragraph;
- `publish_lead_workdays` (微信原创稿件): N *working* days before the planned publish date, by
  China's statutory holidays and make-up workdays (chinesecalendar), corrected by the rulebook;
- `due` (专题调研报告): by a fixed MM-DD of the year.
A year the holiday calendar does not know is never guessed silently: the rulebook's
holidays/workdays for that year are used when listed, else weekdays with a clear warning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from checks.labels import PENDING_MARK, date_text, deadline_text, registered_not_counted
from extractors.model import ERROR, WARNING, DateMention, Draft, Finding
from rules.model import ContentType, Rulebook

# When a part of day written in the lead ends, in hours after midnight. These are what the words
# mean (SPEC §4), not assessment policy; the allowance after the event is the rulebook's.
PART_OF_DAY_END_HOURS: dict[str, int] = {"上午": 12, "下午": 18, "晚上": 24}
_END_OF_DAY_HOURS = 24
# Said of a draft whose timeliness could not be checked, only when it is accepted (a 退回
# note says the draft is not counted; it must not also say it is counted for now).
COUNTED_FOR_NOW = f"本稿暂计入完成数，{PENDING_MARK}。"


@dataclass(frozen=True)
class Timeliness:
    findings: tuple[Finding, ...] = ()
    late: bool = False
    event_date: dt.date | None = None
    deadline: dt.datetime | None = None
    publish_date: dt.date | None = None
    # The sentence the last finding ends with if the draft is accepted: whether it counts
    # depends on the verdict, which only the whole judgement knows (`checks.judge`).
    if_accepted: str = ""


def _local(moment: dt.datetime, rulebook: Rulebook) -> dt.datetime:
    tz = rulebook.meta.tz
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def _end_of(day: dt.date, hours: int, rulebook: Rulebook) -> dt.datetime:
    start = dt.datetime.combine(day, dt.time(), tzinfo=rulebook.meta.tz)
    return start + dt.timedelta(hours=hours)


def received_text(moment: dt.datetime) -> str:
    """A received (or any actual) time: `2021年3月14日 00:00` — midnight is the new day's 00:00."""
    return f"{date_text(moment.date())} {moment:%H:%M}"


def time_text(moment: dt.datetime) -> str:
    """A deadline (`labels.deadline_text`: midnight is the previous day's 24:00), the moment
    taken in its own zone. For received times use `received_text`."""
    return deadline_text(moment, moment.tzinfo or dt.UTC)


def event_day(mention: DateMention, received: dt.datetime, rulebook: Rulebook) -> dt.date:
    """The calendar day a lead's date means, seen from the received time.

    `2021年3月12日` is itself; `3月12日` is in the year of receipt, or the year before when that
    would be after receipt; `12日` is in the month of receipt, or the month before likewise.
    Raises ValueError for a day that does not exist (2月30日).
    """
    today = _local(received, rulebook).date()
    if mention.year is not None:
        return dt.date(mention.year, mention.month or today.month, mention.day)
    if mention.month is not None:
        day = dt.date(today.year, mention.month, mention.day)
        return day if day <= today else dt.date(today.year - 1, mention.month, mention.day)
    day = dt.date(today.year, today.month, mention.day)
    if day <= today:
        return day
    previous = today.replace(day=1) - dt.timedelta(days=1)
    return dt.date(previous.year, previous.month, mention.day)


def resolve_event_end(mention: DateMention, received: dt.datetime, rulebook: Rulebook) -> dt.datetime:
    """When the event ended: 上午 at 12:00, 下午 at 18:00, 晚上 and no part of day at 24:00."""
    hours = PART_OF_DAY_END_HOURS.get(mention.part_of_day or "", _END_OF_DAY_HOURS)
    return _end_of(event_day(mention, received, rulebook), hours, rulebook)


def is_workday(day: dt.date, rulebook: Rulebook) -> tuple[bool, bool]:
    """(is a working day, the calendar knows the year). The rulebook's lists win over
    chinesecalendar; a year neither knows falls back to Monday–Friday, flagged as unknown."""
    calendar = rulebook.calendar
    if day in calendar.holidays:
        return False, True
    if day in calendar.workdays:
        return True, True
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:
        listed = any(d.year == day.year for d in (*calendar.holidays, *calendar.workdays))
        return day.weekday() < 5, listed


def workdays_before(publish: dt.date, count: int, rulebook: Rulebook) -> tuple[dt.date, tuple[int, ...]]:
    """The day `count` working days before `publish`, and the years the calendar had to guess."""
    day, found, guessed = publish, 0, set()
    limit = publish - dt.timedelta(days=31 * max(count, 1) + 31)
    while found < count and day > limit:
        day -= dt.timedelta(days=1)
        work, known = is_workday(day, rulebook)
        if not known:
            guessed.add(day.year)
        found += work
    return day, tuple(sorted(guessed))


def check_timeliness(
    draft: Draft, ctype: ContentType, rulebook: Rulebook, received: dt.datetime
) -> Timeliness:
    """The timeliness rule the type's rulebook entry sets (none for types without one)."""
    if ctype.event_deadline_hours is not None:
        return _event_rule(draft, ctype, rulebook, received)
    if ctype.publish_lead_workdays is not None:
        return _publish_rule(draft, ctype, rulebook, received)
    if ctype.due is not None:
        return _due_rule(ctype, rulebook, received)
    return Timeliness()


def _not_counted(ctype: ContentType) -> str:
    return registered_not_counted(ctype.period)


def _event_rule(draft: Draft, ctype: ContentType, rulebook: Rulebook, received: dt.datetime) -> Timeliness:
    hours = ctype.event_deadline_hours or 0
    mention = draft.event_date
    if mention is None:
        return Timeliness(
            findings=(
                Finding(
                    "timeliness",
                    WARNING,
                    (
                        f"导语中未写明活动日期，无法核对时效（{ctype.name}要求活动结束后 {hours} 小时内报送）。"
                        "今后请在导语写明活动日期，如“3月12日上午，……”。"
                    ),
                ),
            ),
            if_accepted=COUNTED_FOR_NOW,
        )
    try:
        end = resolve_event_end(mention, received, rulebook)
    except (ValueError, OverflowError):
        return Timeliness(
            findings=(
                Finding(
                    "timeliness",
                    WARNING,
                    (
                        f"导语中的日期“{mention.text}”不是有效日期，无法核对时效（{ctype.name}要求活动结束后 {hours} 小时内报送）。"
                    ),
                ),
            ),
            if_accepted=COUNTED_FOR_NOW,
        )
    try:
        deadline = end + dt.timedelta(hours=hours)
    except OverflowError:
        return Timeliness()
    local = _local(received, rulebook)
    day = end.date() if end.time() != dt.time() else end.date() - dt.timedelta(days=1)
    if local <= deadline:
        return Timeliness(event_date=day, deadline=deadline)
    message = (
        f"活动时间为{date_text(day)}{mention.part_of_day or ''}（导语写“{mention.text}”），"
        f"{ctype.name}要求活动结束后 {hours} 小时内报送，即 {time_text(deadline)} 前；"
        f"实际收稿 {received_text(local)}，已超时。"
    )
    return Timeliness(
        findings=(Finding("timeliness", WARNING, message),),
        late=True,
        event_date=day,
        deadline=deadline,
        if_accepted=_not_counted(ctype),
    )


def _publish_rule(draft: Draft, ctype: ContentType, rulebook: Rulebook, received: dt.datetime) -> Timeliness:
    lead = ctype.publish_lead_workdays or 0
    publish = draft.publish_date
    if publish is None:
        return Timeliness(findings=(_no_publish_date(draft, ctype, rulebook, received),))
    try:
        due, guessed = workdays_before(publish, lead, rulebook)
        deadline = _end_of(due, _END_OF_DAY_HOURS, rulebook)
    except OverflowError:
        return Timeliness(
            findings=(
                Finding(
                    "timeliness",
                    ERROR,
                    (
                        f"拟发布日期{date_text(publish)}不是有效的日期，要求写明拟发布日期并提前 {lead} 个工作日报送。"
                        "请改正后重新报送。"
                    ),
                ),
            ),
            publish_date=publish,
        )
    findings = [
        Finding(
            "timeliness",
            WARNING,
            (
                f"节假日日历中没有 {year} 年的法定节假日和调休安排，本次按周一至周五为工作日推算报送截止日为"
                f"{date_text(due)}，可能不准确，请办公室核对，并在规则文件中补上该年的放假和调休日期。"
            ),
        )
        for year in guessed
    ]
    local = _local(received, rulebook)
    late = local > deadline
    if late:
        findings.append(
            Finding(
                "timeliness",
                WARNING,
                (
                    f"拟发布日期为{date_text(publish)}，{ctype.name}要求提前 {lead} 个工作日报送（节假日不算工作日），"
                    f"即 {time_text(deadline)} 前；实际收稿 {received_text(local)}，已逾期。"
                ),
            )
        )
    return Timeliness(
        findings=tuple(findings),
        late=late,
        deadline=deadline,
        publish_date=publish,
        if_accepted=_not_counted(ctype) if late else "",
    )


def _no_publish_date(draft: Draft, ctype: ContentType, rulebook: Rulebook, received: dt.datetime) -> Finding:
    """The error for a type that needs a publish date when the draft gives none it can read."""
    lead = ctype.publish_lead_workdays or 0
    written = (draft.metadata.get("publish_date") or "").strip()
    said = f"稿件中的拟发布日期“{written}”无法识别" if written else f"{ctype.name}未写明拟发布日期"
    example = date_text(_local(received, rulebook).date() + dt.timedelta(days=7))
    return Finding(
        "timeliness",
        ERROR,
        (
            f"{said}，要求写明拟发布日期并提前 {lead} 个工作日报送。请在文末加一行"
            f"“拟发布日期：{example}”（按实际日期填写）后重新报送。"
        ),
    )


def _due_rule(ctype: ContentType, rulebook: Rulebook, received: dt.datetime) -> Timeliness:
    local = _local(received, rulebook)
    month, day = (int(part) for part in (ctype.due or "").split("-"))
    deadline = _end_of(dt.date(local.year, month, day), _END_OF_DAY_HOURS, rulebook)
    if local <= deadline:
        return Timeliness(deadline=deadline)
    return Timeliness(
        findings=(
            Finding(
                "timeliness",
                WARNING,
                (
                    f"{ctype.name}要求在 {time_text(deadline)} 前报送，实际收稿 {received_text(local)}，已逾期。"
                ),
            ),
        ),
        late=True,
        deadline=deadline,
        if_accepted=_not_counted(ctype),
    )
