"""先进单位 and 先进个人 (seed 四(二)): ranked by the year's adopted pieces.

A piece counts once, at the highest level that adopted it; announcements never count (公告、
通知类 不纳入考核). Units and officers are ranked by pieces, ties broken by the pieces at the
higher levels (national, then province, city, district, the subdistrict's own account);
complete ties share a place. The top `unit_places` / `officer_places` with at least one
piece are *proposed* with the rulebook's amounts — in a year's report only; other reports show
the standing to date. 四(二) makes the pieces "重要评选依据", not the whole decision: the ranking
is a 推荐名单 with the figures behind each place (`Standing.basis`) for the office to decide on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from rules.levels import TIERS
from rules.model import Rulebook
from scoring.rows import AdoptionRow

_NAME_SPLIT = re.compile(r"[、，,；;/\s]+")


def tier_of(level: str) -> int:
    """Index into TIERS (0 = highest); unknown levels rank lowest."""
    for index, (_, _, levels) in enumerate(TIERS):
        if level in levels:
            return index
    return len(TIERS) - 1


def officer_names(text: str) -> list[str]:
    """Names in a byline field: '张三、李四' credits both."""
    return [name for name in _NAME_SPLIT.split(text.strip()) if name]


@dataclass(frozen=True)
class Standing:
    name: str
    unit: str
    pieces: int
    by_tier: dict[str, int] = field(default_factory=dict)
    rank: int = 0
    award: int = 0

    @property
    def basis(self) -> str:
        """The figures behind the place: 录用 2 篇（国家级 1、省级 1）."""
        tiers = "、".join(f"{name} {self.by_tier[key]}" for key, name, _ in TIERS if self.by_tier.get(key))
        return f"录用 {self.pieces} 篇" + (f"（{tiers}）" if tiers else "")

    def sort_key(self) -> tuple[int, ...]:
        return (-self.pieces, *(-self.by_tier.get(key, 0) for key, _, _ in TIERS))


def piece_tiers(
    adoptions: Iterable[AdoptionRow], year: int, through: dt.date
) -> dict[int, tuple[AdoptionRow, int]]:
    """Each adopted piece of `year` up to `through`, with its highest tier (announcements left out)."""
    best: dict[int, tuple[AdoptionRow, int]] = {}
    for row in adoptions:
        if row.is_announcement or row.adopted_on.year != year or row.adopted_on > through:
            continue
        tier = tier_of(row.level)
        if row.submission_id not in best or tier < best[row.submission_id][1]:
            best[row.submission_id] = (row, tier)
    return best


def piece_levels(adoptions: Iterable[AdoptionRow], start: dt.date, end: dt.date) -> list[str]:
    """The level of each piece adopted in [start, end], once, at its highest (a piece taken by
    武进日报 and then 常州日报 is one piece, 市级: 单篇稿件不重复计算), what the 通报 counts as
    媒体录用 篇数 — the same pieces the period's 稿酬 pays once."""
    best: dict[int, AdoptionRow] = {}
    for row in adoptions:
        if start <= row.adopted_on <= end:
            kept = best.get(row.submission_id)
            if kept is None or tier_of(row.level) < tier_of(kept.level):
                best[row.submission_id] = row
    return [str(row.level) for row in best.values()]


def shared_places(keys: Sequence[Hashable]) -> list[int]:
    """The place of each of `keys`, already in ranking order: equal results share a place and
    the next is skipped (1, 1, 3, …). Every ranking the office publishes places this way."""
    result: list[int] = []
    for index, key in enumerate(keys):
        result.append(result[-1] if index and keys[index - 1] == key else index + 1)
    return result


def _rank(rows: list[Standing], places: int, amount: int, give: bool) -> list[Standing]:
    ordered = sorted(rows, key=Standing.sort_key)  # stable: ties keep the rulebook's order
    result: list[Standing] = []
    for rank, standing in zip(shared_places([s.sort_key() for s in ordered]), ordered, strict=True):
        award = amount if give and rank <= places and standing.pieces > 0 else 0
        result.append(Standing(standing.name, standing.unit, standing.pieces, standing.by_tier, rank, award))
    return result


def _tally(pieces: Iterable[tuple[str, str, int]]) -> dict[tuple[str, str], dict[str, int]]:
    tally: dict[tuple[str, str], dict[str, int]] = {}
    for unit, name, tier in pieces:
        counts = tally.setdefault((unit, name), {})
        key = TIERS[tier][0]
        counts[key] = counts.get(key, 0) + 1
    return tally


def rank_units(
    adoptions: Sequence[AdoptionRow],
    units: Sequence[str],
    year: int,
    through: dt.date,
    rulebook: Rulebook,
    give_awards: bool,
) -> list[Standing]:
    """Every unit of the rulebook ranked by the year's adopted pieces up to `through`."""
    best = piece_tiers(adoptions, year, through)
    tally = _tally((row.unit, row.unit, tier) for row, tier in best.values())
    rows = [
        Standing(unit, unit, sum(tally.get((unit, unit), {}).values()), tally.get((unit, unit), {}))
        for unit in units
    ]
    return _rank(rows, rulebook.awards.unit_places, rulebook.awards.unit_amount, give_awards)


def rank_officers(
    adoptions: Sequence[AdoptionRow],
    known: Iterable[tuple[str, str]],
    year: int,
    through: dt.date,
    rulebook: Rulebook,
    give_awards: bool,
) -> list[Standing]:
    """Officers (registered ones and every byline name) ranked by the year's adopted pieces."""
    best = piece_tiers(adoptions, year, through)
    tally = _tally(
        (row.unit, name, tier) for row, tier in best.values() for name in officer_names(row.officer)
    )
    people = dict.fromkeys(list(known) + list(tally))
    rows = [
        Standing(name, unit, sum(tally.get((unit, name), {}).values()), tally.get((unit, name), {}))
        for unit, name in people
    ]
    return _rank(rows, rulebook.awards.officer_places, rulebook.awards.officer_amount, give_awards)
