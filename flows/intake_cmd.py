"""`draftdesk run`: one intake sweep now, as a Prefect flow, with a short Chinese summary."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from flows.workspace import Workspace, WorkspaceError, open_workspace


def summary_lines(ws: Workspace, result: object) -> list[str]:
    """What the office reads after a sweep: counts, and where the notes are."""
    from flows.intake import SweepResult

    assert isinstance(result, SweepResult)
    lines = [
        f"收稿完成：处理 {len(result.outcomes)} 件，录用 {len(result.accepted)} 件，"
        f"退回 {len(result.rejected)} 件，仍在写入留待下次 {len(result.pending)} 件。"
    ]
    if result.officers:
        lines.append(f"登记信息员 {len(result.officers)} 人。")
    if result.recovered:
        lines.append(f"已完成上次中断的 {result.recovered} 件。")
    if result.rejected:
        lines.append(f"退回说明（.退回说明.txt）在 {ws.rejected}/<单位>/ 下，与原稿放在一起：")
        for outcome in result.rejected[:20]:
            lines.append(f"  {outcome.note_path or outcome.stored_path}（{', '.join(outcome.rules)}）")
        if len(result.rejected) > 20:
            lines.append(f"  ……共 {len(result.rejected)} 件")
    if result.accepted:
        lines.append(f"录用稿件在 {ws.accepted}/<年-月>/<单位>/ 下。")
    return lines


def run_command(workspace: Path | None) -> int:
    """One sweep of the inbox as a Prefect flow; exit 0, or 2 when the workspace is unusable."""
    try:
        ws, _ = open_workspace(workspace, need="inbox")
    except WorkspaceError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    from flows import prefect_env

    api_url = prefect_env.running_server(ws)
    prefect_env.configure(ws, api_url)
    if api_url:
        print(f"收稿中（Prefect 界面 {api_url.removesuffix('/api')}）……", flush=True)
    else:
        print("收稿中（启动临时 Prefect 服务，约需十几秒）……", flush=True)
    try:
        result = _run_flow(ws, api_url)
    except KeyboardInterrupt:
        print("已中断：已领取的稿件不会丢失，下次收稿时自动续完。", file=sys.stderr)
        return 130
    except Exception as exc:  # the office needs a sentence, not a traceback
        print(
            f"收稿中断：{type(exc).__name__}: {exc}。已领取的稿件不会丢失，下次收稿时自动续完。",
            file=sys.stderr,
        )
        return 1
    for line in summary_lines(ws, result):
        print(line)
    return 0


def _run_flow(ws: Workspace, api_url: str | None) -> object:
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
