"""Receipts: the unit hears back in its own folder, inbox/<unit>/<receipt folder>/.

A receipt is written for every filed item, after its ledger row and after filing, atomically
and in the notes' encoding (UTF-8 with BOM, CRLF). It is a side channel: a receipt that cannot
be written never blocks or undoes filing; the ledger records whether it was written
(`submissions.receipt_at`), and every sweep first writes the receipts still due, so a crash
between filing and the receipt costs nothing. A unit that deletes its receipts loses nothing:
the ledger and the outbox keep everything. The intake never takes the receipt folder's files
as drafts (`InboxPath` ignores the folder).
"""

from __future__ import annotations

import logging

import sqlite_utils

from checks.labels import when_text
from checks.model import ImageSummary
from checks.notes import note_bytes, photos_line
from intake import filing
from intake.decided import ORIGINAL_HEADING, decision_text
from intake.filed import FiledItem
from ledger import intake as ledger
from ledger.records import SubmissionRecord
from ledger.requests import answered_request
from rules import Rulebook
from rules.times import parse_instant
from scoring.credit import Credit, credit_words, row_credit
from workspace import Workspace, now

log = logging.getLogger("draftdesk.intake")


def render_receipt(
    row: SubmissionRecord,
    rulebook: Rulebook,
    rulebook_warning: str | None = None,
    credit: Credit | None = None,
    *,
    answers: int | None = None,
) -> str:
    """The receipt's text for one recorded submission ("\\n" line ends; `note_bytes` makes the
    bytes): 稿件编号, title, type, received time, 合格 or 退回, 计入 or why not, both 字数
    figures, for an accepted draft its photos and — when another year's rulebook judged it
    (`rulebook_warning`) — which, the office's 核定 and reason when there is one, and the
    machine's note or notice (without the facts the receipt already heads with). 是否计入 is the
    draft's `credit` (`scoring.credit.credit_words`; without one, the credit the row alone gives).
    A draft linked to a 约稿 (`answers`) says its 【约稿N】 was recognised."""
    verdict = row.get("effective_verdict", row.get("verdict"))  # the office's 核定 where there is one
    accepted = verdict == "accepted"
    credit = credit or row_credit(row, rulebook)
    received = parse_instant(str(row["received_at"]), rulebook.meta.tz)
    lines = [
        "收稿回执",
        "",
        f"稿件编号：{row['id']}",
        f"稿件：{row.get('source_path') or row.get('original_name') or ''}",
        f"标题：{row.get('title') or '未能识别'}",
        f"报送单位：{row.get('unit') or '未能识别'}",
        f"稿件类型：{_type_name(row, rulebook)}",
        f"收稿时间：{when_text(received, rulebook.meta.tz)}",
        f"审核结果：{'合格' if accepted else '退回'}",
        f"是否计入：{credit_words(credit)}",
        _zishu_text(row),
    ]
    lines += (
        [f"约稿：文件名中的【约稿{answers}】已识别，本稿登记为第 {answers} 号约稿的答复"] if answers else []
    )
    if accepted:
        lines += [photos] if (photos := _photos_text(row, rulebook)) else []
        lines += [f"判定规则：{rulebook_warning}"] if rulebook_warning else []
    decided = decision_text(row, rulebook)  # the office's 核定 and its reason, when there is one
    if decided:
        lines.append(decided)
    note = (row.get("note_text") or "").strip()  # the machine's note, under its own heading
    if note:
        heading = ORIGINAL_HEADING if decided else "—— 退回说明 ——" if not accepted else "—— 未计入说明 ——"
        lines += ["", heading, "", _without_facts(note, lines)]
    return "\n".join(lines) + "\n"


def _type_name(row: SubmissionRecord, rulebook: Rulebook) -> str:
    ctype = rulebook.types.get(row.get("content_type") or "")
    return ctype.name if ctype else "未能识别"


def _without_facts(note: str, receipt: list[str]) -> str:
    """The note from its first own line: its heading and the facts the receipt already printed
    (稿件编号, 稿件, 标题, …, 收稿时间) are not said twice."""
    said = {line.split("：", 1)[0] for line in receipt if "：" in line}
    body = note.splitlines()
    if body and "：" not in body[0]:  # the note's own heading (西湖街道信息宣传稿件退回说明)
        body = body[1:]
    while body and (not body[0].strip() or body[0].split("：", 1)[0] in said):
        body = body[1:]
    return "\n".join(body)


def _photos_text(row: SubmissionRecord, rulebook: Rulebook) -> str:
    """The photos line of the recorded counts (`checks.notes.photos_line`)."""
    images = ImageSummary(
        row.get("photos_total") or 0, row.get("photos_distinct") or 0, row.get("photos_hd") or 0
    )
    return photos_line(images, rulebook.types.get(row.get("content_type") or ""))


def _zishu_text(row: SubmissionRecord) -> str:
    """Both figures: the body the rules count, and the whole text Word's status bar shows."""
    body, whole = row.get("zishu"), row.get("zishu_all")
    if not body and not whole:
        return "字数：未能统计"
    return f"字数：正文 {body or 0} 字（Word 状态栏显示全文 {whole or 0} 字）"


def write_receipt(
    ws: Workspace, rulebook: Rulebook, db: sqlite_utils.Database, row: SubmissionRecord
) -> bool:
    """Write one submission's planned receipt (its findings read here); see `write_receipt_of`."""
    try:
        item = FiledItem.read(db, row, rulebook)
    except Exception:
        log.exception("reading submission %s for its receipt failed; the next sweep retries", row.get("id"))
        return False
    return write_receipt_of(ws, rulebook, db, item)


def write_receipt_of(ws: Workspace, rulebook: Rulebook, db: sqlite_utils.Database, item: FiledItem) -> bool:
    """Write a filed item's planned receipt and record that it was written. Never raises:
    False when it could not be written (the next sweep tries again)."""
    if item.plan.receipt is None:
        return False
    try:
        answers = answered_request(db, item.id)
        text = render_receipt(item.row, rulebook, item.rulebook_warning, item.credit, answers=answers)
        filing.write_note(ws.root / item.plan.receipt, note_bytes(text))
        ledger.mark_receipt_written(db, item.id, now(rulebook))
    except Exception:
        log.exception("writing the receipt of submission %s failed; the next sweep retries", item.id)
        return False
    return True


def write_due_receipts(ws: Workspace, rulebook: Rulebook, db: sqlite_utils.Database) -> int:
    """Write every receipt still due (a crash or a failure after filing); how many were written."""
    try:
        due = ledger.receipts_due(db)
    except Exception:
        log.exception("could not list the receipts due")
        return 0
    return sum(write_receipt(ws, rulebook, db, row) for row in due)
