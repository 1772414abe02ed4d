"""`draftdesk adopt`, `unadopt` and `assign`: what the office enters by hand.

Adoptions come one at a time (`adopt ID --outlet NAME`) or as a sheet (`adopt --from
FILE.xlsx`, columns 稿件编号, 录用媒体, 录用日期, 稿酬, 加分). A sheet is checked whole first:
any bad row stops the import with every problem named by its row, and nothing from that file
is written — the office fixes the sheet and imports it again (re-importing is harmless).

A wrong adoption is withdrawn (`unadopt ID --outlet NAME`), not deleted: the ledger keeps the
row with when and why, scoring stops counting it, and adopting it again adds a fresh row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from flows.reports import SHEET_COLUMNS
from flows.workspace import Workspace, WorkspaceError, now, open_workspace
from ledger.assessment import (
    add_adoptions,
    adoptions_of,
    get_submission,
    known_submission_ids,
    set_assignment,
    withdraw_adoption,
)
from ledger.schema import open_ledger
from rules import Rulebook
from scoring.fees import LEVEL_NAMES, WECHAT_LEVEL, adoption_fee
from scoring.periods import parse_period


@dataclass
class AdoptionInput:
    """One adoption as typed, before checking; `where` names it in messages (第3行 / 命令行)."""

    where: str
    submission_id: Any
    outlet: Any
    date: Any
    fee: Any
    bonus: Any


def _open(workspace: Path | None) -> tuple[Workspace, Rulebook] | None:
    try:
        return open_workspace(workspace, need="outbox")
    except WorkspaceError as exc:
        typer.echo(str(exc), err=True)
        return None


def known_outlets(rulebook: Rulebook) -> str:
    return "、".join(rulebook.outlets)


def _number(value: Any, label: str, problems: list[str]) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip().rstrip("元分"))
    except ValueError:
        problems.append(f"{label}“{value}”不是数字")
        return None
    if number < 0:
        problems.append(f"{label}不能为负数（{value}）")
        return None
    return number


def _date(value: Any, today: dt.date, problems: list[str]) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return today
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        problems.append(f"录用日期“{value}”无法识别，请写成 2021-03-05")
        return None


def _id(value: Any) -> int | None:
    """A submission id as typed: 12, 12.0 (Excel) or "12"; None when not a whole number."""
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() and number > 0 else None


def validate(
    items: list[AdoptionInput], rulebook: Rulebook, db: Any, today: dt.date
) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows ready for the ledger, or every problem found (each naming its row)."""
    existing = known_submission_ids(
        db, [i for i in (_id(item.submission_id) for item in items) if i is not None]
    )
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    for item in items:
        problems: list[str] = []
        raw_id = "" if item.submission_id is None else str(item.submission_id).strip()
        submission_id = _id(item.submission_id)
        if raw_id and submission_id is None:
            problems.append(f"稿件编号“{raw_id}”不是数字")
        if raw_id == "":
            problems.append("缺少稿件编号")
        elif submission_id is not None and submission_id not in existing:
            problems.append(f"稿件编号 {submission_id} 不存在")
        outlet = "" if item.outlet is None else str(item.outlet).strip()
        level = rulebook.outlet_level(outlet) if outlet else None
        if not outlet:
            problems.append("缺少录用媒体")
        elif level is None:
            problems.append(f"录用媒体“{outlet}”不在规则文件的媒体名单中")
        adopted_on = _date(item.date, today, problems)
        fee = _number(item.fee, "稿酬", problems)
        bonus = _number(item.bonus, "加分", problems)
        if problems:
            errors.append(f"{item.where}：{'；'.join(problems)}")
            continue
        rows.append(
            {
                "submission_id": submission_id,
                "outlet": outlet,
                "level": level,
                "adopted_on": adopted_on.isoformat() if adopted_on else None,
                "fee": fee,
                "bonus": bonus,
                "source": item.where,
            }
        )
    return rows, errors


def read_sheet(path: Path) -> list[AdoptionInput]:
    """Rows of the adoption sheet by its header names; blank rows skipped. Raises ValueError."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not .xlsx
        raise ValueError(
            f"无法打开录用登记表 {path.name}：请使用 .xlsx 格式（{exc.__class__.__name__}）"
        ) from exc
    try:
        sheet = book.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        book.close()
    header_index = next(
        (i for i, row in enumerate(rows) if any(str(c).strip() == "稿件编号" for c in row if c is not None)),
        None,
    )
    if header_index is None:
        raise ValueError(f"录用登记表 {path.name} 没有表头“稿件编号”：表头应为 {'、'.join(SHEET_COLUMNS)}")
    header = [str(c).strip() if c is not None else "" for c in rows[header_index]]
    missing = [name for name in SHEET_COLUMNS[:2] if name not in header]
    if missing:
        raise ValueError(f"录用登记表 {path.name} 缺少列：{'、'.join(missing)}")
    col = {name: header.index(name) if name in header else None for name in SHEET_COLUMNS}
    items: list[AdoptionInput] = []
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):

        def cell(name: str, row: tuple = row) -> Any:
            index = col[name]
            return row[index] if index is not None and index < len(row) else None

        if all(c is None or (isinstance(c, str) and not c.strip()) for c in row):
            continue
        items.append(
            AdoptionInput(
                f"第{offset}行",
                cell("稿件编号"),
                cell("录用媒体"),
                cell("录用日期"),
                cell("稿酬"),
                cell("加分"),
            )
        )
    return items


def _describe(row: dict[str, Any], submission: dict[str, Any], rulebook: Rulebook) -> str:
    ctype = rulebook.types.get(submission.get("content_type") or "")
    fee = adoption_fee(
        submission.get("content_type") or "",
        row["level"],
        row["fee"],
        bool(submission.get("is_announcement")),
        rulebook,
    )
    notes: list[str] = []
    if submission.get("verdict") == "rejected":
        notes.append("注意：该稿件审核未通过（已退稿），仍按录用登记")
    if submission.get("is_announcement"):
        notes.append("公告通知类：按最低稿酬，不纳入考核")
    if row["fee"] is not None and row["level"] != WECHAT_LEVEL and row["fee"] != fee:
        notes.append(f"按规则稿酬为 {fee:g} 元，填写的 {row['fee']:g} 元未采用")
    if row["level"] == WECHAT_LEVEL and row["fee"] is not None and row["fee"] != fee:
        notes.append(
            f"公众号稿酬按 {fee:g} 元计（范围 {rulebook.fees['wechat']['wechat_min']}–"
            f"{rulebook.fees['wechat']['wechat_max']} 元，公告通知类按最低）"
        )
    if row["bonus"]:
        low, high = rulebook.points.media_bonus_min, rulebook.points.media_bonus_max
        if not low <= row["bonus"] <= high:
            notes.append(f"加分按 {min(max(row['bonus'], low), high):g} 分计（范围 {low:g}–{high:g}）")
    text = (
        f"稿件 {row['submission_id']}《{submission.get('title') or ''}》（{submission.get('unit') or ''}，"
        f"{ctype.name if ctype else submission.get('content_type')}）— {row['outlet']}"
        f"（{LEVEL_NAMES.get(row['level'], row['level'])}），{row['adopted_on']}，稿酬 {fee:g} 元"
    )
    if row["bonus"]:
        text += f"，加分 {row['bonus']:g}"
    return text + (f"（{'；'.join(notes)}）" if notes else "")


def adopt_command(
    submission_id: int | None,
    *,
    outlet: str | None = None,
    date: str | None = None,
    fee: float | None = None,
    bonus: float | None = None,
    from_file: Path | None = None,
    workspace: Path | None = None,
) -> int:
    """Record adoptions; 0 when written, 1 when refused (nothing written), 2 on a bad rulebook."""
    opened = _open(workspace)
    if opened is None:
        return 2
    ws, rulebook = opened
    if from_file is not None:
        if submission_id is not None or outlet is not None:
            typer.echo("用 --from 导入登记表时，不要再写稿件编号或 --outlet。", err=True)
            return 1
        try:
            items = read_sheet(Path(from_file))
        except (ValueError, OSError) as exc:
            typer.echo(str(exc), err=True)
            return 1
        if not items:
            typer.echo(f"录用登记表 {Path(from_file).name} 没有数据行，未登记任何录用。", err=True)
            return 1
    else:
        if submission_id is None or not outlet:
            typer.echo(
                "请写明稿件编号和 --outlet 录用媒体，例如：draftdesk adopt 12 --outlet 武进日报；"
                "或用 --from 录用登记表.xlsx 批量导入。",
                err=True,
            )
            typer.echo(f"可用的录用媒体：{known_outlets(rulebook)}", err=True)
            return 1
        items = [AdoptionInput("命令行", submission_id, outlet, date, fee, bonus)]
    db = open_ledger(ws.ledger_path)
    try:
        rows, errors = validate(items, rulebook, db, now(rulebook).date())
        if errors:
            source = f"录用登记表 {Path(from_file).name}" if from_file is not None else "本次录用"
            typer.echo(f"{source}有 {len(errors)} 处问题，未登记任何录用：", err=True)
            for error in errors:
                typer.echo(f"  {error}", err=True)
            typer.echo(f"可用的录用媒体：{known_outlets(rulebook)}", err=True)
            return 1
        if from_file is not None:
            for row in rows:
                row["source"] = f"{Path(from_file).name} {row['source']}"
        add_adoptions(db, rows)
        for row in rows:
            submission = get_submission(db, row["submission_id"]) or {}
            typer.echo(f"已登记录用：{_describe(row, submission, rulebook)}")
    finally:
        db.close()
    return 0


def _on_record(rows: list[dict[str, Any]]) -> str:
    """The adoptions in force, for a message: 武进日报 2021-03-12、新华日报 2021-03-15."""
    live = [f"{r['outlet']} {r['adopted_on']}" for r in rows if not r.get("withdrawn_at")]
    return f"该稿件现有录用：{'、'.join(live)}" if live else "该稿件目前没有有效的录用记录"


def unadopt_command(
    submission_id: int | None,
    *,
    outlet: str | None = None,
    date: str | None = None,
    reason: str | None = None,
    workspace: Path | None = None,
) -> int:
    """Withdraw one adoption (kept in the ledger, marked with time and reason, no longer scored).

    0 when withdrawn; 1 when refused (unknown ID, no such adoption, already withdrawn, or
    several on record and no --date to choose); 2 on a bad workspace or rulebook."""
    opened = _open(workspace)
    if opened is None:
        return 2
    ws, rulebook = opened
    outlet = (outlet or "").strip()
    if submission_id is None or not outlet:
        typer.echo(
            "请写明稿件编号和 --outlet 录用媒体，例如：draftdesk unadopt 12 --outlet 武进日报 "
            "--reason 登记错误",
            err=True,
        )
        return 1
    when = ""
    if date is not None:
        problems: list[str] = []
        day = _date(date, now(rulebook).date(), problems)
        if problems or day is None:
            typer.echo("；".join(problems), err=True)
            return 1
        when = day.isoformat()
    reason = (reason or "").strip() or None
    db = open_ledger(ws.ledger_path)
    try:
        submission = get_submission(db, submission_id)
        if submission is None:
            typer.echo(f"稿件编号 {submission_id} 不存在，未撤销任何录用。", err=True)
            return 1
        name = f"稿件 {submission_id}《{submission.get('title') or ''}》"
        rows = adoptions_of(db, submission_id)
        same = [r for r in rows if r["outlet"] == outlet and (not when or r["adopted_on"] == when)]
        live = [r for r in same if not r.get("withdrawn_at")]
        on_day = f"{when} " if when else ""
        if not same:
            typer.echo(
                f"{name}没有“{outlet}”{on_day}的录用记录，未撤销任何录用。{_on_record(rows)}。", err=True
            )
            return 1
        if not live:
            last = same[-1]
            why = f"（原因：{last['withdrawn_reason']}）" if last.get("withdrawn_reason") else ""
            typer.echo(
                f"{name}在“{outlet}”{last['adopted_on']} 的录用已于 {last['withdrawn_at']} 撤销{why}，"
                f"无需再次撤销。{_on_record(rows)}。",
                err=True,
            )
            return 1
        if len(live) > 1:
            days = "、".join(r["adopted_on"] for r in live)
            typer.echo(
                f"{name}在“{outlet}”有 {len(live)} 条录用（{days}），请用 --date 指明撤销哪一条。", err=True
            )
            return 1
        row = live[0]
        at = now(rulebook).isoformat(timespec="seconds")
        if not withdraw_adoption(db, row["id"], at, reason):
            typer.echo(f"{name}在“{outlet}”{row['adopted_on']} 的录用已被撤销，无需再次撤销。", err=True)
            return 1
    finally:
        db.close()
    why = f"，原因：{reason}" if reason else ""
    typer.echo(
        f"已撤销录用：{name}（{submission.get('unit') or ''}）— {outlet}，{row['adopted_on']}{why}。"
        "记录仍保留在台账中，考核和稿酬不再计入；如需恢复，重新 adopt 即可。"
    )
    return 0


def assign_command(*, month: str, unit: str, count: int, workspace: Path | None = None) -> int:
    """Record a month's 党委政务信息 assignment (约稿); 0 when written, 1 when refused."""
    opened = _open(workspace)
    if opened is None:
        return 2
    ws, rulebook = opened
    problems: list[str] = []
    try:
        period = parse_period(month)
        if period.kind != "month":
            problems.append(f"--month 应是月份，例如 2021-03（收到“{month}”）")
    except ValueError:
        problems.append(f"--month 应是月份，例如 2021-03（收到“{month}”）")
        period = None
    found = rulebook.unit_named(unit)
    if found is None:
        problems.append(
            f"单位“{unit}”不在规则文件中；可用的单位：{'、'.join(u.name for u in rulebook.units)}"
        )
    if count < 0:
        problems.append(f"--count 不能为负数（收到 {count}）")
    if problems or period is None or found is None:
        for problem in problems:
            typer.echo(problem, err=True)
        return 1
    db = open_ledger(ws.ledger_path)
    try:
        set_assignment(db, period.key, found.name, count)
    finally:
        db.close()
    name = rulebook.types["gov_info"].name if "gov_info" in rulebook.types else "约稿"
    typer.echo(f"已登记 {period.label} {name}约稿：{found.name} {count} 篇")
    return 0
