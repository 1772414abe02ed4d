"""约稿 answers at intake: a 党委政务信息 draft whose file name names a 约稿 (【约稿12】) is linked
as its answer when it is recorded, in the recording transaction, timed at its received time.

Whether it may answer is `scoring.requests.answer_refusal`, the rule the clerk's own link
(`service.requests.answer_request`) follows too; readers of 约稿 progress only read.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import sqlite_utils

from checks.request_tag import request_tag
from intake.filed import FiledItem
from ledger.events import Actor, Change, append_events
from ledger.requests import add_answer, answered_request, get_request, named_unlinked
from rules import Rulebook
from rules.times import parse_day, parse_instant
from scoring.requests import Answering, RequestRow, answer_refusal, assigned_type
from workspace import Workspace

log = logging.getLogger("draftdesk.intake")

FILE_NAME = "文件名标注"  # how an answer named in its file name was linked (the log's `how`)
INTAKE = Actor(f"收稿（{FILE_NAME}）")


def answering(
    db: sqlite_utils.Database, rulebook: Rulebook, request_id: int, sub_id: int, row: Mapping[str, Any]
) -> Answering | None:
    """The draft `row` (a submission's columns) offered as the answer to 约稿 `request_id`, with
    what the ledger knows of both; None when no 约稿 has that number."""
    found = get_request(db, request_id)
    if found is None:
        return None
    tz = rulebook.meta.tz
    unit = rulebook.unit_named(str(row.get("unit") or ""))
    assigned = assigned_type(rulebook)
    request = RequestRow(
        found["id"],
        found["topic"],
        parse_day(found["deadline"]),
        tuple(found["units"]),
        bool(found["closed_at"]),
    )
    return Answering(
        request,
        parse_instant(found["closed_at"], tz) if found["closed_at"] else None,
        sub_id,
        str(row.get("title") or ""),
        unit.name if unit else None,
        str(row.get("unit") or ""),
        assigned is not None and row.get("content_type") == assigned[0],
        parse_instant(str(row["received_at"]), tz),
        answered_request(db, sub_id),
    )


def link_tagged(db: sqlite_utils.Database, rulebook: Rulebook, sub_id: int, row: Mapping[str, Any]) -> bool:
    """Link the draft to the 约稿 its file name names, inside the caller's transaction, with the
    log's event timed at the draft's received time; False when it names none or may not answer
    it (why is logged). Repeating it links nothing twice."""
    assigned = assigned_type(rulebook)
    number = request_tag(str(row.get("original_name") or ""))
    if assigned is None or number is None or row.get("content_type") != assigned[0]:
        return False
    offered = answering(db, rulebook, number, sub_id, row)
    if offered is not None and offered.answers_already is not None:
        return False  # linked already (when it was recorded)
    refusal = answer_refusal(offered, assigned[1]) if offered else f"约稿编号 {number} 不存在"
    if offered is None or offered.unit is None or refusal:
        log.info("稿件 %s 的文件名写了约稿 %s，未登记为答复：%s", sub_id, number, refusal)
        return False
    at = offered.received_at.isoformat(timespec="seconds")
    after = {"request_id": number, "unit": offered.unit, "how": FILE_NAME}
    change = Change("request_answer", None, after, submission_id=sub_id)
    return add_answer(
        db,
        number,
        sub_id,
        offered.unit,
        FILE_NAME,
        at,
        then=lambda _: append_events(db, at, INTAKE, [change]),
    )


def link_due(db: sqlite_utils.Database, rulebook: Rulebook) -> int:
    """Link the tagged drafts recorded before the intake linked answers itself (an upgrade);
    how many were linked, each in a transaction of its own."""
    assigned = assigned_type(rulebook)
    if assigned is None:
        return 0
    linked = 0
    for row in named_unlinked(db, assigned[0]):
        linked += link_tagged(db, rulebook, int(row["id"]), row)
    return linked


def link_filed(ws: Workspace, rulebook: Rulebook, db: sqlite_utils.Database, item: FiledItem) -> None:
    """The after-filing step: link a filed 【约稿N】 draft its recording did not link (one recorded
    by an earlier version before an upgrade); nothing when it was linked then."""
    link_tagged(db, rulebook, item.id, item.row)
