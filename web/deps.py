"""FastAPI dependencies every page router uses: the app's `Desk`, and the clerk's password check.

A route that declares `desk: Clerk` is refused (401) before its body runs when the password is
missing, so no form is read and nothing is changed for a stranger.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from web.desk import Desk, Refused


def desk_of(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def clerk_desk(request: Request, desk: Annotated[Desk, Depends(desk_of)]) -> Desk:
    desk.clerk(request)
    return desk


Open = Annotated[Desk, Depends(desk_of)]
Clerk = Annotated[Desk, Depends(clerk_desk)]


UNIT_PREFIX = "/u/"
UNIT_NOT_SERVED = "没有这个页面。请用街道办公室发给本单位的链接打开本单位的页面。"


def for_unit(request: Request) -> bool:
    """Whether the request is under a unit's link: its refusals use the unit's plain layout,
    with no office menu and no office link."""
    return request.url.path.startswith(UNIT_PREFIX)


async def refused_page(request: Request, exc: Exception) -> Response:
    """Every `Refused` as the desk's Chinese page, with its status and headers."""
    assert isinstance(exc, Refused)
    template = "unit_missing.html" if for_unit(request) else "refused.html"
    response = desk_of(request).page(
        request, template, status=exc.status, message=exc.message, title=exc.title
    )
    response.headers.update(exc.headers)
    return response


# The framework's own refusals (no such route, a route asked the wrong way) in the desk's words.
NOT_SERVED = {
    404: "没有这个页面。请检查地址，或从首页进入。",
    405: "这个页面不接受这样的请求。请从页面上的链接或表单进入。",
}


async def not_served_page(request: Request, exc: Exception) -> Response:
    """A 404 or 405 as the desk's Chinese page (not FastAPI's English JSON); other statuses as
    the framework answers them."""
    assert isinstance(exc, HTTPException)
    if exc.status_code not in NOT_SERVED:
        return await http_exception_handler(request, exc)
    message = UNIT_NOT_SERVED if for_unit(request) else NOT_SERVED[exc.status_code]
    return await refused_page(request, Refused(exc.status_code, message, dict(exc.headers or {})))


async def unreadable_request_page(request: Request, exc: Exception) -> Response:
    """A request FastAPI cannot read (a 稿件编号 that is not a number, a page number that is not
    one): a bad address answers as no such page, a bad field as 400 — in Chinese, never the
    framework's English JSON."""
    assert isinstance(exc, RequestValidationError)
    in_path = any(str(error.get("loc", ("",))[0]) == "path" for error in exc.errors())
    if in_path:
        return await refused_page(
            request, Refused(404, UNIT_NOT_SERVED if for_unit(request) else NOT_SERVED[404])
        )
    return await refused_page(request, Refused(400, "请求的内容无法识别，请从页面上的链接或表单进入。"))
