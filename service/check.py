"""Judge drafts exactly as the intake would, writing nothing (`draftdesk check`, the desk's 自查).

A unit's officer (or the office) wants to know before dropping a file whether it will pass; the
office wants to re-judge a file by hand. So this reads each file with the intake's reader,
derives unit and type from its place under `<workspace>/inbox/` as the intake does, runs the
same `judge` with no history (no ledger is opened), and returns SPEC §8's JSON objects.
It must stay light: no Prefect import, one draft well under a second.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from checks.identity import identify
from checks.judge import judge, with_rulebook_warning
from checks.model import Judgement
from checks.notes import render_note
from extractors.model import Draft
from extractors.safefile import display_name
from intake.inbox_path import relative_to_inbox
from rules import Rulebook
from rules.times import parse_instant
from service.errors import MissingFiles, bad_received, unknown_type, unknown_unit
from workspace import Workspace, YearRulebook, now

if TYPE_CHECKING:
    import sqlite_utils


def inbox_relpath(path: Path, ws: Workspace) -> PurePosixPath | None:
    """The item's path under the inbox (`unit/type/x.docx`), or None when it lies elsewhere.

    The folders are resolved but the item itself is not, so a symlink dropped in the inbox is
    judged as the link it is (and refused by the reader), never as its target.
    """
    try:
        absolute = Path(os.path.abspath(path))
        located = absolute.parent.resolve() / absolute.name
        inbox = ws.inbox.resolve()
    except OSError:
        return None
    relative = relative_to_inbox(inbox, located)
    return relative if relative is not None and relative.parts else None


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def result_json(given: str, draft: Draft, judgement: Judgement, note: str) -> dict[str, Any]:
    """One object of `check --json` (SPEC §8 names exactly; extra fields only added). `path` is
    the path as given, with bytes that were not UTF-8 shown as \\xNN so the JSON always encodes."""
    return {
        "path": given,
        "verdict": judgement.verdict,
        "counted": judgement.counted,
        "unit": judgement.unit,
        "content_type": judgement.content_type,
        "title": draft.title,
        "counts": {
            "zishu": draft.counts.zishu,
            "zishu_all": draft.counts.zishu_all,
            "hanzi": draft.counts.hanzi,
        },
        "images": {
            "total": judgement.images.total,
            "distinct": judgement.images.distinct,
            "hd": judgement.images.hd,
        },
        "event_date": _iso(judgement.event_date),
        "findings": [
            {"rule": f.rule, "severity": f.severity, "message": f.message} for f in judgement.findings
        ],
        "category": judgement.category,
        "publish_date": _iso(judgement.publish_date),
        "deadline": _iso(judgement.event_deadline),
        "period": judgement.period,
        "announcement": judgement.is_announcement,
        "note": note,
    }


def check_one(
    path: Path,
    draft: Draft,
    ws: Workspace,
    rulebook: Rulebook,
    received_at: dt.datetime,
    *,
    unit: str | None = None,
    content_type: str | None = None,
    rulebook_warning: str | None = None,
    history: sqlite_utils.Database | None = None,
    self_check: bool = False,
    sending: bool = False,
    on_page: bool = False,
) -> dict[str, Any]:
    """Identify, judge and write the note text for one file or bundle folder already read.
    With `history` (a ledger), the draft is compared with what is on record as intake would
    compare it: an identical or near-identical draft already filed is named."""
    relpath = inbox_relpath(path, ws)
    identity = identify(relpath, draft, rulebook, unit=unit, content_type=content_type)
    from ledger.intake import priors as ledger_priors

    priors = (
        ledger_priors(history, draft.sha256, identity.unit, received_at, rulebook.intake.near_duplicate_days)
        if history is not None
        else []
    )
    judgement = with_rulebook_warning(judge(draft, identity, rulebook, received_at, priors), rulebook_warning)
    shown = display_name(str(relpath)) if relpath else None
    note = render_note(
        draft,
        judgement,
        rulebook,
        received_at,
        shown,
        self_check=self_check,
        sending=sending,
        on_page=on_page,
    )
    return result_json(display_name(str(path)), draft, judgement, note)


def received_time(text: str | None, rulebook: Rulebook) -> dt.datetime:
    """`--received` as an office-local time, or now; raises `BadInput` when it is not ISO."""
    if not text:
        return now(rulebook)
    try:
        return parse_instant(text, rulebook.meta.tz)
    except ValueError:
        raise bad_received(text) from None


def require_files(files: Sequence[Path]) -> None:
    """Raises `MissingFiles` naming every file that does not exist (`check` and `inspect`)."""
    missing = [display_name(str(f)) for f in files if not os.path.lexists(f)]
    if missing:
        raise MissingFiles(missing)


def given_identity(
    rulebook: Rulebook, unit: str | None, content_type: str | None
) -> tuple[str | None, str | None]:
    """`--unit` and `--type` (a name or an alias) as the rulebook's unit name and type key;
    raises `UnknownUnit` or `BadInput` (field "type") listing the valid names."""
    from checks.identity import valid_types_text

    unit_name = type_key = None
    if unit:
        found = rulebook.unit_named(unit)
        if found is None:
            raise unknown_unit(unit, rulebook)
        unit_name = found.name
    if content_type:
        ctype = rulebook.type_named(content_type)
        if ctype is None:
            raise unknown_type(content_type, valid_types_text(rulebook))
        type_key = ctype.key
    return unit_name, type_key


def check_files(
    ws: Workspace,
    rulebook: Rulebook,
    files: Sequence[Path],
    received_at: dt.datetime,
    *,
    unit: str | None = None,
    content_type: str | None = None,
    year_rules: YearRulebook | None = None,
    history: Workspace | None = None,
    sending: bool = False,
    on_page: bool = False,
) -> list[dict[str, Any]]:
    """One `check --json` object per file, in order. `unit`/`content_type` (names or aliases)
    say who sent the files and what they are, over what their place and text tell. `year_rules`
    judges by another workspace's rulebook (自查 reads files from a throwaway copy of the inbox
    but judges by the real workspace's rules); by default `ws`'s own for the received year.
    `history` compares each draft with that workspace's ledger (自查 knows the record); `sending`
    words the note for a 报送 waiting for its confirmation, `on_page` for a 自查 on the unit's own page.
    Raises `MissingFiles` naming every missing file, `UnknownUnit` / `BadInput` for an unknown unit or type."""
    if year_rules is None:
        year_rules = ws.rulebook_for(received_at.year)
    rulebook = year_rules.rulebook
    unit, content_type = given_identity(rulebook, unit, content_type)
    require_files(files)
    from extractors.read import read_paths
    from ledger.desk import open_read_only

    db = open_read_only(history.ledger_path) if history and history.ledger_path.exists() else None
    try:
        # Several files are read two at a time: one's photos decode while the other's text is walked.
        return [
            check_one(
                path,
                draft,
                ws,
                rulebook,
                received_at,
                unit=unit,
                content_type=content_type,
                rulebook_warning=year_rules.warning,
                history=db,
                self_check=history is not None,
                sending=sending,
                on_page=on_page,
            )
            for path, draft in zip(files, read_paths(list(files), rulebook), strict=True)
        ]
    finally:
        if db is not None:
            db.close()
