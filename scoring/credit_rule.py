"""The rule of what counts, as data (issue 25): an ordered list of steps per kind of type, each a
reason code, its state, a condition over the draft's columns and its words in Chinese. The first
step whose condition holds decides. `scoring.credit` evaluates the steps in Python for every
`Credit`; `ledger.credit_sql` renders the same steps as one SQL CASE for the 台账 views' 计入. So
adding or reordering a step changes both, and `tests/test_credit_agreement.py` holds them equal
on every row of generated years.

Conditions are made of terms over one row's columns (`Flag`, `Given`, `Equals`, `Not`, `All`)
and three named facts:
- `PastDue`: received after the type's due date, per row from the rulebook (both sides render it
  from `rulebook.types[...].due`);
- `OnPlatform`: adopted on the type's platform (学习强国) — not a column of the row: Python reads
  the draft's adoptions in force up to the report's end, SQL has its own named piece
  (`ledger.credit_sql.on_platform_sql`) over the adoptions table to date;
- `EarlierCounted`: an earlier version in the draft's revision chain already counts — not per
  row: Python walks the chain (`scoring.credit.chain_root`), SQL has its own named piece
  (`ledger.credit_sql.earlier_counted_sql`, a recursive chain). A chain is walked within the
  draft's year (each year is assessed on its own rows by its own rulebook): a version received in
  an earlier year does not make this year's version a repeat.

Columns are named as `scoring.rows.SubmissionRow` names them; `verdict` and `counted` are the
effective ones (the office's 核定 over the machine's).
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.model import Rulebook

COUNTED, PENDING, EXCLUDED = "counted", "pending", "excluded"
NOT_ADOPTED = "学习强国按录用篇数计入，录用后自动计入"


@dataclass(frozen=True)
class Flag:
    """The column is true (NULL is false)."""

    column: str


@dataclass(frozen=True)
class Given:
    """The column holds a value (not NULL)."""

    column: str


@dataclass(frozen=True)
class Equals:
    """The column holds `value` (NULL equals nothing)."""

    column: str
    value: str | bool


@dataclass(frozen=True)
class Not:
    term: Term


@dataclass(frozen=True)
class All:
    """Every term holds (no terms: always)."""

    terms: tuple[Term, ...] = ()


@dataclass(frozen=True)
class PastDue:
    """Received after the type's due date in the rulebook (调研报告: 09-30)."""


@dataclass(frozen=True)
class OnPlatform:
    """Adopted on the type's platform (学习强国), or by any outlet when the type names none."""


@dataclass(frozen=True)
class EarlierCounted:
    """An earlier version in the draft's revision chain (within its year) already counts."""


Term = Flag | Given | Equals | Not | All | PastDue | OnPlatform | EarlierCounted
ALWAYS = All()


@dataclass(frozen=True)
class Step:
    """One rule: when `when` holds, the draft is in `state` for `reason` ("" when it counts).
    `words`: the reason in Chinese ({related}: the draft `related` names, or the earlier counted
    version; {decided_reason}: the office's). `on_adoption`: it counts on its first adoption on the
    platform rather than on the day received."""

    reason: str
    state: str
    when: Term
    words: str = ""
    related: str = ""  # the column naming the earlier draft
    on_adoption: bool = False


ACCEPTED = Equals("verdict", "accepted")

# The first two steps of every list, in this order: a 退回 draft (the machine's or the office's)
# reads the same whatever its type, then the office's --not-count with its reason.
REJECTED = Step("rejected", EXCLUDED, Not(ACCEPTED), "稿件已退回，原因见退回说明，修改后可重新报送")
DECIDED_NOT = Step(
    "decided", EXCLUDED, Equals("decided_counted", False), "办公室核定不计入（理由：{decided_reason}）"
)

ORDINARY: tuple[Step, ...] = (
    REJECTED,
    DECIDED_NOT,
    Step("", COUNTED, Equals("decided_counted", True)),  # 核定 --count overrides every exclusion below
    Step(
        "same_event",
        PENDING,
        All((Given("same_event_of"), Not(Flag("counted")))),
        "可能与稿件 {related} 为同一事件，待办公室核定",
        "same_event_of",
    ),
    Step(
        "same_news",
        EXCLUDED,
        Given("duplicate_of"),
        "与稿件 {related} 为同一新闻（先报者计入）",
        "duplicate_of",
    ),
    Step("announcement", EXCLUDED, Flag("is_announcement"), "通知公告类稿件不纳入考核（稿酬按最低标准）"),
    # Not counted by the judge, accepted and none of the above: late. Worded from what the ledger
    # holds (the deadline the judge stored, the received time), never timed again here.
    Step("late", EXCLUDED, Not(Flag("counted")), "迟报（应在 {deadline} 前报送，实际收稿 {received}）"),
    Step("due", EXCLUDED, PastDue(), "超过本年度报送截止日期"),
    Step("revision", EXCLUDED, EarlierCounted(), "稿件 {related} 的修改稿，只计一次"),
    Step("", COUNTED, ALWAYS),
)
"""A type counted by pieces received (即时, 微信, 政务信息, 调研)."""

ADOPTED: tuple[Step, ...] = (
    REJECTED,
    DECIDED_NOT,
    Step(
        "announcement",
        EXCLUDED,
        All((Flag("is_announcement"), Not(Given("decided_counted")))),
        "通知公告类稿件不纳入考核（稿酬按最低标准）",
    ),
    Step("", COUNTED, OnPlatform(), on_adoption=True),
    Step("not_adopted", PENDING, ALWAYS, NOT_ADOPTED),
)
"""A type whose quota counts adoptions (学习强国): it counts on its first adoption on the platform."""

LATE_NO_DEADLINE = "迟报（超过报送时限）"
"""`late` worded for a row with no stored deadline (the judge stores one with every late finding)."""

COPY = "copy"
COPY_WORDS = "与稿件 {related} 为同一文件，重复报送只计一次"
"""`same_news` worded as an exact copy when the earlier draft has the same bytes: a wording only
(both are excluded), so the SQL needs no look at the earlier draft."""


def adopted_types(rulebook: Rulebook) -> list[str]:
    """The types counted by the `ADOPTED` steps (quota "adopted"); every other one by `ORDINARY`."""
    return [key for key, ctype in rulebook.types.items() if ctype.quota == "adopted"]


def steps_for(rulebook: Rulebook, content_type: str) -> tuple[Step, ...]:
    """The steps that decide a draft of `content_type`."""
    return ADOPTED if content_type in adopted_types(rulebook) else ORDINARY
