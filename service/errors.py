"""The refusals the service layer raises, by name, so each front end can say them its own way.

Every message is a whole Chinese sentence that names the fix. The command line prints it and
exits 1; the browser desk shows it beside the form. Workspace problems (no inbox, bad rulebook)
are `workspace.WorkspaceError` and exit 2.
"""

from __future__ import annotations


class DeskError(Exception):
    """A request the office or a unit can correct; `str(exc)` is the sentence to show."""


class BadInput(DeskError):
    """An option or field has a value that cannot be used (a period, a time, a number)."""


class MissingFiles(DeskError):
    """Files named to `check` do not exist."""


class UnknownDraft(DeskError):
    """No submission has this 稿件编号."""


class UnknownUnit(DeskError):
    """The unit is not in the rulebook."""


class NoSuchAdoption(DeskError):
    """The draft has no adoption by this outlet (on this date)."""


class AlreadyWithdrawn(DeskError):
    """The adoption was withdrawn before."""


class AmbiguousAdoption(DeskError):
    """Several adoptions by one outlet are on record and no date says which."""


class BadRows(DeskError):
    """Adoptions (typed or from a sheet) with problems; nothing was written.

    `problems` holds one `BadRow` per row, each naming its row (第3行 / 命令行)."""

    def __init__(self, heading: str, problems: list[BadRow], hint: str) -> None:
        self.heading = heading
        self.problems = problems
        self.hint = hint
        lines = [heading, *(f"  {p}" for p in problems), hint]
        super().__init__("\n".join(line for line in lines if line))


class BadRow:
    """One row's problems: `where` (第3行) and `reason` (稿件编号 99 不存在；…)."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.where}：{self.reason}"
