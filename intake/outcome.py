"""What one intake sweep did: an `Outcome` per item and the `SweepResult` of the sweep.

Values only, in their own module, so the steps that run after filing (`intake.notify`) and the
front ends read them without importing the pipeline that makes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# accepted | rejected (both filed with a ledger row) | officer (a registered officer form) |
# unfiled (filing itself failed: the item waits in the processing folder for the next sweep)
OutcomeVerdict = Literal["accepted", "rejected", "officer", "unfiled"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one item: for the summary, the artifacts and the tests."""

    key: str
    verdict: OutcomeVerdict
    submission_id: int | None = None
    unit: str | None = None
    content_type: str | None = None
    stored_path: str = ""
    note_path: str | None = None
    rules: tuple[str, ...] = ()  # rules with an error (why it was rejected)
    message: str = ""
    failed: bool = False  # draftdesk itself failed on it: filed as rejected with an internal-error note
    counted: bool | None = None  # accepted: its credit counts toward a task (None: not accepted)
    credit_text: str = ""  # the credit in its one wording (`scoring.credit.credit_words`)
    officer_form: bool = False  # an officer form (信息员推荐表), not a draft: no 稿件编号


@dataclass
class SweepResult:
    outcomes: list[Outcome] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # still changing: left for the next sweep
    recovered: int = 0  # half-done items finished from a crash
    taken_elsewhere: int = 0  # another process claimed them first
    batches: int = 0  # batches of claims processed

    @property
    def accepted(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.verdict == "accepted"]

    @property
    def not_counted(self) -> list[Outcome]:
        """Accepted and registered, but its credit does not count (late, an announcement, 学习强国
        not adopted yet, waiting for the office): `credit_text` says why."""
        return [o for o in self.outcomes if o.verdict == "accepted" and o.counted is False]

    @property
    def rejected(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.verdict == "rejected"]

    @property
    def officers(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.verdict == "officer"]

    @property
    def failed(self) -> list[Outcome]:
        """Items draftdesk failed on: filed as rejected with an internal-error note, or (verdict
        `unfiled`) left safe in the processing folder because filing itself failed."""
        return [o for o in self.outcomes if o.failed]
