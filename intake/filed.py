"""A filed item as the steps after filing see it: built once, when the item is filed.

`FiledItem` holds the ledger row, its findings, its filing plan and its credit, read once and passed to
every step that runs after filing (`intake.pipeline.AFTER_FILING`: the 约稿 link a recording missed,
the receipt, the unit's message), so none of them reads the ledger again.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from extractors.model import ERROR
from intake.filing import FilingPlan
from ledger import intake as ledger
from ledger.credits import submission_credit
from ledger.records import FindingRecord, SubmissionRecord
from rules import Rulebook
from scoring.credit import Credit


@dataclass(frozen=True)
class FiledItem:
    """One filed submission: its row, its findings and the plan it was filed by."""

    row: SubmissionRecord
    findings: tuple[FindingRecord, ...]
    plan: FilingPlan
    credit: Credit | None  # what it counts toward or why not, and its fee (`scoring.credit`)

    @classmethod
    def read(cls, db: sqlite_utils.Database, row: SubmissionRecord, rulebook: Rulebook) -> FiledItem:
        """The item of a row just read: its findings read once, its plan from the row, its
        credit decided once (`ledger.credits.submission_credit`), for the receipt's 是否计入
        line, the unit's message and the console alike."""
        sub_id = int(row["id"])
        findings = tuple(ledger.findings_of(db, sub_id))
        return cls(row, findings, FilingPlan.of_row(row), submission_credit(db, rulebook, sub_id))

    @property
    def id(self) -> int:
        return int(self.row["id"])

    @property
    def unit(self) -> str | None:
        unit = self.row.get("unit")
        return None if unit is None else str(unit)

    @property
    def error_rules(self) -> tuple[str, ...]:
        """The rules with an error (why it was rejected), each once, in finding order."""
        return tuple(dict.fromkeys(str(f["rule"]) for f in self.findings if f.get("severity") == ERROR))

    @property
    def reasons(self) -> tuple[str, ...]:
        """The messages of the findings that are not errors (why an accepted draft is not counted)."""
        return tuple(str(f["message"]) for f in self.findings if f.get("severity") != ERROR)

    @property
    def rulebook_warning(self) -> str | None:
        """The missing-year warning the draft was judged with (`checks.judge.with_rulebook_warning`),
        or None when its own year's rulebook judged it."""
        return next((str(f["message"]) for f in self.findings if f.get("rule") == "rulebook"), None)
