"""E-mail intake: each mail from a known sender becomes one item in its unit's inbox folder,
written there as a unit would drop it; the mail is acted on only after that item is filed.

Anchored on paperless-ngx's mail rules, without their known faults:
- paperless moves or flags a mail as soon as its documents are *queued*, and loses them when
  consumption then fails. Here a mail is acted on (`after` in mail.toml: move, flag or mark
  seen) only in a later run, once the ledger holds the FILED submission of its item.
- paperless remembers processed mails by UID alone; a UID means nothing without the folder's
  UIDVALIDITY. Here every mail is recorded by (account, UIDVALIDITY, UID) with a unique index
  (`ledger.mail`), claimed in one transaction before its item is written, so overlapping or
  repeated runs never take a mail twice, and a crash mid-write is redone, never doubled.
- 163/126 refuse SELECT to a client that has not said who it is: the IMAP `ID` command is sent
  after LOGIN, always; a server that does not know it is ignored.
- Attachment names in GBK/GB18030, RFC 2231 and RFC 2047 are decoded (`intake.mail_message`).
- Mails from unknown senders and mails with no document stay unread in place and are recorded
  (`left`) for the office's list; nothing is fetched with the \\Seen flag set.
A server that is down, refuses the login or drops the connection mid-fetch costs one Chinese
line and a retry next run: what was not claimed is taken next time, what was is finished.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import imaplib
import logging
import os
import shutil
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

import sqlite_utils
from imap_tools import AND, BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessageFlags
from imap_tools.errors import ImapToolsError, MailboxFolderSelectError, MailboxLoginError

from intake.inbox_path import free_place
from intake.mail_config import MailAccount, MailConfig, MailConfigError
from intake.mail_message import (
    NO_DOCUMENT,
    UNKNOWN_SENDER,
    MailItem,
    attachments_of,
    header_text,
    item_of,
    sender_of,
)
from ledger import mail as mail_ledger
from ledger.schema import DatabaseError, damage_reason, open_ledger
from rules import Rulebook
from workspace import Workspace, now

log = logging.getLogger("draftdesk.mail")

MAIL_LOCK = ".mail.lock"
_CLIENT_ID = '("name" "draftdesk" "version" "1" "vendor" "draftdesk")'
_NETWORK = (OSError, EOFError, imaplib.IMAP4.error, ImapToolsError)


@dataclass
class MailRunResult:
    """What one mail run did: items written into the inbox (their keys), mails acted on after
    filing, mails newly left for the office, and one Chinese line per account that failed."""

    taken: list[str] = field(default_factory=list)
    done: int = 0
    left: int = 0
    problems: list[str] = field(default_factory=list)
    busy: bool = False  # another process was reading the mailboxes: this run did nothing


@dataclass(frozen=True)
class _Run:
    ws: Workspace
    rulebook: Rulebook
    config: MailConfig
    account: MailAccount
    uidvalidity: int
    at: str


def receive_mail(ws: Workspace, rulebook: Rulebook, config: MailConfig) -> MailRunResult:
    """One mail run over every account: finish what earlier runs left (act on filed mails), then
    take the new ones. Never raises for a server's trouble; a run already going in another
    process makes this one a no-op."""
    result = MailRunResult()
    with _mail_lock(ws) as mine:
        if not mine:
            result.busy = True
            return result
        for account in config.accounts:
            try:
                _receive_account(ws, rulebook, config, account, result)
            except MailConfigError as exc:
                result.problems.append(str(exc))
            except DatabaseError as exc:  # the ledger: nothing was claimed or written
                result.problems.append(f"邮箱「{account.name}」本次未收信：{damage_reason(exc)}（台账）。")
            except _NETWORK as exc:
                log.info("邮箱「%s」本次未收完：%r", account.name, exc)
                result.problems.append(
                    f"邮箱「{account.name}」{_reason(exc, account)}，下次收信再试（没有邮件丢失）。"
                )
    return result


def _reason(exc: BaseException, account: MailAccount) -> str:
    if isinstance(exc, MailboxFolderSelectError):
        return f"没有文件夹「{account.folder}」，请核对 mail.toml 的 folder"
    if isinstance(exc, MailboxLoginError):
        return "登录被拒绝，请核对 mail.toml 的用户名和授权码"
    if isinstance(exc, ConnectionRefusedError | socket.gaierror):
        return "连不上邮件服务器"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "邮件服务器无响应"
    if isinstance(exc, ssl.SSLError):
        return "加密连接失败，请核对 mail.toml 的 security 和 port"
    if isinstance(exc, OSError) and exc.filename:
        return f"稿件无法写入收稿目录（{exc.strerror or exc}）"
    return "连接中断"


def _receive_account(
    ws: Workspace, rulebook: Rulebook, config: MailConfig, account: MailAccount, result: MailRunResult
) -> None:
    password = account.password()
    with _connect(account, config.timeout_seconds) as box:
        box.login(account.user, password, initial_folder=None)
        with contextlib.suppress(imaplib.IMAP4.error):
            box.client.xatom("ID", _CLIENT_ID)  # 163/126: before SELECT
        box.folder.set(account.folder)
        uidvalidity = int(box.folder.status(account.folder, ["UIDVALIDITY"])["UIDVALIDITY"])
        run = _Run(ws, rulebook, config, account, uidvalidity, now(rulebook).isoformat(timespec="seconds"))
        db = open_ledger(ws.ledger_path)
        try:
            known = mail_ledger.recorded(db, account.name, uidvalidity)
            present = set(box.uids("ALL"))
            result.done += _finish(run, db, box, known, present)
            gone = [row for uid, row in known.items() if row.state == mail_ledger.LEFT and uid not in present]
            mail_ledger.drop(db, gone)
            for uid in box.uids(AND(date_gte=account.since)) if account.since else sorted(present, key=int):
                row = known.get(uid)
                if row is None or _now_known(row, config):
                    _take(run, db, box, uid, result, new=row is None)
        finally:
            db.close()


def _now_known(row: mail_ledger.MailRow, config: MailConfig) -> bool:
    """A mail left for its unknown sender, whom the office has since added to mail.toml."""
    return (
        row.state == mail_ledger.LEFT
        and row.reason == UNKNOWN_SENDER
        and config.unit_of(row.sender) is not None
    )


def _connect(account: MailAccount, timeout: float) -> BaseMailBox:
    if account.security == "ssl":
        return MailBox(account.host, account.port, timeout=timeout)
    if account.security == "starttls":
        return MailBoxStartTls(account.host, account.port, timeout=timeout)
    return MailBoxUnencrypted(account.host, account.port, timeout=timeout)


def _finish(
    run: _Run,
    db: sqlite_utils.Database,
    box: BaseMailBox,
    known: dict[str, mail_ledger.MailRow],
    present: set[str],
) -> int:
    """Earlier runs' mails: a claim whose item is not in the inbox nor known to intake is
    dropped (taken again below); a written mail whose item is now filed is acted on — unless it
    has left the folder already (our move went through before the connection dropped, or a
    person moved it): then it is only recorded done. How many were acted on."""
    acted = 0
    for uid, row in list(known.items()):
        if row.state == mail_ledger.TAKING:
            if (run.ws.inbox / row.item_key).exists() or mail_ledger.item_known(db, row):
                mail_ledger.set_state(db, row, mail_ledger.WRITTEN)
                known[uid] = row = _with_state(row, mail_ledger.WRITTEN)
            else:
                mail_ledger.drop(db, [row])
                del known[uid]
                continue
        if row.state == mail_ledger.WRITTEN and mail_ledger.filed(db, row.account, row.uidvalidity, uid):
            if uid in present:
                _act(box, run.account, uid)
                acted += 1
            mail_ledger.set_state(db, row, mail_ledger.DONE, run.at)
    return acted


def _with_state(row: mail_ledger.MailRow, state: str) -> mail_ledger.MailRow:
    return replace(row, state=state)


def _act(box: BaseMailBox, account: MailAccount, uid: str) -> None:
    """What mail.toml's `after` says, done to one mail whose item is filed."""
    if account.action == "move":
        if not box.folder.exists(account.move_to):
            box.folder.create(account.move_to)
        box.move(uid, account.move_to)
    else:
        flag = MailMessageFlags.FLAGGED if account.action == "flag" else MailMessageFlags.SEEN
        box.flag(uid, flag, True)


def _take(
    run: _Run, db: sqlite_utils.Database, box: BaseMailBox, uid: str, result: MailRunResult, *, new: bool
) -> None:
    """Fetch one mail without marking it seen; leave it (unknown sender, no document) or claim
    it, write its item into the inbox and record it written."""
    fetched = next(iter(box.fetch(AND(uid=uid), mark_seen=False, bulk=False)), None)
    if fetched is None:
        return  # gone between the listing and the fetch (moved or deleted by someone)
    msg = fetched.obj
    sender = sender_of(msg)
    row = mail_ledger.MailRow(
        run.account.name, run.uidvalidity, uid, sender, header_text(msg.get("Subject")),
        _sent_at(msg.get("Date")), mail_ledger.LEFT, "", "", run.at, header_text(msg.get("Message-ID")),
    )  # fmt: skip
    unit = run.config.unit_of(sender)
    item = None
    if unit is not None:
        item = item_of(unit, row.subject, attachments_of(msg), run.rulebook, run.config.types.get(unit))
    if item is None:
        mail_ledger.leave(db, _with_reason(row, UNKNOWN_SENDER if unit is None else NO_DOCUMENT))
        result.left += int(new)
        return
    key = free_place(run.ws.inbox, item.relpath, bundle=item.bundle)
    if not mail_ledger.claim(db, row, key.as_posix(), run.at):
        return
    write_item(run.ws.inbox, key, item, f".mail-{run.uidvalidity}-{uid}.part")
    mail_ledger.set_state(db, row, mail_ledger.WRITTEN)
    result.taken.append(key.as_posix())


def _with_reason(row: mail_ledger.MailRow, reason: str) -> mail_ledger.MailRow:
    return replace(row, reason=reason)


def _sent_at(value: str | None) -> str:
    try:
        parsed = email.utils.parsedate_to_datetime(value or "")
    except (TypeError, ValueError):
        return ""
    return parsed.isoformat(timespec="seconds") if isinstance(parsed, dt.datetime) else ""


def write_item(inbox: Path, key: PurePosixPath, item: MailItem, temp_name: str) -> None:
    """Write the item under a hidden temporary name beside its place (intake ignores it), then
    rename it into place in one step, so intake never sees half an item."""
    target = inbox / key
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / temp_name
    if temp.is_dir():
        shutil.rmtree(temp)
    elif temp.exists():
        temp.unlink()
    if item.bundle:
        temp.mkdir()
        for part in item.files:
            (temp / part.name).write_bytes(part.payload)
    else:
        temp.write_bytes(item.files[0].payload)
    os.rename(temp, target)


@contextlib.contextmanager
def _mail_lock(ws: Workspace) -> Iterator[bool]:
    """One mail run at a time per workspace (True: ours); a lock dies with its process."""
    try:
        import fcntl
    except ImportError:
        yield True
        return
    ws.outbox.mkdir(parents=True, exist_ok=True)
    with open(ws.outbox / MAIL_LOCK, "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
