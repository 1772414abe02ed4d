"""Every refusal the service layer raises, with its one wording, so each front end can say it.

Why fields and not finished sentences: the same refusal reaches a person at the command line
and a person at the browser desk. An error says WHICH input was wrong (`field`, `value`) and
what is wrong with it (`reason`); `str(exc)` words it with the input's Chinese name (月份、单位),
which any reader understands, and `worded(subject)` lets a front end name the input its own
way: the command line says `--month “2021-13”无法识别…`, a page says `月份“2021-13”无法识别…`.
No sentence here names a command-line option or command.

The command line prints a refusal and exits 1; the desk shows it beside the form. Workspace
problems (no inbox, bad rulebook) are `workspace.WorkspaceError` and exit 2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import ClassVar

from checks.labels import date_text
from reports.events_view import when_text
from rules import Rulebook

# The inputs a refusal can name, by field, as a person who never saw the command line calls them.
FIELD_NAMES: dict[str, str] = {
    "month": "月份",
    "period": "考核期间",
    "quarter": "季度",
    "year": "年份",
    "count": "篇数",
    "unit": "单位",
    "type": "稿件类型",
    "received": "收稿时间",
    "date": "录用日期",
    "verdict": "审核结果",
    "upload": "上传的文件",
    "sheet": "录用登记表",
    "submission_id": "稿件编号",
    "fee": "稿酬",
    "bonus": "加分",
    "reason": "理由",
    "adoption": "录用",
}


class DeskError(Exception):
    """A request the office or a unit can correct; `str(exc)` is the sentence to show."""

    def worded(self, subject: str) -> str:
        """The sentence with the wrong input named `subject`; inputs-free refusals ignore it."""
        return str(self)


class BadInput(DeskError):
    """`field` had `value`, which cannot be used because `reason` (a period, a time, a number).

    `value` None: the input was missing or the refusal is about the request as a whole, and
    the reason is the whole sentence."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = None if value is None else str(value)
        self.reason = reason
        super().__init__(self.worded(FIELD_NAMES.get(field, field)))

    def worded(self, subject: str) -> str:
        if self.value is None:
            return self.reason
        return f"{subject}“{self.value}”{self.reason}"


def bad_month(value: object) -> BadInput:
    return BadInput("month", value, "无法识别，请写成 2021-03 这样的月份。")


class PeriodChoice(BadInput):
    """None, or more than one, of month, quarter and year was given (`given`: the fields given,
    in that order); the command line words it with its options."""

    def __init__(self, given: Sequence[str]) -> None:
        self.given = tuple(given)
        if self.given:
            said = "、".join(FIELD_NAMES.get(g, g) for g in self.given)
            reason = f"只能指定一个期间，却同时给了{said}：请只写月份、季度或年度之一。"
        else:
            reason = "请指定要考核的期间：月份（如 2021-03）、季度（如 2021Q1）或年度（如 2021），三者选一。"
        super().__init__("period", None, reason)


# What each kind of period looks like, for a refusal of a value of the wrong kind.
PERIOD_EXAMPLES = {"month": "月份，例如 2021-03", "quarter": "季度，例如 2021Q1", "year": "年度，例如 2021"}


def wrong_period_kind(kind: str, value: object) -> BadInput:
    """`--quarter 2021-03`: a period, but not of the kind its field asks for (or no period at all)."""
    field = kind if kind in ("month", "quarter") else "period"
    return BadInput(field, value, f"不是{PERIOD_EXAMPLES.get(kind, kind)}。")


def bad_period(value: object) -> BadInput:
    return BadInput(
        "period",
        value,
        "无法识别：请写月份 2021-03（或 2021年3月）、季度 2021Q1（或 2021年第1季度）、年度 2021（或 2021年度）。",
    )


def bad_year(value: object, low: int, high: int) -> BadInput:
    return BadInput("year", value, f"无效：请写 {low}–{high} 之间的年份。")


def year_exists(year: int, path: object) -> BadInput:
    return BadInput("year", None, f"{year} 年的规则文件已存在：{path}。请直接编辑它。")


def bad_number(field: str, value: object) -> BadInput:
    """Also a row problem of `BadRows` (`稿酬“很多”不是数字`), hence no closing 。."""
    return BadInput(field, value, "不是数字")


def not_whole(field: str, value: object) -> BadInput:
    return BadInput(field, value, "不是整数。")


def negative_count(value: object) -> BadInput:
    return BadInput("count", value, "不能为负数。")


def bad_verdict(value: object) -> BadInput:
    return BadInput("verdict", value, "无法识别，请写 合格 或 退回。")


def bad_received(value: object) -> BadInput:
    return BadInput("received", value, "不是有效的时间，请写成 2021-03-12T10:30 这样的时间。")


def bad_date(value: object) -> BadInput:
    """An adoption date that cannot be read; its `reason` is also a row problem of `BadRows`."""
    return BadInput("date", value, "无法识别，请写成 2021-03-05")


def unknown_type(value: object, known: str) -> BadInput:
    """`known` is the rulebook's list of types with their aliases (`有效的稿件类型：…`)."""
    return BadInput("type", value, f"不在规则文件中。{known}。")


def bad_file_name(name: str) -> BadInput:
    return BadInput("upload", name, "无法使用，请改名后再上传。")


def no_upload() -> BadInput:
    return BadInput("upload", None, "请选择要自查的稿件文件。")


def unsupported_uploads(names: Sequence[str]) -> BadInput:
    return BadInput(
        "upload",
        None,
        f"不支持的文件：{'、'.join(names)}。请上传 Word 稿件（.docx/.doc/.wps）、.zip 稿件包，或一份稿件加照片。",
    )


def not_one_draft() -> BadInput:
    return BadInput(
        "upload", None, "一次自查一篇稿件：请上传一份稿件文件（.docx/.doc/.wps 或 .zip），照片可一并上传。"
    )


def duplicate_uploads() -> BadInput:
    return BadInput("upload", None, "上传的文件有重名，请改名后再上传。")


def no_rows(source: str) -> BadInput:
    return BadInput("sheet", None, f"{source}没有数据行，未登记任何录用。")


def unreadable_sheet(name: str, problem: str) -> BadInput:
    """`problem` is the sheet reader's whole sentence, which already names the sheet."""
    return BadInput("sheet", None, problem) if name in problem else BadInput("sheet", name, problem)


class BadRequest(DeskError):
    """Several inputs of one request are wrong; `problems` are their refusals, each worded
    on its own line (so the office fixes them all at once)."""

    def __init__(self, problems: Sequence[DeskError]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class MissingFiles(DeskError):
    """Files named to `check` do not exist; `paths` as shown."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = tuple(paths)
        super().__init__("文件不存在：" + "、".join(self.paths))


class UnknownDraft(DeskError):
    """No submission has this 稿件编号 (`missing` "draft"), or it has no note / filed original."""

    _WHAT: ClassVar[dict[str, str]] = {
        "draft": "稿件编号 {id} 不存在",
        "note": "稿件 {id} 没有退回说明或未计入说明",
        "original": "稿件 {id} 的原件不在发件箱中（可能尚未归档或已被移走）",
    }

    def __init__(self, submission_id: int, missing: str = "draft", nothing_done: str = "") -> None:
        self.submission_id = submission_id
        self.missing = missing
        self.nothing_done = nothing_done
        text = self._WHAT[missing].format(id=submission_id)
        super().__init__(f"{text}，{nothing_done}。" if nothing_done else f"{text}。")


class CopyNotCounted(DeskError):
    """核定 cannot count a draft that is the same file (the same bytes) as a draft already on
    record: one file counts once, for the first 稿件编号 (`scoring.credit`, reason "copy")."""

    def __init__(self, submission_id: int, first_id: int) -> None:
        self.submission_id = submission_id
        self.first_id = first_id
        super().__init__(
            f"稿件 {submission_id} 与稿件 {first_id} 是同一文件（内容完全相同），同一文件只计入一次，"
            f"不能核定计入，未作任何核定；如需计入，请核定稿件 {first_id}。"
        )


class UnknownUnit(DeskError):
    """The unit is not in the rulebook (that of `year`, when a period's year was asked);
    `known` are that rulebook's unit names."""

    def __init__(self, name: str, known: Sequence[str], year: int | None = None) -> None:
        self.name = name
        self.known = tuple(known)
        self.year = year
        rulebook = f"{year}年的规则文件" if year else "规则文件"
        super().__init__(f"单位“{name}”不在{rulebook}中；可用的单位：{'、'.join(self.known)}。")


def nothing_to_withdraw(submission_id: int) -> UnknownDraft:
    return UnknownDraft(submission_id, nothing_done="未撤销任何录用")


def unknown_unit(name: str, rulebook: Rulebook, year: int | None = None) -> UnknownUnit:
    return UnknownUnit(name, [u.name for u in rulebook.units], year)


def _draft_name(submission_id: int, title: str) -> str:
    return f"稿件 {submission_id}《{title}》"


def _on_record(live: Sequence[str]) -> str:
    """The adoptions in force, for a message: 武进日报 2021-03-12、新华日报 2021-03-15."""
    return f"该稿件现有录用：{'、'.join(live)}" if live else "该稿件目前没有有效的录用记录"


class NoSuchAdoption(DeskError):
    """The draft has no adoption by this outlet (on `date`, when given); `on_record` lists the
    adoptions in force (`武进日报 2021-03-12`)."""

    def __init__(
        self, submission_id: int, title: str, outlet: str, date: str, on_record: Sequence[str]
    ) -> None:
        self.submission_id, self.title, self.outlet, self.date = submission_id, title, outlet, date
        self.on_record = tuple(on_record)
        on_day = f"{date} " if date else ""
        super().__init__(
            f"{_draft_name(submission_id, title)}没有“{outlet}”{on_day}的录用记录，未撤销任何录用。"
            f"{_on_record(self.on_record)}。"
        )


class AlreadyWithdrawn(DeskError):
    """The adoption was withdrawn before (at `withdrawn_at`, for `reason`, when known)."""

    def __init__(
        self,
        submission_id: int,
        title: str,
        outlet: str,
        adopted_on: str,
        withdrawn_at: str = "",
        reason: str = "",
        on_record: Sequence[str] = (),
    ) -> None:
        self.submission_id, self.title, self.outlet = submission_id, title, outlet
        self.adopted_on, self.withdrawn_at, self.reason = adopted_on, withdrawn_at, reason
        self.on_record = tuple(on_record)
        head = f"{_draft_name(submission_id, title)}在“{outlet}”{adopted_on} 的录用"
        if not withdrawn_at:
            super().__init__(f"{head}已被撤销，无需再次撤销。")
            return
        why = f"（原因：{reason}）" if reason else ""
        at = when_text(withdrawn_at)
        super().__init__(f"{head}已于 {at} 撤销{why}，无需再次撤销。{_on_record(self.on_record)}。")


class AmbiguousAdoption(DeskError):
    """Several adoptions by one outlet are on record (on `dates`) and no date says which."""

    def __init__(self, submission_id: int, title: str, outlet: str, dates: Sequence[str]) -> None:
        self.submission_id, self.title, self.outlet = submission_id, title, outlet
        self.dates = tuple(dates)
        super().__init__(self.worded(FIELD_NAMES["date"]))

    def worded(self, subject: str) -> str:
        """`subject` names the date input: 录用日期 on a page, --date at the command line."""
        return (
            f"{_draft_name(self.submission_id, self.title)}在“{self.outlet}”有 {len(self.dates)} 条录用"
            f"（{'、'.join(self.dates)}），请用{subject}指明撤销哪一条。"
        )


class StillAdopted(DeskError):
    """核定 would leave a draft 退回 while adoptions of it are in force: rejecting it, or
    undoing the office's 合格 (`undo`) when the machine had rejected it. A 退回 draft cannot
    be adopted (`row_rejected`), so its adoptions are withdrawn first; nothing was decided.
    `adoptions`: (outlet, adopted_on as YYYY-MM-DD) of each adoption in force."""

    def __init__(
        self, submission_id: int, title: str, adoptions: Sequence[tuple[str, str]], undo: bool = False
    ) -> None:
        self.submission_id, self.title, self.undo = submission_id, title, undo
        self.adoptions = tuple(adoptions)
        super().__init__(self.worded(""))

    def adopted_text(self) -> str:
        """The adoptions in force: 武进日报 2021年3月12日、新华日报 2021年3月15日."""
        return "、".join(
            f"{outlet} {date_text(dt.date.fromisoformat(day))}" for outlet, day in self.adoptions
        )

    def worded(self, subject: str) -> str:
        """`subject` says where the adoptions are withdrawn (在“录用登记”页); "" names no place."""
        if self.undo:
            why, then = "撤销核定会使稿件恢复为退回，而退回的稿件不能有录用", "再撤销核定"
        else:
            why, then = "退回的稿件不能有录用，因此不能核定为退回", "再核定"
        return (
            f"{_draft_name(self.submission_id, self.title)}现有录用：{self.adopted_text()}。"
            f"{why}，未作任何核定。请先{subject}撤销这些录用，{then}。"
        )


class BadRows(DeskError):
    """Adoptions (typed or from a sheet) with problems; nothing was written.

    `problems` holds one `BadRow` per row, each naming its row (第3行 / 命令行)."""

    def __init__(self, heading: str, problems: list[BadRow], hint: str) -> None:
        self.heading = heading
        self.problems = problems
        self.hint = hint
        lines = [heading, *(f"  {p}" for p in problems), hint]
        super().__init__("\n".join(line for line in lines if line))


def bad_rows(source: str, rows: list[BadRow], outlets: str | None) -> BadRows:
    """`rows` of adoptions from `source` were refused; `outlets`, when an outlet was among the
    problems, lists the accepted outlet names."""
    return BadRows(
        f"{source}有 {len(rows)} 处问题，未登记任何录用：",
        rows,
        f"可用的录用媒体：{outlets}" if outlets else "",
    )


# A row's problems, each a phrase: a `BadRow` joins one row's with ；.
ROW_NO_ID = "缺少稿件编号"
ROW_NO_OUTLET = "缺少录用媒体"


def row_unknown_id(submission_id: int) -> str:
    return f"稿件编号 {submission_id} 不存在"


def row_rejected(submission_id: int) -> str:
    """A 退回 draft is paid only after the office has 核定 it 合格, so each payment has a decision."""
    return f"稿件 {submission_id} 已退回，不能登记录用，请先由办公室核定为合格（写明理由）再登记"


def row_unknown_outlet(typed: str) -> str:
    return f"录用媒体“{typed}”不在规则文件的媒体名单中（可用名称见下）"


def row_negative(field: str, value: object) -> str:
    return f"{FIELD_NAMES.get(field, field)}不能为负数（{value}）"


def row_before_receipt(adopted_on: str, submission_id: int, received: str) -> str:
    return f"录用日期 {adopted_on} 早于稿件 {submission_id} 的收稿时间 {received}，稿件收到之前不可能被录用"


def row_bonus_out_of_range(bonus: float, low: float, high: float) -> str:
    return (
        f"加分 {bonus:g} 超出规则文件的范围：媒体宣传加分为 {low:g}–{high:g} 分（考核办法三.2），"
        f"请写 {low:g} 到 {high:g} 之间的数"
    )


def row_bonus_level(outlet: str, level: str, allowed: Sequence[str], low: float, high: float) -> str:
    """A media-lead bonus for an outlet below the levels 三.2 allows (names, not codes)."""
    return (
        f"加分只给区级以上媒体的报道（考核办法三.2：配合街道在区级以上媒体平台完成亮点工作重要报道，"
        f"加{low:g}-{high:g}分；可加分的级别：{'、'.join(allowed)}），“{outlet}”是{level}"
    )


class BadRow:
    """One row's problems: `where` (第3行) and `reason` (稿件编号 99 不存在；…)."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.where}：{self.reason}"


class NoChineseFont(DeskError):
    """No font with Chinese characters was found to print the units' names on their QR cards."""

    def __init__(self) -> None:
        super().__init__(
            "没有找到能显示中文的字体，无法在二维码下印出单位名称。"
            "请先安装中文字体（如 Debian/Ubuntu 的 fonts-noto-cjk 软件包）再生成。"
        )


class UploadExpired(DeskError):
    """A 报送 confirmed after its upload was sent already or thrown away (too old)."""

    def __init__(self) -> None:
        super().__init__("这次上传已经报送过，或等待确认太久已作废。请重新选择文件报送。")
