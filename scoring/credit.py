"""THE answer to "does this draft count, toward what, and what is it paid?" (issue 25).

One `Credit` per submission, from the verdict and counted decision in force (the office's 核定
included), the rulebook of its year and its adoptions. `credits_of` is the one function that
decides what counts: completion (`scoring.completion`), the drill-down (`reports.behind`), the
receipts, the unit page and the console read it; the 台账 views' SQL (`ledger.views.counts_sql`)
mirrors it and a test holds them equal on every row of a generated year. The fee is `scoring.fees.piece_fee` (one fee per piece, at its
highest standard); `credit_words` is the one wording people read.

What counts (in this order; the first that applies decides):
- 退回: never counts.
- 核定: the office's `--count` / `--not-count` overrides every machine exclusion below (a
  学习强国 piece still waits for its adoption).
- 学习强国 and other adopted-quota types: an announcement never counts; a piece adopted on the
  type's platform counts in the period of its first such adoption; otherwise it waits.
- the machine's exclusions: probably the same event as an earlier draft (waits for 核定), an exact
  copy or the same news sent first by another unit, an announcement, late (not counted by the
  judge), received after the type's due date, a later version of a draft already counted (one
  credit per revision chain, `chain_root` walks the chain).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rules.model import Rulebook
from rules.periods import Period, due_date, period_for, period_words
from scoring.fees import PieceFee, piece_fee
from scoring.rows import AdoptionRow, SubmissionRow

COUNTED, PENDING, EXCLUDED = "counted", "pending", "excluded"
NOT_ADOPTED = "学习强国按录用篇数计入，录用后自动计入"


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
    """THE revision-chain walker: the first draft of `row`'s chain (guarding against loops)."""
    seen: set[int] = set()
    current = row
    while current.revision_of is not None and current.revision_of in by_id and current.id not in seen:
        seen.add(current.id)
        current = by_id[current.revision_of]
    return current.id


def _why_text(row: SubmissionRow, reason: str, related: int | None) -> str:
    texts = {
        "rejected": "稿件已退回，原因见退回说明，修改后可重新报送",
        "decided": f"办公室核定不计入（理由：{row.decided_reason or '未说明'}）",
        "announcement": "通知公告类稿件不纳入考核（稿酬按最低标准）",
        "not_adopted": NOT_ADOPTED,
        "same_event": f"可能与稿件 {related} 为同一事件，待办公室核定",
        "copy": f"与稿件 {related} 为同一文件，重复报送只计一次",
        "same_news": f"与稿件 {related} 为同一新闻（先报者计入）",
        "late": "已登记，原因见未计入说明",
        "due": "超过本年度报送截止日期",
        "revision": f"稿件 {related} 的修改稿，只计一次",
    }
    return texts.get(reason, "")


def _is_copy(row: SubmissionRow, by_id: Mapping[int, SubmissionRow]) -> bool:
    first = by_id.get(row.duplicate_of) if row.duplicate_of is not None else None
    if first is None:
        return False
    return bool(row.sha256) and first.sha256 == row.sha256


def _machine(
    row: SubmissionRow, by_id: Mapping[int, SubmissionRow], rulebook: Rulebook
) -> tuple[str, int | None]:
    """The machine's exclusion of an accepted, undecided draft ("" when none), and the draft it names."""
    if row.same_event_of is not None and not row.counted:
        return "same_event", row.same_event_of
    if row.duplicate_of is not None:
        return ("copy" if _is_copy(row, by_id) else "same_news"), row.duplicate_of
    if row.is_announcement:
        return "announcement", None
    if not row.counted:
        return "late", None
    ctype = rulebook.types.get(row.content_type)
    if ctype is not None and ctype.due and row.received_day > due_date(row.received_day.year, ctype.due):
        return "due", None
    return "", None


def _platform_day(row: SubmissionRow, adopted: Sequence[AdoptionRow], rulebook: Rulebook) -> dt.date | None:
    days = [a.adopted_on for a in adopted if rulebook.counts_for(row.content_type, a.outlet)]
    return min(days) if days else None


def _adopted_state(
    row: SubmissionRow, adopted: Sequence[AdoptionRow], rulebook: Rulebook
) -> tuple[str, str, dt.date | None]:
    """An adopted-quota type (学习强国): counted on its first adoption on the platform."""
    if row.decided_counted is False:
        return EXCLUDED, "decided", None
    if row.is_announcement and row.decided_counted is None:
        return EXCLUDED, "announcement", None
    day = _platform_day(row, adopted, rulebook)
    if day is not None:
        return COUNTED, "", day
    if row.verdict != "accepted":
        return EXCLUDED, "rejected", None
    return PENDING, "not_adopted", None


@dataclass
class _Chains:
    """Per revision chain, the draft already credited (the walk happens once per row)."""

    by_id: Mapping[int, SubmissionRow]
    first: dict[int, int]

    def claim(self, row: SubmissionRow, forced: bool) -> int | None:
        """Credit `row` in its chain; the earlier credited draft when it is a later version."""
        root = chain_root(row, self.by_id)
        if root in self.first and not forced:
            return self.first[root]
        self.first.setdefault(root, row.id)
        return None


def _state(
    row: SubmissionRow, chains: _Chains, adopted: Sequence[AdoptionRow], rulebook: Rulebook
) -> tuple[str, str, dt.date | None, int | None]:
    """(state, reason, day, related) of one draft: the module docstring's rules, in order."""
    ctype = rulebook.types.get(row.content_type)
    if ctype is not None and ctype.quota == "adopted":
        state, reason, day = _adopted_state(row, adopted, rulebook)
        return state, reason, day, None
    if row.verdict != "accepted":
        return EXCLUDED, "rejected", None, None
    if row.decided_counted is not None:
        if not row.decided_counted:
            return EXCLUDED, "decided", None, None
        chains.claim(row, forced=True)
        return COUNTED, "", row.received_day, None
    reason, related = _machine(row, chains.by_id, rulebook)
    if reason:
        return (PENDING if reason == "same_event" else EXCLUDED), reason, None, related
    earlier = chains.claim(row, forced=False)
    if earlier is not None:
        return EXCLUDED, "revision", None, earlier
    return COUNTED, "", row.received_day, None


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
        state, reason, day, related = _state(row, chains, mine, rulebook)
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
            why=_why_text(row, reason, related),
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
