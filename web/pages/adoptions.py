"""录用登记: record an adoption, withdraw one, import the office's sheet, and set a month's 约稿."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service import adoptions, requests
from service.errors import BadRows, DeskError, bad_number, not_whole
from web.deps import Clerk
from web.desk import Desk
from web.forms import XLSX, attachment, clerk_actor, number, save_uploads, scratch, text, uploads
from web.wording import say
from workspace import now

router = APIRouter()
SMALL_FORM = 64 * 1024


def _page(desk: Desk, request: Request, status: int = 200, **context: Any) -> Response:
    context.setdefault("done", [])
    context.setdefault("error", None)
    context.setdefault("problems", [])
    context.setdefault("request_lines", requests.listing(desk.ws, desk.rulebook))
    return desk.page(request, "adopt.html", status=status, today=now(desk.rulebook).date(), **context)


def _refused(desk: Desk, request: Request, exc: DeskError) -> Response:
    if isinstance(exc, BadRows):
        return _page(
            desk, request, 400, error=exc.heading, problems=[str(p) for p in exc.problems], hint=exc.hint
        )
    return _page(desk, request, 400, error=say(exc))


@router.get("/adopt", response_class=HTMLResponse)
def adopt_page(request: Request, desk: Clerk, answer: str = "") -> Response:
    """`answer`: the 稿件编号 the 收稿 page's 答复约稿 link fills into the 约稿答复 form."""
    return _page(desk, request, answer=answer if answer.isdigit() else "")


@router.post("/adopt", response_class=HTMLResponse)
async def adopt_post(request: Request, desk: Clerk) -> Response:
    form = await desk.form(request, "adopt", limit=SMALL_FORM)
    item = adoptions.AdoptionInput(
        "网页登记",
        text(form, "submission_id"),
        text(form, "outlet"),
        text(form, "date") or None,
        number(text(form, "fee"), "fee"),
        number(text(form, "bonus"), "bonus"),
    )
    try:
        lines = adoptions.adopt(desk.ws, desk.rulebook, [item], source="网页登记", actor=clerk_actor(request))
    except DeskError as exc:
        return _refused(desk, request, exc)
    return _page(desk, request, done=[f"已登记录用：{line}" for line in lines])


@router.post("/adopt/withdraw", response_class=HTMLResponse)
async def withdraw_post(request: Request, desk: Clerk) -> Response:
    form = await desk.form(request, "withdraw", limit=SMALL_FORM)
    raw_id = text(form, "submission_id")
    if not raw_id.isdigit():
        return _page(
            desk, request, 400, error=f"{say(bad_number('submission_id', raw_id))}，未撤销任何录用。"
        )
    try:
        withdrawn = adoptions.unadopt(
            desk.ws,
            desk.rulebook,
            int(raw_id),
            text(form, "outlet"),
            text(form, "date") or None,
            text(form, "reason") or None,
            actor=clerk_actor(request),
        )
    except DeskError as exc:
        return _refused(desk, request, exc)
    return _page(desk, request, done=[withdrawn.sentence()])


@router.post("/adopt/sheet", response_class=HTMLResponse)
async def sheet_post(request: Request, desk: Clerk) -> Response:
    form = await desk.form(request, "sheet")
    files = uploads(form, "sheet")
    if not files or not files[0].filename:
        return _page(desk, request, 400, error="请选择要导入的录用登记表（.xlsx）。")
    name = Path(files[0].filename.replace("\\", "/")).name
    if not name.lower().endswith(".xlsx") or name.startswith("."):
        return _page(desk, request, 400, error=f"“{name}”不是 .xlsx 录用登记表，未登记任何录用。")
    try:
        with scratch("draftdesk-sheet-") as tmp:
            (saved,) = await save_uploads(files[:1], tmp)
            lines = adoptions.adopt_sheet(
                desk.ws, desk.rulebook, saved.path.rename(tmp / name), actor=clerk_actor(request)
            )
    except DeskError as exc:
        return _refused(desk, request, exc)
    finally:
        await form.close()
    return _page(desk, request, done=[f"已登记录用：{line}" for line in lines])


@router.get("/adopt/template.xlsx")
def template_download(desk: Clerk) -> Response:
    from reports.workbook import TEMPLATE_NAME, write_adoption_template

    with tempfile.TemporaryDirectory(prefix="draftdesk-template-") as tmp:
        data = write_adoption_template(Path(tmp) / "t.xlsx", desk.rulebook.outlets).read_bytes()
    return Response(data, media_type=XLSX, headers=attachment(TEMPLATE_NAME))


@router.post("/adopt/assign", response_class=HTMLResponse)
async def assign_post(request: Request, desk: Clerk) -> Response:
    form = await desk.form(request, "assign", limit=SMALL_FORM)
    raw = text(form, "count")
    try:
        count = int(raw)
    except ValueError:
        return _page(desk, request, 400, error=say(not_whole("count", raw)))
    try:
        assigned = adoptions.assign(
            desk.ws, desk.rulebook, text(form, "month"), text(form, "unit"), count, actor=clerk_actor(request)
        )
    except DeskError as exc:
        return _refused(desk, request, exc)
    return _page(desk, request, done=[assigned.sentence()])
