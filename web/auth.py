"""Who may use the clerk's pages, and the CSRF tokens on forms that change the ledger.

On 127.0.0.1 the desk is open (only this machine can reach it). On any other address
(`service.address.needs_password`, a second loopback such as 127.0.0.2 included) the clerk's pages ask for a password (HTTP Basic, any user name), checked against an scrypt hash
from `[web] password_hash` or `$DRAFTDESK_WEB_PASSWORD` (hashed at start, never kept plain).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

from rules import Rulebook
from service.address import needs_password

ENV_PASSWORD = "DRAFTDESK_WEB_PASSWORD"
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str, salt: bytes | None = None) -> str:
    """`scrypt$n$r$p$salt$hash` (hex), the form `[web] password_hash` holds."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


def password_hash_for(rulebook: Rulebook) -> str:
    """`$DRAFTDESK_WEB_PASSWORD` hashed, else the rulebook's `[web] password_hash`, else ""."""
    plain = os.environ.get(ENV_PASSWORD, "")
    if plain:
        return hash_password(plain)
    return rulebook.web.password_hash


def refusal_to_start(host: str, password_hash: str) -> str | None:
    """Why the desk must not listen on `host` (Chinese), or None."""
    if not needs_password(host) or password_hash:
        return None
    return (
        f"办公桌将在 {host} 上对其他电脑开放，但没有设置密码：收稿、录用登记、考核和台账会被任何人看到和修改。"
        f"请在 draftdesk.toml 的 [web] 中填写 password_hash（用 draftdesk web --hash-password 生成），"
        f"或设置环境变量 {ENV_PASSWORD}；只在本机使用时请用 --host 127.0.0.1。"
    )


class Guard:
    """Checks the clerk's password (results cached by header) and signs CSRF tokens."""

    def __init__(self, password_hash: str, protect: bool) -> None:
        self.password_hash = password_hash
        self.protect = protect
        self._secret = secrets.token_bytes(32)
        self._good: set[str] = set()

    def allows(self, authorization: str | None) -> bool:
        """Whether a request with this `Authorization` header may see the clerk's pages."""
        if not self.protect:
            return True
        if not authorization or not self.password_hash:
            return False
        key = hashlib.sha256(authorization.encode("utf-8", "replace")).hexdigest()
        if key in self._good:
            return True
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            _, _, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        if verify_password(password, self.password_hash):
            self._good.add(key)
            return True
        return False

    def new_session(self) -> str:
        return secrets.token_urlsafe(24)

    def token(self, session: str, form: str) -> str:
        return hmac.new(self._secret, f"{session}|{form}".encode(), hashlib.sha256).hexdigest()

    def token_ok(self, session: str | None, form: str, token: str | None) -> bool:
        if not session or not token:
            return False
        return hmac.compare_digest(self.token(session, form), token)
