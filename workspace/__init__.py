"""The workspace: where inbox/, outbox/, the ledger and the editable rulebooks live.

Everything above (intake, reports, flows, service, the front ends) asks this module for a
path, the office clock (`now`, which `$DRAFTDESK_NOW` replaces for replays) or a rulebook, and
nothing below it (ledger, scoring, checks, extractors, rules) knows a workspace exists: they
receive paths, times and rulebooks as arguments.

One rulebook per year: `rules/<YYYY>.toml` (`draftdesk rules new YYYY`), and an existing
`draftdesk.toml` still read as the rulebook of its `meta.year`. Choosing the year's rulebook
happens here and nowhere else (`Workspace.rulebook_for`): a draft is judged by the rulebook of
the year it was received, a period scored by its year's; a year with none is judged by the
nearest earlier year's (the latest year before it), or — when no year is earlier — by the
earliest later one, with a warning that names the one used.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rules import DEFAULT_RULEBOOK, Rulebook, RulebookError, load_rulebook
from rules.periods import Period
from rules.times import parse_instant

RULEBOOK_NAME = "draftdesk.toml"
RULES_FOLDER = "rules"
_YEAR_FILE = re.compile(r"\d{4}")


@lru_cache(maxsize=64)
def _load_cached(path: str, mtime_ns: int, size: int) -> Rulebook:
    """A rulebook file read once per version (a sweep asks per draft)."""
    return load_rulebook(path)


def load_file(path: Path) -> Rulebook:
    """The rulebook at `path`, cached while the file is unchanged; raises RulebookError."""
    try:
        st = path.stat()
    except OSError:
        return load_rulebook(path)  # raises the RulebookError naming the file
    return _load_cached(str(path), st.st_mtime_ns, st.st_size)


@dataclass(frozen=True)
class YearRulebook:
    """The rulebook to judge a year by, and — when that year has none — the warning to show."""

    year: int
    rulebook: Rulebook
    path: Path
    warning: str | None = None


@dataclass(frozen=True)
class PeriodRules:
    """THE rulebook a period is scored, listed and reported by — its year's — and, when the
    workspace has none for that year, the warning (Chinese) every reader of the period shows:
    `score`, the workbook, the 考核 page, the 通报, a unit's page, the drafts behind a figure.
    Made once by `Workspace.period_rules`; readers never pick a year's rulebook themselves."""

    period: Period
    rulebook: Rulebook
    warning: str | None = None


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def ledger_path(self) -> Path:
        return self.outbox / "ledger.db"

    @property
    def accepted(self) -> Path:
        return self.outbox / "accepted"

    @property
    def rejected(self) -> Path:
        return self.outbox / "rejected"

    @property
    def reports(self) -> Path:
        return self.outbox / "reports"

    @property
    def rulebook_path(self) -> Path:
        return self.root / RULEBOOK_NAME

    @property
    def rules_folder(self) -> Path:
        return self.root / RULES_FOLDER

    def rulebook_paths(self) -> dict[int, Path]:
        """Every year's rulebook file, by year: `draftdesk.toml` as the year it says, then
        `rules/<YYYY>.toml` (a year's own file wins over the old single one)."""
        found: dict[int, Path] = {}
        if self.rulebook_path.exists():
            found[load_file(self.rulebook_path).meta.year] = self.rulebook_path
        if self.rules_folder.is_dir():
            for path in sorted(self.rules_folder.glob("*.toml")):
                if _YEAR_FILE.fullmatch(path.stem):
                    found[int(path.stem)] = path
        return dict(sorted(found.items()))

    def rulebook_paths_unchecked(self) -> list[Path]:
        """Every rulebook file the workspace holds, without reading any (`rules check`)."""
        found = [self.rulebook_path] if self.rulebook_path.exists() else []
        if self.rules_folder.is_dir():
            found += [p for p in sorted(self.rules_folder.glob("*.toml")) if _YEAR_FILE.fullmatch(p.stem)]
        return found

    def latest_rulebook_path(self) -> Path:
        """The latest year's rulebook file, else the seed default."""
        paths = self.rulebook_paths()
        return paths[max(paths)] if paths else DEFAULT_RULEBOOK

    def rulebook(self) -> Rulebook:
        """The latest year's rulebook (intake times, units, folders), else the seed default."""
        return load_file(self.latest_rulebook_path())

    def rulebook_for(self, year: int) -> YearRulebook:
        """The rulebook of `year`; when the workspace has none for it, the nearest earlier
        year's (latest year ≤ `year`), else the earliest later one, with a warning (Chinese)
        naming the one used, for the note, the report and `status`."""
        paths = self.rulebook_paths()
        if year in paths:
            return YearRulebook(year, load_file(paths[year]), paths[year])
        earlier = [y for y in paths if y < year]
        later = [y for y in paths if y > year]
        if earlier:
            path, which = paths[max(earlier)], "此前最近的"
        elif later:
            path, which = paths[min(later)], "此后最早的"
        else:
            path, which = DEFAULT_RULEBOOK, "内置默认的"
        rulebook = load_file(path)
        warning = (
            f"工作目录没有 {year} 年的规则文件，暂按{which} {rulebook.meta.year} 年的规则（{path.name}）判定；"
            f"{new_rulebook_advice(year)}"
        )
        return YearRulebook(year, rulebook, path, warning)

    def period_rules(self, period: Period) -> PeriodRules:
        """The rulebook of `period` and its warning (`PeriodRules`)."""
        found = self.rulebook_for(period.year)
        return PeriodRules(period, found.rulebook, found.warning)


def new_rulebook_advice(year: int) -> str:
    """What the office should do about a missing year, in words for people (notes, pages):
    the command line adds its own command (`cli.wording.with_command`)."""
    return f"请办公室新建并核对 {year} 年的规则文件。"


def resolve_workspace(option: Path | None = None) -> Workspace:
    """`--workspace`, else `$DRAFTDESK_WORKSPACE`, else the current folder."""
    if option is not None:
        return Workspace(Path(option).expanduser().resolve())
    env = os.environ.get("DRAFTDESK_WORKSPACE")
    return Workspace(Path(env).expanduser().resolve() if env else Path.cwd().resolve())


class WorkspaceError(Exception):
    """The workspace cannot serve this command; the message (Chinese) says the fix."""


def open_workspace(option: Path | None, *, need: str = "inbox") -> tuple[Workspace, Rulebook]:
    """The workspace and its rulebook, checked for what a command needs.

    `need="inbox"` (intake commands): the inbox exists and the outbox is not inside it, or a
    sweep would take its own output as new drafts. `need="outbox"` (office commands): the
    outbox holding the ledger exists, so a typo in --workspace never creates a stray ledger.
    A bad rulebook becomes a WorkspaceError naming every bad key.
    """
    ws = resolve_workspace(option)
    if need == "outbox" and not ws.outbox.is_dir():
        raise WorkspaceError(
            f"工作目录 {ws.root} 没有 outbox/（台账所在）：请先运行 draftdesk init "
            f"--workspace {ws.root}，或用 --workspace 指定工作目录。"
        )
    if need == "inbox":
        problem = layout_problem(ws.inbox, ws.outbox)
        if problem:
            raise WorkspaceError(problem)
    try:
        return ws, ws.rulebook()
    except RulebookError as exc:
        raise WorkspaceError(str(exc)) from None


def layout_problem(inbox: Path, outbox: Path | None) -> str | None:
    """Why this inbox/outbox pair would lose or loop files (Chinese), or None when it is fine:
    a missing inbox, or an outbox inside the inbox (filed drafts would be taken again)."""
    if not inbox.is_dir():
        return f"收件箱 {inbox} 不存在或不是文件夹：请先运行 draftdesk init，或用 --workspace 指定工作目录。"
    if outbox is not None and is_inside(outbox, inbox):
        return (
            f"发件箱 {outbox} 位于收件箱 {inbox} 之内：已归档的稿件会被当作新稿再次收取。"
            "请把 outbox 移到 inbox 之外后再启动。"
        )
    return None


def is_inside(child: Path, parent: Path) -> bool:
    """Whether `child` is `parent` or lies below it, after resolving links."""
    try:
        child.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True


def now(rulebook: Rulebook) -> dt.datetime:
    """The current time in the office's zone; `$DRAFTDESK_NOW` (ISO) replaces the clock for replays."""
    tz = rulebook.meta.tz
    override = os.environ.get("DRAFTDESK_NOW")
    if override:
        return parse_instant(override, tz)
    return dt.datetime.now(tz)
