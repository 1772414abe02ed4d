"""`draftdesk mail`: read the mailboxes of mail.toml once (`service.mail`)."""

from __future__ import annotations

from pathlib import Path

from cli.common import ExitCode, fail, open_or_exit
from service.errors import DeskError


def mail_command(workspace: Path | None) -> int:
    """0 when every mailbox was read; 1 when one could not be (it is retried next time); 2 when
    mail.toml is missing or wrong."""
    from service.mail import mail_summary, receive_mail_once

    ws, _ = open_or_exit(workspace, need="inbox")
    try:
        result = receive_mail_once(ws)
    except DeskError as exc:
        fail(str(exc), ExitCode.USAGE)
    for line in mail_summary(result):
        print(line)
    return int(ExitCode.REFUSED if result.problems else ExitCode.OK)
