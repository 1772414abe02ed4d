"""What the browser desk asks of the library beyond the CLI's commands.

自查 lays uploads out in a throwaway inbox (identity comes from the folder, as in the inbox) and
judges them by the real workspace's rulebook for the received year;
收稿 lists a month's submissions and hands out a submission's original and note by ledger ID —
never by a path from a request.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from ledger.desk import month_index, open_read_only, scoring_version, submission_files, submissions_by_id
from ledger.schema import open_ledger
from reports.behind import UnitFigures, figures_behind
from reports.period import PeriodAssessment
from rules import Rulebook
from rules.periods import Period, parse_period
from rules.times import parse_instant
from service.check import check_files, received_time
from service.errors import (
    UnknownDraft,
    bad_file_name,
    bad_month,
    duplicate_uploads,
    no_upload,
    not_one_draft,
    unknown_type,
    unknown_unit,
    unsupported_uploads,
)
from workspace import Workspace, is_inside

DOCUMENTS = (".docx", ".doc", ".wps")
BUNDLES = (".zip",)


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the browser gave and where the desk saved its bytes."""

    name: str
    path: Path


def _safe_name(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name.strip()
    if not base or base in {".", ".."} or base.startswith("."):
        raise bad_file_name(name)
    return base


def self_check(
    ws: Workspace,
    rulebook: Rulebook,
    unit: str,
    type_name: str,
    uploads: Sequence[Upload],
    received: str | None,
    sending: bool = False,
    on_page: bool = False,
) -> dict[str, Any]:
    """Judge one upload (a document, a .zip bundle, or a document plus photos) as the intake
    of `ws` would for `unit`/`type_name`: by `ws`'s rulebook for the received year, with the
    files laid out in a throwaway inbox deleted before returning (nothing is written to `ws`).
    `sending`: the check before a 报送 is confirmed (the note says what confirming does);
    `on_page`: a 自查 on the unit's own page (the note points to the page's 报送, not the inbox).
    Raises `BadInput`/`UnknownUnit` (Chinese) for a request that cannot be judged."""
    received_at = received_time(received, rulebook)
    year_rules = ws.rulebook_for(received_at.year)
    rulebook = year_rules.rulebook
    found = rulebook.unit_named(unit)
    if found is None:
        raise unknown_unit(unit, rulebook)
    ctype = rulebook.type_named(type_name)
    if ctype is None:
        from checks.identity import valid_types_text

        raise unknown_type(type_name, valid_types_text(rulebook))
    names, documents = _one_draft(uploads, rulebook)
    with tempfile.TemporaryDirectory(prefix="draftdesk-selfcheck-") as tmp:
        scratch = Workspace(Path(tmp))
        folder = scratch.inbox / found.name / ctype.name
        if len(uploads) == 1:
            target = folder / names[0]
            target.parent.mkdir(parents=True)
            shutil.copyfile(uploads[0].path, target)
        else:  # a document plus photos: a bundle folder named after the document
            target = folder / PurePath(documents[0]).stem
            target.mkdir(parents=True)
            for upload, name in zip(uploads, names, strict=True):
                shutil.copyfile(upload.path, target / name)
        (result,) = check_files(
            scratch,
            rulebook,
            [target],
            received_at,
            year_rules=year_rules,
            history=ws,
            sending=sending,
            on_page=on_page,
        )
    result["path"] = documents[0] if len(uploads) == 1 else f"{documents[0]} 等 {len(uploads)} 个文件"
    return result


def _one_draft(uploads: Sequence[Upload], rulebook: Rulebook) -> tuple[list[str], list[str]]:
    """The uploads' safe names and the document among them: exactly one document (or .zip) and
    photos, no two of the same name; raises `BadInput` otherwise."""
    if not uploads:
        raise no_upload()
    photo_exts = tuple(e if e.startswith(".") else f".{e}" for e in rulebook.images.photo_extensions)
    names = [_safe_name(u.name) for u in uploads]
    suffixes = [PurePath(n).suffix.lower() for n in names]
    documents = [n for n, s in zip(names, suffixes, strict=True) if s in DOCUMENTS + BUNDLES]
    others = [n for n, s in zip(names, suffixes, strict=True) if s not in DOCUMENTS + BUNDLES + photo_exts]
    if others:
        raise unsupported_uploads(others)
    if len(documents) != 1:
        raise not_one_draft()
    if len(set(names)) != len(names):
        raise duplicate_uploads()
    return names, documents


def month_period(month: str | None, today: dt.date) -> Period:
    """`2021-03`, or this month when empty; raises `BadInput`."""
    text = (month or "").strip() or today.strftime("%Y-%m")
    try:
        period = parse_period(text)
    except ValueError:
        period = None
    if period is None or period.kind != "month":
        raise bad_month(text)
    return period


@dataclass(frozen=True)
class MonthPage:
    """One page of a month's submissions, with the whole month's totals."""

    rows: list[dict[str, Any]]
    total: int
    totals: dict[str, int]
    page: int
    pages: int


def list_month(
    ws: Workspace,
    rulebook: Rulebook,
    period: Period,
    *,
    unit: str | None = None,
    content_type: str | None = None,
    verdict: str | None = None,
    rule: str | None = None,
    pending: bool = False,
    page: int = 1,
    per_page: int = 200,
) -> MonthPage:
    """The month's submissions (office-local received day inside the month), newest first:
    page `page` of them read in full, and the counts of all of them by verdict."""
    db = open_read_only(ws.ledger_path)
    try:
        index = month_index(
            db,
            period.start,
            period.end,
            unit=unit,
            content_type=content_type,
            verdict=verdict,
            rule=rule,
            pending=pending,
        )
        kept: list[tuple[int, dt.datetime]] = []
        totals: dict[str, int] = {}
        for sid, received_at, outcome in index:
            try:
                received = parse_instant(received_at, rulebook.meta.tz)
            except ValueError:
                continue
            if period.contains(received.date()):
                kept.append((sid, received))
                totals[outcome] = totals.get(outcome, 0) + 1
        pages = max(1, -(-len(kept) // per_page))
        page = min(max(page, 1), pages)
        shown = kept[(page - 1) * per_page : page * per_page]
        rows = submissions_by_id(db, [sid for sid, _ in shown])
    finally:
        db.close()
    when = dict(shown)
    for row in rows:
        row["received"] = when[row["id"]]
        row["rules"] = [r for r in (row.get("rules") or "").split(",") if r]
    return MonthPage(rows, len(kept), totals, page, pages)


def _files(ws: Workspace, submission_id: int) -> dict[str, Any]:
    db = open_read_only(ws.ledger_path)
    try:
        row = submission_files(db, submission_id)
    finally:
        db.close()
    if row is None:
        raise UnknownDraft(submission_id)
    return row


def note_of(ws: Workspace, submission_id: int) -> tuple[str, str]:
    """A submission's note as the unit received it — the 退回说明 of a rejected draft, or the
    未计入 notice of an accepted draft that does not count — and a file name for it."""
    return _note_of_row(ws, _files(ws, submission_id), submission_id)


def _note_of_row(ws: Workspace, row: dict[str, Any], submission_id: int) -> tuple[str, str]:
    """`note_of` of a row already read."""
    from intake.decided import note_in_force
    from intake.filing import NOTE_SUFFIX, NOTICE_SUFFIX

    DECISION_SUFFIX = ".核定说明.txt"  # shown on the desk only: no such file is filed

    text = note_in_force(row, ws.rulebook())  # the office's 核定 over the machine's note
    if not text and row.get("note_path"):
        path = ws.root / str(row["note_path"])
        if is_inside(path, ws.outbox) and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
    if not text:
        raise UnknownDraft(submission_id, "note")
    if row.get("verdict") != "accepted":
        suffix = NOTE_SUFFIX
    else:  # a counted draft has a note only when the office decided it: its 核定说明
        suffix = NOTICE_SUFFIX if not row.get("effective_counted") else DECISION_SUFFIX
    return str(text), f"{PurePath(str(row.get('original_name') or submission_id)).stem}{suffix}"


def note_file_of(ws: Workspace, submission_id: int) -> tuple[bytes, str]:
    """The note as a download: byte for byte the outbox's file (UTF-8 with a BOM, CRLF), or,
    when that file is gone, the ledger's copy written the same way (`checks.notes.note_bytes`)."""
    from checks.notes import note_bytes

    row = _files(ws, submission_id)  # read once for the text and the file
    text, name = _note_of_row(ws, row, submission_id)
    stored = str(row.get("note_path") or "")
    path = ws.root / stored if stored else None
    if path is not None and is_inside(path, ws.outbox) and path.is_file():
        return path.read_bytes(), name
    return note_bytes(text), name


def original_of(ws: Workspace, submission_id: int) -> tuple[bytes | Path, str]:
    """A submission's filed original (a file, or a bundle folder zipped) and its download name."""
    row = _files(ws, submission_id)
    stored = str(row.get("stored_path") or "")
    path = ws.root / stored if stored else None
    if path is None or not is_inside(path, ws.outbox) or not path.exists():
        raise UnknownDraft(submission_id, "original")
    if path.is_dir():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
            for item in sorted(path.rglob("*")):
                if item.is_file() and not item.is_symlink():
                    bundle.write(item, item.relative_to(path).as_posix())
        return buffer.getvalue(), f"{path.name}.zip"
    return path, path.name


def prepare(ws: Workspace) -> None:
    """Create the ledger or bring its schema up to date, once, before the desk reads it."""
    open_ledger(ws.ledger_path).close()


def ledger_version(ws: Workspace) -> tuple[Any, ...]:
    """A value that changes whenever what scoring reads does (for caching a period's report)."""
    db = open_read_only(ws.ledger_path)
    try:
        return scoring_version(db)
    finally:
        db.close()


def assessment(ws: Workspace, period: Period) -> PeriodAssessment:
    """The 考核 page's period as `score` assesses it (by the period's year's rulebook, on the
    workspace's day), without writing the workbook."""
    from reports.assessment import assess_period  # openpyxl is loaded when a page first needs it

    return assess_period(ws, period)


def unit_assessment(ws: Workspace, period: Period, unit: str) -> PeriodAssessment:
    """One unit's assessment of `period` alone (its own page), by the period's year's rulebook."""
    from reports.assessment import assess_unit

    return assess_unit(ws, period, unit)


def figures_of(ws: Workspace, period: Period, unit: str) -> UnitFigures:
    """The drafts and adoptions behind one unit's figures for `period` (the 考核 page's link from a
    unit's figure); raises `UnknownUnit` (Chinese) for a unit the period's rulebook lacks."""
    try:
        return figures_behind(ws, period, unit)
    except LookupError:
        raise unknown_unit(unit, ws.period_rules(period).rulebook, period.year) from None
