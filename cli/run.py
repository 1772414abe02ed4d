"""`draftdesk run`: one intake sweep now, as a Prefect flow, with a short Chinese summary."""

from __future__ import annotations

import sys
from pathlib import Path

from cli.common import open_or_exit
from intake.pipeline import SweepResult
from workspace import Workspace


def summary_lines(ws: Workspace, result: SweepResult) -> list[str]:
    """What the office reads after a sweep: counts, and where the notes are."""
    lines = [
        f"收稿完成：处理 {len(result.outcomes)} 件，合格 {len(result.accepted)} 件"
        f"（其中未计入 {len(result.not_counted)} 件），"
        f"退回 {len(result.rejected)} 件，仍在写入留待下次 {len(result.pending)} 件。"
    ]
    if result.officers:
        lines.append(f"登记信息员 {len(result.officers)} 人。")
    if result.recovered:
        lines.append(f"已完成上次中断的 {result.recovered} 件。")
    if result.rejected:
        lines.append(f"退回说明（.退回说明.txt）在 {ws.rejected}/<单位>/ 下，与原稿放在一起：")
        for outcome in result.rejected[:20]:
            lines.append(
                f"  稿件 {outcome.submission_id}：{outcome.note_path or outcome.stored_path}"
                f"（{', '.join(outcome.rules)}）"
            )
        if len(result.rejected) > 20:
            lines.append(f"  ……共 {len(result.rejected)} 件")
    if result.not_counted:
        lines.append("已登记但不计入当月完成的稿件（不计入说明 .未计入.txt 在原稿旁）：")
        for outcome in result.not_counted[:20]:
            lines.append(f"  稿件 {outcome.submission_id}：{outcome.note_path or outcome.stored_path}")
        if len(result.not_counted) > 20:
            lines.append(f"  ……共 {len(result.not_counted)} 件")
    if result.accepted:
        lines.append(f"合格稿件在 {ws.accepted}/<年-月>/<单位>/ 下。")
    return lines


def run_command(workspace: Path | None) -> int:
    """One sweep of the inbox as a Prefect flow; exit 0, or 2 when the workspace is unusable."""
    ws, _ = open_or_exit(workspace, need="inbox")
    from flows import prefect_env
    from flows.sweep import run_sweep

    api_url = prefect_env.running_server(ws)
    if api_url:
        print(f"收稿中（Prefect 界面 {api_url.removesuffix('/api')}）……", flush=True)
    else:
        print("收稿中（启动临时 Prefect 服务，约需十几秒）……", flush=True)
    try:
        result = run_sweep(ws, api_url)
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
