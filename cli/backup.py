"""`draftdesk backup`, `verify` and `restore`: thin over service/backup, verify and restore."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from cli.common import ExitCode, fail, open_or_exit
from extractors.safefile import display_name
from service.errors import DeskError

if TYPE_CHECKING:
    from service.filed_content import FilesRestored
    from service.restore import Reregistered, Restored
    from workspace import Workspace


def backup_command(to: Path | None, workspace: Path | None, *, with_key: bool = False) -> int:
    from service.backup import make_backup

    ws, _ = open_or_exit(workspace, need="outbox")
    try:
        result = make_backup(ws, to, with_key=with_key)
    except DeskError as exc:
        fail(str(exc))
    print(f"台账和已归档的原稿、说明、回执已备份，台账副本：{result.path}")
    if result.removed:
        print(f"按保留规则删除了 {len(result.removed)} 份较早的备份。")
    return int(ExitCode.OK)


def verify_command(as_json: bool, workspace: Path | None) -> int:
    from service.verify import verify

    ws, _ = open_or_exit(workspace, need="outbox")
    result = verify(ws)
    if as_json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
    elif result.ok:
        print(
            "核对完毕：台账完好，每份已归档的原稿、退回说明、不计入说明和各单位的回执都在，内容与登记时一致。"
        )
    else:
        for problem in result.problems:
            print(problem.line())
        print(f"共 {len(result.problems)} 个问题。")
    return int(ExitCode.OK if result.ok else ExitCode.REFUSED)


def restore_command(
    backup: Path | None, re_register: bool, workspace: Path | None, *, files_only: bool = False
) -> int:
    """Restore BACKUP (and/or re-register what the outbox holds beyond it); 1 when something
    is left for a person to look at. `files_only`: bring filed files back, the ledger as it is."""
    from service.restore import re_register as do_re_register
    from service.restore import restore

    ws, _ = open_or_exit(workspace, need="outbox")
    if files_only:
        return _files_only(ws)
    if backup is None and not re_register:
        fail(
            "请指定要恢复的备份文件（outbox/backups/ 下的 ledger_….db），或用 --re-register 重新登记。",
            ExitCode.USAGE,
        )
    ok = True
    try:
        if backup is not None:
            ok = _said_restored(backup, restore(ws, backup), re_register)
        if re_register:
            ok = _said_re_registered(do_re_register(ws))
    except DeskError as exc:
        fail(str(exc))
    return int(ExitCode.OK if ok else ExitCode.REFUSED)


def _files_only(ws: Workspace) -> int:
    from service.restore import restore_files

    try:
        files, result = restore_files(ws)
    except DeskError as exc:
        fail(str(exc))
    _said_files(files)
    for problem in result.problems:
        print(problem.line())
    return int(ExitCode.OK if result.ok else ExitCode.REFUSED)


def _said_files(files: FilesRestored | None) -> None:
    if files is None:
        return
    if not files.restored and not files.lost:
        print("已归档的原稿、说明和回执都在，内容无误，无需从备份找回。")
    if files.restored:
        _said_list(f"已从备份找回 {len(files.restored)} 个文件：", map(display_name, files.restored))
    if files.kept_aside:
        _said_list("以下文件被改动过，改动后的内容已另存（未删除）：", map(display_name, files.kept_aside))
    if files.lost:
        _said_list(
            "以下文件缺失或被改动，但任何备份中都没有它的原样，请人工核对：", map(display_name, files.lost)
        )


def _said_list(heading: str, lines: Iterable[object]) -> None:
    """A heading, then one indented line per item."""
    print(heading)
    for line in lines:
        print(f"  {line}")


def _said_restored(backup: Path, done: Restored, will_re_register: bool) -> bool:
    print(f"已用备份 {backup} 恢复台账。")
    if done.replaced is not None:
        print(f"原台账保留为：{done.replaced}")
    if done.files is not None and (done.files.restored or done.files.lost):
        _said_files(done.files)
    _report_missing(done.missing_ids, will_re_register)
    if done.later_changes:
        _said_list(
            f"备份之后还有 {len(done.later_changes)} 条操作记录不在恢复后的台账中（登记录用、约稿等），请据此重新办理：",
            done.later_changes,
        )
    if done.changes_unknown:
        print("原台账已无法读取，备份之后的操作记录（登记录用、约稿等）无从列出，请人工核对。")
    other = [p for p in done.verification.problems if p.code != "unknown"]
    for problem in other:
        print(problem.line())
    return (not other or will_re_register) and not done.later_changes and not done.changes_unknown


def _said_re_registered(again: Reregistered) -> bool:
    done_ids = "、".join(map(str, again.copied))
    print(
        f"已从 {again.source.name} 重新登记 {len(again.copied)} 件" + (f"：{done_ids}" if done_ids else "。")
    )
    if again.officers:
        print(f"已重新登记 {again.officers} 份备份之后收到的信息员推荐表。")
    if again.claims:
        print(f"已找回处理中文件夹里 {len(again.claims)} 件稿件的领取记录，下次收稿时按原收稿时间续完。")
    if again.lost_claims:
        _said_list(
            "处理中文件夹里以下稿件的领取记录已无法找回，请把它们放回收件箱对应的单位和类型文件夹：",
            again.lost_claims,
        )
    if again.unreadable:
        print(
            "以下稿件在原台账中已无法读取，未能登记，请人工核对其原稿和说明："
            + "、".join(map(str, again.unreadable))
            + "。处理好之前请勿收稿：新收的稿件会重复使用这些编号。"
        )
    return not again.unreadable and not again.lost_claims


def _report_missing(ids: tuple[int, ...], will_re_register: bool) -> None:
    if not ids:
        print("发件箱中没有恢复后的台账缺少的稿件。")
        return
    print(f"发件箱中有 {len(ids)} 件稿件是备份之后归档的，恢复后的台账没有记录：" + "、".join(map(str, ids)))
    if not will_re_register:
        print("请在启动收稿之前运行 draftdesk restore --re-register，按原编号、原收稿时间重新登记它们。")
