"""Adoptions (录用), withdrawals and 约稿 assignments: what the office enters by hand.

Adoptions come one at a time or as a sheet (`reports.adoption_sheet`). A batch is checked
whole first: any bad row refuses the batch with every problem named by its row (`BadRows`),
and nothing is written — the office fixes the sheet and imports it again (re-importing is
harmless). A wrong adoption is withdrawn, not deleted: the ledger keeps the row with when and
why, scoring stops counting it, and adopting it again adds a fresh row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from checks.labels import date_text, when_text
from ledger.assessment import (
    add_adoptions,
    adoptions_in,
    adoptions_of,
    assignment_count,
    edit_adoption,
    get_adoption,
    get_submission,
    read_assignments,
    received_times,
    rejected_ids,
    set_assignment,
    withdraw_adoption,
)
from ledger.events import Actor, Change
from ledger.records import AdoptionRecord, SubmissionRecord
from ledger.schema import open_ledger
from reports.adoption_sheet import AdoptionInput, read_sheet
from rules import Rulebook
from rules.levels import LEVEL_NAMES, WECHAT_LEVEL
from rules.periods import Period, month_of, parse_period
from rules.times import parse_instant
from scoring.fees import fee_rule
from service.errors import (
    ROW_NO_ID,
    ROW_NO_OUTLET,
    AlreadyWithdrawn,
    AmbiguousAdoption,
    BadInput,
    BadRequest,
    BadRow,
    DeskError,
    NoSuchAdoption,
    bad_date,
    bad_month,
    bad_number,
    bad_rows,
    negative_count,
    no_rows,
    nothing_to_withdraw,
    row_before_receipt,
    row_bonus_level,
    row_bonus_out_of_range,
    row_negative,
    row_rejected,
    row_unknown_id,
    row_unknown_outlet,
    unknown_unit,
    unreadable_sheet,
)
from service.events import UNKNOWN, record_in
from workspace import Workspace, now

__all__ = [
    "AdoptionInput",
    "Assigned",
    "Entered",
    "Withdrawn",
    "adopt",
    "adopt_sheet",
    "assign",
    "edit",
    "month_entries",
    "unadopt",
]


def known_outlets(rulebook: Rulebook) -> str:
    """The accepted outlet names, each with the other spellings the rulebook knows for it."""
    names = []
    for name in rulebook.outlets:
        aliases = rulebook.outlet_aliases.get(name, ())
        names.append(f"{name}（又作 {'、'.join(aliases)}）" if aliases else name)
    return "、".join(names) + "；括号全角半角、《》均可"


def _bonus_problem(outlet: str, level: str, rulebook: Rulebook) -> str | None:
    """Why a media-lead bonus cannot be given for this outlet (三.2: 区级以上媒体), else None."""
    allowed = rulebook.points.media_bonus_levels
    if not allowed or level in allowed:
        return None
    return row_bonus_level(
        outlet,
        LEVEL_NAMES.get(level, level),
        [LEVEL_NAMES.get(x, x) for x in allowed],
        rulebook.points.media_bonus_min,
        rulebook.points.media_bonus_max,
    )


def _number(value: Any, field: str, problems: list[str]) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip().rstrip("元分"))
    except ValueError:
        problems.append(str(bad_number(field, value)))
        return None
    if number < 0:
        problems.append(row_negative(field, value))
        return None
    return number


def _date(value: Any, today: dt.date, problems: list[str]) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return today
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        problems.append(str(bad_date(value)))
        return None


def _id(value: Any) -> int | None:
    """A submission id as typed: 12, 12.0 (Excel) or "12"; None when not a whole number."""
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() and number > 0 else None


@dataclass
class Checked:
    """What `validate` found: rows ready for the ledger, or every problem (each naming its
    row), and whether an outlet problem is among them (then the outlet list helps)."""

    rows: list[dict[str, Any]]
    errors: list[str]
    outlet_trouble: bool = False
    rejected: frozenset[int] = frozenset()  # drafts whose verdict in force is 退回: not adoptable


def _outlet_level_text(outlet: str, level: str) -> str:
    """`武进日报（区级）`; `学习强国(省级)` as it is — its name already says the level."""
    name = LEVEL_NAMES.get(level, level)
    return outlet if name in outlet else f"{outlet}（{name}）"


def _check_id(item: AdoptionInput, received: dict[int, str], problems: list[str]) -> int | None:
    raw_id = "" if item.submission_id is None else str(item.submission_id).strip()
    submission_id = _id(item.submission_id)
    if raw_id and submission_id is None:
        problems.append(str(bad_number("submission_id", raw_id)))
    if raw_id == "":
        problems.append(ROW_NO_ID)
    elif submission_id is not None and submission_id not in received:
        problems.append(row_unknown_id(submission_id))
    return submission_id


def _check_outlet(item: AdoptionInput, rulebook: Rulebook, problems: list[str]) -> tuple[str | None, bool]:
    """The rulebook's name for the typed outlet, and whether the outlet was the trouble."""
    typed = "" if item.outlet is None else str(item.outlet).strip()
    if not typed:
        problems.append(ROW_NO_OUTLET)
        return None, True
    outlet = rulebook.outlet_named(typed)
    if outlet is None:
        problems.append(row_unknown_outlet(typed))
        return None, True
    return outlet, False


def _check_after_receipt(
    adopted_on: dt.date | None,
    submission_id: int | None,
    received: dict[int, str],
    tz: ZoneInfo,
    problems: list[str],
) -> None:
    if adopted_on is None or submission_id not in received:
        return
    got = parse_instant(received[submission_id], tz)
    if adopted_on < got.date():
        problems.append(row_before_receipt(date_text(adopted_on), submission_id, when_text(got, tz)))


def _check_bonus(bonus: float | None, outlet: str | None, rulebook: Rulebook, problems: list[str]) -> None:
    low, high = rulebook.points.media_bonus_min, rulebook.points.media_bonus_max
    if bonus and not low <= bonus <= high:
        problems.append(row_bonus_out_of_range(bonus, low, high))
    elif bonus and outlet and rulebook.outlets[outlet]:
        why = _bonus_problem(outlet, rulebook.outlets[outlet], rulebook)
        if why:
            problems.append(why)


def _check_row(
    item: AdoptionInput, rulebook: Rulebook, received: dict[int, str], today: dt.date, checked: Checked
) -> None:
    """One row: its ledger row added to `checked`, or its problems (naming the row)."""
    problems: list[str] = []
    submission_id = _check_id(item, received, problems)
    if submission_id in checked.rejected:
        problems.append(row_rejected(submission_id))
    outlet, outlet_trouble = _check_outlet(item, rulebook, problems)
    checked.outlet_trouble = checked.outlet_trouble or outlet_trouble
    adopted_on = _date(item.date, today, problems)
    _check_after_receipt(adopted_on, submission_id, received, rulebook.meta.tz, problems)
    fee = _number(item.fee, "fee", problems)
    bonus = _number(item.bonus, "bonus", problems)
    _check_bonus(bonus, outlet, rulebook, problems)
    if problems:
        checked.errors.append(f"{item.where}：{'；'.join(problems)}")
        return
    checked.rows.append(
        {
            "submission_id": submission_id,
            "outlet": outlet,
            "level": rulebook.outlets[outlet] if outlet else None,
            "adopted_on": adopted_on.isoformat() if adopted_on else None,
            "fee": fee,
            "bonus": bonus,
            "source": item.where,
        }
    )


def validate(
    items: list[AdoptionInput], rulebook: Rulebook, db: sqlite_utils.Database, today: dt.date
) -> Checked:
    """Rows ready for the ledger, or every problem found (each naming its row)."""
    ids = [i for i in (_id(item.submission_id) for item in items) if i is not None]
    received = received_times(db, ids)
    checked = Checked([], [], rejected=frozenset(rejected_ids(db, ids)))
    for item in items:
        _check_row(item, rulebook, received, today, checked)
    return checked


def _describe(row: dict[str, Any], submission: SubmissionRecord, rulebook: Rulebook) -> str:
    ctype = rulebook.types.get(submission.get("content_type") or "")
    rule = fee_rule(
        submission.get("content_type") or "",
        row["level"],
        row["fee"],
        bool(submission.get("is_announcement")),
        rulebook,
        row["outlet"],
    )
    fee = rule.amount
    notes: list[str] = []
    if submission.get("is_announcement"):
        notes.append("公告通知类：按最低稿酬，不纳入考核")
    if rule.reason:
        notes.append(rule.reason)
    wechat_range = rulebook.fees.get(submission.get("content_type") or "", {})
    if row["level"] == WECHAT_LEVEL and "wechat_min" in wechat_range:
        if row["fee"] is not None and row["fee"] != fee:
            notes.append(
                f"公众号稿酬按 {fee:g} 元计（范围 {wechat_range['wechat_min']}–"
                f"{wechat_range.get('wechat_max', wechat_range['wechat_min'])} 元，公告通知类按最低）"
            )
    elif row["fee"] is not None and row["fee"] != fee:
        notes.append(f"按规则稿酬为 {fee:g} 元，填写的 {row['fee']:g} 元未采用")
    text = (
        f"稿件 {row['submission_id']}《{submission.get('title') or ''}》（{submission.get('unit') or ''}，"
        f"{ctype.name if ctype else submission.get('content_type')}）— "
        f"{_outlet_level_text(row['outlet'], row['level'])}，{_day(row['adopted_on'])}，稿酬 {fee:g} 元"
    )
    if row["bonus"]:
        text += f"，加分 {row['bonus']:g}"
    return text + (f"（{'；'.join(notes)}）" if notes else "")


def adopt(
    ws: Workspace,
    rulebook: Rulebook,
    items: list[AdoptionInput],
    source: str = "本次录用",
    tag: str = "",
    actor: Actor = UNKNOWN,
) -> list[Entered]:
    """Record adoptions all-or-nothing; one `Entered` per row, saying whether it was new,
    changed the fee or bonus of the same adoption, or repeated it exactly (then nothing is
    written and nothing logged).

    Raises `BadRows` (nothing written) naming every bad row, with the outlets accepted when an
    outlet is among the problems."""
    if not items:
        raise no_rows(source)
    db = open_ledger(ws.ledger_path)
    try:
        checked = validate(items, rulebook, db, now(rulebook).date())
        if checked.errors:
            raise bad_rows(
                source,
                [BadRow(*error.split("：", 1)) for error in checked.errors],
                known_outlets(rulebook) if checked.outlet_trouble else None,
            )
        entered: list[Entered] = []
        to_write: list[dict[str, Any]] = []
        changes: list[Change] = []
        for row in checked.rows:
            row["source"] = f"{tag} {row['source']}".strip()
            change = _adopt_change(db, row)
            what = tuple(edit_words(change.before, change.after)) if change.before else ()
            if change.before is None or what:
                to_write.append(row)
                changes.append(change)
            text = _describe(row, get_submission(db, row["submission_id"]) or {}, rulebook)
            entered.append(Entered(text, change.before is not None, what))
        if to_write:
            add_adoptions(db, to_write, then=lambda: record_in(db, rulebook, actor, changes))
        return entered
    finally:
        db.close()


@dataclass(frozen=True)
class Entered:
    """One adoption as entered: its line, whether it was already on record, and what changed."""

    text: str
    repeated: bool
    changes: tuple[str, ...] = ()

    @property
    def changed_nothing(self) -> bool:
        return self.repeated and not self.changes

    def sentence(self) -> str:
        if not self.repeated:
            return f"已登记录用：{self.text}"
        if not self.changes:
            return f"这条录用已经登记过，内容相同，未作任何改动：{self.text}"
        return f"已修改录用（{'；'.join(self.changes)}）：{self.text}"


def _day(iso: Any) -> str:
    """A ledger date (2021-03-12) as people read it: 2021年3月12日."""
    return date_text(dt.date.fromisoformat(str(iso)))


def _amount(key: str, value: Any) -> str:
    if value is None:
        return "未填"
    if key == "adopted_on":
        return _day(value)
    return f"{value:g} 元" if key == "fee" else f"{value:g} 分"


_EDITED = {"adopted_on": "录用日期", "fee": "稿酬", "bonus": "加分"}


def edit_words(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[str]:
    """What an entry changed, in words: 稿酬由 300 元改为 500 元; [] when it changed nothing."""
    before, after = before or {}, after or {}
    return [
        f"{name}由 {_amount(key, before.get(key))} 改为 {_amount(key, after.get(key))}"
        for key, name in _EDITED.items()
        if key in after and before.get(key) != after.get(key)
    ]


_ADOPTION_FIELDS = ("outlet", "level", "adopted_on", "fee", "bonus", "source")


def _adopt_change(db: sqlite_utils.Database, row: dict[str, Any]) -> Change:
    """The event of entering `row`: a new adoption, or the same one again with its fee and
    bonus replaced (then `before` is the row as it was)."""
    same = [
        r
        for r in adoptions_of(db, row["submission_id"])
        if r["outlet"] == row["outlet"] and r["adopted_on"] == row["adopted_on"] and not r.get("withdrawn_at")
    ]
    before = {key: same[0].get(key) for key in _ADOPTION_FIELDS} if same else None
    after = {key: row.get(key) for key in _ADOPTION_FIELDS}
    return Change("adopt", before, after, submission_id=row["submission_id"])


def adopt_sheet(ws: Workspace, rulebook: Rulebook, path: Path, actor: Actor = UNKNOWN) -> list[Entered]:
    """Import the adoption sheet at `path` whole, or refuse it whole (`BadRows`, `BadInput`)."""
    try:
        items = read_sheet(path)
    except (ValueError, OSError) as exc:
        raise unreadable_sheet(path.name, str(exc)) from None
    return adopt(ws, rulebook, items, source=f"录用登记表 {path.name}", tag=path.name, actor=actor)


def _live(rows: list[AdoptionRecord]) -> list[str]:
    """The adoptions in force, for a refusal: 武进日报 2021-03-12, 新华日报 2021-03-15."""
    return [f"{r['outlet']} {r['adopted_on']}" for r in rows if not r.get("withdrawn_at")]


@dataclass(frozen=True)
class Withdrawn:
    """An adoption just withdrawn: which draft, which outlet and day, and why."""

    submission_id: int
    title: str
    unit: str
    outlet: str
    adopted_on: str
    reason: str | None

    def sentence(self) -> str:
        why = f"，原因：{self.reason}" if self.reason else ""
        return (
            f"已撤销录用：稿件 {self.submission_id}《{self.title}》（{self.unit}）— {self.outlet}，"
            f"{_day(self.adopted_on)}{why}。记录仍保留在台账中，考核和稿酬不再计入；如需恢复，重新登记这条录用即可。"
        )


def _withdrawal_day(date: str | None, rulebook: Rulebook) -> str:
    """The typed date as YYYY-MM-DD, or "" when none was given; `BadInput` when unreadable."""
    if date is None:
        return ""
    problems: list[str] = []
    day = _date(date, now(rulebook).date(), problems)
    if problems or day is None:
        raise bad_date(date)
    return day.isoformat()


def _the_live_adoption(
    submission_id: int, title: str, rows: list[AdoptionRecord], outlet: str, when: str
) -> AdoptionRecord:
    """The one adoption in force by `outlet` (on `when`, if given), or the refusal saying why not."""
    same = [r for r in rows if r["outlet"] == outlet and (not when or r["adopted_on"] == when)]
    live = [r for r in same if not r.get("withdrawn_at")]
    if not same:
        raise NoSuchAdoption(submission_id, title, outlet, when, _live(rows))
    if not live:
        last = same[-1]
        raise AlreadyWithdrawn(
            submission_id,
            title,
            outlet,
            last["adopted_on"],
            str(last.get("withdrawn_at") or ""),
            str(last.get("withdrawn_reason") or ""),
            _live(rows),
        )
    if len(live) > 1:
        raise AmbiguousAdoption(submission_id, title, outlet, [r["adopted_on"] for r in live])
    return live[0]


def _withdraw(
    db: sqlite_utils.Database, rulebook: Rulebook, actor: Actor, row: AdoptionRecord, reason: str | None
) -> bool:
    """Withdraw `row` now (the office's clock) and log it in the same transaction."""
    at = now(rulebook).isoformat(timespec="seconds")
    was = {"outlet": row["outlet"], "adopted_on": row["adopted_on"], "withdrawn_at": None}
    after = {**was, "withdrawn_at": at}
    change = Change("unadopt", was, after, submission_id=row["submission_id"], reason=reason)
    return withdraw_adoption(db, row["id"], at, reason, then=lambda: record_in(db, rulebook, actor, [change]))


def unadopt(
    ws: Workspace,
    rulebook: Rulebook,
    submission_id: int,
    outlet: str,
    date: str | None = None,
    reason: str | None = None,
    actor: Actor = UNKNOWN,
) -> Withdrawn:
    """Withdraw one adoption (kept in the ledger, marked with time and reason, no longer scored).

    Raises `UnknownDraft`, `NoSuchAdoption`, `AlreadyWithdrawn`, `AmbiguousAdoption` (several
    on record and no date to choose) or `BadInput` (a date that cannot be read)."""
    outlet = outlet.strip()
    when = _withdrawal_day(date, rulebook)
    reason = (reason or "").strip() or None
    db = open_ledger(ws.ledger_path)
    try:
        submission = get_submission(db, submission_id)
        if submission is None:
            raise nothing_to_withdraw(submission_id)
        title = submission.get("title") or ""
        row = _the_live_adoption(submission_id, title, adoptions_of(db, submission_id), outlet, when)
        if not _withdraw(db, rulebook, actor, row, reason):
            raise AlreadyWithdrawn(submission_id, title, outlet, row["adopted_on"])
    finally:
        db.close()
    return Withdrawn(submission_id, title, submission.get("unit") or "", outlet, row["adopted_on"], reason)


@dataclass(frozen=True)
class Assigned:
    """A month's 约稿 assignment as recorded."""

    period: Period
    unit: str
    count: int
    type_name: str

    def sentence(self) -> str:
        return f"已登记 {self.period.label} {self.type_name}约稿：{self.unit} {self.count} 篇"


def assign(
    ws: Workspace, rulebook: Rulebook, month: str, unit: str, count: int, actor: Actor = UNKNOWN
) -> Assigned:
    """Record a month's 党委政务信息 assignment (约稿). Raises `BadInput` or `UnknownUnit` for
    one wrong input, `BadRequest` holding each refusal when several are wrong."""
    problems: list[DeskError] = []
    try:
        period: Period | None = parse_period(month)
    except ValueError:
        period = None
    if period is None or period.kind != "month":
        problems.append(bad_month(month))
    found = rulebook.unit_named(unit)
    if found is None:
        problems.append(unknown_unit(unit, rulebook))
    if count < 0:
        problems.append(negative_count(count))
    if problems or period is None or found is None:
        raise problems[0] if len(problems) == 1 else BadRequest(problems)
    db = open_ledger(ws.ledger_path)
    try:
        was = assignment_count(db, period.key, found.name)
        key = {"month": period.key, "unit": found.name}
        before = None if was is None else {**key, "count": was}
        change = Change("assign", before, {**key, "count": count}, subject=f"{period.label} {found.name}")
        set_assignment(
            db, period.key, found.name, count, then=lambda: record_in(db, rulebook, actor, [change])
        )
    finally:
        db.close()
    name = next((t.name for t in rulebook.types.values() if t.quota == "assigned"), "")
    return Assigned(period, found.name, count, name)


@dataclass(frozen=True)
class Recorded:
    """One adoption on the month's list: what it is, in words, and the keys its forms send."""

    id: int
    submission_id: int
    title: str
    unit: str
    outlet: str
    adopted_on: str
    fee: float | None
    bonus: float | None
    withdrawn: str
    level: str = ""  # the outlet's level in words (省级)
    rule_fee: str = ""  # what the rules pay for it (`scoring.fees.fee_rule`): 稿酬 50 元, or why none

    @property
    def day(self) -> str:
        return _day(self.adopted_on)


@dataclass(frozen=True)
class MonthEntries:
    """录用登记's list: the month's adoptions (in force first) and its 约稿 counts."""

    period: Period
    live: list[Recorded]
    withdrawn: list[Recorded]
    assignments: list[tuple[str, int]]


def _rule_fee(row: dict[str, Any], rulebook: Rulebook) -> str:
    """The fee the rules give this adoption, as the fee sheet pays it (`scoring.fees.fee_rule`)."""
    fee = row.get("fee")
    rule = fee_rule(
        str(row.get("content_type") or ""),
        str(row["level"]),
        None if fee is None else float(fee),
        bool(row.get("is_announcement")),
        rulebook,
        str(row["outlet"]),
    )
    return f"稿酬 {rule.amount:g} 元" if not rule.reason else f"不发稿酬：{rule.reason}"


def _recorded(row: dict[str, Any], rulebook: Rulebook) -> Recorded:
    tz, withdrawn = rulebook.meta.tz, ""
    if row.get("withdrawn_at"):
        at = when_text(dt.datetime.fromisoformat(str(row["withdrawn_at"])), tz)
        withdrawn = f"{at} 撤销" + (
            f"，原因：{row['withdrawn_reason']}" if row.get("withdrawn_reason") else ""
        )
    return Recorded(
        int(row["id"]),
        int(row["submission_id"]),
        str(row.get("title") or ""),
        str(row.get("unit") or ""),
        str(row["outlet"]),
        str(row["adopted_on"]),
        row.get("fee"),
        row.get("bonus"),
        withdrawn,
        LEVEL_NAMES.get(str(row.get("level") or ""), str(row.get("level") or "")),
        _rule_fee(row, rulebook),
    )


def month_entries(ws: Workspace, rulebook: Rulebook, month: str | None = None) -> MonthEntries:
    """The adoptions dated or withdrawn in `month` (this month by the workspace clock when
    None) and its 约稿 counts. Raises `BadInput` for a month that cannot be read."""
    try:
        period = parse_period(month) if month and month.strip() else month_of(now(rulebook).date())
    except ValueError:
        raise bad_month(month) from None
    if period.kind != "month":
        raise bad_month(month)
    db = open_ledger(ws.ledger_path)
    try:
        rows = [_recorded(row, rulebook) for row in adoptions_in(db, period.start, period.end)]
        keyed = [a for a in read_assignments(db, period.start.year) if a["month"] == period.key]
    finally:
        db.close()
    return MonthEntries(
        period,
        [r for r in rows if not r.withdrawn],
        [r for r in rows if r.withdrawn],
        [(a["unit"], int(a["count"])) for a in keyed],
    )


def _edit_refused(adoption_id: int) -> BadInput:
    return BadInput("adoption", None, f"要修改的录用（第 {adoption_id} 条）不存在或已撤销，未作任何改动。")


def _fields(row: dict[str, Any] | AdoptionRecord) -> dict[str, Any]:
    return {"adopted_on": row["adopted_on"], "fee": row.get("fee"), "bonus": row.get("bonus")}


def _checked_edit(
    db: sqlite_utils.Database, rulebook: Rulebook, was: AdoptionRecord, item: AdoptionInput
) -> dict[str, Any]:
    """The edited row, checked as a new entry would be, and clear of the draft's other
    adoptions by the same outlet on the new day."""
    checked = validate([item], rulebook, db, now(rulebook).date())
    if checked.errors:
        problems = "；".join(error.split("：", 1)[-1] for error in checked.errors)
        raise BadInput("adoption", None, f"{problems}，未作任何修改。")
    row = checked.rows[0]
    clash = [
        r
        for r in adoptions_of(db, was["submission_id"])
        if r["id"] != was["id"] and r["outlet"] == was["outlet"] and r["adopted_on"] == row["adopted_on"]
    ]
    if any(not r.get("withdrawn_at") for r in clash):
        raise BadInput("date", item.date, "这一天这家媒体已登记过这篇稿件的录用，请修改或撤销那一条。")
    return row


def edit(
    ws: Workspace,
    rulebook: Rulebook,
    adoption_id: int,
    date: str | None,
    fee: float | None,
    bonus: float | None,
    actor: Actor = UNKNOWN,
) -> Entered:
    """Change the date, fee and bonus of one adoption in force (录用登记's 修改), logged as
    `adopt_edit`; an edit that changes nothing writes and logs nothing.

    Raises `BadInput`: values a new entry would be refused for, a day on which the outlet's
    adoption of the draft is already on record, or an adoption gone or withdrawn."""
    db = open_ledger(ws.ledger_path)
    try:
        was = get_adoption(db, adoption_id)
        if was is None or was.get("withdrawn_at"):
            raise _edit_refused(adoption_id)
        item = AdoptionInput("修改录用", was["submission_id"], was["outlet"], date, fee, bonus)
        row = _checked_edit(db, rulebook, was, item)
        before, after = _fields(was), _fields(row)
        what = tuple(edit_words(before, after))
        if what:
            change = Change("adopt_edit", before, after, submission_id=was["submission_id"])
            done = edit_adoption(
                db, adoption_id, after, then=lambda: record_in(db, rulebook, actor, [change])
            )
            if not done:
                raise _edit_refused(adoption_id)
        text = _describe(row, get_submission(db, was["submission_id"]) or {}, rulebook)
    finally:
        db.close()
    return Entered(text, True, what)
