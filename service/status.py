"""What is waiting, what was filed, when the inbox was last swept, and whether Prefect runs."""

from __future__ import annotations

from workspace import Workspace


def status_lines(ws: Workspace) -> list[str]:
    """The status report as lines of Chinese text (the command prints them)."""
    from intake.inventory import list_items
    from ledger import intake as ledger
    from ledger.schema import open_ledger

    rulebook = ws.rulebook()
    waiting = list_items(ws.inbox, rulebook) if ws.inbox.is_dir() else []
    lines = [f"工作目录：{ws.root}", f"收稿目录待处理：{len(waiting)} 件"]
    if not ws.ledger_path.exists():
        lines.append("台账尚未建立（还没有收过稿）。")
        return [*lines, _server_line(ws)]
    db = open_ledger(ws.ledger_path)
    try:
        counts = ledger.verdict_counts(db)
        claims = ledger.open_claims(db)
        run = ledger.last_run(db)
        beat = ledger.last_heartbeat(db)
    finally:
        db.close()
    lines.append(
        f"合格（已登记）：{counts['accepted']} 件（计入考核 {counts['counted']} 件，"
        f"未计入 {counts['accepted'] - counts['counted']} 件）；已退回：{counts['rejected']} 件"
    )
    if claims or counts["unfiled"]:
        lines.append(f"处理中或中断待续：{len(claims)} 件（下次收稿时自动完成）")
    if run is None:
        lines.append("最近一次收稿：无")
    else:
        finished = run.get("finished_at")
        when = f"{run['started_at']} — {finished}" if finished else f"{run['started_at']} 开始，未完成"
        lines.append(
            f"最近一次收稿（{run['kind']}）：{when}，处理 {run['processed'] or 0} 件，"
            f"合格 {run['accepted'] or 0}，退回 {run['rejected'] or 0}"
        )
    if beat:
        lines.append(f"最近心跳：{beat}")
    return [*lines, _server_line(ws)]


def _server_line(ws: Workspace) -> str:
    """Whether the workspace's local Prefect server runs, so the office knows what `stop` would do."""
    from flows import prefect_env

    url = prefect_env.running_server(ws)
    if url:
        return f"Prefect 界面：{url.removesuffix('/api')}（服务运行中，draftdesk stop 可停止）"
    return "Prefect 服务：未运行（watch、serve 会自动启动）"
