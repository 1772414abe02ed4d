"""Prefect deployments with schedules, served against the local server (`draftdesk serve`).

The sweep runs every `intake.sweep_minutes` (a safety net under `watch`, or the only intake on
a machine without a watcher); the monthly assessment runs at 06:00 on the 1st for the previous
month. Schedules need a real server (the temporary one runs none), so this starts or reuses
the workspace's local server, whose UI shows every run.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from typing import Any

from rules import Rulebook
from workspace import Workspace

MONTHLY_SCORING_CRON = "0 6 1 * *"


def deployments(ws: Workspace) -> list[Any]:
    """The deployments `serve` runs: the periodic sweep and, once it exists, the monthly scoring.

    No deployment tags: task runs would inherit them, and a tagged task asks the server for tag
    concurrency slots before it starts (~1.5 s a task measured on 3.9.1). The intake flow tags
    its own run by unit and type when it ends."""
    from flows.intake_flow import intake_flow

    rulebook = ws.rulebook()
    found = [
        intake_flow.to_deployment(
            name="sweep",
            interval=dt.timedelta(minutes=rulebook.intake.sweep_minutes),
            parameters={"workspace": str(ws.root)},
            description="定时收稿：扫描收稿目录，审核、登记并归档稳定的稿件。",
        )
    ]
    try:
        from flows.score_flow import score_flow
    except ImportError:
        return found
    from prefect.schedules import Cron

    found.append(
        score_flow.to_deployment(
            name="monthly-score",
            schedule=Cron(MONTHLY_SCORING_CRON, timezone=rulebook.meta.timezone),
            parameters={"workspace": str(ws.root)},
            description="每月1日6:00：上月考核、稿酬报表。",
        )
    )
    return found


def serve(ws: Workspace, rulebook: Rulebook, also: Sequence[str] = ()) -> int:
    """Serve the deployments until Ctrl-C; exit 2 when the local server cannot start."""
    from flows import prefect_env

    try:
        api_url = prefect_env.ensure_local_server(ws)
    except RuntimeError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    prefect_env.configure(ws, api_url)
    print(f"Prefect 界面：{api_url.removesuffix('/api')}")
    for line in also:  # the browser desk's address, beside the Prefect UI's
        print(line)
    print(f"每 {rulebook.intake.sweep_minutes} 分钟收稿一次；每月1日6:00 生成上月考核报表。按 Ctrl-C 停止。")
    from prefect import serve as prefect_serve

    try:
        prefect_serve(*deployments(ws), print_starting_message=False)
    except KeyboardInterrupt:
        pass
    print("已停止。")
    return 0
