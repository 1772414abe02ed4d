"""Values the checks take and give. Pure data: no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from extractors.model import Finding


@dataclass(frozen=True)
class Identity:
    """Who sent the draft and what it is, derived from its inbox path (and name, and head)."""

    unit: str | None
    content_type: str | None  # key: instant / wechat / xuexi / gov_info / research / media
    category: str | None = None  # gov_info category when the folder/alias gives it
    findings: tuple[Finding, ...] = ()  # identity errors (unknown unit/type) with the valid names


@dataclass(frozen=True)
class Prior:
    """An earlier submission, as the duplicate check needs it (the ledger supplies these)."""

    id: int
    unit: str
    received_at: dt.datetime
    sha256: str
    title: str = ""
    text: str = ""
    content_type: str | None = None


@dataclass(frozen=True)
class ImageSummary:
    total: int = 0
    distinct: int = 0
    hd: int = 0


@dataclass(frozen=True)
class Judgement:
    """The verdict on one draft: what `check --json` prints and the ledger records."""

    verdict: str  # "accepted" | "rejected"
    counted: bool
    unit: str | None
    content_type: str | None
    category: str | None = None
    images: ImageSummary = field(default_factory=ImageSummary)
    event_deadline: dt.datetime | None = None
    event_date: dt.date | None = None
    publish_date: dt.date | None = None
    is_announcement: bool = False
    duplicate_of: int | None = None
    revision_of: int | None = None
    # Probably the same event as this earlier draft of another unit (`checks.duplicate`): accepted,
    # not counted until the office decides (a `same_event` warning says why).
    same_event_of: int | None = None
    period: str | None = None  # "2021-03" / "2021Q1" / "2021" per the type's period
    findings: tuple[Finding, ...] = ()
