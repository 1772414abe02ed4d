"""The log of changes (操作记录): recording an event, listing them, checking the chain.

Every service function that changes the record calls `record` with the `Actor` its caller
(cli/ or web/) made, so the log says who and from where; the time is the workspace clock.
The Chinese line of an event is made here once, for the command line, the desk and the sheet.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from ledger.events import Actor, Break, Change, EventRecord, append_events, read_events, verify_events
from ledger.schema import open_ledger
from rules import Rulebook
from scoring.fees import LEVEL_NAMES
from workspace import Workspace, now

__all__ = ["Actor", "Change", "Event", "list_events", "record", "record_in", "verify"]

UNKNOWN = Actor("未注明")  # a caller that has not said who it is (never the cli or the desk)

ACTION_NAMES = {
    "adopt": "登记录用",
    "unadopt": "撤销录用",
    "assign": "登记约稿篇数",
    "request_new": "发出约稿",
    "request_close": "结束约稿",
    "request_answer": "约稿答复",
    "rules_new": "新建规则文件",
    "decide": "核定",
    "link_rotate": "更换单位链接",
}
FIELD_NAMES = {
    "outlet": "录用媒体",
    "level": "级别",
    "adopted_on": "录用日期",
    "fee": "稿酬",
    "bonus": "加分",
    "source": "来源",
    "withdrawn_at": "撤销时间",
    "withdrawn_reason": "撤销原因",
    "month": "月份",
    "unit": "单位",
    "count": "篇数",
    "year": "年份",
    "path": "文件",
    "copied_from": "复制自",
    "topic": "主题",
    "units": "约稿单位",
    "deadline": "截止日期",
    "request_id": "约稿编号",
    "closed_at": "结束时间",
    "state": "状态",
    "how": "方式",
}


def record_in(db: sqlite_utils.Database, rulebook: Rulebook, actor: Actor, changes: list[Change]) -> None:
    """Append `changes` to the open ledger `db`, stamped with the workspace clock."""
    append_events(db, now(rulebook).isoformat(timespec="seconds"), actor, changes)


def record(ws: Workspace, rulebook: Rulebook, actor: Actor, changes: list[Change]) -> None:
    """Append `changes` to the workspace's ledger."""
    db = open_ledger(ws.ledger_path)
    try:
        record_in(db, rulebook, actor, changes)
    finally:
        db.close()


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "无"
    if key == "level":
        return LEVEL_NAMES.get(str(value), str(value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return _when(text) if key in ("withdrawn_at", "closed_at") else text


def _fields(text: str | None) -> str:
    if not text:
        return "无"
    data = json.loads(text)
    return "，".join(f"{FIELD_NAMES.get(k, k)} {_value(k, v)}" for k, v in data.items())


def _when(text: str) -> str:
    """An ISO time as the office writes it: 2021年3月20日 10:00."""
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"


@dataclass(frozen=True)
class Event:
    """One event as people and scripts read it."""

    id: int
    at: str
    actor: str
    action: str
    submission_id: int | None
    reason: str | None
    before: Any
    after: Any
    action_name: str
    subject: str | None

    @classmethod
    def of(cls, row: EventRecord) -> Event:
        who = f"{row['actor']}（{row['address']}）" if row.get("address") else row["actor"]
        return cls(
            row["id"],
            row["at"],
            who,
            row["action"],
            row["submission_id"],
            row["reason"],
            json.loads(row["before"]) if row["before"] else None,
            json.loads(row["after"]) if row["after"] else None,
            ACTION_NAMES.get(row["action"], row["action"]),
            row["subject"],
        )

    def as_json(self) -> dict[str, Any]:
        """The machine form: exactly at, actor, action, submission_id, reason, before, after."""
        return {
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "submission_id": self.submission_id,
            "reason": self.reason,
            "before": self.before,
            "after": self.after,
        }

    def line(self) -> str:
        """第 3 条 2021年3月20日 10:00 张三@pc 登记录用 稿件 1：无 → 录用媒体 …；原因：…"""
        dump = json.dumps
        about = f"稿件 {self.submission_id}" if self.submission_id is not None else (self.subject or "")
        before = _fields(dump(self.before, ensure_ascii=False) if self.before is not None else None)
        after = _fields(dump(self.after, ensure_ascii=False) if self.after is not None else None)
        why = f"；原因：{self.reason}" if self.reason else ""
        return f"第 {self.id} 条 {_when(self.at)} {self.actor} {self.action_name} {about}：{before} → {after}{why}"


def list_events(ws: Workspace, submission_id: int | None = None) -> list[Event]:
    """Every event (oldest first), or one draft's."""
    db = open_ledger(ws.ledger_path)
    try:
        return [Event.of(row) for row in read_events(db, submission_id)]
    finally:
        db.close()


def _broken(found: Break) -> str:
    n = found.event_id
    if found.kind == "missing":
        return f"操作记录第 {n} 条已被删除：第 {n - 1} 条之后缺少这一条，记录链断开。"
    if found.kind == "missing_last":
        return f"操作记录第 {n} 条（最后一条）已被删除：台账记得它的编号，表中却没有这一条。"
    row = found.row
    what = f"（{_when(row['at'])} {ACTION_NAMES.get(row['action'], row['action'])}）" if row else ""
    return f"操作记录第 {n} 条{what}已被改动：内容与记录链的校验值不符（或其前一条被改动）。"


def verify(ws: Workspace) -> tuple[int, str | None]:
    """(how many events, the Chinese sentence naming the first changed or deleted one or None)."""
    db = open_ledger(ws.ledger_path)
    try:
        found = verify_events(db)
        count = int(db.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        db.close()
    return count, _broken(found) if found else None
