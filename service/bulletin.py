"""The period's 通报 (`draftdesk bulletin`, the desk's 考核 page): gather what it says from the
ledger and write outbox/reports/<期间>/通报_<期间>.docx, keeping an earlier one time-stamped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from ledger.doc_numbers import document_number
from ledger.schema import open_ledger
from reports.assessment import build_report, keep_earlier
from reports.bulletin import BulletinData, UnitDrafts, cn_date, write_bulletin
from reports.gongwen import Masthead
from reports.ledger_rows import read_period
from rules import Rulebook
from rules.levels import LEVEL_NAMES, TIERS
from rules.periods import Period
from scoring.awards import piece_levels
from scoring.credit import credits_of
from scoring.rows import ScoringRows
from service.requests import progress
from workspace import Workspace, now


def bulletin_path(ws: Workspace, period: Period) -> Path:
    """outbox/reports/<period>/通报_<period>.docx"""
    return ws.reports / period.key / f"通报_{period.key}.docx"


def _level_counts(levels: list[str]) -> tuple[tuple[str, int], ...]:
    """Adopted pieces by tier (国家级 … 街道), then any level outside the tiers by its own name."""
    counts = [(name, sum(1 for x in levels if x in members)) for _, name, members in TIERS]
    tiered = set().union(*(members for _, _, members in TIERS))
    others = sorted({x for x in levels if x not in tiered})
    return tuple(counts + [(LEVEL_NAMES.get(x, x), levels.count(x)) for x in others])


def gather(ws: Workspace, rulebook: Rulebook, period: Period) -> BulletinData:
    """What the 通报 of `period` says, by the period's year's rulebook and the workspace clock."""
    today = now(rulebook).date()
    period_rules = ws.period_rules(period)
    rules = period_rules.rulebook
    answered = progress(ws, rules, period)
    report, _ = build_report(ws, rules, period)
    read = read_period(ws, rules, period)
    levels = piece_levels(read.rows.adoptions, period.start, period.end)
    drafts = unit_drafts(read.rows, rules, period)
    return BulletinData(
        report,
        today,
        drafts,
        _level_counts(levels),
        answered.requests,
        answered.units,
        rulebook_warning=period_rules.warning,
    )


def unit_drafts(rows: ScoringRows, rulebook: Rulebook, period: Period) -> dict[str, UnitDrafts]:
    """Per unit (aliases resolved): drafts received in `period`, how many 合格, and how many
    pieces its credits count in it (`scoring.credit.credits_of`, as the score counts them)."""
    credits = credits_of(rows.submissions, rows.adoptions, rulebook, through=period.end)
    drafts: dict[str, UnitDrafts] = {}

    def name_of(unit: str) -> str:
        found = rulebook.unit_named(unit)
        return found.name if found else unit

    for s in rows.submissions:
        if period.contains(s.received_day):
            was = drafts.get(name_of(s.unit), UnitDrafts())
            accepted = was.accepted + (s.verdict == "accepted")
            drafts[name_of(s.unit)] = UnitDrafts(was.received + 1, accepted, was.counted)
    for credit in credits.values():
        if credit.counts and credit.day is not None and period.contains(credit.day):
            was = drafts.get(name_of(credit.unit), UnitDrafts())
            drafts[name_of(credit.unit)] = UnitDrafts(was.received, was.accepted, was.counted + 1)
    return {name: d for name, d in drafts.items() if d.received or d.counted}


def masthead(ws: Workspace, rules: Rulebook, period: Period, today: dt.date) -> Masthead:
    """The 通报's 版头 and 版记 from the rulebook's [bulletin]; its 发文字号 the one the period's
    通报 took before, else the next of this year (`ledger.doc_numbers`)."""
    setting = rules.bulletin
    office = f"{rules.meta.subdistrict}{rules.meta.office_unit}"
    number = ""
    if setting.number_prefix:
        db = open_ledger(ws.ledger_path)
        try:
            year, n = document_number(db, period.key, today.year, setting.first_number, today.isoformat())
        finally:
            db.close()
        number = f"{setting.number_prefix}〔{year}〕{n}号"
    issuer = setting.issuer or office
    return Masthead(
        issuer, number, setting.main_to, setting.copy_to, setting.printer or issuer, cn_date(today)
    )


@dataclass(frozen=True)
class Published:
    path: Path
    earlier: Path | None  # where an earlier 通报 of the period was kept
    still_open: bool


def bulletin(ws: Workspace, rulebook: Rulebook, period: Period) -> Published:
    """Write the period's 通报; an earlier one is kept beside it, named by when it was written."""
    data = gather(ws, rulebook, period)
    data = replace(data, head=masthead(ws, ws.period_rules(period).rulebook, period, data.made_on))
    path = bulletin_path(ws, period)
    earlier = keep_earlier(path, rulebook.meta.tz)
    return Published(write_bulletin(data, path), earlier, data.still_open)
