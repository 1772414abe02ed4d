"""THE answer to "does this draft count, toward what, and what is it paid?" (issue 25).

One `Credit` per submission, from the verdict and counted decision in force (the office's 核定
included), the rulebook of its year and its adoptions. `credits_of` is the one function that
decides what counts: completion (`scoring.completion`), the drill-down (`reports.behind`), the
receipts, the unit page and the console read it. The fee is `scoring.fees.piece_fee` (one fee per
piece, at its highest standard); `credit_words` is the one wording people read.

What counts is the ordered list of steps in `scoring.credit_rule` (data): this module evaluates
them (`holds`); `ledger.credit_sql` renders the same steps as the SQL of the 台账 views' 计入, and
a test holds the two equal on every row of generated years. In short, the first that applies
decides:
- 退回: never counts.
- 核定: the office's `--count` / `--not-count` overrides every machine exclusion below (a
  学习强国 piece still waits for its adoption).
- 学习强国 and other adopted-quota types: an announcement never counts; a piece adopted on the
  type's platform counts in the period of its first such adoption; otherwise it waits.
- the machine's exclusions: probably the same event as an earlier draft (waits for 核定), an exact
  copy or the same news sent first by another unit, an announcement, late (not counted by the
  judge), received after the type's due date, a later version of a draft already counted this
  year (one credit per revision chain, `chain_root` walks the chain within the year).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from rules.model import Rulebook
from rules.periods import Period, due_date, period_for, period_words
from rules.times import deadline_text, when_text
from scoring.credit_rule import (
    ADOPTED,
    COPY,
    COPY_WORDS,
    COUNTED,
    LATE_NO_DEADLINE,
    PENDING,
    All,
    EarlierCounted,
    Equals,
    Flag,
    Given,
    Not,
    OnPlatform,
    PastDue,
    Term,
    steps_for,
)
from scoring.fees import PieceFee, piece_fee
from scoring.rows import AdoptionRow, SubmissionRow


@dataclass(frozen=True)
class Credit:
    """What one submission earns: where it counts (or why not) and its one fee."""

    submission_id: int
    unit: str
    content_type: str
    type_name: str
    period_kind: str  # the type's period: month / quarter / year
    state: str  # COUNTED / PENDING / EXCLUDED
    reason: str  # code: "" | rejected | decided | announcement | not_adopted | same_event | copy
    #              | same_news | late | due | revision
    why: str  # the reason in Chinese (empty when counted)
    day: dt.date | None  # the day it counts on (received, or first adoption on the platform)
    period: Period | None  # the type-period it counts toward
    decided: bool  # the office's 核定 is in force
    decided_counted: bool | None
    decided_reason: str
    fee: PieceFee
    related: int | None = None  # the earlier draft (copy, same news, same event, revision)

    @property
    def counts(self) -> bool:
        return self.state == COUNTED

    @property
    def period_key(self) -> str:
        return self.period.key if self.period else ""


def chain_root(row: SubmissionRow, by_id: Mapping[int, SubmissionRow]) -> int:
    """THE revision-chain walker: the first draft of `row`'s chain within its year, among `by_id`
    (guarding against loops). A version received in an earlier year starts no chain of this year's:
    each year is assessed on its own rows (`ledger.credit_sql.CHAIN_CTE` walks the same way)."""
    seen: set[int] = set()
    current = row
    while current.id not in seen:
        parent = by_id.get(current.revision_of) if current.revision_of is not None else None
        if parent is None or parent.received_day.year != current.received_day.year:
            break
        seen.add(current.id)
        current = parent
    return current.id


def same_bytes(sha256: str | None, first_sha256: str | None) -> bool:
    """Whether a draft is an exact copy of the earlier one it duplicates: the same non-empty
    file digest. The credit and `decide` (which refuses to count a copy) both ask this."""
    return bool(sha256) and first_sha256 == sha256


def _is_copy(row: SubmissionRow, by_id: Mapping[int, SubmissionRow]) -> bool:
    first = by_id.get(row.duplicate_of) if row.duplicate_of is not None else None
    return first is not None and same_bytes(row.sha256, first.sha256)


def _platform_day(row: SubmissionRow, adopted: Sequence[AdoptionRow], rulebook: Rulebook) -> dt.date | None:
    days = [a.adopted_on for a in adopted if rulebook.counts_for(row.content_type, a.outlet)]
    return min(days) if days else None


@dataclass
class _Chains:
    """Per revision chain (by its root), the draft already credited."""

    by_id: Mapping[int, SubmissionRow]
    first: dict[int, int]


class _Facts:
    """What the rule's named facts say of one row (`scoring.credit_rule`), each worked out only
    when a step asks (the chain is walked once per row)."""

    def __init__(
        self, row: SubmissionRow, chains: _Chains, adopted: Sequence[AdoptionRow], rulebook: Rulebook
    ) -> None:
        self.row, self.chains, self.adopted, self.rulebook = row, chains, adopted, rulebook

    @cached_property
    def past_due(self) -> bool:
        ctype = self.rulebook.types.get(self.row.content_type)
        day = self.row.received_day
        return bool(ctype and ctype.due and day > due_date(day.year, ctype.due))

    @cached_property
    def platform_day(self) -> dt.date | None:
        return _platform_day(self.row, self.adopted, self.rulebook)

    @cached_property
    def root(self) -> int:
        return chain_root(self.row, self.chains.by_id)

    @property
    def earlier(self) -> int | None:
        """The earlier version of the row's chain that already counts, if any."""
        return self.chains.first.get(self.root)

    def claim(self) -> None:
        """The row counts: the first counted version of its chain, unless one counted already."""
        self.chains.first.setdefault(self.root, self.row.id)


Test = Callable[[SubmissionRow, _Facts], bool]


@cache
def compiled(term: Term) -> Test:
    """The rule's condition `term` as a Python test of a row and its facts (the Python side of
    `credit_rule`; made once per term)."""
    match term:
        case Flag(column):
            return lambda row, _: bool(getattr(row, column))
        case Given(column):
            return lambda row, _: getattr(row, column) is not None
        case Equals(column, value):
            return lambda row, _: (found := getattr(row, column)) is not None and found == value
        case Not(inner):
            test = compiled(inner)
            return lambda row, facts: not test(row, facts)
        case All(terms):
            tests = [compiled(t) for t in terms]
            return lambda row, facts: all(t(row, facts) for t in tests)
        case PastDue():
            return lambda _, facts: facts.past_due
        case OnPlatform():
            return lambda _, facts: facts.platform_day is not None
        case EarlierCounted():
            return lambda _, facts: facts.earlier is not None
    raise TypeError(term)


def holds(term: Term, row: SubmissionRow, facts: _Facts) -> bool:
    """Whether the rule's condition `term` holds for `row`."""
    return compiled(term)(row, facts)


def _state(
    row: SubmissionRow, chains: _Chains, adopted: Sequence[AdoptionRow], rulebook: Rulebook
) -> tuple[str, str, dt.date | None, int | None, str]:
    """(state, reason, day, related, why) of one draft: the first step of `credit_rule` that holds."""
    facts = _Facts(row, chains, adopted, rulebook)
    steps = steps_for(rulebook, row.content_type)
    step = next(s for s in steps if compiled(s.when)(row, facts))
    if step.state == COUNTED:
        if steps is not ADOPTED:  # an adopted piece (学习强国) makes no revision a repeat
            facts.claim()
        return COUNTED, "", facts.platform_day if step.on_adoption else row.received_day, None, ""
    related = getattr(row, step.related) if step.related else facts.earlier
    reason, words = step.reason, step.words
    if reason == "same_news" and _is_copy(row, chains.by_id):
        reason, words = COPY, COPY_WORDS
    return step.state, reason, None, related, _why(words, reason, row, related, rulebook)


def _why(words: str, reason: str, row: SubmissionRow, related: int | None, rulebook: Rulebook) -> str:
    """A step's words filled from the row: the related draft, the office's reason, and for a late
    draft the deadline stored by the judge and the received time (no timing again here)."""
    if reason != "late":
        return words.format(related=related, decided_reason=row.decided_reason or "未说明")
    if row.deadline is None:
        return LATE_NO_DEADLINE
    tz = rulebook.meta.tz
    return words.format(deadline=deadline_text(row.deadline, tz), received=when_text(row.received_at, tz))


def _earlier_pieces(
    submissions: Sequence[SubmissionRow], adopted: Mapping[int, Sequence[AdoptionRow]], rulebook: Rulebook
) -> list[SubmissionRow]:
    """Adopted-quota pieces (学习强国) adopted now but received before the rows passed (last
    December's draft adopted in January): they count on their adoption, so each gets a credit,
    taken from its adoption's facts."""
    known = {s.id for s in submissions}
    found: list[SubmissionRow] = []
    for sub_id, rows in sorted(adopted.items()):
        first = min(rows, key=lambda a: (a.adopted_on, a.id))
        ctype = rulebook.types.get(first.content_type)
        if sub_id in known or ctype is None or ctype.quota != "adopted":
            continue
        received = dt.datetime.combine(first.adopted_on, dt.time(), rulebook.meta.tz)
        found.append(
            SubmissionRow(
                sub_id,
                first.unit,
                first.content_type,
                first.title,
                first.officer,
                received,
                "accepted",
                True,
                is_announcement=first.is_announcement,
            )
        )
    return found


def credits_of(
    submissions: Sequence[SubmissionRow],
    adoptions: Sequence[AdoptionRow],
    rulebook: Rulebook,
    through: dt.date | None = None,
) -> dict[int, Credit]:
    """THE owner of "does it count": every submission's `Credit`, by id. Pass a unit's or the
    year's drafts (a revision chain needs its earlier versions) and their adoptions in force;
    `through` cuts adoptions (and so fees) at a report's end."""
    adopted: dict[int, list[AdoptionRow]] = {}
    for a in adoptions:
        if through is None or a.adopted_on <= through:
            adopted.setdefault(a.submission_id, []).append(a)
    rows = [*submissions, *_earlier_pieces(submissions, adopted, rulebook)]
    chains = _Chains({s.id: s for s in rows}, {})
    result: dict[int, Credit] = {}
    for row in sorted(rows, key=lambda s: (s.received_at, s.id)):
        mine = adopted.get(row.id, [])
        state, reason, day, related, why = _state(row, chains, mine, rulebook)
        ctype = rulebook.types.get(row.content_type)
        kind = ctype.period if ctype else "month"
        result[row.id] = Credit(
            submission_id=row.id,
            unit=row.unit,
            content_type=row.content_type,
            type_name=ctype.name if ctype else row.content_type,
            period_kind=kind,
            state=state,
            reason=reason,
            why=why,
            day=day,
            period=period_for(kind, day) if day else None,
            decided=row.decided,
            decided_counted=row.decided_counted,
            decided_reason=row.decided_reason,
            fee=piece_fee(mine, rulebook),
            related=related,
        )
    return result


def row_credit(row: Mapping[str, Any], rulebook: Rulebook) -> Credit:
    """The credit one ledger row gives on its own (effective verdict and counted, no chain and no
    adoptions): for a reader with no ledger at hand; `ledger.credits` reads the whole picture."""
    effective = {
        **row,
        "verdict": row.get("effective_verdict", row.get("verdict")),
        "counted": row.get("effective_counted", row.get("counted")),
    }
    sub = SubmissionRow.from_dict(effective, rulebook.meta.tz)
    return credits_of([sub], [], rulebook)[sub.id]


def credit_words(credit: Credit) -> str:
    """THE wording of a Credit for people, right for its type's period: 计入 2021年3月即时通讯信息任务
    / 暂不计入：学习强国按录用篇数计入，录用后自动计入 / 不计入本季度完成数：通知公告类稿件不纳入考核（稿酬按最低标准）."""
    if credit.counts and credit.period is not None:
        by = "（办公室核定）" if credit.decided_counted else ""
        return f"计入 {credit.period.label}{credit.type_name}任务{by}"
    if credit.state == PENDING:
        return f"暂不计入：{credit.why}"
    if credit.reason == "rejected":
        return f"不计入：{credit.why}"
    return f"不计入{period_words(credit.period_kind)}完成数：{credit.why}"


def fee_words(credit: Credit) -> str:
    """The one fee of the piece as people read it (empty when it was never adopted)."""
    if not credit.fee.marks:
        return ""
    if credit.fee.amount <= 0:
        return "稿酬：无"
    return f"稿酬 {credit.fee.amount:g} 元（单篇稿件以最高标准发放一次）"
