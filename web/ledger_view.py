"""台账: Datasette over outbox/ledger.db, read-only, with Chinese labels and canned queries.

The ledger is opened read-only (`mode=ro`) rather than `immutable`: the intake keeps writing it in
WAL mode, and an immutable open would ignore the WAL and show a stale ledger. Datasette itself
offers no writes here (no write queries, no plugins that write).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from ledger.schema import open_ledger
from web.auth import Guard
from web.desk import BASIC_CHALLENGE, CLERK_ONLY
from workspace import Workspace

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MONTH = "coalesce(nullif(:month, ''), strftime('%Y-%m', 'now', '+8 hours'))"

TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "submissions": (
        "稿件",
        {
            "id": "稿件编号",
            "unit": "单位",
            "content_type": "稿件类型",
            "title": "标题",
            "officer": "信息员",
            "original_name": "原文件名",
            "received_at": "收稿时间",
            "event_date": "事件日期",
            "zishu": "正文字数",
            "photos_distinct": "不同照片数",
            "photos_hd": "高清照片数",
            "verdict": "结果（accepted 合格 / rejected 退回）",
            "counted": "是否计入",
            "duplicate_of": "重复于稿件",
            "stored_path": "归档位置",
            "note_text": "退回说明",
        },
    ),
    "findings": (
        "审核问题",
        {"submission_id": "稿件编号", "rule": "规则", "severity": "级别", "message": "说明"},
    ),
    "images": ("照片", {"submission_id": "稿件编号", "width": "宽", "height": "高", "hd": "是否高清"}),
    "adoptions": (
        "录用",
        {
            "submission_id": "稿件编号",
            "outlet": "录用媒体",
            "level": "级别",
            "adopted_on": "录用日期",
            "fee": "稿酬",
            "bonus": "加分",
            "withdrawn_at": "撤销时间",
            "withdrawn_reason": "撤销原因",
        },
    ),
    "assignments": ("约稿", {"month": "月份", "unit": "单位", "count": "篇数"}),
    "officers": ("信息员", {"unit": "单位", "name": "姓名", "phone": "电话"}),
    "units": ("单位", {"name": "名称", "kind": "类别"}),
    "runs": ("收稿运行记录", {"started_at": "开始", "finished_at": "结束", "processed": "处理篇数"}),
    "heartbeats": ("运行心跳", {"at": "时间", "role": "角色"}),
    "sightings": ("首次发现", {"path": "文件", "first_seen": "首次发现时间"}),
    "claims": ("处理中", {"relpath": "文件", "state": "状态"}),
    "notifications": (
        "消息记录",
        {
            "created_at": "时间",
            "unit": "单位",
            "shown": "发往",
            "body": "内容",
            "state": "状态",
            "last_error": "原因",
        },
    ),
    "events": (
        "操作记录",
        {
            "at": "时间",
            "actor": "操作人",
            "address": "来源地址",
            "action": "操作",
            "submission_id": "稿件编号",
            "subject": "对象",
            "before": "变更前",
            "after": "变更后",
            "reason": "原因",
            "hash": "校验值",
        },
    ),
    "requests": ("约稿任务", {"topic": "主题", "deadline": "截止日期", "closed_at": "结束时间"}),
    "request_units": ("约稿单位", {"request_id": "约稿编号", "unit": "单位"}),
    "request_answers": (
        "约稿答复",
        {"request_id": "约稿编号", "submission_id": "稿件编号", "unit": "单位", "how": "方式"},
    ),
}
# Token hashes (of no use to read, and not to be shown) and SQLite's own counter (操作记录 numbering).
HIDDEN = ("unit_links", "sqlite_sequence")

QUERIES: dict[str, dict[str, str]] = {
    "本月退回稿件": {
        "title": "本月退回稿件",
        "description": "月份留空为本月，可填 2021-03。",
        "sql": "SELECT id AS 稿件编号, unit AS 单位, content_type AS 稿件类型, title AS 标题, "
        "received_at AS 收稿时间, note_text AS 退回说明 FROM submissions "
        f"WHERE verdict = 'rejected' AND substr(received_at, 1, 7) = {MONTH} ORDER BY received_at DESC",
    },
    "各单位本月完成情况": {
        "title": "各单位本月完成情况",
        "description": "按单位和稿件类型统计收稿、合格和计入篇数（月份留空为本月）。",
        "sql": "SELECT unit AS 单位, content_type AS 稿件类型, count(*) AS 收稿, "
        "sum(verdict = 'accepted') AS 合格, sum(counted) AS 计入 FROM submissions "
        f"WHERE substr(received_at, 1, 7) = {MONTH} GROUP BY unit, content_type ORDER BY unit, content_type",
    },
    "疑似重复稿件": {
        "title": "疑似重复稿件",
        "sql": "SELECT s.id AS 稿件编号, s.unit AS 单位, s.title AS 标题, s.received_at AS 收稿时间, "
        "s.duplicate_of AS 重复于, o.title AS 原稿标题 FROM submissions s "
        "LEFT JOIN submissions o ON o.id = s.duplicate_of WHERE s.duplicate_of IS NOT NULL "
        "ORDER BY s.received_at DESC",
    },
    "迟报未计入稿件": {
        "title": "迟报未计入稿件",
        "sql": "SELECT DISTINCT s.id AS 稿件编号, s.unit AS 单位, s.content_type AS 稿件类型, s.title AS 标题, "
        "s.event_date AS 事件日期, s.received_at AS 收稿时间, f.message AS 说明 FROM submissions s "
        "JOIN findings f ON f.submission_id = s.id WHERE f.rule = 'timeliness' AND s.counted = 0 "
        "ORDER BY s.received_at DESC",
    },
}


def metadata() -> dict[str, Any]:
    return {
        "title": "台账",
        "description": "稿件、审核问题、录用和约稿的只读台账。",
        "databases": {
            "ledger": {
                "title": "台账数据库",
                "description": "outbox/ledger.db，只读。点表名浏览，或用下面的常用查询。",
                "tables": {
                    **{
                        name: {"title": title, "columns": columns}
                        for name, (title, columns) in TABLES.items()
                    },
                    **{name: {"hidden": True} for name in HIDDEN},
                },
                "queries": QUERIES,
            }
        },
    }


def ledger_app(ws: Workspace) -> Any:
    """Datasette's ASGI app for the workspace's ledger, answering under /ledger/."""
    from datasette.app import Datasette

    open_ledger(ws.ledger_path).close()  # the schema exists before Datasette reads it
    ds = Datasette(
        [str(ws.ledger_path)],
        metadata=metadata(),
        template_dir=str(Path(__file__).resolve().parent / "datasette_templates"),  # Chinese headlines
        settings={"base_url": "/ledger/", "allow_download": False, "allow_csv_stream": True},
    )
    return ds.app()


def with_ledger(pages: ASGIApp, ws: Workspace, guard: Guard) -> ASGIApp:
    """The desk's pages, with Datasette answering /ledger/ behind the clerk's password."""
    datasette = _datasette(ws)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] not in ("http", "websocket") or not (
            path == "/ledger" or path.startswith("/ledger/")
        ):
            await pages(scope, receive, send)
            return
        auth = dict(scope.get("headers") or []).get(b"authorization")
        if not guard.allows(auth.decode("latin-1") if auth else None):
            await _unauthorized(send)
            return
        if path == "/ledger":
            scope = {**scope, "path": "/ledger/", "raw_path": b"/ledger/"}
        await datasette()(scope, receive, send)

    return app


async def _unauthorized(send: Send) -> None:
    body = CLERK_ONLY.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"www-authenticate", BASIC_CHALLENGE.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _datasette(ws: Workspace) -> Callable[[], ASGIApp]:
    """Datasette over outbox/ledger.db, built on first use (the ledger may not exist yet)."""
    built: list[ASGIApp] = []

    def get() -> ASGIApp:
        if not built:
            built.append(ledger_app(ws))
        return built[0]

    return get
