"""What the outbox must hold, as the ledger says: each filed submission's files by its stored
filing plan, the officer forms filed without a submission, and the files no submission names.

One home for "which files belong to the record", read by `verify` (what is missing, changed or
unknown), the backup's content store (what a backup keeps) and `filed_content` (what each file
should hold) — below all three, so none of them imports another to ask.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intake.filing import file_digest
from workspace import Workspace


@dataclass(frozen=True)
class ExpectedFile:
    """A file the outbox must hold for one submission (workspace-relative path)."""

    relpath: str
    kind: str  # original | note | notice | receipt
    sha256: str | None = None  # checked when the ledger recorded one and the entry is a file


def expected_files(ws: Workspace, row: dict[str, Any]) -> list[ExpectedFile]:
    """The files one filed submission left in the outbox, read from its stored filing plan
    (`submissions.filing_plan`; a 核定 stores the plan it moved the files by), or, for a row
    recorded before plans were stored, from its stored/note columns."""
    from intake.filing import NOTE_SUFFIX, FilingPlan

    plan = FilingPlan.of_row(row)
    stored = plan.stored
    note = plan.note if row.get("note_path") else None
    files: list[ExpectedFile] = []
    if stored:
        files.append(ExpectedFile(str(stored), "original", row.get("sha256") or None))
    if note:
        files.append(ExpectedFile(str(note), "note" if str(note).endswith(NOTE_SUFFIX) else "notice"))
    return files + receipt_files(ws, row)


def receipt_files(ws: Workspace, row: dict[str, Any]) -> list[ExpectedFile]:
    """The receipt sent back to the unit (inbox/<单位>/回执/), once the ledger says it was
    written (`receipt_at`): at the stored plan's path, else the `receipt_path` column."""
    from intake.filing import FilingPlan

    if not row.get("receipt_at"):
        return []
    path = FilingPlan.of_row(row).receipt
    return [ExpectedFile(path, "receipt")] if path else []


def unnamed_files(ws: Workspace, known: set[str]) -> Iterator[str]:
    """Workspace-relative paths under accepted/ and rejected/ that no submission names; a
    known folder (a bundle) is not entered, hidden names (temp files) are passed over."""
    for top in (ws.accepted, ws.rejected):
        for folder, dirs, files in os.walk(top):
            here = Path(folder)
            rel = here.relative_to(ws.root).as_posix()
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and f"{rel}/{d}" not in known)
            for name in sorted(files):
                if not name.startswith(".") and f"{rel}/{name}" not in known:
                    yield f"{rel}/{name}"


def officer_form_test(ws: Workspace, officers: set[str]) -> Callable[[str], bool]:
    """Whether a filed path is an officer form: where filing puts officer forms
    (`intake.filing.is_officer_filing`), the accepted ones only while their bytes are a
    registered form's (`officers`)."""
    from intake.filing import is_officer_filing

    def officer_form(relpath: str) -> bool:
        if not is_officer_filing(relpath):
            return False
        if relpath.split("/")[1] != "accepted":
            return True
        try:
            return file_digest(ws.root / relpath) in officers
        except OSError:
            return False

    return officer_form


def officer_forms(ws: Workspace, known: set[str], officers: set[str]) -> list[str]:
    """The officer forms filed in the outbox (no submission names them): registered ones under
    the officer folder, refused ones under their claim tag — what a backup keeps beside the rows."""
    officer_form = officer_form_test(ws, officers)
    return [rel for rel in unnamed_files(ws, known) if officer_form(rel)]
