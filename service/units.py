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
from service.errors import UnknownUnit
from service.events import UNKNOWN, Actor, Change, record_in
from workspace import Workspace, now

TOKEN_CHARS = 32  # base64url characters: 192 bits (the issue asks for at least 128)
DESK_PORT = 8700


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


def default_base_url(port: int = DESK_PORT) -> str:
    """The desk's address on this machine's network (the first non-loopback IPv4), so a link
    printed here opens on a colleague's phone or PC; 127.0.0.1 when the machine has none."""
    import psutil

    for addrs in psutil.net_if_addrs().values():
        for addr in addrs:
            if addr.family.name == "AF_INET" and not addr.address.startswith("127."):
                return f"http://{addr.address}:{port}"
    return f"http://127.0.0.1:{port}"


def _url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/u/{token}"


def unit_links(ws: Workspace, rulebook: Rulebook, base_url: str | None = None) -> list[UnitLink]:
    """Every unit's link, issuing one for a unit that has none (or whose stored hash the key no
    longer makes: the key file was lost, so the old link cannot be printed and is replaced)."""
    key, base = _key(ws), base_url or default_base_url()
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
    return UnitLink(unit.name, _url(base_url or default_base_url(), token))


def unit_for_token(ws: Workspace, token: str) -> str | None:
    """The unit a link's token opens, else None: a rotated or made-up token opens nothing."""
    if len(token) != TOKEN_CHARS or not ws.ledger_path.exists():
        return None
    db = open_read_only(ws.ledger_path)
    try:
        return unit_for_token_hash(db, token_hash(token))
    finally:
        db.close()


def write_qr_codes(links: list[UnitLink], folder: Path) -> list[Path]:
    """One PNG QR code per unit holding its link (segno), named by the unit, to print and hand out."""
    import segno

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for link in links:
        path = folder / f"{link.unit}.png"
        segno.make(link.url, error="m").save(str(path), scale=8, border=4)
        written.append(path)
    return written
