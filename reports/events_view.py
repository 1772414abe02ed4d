"""An event of the log of changes as people read it: the Chinese line (cli, desk) and the JSON
form (`log --json`), made once here for the command line, the desk and the workbook sheet."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from checks import labels
from checks.labels import verdict_label
from ledger.events import EventRecord
from rules.levels import LEVEL_NAMES

ACTION_NAMES = {
    "adopt": "登记录用",
    "unadopt": "撤销录用",
    "assign": "登记约稿篇数",
    "request_new": "发出约稿",
    "request_close": "结束约稿",
    "request_answer": "约稿答复",
    "adopt_edit": "修改录用",
    "rules_new": "新建规则文件",
    "decide": "核定",
    "link_rotate": "更换单位链接",
}
UNDONE = "撤销核定"  # the subject `service.decisions` gives the event of an undone 核定


def _action_name(row: EventRecord) -> str:
    """The action in words; an undone 核定 (a `decide` event about 撤销核定) says 撤销核定."""
    if row["action"] == "decide" and row.get("subject") == UNDONE:
        return UNDONE
    return ACTION_NAMES.get(row["action"], row["action"])


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
    "verdict": "审核结果",
    "counted": "计入考核",
    "link_version": "链接",
    "第几版链接": "链接",  # the key of link changes logged before link_version
}
LINK_VERSIONS = ("link_version", "第几版链接")


DATES = ("adopted_on", "deadline")  # days people read as 2021年3月12日


def _value(key: str, value: Any) -> str:
    if key == "fee" and (value is None or value == ""):
        return "按规则计"  # no fee typed: the rulebook's for the type and level is paid
    if value is None or value == "":
        return "无"
    if key == "level":
        return LEVEL_NAMES.get(str(value), str(value))
    if key == "verdict":
        return verdict_label(str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if key in LINK_VERSIONS:  # 0: the unit had no link yet
        return f"第{value}版" if value else "无"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if key in DATES:
        try:
            return labels.date_text(dt.date.fromisoformat(text[:10]))
        except ValueError:
            return text
    return when_text(text) if key in ("withdrawn_at", "closed_at") else text


def fields_text(data: Any) -> str:
    """`before`/`after` in words: 录用媒体 新华日报，级别 省级 …; 无 when there was none."""
    if not data:
        return "无"
    return "，".join(f"{FIELD_NAMES.get(k, k)} {_value(k, v)}" for k, v in data.items())


def when_text(text: str) -> str:
    """An ISO time as the office writes it: 2021年3月20日 10:00 (as `checks.labels` words it)."""
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return labels.when_text(at, at.tzinfo or dt.UTC)


def _one_field(before: Any, after: Any) -> tuple[str, str, str] | None:
    """(name, before, after) when the change is one and the same field on both sides, else None."""
    if not (isinstance(before, dict) and isinstance(after, dict) and len(before) == len(after) == 1):
        return None
    (key, old), (other, new) = next(iter(before.items())), next(iter(after.items()))
    if key != other:
        return None
    name = str(key)
    return FIELD_NAMES.get(name, name), _value(name, old), _value(name, new)


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
            _action_name(row),
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
        why = f"；原因：{self.reason}" if self.reason else ""
        head = f"第 {self.id} 条 {when_text(self.at)} {self.actor} {self.action_name} {self.about}"
        one = _one_field(self.before, self.after)
        if one is not None:  # one field changed: named once (链接：第1版 → 第2版)
            name, old, new = one
            return f"{head}，{name}：{old} → {new}{why}"
        return f"{head}：{fields_text(self.before)} → {fields_text(self.after)}{why}"

    @property
    def about(self) -> str:
        """稿件 12, or what else the change is about (a month and unit, a 约稿, a year)."""
        return f"稿件 {self.submission_id}" if self.submission_id is not None else (self.subject or "")
