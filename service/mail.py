"""E-mail intake for the front ends: `draftdesk mail` (once), the thread beside `watch`/`serve`
(every `[settings] interval_minutes` of mail.toml), and the office's list of mails left unread
in the mailbox (`status`, the desk's home page). The work itself is `intake.mail`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from checks.labels import kept_time_text
from intake.mail import MailRunResult, receive_mail
from intake.mail_config import MailConfig, MailConfigError, load_mail_config
from ledger import mail as mail_ledger
from ledger.schema import open_ledger
from service.errors import DeskError
from workspace import Workspace

log = logging.getLogger("draftdesk.mail")


class MailNotSetUp(DeskError):
    """The workspace has no mail.toml."""

    def __init__(self) -> None:
        super().__init__("工作目录中没有 mail.toml，未设置收稿邮箱（设置方法见说明书“用邮件报送”一节）。")


class MailSettingsBad(DeskError):
    """mail.toml cannot be used; the sentence names the key."""


def _config(ws: Workspace) -> MailConfig:
    try:
        config = load_mail_config(ws.root, ws.rulebook())
    except MailConfigError as exc:
        raise MailSettingsBad(str(exc)) from None
    if config is None:
        raise MailNotSetUp
    return config


def receive_mail_once(ws: Workspace) -> MailRunResult:
    """One mail run now (`draftdesk mail`). Raises MailNotSetUp, MailSettingsBad."""
    return receive_mail(ws, ws.rulebook(), _config(ws))


def mail_summary(result: MailRunResult) -> list[str]:
    """One run in Chinese lines: what was taken, acted on and left, and each account's trouble."""
    if result.busy:
        return ["另一个收信（监视或服务中的定期收信）正在进行，本次未收信；它收到的稿件同样会放入收稿目录。"]
    ended = "收信结束（有邮箱没有收成，见下）" if result.problems else "收信完成"
    lines = [
        f"{ended}：新收稿件 {len(result.taken)} 件（放入收稿目录，随后登记），"
        f"已登记并处理原邮件 {result.done} 封，留待办公室查看 {result.left} 封。"
    ]
    lines += [f"  收稿目录/{key}" for key in result.taken[:20]]
    return lines + result.problems


def keep_receiving_mail(ws: Workspace, stop: threading.Event) -> None:
    """While `watch` or `serve` runs (a daemon thread beside it): a mail run every
    `interval_minutes`. Never raises: no mail.toml means nothing to do (looked at again each
    period, so one added later is used); a bad one or a server's trouble is one line in the log."""
    while not stop.is_set():
        interval = 5.0
        try:
            config = load_mail_config(ws.root, ws.rulebook())
            if config is not None:
                interval = config.interval_minutes
                result = receive_mail(ws, ws.rulebook(), config)
                for line in mail_summary(result) if result.taken or result.done else []:
                    log.info(line)
                for line in result.problems:
                    log.warning(line)
        except MailConfigError as exc:
            log.warning("%s", exc)
        except Exception as exc:  # a side channel never stops intake; one line, like backup's
            log.warning("收信出错，下个周期再试：%s", exc)
            log.debug("收信出错", exc_info=True)
        stop.wait(interval * 60)


@dataclass(frozen=True)
class LeftMail:
    """A mail left unread in the mailbox for the office: who, what, when, why."""

    account: str
    sender: str
    subject: str
    sent: str
    reason: str


def left_mails(ws: Workspace, limit: int = 20) -> list[LeftMail]:
    """Mails from unknown senders and mails with no document, newest first (read-only)."""
    if not ws.ledger_path.exists():
        return []
    rulebook = ws.rulebook()
    db = open_ledger(ws.ledger_path)
    try:
        rows = mail_ledger.left_for_office(db, limit)
    finally:
        db.close()
    return [
        LeftMail(
            r.account,
            r.sender,
            r.subject or "（无主题）",
            kept_time_text(r.sent_at or r.seen_at, rulebook.meta.tz),
            r.reason,
        )
        for r in rows
    ]


def left_mail_lines(ws: Workspace) -> list[str]:
    """`status`'s lines about mails left in the mailbox (none when there are none)."""
    left = left_mails(ws)
    if not left:
        return []
    lines = [f"邮箱中留待办公室查看的邮件：{len(left)} 封（未读，原样留在邮箱）"]
    lines += [f"  {m.sent} {m.sender}《{m.subject}》：{m.reason}" for m in left[:10]]
    return lines
