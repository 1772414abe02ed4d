"""The workspace's local Prefect server: started once, reused, home under the workspace."""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import psutil
import pytest

from flows import prefect_db, prefect_env
from workspace import Workspace


@pytest.mark.integration
def test_the_local_server_is_started_once_under_the_workspace_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    ws = Workspace(tmp_path / "ws")
    ws.root.mkdir()
    try:
        url = prefect_env.ensure_local_server(ws)
        assert url.startswith("http://127.0.0.1:") and url.endswith("/api")
        assert prefect_env.ensure_local_server(ws) == url  # reused, not a second server
        assert prefect_env.running_server(ws) == url
        pid = int((ws.root / ".prefect" / prefect_env.PID_FILE).read_text(encoding="utf-8"))
        assert prefect_env.server_state(ws) == prefect_env.ServerState(pid, url)
        assert (ws.root / ".prefect" / "prefect.db").exists()  # its database lives in the workspace
        # Started from a copy of the migrated template, made by the real `prefect server database upgrade`.
        template = prefect_db.template_folder()
        assert template is not None and (template / "prefect.db").is_file()
        assert "template not used" not in (ws.root / ".prefect" / "server.log").read_text(encoding="utf-8")
        # Started with neither the migration check nor the block registration (done in the
        # template), and the block types are there all the same, as the UI's Blocks page lists them.
        assert prefect_db.start_settings(ws.root / ".prefect", {})
        request = urllib.request.Request(f"{url}/block_types/filter", data=b"{}", method="POST")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as resp:
            slugs = {block["slug"] for block in json.load(resp)}
        assert {"secret", "local-file-system", "webhook"} <= slugs
    finally:
        prefect_env.stop_local_server(ws)


def test_configure_turns_telemetry_off_and_puts_prefect_home_in_the_workspace(tmp_path, no_prefect_settings):
    ws = Workspace(tmp_path / "ws")
    prefect_env.configure(ws, "http://127.0.0.1:1/api")
    assert os.environ["PREFECT_HOME"] == str(ws.root / ".prefect")
    assert os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert os.environ["PREFECT_LOGGING_LEVEL"] == "WARNING"
    assert os.environ["PREFECT_API_URL"] == "http://127.0.0.1:1/api"


def test_in_process_flows_send_no_heartbeat():
    from prefect.settings import get_current_settings

    with prefect_env.in_process():
        assert get_current_settings().flows.heartbeat_frequency is None


def test_the_pid_file_is_the_one_prefect_server_start_background_writes():
    from prefect.cli._server_utils import SERVER_PID_FILE_NAME

    assert prefect_env.PID_FILE == SERVER_PID_FILE_NAME


def test_a_workspace_prefers_the_port_its_environment_names(monkeypatch):
    """`DRAFTDESK_PREFECT_PORT` names another preferred port (a second workspace on the machine);
    without it Prefect's own 4200. Each test process sets its own (tests/conftest.py)."""
    monkeypatch.setenv("DRAFTDESK_PREFECT_PORT", "4321")
    assert prefect_env.preferred_port() == 4321
    monkeypatch.delenv("DRAFTDESK_PREFECT_PORT")
    assert prefect_env.preferred_port() == 4200


def test_a_server_is_ours_only_while_our_process_holds_its_port():
    """Another workspace's server that took the port answers the health check too; only the
    process holding the listening socket counts as the server started."""
    with socket.socket() as listening, socket.socket() as bound_only:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        bound_only.bind(("127.0.0.1", 0))
        me = psutil.Process()
        assert prefect_env._listens_on(me, f"http://127.0.0.1:{listening.getsockname()[1]}/api")
        assert not prefect_env._listens_on(me, f"http://127.0.0.1:{bound_only.getsockname()[1]}/api")


def test_a_start_whose_port_another_server_answers_on_fails_at_once_and_ends_our_process(tmp_path):
    """Another process took the port first (a benchmark's server, another workspace's): ours can
    never bind it, and was seen hanging rather than exiting after failing to. The health answer
    is not ours, so the start gives up at once (the caller tries again later) and ends ours."""

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    other = http.server.HTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    ws = Workspace(tmp_path / "ws")
    home = ws.root / ".prefect"
    home.mkdir(parents=True)
    port = str(other.server_address[1])
    ours = subprocess.Popen(  # stands in for our server, still starting: it holds no socket
        [sys.executable, "-c", "import time; time.sleep(60)", prefect_env._APP_FACTORY, "--port", port],
        cwd=home,
    )
    try:
        (home / prefect_env.PID_FILE).write_text(str(ours.pid), encoding="utf-8")
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="未能在 60 秒内启动"):
            prefect_env.ensure_local_server(ws, timeout=60)
        assert time.monotonic() - started < 10
        assert ours.wait(timeout=10) != 0  # ended
    finally:
        ours.kill()
        ours.wait()
        other.shutdown()
