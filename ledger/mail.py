"""The record of mails taken by e-mail intake (`intake/mail.py`): all its SQL.

A mail is known by (account, UIDVALIDITY, UID); the unique index on the three makes a second
take of one mail impossible, whichever process or run tries. Its life: `taking` (claimed, its
item being written into the inbox), `written` (the item lies in the inbox), `done` (the item is
filed and the mail was moved/flagged/marked). A mail left in place for the office (unknown
sender, no document) is `left`, with the reason; it is taken after all once the office adds its
sender. A filed item is found by its inbox key among the submissions recorded after the mail
was written (`after_id`), so an older draft of the same name never counts as its filing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils

from ledger.intake import FILED, locked

TABLE = "mail_messages"
TAKING = "taking"
WRITTEN = "written"
DONE = "done"
LEFT = "left"


@dataclass(frozen=True)
class MailRow:
    """One recorded mail, as intake and the office's list read it."""

    account: str
    uidvalidity: int
    uid: str
    sender: str
    subject: str
    sent_at: str
    state: str
    reason: str
    item_key: str
    seen_at: str
    message_id: str = ""


def _row(raw: dict[str, object]) -> MailRow:
    return MailRow(
        account=str(raw["account"]),
        uidvalidity=int(str(raw["uidvalidity"])),
        uid=str(raw["uid"]),
        sender=str(raw["sender"] or ""),
        subject=str(raw["subject"] or ""),
        sent_at=str(raw["sent_at"] or ""),
        state=str(raw["state"]),
        reason=str(raw["reason"] or ""),
        item_key=str(raw["item_key"] or ""),
        seen_at=str(raw["seen_at"] or ""),
        message_id=str(raw.get("message_id") or ""),
    )


def recorded(db: sqlite_utils.Database, account: str, uidvalidity: int) -> dict[str, MailRow]:
    """Every mail recorded for this account and folder generation, by UID."""
    rows = db.query(f"SELECT * FROM {TABLE} WHERE account = ? AND uidvalidity = ?", [account, uidvalidity])
    return {row["uid"]: _row(row) for row in rows}


def leave(db: sqlite_utils.Database, mail: MailRow) -> None:
    """Record (or refresh) a mail left in place for the office, with its reason."""
    with locked(db):
        db.execute(
            f"INSERT INTO {TABLE} (account, uidvalidity, uid, sender, subject, sent_at, state, "
            "reason, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (account, uidvalidity, uid) DO UPDATE SET reason = excluded.reason, "
            "sender = excluded.sender, subject = excluded.subject WHERE state = ?",
            [
                *_identity(mail),
                mail.sender,
                mail.subject,
                mail.sent_at,
                LEFT,
                mail.reason,
                mail.seen_at,
                LEFT,
            ],
        )


def claim(db: sqlite_utils.Database, mail: MailRow, item_key: str, taken_at: str) -> bool:
    """Claim a mail for taking, in one transaction: True when this caller got it (no row, or
    only a `left` row); False when any run took it already (under this UIDVALIDITY, or under an
    earlier one by its Message-ID). `after_id` is the newest submission now, so its filing is
    the first submission of `item_key` after it."""
    with locked(db):
        row = db.execute(
            f"SELECT state FROM {TABLE} WHERE account = ? AND uidvalidity = ? AND uid = ?",
            _identity(mail),
        ).fetchone()
        if row is not None and row[0] != LEFT:
            return False
        earlier = _taken_before(db, mail)
        after = db.execute("SELECT COALESCE(MAX(id), 0) FROM submissions").fetchone()[0]
        state, key, after = (WRITTEN, *earlier) if earlier else (TAKING, item_key, after)
        db.execute(f"DELETE FROM {TABLE} WHERE account = ? AND uidvalidity = ? AND uid = ?", _identity(mail))
        db.execute(
            f"INSERT INTO {TABLE} (account, uidvalidity, uid, message_id, sender, subject, sent_at, "
            "state, item_key, after_id, seen_at, taken_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*_identity(mail), mail.message_id, mail.sender, mail.subject, mail.sent_at, state, key,
             after, mail.seen_at, taken_at],
        )  # fmt: skip
        return earlier is None


def _taken_before(db: sqlite_utils.Database, mail: MailRow) -> tuple[str, int] | None:
    """The item and `after_id` of the same mail (by Message-ID) taken under an earlier
    UIDVALIDITY of the account: the mail is then recorded as written with that item (acted on
    once it is filed), never written again."""
    if not mail.message_id:
        return None
    row = db.execute(
        f"SELECT item_key, after_id FROM {TABLE} WHERE account = ? AND message_id = ? "
        "AND uidvalidity != ? AND state != ? ORDER BY id LIMIT 1",
        [mail.account, mail.message_id, mail.uidvalidity, LEFT],
    ).fetchone()
    return (str(row[0]), int(row[1])) if row else None


def set_state(db: sqlite_utils.Database, mail: MailRow, state: str, at: str | None = None) -> None:
    """Move a claimed mail on: `written` once its item lies in the inbox, `done` (with `at`)
    once the mail was acted on."""
    with locked(db):
        db.execute(
            f"UPDATE {TABLE} SET state = ?, done_at = COALESCE(?, done_at) "
            "WHERE account = ? AND uidvalidity = ? AND uid = ?",
            [state, at, *_identity(mail)],
        )


def drop(db: sqlite_utils.Database, mails: Iterable[MailRow]) -> None:
    """Forget rows: a `taking` claim whose item never reached the inbox (a crash mid-write: the
    mail is taken again), or `left` mails no longer in the folder."""
    with locked(db):
        db.conn.executemany(
            f"DELETE FROM {TABLE} WHERE account = ? AND uidvalidity = ? AND uid = ? AND state IN (?, ?)",
            [[*_identity(m), TAKING, LEFT] for m in mails],
        )


def filed(db: sqlite_utils.Database, account: str, uidvalidity: int, uid: str) -> bool:
    """Whether the mail's item is filed: a filed submission of its inbox key, recorded after
    the mail was written."""
    row = db.execute(
        f"SELECT 1 FROM {TABLE} m JOIN submissions s ON s.source_path = m.item_key "
        "AND s.id > m.after_id AND s.state = ? "
        "WHERE m.account = ? AND m.uidvalidity = ? AND m.uid = ?",
        [FILED, account, uidvalidity, uid],
    ).fetchone()
    return row is not None


def item_known(db: sqlite_utils.Database, mail: MailRow) -> bool:
    """Whether intake has its item already (claimed or recorded after the mail was written):
    a claim whose rename happened before a crash, not to be written again."""
    row = db.execute(
        f"SELECT 1 FROM {TABLE} m WHERE m.account = ? AND m.uidvalidity = ? AND m.uid = ? AND ("
        "EXISTS (SELECT 1 FROM claims c WHERE c.relpath = m.item_key) OR "
        "EXISTS (SELECT 1 FROM submissions s WHERE s.source_path = m.item_key AND s.id > m.after_id))",
        _identity(mail),
    ).fetchone()
    return row is not None


def left_for_office(db: sqlite_utils.Database, limit: int = 50) -> list[MailRow]:
    """Mails left unread in place (unknown sender, no document), newest first."""
    rows = db.query(f"SELECT * FROM {TABLE} WHERE state = ? ORDER BY id DESC LIMIT ?", [LEFT, limit])
    return [_row(row) for row in rows]


def _identity(mail: MailRow) -> list[object]:
    return [mail.account, mail.uidvalidity, mail.uid]
