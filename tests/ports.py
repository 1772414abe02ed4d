"""A free TCP port for a server a test starts (the desk, IMAP, PostgreSQL, Prefect): one home,
so every support module asks the kernel the same way."""

from __future__ import annotations

import socket


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on at this moment (the kernel's pick for a bind to port 0)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
