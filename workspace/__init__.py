"""The workspace: where inbox/, outbox/, the ledger and the editable rulebook live.

Only `flows/` touches folders and the clock; everything below receives them as arguments.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from rules import DEFAULT_RULEBOOK, Rulebook, RulebookError, load_rulebook

RULEBOOK_NAME = "draftdesk.toml"


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

    def rulebook(self) -> Rulebook:
        """The workspace's own rulebook (`draftdesk.toml`) if present, else the seed default."""
        return load_rulebook(self.rulebook_path if self.rulebook_path.exists() else DEFAULT_RULEBOOK)


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
        return parse_time(override, rulebook)
    return dt.datetime.now(tz)


def parse_time(text: str, rulebook: Rulebook) -> dt.datetime:
    """An ISO date or time; a naive value is office local time. Raises ValueError when not ISO."""
    value = dt.datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=rulebook.meta.tz)
    return value.astimezone(rulebook.meta.tz)
