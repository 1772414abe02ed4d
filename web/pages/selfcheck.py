"""自查: the office checks a draft before it is sent, for any unit; nothing is filed. Off
127.0.0.1 it asks for the password like every office page: a unit checks on its own page."""

from __future__ import annotations

import datetime as dt
import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service.desk import self_check
from service.errors import DeskError
from web.deps import Clerk
from web.forms import save_uploads, scratch, text, uploads
from web.wording import say

router = APIRouter()
# 2021-03-12T10:30 (the browser's date-time box), 2021-03-12 10:30, 2021/3/12 10:30, 2021年3月12日 10:30
WHEN = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*[T\s]\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*分?)?"
)


def received_at(text: str) -> str | None:
    """The 收稿时间 box (2021年3月12日 10:30, or any of `WHEN`) as the service reads it, or None (now); a Chinese refusal when it is no time."""
    if not text:
        return None
    found = WHEN.fullmatch(text.strip())
    try:
        if not found:
            raise ValueError(text)
        year, month, day, hour, minute = (int(g) if g else 0 for g in found.groups())
        return dt.datetime(year, month, day, hour, minute).isoformat(timespec="minutes")
    except ValueError:
        raise DeskError(f"收稿时间“{text}”无法识别，请写成 2021年3月12日 10:30。") from None


@router.get("/check", response_class=HTMLResponse)
def check_page(request: Request, desk: Clerk) -> Response:
    return desk.page(request, "check.html", result=None, error=None, chosen={})


@router.post("/check", response_class=HTMLResponse)
async def check_post(request: Request, desk: Clerk) -> Response:
    form = await desk.form(request, "check")
    chosen = {k: text(form, k) for k in ("unit", "ctype", "received")}
    try:
        with scratch("draftdesk-upload-") as tmp:
            saved = await save_uploads(uploads(form, "files"), tmp)
            when = received_at(chosen["received"])
            result = self_check(desk.ws, desk.rulebook, chosen["unit"], chosen["ctype"], saved, when)
    except DeskError as exc:
        return desk.page(request, "check.html", status=400, result=None, error=say(exc), chosen=chosen)
    finally:
        await form.close()
    return desk.page(request, "check.html", result=result, error=None, chosen=chosen)
