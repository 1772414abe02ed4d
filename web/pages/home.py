"""The home page: links to every page, the Prefect UI when its server runs, and intake at a
glance (the server's state, and how and when the inbox was last swept)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from web.deps import Open

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, desk: Open) -> Response:
    from service.status import intake_glance

    return desk.page(
        request, "home.html", protect=desk.guard.protect, intake=intake_glance(desk.ws, desk.prefect_url())
    )
