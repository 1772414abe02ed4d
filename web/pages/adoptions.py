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


def _entries(desk: Desk, month: str) -> tuple[adoptions.MonthEntries, str | None]:
    """The month's list, or this month's with the refusal when `month` cannot be read."""
    try:
        return adoptions.month_entries(desk.ws, desk.rulebook, month or None), None
    except DeskError as exc:
        return adoptions.month_entries(desk.ws, desk.rulebook), say(exc)


def _page(desk: Desk, request: Request, status: int = 200, month: str = "", **context: Any) -> Response:
    context.setdefault("done", [])
    context.setdefault("error", None)
    context.setdefault("problems", [])
    context.setdefault("request_lines", requests.listing(desk.ws, desk.rulebook))
    entries, month_error = _entries(desk, month)
    if month_error and not context["error"]:
        context["error"], status = month_error, 400
    today = now(desk.rulebook).date()
    return desk.page(request, "adopt.html", status=status, today=today, entries=entries, **context)


def _refused(desk: Desk, request: Request, exc: DeskError, month: str = "") -> Response:
    if isinstance(exc, BadRows):
        return _page(
            desk,
            request,
            400,
            month=month,
            error=exc.heading,
            problems=[str(p) for p in exc.problems],
            hint=exc.hint,
        )
    return _page(desk, request, 400, month=month, error=say(exc))


@router.get("/adopt", response_class=HTMLResponse)
def adopt_page(request: Request, desk: Clerk, answer: str = "", month: str = "") -> Response:
    """`answer`: the 稿件编号 the 收稿 page's 答复约稿 link fills into the 约稿答复 form;
    `month`: whose adoptions, withdrawals and 约稿 to list (this month when empty)."""
    return _page(desk, request, month=month, answer=answer if answer.isdigit() else "")


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
        entered = adoptions.adopt(
            desk.ws, desk.rulebook, [item], source="网页登记", actor=clerk_actor(request)
        )
    except DeskError as exc:
        return _refused(desk, request, exc)
    return _page(desk, request, done=[e.sentence() for e in entered])


@router.post("/adopt/edit", response_class=HTMLResponse)
async def edit_post(request: Request, desk: Clerk) -> Response:
    """One listed adoption's 修改: its date, fee and bonus as the row's form now holds them."""
    form = await desk.form(request, "edit", limit=SMALL_FORM)
    month, raw_id = text(form, "month"), text(form, "adoption_id")
    if not raw_id.isdigit():
        return _page(desk, request, 400, month=month, error="要修改的录用不明，请刷新录用登记页后再试。")
    try:
        entered = adoptions.edit(
            desk.ws,
            desk.rulebook,
            int(raw_id),
            text(form, "date") or None,
            number(text(form, "fee"), "fee"),
            number(text(form, "bonus"), "bonus"),
            actor=clerk_actor(request),
        )
    except DeskError as exc:
        return _refused(desk, request, exc, month)
    return _page(desk, request, month=month, done=[entered.sentence()])


@router.post("/adopt/withdraw", response_class=HTMLResponse)
async def withdraw_post(request: Request, desk: Clerk) -> Response:
    form = await desk.form(request, "withdraw", limit=SMALL_FORM)
    month, raw_id = text(form, "month"), text(form, "submission_id")
    if not raw_id.isdigit():
        return _page(
            desk,
            request,
            400,
            month=month,
            error=f"{say(bad_number('submission_id', raw_id))}，未撤销任何录用。",
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
        return _refused(desk, request, exc, month)
    return _page(desk, request, month=month, done=[withdrawn.sentence()])


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
            entered = adoptions.adopt_sheet(
                desk.ws, desk.rulebook, saved.path.rename(tmp / name), actor=clerk_actor(request)
            )
    except DeskError as exc:
        return _refused(desk, request, exc)
    finally:
        await form.close()
    return _page(desk, request, done=[e.sentence() for e in entered])


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
        return _refused(desk, request, exc, text(form, "month"))
    return _page(desk, request, month=assigned.period.key, done=[assigned.sentence()])
