"""What is waiting, what was filed, when the inbox was last swept, and whether Prefect runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from checks.labels import run_kind_label
from extractors.safefile import display_name
from workspace import Workspace, YearRulebook, now

if TYPE_CHECKING:
    from intake.inventory import Item


def status_lines(ws: Workspace) -> list[str]:
    """The status report as lines of Chinese text (the command prints them)."""
    from intake.inventory import list_items
    from ledger import intake as ledger
    from ledger import notifications
    from ledger.schema import open_ledger

    rulebook = ws.rulebook()
    this_year = ws.rulebook_for(now(rulebook).year)
    waiting = list_items(ws.inbox, rulebook) if ws.inbox.is_dir() else []
    lines = [f"工作目录：{ws.root}", f"收稿目录待处理：{len(waiting)} 件", *_waiting_folders(waiting)]
    if not ws.ledger_path.exists():
        lines.append("台账尚未建立（还没有收过稿）。")
        return [*lines, *_rulebook_line(this_year), _server_line(ws)]
    db = open_ledger(ws.ledger_path)
    try:
        counts = ledger.verdict_counts(db)
        claims = ledger.open_claims(db)
        run = ledger.last_run(db)
        beat = ledger.last_heartbeat(db)
        sent = notifications.counts(db)
        failed = notifications.failures(db, limit=3)
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
            f"最近一次收稿（{run_kind_label(run['kind'])}）：{when}，处理 {run['processed'] or 0} 件，"
            f"合格 {run['accepted'] or 0}，退回 {run['rejected'] or 0}"
        )
    if beat:
        lines.append(f"最近心跳：{beat}")
    lines += _notify_lines(sent, failed)
    return [*lines, *_rulebook_line(this_year), _server_line(ws)]


def _notify_lines(counts: dict[str, int], failed: list[dict[str, Any]]) -> list[str]:
    """Messages to the units' groups: how many went, wait, and failed (with the latest reasons,
    addresses shown with their keys hidden)."""
    if not any(counts.values()):
        return []
    lines = [
        f"消息：已发送 {counts['sent']} 条，待重试 {counts['pending']} 条，消息发送失败 {counts['failed']} 条"
    ]
    lines += [f"  {row['unit'] or '办公室'}（{row['shown']}）：{row['last_error']}" for row in failed]
    return lines


def _rulebook_line(year_rules: YearRulebook) -> list[str]:
    """The rulebook this year's drafts are judged by; a warning when the year has none."""
    if year_rules.warning:
        return [f"注意：{year_rules.warning}"]
    return [f"规则文件：{year_rules.path.name}（{year_rules.year} 年）"]


def _waiting_folders(waiting: list[Item]) -> list[str]:
    """One line per inbox folder holding waiting drafts (`  湖滨社区/微信：2 件`), so the office
    sees where they lie — alias type folders included, as the units named them."""
    counts: dict[str, int] = {}
    for item in waiting:
        folder = display_name(item.relpath.parent)
        counts[folder if folder != "." else "（收件箱根目录）"] = counts.get(folder, 0) + 1
    return [f"  {folder}：{n} 件" for folder, n in counts.items()]


def _server_line(ws: Workspace) -> str:
    """Whether the workspace's local Prefect server runs, so the office knows what `stop` would do."""
    from flows import prefect_env

    url = prefect_env.running_server(ws)
    if url:
        return f"Prefect 界面：{url.removesuffix('/api')}（服务运行中，draftdesk stop 可停止）"
    return "Prefect 服务：未运行（watch、serve 会自动启动）"
