"""A unit's own page, by its private link (`/u/<token>`): its drafts, what counted and why,
adoptions and fees, what it still owes, 报送 (checked first, sent on confirmation) and 自查
with the unit already chosen.

No password: the token is the key. A made-up or rotated token, or another unit's 稿件编号
under a valid one, answers 404 with nothing of any unit on the page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from service.desk import self_check
from service.errors import DeskError, UploadExpired
from service.send import send_staged, sent_state, stage_upload
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
    shown: dict[str, Any] = {"result": None, "error": None, "staged": None, "send_error": None, **context}
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
        return desk.page(
            request,
            "unit_missing.html",
            status=404,
            message="没有找到这份说明。",
            heading="没有找到",
            back=f"/u/{token}",
        )
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
            result = self_check(desk.ws, desk.rulebook, unit, ctype, saved, received or None, on_page=True)
    except DeskError as exc:
        return _page(desk, request, token, unit, error=str(exc))
    finally:
        await form.close()
    return _page(desk, request, token, unit, result=result)


@router.post("/u/{token}/send", response_class=HTMLResponse)
async def unit_send(request: Request, desk: Open, token: str) -> Response:
    """报送, first step: the upload is checked and kept aside; the page shows the 自查 answer
    and asks the unit to confirm."""
    unit = _unit(desk, request, token)
    if isinstance(unit, Response):
        return unit
    form = await desk.form(request, "send")
    try:
        with scratch("draftdesk-upload-") as tmp:
            saved = await save_uploads(uploads(form, "files"), tmp)
            staged = stage_upload(desk.ws, desk.rulebook, unit, text(form, "ctype"), saved)
    except DeskError as exc:
        return _page(desk, request, token, unit, send_error=str(exc))
    finally:
        await form.close()
    return _page(desk, request, token, unit, staged=staged)


@router.post("/u/{token}/send/confirm")
async def unit_send_confirm(request: Request, desk: Open, token: str) -> Response:
    """报送, second step: the upload goes into the unit's inbox folder (once, however often
    the unit confirms), and the browser is sent to the page that shows its receipt."""
    unit = _unit(desk, request, token)
    if isinstance(unit, Response):
        return unit
    form = await desk.form(request, "confirm")
    nonce = text(form, "nonce")
    try:
        send_staged(desk.ws, desk.rulebook, unit, nonce)
    except DeskError as exc:
        return _page(desk, request, token, unit, send_error=str(exc))
    return RedirectResponse(f"/u/{token}/sent/{nonce}", status_code=303)


@router.get("/u/{token}/sent/{nonce}", response_class=HTMLResponse)
def unit_sent(request: Request, desk: Open, token: str, nonce: str) -> Response:
    """已收到: where the draft went, and its receipt once intake has filed it."""
    unit = _unit(desk, request, token)
    if isinstance(unit, Response):
        return unit
    try:
        sent = sent_state(desk.ws, unit, nonce)
    except UploadExpired:
        return desk.page(
            request,
            "unit_missing.html",
            status=404,
            message="没有找到这次报送。",
            heading="没有找到",
            back=f"/u/{token}",
        )
    return desk.page(request, "unit_sent.html", unit=unit, token=token, sent=sent)


@router.get("/u/{token}/send")
@router.get("/u/{token}/check")
@router.get("/u/{token}/send/confirm")
def unit_form_again(token: str) -> Response:
    """A form's address opened again (a reload, a bookmark): back to the unit's page, nothing
    sent twice (an unknown token then answers there as any)."""
    return RedirectResponse(f"/u/{token}#send", status_code=303)
