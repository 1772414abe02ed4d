"""自查: a unit checks a draft before sending it; open to every visitor, nothing is filed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service.desk import self_check
from service.errors import DeskError
from web.deps import Open
from web.forms import save_uploads, scratch, text, uploads
from web.wording import say

router = APIRouter()


@router.get("/check", response_class=HTMLResponse)
def check_page(request: Request, desk: Open) -> Response:
    return desk.page(request, "check.html", result=None, error=None, chosen={})


@router.post("/check", response_class=HTMLResponse)
async def check_post(request: Request, desk: Open) -> Response:
    form = await desk.form(request, "check")
    chosen = {k: text(form, k) for k in ("unit", "ctype", "received")}
    try:
        with scratch("draftdesk-upload-") as tmp:
            saved = await save_uploads(uploads(form, "files"), tmp)
            result = self_check(
                desk.ws, desk.rulebook, chosen["unit"], chosen["ctype"], saved, chosen["received"] or None
            )
    except DeskError as exc:
        return desk.page(request, "check.html", status=400, result=None, error=say(exc), chosen=chosen)
    finally:
        await form.close()
    return desk.page(request, "check.html", result=result, error=None, chosen=chosen)
