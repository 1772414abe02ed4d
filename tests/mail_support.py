"""A real IMAP server for the e-mail intake tests: Debian's Dovecot, run unprivileged from a
config in a temporary folder on a free loopback port, with one mailbox user in a passwd-file.

Run as root (CI containers), Dovecot refuses to run its login and mail processes as root, so
they run as its own `dovecot`/`dovenull` users and the mail folder is given to `dovecot`; run as
anyone else, everything runs as that user. `kill()` stops the whole server at once (SIGKILL to
its process group), `start()` brings it back on the same port with the same mail (so the same
UIDVALIDITY).
"""

from __future__ import annotations

import contextlib
import email.utils
import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.ports import free_port as free_port

DOVECOT = "/usr/sbin/dovecot"
USER, PASSWORD = "office", "shouquanma-123"


def _config(root: Path, port: int, uid: int, gid: int) -> str:
    me = pwd.getpwuid(os.getuid()).pw_name
    users = "" if os.getuid() == 0 else f"default_internal_user = {me}\ndefault_login_user = {me}\n"
    return f"""base_dir = {root}/run
state_dir = {root}/state
instance_name = dd{port}
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
imap_id_log = *
log_path = {root}/dovecot.log
mail_location = maildir:{root}/mail/%u
first_valid_uid = 1
{users}passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = {root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""


class Dovecot:
    def __init__(self) -> None:
        if not os.path.exists(DOVECOT):
            if os.environ.get("CI") == "true":
                pytest.fail("dovecot-imapd is not installed (.ci/run installs it)")
            pytest.skip("dovecot-imapd is not installed")
        # Short and traversable: Dovecot's socket paths must stay under 108 bytes, and as root
        # its `dovecot` user must reach the mail folder.
        self.root = Path(tempfile.mkdtemp(prefix="dv", dir="/tmp"))
        self.root.chmod(0o755)
        self.port = free_port()
        if os.getuid() == 0:
            owner = pwd.getpwnam("dovecot")
            uid, gid = owner.pw_uid, owner.pw_gid
        else:
            uid, gid = os.getuid(), os.getgid()
        (self.root / "mail").mkdir()
        os.chown(self.root / "mail", uid, gid)
        (self.root / "passwd").write_text(
            f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{self.root}/mail/{USER}\n"
        )
        (self.root / "dovecot.conf").write_text(_config(self.root, self.port, uid, gid))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.2):
                return
            time.sleep(0.05)
        raise RuntimeError("dovecot did not start: " + self.log())

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        # Its mail processes (own sessions of the same group) die with the listening sockets;
        # wait until the port is free again so start() can bind it.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    time.sleep(0.05)
            except OSError:
                break
        with contextlib.suppress(FileNotFoundError):
            (self.root / "run" / "master.pid").unlink()

    def close(self) -> None:
        self.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @contextlib.contextmanager
    def client(self) -> Iterator[imaplib.IMAP4]:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        imap.login(USER, PASSWORD)
        try:
            yield imap
        finally:
            with contextlib.suppress(Exception):
                imap.logout()

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        with self.client() as imap:
            typ, _ = imap.append(folder, "", imaplib.Time2Internaldate(time.time()), raw)
            assert typ == "OK"

    def uids(self, folder: str, criteria: str = "ALL") -> list[int]:
        """UIDs in `folder` matching `criteria` (none when the folder does not exist)."""
        with self.client() as imap:
            typ, _ = imap.select(_utf7(folder), readonly=True)
            if typ != "OK":
                return []
            typ, data = imap.uid("SEARCH", criteria)
            return [int(x) for x in data[0].split()] if typ == "OK" and data[0] else []


def _utf7(folder: str) -> str:
    """A folder name in IMAP's modified UTF-7, quoted (已收稿 → "&XfJT0ZAB-")."""
    from imap_tools.imap_utf7 import utf7_encode

    return '"' + utf7_encode(folder).decode() + '"'


def mail(
    sender: str, subject: str, attachments: Sequence[tuple[bytes, bytes, str]] = (), body: str = "见附件。"
) -> bytes:
    """A mail's bytes; each attachment is (its Content-Disposition header value as raw bytes,
    payload, MIME type), kept exactly as given, so a test writes GBK and RFC 2231 names the way
    Chinese mail clients do."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "xihu_xxb@example.cn"
    msg["Subject"] = subject
    msg["Date"] = "Fri, 12 Mar 2021 10:00:00 +0800"
    msg["Message-ID"] = email.utils.make_msgid(domain="example.cn")
    msg.set_content(body)
    for i, (_, payload, mime) in enumerate(attachments):
        maintype, subtype = mime.split("/")
        msg.add_attachment(payload, maintype=maintype, subtype=subtype, filename=f"MARK{i}.bin")
    raw = msg.as_bytes()
    for i, (disposition, _, _) in enumerate(attachments):
        placeholder = f'Content-Disposition: attachment; filename="MARK{i}.bin"'.encode()
        assert placeholder in raw
        raw = raw.replace(placeholder, b"Content-Disposition: " + disposition)
    return raw
