"""`scoring.credit_rule` rendered as SQL: the 台账 views' 计入 (1/0) of a `submissions` row.

The steps are the same data `scoring.credit` evaluates in Python: each step becomes a WHEN of one
CASE, in order, its condition rendered term by term (`term_sql`), so a step added to the rule is
a WHEN here with no second copy to keep. Two facts are not columns of the row and have their own
named SQL, which `tests/test_credit_agreement.py` covers with the rest on every row of generated
years:
- `on_platform_sql`: an adoption in force on the type's platform (学习强国). The views count
  adoptions to date, a report to its end;
- `earlier_counted_sql`: an earlier version of the draft's revision chain, in the same year,
  counts; the view must start with `CHAIN_CTE`, the chain walked as `scoring.credit.chain_root`
  walks it (an edge to a version received in another year starts a new chain).
The views are made with one rulebook (the desk's): a row of another year is judged by its due
dates and platforms.
"""

from __future__ import annotations

from ledger.decisions import counted_sql, verdict_sql
from rules import Rulebook
from scoring import credit_rule as rule
from scoring.credit_rule import (
    COUNTED,
    All,
    EarlierCounted,
    Equals,
    Flag,
    Given,
    Not,
    OnPlatform,
    PastDue,
    Step,
    Term,
    adopted_types,
)

CHAIN_CTE = (
    "WITH RECURSIVE chain(id, root, year, depth) AS (SELECT r.id, r.id, substr(r.received_at, 1, 4), 0 "
    "FROM submissions r LEFT JOIN submissions p ON p.id = r.revision_of WHERE p.id IS NULL "
    "OR substr(p.received_at, 1, 4) != substr(r.received_at, 1, 4) UNION ALL SELECT r.id, c.root, c.year, "
    "c.depth + 1 FROM submissions r JOIN chain c ON r.revision_of = c.id "
    "WHERE substr(r.received_at, 1, 4) = c.year AND c.depth < 1000) "
)
"""Each draft with the first version of its revision chain within its year (`root`)."""


def quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _column(name: str, s: str) -> str:
    """A `SubmissionRow` column as SQL: `verdict` and `counted` are the effective ones."""
    if name == "verdict":
        return verdict_sql(s)
    if name == "counted":
        return counted_sql(s)
    return f"{s}.{name}"


def _literal(value: str | bool) -> str:
    return str(int(value)) if isinstance(value, bool) else quoted(value)


def past_due_sql(rulebook: Rulebook, s: str) -> str:
    """Received after the type's due date ("MM-DD" against the stored local date)."""
    due = " ".join(
        f"WHEN {quoted(k)} THEN substr({s}.received_at, 6, 5) > {quoted(t.due)}"
        for k, t in rulebook.types.items()
        if t.due
    )
    return f"(CASE {s}.content_type {due} ELSE 0 END)" if due else "0"


def on_platform_sql(rulebook: Rulebook, s: str) -> str:
    """An adoption in force of the draft on its type's platform (by any outlet when it names none)."""
    cases = []
    for key, ctype in rulebook.types.items():
        if ctype.platform is None:
            continue
        names = [n for n, p in rulebook.outlet_platforms.items() if p == ctype.platform]
        cases.append(f"WHEN {quoted(key)} THEN a.outlet IN ({', '.join(quoted(n) for n in names) or 'NULL'})")
    on = f"(CASE {s}.content_type {' '.join(cases)} ELSE 1 END)" if cases else "1"
    return f"EXISTS (SELECT 1 FROM adoptions a WHERE a.submission_id = {s}.id AND a.withdrawn_at IS NULL AND {on})"


def earlier_counted_sql(rulebook: Rulebook, s: str) -> str:
    """An earlier version in `s`'s chain (within its year) counts by the ordinary steps (the first
    such version counts, so "an earlier one passes" is "an earlier one counts")."""
    adopted = ", ".join(quoted(k) for k in adopted_types(rulebook)) or "NULL"
    return (
        f"EXISTS (SELECT 1 FROM chain me JOIN chain o ON o.root = me.root AND o.id != me.id "
        f"JOIN submissions e ON e.id = o.id WHERE me.id = {s}.id AND (e.received_at < {s}.received_at "
        f"OR (e.received_at = {s}.received_at AND e.id < {s}.id)) AND e.content_type NOT IN ({adopted}) "
        f"AND {steps_sql(rule.ORDINARY, rulebook, 'e', chain=False)} = 1)"
    )


def term_sql(term: Term, rulebook: Rulebook, s: str, chain: bool = True) -> str:
    """One condition of the rule over row `s`, as SQL that is never NULL."""
    match term:
        case Flag(column):
            return f"coalesce({_column(column, s)}, 0) != 0"
        case Given(column):
            return f"{_column(column, s)} IS NOT NULL"
        case Equals(column, value):
            found = _column(column, s)
            return f"({found} IS NOT NULL AND {found} = {_literal(value)})"
        case Not(inner):
            return f"NOT ({term_sql(inner, rulebook, s, chain)})"
        case All(terms):
            return "(" + " AND ".join(term_sql(t, rulebook, s, chain) for t in terms) + ")" if terms else "1"
        case PastDue():
            return past_due_sql(rulebook, s)
        case OnPlatform():
            return on_platform_sql(rulebook, s)
        case EarlierCounted():
            return earlier_counted_sql(rulebook, s) if chain else "0"
    raise TypeError(term)


def steps_sql(steps: tuple[Step, ...], rulebook: Rulebook, s: str, chain: bool = True) -> str:
    """The steps as one CASE: 1 when the first step that holds counts, else 0."""
    whens = " ".join(
        f"WHEN {term_sql(step.when, rulebook, s, chain)} THEN {int(step.state == COUNTED)}" for step in steps
    )
    return f"(CASE {whens} ELSE 0 END)"


def counts_sql(rulebook: Rulebook, s: str = "s") -> str:
    """`scoring.credit.credits_of`'s "does it count" for submission `s` as one SQL expression (1/0),
    the `ADOPTED` steps for the adopted-quota types, else the `ORDINARY` ones."""
    adopted = ", ".join(quoted(k) for k in adopted_types(rulebook)) or "NULL"
    return (
        f"(CASE WHEN {s}.content_type IN ({adopted}) THEN {steps_sql(rule.ADOPTED, rulebook, s)} "
        f"ELSE {steps_sql(rule.ORDINARY, rulebook, s)} END)"
    )
