"""The Chinese words the office reads for rule keys and verdicts: one home for every output.

Rule keys (`length`, `format`…) are a contract of `check --json` and the ledger; people read
the labels. `run`, `watch`, the Prefect artifacts and the web desk all take them from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from rules.periods import period_words
from rules.times import date_text as date_text
from rules.times import deadline_text as deadline_text
from rules.times import parse_instant
from rules.times import when_text as when_text

# What a note, notice or receipt says when the machine leaves a draft to the office: a finding
# whose message holds it puts the draft under 待核定 (`ledger.decisions.pending_sql`) until a
# `decide`. Said by checks/timeliness.py (时效 not checked) and checks/duplicate.py (same event).
PENDING_MARK = "由办公室核定"
# Whether a draft left to the office counts, until it decides (a probable same event).
PENDING_COUNT = "暂不计入，待办公室核定"

RULE_LABELS: dict[str, str] = {
    "format": "文件格式",
    "identity": "单位或类型",
    "length": "字数",
    "images": "图片数量",
    "image_quality": "图片质量",
    "timeliness": "时效",
    "category": "类别",
    "duplicate": "重复",
    "same_event": "同一事件",
    "media": "音视频",
    "rulebook": "规则文件",
}

VERDICT_LABELS: dict[str, str] = {
    "accepted": "合格",
    "rejected": "退回",
    "officer": "信息员登记",
    "unfiled": "归档失败",
}

RUN_KIND_LABELS: dict[str, str] = {
    "sweep": "直接处理",  # draftdesk run / watch, without Prefect
    "intake": "Prefect 流程",  # the intake flow of draftdesk serve
}


def rule_label(rule: str) -> str:
    """The label of a rule key; an unknown key is shown as it is rather than hidden."""
    return RULE_LABELS.get(rule, rule)


def rules_text(rules: Iterable[str]) -> str:
    """`字数、时效` for a list of rule keys."""
    return "、".join(rule_label(rule) for rule in rules)


def verdict_label(verdict: str) -> str:
    return VERDICT_LABELS.get(verdict, verdict)


def run_kind_label(kind: str) -> str:
    """How a 收稿 run was made (`sweep` → 直接处理); an unknown kind is shown as it is."""
    return RUN_KIND_LABELS.get(kind, kind)


def not_counted_words(period: str) -> str:
    """The one wording for “registered, but not counted” in a type's period: 不计入本季度完成数."""
    return f"不计入{period_words(period)}完成数"


def registered_not_counted(period: str) -> str:
    """How a late draft's finding ends when the draft is accepted (and what a notice, which
    says the fact in its own line, takes off): 稿件予以登记，但不计入本季度完成数。"""
    return f"稿件予以登记，但{not_counted_words(period)}。"


def kept_time_text(text: str, tz: dt.tzinfo) -> str:
    """A time kept as ISO text (the ledger's, a mail's) as people read it, in the office's time
    zone: 2021年3月12日 15:00; a text that is no ISO time (none: empty) is given back as it is."""
    try:
        return when_text(parse_instant(text, tz), tz)
    except ValueError:
        return text
