"""What is waiting, what was filed, when the inbox was last swept, and whether Prefect runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from checks.labels import kept_time_text, run_kind_label, when_text
from extractors.safefile import display_name
from rules import Rulebook
from workspace import Workspace, YearRulebook, now

if TYPE_CHECKING:
    from intake.inventory import Item


def status_lines(ws: Workspace) -> list[str]:
    """The status report as lines of Chinese text (the command prints them)."""
    from intake.inventory import list_items
    from ledger import intake as ledger
    from ledger import notifications
    from ledger.schema import open_ledger
    from service.mail import left_mail_lines
    from service.verify import summary_line as verify_summary

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
        start = kept_time_text(run["started_at"], rulebook.meta.tz)
        when = (
            f"{start} — {kept_time_text(finished, rulebook.meta.tz)}" if finished else f"{start} 开始，未完成"
        )
        lines.append(
            f"最近一次收稿（{run_kind_label(run['kind'])}）：{when}，处理 {run['processed'] or 0} 件，"
            f"合格 {run['accepted'] or 0}，退回 {run['rejected'] or 0}"
        )
    if beat:
        lines.append(f"最近心跳：{kept_time_text(beat, rulebook.meta.tz)}")
    lines += _notify_lines(sent, failed)
    lines += left_mail_lines(ws)
    lines += [_backup_line(ws, rulebook), verify_summary(ws)]
    return [*lines, *_rulebook_line(this_year), _server_line(ws)]


def _backup_line(ws: Workspace, rulebook: Rulebook) -> str:
    """When the ledger was last backed up (watch and serve do it daily)."""
    from service.backup import backup_folder, backups_in

    found = backups_in(backup_folder(ws))
    if not found:
        return "台账备份：还没有备份"
    moment, path = found[-1]
    return f"台账备份：最近一次 {when_text(moment, rulebook.meta.tz)}（{path.name}，共 {len(found)} 份）"


def notify_summary(ws: Workspace) -> str | None:
    """One line for the desk's home page when messages to the units failed or wait, else None."""
    from ledger import notifications
    from ledger.desk import open_read_only

    if not ws.ledger_path.exists():
        return None
    db = open_read_only(ws.ledger_path)
    try:
        counts = notifications.counts(db)
    finally:
        db.close()
    if not counts["failed"] and not counts["pending"]:
        return None
    return f"消息：发送失败 {counts['failed']} 条，待重试 {counts['pending']} 条（详见收稿状态）"


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


USER_LABELS = {"watch": "持续收稿 watch", "serve": "定时任务 serve"}

ServerStateKind = Literal["running", "unresponsive", "stopped"]


@dataclass(frozen=True)
class ServerSummary:
    """The workspace's local Prefect server at a glance: its state, its UI address when it
    answers, its process, and which `watch`/`serve` rely on it."""

    state: ServerStateKind
    ui_url: str | None
    pid: int | None
    users: tuple[str, ...]


def server_summary(ws: Workspace) -> ServerSummary:
    """The server's state as `status` and the desk's home page show it."""
    from flows import prefect_env
    from flows.server_users import server_users

    found = prefect_env.server_state(ws)
    users = tuple(f"{USER_LABELS[user.role]}（进程 {user.pid}）" for user in server_users(ws))
    if found.api_url:
        return ServerSummary("running", found.api_url.removesuffix("/api"), found.pid, users)
    return ServerSummary("unresponsive" if found.pid else "stopped", None, found.pid, users)


def server_sentence(summary: ServerSummary) -> str:
    """One Chinese line: is the server up, and what happens to drafts if it is not."""
    users = f"；正在使用：{'、'.join(summary.users)}" if summary.users else ""
    if summary.state == "running":
        return f"Prefect 界面：{summary.ui_url}（服务运行中，draftdesk stop 可停止{users}）"
    if summary.state == "unresponsive":
        return (
            f"Prefect 服务：进程 {summary.pid} 在运行但未响应（正在启动，或已停止工作）；"
            f"收稿改为直接处理，台账照常记录{users}"
        )
    if summary.users:
        return f"Prefect 服务：未运行，收稿改为直接处理，正在后台重新启动{users}"
    return "Prefect 服务：未运行（watch、serve 会自动启动）"


def _server_line(ws: Workspace) -> str:
    """Whether the workspace's local Prefect server runs, so the office knows what `stop` would
    do and whether drafts go through Prefect or are filed directly."""
    return server_sentence(server_summary(ws))


@dataclass(frozen=True)
class IntakeGlance:
    """What the desk's home page shows of intake: the server's state in one sentence, and how
    (Prefect flow or directly) and when the inbox was last swept. An outage reads at a glance:
    the server line says it, and the last sweep says 直接处理."""

    server: ServerSummary
    server_line: str  # for a page: no command names
    last_kind: str | None
    last_at: str | None


def intake_glance(ws: Workspace, ui_url: str | None) -> IntakeGlance:
    """The server's state and the last sweep's kind (in Chinese) and start time. `ui_url`: the
    Prefect UI's address as the caller found it answering (the desk caches that look-up), so
    only the process is looked at here — a page never waits for a hung server."""
    from flows import prefect_env
    from ledger import intake as ledger
    from ledger.schema import open_ledger

    if ui_url:
        summary = ServerSummary("running", ui_url, None, ())
    else:
        pid = prefect_env.server_state(ws, ask=False).pid
        summary = ServerSummary("unresponsive" if pid else "stopped", None, pid, ())
    run = None
    if ws.ledger_path.exists():
        db = open_ledger(ws.ledger_path)
        try:
            run = ledger.last_run(db)
        finally:
            db.close()
    if run is None:
        return IntakeGlance(summary, _page_line(summary), None, None)
    when = kept_time_text(run["started_at"], ws.rulebook().meta.tz)
    return IntakeGlance(summary, _page_line(summary), run_kind_label(run["kind"]), when)


def _page_line(summary: ServerSummary) -> str:
    """The server's state for the desk's home page."""
    if summary.state == "running":
        return "Prefect 服务运行中：收稿通过 Prefect 流程处理。"
    if summary.state == "unresponsive":
        return "Prefect 服务未响应：收稿改为直接处理，台账照常记录。"
    return "Prefect 服务未运行：收稿直接处理，台账照常记录。"
