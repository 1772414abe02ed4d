"""Where the desk listens and the start of every unit link: one decision, `desk_address`.

`[web] host`, `port` and `base_url` in the rulebook (draftdesk.toml) say it; `--host/--port` (and
`units links --base-url`) override it for one run. `web`, `watch`, `serve` and `units links` all
ask `desk_address`, so the links printed, the QR codes handed out and the desk that answers them
never disagree, and the warning when a link would not open from another computer is worded once.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from rules import Rulebook

EVERY_ADDRESS = ("0.0.0.0", "::", "")
# The addresses at which the desk is open without a password: only this machine's own
# 127.0.0.1 (a second loopback such as Debian's 127.0.1.1 host name may be forwarded or proxied).
OPEN_HOSTS = frozenset({"127.0.0.1", "::1", "[::1]", "localhost"})


@dataclass(frozen=True)
class DeskAddress:
    """Where the desk listens (`host`, `port`), the start of every unit link (`base_url`, no
    trailing slash) and, when a link would not open from another computer, why (Chinese)."""

    host: str
    port: int
    base_url: str
    warning: str | None = None


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only (127.x, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def needs_password(host: str) -> bool:
    """Whether the office's pages ask for the password when the desk listens on `host`."""
    return host not in OPEN_HOSTS


def machine_addresses() -> list[str]:
    """This machine's addresses a colleague can open (IPv4, not loopback), best first: the one
    the default route leaves by (a UDP socket is "connected" without sending anything), then the
    host name's. Empty when the machine has no network."""
    found: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            found.append(str(probe.getsockname()[0]))
    except OSError:
        pass
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    found += [str(info[4][0]) for info in infos]
    usable = [a for a in found if not ipaddress.ip_address(a).is_loopback and not a.startswith("0.")]
    return list(dict.fromkeys(usable))


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def desk_address(
    rulebook: Rulebook, host: str | None = None, port: int | None = None, base_url: str | None = None
) -> DeskAddress:
    """The desk's address for this run: the rulebook's `[web]` with the run's overrides. The
    link base is `base_url` when given, else the address a colleague would type: the host
    itself, or, listening on every address, this machine's network address."""
    host = (host or rulebook.web.host).strip()
    port = port or rulebook.web.port
    base = (base_url or rulebook.web.base_url).strip().rstrip("/")
    if not base:
        if host in EVERY_ADDRESS:
            found = machine_addresses()
            shown = found[0] if found else "127.0.0.1"
        else:
            shown = host
        base = f"http://{_url_host(shown)}:{port}"
    return DeskAddress(host, port, base, reach_warning(host, port, base))


def reach_warning(host: str, port: int, base_url: str) -> str | None:
    """Why a link starting `base_url` would not open the desk listening on `host:port` from
    another computer (Chinese), or None when it would."""
    parts = urlsplit(base_url)
    link_host = parts.hostname or ""
    fix = (
        '要让各单位在自己的电脑或手机上打开，请在 draftdesk.toml 的 [web] 中把 host 改为 "0.0.0.0"'
        "（并设置办公桌密码），base_url 写其他电脑能打开的本机地址，如 http://192.168.1.5:8700。"
    )
    if is_loopback(link_host):
        return f"链接指向本机地址 {link_host}，只能在这台电脑上打开，其他电脑和手机打不开。{fix}"
    if is_loopback(host):
        return (
            f"办公桌只在本机地址 {host} 上打开，链接却指向 {link_host}："
            f"其他电脑和手机打开链接会连不上（除非另有转发）。{fix}"
        )
    if host not in EVERY_ADDRESS and _is_ip(link_host) and link_host != host.strip("[]"):
        return f"办公桌只在 {host} 上打开，链接却指向 {link_host}：打开链接会连不上。{fix}"
    link_port = parts.port or (443 if parts.scheme == "https" else 80)
    if _is_ip(link_host) and link_port != port:
        return f"办公桌在端口 {port} 上打开，链接却用端口 {link_port}：打开链接会连不上。{fix}"
    return None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
