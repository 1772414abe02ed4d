"""One intake sweep (`draftdesk run`): the Prefect flow when a server is up, else plain Python.

Starting a temporary Prefect server cost 15–20 s and ~250 MB for a sweep of seconds, and its
shutdown could print a `CancelledError` traceback. So with no server up, `run` runs
`intake.pipeline.sweep` itself — the same steps, the same ledger records (`runs` row included,
so `status` shows the run) — and only Prefect's own history of that run is missing. With the
workspace's server up (`watch`/`serve` left it running) or a configured `$PREFECT_API_URL`
that answers, the sweep runs as the intake flow there and its history is kept.
"""

from __future__ import annotations

import logging
import os

from flows.server_record import pid_path
from intake.outcome import SweepResult
from intake.pipeline import sweep
from workspace import Workspace


class OneLineFormatter(logging.Formatter):
    """A logged failure as one line (its exception type and message), never a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        # Another handler may have cached the full traceback on the record (`exc_text`).
        cached = record.exc_text
        record.exc_text = None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei: object) -> str:
        exc = ei[1] if isinstance(ei, tuple) else None
        return f"  （{type(exc).__name__}: {exc}）" if exc is not None else ""

    def formatStack(self, stack_info: str) -> str:
        return ""


def _console_one_line() -> None:
    """Prefect's console handlers print a failed task's traceback; the run's history on the
    server keeps it, the console gets one line."""
    for name in ("prefect", "prefect.flow_runs", "prefect.task_runs", "prefect.flows", "prefect.tasks"):
        for handler in logging.getLogger(name).handlers:
            if type(handler).__name__ != "APILogHandler" and isinstance(handler, logging.StreamHandler):
                handler.setFormatter(OneLineFormatter("%(levelname)s %(message)s"))


def server_for_run(ws: Workspace) -> str | None:
    """The API URL `run` should use: the workspace's local server if up, else a configured
    `$PREFECT_API_URL` that answers its health check; None when no server is up."""
    configured = os.environ.get("PREFECT_API_URL", "").strip()
    if not configured and not pid_path(ws).exists():
        return None  # none recorded, none configured: nothing to ask (prefect_env stays unloaded)
    from flows import prefect_env

    url = prefect_env.running_server(ws)
    if url:
        return url
    if configured and prefect_env.server_healthy(configured):
        return configured
    return None


def run_sweep(ws: Workspace, api_url: str | None) -> SweepResult:
    """One sweep: as the intake flow on the server at `api_url`, or — when None — as plain
    Python in this process (no Prefect imported, no server started)."""
    if api_url is None:
        return sweep(ws, ws.rulebook())
    from flows import prefect_env

    prefect_env.configure(ws, api_url)
    return _run_flow(ws, api_url)


def _run_flow(ws: Workspace, api_url: str) -> SweepResult:
    """Run the flow on a running server; drain before returning so no record is lost, and keep
    whatever Prefect's client logs at interpreter exit off the console."""
    from flows import prefect_env

    try:
        with prefect_env.in_process(api_url):
            from flows.intake_flow import intake_flow

            _console_one_line()
            state = intake_flow(str(ws.root), return_state=True)
            result = state.result()
            prefect_env.drain(state.state_details.flow_run_id, 1 + result.batches)
    finally:
        _silence_shutdown()
    assert isinstance(result, SweepResult)
    return result


def _silence_shutdown() -> None:
    """What Prefect's client side logs at exit (connection closed, cancelled tasks) is noise to
    a user; everything was drained before."""
    for name in ("prefect", "uvicorn", "uvicorn.error", "asyncio", "prefect.server", "httpx"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
