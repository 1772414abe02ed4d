"""The outlet levels (媒体级别): their codes, the names people read, and how they rank.

Why one table: the rulebook validates an outlet's level against the codes, fees are looked up
by code, notes and sheets show the name, and 先进 rankings group levels into tiers. These were
written in three places (the loader, the fees, the awards) and had to be kept in step by hand.
The amounts paid per level are rulebook values ([fees]); this is only which levels exist.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    """One outlet level: the code the rulebook writes, its Chinese name, and its tier."""

    code: str
    name: str
    tier: str


# Highest tier first; within a tier, the outlet itself before its offices.
LEVELS: tuple[Level, ...] = (
    Level("national", "国家级", "national"),
    Level("province", "省级", "province"),
    Level("city", "市级", "city"),
    Level("district", "区级", "district"),
    Level("wechat", "街道公众号", "subdistrict"),
    Level("juece", "决策参考", "district"),
    Level("district_office", "区两办", "district"),
    Level("city_office", "市两办", "city"),
    Level("province_office", "省两办", "province"),
)

# The tiers a piece is ranked by (先进 单位/个人), highest first, with their names.
TIER_ORDER: tuple[tuple[str, str], ...] = (
    ("national", "国家级"),
    ("province", "省级"),
    ("city", "市级"),
    ("district", "区级"),
    ("subdistrict", "街道"),
)

OUTLET_LEVELS: tuple[str, ...] = tuple(level.code for level in LEVELS)
LEVEL_NAMES: dict[str, str] = {level.code: level.name for level in LEVELS}
WECHAT_LEVEL = "wechat"  # the subdistrict's own account: its fee is a range, not one amount

# (tier, name, the level codes in it), highest first.
TIERS: tuple[tuple[str, str, frozenset[str]], ...] = tuple(
    (tier, name, frozenset(level.code for level in LEVELS if level.tier == tier)) for tier, name in TIER_ORDER
)
