"""Reading posted forms and writing downloads: the small helpers the page routers share."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.requests import Request

from service.desk import Upload
from service.errors import bad_number
from service.events import Actor
from web.desk import Refused
from web.wording import say

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text(form: Any, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def number(raw: str, field: str) -> float | None:
    """`raw` as a number, or the refusal naming `field` (a `service.errors` field)."""
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise Refused(400, f"{say(bad_number(field, raw))}。") from None


def uploads(form: Any, key: str) -> list[UploadFile]:
    return [f for f in form.getlist(key) if isinstance(f, UploadFile)]


async def save_uploads(files: list[UploadFile], folder: Path) -> list[Upload]:
    saved: list[Upload] = []
    for index, upload in enumerate(files):
        if not upload.filename:
            continue
        target = folder / f"{index:03d}"
        with target.open("wb") as out:
            while chunk := await upload.read(1 << 20):
                out.write(chunk)
        saved.append(Upload(upload.filename, target))
    return saved


@contextmanager
def scratch(prefix: str) -> Iterator[Path]:
    """A temporary folder outside the workspace, deleted however the request ends."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}


CLERK = "办公室"


def clerk_actor(request: Request) -> Actor:
    """Who changes the record from the desk, for the log: the office's clerk and the client's address."""
    return Actor(CLERK, request.client.host if request.client else None)
