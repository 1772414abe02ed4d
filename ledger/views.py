"""台账's views: each table the clerk opens in Datasette, with Chinese column names and values.

The ledger's own tables keep their English names and codes (a contract of `--json` and the
scripts that read them); the clerk reads these views instead. Codes are written as the rest of
the desk writes them: types by the rulebook's names, verdicts and rules by `checks.labels`,
outlet levels by `rules.levels.LEVEL_NAMES`, unit kinds by the rulebook. The 稿酬 column is the
rulebook's fee for that one adoption (`scoring.fees.fee_rule`) written as SQL, so it shows even
where the clerk typed none. The 计入 column is `scoring.credit_rule`'s steps rendered by
`ledger.credit_sql.counts_sql`. Times are shown to the minute without the ISO `T` and offset.

The views depend on the rulebook, so they are made by the desk when it opens 台账
(`ensure_views`) and remade only when their text changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import sqlite_utils

from checks.labels import RULE_LABELS, RUN_KIND_LABELS, VERDICT_LABELS
from ledger.credit_sql import CHAIN_CTE, counts_sql, quoted
from ledger.decisions import verdict_sql
from ledger.schema import open_ledger
from rules import Rulebook
from rules.levels import LEVEL_NAMES, WECHAT_LEVEL

SEVERITY_LABELS = {"error": "问题", "warning": "提示"}  # as 自查 words a finding
SENDING_LABELS = {"pending": "待发送", "sent": "已发送", "failed": "发送失败"}  # ledger/notifications.py
YES_NO = {1: "是", 0: "否"}

SUBMISSIONS, DETAIL, ADOPTIONS = "稿件", "稿件详情", "录用"


def labelled(column: str, labels: Mapping[str, str] | Mapping[int, str]) -> str:
    """`column` written in Chinese; a code with no label is shown as it is rather than hidden."""
    if not labels:
        return column
    cases = " ".join(
        f"WHEN {code if isinstance(code, int) else quoted(str(code))} THEN {quoted(label)}"
        for code, label in labels.items()
    )
    return f"CASE {column} {cases} ELSE {column} END"


def minute(column: str) -> str:
    """`2021-03-10T09:00:00+08:00` → `2021-03-10 09:00` (stored in office-local time)."""
    return f"replace(substr({column}, 1, 16), 'T', ' ')"


def fee_sql(rulebook: Rulebook, s: str = "s", a: str = "a") -> str:
    """`scoring.fees.fee_rule` as an SQL expression over submission `s` and adoption `a`."""
    cases: list[str] = []
    for ctype, table in rulebook.fees.items():
        on = f"{s}.content_type = {quoted(ctype)}"
        platform = rulebook.types[ctype].platform if ctype in rulebook.types else None
        if platform is not None:
            names = [n for n, p in rulebook.outlet_platforms.items() if p == platform]
            on += f" AND {a}.outlet IN ({', '.join(quoted(n) for n in names) or 'NULL'})"
        if "wechat_min" in table:
            low = float(table["wechat_min"])
            high = float(table.get("wechat_max", table["wechat_min"]))
            given = f"min(max({a}.fee, {low}), {high})"
            cases.append(
                f"WHEN {on} AND {a}.level = {quoted(WECHAT_LEVEL)} THEN CASE WHEN coalesce({s}.is_announcement, 0) "
                f"OR {a}.fee IS NULL THEN {low} ELSE {given} END"
            )
        for level, amount in table.items():
            if level in ("wechat_min", "wechat_max") or (level == WECHAT_LEVEL and "wechat_min" in table):
                continue
            cases.append(f"WHEN {on} AND {a}.level = {quoted(level)} THEN {float(amount)}")
    return f"(CASE {' '.join(cases)} ELSE 0 END)" if cases else "0"


def view_sql(rulebook: Rulebook, actions: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each view's SELECT, by the view's Chinese name. `actions`: how 操作记录 names each action
    (`reports.events_view.ACTION_NAMES`, a room above this one)."""
    types = {k: t.name for k, t in rulebook.types.items()}
    verdicts = {k: v for k, v in VERDICT_LABELS.items() if k != "unfiled"}
    return {
        SUBMISSIONS: _submissions(types, verdicts, counts_sql(rulebook)),
        DETAIL: _detail(types, verdicts, counts_sql(rulebook)),
        "审核问题": "SELECT f.submission_id AS 稿件编号, s.unit AS 单位, s.title AS 标题, "
        f"{labelled('f.rule', RULE_LABELS)} AS 规则, {labelled('f.severity', SEVERITY_LABELS)} AS 级别, "
        "f.message AS 说明 FROM findings f LEFT JOIN submissions s ON s.id = f.submission_id",
        ADOPTIONS: _adoptions(rulebook, types),
        "约稿": "SELECT month AS 月份, unit AS 单位, count AS 篇数, "
        f"{minute('entered_at')} AS 登记时间 FROM assignments",
        "信息员": "SELECT unit AS 单位, name AS 姓名, position AS 职务, mobile AS 手机, phone AS 电话, "
        f"{minute('registered_at')} AS 登记时间 FROM officers",
        "单位": f"SELECT name AS 名称, {labelled('kind', dict(rulebook.kinds))} AS 类别 FROM units",
        "照片": "SELECT submission_id AS 稿件编号, key AS 照片, width AS 宽, height AS 高, "
        f"{labelled('hd', YES_NO)} AS 高清, problem AS 问题 FROM images",
        "收稿运行记录": f"SELECT {labelled('kind', RUN_KIND_LABELS)} AS 方式, {minute('started_at')} AS 开始, "
        f"{minute('finished_at')} AS 结束, processed AS 处理篇数, accepted AS 合格, rejected AS 退回 FROM runs",
        **_office_views(actions or {}),
    }


def _office_views(actions: Mapping[str, str]) -> dict[str, str]:
    """约稿, messages and the log of changes; the log's JSON and hash chain stay in the table."""
    return {
        "约稿任务": f"SELECT id AS 约稿编号, topic AS 主题, deadline AS 截止日期, {minute('issued_at')} AS 发出时间, "
        f"{minute('closed_at')} AS 结束时间, close_reason AS 结束原因 FROM requests",
        "约稿单位": "SELECT request_id AS 约稿编号, unit AS 单位 FROM request_units",
        "约稿答复": "SELECT request_id AS 约稿编号, submission_id AS 稿件编号, unit AS 单位, how AS 方式, "
        f"{minute('linked_at')} AS 答复时间 FROM request_answers",
        "消息记录": f"SELECT {minute('created_at')} AS 时间, unit AS 单位, shown AS 发往, body AS 内容, "
        f"{labelled('state', SENDING_LABELS)} AS 状态, attempts AS 尝试次数, last_error AS 原因, "
        f"{minute('sent_at')} AS 发送时间 FROM notifications",
        "操作记录": f"SELECT id AS 序号, {minute('at')} AS 时间, actor AS 操作人, address AS 来源地址, "
        f"{labelled('action', actions)} AS 操作, submission_id AS 稿件编号, subject AS 对象, reason AS 原因 "
        "FROM events",
    }


def _submissions(types: Mapping[str, str], verdicts: Mapping[str, str], counts: str) -> str:
    return (
        f"{CHAIN_CTE}SELECT id AS 稿件编号, unit AS 单位, {labelled('content_type', types)} AS 类型, title AS 标题, "
        f"officer AS 信息员, {minute('received_at')} AS 收稿时间, event_date AS 事件日期, zishu AS 字数, "
        f"photos_distinct AS 照片, photos_hd AS 高清照片, {labelled(verdict_sql(), verdicts)} AS 结果, "
        f"{labelled(counts, YES_NO)} AS 计入, duplicate_of AS 重复于稿件 FROM submissions s"
    )


def _detail(types: Mapping[str, str], verdicts: Mapping[str, str], counts: str) -> str:
    return (
        f"{CHAIN_CTE}SELECT id AS 稿件编号, unit AS 单位, {labelled('content_type', types)} AS 类型, title AS 标题, "
        f"officer AS 信息员, original_name AS 原文件名, {minute('received_at')} AS 收稿时间, "
        f"event_date AS 事件日期, period AS 期间, zishu AS 字数, hanzi AS 汉字数, photos_total AS 照片总数, "
        f"photos_distinct AS 不同照片, photos_hd AS 高清照片, {labelled(verdict_sql(), verdicts)} AS 结果, "
        f"{labelled(counts, YES_NO)} AS 计入, decided_reason AS 核定理由, {labelled('is_announcement', YES_NO)} AS 通知公告, "
        "duplicate_of AS 重复于稿件, revision_of AS 修改自稿件, same_event_of AS 同一事件先报稿件, "
        "stored_path AS 归档位置, note_path AS 说明位置, note_text AS 退回说明, text AS 正文, sha256 AS 文件指纹 "
        "FROM submissions s"
    )


def _adoptions(rulebook: Rulebook, types: Mapping[str, str]) -> str:
    return (
        f"SELECT a.submission_id AS 稿件编号, s.unit AS 单位, {labelled('s.content_type', types)} AS 类型, "
        f"s.title AS 标题, a.outlet AS 录用媒体, {labelled('a.level', LEVEL_NAMES)} AS 级别, "
        f"a.adopted_on AS 录用日期, {fee_sql(rulebook)} AS 稿酬, a.fee AS 登记稿酬, a.bonus AS 加分, "
        f"{minute('a.withdrawn_at')} AS 撤销时间, a.withdrawn_reason AS 撤销原因 "
        "FROM adoptions a LEFT JOIN submissions s ON s.id = a.submission_id"
    )


def ensure_views(path: Path, rulebook: Rulebook, actions: Mapping[str, str] | None = None) -> list[str]:
    """Create or remake the views at the ledger `path`; their names, in the order shown."""
    wanted = view_sql(rulebook, actions)
    db = open_ledger(path)
    try:
        _replace_changed(db, wanted)
    finally:
        db.close()
    return list(wanted)


def _replace_changed(db: sqlite_utils.Database, wanted: Mapping[str, str]) -> None:
    have = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    for name, select in wanted.items():
        create = f'CREATE VIEW "{name}" AS {select}'
        if have.get(name) == create:
            continue
        with db.conn:
            db.execute(f'DROP VIEW IF EXISTS "{name}"')
            db.execute(create)
