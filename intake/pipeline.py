"""The intake: claim → read → check → record → file, for every stable item in the inbox.

A visible, ordered pipeline of small steps (after paperless-ngx's `consume_file`), each doing
one thing, with cleanup in `finally`:

1. **claim** — a claim row in the ledger, then one `rename` of the item into the processing
   folder (`outbox/.processing/<token>/`). Only one rename of a path can succeed, so `watch`,
   a concurrent `run` and several workers never take the same item twice.
2. **read** — `extractors.read.read_path` (never raises; symlinks and FIFOs get a format
   finding without being followed or opened).
3. **check** — identity from the inbox path, priors from the ledger, `checks.judge.judge`.
4. **record** — the submission, its findings, images and note text in ONE transaction, taken
   with the priors (so two processes never both record identical bytes as the first).
5. **file** — the note, then the item moved to accepted/ or rejected/, then the claim closed.

The ledger commit comes before the move; every start first finishes what a crash left (claims
of dead processes, submissions recorded but not filed). Kill -9 anywhere loses nothing and
files nothing twice. `sweep` is plain Python; `flows.intake_flow` runs the same steps as a
Prefect flow, with tasks over batches so Prefect's per-task cost stays small.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import socket
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlite_utils

from checks.model import Judgement
from extractors.model import ERROR, Draft, Finding
from extractors.safefile import display_name
from intake import answers, filing, notify, receipts
from intake.claims import (
    Claim,
    claim,
    load_claim,
    owner_id,
    processing_root,
    recover,
    release,
    release_all,
    remove_token_dir,
)
from intake.filed import FiledItem
from intake.inbox_path import InboxPath
from intake.inventory import Item, items_at, list_items, quiet_for, signature
from intake.outcome import Outcome, SweepResult
from intake.received import forget_vanished, record_sightings_in
from ledger import intake as ledger
from ledger.records import SubmissionRecord
from ledger.schema import open_ledger
from rules import Rulebook
from scoring.credit import credit_words
from workspace import Workspace, now

if TYPE_CHECKING:
    from pathlib import Path

    from extractors.prefetch import Prefetch

log = logging.getLogger("draftdesk.intake")

BATCH_SIZE = 25

BatchRunner = Callable[[Workspace, Rulebook, Sequence[str]], list[Outcome]]
SettleWait = Callable[[float], None]


def settle_on_the_clock(seconds: float) -> None:
    """Wait `seconds` on the monotonic clock (a sleep can end early on a signal)."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        time.sleep(left)


# ---- step 1: find stable items and claim them ---------------------------------------------------


def stable_items(
    ws: Workspace,
    rulebook: Rulebook,
    db: sqlite_utils.Database,
    keys: Sequence[str] | None,
    settled: bool,
    wait: SettleWait = settle_on_the_clock,
) -> tuple[list[Item], list[str]]:
    """The items to take now, and the keys left pending because they are still changing.

    Sightings are recorded at the first look. Unless the caller already knows the items are
    still (`settled`), look, `wait` the settle time (on the monotonic clock unless a test
    passes its own), and look again."""
    wanted = set(keys) if keys is not None else None
    # The watcher hands the keys it watched still, having recorded the first sight of everything
    # it saw: those are looked up by their paths, not by listing every folder (~30 ms a batch).
    known = items_at(ws.inbox, rulebook, keys) if keys and settled else None
    everything = known if known is not None else list_items(ws.inbox, rulebook)
    # Else first sights of everything in the inbox, even when only some keys are wanted: this runs
    # before the sweep's heartbeat, so files found on start after downtime get the clamped mtime.
    record_sightings_in(db, rulebook, everything)
    forget_vanished(ws, db, everything, complete=known is None)
    items = [i for i in everything if wanted is None or i.key in wanted]
    if not items:
        return [], []
    settle = rulebook.intake.settle_seconds
    if settled or settle <= 0:
        return items, []
    # An item nothing touched for the settle time (its newest mtime/ctime) is taken at once;
    # only items changed since then get the look, wait, look again — so a `run` over drafts
    # that lie there already does not wait at all.
    order = {i.key: n for n, i in enumerate(items)}
    quiet = [i for i in items if (q := quiet_for(i.path)) is not None and q >= settle]
    quiet_keys = {i.key for i in quiet}
    items = [i for i in items if i.key not in quiet_keys]
    if not items:
        return quiet, []
    first = {i.key: signature(i.path) for i in items}
    wait(rulebook.intake.settle_seconds)
    ready: list[Item] = list(quiet)
    pending: list[str] = []
    for item in items:
        sig = signature(item.path)
        if sig is None:
            continue  # gone: taken by another process or removed by the unit
        if sig == first[item.key]:
            ready.append(item)
        else:
            pending.append(item.key)
    ready.sort(key=lambda i: order[i.key])
    return ready, pending


# ---- steps 2–5, per claimed item ------------------------------------------------------------------


def step_read(claim: Claim, rulebook: Rulebook, ahead: Prefetch[Path, Draft] | None = None) -> Draft:
    """Read the claimed item (from `ahead` when it was read ahead). The reader never raises; this
    guard only turns a bug into a note."""
    from extractors.read import read_path

    assert claim.path is not None
    try:
        return ahead.take(claim.path) if ahead is not None else read_path(claim.path, rulebook)
    except Exception as exc:  # one odd file must never stop a sweep
        log.exception("reader failed on %s", claim.key)
        return Draft(
            source_name=display_name(claim.path.name),
            container="unknown",
            readable=False,
            findings=(
                Finding(
                    "format",
                    ERROR,
                    f"文件无法读取（内部错误 {type(exc).__name__}），请另存为 .docx 后重新报送",
                ),
            ),
        )


def officer_of(draft: Draft) -> str | None:
    """Who wrote it, for officer credit: 通讯员, else 撰稿, 作者, 供稿, else the name in a byline
    like `（湖滨社区 张三）` (its last word)."""
    for key in ("correspondent", "writer", "author", "contributor"):
        value = (draft.metadata.get(key) or "").strip()
        if value:
            return value
    if draft.byline:
        words = draft.byline.strip().strip("（）()").split()
        if len(words) >= 2:
            return words[-1]
    return None


def _columns(
    claim: Claim, where: InboxPath, draft: Draft, judgement: Judgement, created: dt.datetime
) -> dict[str, object]:
    j = judgement
    counts = draft.counts
    return {
        "sha256": draft.sha256,
        "unit": j.unit,
        "content_type": j.content_type,
        "title": draft.title,
        "officer": officer_of(draft),
        "original_name": display_name(where.name),
        "source_path": claim.key,
        "container": draft.container,
        "received_at": ledger.iso(claim.received_at),
        "event_date": j.event_date,
        "event_deadline": j.event_deadline,
        "publish_date": j.publish_date,
        "category": j.category,
        "zishu": counts.zishu,
        "zishu_all": counts.zishu_all,
        "hanzi": counts.hanzi,
        "photos_total": j.images.total,
        "photos_distinct": j.images.distinct,
        "photos_hd": j.images.hd,
        "verdict": j.verdict,
        "counted": j.counted,
        "is_announcement": j.is_announcement,
        "period": j.period,
        "duplicate_of": j.duplicate_of,
        "revision_of": j.revision_of,
        "same_event_of": j.same_event_of,
        "state": ledger.RECORDED,
        "text": draft.text,
        "created_at": created,
        "claim_token": claim.token,
    }


def step_check_and_record(
    ws: Workspace,
    rulebook: Rulebook,
    db: sqlite_utils.Database,
    claim: Claim,
    draft: Draft,
    window: ledger.PriorWindow | None = None,
) -> int:
    """Judge the draft against the ledger's priors (from the batch's `window` when given) and
    record it, in one write transaction."""
    from checks.identity import identify
    from checks.judge import judge, with_rulebook_warning
    from checks.notes import render_note, render_notice

    assert claim.path is not None
    # Judged by the rulebook of the year it was received (the latest, with a warning, if none).
    created = now(rulebook)  # the clock is the workspace's (its latest rulebook), not a year's
    receipt_folder = rulebook.intake.receipt_folder  # the inbox's layout is the workspace's too
    year_rules = ws.rulebook_for(claim.received_at.year)
    rulebook = year_rules.rulebook
    where = InboxPath.parse(claim.relpath, rulebook)
    identity = identify(None, draft, rulebook, place=where.place)
    with ledger.locked(db):
        priors = (window or ledger.PriorWindow(db)).priors(
            draft.sha256, identity.unit, claim.received_at, rulebook.intake.near_duplicate_days
        )
        judgement = with_rulebook_warning(
            judge(draft, identity, rulebook, claim.received_at, priors), year_rules.warning
        )
        columns = _columns(claim, where, draft, judgement, created)
        sub_id = ledger.insert_submission(db, columns, judgement.findings, draft.photos)
        _link_answer(db, rulebook, sub_id, columns)
        outcome = filing.plan_outcome(judgement.verdict, judgement.counted)
        plan = filing.plan_filing(
            ws, receipt_folder, outcome, judgement.unit, claim.received_at, sub_id, claim.path.name
        )
        note_text = None
        if outcome == "rejected":
            note_text = render_note(draft, judgement, rulebook, claim.received_at, claim.relpath, sub_id)
        elif outcome == "not_counted":
            note_text = render_notice(draft, judgement, rulebook, claim.received_at, claim.relpath, sub_id)
        _set_filing(db, sub_id, plan, note_text)
    return sub_id


def step_record_failure(
    ws: Workspace, rulebook: Rulebook, db: sqlite_utils.Database, claim: Claim, error: BaseException
) -> int:
    """Record an item the pipeline failed on as rejected, with an internal-error finding and note.

    Only values that were already stored once (the claim's path and time) go in, so the same
    fault cannot strike twice; the sha256 is left empty so a resend of the same bytes after
    the fix is judged afresh, not as a copy of this row."""
    from checks.notes import internal_error_note

    assert claim.path is not None
    where = InboxPath.parse(claim.relpath, rulebook)
    unit_name = where.unit
    name = display_name(str(claim.relpath))
    error_name = type(error).__name__
    message = f"系统处理本稿时出错（内部错误 {error_name}），未能审核，已退回并保留原稿"
    with ledger.locked(db):
        sub_id = ledger.insert_submission(
            db,
            {
                "sha256": "",
                "unit": unit_name,
                "original_name": display_name(where.name),
                "source_path": claim.key,
                "container": "unknown",
                "received_at": ledger.iso(claim.received_at),
                "verdict": "rejected",
                "counted": False,
                "state": ledger.RECORDED,
                "created_at": now(rulebook),
                "claim_token": claim.token,
            },
            [Finding("format", ERROR, message)],
        )
        plan = filing.plan_filing(
            ws,
            rulebook.intake.receipt_folder,
            "failed",
            unit_name,
            claim.received_at,
            sub_id,
            claim.path.name,
        )
        note_text = internal_error_note(name, unit_name, claim.received_at, rulebook, error_name)
        _set_filing(db, sub_id, plan, note_text)
    return sub_id


def _link_answer(
    db: sqlite_utils.Database, rulebook: Rulebook, sub_id: int, columns: dict[str, object]
) -> None:
    """A 【约稿N】 draft's answer, linked in the recording transaction and timed when it was
    received. A failure here never costs the draft its recording: only the link is undone, and
    the after-filing step (`answers.link_filed`) tries again."""
    failed = ledger.attempt(db, lambda: answers.link_tagged(db, rulebook, sub_id, columns))
    if failed is not None:
        log.error("linking submission %s to its 约稿 failed (%r); tried again after filing", sub_id, failed)


def _set_filing(
    db: sqlite_utils.Database, sub_id: int, plan: filing.FilingPlan, note_text: str | None
) -> None:
    """Store the plan with the row (its paths shown in their own columns too)."""
    shown = plan.shown
    stored = shown(plan.stored) or ""
    ledger.set_filing(db, sub_id, stored, shown(plan.note), note_text, plan.to_json(), shown(plan.receipt))


def step_file(
    ws: Workspace, rulebook: Rulebook, db: sqlite_utils.Database, claim: Claim, row: SubmissionRecord
) -> Outcome:
    """Write the note, move the item into the outbox, close the claim, all by the stored plan;
    then the steps after filing, given the item read once. Safe to repeat."""
    from checks.notes import note_bytes

    item = FiledItem.read(db, row, rulebook)
    plan = item.plan
    if claim.path is not None:
        if row["note_text"] and plan.note:
            filing.write_note(ws.root / plan.note, note_bytes(str(row["note_text"])))
        filing.move_item(claim.path, ws.root / plan.stored)
    ledger.mark_filed(db, item.id, claim.token)
    remove_token_dir(processing_root(ws), claim.token)
    after_filing(ws, rulebook, db, item)
    verdict = row["verdict"]
    return Outcome(
        key=claim.key,
        verdict=verdict,
        submission_id=item.id,
        unit=item.unit,
        content_type=_text(row["content_type"]),
        stored_path=plan.shown(plan.stored) or "",
        note_path=plan.shown(plan.note) if row["note_text"] else None,
        rules=item.error_rules,
        counted=_counts(item) if verdict == "accepted" else None,
        credit_text=credit_words(item.credit) if item.credit else "",
    )


def _counts(item: FiledItem) -> bool:
    """Whether a filed, accepted draft counts: its credit's answer (the machine's flag only
    for a row the credit could not be read for)."""
    return item.credit.counts if item.credit else bool(item.row.get("counted"))


AfterStep = Callable[[Workspace, Rulebook, sqlite_utils.Database, FiledItem], object]

# What runs once an item is filed, in this order, each under `after_filing`'s one guard: side
# channels that never block or undo filing. What one of them leaves undone the next sweep does:
# a receipt stays due (`receipts.write_due_receipts`), a 约稿 answer unlinked (`answers.link_due`).
AFTER_FILING: tuple[tuple[str, AfterStep], ...] = (
    ("request answer", lambda ws, rulebook, db, item: answers.link_filed(ws, rulebook, db, item)),
    ("receipt", lambda ws, rulebook, db, item: receipts.write_receipt_of(ws, rulebook, db, item)),
    ("message", lambda ws, rulebook, db, item: notify.queue_filed(ws, rulebook, db, item)),
)  # each looked up when it runs, so a test can stand in for one


def after_filing(
    ws: Workspace,
    rulebook: Rulebook,
    db: sqlite_utils.Database,
    item: FiledItem,
    steps: Sequence[tuple[str, AfterStep]] | None = None,
) -> list[str]:
    """Run the after-filing steps (`AFTER_FILING` unless `steps` are given) on a filed item, each
    under one guard: a failure is logged, the next step runs, filing stands. The names of the
    steps that failed."""
    failed: list[str] = []
    for name, step in AFTER_FILING if steps is None else steps:
        try:
            step(ws, rulebook, db, item)
        except Exception:
            log.exception("%s of submission %s failed after filing; the item stays filed", name, item.id)
            failed.append(name)
    return failed


def _text(value: object) -> str | None:
    """A nullable TEXT column's value as `str | None`."""
    return None if value is None else str(value)


def step_officer(ws: Workspace, rulebook: Rulebook, db: sqlite_utils.Database, claim: Claim) -> Outcome:
    """An officer form (inbox/<unit>/信息员/): register the officer, file the form; a form that
    cannot be read goes to rejected/ with a note saying why. The registration and the plan are
    decided once and kept on the claim, so a re-run after a crash files by them."""
    from checks.notes import note_bytes

    decided = _officer_decision(ws, rulebook, db, claim)
    plan = decided.plan
    if claim.path is not None:
        if plan.note is not None:
            filing.write_note(ws.root / plan.note, note_bytes(decided.note_text(claim)))
        filing.move_item(claim.path, ws.root / plan.stored)
    if plan.receipt is not None:  # no ledger row outlives the claim: written before it closes
        try:
            filing.write_note(ws.root / plan.receipt, note_bytes(decided.receipt_text(claim, rulebook)))
        except Exception:
            log.exception("receipt of officer form %s not written", claim.key)
    ledger.mark_filed(db, None, claim.token)
    remove_token_dir(processing_root(ws), claim.token)
    return Outcome(
        key=claim.key,
        verdict="officer" if decided.ok else "rejected",
        unit=decided.unit,
        stored_path=plan.shown(plan.stored) or "",
        note_path=plan.shown(plan.note),
        rules=() if decided.ok else ("format",),
        message=decided.message,
        officer_form=True,
    )


@dataclass(frozen=True)
class OfficerDecision:
    """What became of an officer form: registered or not (and why), its unit and its plan."""

    ok: bool
    message: str
    unit: str | None
    plan: filing.FilingPlan

    def to_json(self) -> str:
        return json.dumps(
            {"ok": self.ok, "message": self.message, "unit": self.unit, "plan": self.plan.to_json()},
            ensure_ascii=True,
        )

    @classmethod
    def from_json(cls, text: str) -> OfficerDecision:
        data = json.loads(text)
        return cls(data["ok"], data["message"], data["unit"], filing.FilingPlan.from_json(data["plan"]))

    def note_text(self, claim: Claim) -> str:
        return (
            f"文件：{display_name(claim.key)}\n单位：{self.unit or '未知'}\n"
            f"信息员推荐表未能登记：{self.message}\n请按附件2《信息员推荐表》填写后重新报送。\n"
        )

    def receipt_text(self, claim: Claim, rulebook: Rulebook) -> str:
        from checks.labels import when_text

        head = f"收稿回执\n\n文件：{display_name(claim.key)}\n收稿时间：{when_text(claim.received_at, rulebook.meta.tz)}\n"
        if self.ok:
            return head + f"信息员推荐表：已登记（{self.message}）\n"
        return head + "信息员推荐表：退回\n\n—— 退回说明 ——\n\n" + self.note_text(claim)


def _officer_decision(
    ws: Workspace, rulebook: Rulebook, db: sqlite_utils.Database, claim: Claim
) -> OfficerDecision:
    """The decision kept on the claim, else: read and register the form, plan its filing, and
    keep both on the claim before anything is written."""
    from intake.officers import register_officer_form

    kept = (ledger.get_claim(db, claim.token) or {}).get("plan")
    if kept:
        return OfficerDecision.from_json(kept)
    where = InboxPath.parse(claim.relpath, rulebook)
    unit = where.unit
    ok, message = False, "未找到该文件"
    if claim.path is not None:
        if unit is None:
            message = (
                f"信息员推荐表所在文件夹“{display_name(where.place.unit_folder or '')}”不是本街道的单位名称"
            )
        elif not stat.S_ISREG(os.lstat(claim.path).st_mode):
            message = "不是普通文件（快捷方式、管道等），未读取"
        else:
            with open(claim.path, "rb") as fh:
                data = fh.read(rulebook.limits.max_total_bytes + 1)
            ok, message = register_officer_form(db, unit, data, claim.received_at, rulebook.limits)
    plan = filing.plan_filing(
        ws,
        rulebook.intake.receipt_folder,
        "officer" if ok else "officer_rejected",
        unit,
        claim.received_at,
        filing.officer_tag(claim.token),
        claim.path.name if claim.path is not None else where.name,
    )
    decided = OfficerDecision(ok, message, unit, plan)
    ledger.set_claim_plan(db, claim.token, decided.to_json())
    return decided


def process_one(
    ws: Workspace,
    rulebook: Rulebook,
    db: sqlite_utils.Database,
    token: str,
    ahead: Prefetch[Path, Draft] | None = None,
    window: ledger.PriorWindow | None = None,
) -> Outcome | None:
    """The pipeline for one claimed item, from wherever it stopped: read → check → record → file.
    A submission already recorded for this claim (a crash after the commit) is only filed."""
    claim = load_claim(ws, rulebook, db, token)
    if claim is None:
        release(token)
        return None
    try:
        if claim.kind == "officer_form":
            return step_officer(ws, rulebook, db, claim)
        row = ledger.submission_for_claim(db, token)
        if row is None:
            if claim.path is None:
                # Nothing recorded and nothing in the processing folder: the rename never
                # happened (the item is still in the inbox) — let the next sweep take it.
                ledger.drop_claim(db, token)
                remove_token_dir(processing_root(ws), token)
                return None
            try:
                draft = step_read(claim, rulebook, ahead)
                sub_id = step_check_and_record(ws, rulebook, db, claim, draft, window)
            except Exception as exc:  # a bug must not leave the item claimed and unfiled
                log.exception("judging or recording %s failed; filed as rejected", claim.key)
                sub_id = step_record_failure(ws, rulebook, db, claim, exc)
                row = ledger.submission(db, sub_id)
                assert row is not None
                outcome = step_file(ws, rulebook, db, claim, row)
                return dataclasses.replace(outcome, failed=True, message=f"内部错误 {type(exc).__name__}")
            row = ledger.submission(db, sub_id)
            assert row is not None
        return step_file(ws, rulebook, db, claim, row)
    finally:
        release(token)


def process_claims(ws: Workspace, rulebook: Rulebook, tokens: Sequence[str]) -> list[Outcome]:
    """Run the pipeline over a batch of claims with one ledger connection (a Prefect task body)."""
    db = open_ledger(ws.ledger_path)
    ahead = _reader(rulebook)
    window = ledger.PriorWindow(db)  # the batch's priors, read once and extended
    outcomes: list[Outcome] = []
    last_beat = time.monotonic()
    try:
        for i, token in enumerate(tokens):
            if i + 1 < len(tokens):
                # The next draft is read (its photos decoded) while this one is judged and filed.
                _read_ahead(ws, rulebook, db, tokens[i + 1], ahead)
            if time.monotonic() - last_beat >= rulebook.intake.heartbeat_seconds:
                # A long batch keeps its host's heartbeat fresh, so no other host mistakes
                # this process's claims for a dead one's.
                ledger.beat(db, now(rulebook), "sweep", os.getpid(), socket.gethostname())
                last_beat = time.monotonic()
            try:
                outcome = process_one(ws, rulebook, db, token, ahead, window)
            except Exception as exc:
                # Filing failed (disk full, permissions): the claim stays open and the item stays
                # in the processing folder; the next sweep retries it. Nothing is lost.
                log.exception("intake failed for claim %s; it will be retried", token)
                outcome = Outcome(
                    key=_claimed_key(db, token),
                    verdict="unfiled",
                    message=f"归档失败（{type(exc).__name__}），稿件保留在处理目录，下次收稿时重试",
                    failed=True,
                )
            if outcome is not None:
                outcomes.append(outcome)
    finally:
        ahead.close()
        db.close()
    return outcomes


def _reader(rulebook: Rulebook) -> Prefetch[Path, Draft]:
    """`read_path` on a thread for the next claimed draft, which also segments it for the
    same-news check (`checks.duplicate.segment_ahead`), while this thread files the one before."""
    from checks.duplicate import segment_ahead
    from extractors.prefetch import Prefetch
    from extractors.read import read_path

    def read(path: Path) -> Draft:
        draft = read_path(path, rulebook)
        segment_ahead(draft, rulebook)
        return draft

    return Prefetch(read, name="read-ahead")


def _claimed_key(db: sqlite_utils.Database, token: str) -> str:
    """The inbox key of a claim, for messages; the token itself when the ledger cannot say."""
    try:
        claimed = ledger.get_claim(db, token) or {}
    except Exception:
        claimed = {}
    return str(claimed.get("relpath") or token)


def _read_ahead(
    ws: Workspace, rulebook: Rulebook, db: sqlite_utils.Database, token: str, ahead: Prefetch[Path, Draft]
) -> None:
    """Start reading a claimed draft early; an officer form or a vanished item is left alone."""
    try:
        claim = load_claim(ws, rulebook, db, token)
    except Exception:  # reading ahead is only a speed-up: process_one meets any problem itself
        return
    if claim is not None and claim.kind != "officer_form" and claim.path is not None:
        ahead.start(claim.path)


def batches(tokens: Sequence[str], size: int = BATCH_SIZE) -> list[list[str]]:
    return [list(tokens[i : i + size]) for i in range(0, len(tokens), size)]


# ---- the sweep ------------------------------------------------------------------------------


@dataclass
class Taken:
    """What the first half of a sweep produced: tokens to process and what was left."""

    tokens: list[str]
    keys: dict[str, str]  # token → inbox key, for run names and tags
    pending: list[str]
    recovered: int
    taken_elsewhere: int


def take(
    ws: Workspace,
    rulebook: Rulebook,
    keys: Sequence[str] | None = None,
    *,
    settled: bool = False,
    settle_wait: SettleWait = settle_on_the_clock,
) -> Taken:
    """Recover half-done work, find the stable items, record sightings, beat, and claim them."""
    ws.outbox.mkdir(parents=True, exist_ok=True)
    owner = owner_id()
    db = open_ledger(ws.ledger_path)
    try:
        recovered = recover(ws, rulebook, db, owner)
        # 【约稿N】 drafts recorded before the intake linked them, then the receipts a crash left
        # due: linked first, so such a receipt says its 【约稿N】 was recognised
        answers.link_due(db, rulebook)
        receipts.write_due_receipts(ws, rulebook, db)
        items, pending = stable_items(ws, rulebook, db, keys, settled, settle_wait)
        ledger.beat(db, now(rulebook), "sweep", os.getpid(), socket.gethostname())
        first_seen = ledger.sightings(db, (i.key for i in items))
        missing = [i for i in items if i.key not in first_seen]
        if missing:
            first_seen.update(record_sightings_in(db, rulebook, missing))
        tokens = list(recovered)
        names = {t: (ledger.get_claim(db, t) or {}).get("relpath", "") for t in recovered}
        lost = 0
        # Claimed — and so judged — in received order: a near-duplicate check compares a draft
        # with those recorded before it, so the first sender must be recorded first, however
        # the paths sort or sweeps fall (a backlog after downtime arrives in one sweep).
        for item in sorted(items, key=lambda i: (first_seen[i.key], i.key)):
            got = claim(ws, rulebook, db, item, first_seen[item.key], owner)
            if got is None:
                lost += 1
                continue
            tokens.append(got.token)
            names[got.token] = item.key
        return Taken(tokens, names, pending, len(recovered), lost)
    finally:
        db.close()


def sweep(
    ws: Workspace,
    rulebook: Rulebook,
    keys: Sequence[str] | None = None,
    *,
    settled: bool = False,
    run_batch: BatchRunner | None = None,
    settle_wait: SettleWait = settle_on_the_clock,
) -> SweepResult:
    """One intake sweep over the inbox (or only `keys`), without Prefect.

    `settled=False` does its own settle check (look, wait the settle time, look again); items
    still changing stay in the inbox for the next sweep. `run_batch` lets the Prefect flow run
    each batch of claims as a task; the steps are the same.
    `settle_wait` is how the settle time passes (tests pass one that moves time on at once)."""
    run_id = start_run(ws, rulebook, "sweep")
    taken = take(ws, rulebook, keys, settled=settled, settle_wait=settle_wait)
    result = run_batches(taken, lambda batch: (run_batch or process_claims)(ws, rulebook, batch))
    finish_run(ws, rulebook, run_id, result)
    return result


def run_batches(taken: Taken, run_batch: Callable[[list[str]], list[Outcome]]) -> SweepResult:
    """Process what `take` claimed, a batch at a time, and release every claim token at the end
    (the plain sweep and the Prefect flow differ only in how a batch is run)."""
    result = SweepResult(
        pending=taken.pending, recovered=taken.recovered, taken_elsewhere=taken.taken_elsewhere
    )
    try:
        for batch in batches(taken.tokens):
            result.outcomes.extend(run_batch(batch))
            result.batches += 1
    finally:
        release_all(taken.tokens)
    return result


def start_run(ws: Workspace, rulebook: Rulebook, kind: str, flow_run_id: str | None = None) -> int:
    """A `runs` row, so `status` can tell when the inbox was last swept and what it found."""
    ws.outbox.mkdir(parents=True, exist_ok=True)
    db = open_ledger(ws.ledger_path)
    try:
        return ledger.start_run(db, kind, now(rulebook), flow_run_id)
    finally:
        db.close()


def finish_run(ws: Workspace, rulebook: Rulebook, run_id: int, result: SweepResult) -> None:
    db = open_ledger(ws.ledger_path)
    try:
        ledger.finish_run(
            db, run_id, now(rulebook), len(result.outcomes), len(result.accepted), len(result.rejected)
        )
    finally:
        db.close()
    notify.after_sweep(ws, rulebook, run_id, result)
