"""What every command shares: exit codes, the workspace option, and opening a workspace.

A command parses its options, calls one library function and turns the named exceptions into
the Chinese sentence and the exit code below — nothing else.
"""

from __future__ import annotations

import enum
import getpass
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:  # imported where used: `draftdesk --help` and the sub-groups start without them
    from ledger.events import Actor
    from rules import Rulebook
    from workspace import Workspace


class ExitCode(enum.IntEnum):
    """The exit statuses of every command (scripts rely on them)."""

    OK = 0
    REFUSED = 1  # the request was understood and refused, or a draft was rejected
    USAGE = 2  # the workspace, rulebook or options cannot serve the command
    INTERRUPTED = 130  # Ctrl-C


WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", help="工作目录（默认 $DRAFTDESK_WORKSPACE，否则当前目录）"),
]


def fail(message: str, code: ExitCode = ExitCode.REFUSED) -> NoReturn:
    """Print `message` to stderr and exit with `code`."""
    typer.echo(message, err=True)
    raise typer.Exit(int(code))


def open_or_exit(option: Path | None, *, need: str = "inbox") -> tuple[Workspace, Rulebook]:
    """The workspace and its rulebook, or the reason it cannot serve (exit 2)."""
    from workspace import WorkspaceError, open_workspace

    try:
        return open_workspace(option, need=need)
    except WorkspaceError as exc:
        fail(str(exc), ExitCode.USAGE)


def cli_actor() -> Actor:
    """Who is at the command line, for the log of changes: the OS user @ this host."""
    from ledger.events import Actor

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container)
        user = "未知用户"
    return Actor(f"{user}@{socket.gethostname()}")
