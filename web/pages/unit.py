"""A unit's own page, by its private link (`/u/<token>`): its drafts, what counted and why,
adoptions and fees, what it still owes, and 自查 with the unit already chosen.

No password: the token is the key. A made-up or rotated token, or another unit's 稿件编号
under a valid one, answers 404 with nothing of any unit on the page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service.desk import self_check
from service.errors import DeskError
from service.unit_page import unit_note, unit_page
from service.units import unit_for_token
from web.deps import Open
from web.desk import Desk
from web.forms import attachment, save_uploads, scratch, text, uploads

router = APIRouter()
NOT_FOUND = "链接无效或已更换。请向街道办公室索取本单位的新链接。"


def _unit(desk: Desk, request: Request, token: str) -> str | Response:
    unit = unit_for_token(desk.ws, token)
    if unit is None:
        return desk.page(request, "unit_missing.html", status=404, message=NOT_FOUND)
    return unit


def _page(desk: Desk, request: Request, token: str, unit: str, **context: Any) -> Response:
    page = unit_page(desk.ws, desk.rulebook, unit, lambda period: desk.report(period, unit))
    shown: dict[str, Any] = {"result": None, "error": None, **context}
    return desk.page(request, "unit.html", p=page, token=token, **shown)


@router.get("/u/{token}", response_class=HTMLResponse)
def unit_home(request: Request, desk: Open, token: str) -> Response:
    unit = _unit(desk, request, token)
    return unit if isinstance(unit, Response) else _page(desk, request, token, unit)


@router.get("/u/{token}/note/{submission_id}")
def unit_note_download(request: Request, desk: Open, token: str, submission_id: int) -> Response:
    unit = _unit(desk, request, token)
    if isinstance(unit, Response):
        return unit
    try:
        content, name = unit_note(desk.ws, unit, submission_id)
    except DeskError:
        return desk.page(request, "unit_missing.html", status=404, message="没有找到这份说明。")
    return Response(content, media_type="text/plain; charset=utf-8", headers=attachment(name))


@router.post("/u/{token}/check", response_class=HTMLResponse)
async def unit_check(request: Request, desk: Open, token: str) -> Response:
    unit = _unit(desk, request, token)
    if isinstance(unit, Response):
        return unit
    form = await desk.form(request, "check")
    ctype, received = text(form, "ctype"), text(form, "received")
    try:
        with scratch("draftdesk-upload-") as tmp:
            saved = await save_uploads(uploads(form, "files"), tmp)
            result = self_check(desk.ws, desk.rulebook, unit, ctype, saved, received or None)
    except DeskError as exc:
        return _page(desk, request, token, unit, error=str(exc))
    finally:
        await form.close()
    return _page(desk, request, token, unit, result=result)
