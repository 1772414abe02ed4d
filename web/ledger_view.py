"""台账: Datasette over outbox/ledger.db, read-only, over Chinese views, with canned queries.

The clerk sees the views of `ledger.views` (Chinese columns and values); the ledger's own tables
are hidden. Datasette's interface words are Chinese through web/datasette_templates/.

The ledger is opened read-only (`mode=ro`) rather than `immutable`: the intake keeps writing it in
WAL mode, and an immutable open would ignore the WAL and show a stale ledger. Datasette itself
offers no writes here (no write queries, no plugins that write).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode

from ledger import views
from ledger.schema import TABLES
from reports.events_view import ACTION_NAMES
from rules import Rulebook
from web.auth import Guard
from web.desk import BASIC_CHALLENGE, CLERK_ONLY
from workspace import Workspace, now

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PREFIX = "/ledger"
ROUTE = "taizhang"  # the database's address under /ledger/; "ledger" would be taken for the prefix again
MONTH_QUERIES = ("本月退回稿件", "各单位本月完成情况")
# Characters of a cell a 台账 list shows before "…" (Datasette's truncate_cells_html): a list of
# drafts stays a list; one draft's 稿件详情 and the CSV/JSON exports carry the whole text.
CELL_CHARS = 120  # their :month is the desk's month when left empty

VIEWS: dict[str, dict[str, Any]] = {
    views.SUBMISSIONS: {
        "description": "每篇来稿一行；点稿件编号看正文、退回说明和归档位置。",
        "sort_desc": "稿件编号",
        "facets": ["单位", "类型", "结果"],
    },
    views.DETAIL: {
        "description": "每篇来稿的全部记录，包括正文和文件指纹。多篇一起列出时长文字只显示开头，"
        "点稿件编号看一篇的全文；导出的 CSV 文件为全文。",
        "sort_desc": "稿件编号",
    },
    "审核问题": {"description": "审核时发现的问题（退回原因）和提示。", "facets": ["规则", "级别"]},
    views.ADOPTIONS: {
        "description": "稿酬按规则文件计算（每次录用分别算）；同一篇多次录用只按最高一次发放，以考核页为准。",
        "sort_desc": "录用日期",
        "facets": ["级别", "单位"],
    },
    "约稿": {"sort_desc": "月份"},
    "信息员": {},
    "单位": {"facets": ["类别"]},
    "照片": {},
    "收稿运行记录": {"sort_desc": "开始"},
    "约稿任务": {"sort_desc": "约稿编号"},
    "约稿单位": {},
    "约稿答复": {},
    "消息记录": {"description": "发往各单位和办公室群的消息（地址中的密钥已隐去）。", "sort_desc": "时间"},
    "操作记录": {"description": "每一次更改台账的记录，只增不改。", "sort_desc": "序号"},
}
# The ledger's own tables (English codes) are hidden; so are the log's table (its JSON and hash
# chain), the units' link tokens (hashes, not to be shown) and SQLite's own counter.
HIDDEN = (*TABLES, "events", "unit_links", "sqlite_sequence")

QUERIES: dict[str, dict[str, str]] = {
    "本月退回稿件": {
        "title": "本月退回稿件",
        "description": "月份留空为本月，可填 2021-03。",
        "sql": "SELECT 稿件编号, 单位, 类型, 标题, 收稿时间 FROM 稿件 "
        "WHERE 结果 = '退回' AND substr(收稿时间, 1, 7) = :month ORDER BY 收稿时间 DESC",
    },
    "各单位本月完成情况": {
        "title": "各单位本月完成情况",
        "description": "按单位和稿件类型统计收稿、合格和计入篇数（月份留空为本月）。",
        "sql": "SELECT 单位, 类型, count(*) AS 收稿, sum(结果 = '合格') AS 合格, sum(计入 = '是') AS 计入 "
        "FROM 稿件 WHERE substr(收稿时间, 1, 7) = :month GROUP BY 单位, 类型 ORDER BY 单位, 类型",
    },
    "疑似重复稿件": {
        "title": "疑似重复稿件",
        "sql": "SELECT s.稿件编号, s.单位, s.标题, s.收稿时间, s.重复于稿件, o.标题 AS 原稿标题 FROM 稿件 s "
        "LEFT JOIN 稿件 o ON o.稿件编号 = s.重复于稿件 WHERE s.重复于稿件 IS NOT NULL ORDER BY s.收稿时间 DESC",
    },
    "迟报未计入稿件": {
        "title": "迟报未计入稿件",
        "sql": "SELECT DISTINCT s.稿件编号, s.单位, s.类型, s.标题, s.事件日期, s.收稿时间, f.说明 FROM 稿件 s "
        "JOIN 审核问题 f ON f.稿件编号 = s.稿件编号 WHERE f.规则 = '时效' AND s.计入 = '否' "
        "ORDER BY s.收稿时间 DESC",
    },
}


def metadata() -> dict[str, Any]:
    hidden: dict[str, dict[str, Any]] = {name: {"hidden": True} for name in HIDDEN}
    return {
        "title": "台账",
        "description": "稿件、审核问题、录用和约稿的只读台账。",
        "databases": {
            "ledger": {
                "title": "台账数据库",
                "description": "只读。点表名浏览，或用下面的常用查询。",
                "tables": {**hidden, **VIEWS},
                "queries": {name: {**query, "hide_sql": True} for name, query in QUERIES.items()},
            }
        },
    }


def ledger_app(ws: Workspace, rulebook: Rulebook) -> Any:
    """Datasette's ASGI app for the workspace's ledger, answering under /ledger/."""
    from datasette.app import Datasette

    views.ensure_views(
        ws.ledger_path, rulebook, ACTION_NAMES
    )  # the schema and views exist before Datasette reads them
    ds = Datasette(
        [str(ws.ledger_path)],
        metadata=metadata(),
        template_dir=str(Path(__file__).resolve().parent / "datasette_templates"),  # Chinese words
        settings={
            "base_url": PREFIX + "/",
            "allow_download": False,
            "allow_csv_stream": True,
            "truncate_cells_html": CELL_CHARS,
        },
    )
    ds.databases["ledger"].route = ROUTE
    return ds.app()


def below_prefix(scope: Scope) -> Scope:
    """The request as Datasette expects it behind `base_url`: without the /ledger prefix.
    Datasette adds `base_url` to the paths it reads from the request (sort, facet and page links);
    handed the full path it wrote /ledger/ledger/ledger/… and every sort or facet link failed.
    A percent-encoded name is tilde-encoded here, as Datasette's own redirect would (it would
    redirect to an address without the prefix)."""
    path = scope.get("path", "").removeprefix(PREFIX) or "/"
    raw = (scope.get("raw_path") or path.encode()).removeprefix(PREFIX.encode()) or b"/"
    if b"%" in raw:  # a typed address (/ledger/taizhang/稿件): Datasette reads names tilde-encoded
        raw = raw.replace(b"~", b"~7E").replace(b"%", b"~").replace(b".", b"~2E")
    return {**scope, "path": path, "raw_path": raw}


def with_month(scope: Scope, month: str) -> Scope:
    """A request for a month query with its month left empty, asking for `month` (the desk's clock,
    `$DRAFTDESK_NOW` in a replay) instead."""
    path = unquote(scope.get("path", ""))
    if not any(path.endswith(f"/{ROUTE}/{name}") for name in MONTH_QUERIES):
        return scope
    args = [(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True)]
    if any(k == "month" and v.strip() for k, v in args):
        return scope
    kept = [(k, v) for k, v in args if k != "month"] + [("month", month)]
    return {**scope, "query_string": urlencode(kept).encode()}


def with_ledger(pages: ASGIApp, ws: Workspace, rulebook: Rulebook, guard: Guard) -> ASGIApp:
    """The desk's pages, with Datasette answering /ledger/ behind the clerk's password."""
    datasette = _datasette(ws, rulebook)

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
        month = now(rulebook).strftime("%Y-%m")
        await datasette()(below_prefix(with_month(scope, month)), receive, send)

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


def _datasette(ws: Workspace, rulebook: Rulebook) -> Callable[[], ASGIApp]:
    """Datasette over outbox/ledger.db, built on first use (the ledger may not exist yet)."""
    built: list[ASGIApp] = []

    def get() -> ASGIApp:
        if not built:
            built.append(ledger_app(ws, rulebook))
        return built[0]

    return get
