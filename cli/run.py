"""`draftdesk run`: one intake sweep now (a Prefect flow when a server is up), with a short Chinese summary."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

from checks.labels import rules_text
from cli.common import open_or_exit
from flows.sweep import OneLineFormatter
from intake.outcome import Outcome, SweepResult
from ledger.schema import DatabaseError, LedgerDamaged, damage_reason
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
    if result.failed:
        lines.append(
            f"处理出错 {len(result.failed)} 件：已退回并附内部错误说明（或归档失败、留待重试），"
            "请把退回说明交给系统维护人员："
        )
        lines += [f"  {o.note_path or o.key}（{o.message or '内部错误'}）" for o in result.failed[:20]]
    if result.recovered:
        lines.append(f"已完成上次中断的 {result.recovered} 件。")
    if result.rejected:
        lines.append(f"退回说明（.退回说明.txt）在 {ws.rejected}/<单位>/ 下，与原稿放在一起：")
        lines += [_rejected_line(outcome) for outcome in result.rejected[:20]]
        if len(result.rejected) > 20:
            lines.append(f"  ……共 {len(result.rejected)} 件")
    if result.not_counted:
        # Only a late or 通知 draft has a notice beside it; one waiting for adoption or for the
        # office (学习强国, a probable same event) is named by its own filed path.
        lines.append(
            "已登记、暂不计入或不计入完成数的稿件（括号内为原因；有不计入说明的，列出原稿旁的 .未计入.txt）："
        )
        for outcome in result.not_counted[:20]:
            lines.append(
                f"  稿件 {outcome.submission_id}（{outcome.credit_text}）："
                f"{outcome.note_path or outcome.stored_path}"
            )
        if len(result.not_counted) > 20:
            lines.append(f"  ……共 {len(result.not_counted)} 件")
    if result.accepted:
        lines.append(f"合格稿件在 {ws.accepted}/<年-月>/<单位>/ 下。")
    return lines


def _rejected_line(outcome: Outcome) -> str:
    """One rejected item: a draft by its 稿件编号 and failed rules; an officer form (no 稿件编号)
    as the 信息员推荐表 it is, with the reason it was not registered."""
    where = outcome.note_path or outcome.stored_path
    if outcome.officer_form:
        reason = outcome.message.rstrip("。") or rules_text(outcome.rules)
        return f"  信息员推荐表：{where}（{reason}）"
    return f"  稿件 {outcome.submission_id}：{where}（{rules_text(outcome.rules)}）"


def run_command(workspace: Path | None) -> int:
    """One sweep of the inbox — as a Prefect flow when a server is up, else directly in this
    process; exit 0, or 2 when the workspace is unusable. Never a traceback on the console."""
    ws, _ = open_or_exit(workspace, need="inbox")
    with _one_line_logs():
        return _run(ws)


def _run(ws: Workspace) -> int:
    from flows.sweep import run_sweep, server_for_run

    api_url = server_for_run(ws)
    if api_url:
        print(f"收稿中（Prefect 界面 {api_url.removesuffix('/api')}，运行记录保存在其中）……", flush=True)
    else:
        print("收稿中（未发现运行中的 Prefect 服务，直接处理；台账照常记录）……", flush=True)
    try:
        result = run_sweep(ws, api_url)
    except KeyboardInterrupt:
        print("已中断：已领取的稿件不会丢失，下次收稿时自动续完。", file=sys.stderr)
        return 130
    except LedgerDamaged as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except Exception as exc:  # the office needs a sentence, not a traceback
        reason = damage_reason(exc) if isinstance(exc, (OSError, DatabaseError)) else None
        print(
            f"收稿中断：{f'台账或发件箱{reason}' if reason else f'{type(exc).__name__}: {exc}'}。"
            "已领取的稿件不会丢失，下次收稿时自动续完。",
            file=sys.stderr,
        )
        return 1
    for line in summary_lines(ws, result):
        print(line)
    return 1 if result.failed else 0


@contextlib.contextmanager
def _one_line_logs() -> Iterator[None]:
    """draftdesk's own warnings (a draft that failed and will be retried) reach stderr as one
    line each, so a sweep never prints a traceback. Undone when the sweep ends, so a second
    command in one process (the tests) finds the logger as it was."""
    logger = logging.getLogger("draftdesk")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter("%(message)s"))
    handler.setLevel(logging.WARNING)
    was = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False  # a handler Prefect puts on the root would print the traceback
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = was
