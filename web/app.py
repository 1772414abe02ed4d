"""The desk's pages: FastAPI routes rendering Jinja2 templates, every asset served from web/static.

Server-rendered HTML that works without JavaScript. Every page calls the service layer (the same
functions as the command line) and shows its Chinese refusals beside the form. The clerk's
pages ask for the password off loopback (`web.auth`); forms that change the ledger carry a CSRF
token signed per session and form. Uploads go to a temporary folder outside the workspace and
are deleted before the response is sent.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import UploadFile

from checks.labels import RULE_LABELS, VERDICT_LABELS
from rules import Rulebook
from rules.periods import Period, parse_period
from service import adoptions
from service.desk import (
    Upload,
    assessment,
    ledger_version,
    list_month,
    month_period,
    note_of,
    original_of,
    prepare,
    self_check,
)
from service.errors import BadRows, DeskError
from web.auth import Guard
from web.chart import completion_chart
from workspace import Workspace, now

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "dd_session"
ROWS_PER_PAGE = 200
PREFECT_RECHECK_SECONDS = 5.0  # `watch` starts Prefect 10–30 s after the desk: look again this often
PAGES = [
    ("/check", "自查"),
    ("/intake", "收稿"),
    ("/adopt", "录用登记"),
    ("/score", "考核"),
    ("/ledger/", "台账"),
]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class Refused(Exception):
    """A request the desk answers with a Chinese page and an HTTP status."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def _jinja() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    ledger_verdicts = {k: v for k, v in VERDICT_LABELS.items() if k != "unfiled"}  # what a row can hold
    env.globals.update(pages=PAGES, verdicts=ledger_verdicts, rule_names=RULE_LABELS)
    return env


class PrefectLink:
    """The Prefect UI's address, looked up again when the last answer is a few seconds old:
    the server may start (`watch`) or stop after the desk does."""

    def __init__(self, find: Callable[[], str | None]) -> None:
        self._find = find
        self._lock = threading.Lock()
        self._at: float | None = None
        self._url: str | None = None

    def __call__(self) -> str | None:
        with self._lock:
            moment = time.monotonic()
            if self._at is None or moment - self._at >= PREFECT_RECHECK_SECONDS:
                self._url = self._find()
                self._at = time.monotonic()
            return self._url


class Desk:
    """The state every page shares: the workspace, its rulebook, the guard and the templates."""

    def __init__(self, ws: Workspace, rulebook: Rulebook, guard: Guard, prefect_url: str | None) -> None:
        self.ws = ws
        self.rulebook = rulebook
        self.guard = guard
        fixed = prefect_url
        self.prefect_url = PrefectLink((lambda: fixed) if fixed else (lambda: prefect_url_for(ws)))
        self.env = _jinja()
        self._reports: dict[tuple[object, ...], Any] = {}

    def report(self, period: Period) -> Any:
        """The period's `Assessed`, recomputed only when the ledger (or the day) has changed since
        the last view."""
        key = (period.key, now(self.rulebook).date(), ledger_version(self.ws))
        if key not in self._reports:
            if len(self._reports) >= 16:
                self._reports.clear()
            self._reports[key] = assessment(self.ws, self.rulebook, period)
        return self._reports[key]

    def session(self, request: Request) -> tuple[str, bool]:
        """The session id from the cookie, or a new one (True: set the cookie)."""
        current = request.cookies.get(SESSION_COOKIE)
        if current and len(current) < 100:
            return current, False
        return self.guard.new_session(), True

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        session, fresh = self.session(request)
        html = self.env.get_template(template).render(
            request_path=request.url.path,
            rulebook=self.rulebook,
            type_names={k: t.name for k, t in self.rulebook.types.items()},
            csrf=lambda form: self.guard.token(session, form),
            prefect_url=self.prefect_url(),
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        if fresh:
            response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict")
        return response

    def clerk(self, request: Request) -> None:
        if not self.guard.allows(request.headers.get("authorization")):
            raise Refused(
                401,
                "此页面仅供街道办公室使用，请输入办公桌密码。",
                {"WWW-Authenticate": 'Basic realm="draftdesk", charset="UTF-8"'},
            )

    async def form(self, request: Request, name: str, limit: int | None = None) -> Any:
        """The posted form after the size and CSRF checks (size before a byte is read)."""
        limit = limit or self.rulebook.web.max_upload_bytes
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            raise Refused(411, "请求缺少长度，无法接收。请用页面上的表单提交。")
        if int(length) > limit:
            raise Refused(
                413,
                f"上传的内容共 {int(length) / 1048576:.1f} MB，超过 {limit / 1048576:.1f} MB 的上限，未接收。"
                "请压缩照片或分开上传。",
            )
        form = await request.form(max_files=50, max_fields=50)
        session = request.cookies.get(SESSION_COOKIE)
        token = form.get("csrf")
        if not self.guard.token_ok(session, name, token if isinstance(token, str) else None):
            raise Refused(403, "表单缺少安全校验或已过期，未做任何更改。请刷新页面后重新提交。")
        return form


def _text(form: Any, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _number(text: str, label: str) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise Refused(400, f"{label}“{text}”不是数字。") from None


async def _save_uploads(files: list[UploadFile], folder: Path) -> list[Upload]:
    saved: list[Upload] = []
    for index, upload in enumerate(files):
        if not upload.filename:
            continue
        target = folder / f"{index:03d}"
        with target.open("wb") as out:
            while chunk := await upload.read(1 << 20):
                out.write(chunk)
        saved.append(Upload(upload.filename, target))
    return saved


def _uploads(form: Any, key: str) -> list[UploadFile]:
    return [f for f in form.getlist(key) if isinstance(f, UploadFile)]


def create_app(
    ws: Workspace,
    rulebook: Rulebook,
    *,
    password_hash: str = "",
    protect: bool = False,
    prefect_url: str | None = None,
    ledger: bool = True,
) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The desk as one ASGI app: FastAPI pages, and Datasette under /ledger/ when `ledger`.
    `prefect_url` fixes the Prefect link; without it each page looks the server up (`prefect_url_for`)."""
    prepare(ws)
    guard = Guard(password_hash, protect)
    desk = Desk(ws, rulebook, guard, prefect_url)
    api = FastAPI(title="draftdesk", docs_url=None, redoc_url=None, openapi_url=None)
    api.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @api.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        response = desk.page(request, "refused.html", status=exc.status, message=exc.message)
        response.headers.update(exc.headers)
        return response

    @api.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        return desk.page(request, "home.html", protect=protect)

    # ---- 自查 --------------------------------------------------------------------------------

    @api.get("/check", response_class=HTMLResponse)
    def check_page(request: Request) -> Response:
        return desk.page(request, "check.html", result=None, error=None, chosen={})

    @api.post("/check", response_class=HTMLResponse)
    async def check_post(request: Request) -> Response:
        form = await desk.form(request, "check")
        chosen = {k: _text(form, k) for k in ("unit", "ctype", "received")}
        tmp = Path(tempfile.mkdtemp(prefix="draftdesk-upload-"))
        try:
            uploads = await _save_uploads(_uploads(form, "files"), tmp)
            result = self_check(
                ws, rulebook, chosen["unit"], chosen["ctype"], uploads, chosen["received"] or None
            )
        except DeskError as exc:
            return desk.page(request, "check.html", status=400, result=None, error=str(exc), chosen=chosen)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            await form.close()
        return desk.page(request, "check.html", result=result, error=None, chosen=chosen)

    # ---- 收稿 --------------------------------------------------------------------------------

    @api.get("/intake", response_class=HTMLResponse)
    def intake_page(
        request: Request,
        month: str = "",
        unit: str = "",
        ctype: str = "",
        verdict: str = "",
        rule: str = "",
        page: int = 1,
    ) -> Response:
        desk.clerk(request)
        try:
            period = month_period(month, now(rulebook).date())
        except DeskError as exc:
            raise Refused(400, str(exc)) from None
        found = list_month(
            ws,
            rulebook,
            period,
            unit=unit or None,
            content_type=ctype or None,
            verdict=verdict or None,
            rule=rule or None,
            page=page,
            per_page=ROWS_PER_PAGE,
        )
        chosen = {"month": period.key, "unit": unit, "ctype": ctype, "verdict": verdict, "rule": rule}
        query = urlencode({k: v for k, v in chosen.items() if v})
        return desk.page(
            request,
            "intake.html",
            rows=found.rows,
            total=found.total,
            totals={v: found.totals.get(v, 0) for v in ("accepted", "rejected", "officer")},
            page=found.page,
            page_count=found.pages,
            query=query,
            period=period,
            chosen=chosen,
        )

    @api.get("/intake/{submission_id}/note", response_class=HTMLResponse)
    def note_page(request: Request, submission_id: int) -> Response:
        desk.clerk(request)
        try:
            text, name = note_of(ws, submission_id)
        except DeskError as exc:
            raise Refused(404, str(exc)) from None
        return desk.page(request, "note.html", text=text, name=name, submission_id=submission_id)

    @api.get("/intake/{submission_id}/note.txt")
    def note_download(request: Request, submission_id: int) -> Response:
        desk.clerk(request)
        try:
            text, name = note_of(ws, submission_id)
        except DeskError as exc:
            raise Refused(404, str(exc)) from None
        return PlainTextResponse(text, headers=_attachment(name))

    @api.get("/intake/{submission_id}/original")
    def original_download(request: Request, submission_id: int) -> Response:
        desk.clerk(request)
        try:
            content, name = original_of(ws, submission_id)
        except DeskError as exc:
            raise Refused(404, str(exc)) from None
        if isinstance(content, Path):
            return FileResponse(content, headers=_attachment(name))
        return Response(content, media_type="application/zip", headers=_attachment(name))

    # ---- 录用登记 ----------------------------------------------------------------------------

    def adopt_page_with(request: Request, status: int = 200, **context: Any) -> Response:
        context.setdefault("done", [])
        context.setdefault("error", None)
        context.setdefault("problems", [])
        return desk.page(request, "adopt.html", status=status, today=now(rulebook).date(), **context)

    @api.get("/adopt", response_class=HTMLResponse)
    def adopt_page(request: Request) -> Response:
        desk.clerk(request)
        return adopt_page_with(request)

    def refused_entry(request: Request, exc: DeskError) -> Response:
        if isinstance(exc, BadRows):
            return adopt_page_with(
                request, 400, error=exc.heading, problems=[str(p) for p in exc.problems], hint=exc.hint
            )
        return adopt_page_with(request, 400, error=str(exc))

    @api.post("/adopt", response_class=HTMLResponse)
    async def adopt_post(request: Request) -> Response:
        desk.clerk(request)
        form = await desk.form(request, "adopt", limit=64 * 1024)
        item = adoptions.AdoptionInput(
            "网页登记",
            _text(form, "submission_id"),
            _text(form, "outlet"),
            _text(form, "date") or None,
            _number(_text(form, "fee"), "稿酬"),
            _number(_text(form, "bonus"), "加分"),
        )
        try:
            lines = adoptions.adopt(ws, rulebook, [item], source="网页登记")
        except DeskError as exc:
            return refused_entry(request, exc)
        return adopt_page_with(request, done=[f"已登记录用：{line}" for line in lines])

    @api.post("/adopt/withdraw", response_class=HTMLResponse)
    async def withdraw_post(request: Request) -> Response:
        desk.clerk(request)
        form = await desk.form(request, "withdraw", limit=64 * 1024)
        raw_id = _text(form, "submission_id")
        if not raw_id.isdigit():
            return adopt_page_with(request, 400, error=f"稿件编号“{raw_id}”不是数字，未撤销任何录用。")
        try:
            withdrawn = adoptions.unadopt(
                ws,
                rulebook,
                int(raw_id),
                _text(form, "outlet"),
                _text(form, "date") or None,
                _text(form, "reason") or None,
            )
        except DeskError as exc:
            return refused_entry(request, exc)
        return adopt_page_with(request, done=[withdrawn.sentence()])

    @api.post("/adopt/sheet", response_class=HTMLResponse)
    async def sheet_post(request: Request) -> Response:
        desk.clerk(request)
        form = await desk.form(request, "sheet")
        files = _uploads(form, "sheet")
        if not files or not files[0].filename:
            return adopt_page_with(request, 400, error="请选择要导入的录用登记表（.xlsx）。")
        name = Path(files[0].filename.replace("\\", "/")).name
        if not name.lower().endswith(".xlsx") or name.startswith("."):
            return adopt_page_with(request, 400, error=f"“{name}”不是 .xlsx 录用登记表，未登记任何录用。")
        tmp = Path(tempfile.mkdtemp(prefix="draftdesk-sheet-"))
        try:
            (saved,) = await _save_uploads(files[:1], tmp)
            path = saved.path.rename(tmp / name)
            lines = adoptions.adopt_sheet(ws, rulebook, path)
        except DeskError as exc:
            return refused_entry(request, exc)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            await form.close()
        return adopt_page_with(request, done=[f"已登记录用：{line}" for line in lines])

    @api.get("/adopt/template.xlsx")
    def template_download(request: Request) -> Response:
        desk.clerk(request)
        from reports.workbook import TEMPLATE_NAME, write_adoption_template

        with tempfile.TemporaryDirectory(prefix="draftdesk-template-") as tmp:
            data = write_adoption_template(Path(tmp) / "t.xlsx", rulebook.outlets).read_bytes()
        return Response(data, media_type=XLSX, headers=_attachment(TEMPLATE_NAME))

    @api.post("/adopt/assign", response_class=HTMLResponse)
    async def assign_post(request: Request) -> Response:
        desk.clerk(request)
        form = await desk.form(request, "assign", limit=64 * 1024)
        raw = _text(form, "count")
        try:
            count = int(raw)
        except ValueError:
            return adopt_page_with(request, 400, error=f"约稿篇数“{raw}”不是整数。")
        try:
            assigned = adoptions.assign(ws, rulebook, _text(form, "month"), _text(form, "unit"), count)
        except DeskError as exc:
            return refused_entry(request, exc)
        return adopt_page_with(request, done=[assigned.sentence()])

    # ---- 考核 --------------------------------------------------------------------------------

    def chosen_period(text: str) -> Period:
        text = text.strip() or now(rulebook).strftime("%Y-%m")
        try:
            return parse_period(text)
        except ValueError:
            raise Refused(400, f"期间“{text}”无法识别：请写月份 2021-03、季度 2021Q1 或年度 2021。") from None

    @api.get("/score", response_class=HTMLResponse)
    def score_page(request: Request, period: str = "") -> Response:
        desk.clerk(request)
        chosen = chosen_period(period)
        assessed = desk.report(chosen)
        report = assessed.report
        types = [k for k in report.type_names if any(k in u.completion for u in report.units)]
        open_types = [
            k for k in report.type_names if k not in types and any(k in u.progress for u in report.units)
        ]
        short_names = {k: min(names, key=len) for k, names in report.type_short_names.items()}
        warnings = [w for w in (assessed.still_open, assessed.rulebook_warning) if w]
        return desk.page(
            request,
            "score.html",
            report=report,
            period=chosen,
            types=types,
            open_types=open_types,
            short_names=short_names,
            warnings=[w if w.startswith("注意：") else f"注意：{w}" for w in warnings],
            chart=completion_chart(report),
            fmt=_fmt,
        )

    @api.get("/score/xlsx")
    def score_download(request: Request, period: str = "") -> Response:
        desk.clerk(request)
        from service.score import score

        chosen = chosen_period(period)
        scored = score(ws, rulebook, chosen)
        return FileResponse(scored.workbook, media_type=XLSX, headers=_attachment(scored.workbook.name))

    if not ledger:
        return api
    datasette = _datasette(ws)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] in ("http", "websocket") and (path == "/ledger" or path.startswith("/ledger/")):
            headers = dict(scope.get("headers") or [])
            auth = headers.get(b"authorization")
            if not guard.allows(auth.decode("latin-1") if auth else None):
                await _unauthorized(send)
                return
            if path == "/ledger":
                scope = {**scope, "path": "/ledger/", "raw_path": b"/ledger/"}
            target = datasette()
            await target(scope, receive, send)
            return
        await api(scope, receive, send)

    return app


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(name: str) -> dict[str, str]:
    from urllib.parse import quote

    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}


def _fmt(hundredths: int) -> str:
    value = hundredths / 100
    return f"{value:+g}" if value else "0"


async def _unauthorized(send: Send) -> None:
    body = "此页面仅供街道办公室使用，请输入办公桌密码。".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"www-authenticate", b'Basic realm="draftdesk", charset="UTF-8"'),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _datasette(ws: Workspace) -> Callable[[], Callable[[Scope, Receive, Send], Awaitable[None]]]:
    """Datasette over outbox/ledger.db, built on first use (the ledger may not exist yet)."""
    built: list[Callable[[Scope, Receive, Send], Awaitable[None]]] = []

    def get() -> Callable[[Scope, Receive, Send], Awaitable[None]]:
        if not built:
            from web.ledger_view import ledger_app

            built.append(ledger_app(ws))
        return built[0]

    return get


def prefect_url_for(ws: Workspace) -> str | None:
    """The Prefect UI's address: `$PREFECT_API_URL`, else this workspace's local server if up."""
    api_url = os.environ.get("PREFECT_API_URL", "").strip()
    if not api_url:
        from flows.prefect_env import running_server

        api_url = running_server(ws) or ""
    return api_url.removesuffix("/api") or None
