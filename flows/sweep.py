"""One intake sweep as a Prefect flow, on the workspace's server or a temporary one (`draftdesk run`)."""

from __future__ import annotations

import logging

from intake.pipeline import SweepResult
from workspace import Workspace


def run_sweep(ws: Workspace, api_url: str | None) -> SweepResult:
    """Run one sweep as the intake flow on the server at `api_url`, or on a temporary server
    when None (`prefect_env.running_server` tells which is up)."""
    from flows import prefect_env

    prefect_env.configure(ws, api_url)
    return _run_flow(ws, api_url)


def _run_flow(ws: Workspace, api_url: str | None) -> SweepResult:
    """Run the flow; with the temporary server, drain before returning so no record is lost and
    no shutdown traceback reaches the console."""
    from flows import prefect_env

    with prefect_env.in_process(api_url):
        from flows.intake_flow import intake_flow

        state = intake_flow(str(ws.root), return_state=True)
        result = state.result()
        prefect_env.drain(state.state_details.flow_run_id, 1 + result.batches)
    if api_url is None:
        _silence_shutdown()
    return result


def _silence_shutdown() -> None:
    """The temporary server stops at interpreter exit, after everything was drained; what its
    client side logs then (connection closed, cancelled tasks) is noise to a user."""
    for name in ("prefect", "uvicorn", "uvicorn.error", "asyncio", "prefect.server"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
