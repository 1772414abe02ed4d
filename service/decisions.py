"""核定: the office overturns the machine's verdict or counted decision, with a reason, and undoes it.

The machine's judgement is never edited: the decision is stored beside it (`ledger.decisions`)
with its `decide` event, in one transaction. Then the draft's files follow the verdict now in
force, by a new filing plan from `intake.filing.plan_filing`: the original moves, the note or
notice is rewritten (the office's decision over the machine's note), the unit's old receipt
is removed and a new one written. Scores read the verdict in force, so they follow by
themselves. The file steps come after the record, like filing's side channels: one that
fails is logged, `draftdesk verify` shows it, and the ledger keeps the decision.
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass
from pathlib import PurePosixPath

import sqlite_utils

from checks.labels import PENDING_COUNT
from checks.notes import note_bytes
from intake import filing, receipts
from intake.decided import note_in_force, outcome_words
from ledger import intake as ledger
from ledger.assessment import adoptions_of
from ledger.credits import submission_credit
from ledger.decisions import Decided, awaits_office, record_decision
from ledger.events import Actor, Change
from ledger.records import SubmissionRecord
from ledger.schema import open_ledger
from reports.events_view import UNDONE
from rules import Rulebook
from rules.times import parse_instant
from scoring.credit import credit_words, same_bytes
from service.errors import BadInput, CopyNotCounted, StillAdopted, UnknownDraft
from workspace import Workspace, now

log = logging.getLogger("draftdesk.decide")

# Each decision as the verdict and counted flag it puts in force.
DECISIONS: dict[str, tuple[str, int]] = {
    "accept": ("accepted", 1),
    "reject": ("rejected", 0),
    "count": ("accepted", 1),
    "not_count": ("accepted", 0),
}
UNDO = "undo"


@dataclass(frozen=True)
class Decision:
    """What was decided, for the sentence the clerk reads."""

    submission_id: int
    title: str
    before: str  # 退回，不计入考核 …
    after: str
    undone: bool
    credit: str = ""  # the draft's credit now, in its one wording (`scoring.credit.credit_words`)

    def sentence(self) -> str:
        what = "已撤销核定，恢复系统审核结果" if self.undone else "已核定"
        now_counts = f"考核：{self.credit}。" if self.credit else ""
        return (
            f"稿件 {self.submission_id}《{self.title}》{what}：{self.before} → {self.after}。{now_counts}"
            "原稿、说明和回执已按新结果归档，考核随之更新。"
        )


def no_reason() -> BadInput:
    return BadInput("reason", None, "核定必须写明理由。")


def not_filed(submission_id: int) -> BadInput:
    return BadInput("submission_id", submission_id, "尚未归档（正在收稿），请稍后再核定。")


def unchanged(submission_id: int, words: str) -> BadInput:
    return BadInput("submission_id", submission_id, f"现已是“{words}”，核定未作改动。")


def nothing_to_undo(submission_id: int) -> BadInput:
    return BadInput("submission_id", submission_id, "没有办公室核定，无需撤销。")


def decide(
    ws: Workspace, rulebook: Rulebook, submission_id: int, choice: str, reason: str | None, *, actor: Actor
) -> Decision:
    """Put `choice` (accept | reject | count | not_count | undo) in force for one draft.

    Raises `BadInput` (no reason, not filed, nothing changes, nothing to undo),
    `StillAdopted` (it would be 退回 with adoptions in force) or `UnknownDraft` (no such
    稿件编号); nothing is written then."""
    reason = (reason or "").strip()  # always required, an undo too: the log says why
    if not reason:
        raise no_reason()
    db = open_ledger(ws.ledger_path)
    try:
        row = ledger.submission(db, submission_id)
        if row is None:
            raise UnknownDraft(submission_id, nothing_done="未作任何核定")
        if row.get("state") != ledger.FILED:
            raise not_filed(submission_id)
        at = now(rulebook).isoformat(timespec="seconds")
        pending = awaits_office(db, submission_id)  # e.g. a probable same event: settled even unchanged
        target, decided = _target(row, choice, reason, at, actor, _copy_of(db, row), pending)
        _refuse_rejecting_adopted(db, row, target, undo=choice == UNDO)
        old = filing.FilingPlan.of_row(row)
        plan = _new_plan(ws, rulebook, row, old, target)
        was = (str(row["effective_verdict"]), bool(row.get("effective_counted")))
        change = Change(
            "decide",
            {"verdict": was[0], "counted": was[1]},
            {"verdict": target[0], "counted": bool(target[1])},
            submission_id=submission_id,
            subject=UNDONE if choice == UNDO else None,
            reason=reason,
        )
        record_decision(db, submission_id, _stored(plan, decided), at, actor, change)
        after = ledger.submission(db, submission_id)
        assert after is not None
        _refile(ws, rulebook, db, after, old, plan)
        credit = submission_credit(db, rulebook, submission_id)
    finally:
        db.close()
    return Decision(
        submission_id,
        str(row.get("title") or row.get("original_name") or ""),
        f"合格，{PENDING_COUNT}" if pending and row.get("same_event_of") else outcome_words(*was),
        outcome_words(target[0], bool(target[1])),
        choice == UNDO,
        credit_words(credit) if credit else "",
    )


def _copy_of(db: sqlite_utils.Database, row: SubmissionRecord) -> int | None:
    """The draft on record whose file `row` is an exact copy of (the same bytes), else None."""
    first_id = row.get("duplicate_of")
    first = ledger.submission(db, int(first_id)) if first_id is not None else None
    same = first is not None and same_bytes(row.get("sha256"), first.get("sha256"))
    return int(first_id) if same and first_id is not None else None


def _refuse_rejecting_adopted(
    db: sqlite_utils.Database, row: SubmissionRecord, target: tuple[str, int], *, undo: bool
) -> None:
    """A 退回 draft cannot be adopted (`service.adoptions` refuses it), so a 核定 that puts a
    draft with adoptions in force back to 退回 is refused, naming them (`StillAdopted`)."""
    if target[0] != "rejected":
        return
    sub_id = int(row["id"])
    live = [
        (str(a["outlet"]), str(a["adopted_on"]))
        for a in adoptions_of(db, sub_id)
        if not a.get("withdrawn_at")
    ]
    if live:
        raise StillAdopted(sub_id, str(row.get("title") or row.get("original_name") or ""), live, undo=undo)


def _target(
    row: SubmissionRecord,
    choice: str,
    reason: str,
    at: str,
    actor: Actor,
    copy_of: int | None = None,
    pending: bool = False,
) -> tuple[tuple[str, int], tuple[str | None, int | None, str | None, str | None, str | None]]:
    """The (verdict, counted) the choice puts in force, and the decision columns to store. An
    exact copy is never counted: `count` is refused naming the first draft, `accept` accepts it
    without counting it (what its credit says too). A choice that changes nothing is refused,
    unless the draft waits for the office (`pending`)."""
    sub_id = int(row["id"])
    if choice == UNDO:
        if row.get("decided_verdict") is None:
            raise nothing_to_undo(sub_id)
        return (str(row["verdict"]), 1 if row.get("counted") else 0), (None, None, None, None, None)
    verdict, counted = DECISIONS[choice]
    if copy_of is not None and counted:
        if choice == "count":
            raise CopyNotCounted(sub_id, copy_of)
        counted = 0
    same = (verdict, counted) == (row["effective_verdict"], 1 if row.get("effective_counted") else 0)
    if same and not pending:
        raise unchanged(sub_id, outcome_words(verdict, bool(counted)))
    return (verdict, counted), (verdict, counted, reason, at, actor.who)


def _new_plan(
    ws: Workspace, rulebook: Rulebook, row: SubmissionRecord, old: filing.FilingPlan, target: tuple[str, int]
) -> filing.FilingPlan:
    """Where the verdict in force files the draft: the same plan a sweep would have made."""
    sub_id = int(row["id"])
    outcome = filing.plan_outcome(target[0], bool(target[1]))
    if outcome == "rejected" and old.outcome == "failed":
        outcome = "failed"
    name = PurePosixPath(old.stored).name.removeprefix(f"{sub_id}_")
    received = parse_instant(str(row["received_at"]), rulebook.meta.tz)
    folder = rulebook.intake.receipt_folder
    return filing.plan_filing(ws, folder, outcome, row.get("unit"), received, sub_id, name)


def _stored(
    plan: filing.FilingPlan, decided: tuple[str | None, int | None, str | None, str | None, str | None]
) -> Decided:
    shown = plan.shown
    return Decided(*decided, plan.to_json(), shown(plan.stored) or "", shown(plan.note), shown(plan.receipt))


def _refile(
    ws: Workspace,
    rulebook: Rulebook,
    db: sqlite_utils.Database,
    row: SubmissionRecord,
    old: filing.FilingPlan,
    plan: filing.FilingPlan,
) -> None:
    """Move the original, rewrite the note and the receipt by the new plan. Never raises: the
    decision is recorded; a failed step is logged and `verify` names what is out of place."""
    try:
        if old.stored != plan.stored:
            filing.move_item(ws.root / old.stored, ws.root / plan.stored)
        text = note_in_force(row, rulebook)
        if old.note and old.note != plan.note:
            _remove(ws, old.note)
        if plan.note and text:
            filing.write_note(ws.root / plan.note, note_bytes(text))
    except Exception:
        log.exception("refiling submission %s after a decision failed", row.get("id"))
    if old.receipt and old.receipt != plan.receipt:
        _remove(ws, old.receipt)
    receipts.write_receipt(ws, rulebook, db, row)


def _remove(ws: Workspace, relpath: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(ws.root / relpath)
