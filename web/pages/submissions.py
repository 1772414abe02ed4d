"""收稿: the month's filed drafts with filters, each draft's note, and downloads of its files."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from service.desk import list_month, month_period, note_file_of, note_of, original_of
from service.errors import DeskError
from service.events import list_events
from web.deps import Clerk
from web.desk import Refused
from web.forms import attachment
from web.wording import say
from workspace import now

router = APIRouter()
ROWS_PER_PAGE = 200


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
    found = list_month(
        desk.ws,
        desk.rulebook,
        period,
        unit=unit or None,
        content_type=ctype or None,
        verdict=verdict or None,
        rule=rule or None,
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
    )


def _note(desk: Clerk, submission_id: int) -> tuple[str, str]:
    try:
        return note_of(desk.ws, submission_id)
    except DeskError as exc:
        raise Refused(404, say(exc)) from None


@router.get("/intake/{submission_id}/note", response_class=HTMLResponse)
def note_page(request: Request, desk: Clerk, submission_id: int) -> Response:
    text, name = _note(desk, submission_id)
    events = [e.line() for e in list_events(desk.ws, submission_id)]
    return desk.page(request, "note.html", text=text, name=name, submission_id=submission_id, events=events)


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
