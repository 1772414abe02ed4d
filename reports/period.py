"""One period's assessment as people see it: the report, the columns, the rules behind them.

`draftdesk score`, the Prefect score flow, the desk's 考核 page and the workbook used to lay
out their own columns (and one of them scored by the wrong year's rules). Now the ledger
reader `reports.assessment.assess_period` picks the period's year's rulebook, scores, and calls
`assessment_of` here, which decides once what people see: the list of `Column`s with the rule
that shapes each, one formatted `Cell` per unit and column, whether the period is unfinished
on the day it was made, the warnings and the year's 推荐名单. Front ends only lay these out.
Pure: no ledger, no clock (the day is passed in).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from checks.labels import date_text
from reports import rule_texts
from rules.model import Rulebook
from rules.periods import Period
from scoring.report import PeriodReport, UnitReport, report_json
from scoring.rows import RejectionRow


@dataclass(frozen=True)
class Column:
    """One column of the unit table: its key, heading, short heading and the rule behind it."""

    key: str  # "unit", "kind", "type:instant", "open:wechat", "deductions", "bonus", "total", "fees"
    name: str  # the heading (Chinese)
    short: str  # the heading where room is short (a terminal)
    rule: str = ""  # what shapes the figures below it, in the clerk's words ("" none)
    open: bool = False  # progress of a type-period still running: shown, never scored
    numeric: bool = False  # points and money: right-aligned


@dataclass(frozen=True)
class Cell:
    """One unit's figure in one column: as read (`text`), as stored (`value`), and whether short."""

    text: str  # "2/3", "-0.1", "605", "-"
    value: str | int | float  # a number where it is one (spreadsheets, artifacts), else the text
    short: bool = False  # a quota not met: shown red


@dataclass(frozen=True)
class UnitLine:
    unit: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Nominee:
    """One place of the year's 推荐名单 (a proposal; the subdistrict decides)."""

    rank: int
    unit: str
    name: str  # the officer, or "" for a unit
    basis: str  # 录用 6 篇（国家级 1、省级 1…）
    award: int

    @property
    def who(self) -> str:
        return f"{self.name}（{self.unit}）" if self.name else self.unit


@dataclass(frozen=True)
class PeriodAssessment:
    """What everyone is shown of one period: scored by its own year's rulebook, on `made_on`."""

    report: PeriodReport
    made_on: dt.date  # the workspace's day (DRAFTDESK_NOW) the assessment was made
    unfinished: bool  # the period had not ended on `made_on`: figures are not final
    rulebook_warning: str | None  # the year had no rulebook of its own: whose rules scored it
    columns: tuple[Column, ...]
    lines: tuple[UnitLine, ...]
    carry_over: str  # 不结转
    caps: str  # the yearly bonus cap
    scored: str  # who earns points
    notes: tuple[str, ...] = ()  # how the rulebook was read where the seed is silent (说明 sheet)
    unit_nominees: tuple[Nominee, ...] = ()  # the year's 推荐名单 (empty for a month or quarter)
    officer_nominees: tuple[Nominee, ...] = ()
    rejections: tuple[RejectionRow, ...] = ()  # 退稿情况
    not_counted: tuple[RejectionRow, ...] = ()  # 未计入稿件

    @property
    def period(self) -> Period:
        return self.report.period

    @property
    def rules(self) -> tuple[str, ...]:
        """The three rules that shape every figure: 不结转, the cap, who is scored."""
        return (self.carry_over, self.caps, self.scored)

    @property
    def unfinished_mark(self) -> str:
        """For a title: （未结束，截至2021年3月15日制表，非最终结果）, or "" once the period is over."""
        if not self.unfinished:
            return ""
        return f"（未结束，截至{_day(self.made_on)}制表，非最终结果）"

    @property
    def still_open(self) -> str | None:
        """The warning that the period is not over yet, else None."""
        if not self.unfinished:
            return None
        return (
            f"注意：{self.period.label}尚未结束（今天 {_day(self.made_on)}），尚未到期的任务也按缺少计算；"
            "期末后再运行可得正式结果。"
        )

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every warning shown beside the figures, each opening 注意：."""
        found = [self.still_open, self.rulebook_warning]
        return tuple(w if w.startswith("注意：") else f"注意：{w}" for w in found if w)

    @property
    def legend(self) -> str:
        """How to read the unit table (under it on every front end)."""
        text = "稿件栏为 计入/任务，红色为未完成；"
        if any(c.open for c in self.columns):
            text += "(至今) 为尚未结束的季度或年度的进度，不计分；"
        return text + self.scored

    @property
    def explanations(self) -> tuple[str, ...]:
        """The 说明 sheet: first, for an unfinished period, that the figures are not final."""
        if not self.unfinished:
            return self.notes
        first = (
            f"本表于{_day(self.made_on)}制表，{self.period.label}尚未结束（{_day(self.period.end)}结束）："
            "表中数字为截至制表日的阶段结果，尚未到期的任务也按缺少计算，不是最终考核结果。"
        )
        return (first, *self.notes)

    @property
    def nominated(self) -> bool:
        return bool(self.unit_nominees or self.officer_nominees)

    def records(self) -> list[dict[str, str | int | float]]:
        """One dict per unit, heading → value (the Prefect table artifact)."""
        return [
            {c.name: cell.value for c, cell in zip(self.columns, line.cells, strict=True)}
            for line in self.lines
        ]


def _day(day: dt.date) -> str:
    return date_text(day)


def judged_types(report: PeriodReport) -> list[str]:
    """The types the period judges for some unit, in rulebook order."""
    return [key for key in report.type_names if any(key in u.completion for u in report.units)]


def open_types(report: PeriodReport) -> list[str]:
    """The types not judged but with a type-period still running for some unit."""
    judged = judged_types(report)
    return [k for k in report.type_names if k not in judged and any(k in u.progress for u in report.units)]


def columns_of(report: PeriodReport, rulebook: Rulebook) -> tuple[Column, ...]:
    """The one list of columns every front end shows, with the rule beside each."""
    short = {key: min(names, key=len) for key, names in report.type_short_names.items()}
    columns = [
        Column("unit", "单位", "单位"),
        Column("kind", "类别", "类别", rule_texts.scored_rule(rulebook)),
    ]
    for key in judged_types(report):
        rule = rule_texts.type_rule(rulebook.types[key], rulebook)
        columns.append(Column(f"type:{key}", report.type_names[key], short.get(key, key), rule))
    for key in open_types(report):
        name, brief = f"{report.type_names[key]}(至今)", f"{short.get(key, key)}(至今)"
        columns.append(Column(f"open:{key}", name, brief, rule_texts.open_rule(), open=True))
    columns += [
        Column("deductions", "扣分", "扣分", rule_texts.deduction_rule(rulebook), numeric=True),
        Column("bonus", "加分", "加分", rule_texts.bonus_rule(rulebook), numeric=True),
        Column("total", "合计", "合计", rule_texts.total_rule(), numeric=True),
        Column("fees", "稿酬（元）", "稿酬", rule_texts.fee_rule(), numeric=True),
    ]
    return tuple(columns)


def _points(hundredths: int) -> Cell:
    value = hundredths / 100
    return Cell(f"{value:+g}" if value else "0", value)


def cell(report: PeriodReport, column: Column, unit: UnitReport) -> Cell:
    """The one formatter: a unit's figure in a column."""
    kind, _, key = column.key.partition(":")
    if kind in ("type", "open"):
        done = (unit.completion if kind == "type" else unit.progress).get(key)
        if done is None:
            return Cell("-", "-")
        text = f"{done.counted}/{done.quota}"
        return Cell(text, text, kind == "type" and done.missing > 0)
    if kind == "unit":
        return Cell(unit.unit, unit.unit)
    if kind == "kind":
        name = report.kind_names.get(unit.kind, unit.kind)
        return Cell(name, name)
    if kind == "fees":
        return Cell(f"{unit.fees:g}", unit.fees)
    if not unit.points.applies:
        return Cell("-", "-")
    p = unit.points
    return _points({"deductions": p.deductions, "bonus": p.bonus, "total": p.total}[kind])


def nominees(report: PeriodReport) -> tuple[tuple[Nominee, ...], tuple[Nominee, ...]]:
    """The year's 推荐名单: units and officers given an award, by rank (none for a month or quarter)."""
    if not report.is_year:
        return (), ()
    units = sorted((u for u in report.units if u.standing.award), key=lambda u: u.standing.rank)
    people = sorted((o for o in report.officers if o.standing.award), key=lambda o: o.standing.rank)
    return (
        tuple(Nominee(u.standing.rank, u.unit, "", u.standing.basis, u.standing.award) for u in units),
        tuple(Nominee(o.standing.rank, o.unit, o.name, o.standing.basis, o.standing.award) for o in people),
    )


def assessment_of(
    report: PeriodReport,
    rulebook: Rulebook,
    made_on: dt.date,
    rulebook_warning: str | None = None,
    rejections: Sequence[RejectionRow] = (),
    not_counted: Sequence[RejectionRow] = (),
) -> PeriodAssessment:
    """What people see of `report`, scored by `rulebook` (the period's year's) on `made_on`."""
    columns = columns_of(report, rulebook)
    lines = tuple(UnitLine(u.unit, tuple(cell(report, c, u) for c in columns)) for u in report.units)
    units, officers = nominees(report)
    return PeriodAssessment(
        report=report,
        made_on=made_on,
        unfinished=made_on <= report.period.end,
        rulebook_warning=rulebook_warning,
        columns=columns,
        lines=lines,
        carry_over=rule_texts.carry_over_rule(),
        caps=rule_texts.cap_rule(rulebook),
        scored=rule_texts.scored_rule(rulebook),
        notes=rule_texts.notes(rulebook),
        unit_nominees=units,
        officer_nominees=officers,
        rejections=tuple(rejections),
        not_counted=tuple(not_counted),
    )


def assessment_json(assessment: PeriodAssessment) -> dict[str, Any]:
    """`score --json`: SPEC §8's fields (`report_json`, never renamed), plus whether the period was
    unfinished on the day it was made and that day."""
    return {
        **report_json(assessment.report),
        "unfinished": assessment.unfinished,
        "made_on": assessment.made_on.isoformat(),
    }
