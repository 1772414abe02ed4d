"""The units' private links: `draftdesk units links`, `units rotate`, and who a token is.

A link is `<base>/u/<token>`. The token is derived, not random-and-forgotten: an HMAC of the
unit's name and link generation under a workspace key (`.draftdesk/links.key`, mode 600, kept
out of the ledger and its backups), so `units links` can print the same links again for the
clerk to re-send, while the ledger holds only each token's sha256. 32 url-safe characters carry
192 bits. Rotating bumps the generation: the old token's hash no longer matches, at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ledger.desk import open_read_only
from ledger.schema import open_ledger
from ledger.unit_links import link_of, store_link, unit_for_token_hash
from rules import Rulebook
from service.address import DeskAddress, desk_address
from service.errors import UnknownUnit
from service.events import UNKNOWN, Actor, Change, record_in
from workspace import Workspace, now

TOKEN_CHARS = 32  # base64url characters: 192 bits (the issue asks for at least 128)


@dataclass(frozen=True)
class UnitLink:
    unit: str
    url: str
    reissued: bool = False  # the stored link did not match the key: a new one was issued


def key_path(ws: Workspace) -> Path:
    return ws.root / ".draftdesk" / "links.key"


def _key(ws: Workspace) -> bytes:
    """The workspace's link key, made on first use (owner-only)."""
    path = key_path(ws)
    if path.exists():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex())
    return key


def token_for(key: bytes, unit: str, generation: int) -> str:
    digest = hmac.new(key, f"{unit}\n{generation}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:TOKEN_CHARS]


def token_hash(token: str) -> str:
    """What the ledger keeps of a token (a high-entropy token needs no slow hash)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/u/{token}"


def unit_links(ws: Workspace, rulebook: Rulebook, base_url: str | None = None) -> list[UnitLink]:
    """Every unit's link, issuing one for a unit that has none (or whose stored hash the key no
    longer makes: the key file was lost, so the old link cannot be printed and is replaced)."""
    key, base = _key(ws), desk_address(rulebook, base_url=base_url).base_url
    db = open_ledger(ws.ledger_path)
    try:
        links = []
        for unit in rulebook.units:
            row = link_of(db, unit.name)
            generation = int(row["generation"]) if row else 0
            token = token_for(key, unit.name, generation)
            reissued = row is not None and row["token_sha256"] != token_hash(token)
            if row is None or reissued:
                generation += 1 if reissued else 0
                token = token_for(key, unit.name, generation)
                store_link(db, unit.name, generation, token_hash(token), now(rulebook).isoformat())
            links.append(UnitLink(unit.name, _url(base, token), reissued))
        return links
    finally:
        db.close()


def rotate_link(
    ws: Workspace, rulebook: Rulebook, name: str, base_url: str | None = None, actor: Actor = UNKNOWN
) -> UnitLink:
    """Replace one unit's link; the old one stops working at once, and the log says who did it
    (never the token). `UnknownUnit` names the unit."""
    unit = rulebook.unit_named(name)
    if unit is None:
        raise UnknownUnit(name, [u.name for u in rulebook.units])
    key = _key(ws)
    db = open_ledger(ws.ledger_path)
    try:
        row = link_of(db, unit.name)
        generation = int(row["generation"]) + 1 if row else 0
        token = token_for(key, unit.name, generation)
        with db.conn:
            store_link(db, unit.name, generation, token_hash(token), now(rulebook).isoformat())
            # the link's version as people count it (1 for the first link), not the ledger's generation
            change = Change(
                "link_rotate",
                {"link_version": generation},
                {"link_version": generation + 1},
                subject=unit.name,
            )
            record_in(db, rulebook, actor, [change])
    finally:
        db.close()
    return UnitLink(unit.name, _url(desk_address(rulebook, base_url=base_url).base_url, token))


def unit_for_token(ws: Workspace, token: str) -> str | None:
    """The unit a link's token opens, else None: a rotated or made-up token opens nothing."""
    if len(token) != TOKEN_CHARS or not ws.ledger_path.exists():
        return None
    db = open_read_only(ws.ledger_path)
    try:
        return unit_for_token_hash(db, token_hash(token))
    finally:
        db.close()


@dataclass(frozen=True)
class LinksAnswer:
    """`units links`: every unit's link, the desk's address they point at, and what was printed."""

    links: list[UnitLink]
    address: DeskAddress
    qr_written: int | None = None  # PNGs written (None: none asked for)
    card_sheets: int | None = None  # A4 sheets written to the cards PDF (None: none asked for)


def links_answer(
    ws: Workspace,
    rulebook: Rulebook,
    base_url: str | None = None,
    qr: Path | None = None,
    cards: Path | None = None,
) -> LinksAnswer:
    """Every unit's link under the desk's one address (`service.address.desk_address`), with the
    QR code PNGs and the A4 card sheets written when asked. Raises `NoChineseFont` (before
    writing any) when no font can print the units' names."""
    from service.cards import chinese_font, write_cards, write_qr_codes

    if qr is not None or cards is not None:
        chinese_font(12)
    address = desk_address(rulebook, base_url=base_url)
    found = unit_links(ws, rulebook, address.base_url)
    written = len(write_qr_codes(found, qr)) if qr is not None else None
    sheets = write_cards(found, cards) if cards is not None else None
    return LinksAnswer(found, address, written, sheets)
