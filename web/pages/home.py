"""The home page: links to every page, the Prefect UI when its server runs, and the last verify."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from web.deps import Open

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, desk: Open) -> Response:
    from service.verify import summary_line

    return desk.page(request, "home.html", protect=desk.guard.protect, verified=summary_line(desk.ws))
