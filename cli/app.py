"""The `draftdesk` command: thin typer commands over library functions (SPEC §8).

Each command imports its implementation lazily, so `check` and `inspect` answer without
importing Prefect. Command and option names are a contract: extend, never rename.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.main import get_command_name, get_group
from typer.models import CommandInfo

from cli.help import ChineseCommand, ChineseGroup

app = typer.Typer(
    cls=ChineseGroup,
    add_completion=False,
    no_args_is_help=True,
    help="draftdesk：街道信息宣传稿件的收稿、审核、登记与考核。",
    pretty_exceptions_enable=False,
)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", help="工作目录（默认 $DRAFTDESK_WORKSPACE，否则当前目录）"),
]


def _fail_on_rulebook(exc: Exception) -> None:
    typer.echo(str(exc), err=True)
    raise typer.Exit(2)


@app.command(cls=ChineseCommand)
def init(workspace: WorkspaceOpt = None) -> None:
    """建立工作目录：收稿目录 inbox/（每个单位、每种稿件类型一个文件夹）、outbox/ 和可编辑的规则文件 draftdesk.toml。"""
    from rules import RulebookError
    from service.setup import init_workspace
    from workspace import resolve_workspace

    ws = resolve_workspace(workspace)
    try:
        created = init_workspace(ws)
    except RulebookError as exc:
        _fail_on_rulebook(exc)
        return
    typer.echo(f"工作目录 {ws.root}：新建 {len(created)} 项。")
    typer.echo(f"各单位把稿件放入 {ws.inbox}/<单位>/<稿件类型>/ 即可。")


@app.command(cls=ChineseCommand)
def run(workspace: WorkspaceOpt = None) -> None:
    """立即收稿一次：读取、审核、登记并归档收稿目录中已稳定的每份稿件。"""
    from cli.intake_lock import intake_running
    from cli.run import run_command

    with intake_running(workspace):  # restore refuses while intake runs
        code = run_command(workspace)
    raise typer.Exit(code)


NoWebOpt = Annotated[bool, typer.Option("--no-web", help="不启动浏览器办公桌")]
HostOpt = Annotated[
    str | None,
    typer.Option(
        "--host",
        help="办公桌监听地址，只用于这一次（默认取 draftdesk.toml 的 [web] host；非本机地址需设置密码）",
    ),
]
PortOpt = Annotated[
    int | None, typer.Option("--port", help="办公桌端口，只用于这一次（默认取 draftdesk.toml 的 [web] port）")
]


def _desk(workspace: Path | None, no_web: bool, host: str | None, port: int | None) -> list[str]:
    if no_web:
        return []
    from cli.web import start_desk

    return start_desk(workspace, host, port)


@app.command(cls=ChineseCommand)
def watch(
    workspace: WorkspaceOpt = None,
    polling: Annotated[bool, typer.Option("--polling", help="轮询监视（SMB/NFS 共享目录用）")] = False,
    no_web: NoWebOpt = False,
    host: HostOpt = None,
    port: PortOpt = None,
) -> None:
    """持续监视收稿目录并定期全量扫描，直到按 Ctrl-C；同时开启浏览器办公桌。"""
    from cli.console import end_process
    from cli.intake_lock import intake_running
    from cli.watch import watch_command

    with intake_running(workspace, daily_backup=True):  # restore refuses while intake runs
        code = watch_command(workspace, polling=polling, also=_desk(workspace, no_web, host, port))
    end_process(code)


@app.command(cls=ChineseCommand)
def serve(
    workspace: WorkspaceOpt = None,
    no_web: NoWebOpt = False,
    host: HostOpt = None,
    port: PortOpt = None,
) -> None:
    """按计划运行 Prefect 部署：每隔几分钟收稿一次，每月1日生成上月考核报表；同时开启浏览器办公桌。"""
    from cli.console import end_process
    from cli.intake_lock import intake_running
    from cli.serve import serve_command

    with intake_running(workspace, daily_backup=True):  # restore refuses while intake runs
        code = serve_command(workspace, also=_desk(workspace, no_web, host, port))
    end_process(code)


@app.command(cls=ChineseCommand)
def web(
    workspace: WorkspaceOpt = None,
    host: HostOpt = None,
    port: PortOpt = None,
    hash_password: Annotated[
        bool, typer.Option("--hash-password", help="生成 [web] password_hash（不启动）")
    ] = False,
) -> None:
    """开启浏览器办公桌：自查、收稿、录用登记、考核、台账。"""
    from cli.web import web_command

    raise typer.Exit(web_command(workspace, host, port, hash_password))


@app.command(cls=ChineseCommand)
def check(
    files: Annotated[list[Path], typer.Argument(help="稿件文件或稿件文件夹")],
    workspace: WorkspaceOpt = None,
    received: Annotated[str | None, typer.Option("--received", help="收稿时间（ISO），默认现在")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    unit: Annotated[
        str | None, typer.Option("--unit", help="报送单位（名称或简称），收件箱外的稿件用")
    ] = None,
    content_type: Annotated[
        str | None, typer.Option("--type", help="稿件类型（名称或简称，如 即时、微信），收件箱外的稿件用")
    ] = None,
) -> None:
    """试审：按收稿的规则审核稿件，不登记、不移动任何文件。"""
    from cli.check import check_command

    raise typer.Exit(
        check_command(
            files,
            workspace=workspace,
            received=received,
            as_json=as_json,
            unit=unit,
            content_type=content_type,
        )
    )


@app.command(cls=ChineseCommand)
def inspect(
    files: Annotated[list[Path], typer.Argument(help="稿件文件或稿件文件夹")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """查看读取结果：标题、署名、各部分字数、照片、日期等。"""
    from cli.inspect import inspect_command

    raise typer.Exit(inspect_command(files, as_json=as_json))


@app.command(cls=ChineseCommand)
def adopt(
    submission_id: Annotated[int | None, typer.Argument(metavar="ID", help="稿件编号")] = None,
    outlet: Annotated[str | None, typer.Option("--outlet", help="录用媒体")] = None,
    date: Annotated[str | None, typer.Option("--date", help="录用日期 YYYY-MM-DD")] = None,
    fee: Annotated[float | None, typer.Option("--fee", help="稿酬（元），微信按质量 20–50")] = None,
    bonus: Annotated[float | None, typer.Option("--bonus", help="媒体宣传加分 0.3–0.5")] = None,
    from_file: Annotated[Path | None, typer.Option("--from", help="录用登记表 .xlsx")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """登记媒体录用：按稿件编号逐条登记，或用 --from 从录用登记表 .xlsx 批量导入。"""
    from cli.office import adopt_command

    raise typer.Exit(
        adopt_command(
            submission_id,
            outlet=outlet,
            date=date,
            fee=fee,
            bonus=bonus,
            from_file=from_file,
            workspace=workspace,
        )
    )


@app.command(cls=ChineseCommand)
def unadopt(
    submission_id: Annotated[int | None, typer.Argument(metavar="ID", help="稿件编号")] = None,
    outlet: Annotated[str | None, typer.Option("--outlet", help="录用媒体（与登记时相同）")] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="录用日期 YYYY-MM-DD（同一媒体有多条录用时指明）")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="撤销原因，记入台账")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """撤销登记错误的录用：台账中保留记录（时间、原因），考核和稿酬不再计入。"""
    from cli.office import unadopt_command

    raise typer.Exit(
        unadopt_command(submission_id, outlet=outlet, date=date, reason=reason, workspace=workspace)
    )


@app.command(cls=ChineseCommand)
def decide(
    submission_id: Annotated[int | None, typer.Argument(metavar="ID", help="稿件编号")] = None,
    accept: Annotated[bool, typer.Option("--accept", help="核定为合格（计入考核）")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="核定为退回")] = False,
    count: Annotated[bool, typer.Option("--count", help="合格并计入考核（如迟报稿件）")] = False,
    not_count: Annotated[bool, typer.Option("--not-count", help="合格但不计入考核")] = False,
    undo: Annotated[bool, typer.Option("--undo", help="撤销核定，恢复系统审核结果")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="核定理由（必填），记入操作记录")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """核定：办公室改变系统的审核结果或计入与否，写明理由；原稿、说明、回执和考核随之更新。"""
    from cli.decide import decide_command

    chosen = [
        name
        for name, on in (("accept", accept), ("reject", reject), ("count", count), ("not_count", not_count))
        if on
    ] + (["undo"] if undo else [])
    raise typer.Exit(decide_command(submission_id, chosen, reason, workspace=workspace))


@app.command(cls=ChineseCommand)
def assign(
    month: Annotated[str, typer.Option("--month", help="月份 YYYY-MM")],
    unit: Annotated[str, typer.Option("--unit", help="单位")],
    count: Annotated[int, typer.Option("--count", help="约稿篇数")],
    workspace: WorkspaceOpt = None,
) -> None:
    """登记某单位当月党委政务信息约稿篇数。"""
    from cli.office import assign_command

    raise typer.Exit(assign_command(month=month, unit=unit, count=count, workspace=workspace))


@app.command(cls=ChineseCommand)
def score(
    month: Annotated[str | None, typer.Option("--month", help="月份，如 2021-03")] = None,
    quarter: Annotated[str | None, typer.Option("--quarter", help="季度，如 2021Q1")] = None,
    year: Annotated[int | None, typer.Option("--year", help="年度，如 2021")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """计算月度、季度或年度的完成情况、加减分和稿酬，并写出 Excel 报表。"""
    from cli.score import score_command

    raise typer.Exit(
        score_command(month=month, quarter=quarter, year=year, as_json=as_json, workspace=workspace)
    )


@app.command(cls=ChineseCommand)
def bulletin(
    month: Annotated[str | None, typer.Option("--month", help="月份，如 2021-03")] = None,
    quarter: Annotated[str | None, typer.Option("--quarter", help="季度，如 2021Q1")] = None,
    year: Annotated[int | None, typer.Option("--year", help="年度，如 2021")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """写出月度、季度或年度通报（Word 文档）：排名、录用、零报送、约稿完成情况、稿酬，年度加推荐名单。"""
    from cli.bulletin import bulletin_command

    raise typer.Exit(bulletin_command(month=month, quarter=quarter, year=year, workspace=workspace))


@app.command(cls=ChineseCommand)
def log(
    submission_id: Annotated[int | None, typer.Option("--id", help="只列此稿件编号的操作记录")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    check: Annotated[bool, typer.Option("--verify", help="核对操作记录是否被改动或删除")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """查看操作记录：谁在何时登记、撤销、分配或核定了什么，前后如何，原因为何。"""
    from cli.log import log_command

    raise typer.Exit(
        log_command(submission_id=submission_id, as_json=as_json, check=check, workspace=workspace)
    )


@app.command(cls=ChineseCommand)
def status(workspace: WorkspaceOpt = None) -> None:
    """查看状态：待处理、合格、退回件数，最近一次收稿，Prefect 服务是否运行。"""
    from cli.status import status_command

    raise typer.Exit(status_command(workspace))


@app.command("list", cls=ChineseCommand)
def list_drafts(
    words: Annotated[
        list[str] | None,
        typer.Argument(help="关键词：标题、文件名或存放位置中含有的字词（可写多个，须都含有）"),
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="只列此单位（可写简称）")] = None,
    month: Annotated[str | None, typer.Option("--month", help="只列此月收到的稿件，YYYY-MM")] = None,
    verdict: Annotated[str | None, typer.Option("--verdict", help="只列此结果：合格 或 退回")] = None,
    counted: Annotated[
        bool | None,
        typer.Option("--counted/--not-counted", help="只列计入考核的合格稿件 / 只列已登记但不计入的合格稿件"),
    ] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """列出台账中的稿件：编号、标题、单位、类型、收稿时间、结果、是否计入、存放位置。"""
    from cli.listing import list_command

    raise typer.Exit(
        list_command(
            unit=unit, month=month, verdict=verdict, counted=counted, words=words or [], workspace=workspace
        )
    )


@app.command(cls=ChineseCommand)
def stop(
    workspace: WorkspaceOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="有 watch、serve 正在使用时也不询问，直接停止")
    ] = False,
) -> None:
    """停止本工作目录的本机 Prefect 服务（watch、serve 正在使用时会先询问）。"""
    from cli.stop import stop_command

    raise typer.Exit(stop_command(workspace, force=force))


@app.command(cls=ChineseCommand)
def backup(
    to: Annotated[Path | None, typer.Option("--to", help="备份存放的文件夹（默认 outbox/backups/）")] = None,
    with_key: Annotated[
        bool, typer.Option("--with-key", help="同时备份操作记录的密钥（默认不备份；请妥善保管该备份）")
    ] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """备份台账和已归档的原稿、说明、回执：收稿进行中也可备份，按时间命名，按规则文件 [backup] 一节保留。"""
    from cli.backup import backup_command

    raise typer.Exit(backup_command(to, workspace, with_key=with_key))


@app.command(cls=ChineseCommand)
def mail(workspace: WorkspaceOpt = None) -> None:
    """收信一次：把 mail.toml 中各收稿邮箱里已知单位发来的稿件放入收稿目录；原邮件在稿件登记后才移走或标记。"""
    from cli.intake_lock import intake_running
    from cli.mail import mail_command

    with intake_running(workspace):  # restore refuses while mail writes into the inbox
        code = mail_command(workspace)
    raise typer.Exit(code)


@app.command(cls=ChineseCommand)
def verify(
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """核对台账与发件箱：原稿齐全且未被改动、说明齐全、没有台账不知道的文件、没有未完成的领取、台账完好。"""
    from cli.backup import verify_command

    raise typer.Exit(verify_command(as_json, workspace))


@app.command(cls=ChineseCommand)
def restore(
    backup_file: Annotated[
        Path | None, typer.Argument(metavar="BACKUP", help="要恢复的台账备份文件（outbox/backups/ 下）")
    ] = None,
    re_register: Annotated[
        bool,
        typer.Option(
            "--re-register", help="按原编号、原收稿时间重新登记备份之后归档的稿件（取自被替换的台账）"
        ),
    ] = False,
    files: Annotated[
        bool, typer.Option("--files", help="只从备份找回缺失或被改动的原稿、说明和回执，台账不动")
    ] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """从备份恢复台账和文件：收稿运行时拒绝；原台账保留在旁边；恢复后核对并列出备份之后归档的稿件。"""
    from cli.backup import restore_command

    raise typer.Exit(restore_command(backup_file, re_register, workspace, files_only=files))


rules_app = typer.Typer(
    cls=ChineseGroup,
    no_args_is_help=True,
    help="每年一份规则文件：新建下一年的（new），或检查全部（check）。",
)
app.add_typer(rules_app, name="rules")


@rules_app.command("new", cls=ChineseCommand)
def rules_new(
    year: Annotated[str, typer.Argument(metavar="YEAR", help="新规则文件的年份（2000–9999），如 2027")],
    workspace: WorkspaceOpt = None,
) -> None:
    """由最新一年的规则文件复制出 rules/YEAR.toml：年份改为 YEAR，放假安排（calendar 一节）留空待填。"""
    from cli.rules import rules_new_command

    raise typer.Exit(rules_new_command(year, workspace))


@rules_app.command("check", cls=ChineseCommand)
def rules_check(workspace: WorkspaceOpt = None) -> None:
    """检查工作目录中每一年的规则文件，有误时指出文件和条目。"""
    from cli.rules import rules_check_command

    raise typer.Exit(rules_check_command(workspace))


from cli.units import units_app  # noqa: E402  (a sub-group of its own module)

app.add_typer(units_app, name="units")
request_app = typer.Typer(
    cls=ChineseGroup,
    no_args_is_help=True,
    help="约稿：发给若干单位、有截止日期的党委政务信息任务；发出（new）、查看（list）、结束（close）、登记答复（answer）。",
)
app.add_typer(request_app, name="request")


@request_app.command("new", cls=ChineseCommand)
def request_new(
    topic: Annotated[str, typer.Option("--topic", help="约稿主题")],
    units: Annotated[str, typer.Option("--units", help="约稿单位，多个用顿号或逗号隔开，可写简称")],
    deadline: Annotated[str, typer.Option("--deadline", help="截止日期 YYYY-MM-DD")],
    workspace: WorkspaceOpt = None,
) -> None:
    """发出约稿：主题、约稿单位和截止日期；各单位在文件名中写【约稿编号】报送即可对应。"""
    from cli.requests import new_command

    raise typer.Exit(new_command(topic=topic, units=units, deadline=deadline, workspace=workspace))


@request_app.command("list", cls=ChineseCommand)
def request_list(
    year: Annotated[int | None, typer.Option("--year", help="年度（按截止日期），默认今年")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """列出约稿及各单位答复情况：按时、逾期、退回、未报、未到期。"""
    from cli.requests import list_command

    raise typer.Exit(list_command(year=year, workspace=workspace))


@request_app.command("close", cls=ChineseCommand)
def request_close(
    request_id: Annotated[int, typer.Argument(metavar="ID", help="约稿编号")],
    reason: Annotated[str | None, typer.Option("--reason", help="结束原因，记入操作记录")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """结束约稿：此后不再登记对它的答复。"""
    from cli.requests import close_command

    raise typer.Exit(close_command(request_id=request_id, reason=reason, workspace=workspace))


@request_app.command("answer", cls=ChineseCommand)
def request_answer(
    request_id: Annotated[int, typer.Argument(metavar="ID", help="约稿编号")],
    submission_id: Annotated[int, typer.Option("--draft", help="答复该约稿的稿件编号")],
    reason: Annotated[
        str | None, typer.Option("--reason", help="约稿已结束时必填：登记原因，记入操作记录")
    ] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """登记约稿答复：指定哪篇党委政务信息稿件答复了该约稿（文件名未标注时用）。"""
    from cli.requests import answer_command

    raise typer.Exit(
        answer_command(request_id=request_id, submission_id=submission_id, reason=reason, workspace=workspace)
    )


def main() -> None:
    """Entry point; makes sure Chinese output survives a non-UTF-8 console."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass
    # The group typer would make of `app` (`app()`; its pretty tracebacks are off), of only the
    # command asked for.
    get_group(asked_only(app, sys.argv[1:]))()


def asked_only(group: typer.Typer, args: list[str]) -> typer.Typer:
    """`group` with only the command or sub-group that `args` names, when it names one: typer
    turns every registered command into a click command at each start (~30 ms for all 30), and
    one command parses and runs the same alone. Anything else (no arguments, an option, an
    unknown or misspelt name) gets the whole group, with its help and suggestions."""
    if not args or args[0].startswith("-"):
        return group
    name = args[0]
    commands = [c for c in group.registered_commands if _command_name(c) == name]
    groups = [g for g in group.registered_groups if g.name == name]
    if len(commands) + len(groups) != 1:
        return group
    only = copy.copy(group)
    only.registered_commands, only.registered_groups = commands, groups
    return only


def _command_name(info: CommandInfo) -> str:
    return info.name or get_command_name(info.callback.__name__ if info.callback else "")


if __name__ == "__main__":
    main()
