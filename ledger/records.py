"""Ledger rows as typed values: what each table's row holds, for the code that reads them.

`total=False`: a query may select some columns only. A column typed without `| None` is
NOT NULL in every row the intake writes (a claim's token and path, a submission's verdict…).
The names are the ledger's own column names (a contract: extend, never rename).
"""

from __future__ import annotations

from typing import Literal, TypedDict

Verdict = Literal["accepted", "rejected"]
ClaimKind = Literal["file", "bundle", "officer_form"]  # what the inventory found in the inbox
Container = Literal["docx", "doc", "wps", "bundle", "unknown"]  # what the reader found inside


class SubmissionRecord(TypedDict, total=False):
    """One `submissions` row: a draft as received, judged and filed."""

    id: int
    sha256: str
    unit: str | None
    content_type: str | None
    title: str | None
    officer: str | None
    original_name: str | None
    source_path: str | None
    container: Container | None
    received_at: str
    event_date: str | None
    event_deadline: str | None
    publish_date: str | None
    category: str | None
    zishu: int | None
    zishu_all: int | None
    hanzi: int | None
    photos_total: int | None
    photos_distinct: int | None
    photos_hd: int | None
    verdict: Verdict
    counted: int | None
    is_announcement: int | None
    period: str | None
    duplicate_of: int | None
    revision_of: int | None
    same_event_of: int | None
    stored_path: str | None
    note_path: str | None
    state: str
    text: str | None
    created_at: str | None
    claim_token: str | None
    note_text: str | None
    filing_plan: str | None  # JSON of intake.filing.FilingPlan
    receipt_path: str | None
    receipt_at: str | None  # when the unit's receipt was written; None: not yet (or no receipt)
    decided_verdict: str | None  # the office's 核定 (None: none); verdict/counted stay the machine's
    decided_counted: int | None
    decided_reason: str | None
    decided_at: str | None
    decided_by: str | None
    effective_verdict: str  # the office's 核定 where there is one, else the machine's (ledger.decisions)
    effective_counted: int | None


class AdoptionRecord(TypedDict, total=False):
    """One `adoptions` row: a piece adopted (录用) by an outlet, perhaps withdrawn."""

    id: int
    submission_id: int
    outlet: str
    level: str
    adopted_on: str
    fee: float | None
    bonus: float | None
    entered_at: str | None
    source: str | None
    withdrawn_at: str | None
    withdrawn_reason: str | None


class FindingRecord(TypedDict, total=False):
    """One `findings` row: a rule's finding on a submission."""

    id: int
    submission_id: int
    rule: str
    severity: str
    message: str


class RunRecord(TypedDict, total=False):
    """One `runs` row: a sweep, for `status`."""

    id: int
    kind: str
    started_at: str
    finished_at: str | None
    processed: int | None
    accepted: int | None
    rejected: int | None
    flow_run_id: str | None


class ClaimRecord(TypedDict, total=False):
    """One `claims` row: an inbox item taken by one process."""

    token: str
    relpath: str
    kind: ClaimKind
    received_at: str
    owner: str
    claimed_at: str
    state: str
    plan: str | None  # an officer form's plan (JSON), written before it is filed


class AssignmentRecord(TypedDict, total=False):
    """One `assignments` row: a month's 约稿 for a unit."""

    id: int
    month: str
    unit: str
    count: int
    entered_at: str | None


class OfficerRecord(TypedDict, total=False):
    """One `officers` row: a registered 信息员."""

    id: int
    unit: str
    name: str
    gender: str | None
    birth: str | None
    politics: str | None
    education: str | None
    position: str | None
    phone: str | None
    mobile: str | None
    qq: str | None
    wechat: str | None
    leader: str | None
    registered_at: str | None
    source_sha256: str | None


class RejectionRecord(SubmissionRecord, total=False):
    """A submission read for a report's 退稿 or 未计入 sheet, with the messages of its findings."""

    reasons: list[str]
