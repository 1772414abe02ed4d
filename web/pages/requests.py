"""约稿 on 录用登记: issue one (topic, units, deadline), close one, and pick the draft that
answers one — the forms of `draftdesk request new | close | answer`, on the same page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service import requests
from service.errors import DeskError
from web.deps import Clerk
from web.forms import clerk_actor, text
from web.pages.adoptions import SMALL_FORM, _page, _refused

router = APIRouter()


def _whole(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


@router.post("/adopt/request", response_class=HTMLResponse)
async def request_new(request: Request, desk: Clerk) -> Response:
    form = await desk.form(request, "request", limit=SMALL_FORM)
    units = "、".join(u for u in form.getlist("units") if isinstance(u, str)) or text(form, "units_text")
    try:
        issued = requests.new_request(
            desk.ws,
            desk.rulebook,
            text(form, "topic"),
            units,
            text(form, "deadline"),
            actor=clerk_actor(request),
        )
    except DeskError as exc:
        return _refused(desk, request, exc)
    return _page(desk, request, done=[issued.sentence()])


@router.post("/adopt/request/close", response_class=HTMLResponse)
async def request_close(request: Request, desk: Clerk) -> Response:
    form = await desk.form(request, "request-close", limit=SMALL_FORM)
    number = _whole(text(form, "request_id"))
    if number is None:
        return _page(desk, request, 400, error=f"约稿编号“{text(form, 'request_id')}”不是数字。")
    try:
        line = requests.close(
            desk.ws, desk.rulebook, number, text(form, "reason") or None, actor=clerk_actor(request)
        )
    except DeskError as exc:
        return _refused(desk, request, exc)
    return _page(desk, request, done=[line])


@router.post("/adopt/request/answer", response_class=HTMLResponse)
async def request_answer(request: Request, desk: Clerk) -> Response:
    form = await desk.form(request, "request-answer", limit=SMALL_FORM)
    number, draft = _whole(text(form, "request_id")), _whole(text(form, "submission_id"))
    if number is None or draft is None:
        return _page(desk, request, 400, error="请填写约稿编号和稿件编号（数字）。")
    try:
        line = requests.answer_request(desk.ws, desk.rulebook, number, draft, actor=clerk_actor(request))
    except DeskError as exc:
        return _refused(desk, request, exc)
    return _page(desk, request, done=[line])
