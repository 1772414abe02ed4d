"""收稿: the month's filed drafts with filters, each draft's note, and downloads of its files."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from service import decisions
from service.desk import list_month, month_period, note_file_of, note_of, original_of
from service.errors import DeskError, UnknownDraft
from service.events import list_events
from web.deps import Clerk
from web.desk import Refused
from web.forms import attachment, clerk_actor, text
from web.pages.adoptions import SMALL_FORM
from web.wording import say
from workspace import now

router = APIRouter()
ROWS_PER_PAGE = 200
PENDING = "pending"  # the 结果 filter's value for 待核定
# The 核定 form's choices, as `service.decisions` names them, and their labels.
CHOICES = {
    "accept": "核定为合格（计入）",
    "reject": "核定为退回",
    "count": "计入考核",
    "not_count": "不计入考核",
    "undo": "撤销核定",
}


@router.get("/intake", response_class=HTMLResponse)
def intake_page(
    request: Request,
    desk: Clerk,
    month: str = "",
    unit: str = "",
    ctype: str = "",
    verdict: str = "",
    rule: str = "",
    page: int = 1,
) -> Response:
    try:
        period = month_period(month, now(desk.rulebook).date())
    except DeskError as exc:
        raise Refused(400, say(exc)) from None
    chosen = {"month": period.key, "unit": unit, "ctype": ctype, "verdict": verdict, "rule": rule}
    pending = verdict == PENDING  # 待核定: drafts whose note leaves them to the office
    found = list_month(
        desk.ws,
        desk.rulebook,
        period,
        unit=unit or None,
        content_type=ctype or None,
        verdict=None if pending else verdict or None,
        rule=rule or None,
        pending=pending,
        page=page,
        per_page=ROWS_PER_PAGE,
    )
    return desk.page(
        request,
        "intake.html",
        rows=found.rows,
        total=found.total,
        totals={v: found.totals.get(v, 0) for v in ("accepted", "rejected", "officer")},
        page=found.page,
        page_count=found.pages,
        query=urlencode({k: v for k, v in chosen.items() if v}),
        period=period,
        chosen=chosen,
        choices=CHOICES,
    )


def _note_or_none(desk: Clerk, submission_id: int) -> tuple[str | None, str | None]:
    """The note and its file name; (None, None) for a draft that has none (a 合格 draft can
    still be decided on its page); an unknown 稿件编号 is refused."""
    try:
        return note_of(desk.ws, submission_id)
    except UnknownDraft as exc:
        if exc.missing == "note":
            return None, None
        raise Refused(404, say(exc)) from None
    except DeskError as exc:
        raise Refused(404, say(exc)) from None


def _note_page(
    request: Request, desk: Clerk, submission_id: int, status: int = 200, **context: object
) -> Response:
    text, name = _note_or_none(desk, submission_id)
    events = [e.line() for e in list_events(desk.ws, submission_id)]
    return desk.page(
        request,
        "note.html",
        status,
        text=text,
        name=name,
        submission_id=submission_id,
        events=events,
        choices=CHOICES,
        **context,
    )


@router.get("/intake/{submission_id}/note", response_class=HTMLResponse)
def note_page(request: Request, desk: Clerk, submission_id: int) -> Response:
    return _note_page(request, desk, submission_id)


@router.post("/intake/{submission_id}/decide", response_class=HTMLResponse)
async def decide_post(request: Request, desk: Clerk, submission_id: int) -> Response:
    """核定 from the 收稿 row or the note page: the choice and its reason, then the draft's page
    with what was decided (or the refusal beside the form)."""
    form = await desk.form(request, "decide", limit=SMALL_FORM)
    choice = text(form, "choice")
    if choice not in CHOICES:
        return _note_page(request, desk, submission_id, 400, error="请选择一种核定。")
    try:
        done = decisions.decide(
            desk.ws, desk.rulebook, submission_id, choice, text(form, "reason"), actor=clerk_actor(request)
        )
    except UnknownDraft as exc:
        raise Refused(404, say(exc)) from None
    except DeskError as exc:
        return _note_page(request, desk, submission_id, 400, error=say(exc))
    return _note_page(request, desk, submission_id, done=done.sentence())


@router.get("/intake/{submission_id}/note.txt")
def note_download(desk: Clerk, submission_id: int) -> Response:
    """Byte for byte the outbox's note (BOM and CRLF for Notepad), never re-encoded."""
    try:
        data, name = note_file_of(desk.ws, submission_id)
    except DeskError as exc:
        raise Refused(404, str(exc)) from None
    return Response(data, media_type="text/plain; charset=utf-8", headers=attachment(name))


@router.get("/intake/{submission_id}/original")
def original_download(desk: Clerk, submission_id: int) -> Response:
    try:
        content, name = original_of(desk.ws, submission_id)
    except DeskError as exc:
        raise Refused(404, say(exc)) from None
    if isinstance(content, Path):
        return FileResponse(content, headers=attachment(name))
    return Response(content, media_type="application/zip", headers=attachment(name))
