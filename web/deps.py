"""FastAPI dependencies every page router uses: the app's `Desk`, and the clerk's password check.

A route that declares `desk: Clerk` is refused (401) before its body runs when the password is
missing, so no form is read and nothing is changed for a stranger.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from web.desk import Desk, Refused


def desk_of(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def clerk_desk(request: Request, desk: Annotated[Desk, Depends(desk_of)]) -> Desk:
    desk.clerk(request)
    return desk


Open = Annotated[Desk, Depends(desk_of)]
Clerk = Annotated[Desk, Depends(clerk_desk)]


async def refused_page(request: Request, exc: Exception) -> Response:
    """Every `Refused` as the desk's Chinese page, with its status and headers."""
    assert isinstance(exc, Refused)
    response = desk_of(request).page(
        request, "refused.html", status=exc.status, message=exc.message, title=exc.title
    )
    response.headers.update(exc.headers)
    return response
