"""Helpers for the intake tests: a real workspace on disk, drafts dropped where units drop them."""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from rules import Rulebook
from service.setup import init_workspace
from workspace import Workspace

NOW = "2021-03-12T15:00:00"
INSTANT = "即时通讯信息"


_TEMPLATE: list[Path] = []


def _initialised_template() -> Path:
    """One workspace made by `init_workspace` per test process, copied for each test: `init`
    makes ~240 folders and the adoption workbook (~0.8 s a test), a copy takes milliseconds.
    The files are the same (no path of the workspace is written into them)."""
    if not _TEMPLATE:
        base = Path(tempfile.mkdtemp(prefix="draftdesk-ws-template-"))
        atexit.register(shutil.rmtree, base, True)
        init_workspace(Workspace(base / "ws"))
        _TEMPLATE.append(base / "ws")
    return _TEMPLATE[0]


def workspace(root: Path, settle: float = 0.0) -> tuple[Workspace, Rulebook]:
    """An initialised workspace whose rulebook settles after `settle` seconds (written to its
    draftdesk.toml too, so subprocesses see the same value)."""
    ws = Workspace(root)
    if root.exists():
        init_workspace(ws)
    else:
        shutil.copytree(_initialised_template(), root)
    text = ws.rulebook_path.read_text(encoding="utf-8")
    text = text.replace("settle_seconds = 3.0", f"settle_seconds = {float(settle)}", 1)
    ws.rulebook_path.write_text(text, encoding="utf-8")
    rulebook = ws.rulebook()
    assert rulebook.intake.settle_seconds == settle
    return ws, rulebook


def with_settle(rulebook: Rulebook, seconds: float) -> Rulebook:
    return dataclasses.replace(rulebook, intake=dataclasses.replace(rulebook.intake, settle_seconds=seconds))


def drop(ws: Workspace, relpath: str | bytes, data: bytes) -> Path:
    """Write `data` at inbox/<relpath> (bytes paths allowed, for non-UTF-8 names)."""
    target = Path(os.fsdecode(os.path.join(os.fsencode(ws.inbox), os.fsencode(relpath))))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def outbox_items(ws: Workspace) -> list[Path]:
    """Every draft (file or bundle folder) filed in accepted/ or rejected/, notes and notices
    (退回说明, 未计入 beside a draft that is not counted, e.g. left to the office) left out."""
    found: list[Path] = []
    for base in (ws.accepted, ws.rejected):
        if not base.exists():
            continue
        for path in sorted(base.rglob("*")):
            if path.name.endswith((".退回说明.txt", ".未计入.txt")):
                continue
            rel = path.relative_to(base).parts
            depth = 3 if base == ws.accepted else 2  # accepted/<month>/<unit>/<item>, rejected/<unit>/<item>
            if len(rel) == depth:
                found.append(path)
    return found


def inbox_items(ws: Workspace) -> list[Path]:
    """Files left in the inbox, the receipts draftdesk wrote back (inbox/<unit>/回执/) left out."""
    return [
        p
        for p in ws.inbox.rglob("*")
        if (p.is_file() or p.is_symlink()) and p.relative_to(ws.inbox).parts[1:2] != ("回执",)
    ]


def receipts(ws: Workspace) -> list[Path]:
    """The receipts in every unit's receipt folder, sorted."""
    return sorted(ws.inbox.glob("*/回执/*.txt"))


class ManualClock:
    """A monotonic clock a test moves by hand (`advance`), for code that takes `clock=`: the
    settle time then passes at once instead of on the wall clock."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
