"""The desk as one ASGI app: the page routers (`web.pages`), static assets, and 台账 under /ledger/.

Server-rendered HTML that works without JavaScript. Every page calls the service layer (the same
functions as the command line) and shows its Chinese refusals beside the form. The clerk's
pages ask for the password off loopback (`web.auth`); forms that change the ledger carry a CSRF
token signed per session and form. Uploads go to a temporary folder outside the workspace and
are deleted before the response is sent. This module only wires the pieces together.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from rules import Rulebook
from service.desk import prepare
from web.auth import Guard
from web.deps import not_served_page, refused_page, unreadable_request_page
from web.desk import HERE, Desk, Refused
from web.ledger_view import ASGIApp, with_ledger
from web.pages import adoptions, assessment, home, requests, selfcheck, submissions, unit
from workspace import Workspace

PREFECT_RECHECK_SECONDS = 5.0  # `watch` starts Prefect 10–30 s after the desk: look again this often
ROUTERS = (
    home.router,
    selfcheck.router,
    submissions.router,
    adoptions.router,
    requests.router,
    assessment.router,
    unit.router,
)


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


def create_app(
    ws: Workspace,
    rulebook: Rulebook,
    *,
    password_hash: str = "",
    protect: bool = False,
    prefect_url: str | None = None,
    ledger: bool = True,
) -> ASGIApp:
    """The desk as one ASGI app: FastAPI pages, and Datasette under /ledger/ when `ledger`.
    `prefect_url` fixes the Prefect link; without it each page looks the server up (`prefect_url_for`)."""
    prepare(ws)
    guard = Guard(password_hash, protect)
    fixed = prefect_url
    link = PrefectLink((lambda: fixed) if fixed else (lambda: prefect_url_for(ws)))
    api = FastAPI(title="draftdesk", docs_url=None, redoc_url=None, openapi_url=None)
    api.state.desk = Desk(ws, rulebook, guard, link)
    api.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    api.add_exception_handler(Refused, refused_page)
    api.add_exception_handler(HTTPException, not_served_page)
    api.add_exception_handler(RequestValidationError, unreadable_request_page)
    for router in ROUTERS:
        api.include_router(router)
    return with_ledger(api, ws, rulebook, guard) if ledger else api


def prefect_url_for(ws: Workspace) -> str | None:
    """The Prefect UI's address: `$PREFECT_API_URL`, else this workspace's local server if up."""
    api_url = os.environ.get("PREFECT_API_URL", "").strip()
    if not api_url:
        from flows.prefect_env import running_server

        api_url = running_server(ws) or ""
    return api_url.removesuffix("/api") or None
