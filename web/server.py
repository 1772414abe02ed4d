"""Running the desk: uvicorn in the foreground (`draftdesk web`) or on a background thread
(`watch` and `serve` serve it beside the Prefect UI)."""

from __future__ import annotations

import threading
import time

from rules import Rulebook
from service.address import machine_addresses, needs_password
from web.auth import password_hash_for, refusal_to_start
from workspace import Workspace

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8700


def address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def shown_addresses(host: str, port: int) -> str:
    """Where people open the desk: for 0.0.0.0 or :: (every address) the machine's real
    addresses and this machine's own, never "http://0.0.0.0:…/", which no colleague can open."""
    if host not in ("0.0.0.0", "::", ""):
        return address(host, port)
    others = [address(a, port) for a in machine_addresses()]
    here = address("127.0.0.1", port)
    if not others:
        return f"{here}（本机；未找到本机的网络地址，其他电脑暂时无法打开）"
    return f"{'、'.join(others)}（其他电脑）；{here}（本机）"


def _server(ws: Workspace, rulebook: Rulebook, host: str, port: int) -> object:
    """A configured uvicorn.Server; raises ValueError (Chinese) when `host` needs a password."""
    import uvicorn

    from web.app import create_app

    password_hash = password_hash_for(rulebook)
    refusal = refusal_to_start(host, password_hash)
    if refusal:
        raise ValueError(refusal)
    app = create_app(
        ws,
        rulebook,
        password_hash=password_hash,
        protect=needs_password(host),
    )
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
    return uvicorn.Server(config)


def run(ws: Workspace, rulebook: Rulebook, host: str, port: int) -> None:
    """Serve until Ctrl-C."""
    server = _server(ws, rulebook, host, port)
    server.run()  # type: ignore[attr-defined]


def start_background(ws: Workspace, rulebook: Rulebook, host: str, port: int) -> str:
    """Start the desk on a daemon thread; its address once it listens. Raises ValueError."""
    server = _server(ws, rulebook, host, port)
    thread = threading.Thread(target=server.run, name="draftdesk-web", daemon=True)  # type: ignore[attr-defined]
    thread.start()
    deadline = time.monotonic() + 10
    while not getattr(server, "started", False):
        if not thread.is_alive() or time.monotonic() > deadline:
            raise ValueError(f"办公桌无法在 {host}:{port} 上启动（端口可能已被占用），可用 --no-web 跳过。")
        time.sleep(0.05)
    return address(host, port)
