"""The state every page shares (`Desk`): workspace, rulebook, guard, templates and the CSRF check.

One `Desk` is built per app by `web.app.create_app` and reached from a route through
`web.deps`; the pages themselves hold no state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from checks.labels import RULE_LABELS, VERDICT_LABELS, date_text, deadline_text
from reports.period import PeriodAssessment
from rules import Rulebook
from rules.periods import Period
from service.desk import assessment, ledger_version, unit_assessment
from web.auth import Guard
from workspace import Workspace, now

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "dd_session"
PAGES = [
    ("/check", "自查"),
    ("/intake", "收稿"),
    ("/adopt", "录用登记"),
    ("/score", "考核"),
    ("/ledger/", "台账"),
]
CLERK_ONLY = "此页面仅供街道办公室使用，请输入办公桌密码（用户名随便填）。"
BASIC_CHALLENGE = 'Basic realm="draftdesk", charset="UTF-8"'


class Refused(Exception):
    """A request the desk answers with a Chinese page and an HTTP status."""

    def __init__(
        self, status: int, message: str, headers: dict[str, str] | None = None, title: str = ""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.title = title  # a heading other than 无法完成, for an answer that is not a failure


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


def _iso_filters(rulebook: Rulebook) -> dict[str, Callable[[str | None], str]]:
    """Template filters for the ISO dates and times of a `check --json` result: the page shows
    them in Chinese as every note does (`checks.labels`, the one home of that wording)."""
    tz = rulebook.meta.tz

    def day(value: str | None) -> str:
        return date_text(dt.date.fromisoformat(value[:10])) if value else ""

    def deadline(value: str | None) -> str:
        return deadline_text(dt.datetime.fromisoformat(value), tz) if value else ""

    return {"day": day, "deadline": deadline}


class Desk:
    """The state every page shares: the workspace, its rulebook, the guard and the templates.
    `prefect_url` answers the Prefect UI's address at the moment a page is drawn."""

    def __init__(
        self, ws: Workspace, rulebook: Rulebook, guard: Guard, prefect_url: Callable[[], str | None]
    ) -> None:
        self.ws = ws
        self.rulebook = rulebook
        self.guard = guard
        self.prefect_url = prefect_url
        self.env = _jinja()
        self.env.filters.update(_iso_filters(rulebook))
        self._reports: dict[tuple[object, ...], PeriodAssessment] = {}

    def report(self, period: Period, unit: str | None = None) -> PeriodAssessment:
        """The period's assessment (as `score` makes it) — or one unit's alone, for its own page —
        recomputed only when the ledger (or the day) has changed since the last view."""
        key = (period.key, unit, now(self.rulebook).date(), ledger_version(self.ws))
        if key not in self._reports:
            if len(self._reports) >= 64:
                self._reports.clear()
            self._reports[key] = (
                assessment(self.ws, period) if unit is None else unit_assessment(self.ws, period, unit)
            )
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
            protect=self.guard.protect,
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        if fresh:
            response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict")
        return response

    def clerk(self, request: Request) -> None:
        if not self.guard.allows(request.headers.get("authorization")):
            raise Refused(401, CLERK_ONLY, {"WWW-Authenticate": BASIC_CHALLENGE})

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
