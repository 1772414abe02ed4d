"""The period's 通报 as a Word document: what it says, section by section, in the 公文 layout of
`reports.gongwen` (GB/T 9704-2012: 版头 with the 发文字号, 主送, body, 落款, 版记, page numbers).
This module words the figures; the layout lives in `reports.gongwen` and never computes one.

The leader gets it as it is, so it must print without editing: every section says something
even when the period had nothing (零报送、本期无约稿).

The same ledger and the same 发文字号 give the same file, byte for byte: the core properties are
fixed to the workspace clock's date and the zip entries carry that date too, never the time of
writing.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject

from checks.labels import date_text
from reports.gongwen import (
    Masthead,
    heading,
    main_to,
    masthead,
    page_numbers,
    page_setup,
    record,
    signature,
    table,
    title,
)
from reports.gongwen import paragraph as _paragraph
from reports.period import judged_types, nominees
from rules.model import Bulletin
from scoring.awards import shared_places
from scoring.report import PeriodReport, UnitReport
from scoring.requests import RequestProgress, UnitRequests

NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class UnitDrafts:
    """What a unit sent in the period: received, 合格, counted."""

    received: int = 0
    accepted: int = 0
    counted: int = 0


@dataclass(frozen=True)
class BulletinData:
    """Everything the 通报 says, gathered by `service.bulletin` from the ledger."""

    report: PeriodReport
    made_on: dt.date  # the workspace clock's date: the date line and the core properties
    drafts: dict[str, UnitDrafts]
    adoptions_by_level: tuple[tuple[str, int], ...]  # (级别, 篇数) in the period
    requests: tuple[RequestProgress, ...] = ()
    request_units: tuple[UnitRequests, ...] = ()
    rulebook_warning: str | None = None  # the period's year has no rulebook: which one judged it
    head: Masthead | None = field(default=None)  # 版头, 主送, 落款, 版记; None: the subdistrict's office

    @property
    def masthead(self) -> Masthead:
        """The given 版头 and 版记, else the subdistrict's office with the rulebook's default 主送."""
        office = f"{self.report.subdistrict}办公室"
        return self.head or Masthead(office, "", Bulletin.main_to, "", office, cn_date(self.made_on))

    @property
    def still_open(self) -> bool:
        return self.report.period.end >= self.made_on


def cn_date(day: dt.date) -> str:
    return date_text(day)


def title_of(data: BulletinData) -> str:
    """西湖街道2021年3月信息宣传工作通报, with （截至3月20日） while the period is not over."""
    report = data.report
    text = f"{report.subdistrict}{report.period.label}信息宣传工作通报"
    if data.still_open:
        text += f"（截至{data.made_on.month}月{data.made_on.day}日）"
    return text


def _rate(unit: UnitReport) -> float:
    quota = sum(c.quota for c in unit.completion.values())
    counted = sum(min(c.counted, c.quota) for c in unit.completion.values())
    return counted / quota if quota else 1.0


def _result(unit: UnitReport) -> tuple[float, int]:
    """What a unit is ranked by: completion rate, then points (higher first)."""
    return (-_rate(unit), -unit.points.total)


def ranked(report: PeriodReport) -> list[UnitReport]:
    """Units by completion rate, then points, then name: the order the 通报 lists them."""
    return sorted(report.units, key=lambda u: (*_result(u), u.unit))


def placed(report: PeriodReport) -> list[tuple[int, UnitReport]]:
    """Each unit in the 通报's order with its place: equal results share it (1, 1, 3, …)."""
    units = ranked(report)
    return list(zip(shared_places([_result(u) for u in units]), units, strict=True))


def _num(value: float) -> str:
    return f"{value:g}"


def _overview(doc: DocumentObject, data: BulletinData, n: int) -> None:
    heading(doc, f"{NUMERALS[n]}、总体情况")
    d = data.drafts.values()
    received, accepted, counted = (
        sum(x.received for x in d),
        sum(x.accepted for x in d),
        sum(x.counted for x in d),
    )
    adopted = sum(count for _, count in data.adoptions_by_level)
    levels = "、".join(f"{name}{count}篇" for name, count in data.adoptions_by_level if count)
    _paragraph(
        doc,
        f"本期共收到各单位报送稿件{received}篇，审核合格{accepted}篇，计入考核{counted}篇；"
        f"媒体录用{adopted}篇"
        + (f"（{levels}）" if levels else "")
        + f"；发放稿酬{_num(data.report.fees_total)}元。",
    )


def _ranking(doc: DocumentObject, data: BulletinData, n: int) -> None:
    report = data.report
    heading(doc, f"{NUMERALS[n]}、各单位完成情况及排名")
    types = judged_types(report)
    head = ["名次", "单位", *(report.type_names[k] for k in types), "完成率", "加减分"]
    rows: list[list[object]] = []
    for place, unit in placed(report):
        marks = [
            f"{unit.completion[k].counted}/{unit.completion[k].quota}" if k in unit.completion else "—"
            for k in types
        ]
        points = _num(unit.points.total / 100) if unit.points.applies else "—"
        rows.append([place, unit.unit, *marks, f"{_rate(unit):.0%}", points])
    _paragraph(doc, "各类稿件栏为“计入数/任务数”，完成率按各类任务合计计算；加减分只适用于社区、村。")
    table(doc, head, rows)


def _levels(doc: DocumentObject, data: BulletinData, n: int) -> None:
    heading(doc, f"{NUMERALS[n]}、媒体录用情况")
    if not any(count for _, count in data.adoptions_by_level):
        _paragraph(doc, "本期无媒体录用。")
        return
    rows = [[name, count] for name, count in data.adoptions_by_level if count]
    table(doc, ["录用级别", "篇数"], [*rows, ["合计", sum(c for _, c in data.adoptions_by_level)]])


def _silent(doc: DocumentObject, data: BulletinData, n: int) -> None:
    heading(doc, f"{NUMERALS[n]}、零报送单位")
    silent = [u.unit for u in data.report.units if not data.drafts.get(u.unit, UnitDrafts()).received]
    if silent:
        _paragraph(
            doc, f"本期以下{len(silent)}个单位未报送稿件：{'、'.join(silent)}。请上述单位加强信息报送工作。"
        )
    else:
        _paragraph(doc, "本期各单位均有稿件报送。")


def _requests(doc: DocumentObject, data: BulletinData, n: int) -> None:
    heading(doc, f"{NUMERALS[n]}、约稿完成情况")
    if not data.requests:
        _paragraph(doc, "本期无到期约稿。")
        return
    rows = []
    for p in data.requests:
        late = "、".join(f"{u.unit}（{u.state}）" for u in p.units if u.state != "按时") or "无"
        rows.append(
            [p.request.id, p.request.topic, cn_date(p.request.deadline), f"{p.on_time}/{len(p.units)}", late]
        )
    heading(doc, "（一）各期约稿", 2)
    table(doc, ["编号", "约稿主题", "截止日期", "按时答复", "其他单位情况"], rows)
    heading(doc, "（二）各单位答复约稿情况", 2)
    unit_rows = [[u.unit, u.issued, u.on_time, u.late, u.missing] for u in data.request_units]
    table(doc, ["单位", "约稿数", "按时", "逾期", "未报"], unit_rows)


def _fees(doc: DocumentObject, data: BulletinData, n: int) -> None:
    report = data.report
    heading(doc, f"{NUMERALS[n]}、稿酬发放情况")
    _paragraph(doc, f"本期稿酬合计{_num(report.fees_total)}元，共{len(report.payments)}篇。")
    paid = sorted((u for u in report.units if u.fees), key=lambda u: (-u.fees, u.unit))
    if paid:
        table(doc, ["单位", "稿酬（元）"], [[u.unit, _num(u.fees)] for u in paid])


def _awards(doc: DocumentObject, data: BulletinData, n: int) -> None:
    """The year's 推荐名单, as the 考核 page and workbook rank it (`reports.period.nominees`)."""
    units, people = nominees(data.report)
    heading(doc, f"{NUMERALS[n]}、先进评选推荐名单")
    _paragraph(doc, "按全年录用篇数排名提出，奖励金额为考核办法规定的建议数，最终由街道研究决定。")
    if units:
        heading(doc, "（一）先进单位", 2)
        table(
            doc,
            ["名次", "先进单位", "依据", "建议奖励（元）"],
            [[u.rank, u.unit, u.basis, u.award] for u in units],
        )
    if people:
        heading(doc, "（二）先进个人" if units else "（一）先进个人", 2)
        table(
            doc,
            ["名次", "先进个人", "依据", "建议奖励（元）"],
            [[o.rank, o.who, o.basis, o.award] for o in people],
        )
    if not units and not people:
        _paragraph(doc, "本年度无符合条件的推荐对象。")


def build_bulletin(data: BulletinData) -> DocumentObject:
    """The document, section by section; the year's 通报 adds the 推荐名单."""
    doc = Document()
    page_setup(doc)
    page_numbers(doc)
    head = data.masthead
    masthead(doc, head)
    title(doc, title_of(data))
    main_to(doc, head)
    _paragraph(
        doc,
        f"根据《{data.report.rulebook_name}》，现将{data.report.period.label}各单位信息宣传工作情况通报如下：",
    )
    if data.rulebook_warning:  # `workspace.PeriodRules.warning`, as score, the workbook and pages show it
        _paragraph(doc, f"（说明：{data.rulebook_warning}）")
    sections = [_overview, _ranking, _levels, _silent, _requests, _fees]
    if data.report.is_year:
        sections.append(_awards)
    for n, write in enumerate(sections):
        write(doc, data, n)
    record(doc, head, signature(doc, head))
    props = doc.core_properties
    stamp = dt.datetime(data.made_on.year, data.made_on.month, data.made_on.day)
    props.title, props.author, props.last_modified_by = title_of(data), "draftdesk", "draftdesk"
    props.created = props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    props.comments = props.subject = props.keywords = props.category = ""
    return doc


def write_bulletin(data: BulletinData, path: Path) -> Path:
    """Write the 通报 to `path` atomically; the zip entries carry the date line's date."""
    buffer = io.BytesIO()
    build_bulletin(data).save(buffer)
    stamp = (data.made_on.year, data.made_on.month, data.made_on.day, 0, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    partial.replace(path)
    return path
