"""What the office's 核定 says to the unit: the words a note, notice or receipt opens with.

The machine's note (`submissions.note_text`) is kept as it was written; a decided draft's note
is the office's decision and reason, then the machine's note under 原审核说明, so the unit reads
both what was found and what the office made of it. Undone, the note is the machine's again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checks.labels import when_text
from rules import Rulebook
from rules.times import parse_instant

ORIGINAL_HEADING = "—— 原审核说明（已由上面的办公室核定取代，仅供参考）——"


def outcome_words(verdict: str, counted: bool) -> str:
    """合格，计入考核 / 合格，不计入考核 / 退回，不计入考核."""
    if verdict != "accepted":
        return "退回，不计入考核"
    return "合格，计入考核" if counted else "合格，不计入考核"


def decision_text(row: Mapping[str, Any], rulebook: Rulebook) -> str | None:
    """办公室核定：本稿合格，计入考核。理由：…（2021年3月20日 10:00）; None when undecided."""
    verdict = row.get("decided_verdict")
    if not verdict:
        return None
    words = outcome_words(str(verdict), bool(row.get("decided_counted")))
    at = row.get("decided_at")
    when = f"（{when_text(parse_instant(str(at), rulebook.meta.tz), rulebook.meta.tz)}）" if at else ""
    return f"办公室核定：本稿{words}。理由：{str(row.get('decided_reason') or '').rstrip('。')}。{when}"


def note_in_force(row: Mapping[str, Any], rulebook: Rulebook) -> str | None:
    """The note the unit and the desk read: the office's decision over the machine's note, or
    the machine's note alone."""
    machine = (row.get("note_text") or "").strip()
    decided = decision_text(row, rulebook)
    if decided is None:
        return machine or None
    return f"{decided}\n\n{ORIGINAL_HEADING}\n\n{machine}" if machine else decided
