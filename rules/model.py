"""Typed, frozen rulebook objects.

Code reads rules only through these objects, so a rule can be found by its name here and its
value in the TOML; nothing in the program hard-codes a limit, a quota or a fee.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

CONTENT_TYPES: tuple[str, ...] = ("instant", "wechat", "xuexi", "gov_info", "research", "media")
UNIT_KINDS: tuple[str, ...] = ("bureau", "community", "related")
PERIODS: tuple[str, ...] = ("month", "quarter", "year")
# What a type's quota counts (the seed words each differently): drafts received and counted,
# pieces adopted on the type's platform (学习强国), the month's 约稿 assignment, or no quota at
# all (媒体宣传 earns bonus points only).
QUOTA_KINDS: tuple[str, ...] = ("count", "adopted", "assigned", "none")


@dataclass(frozen=True)
class Meta:
    name: str
    subdistrict: str
    year: int
    office_unit: str
    timezone: str = "Asia/Shanghai"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Intake:
    settle_seconds: float
    rescan_seconds: float
    sweep_minutes: int
    heartbeat_seconds: float
    convert_timeout_seconds: int
    near_duplicate_days: int
    near_duplicate_threshold: float
    officer_folder: str = "信息员"
    # inbox/<unit>/<receipt_folder>/: the receipts draftdesk writes back to the unit; never a draft.
    receipt_folder: str = "回执"
    # Only this many characters of a draft (title first, then the body) are segmented for the
    # near-duplicate signature: a news draft is far shorter, a pasted 1.7 M-character file is
    # not, and segmenting all of it would cost minutes for no better verdict.
    near_duplicate_max_chars: int = 20000


@dataclass(frozen=True)
class Limits:
    """Safety limits for untrusted packages, checked before a byte is inflated."""

    max_entries: int
    max_part_bytes: int
    max_total_bytes: int
    min_inflate_ratio: float
    max_xml_part_bytes: int
    max_image_pixels: int
    inflate_ratio_grace_bytes: int = 102400
    # Pixel memory one picture may take to decode, and all pictures decoding at once together
    # (the photo threads share it). A picture needing more is judged by its header only.
    max_decode_bytes: int = 67108864
    # Tags plus attributes ("<" and "=") one XML part may hold: its parsed tree and walk take
    # ~210 bytes per item, and a part's byte size alone does not bound that.
    max_xml_markup: int = 800000


@dataclass(frozen=True)
class Images:
    hd_long_side: int
    hd_short_side: int
    same_photo_max_distance: int
    photo_extensions: tuple[str, ...]
    audio_extensions: tuple[str, ...]
    video_extensions: tuple[str, ...]


@dataclass(frozen=True)
class Calendar:
    """Holidays and make-up workdays the rulebook adds to (or corrects in) chinesecalendar."""

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]


@dataclass(frozen=True)
class ContentType:
    key: str
    name: str
    aliases: tuple[str, ...]
    period: str
    min_chars: int | None = None
    max_chars: int | None = None
    min_photos: int | None = None
    max_photos: int | None = None
    event_deadline_hours: int | None = None
    publish_lead_workdays: int | None = None
    announcement_words: tuple[str, ...] = ()
    hd_photos: bool = False
    media_skips_text: bool = False
    categories: tuple[str, ...] = ()
    due: str | None = None  # "MM-DD" within the rulebook year
    platform: str | None = None  # adoptions count (quota, points, fees) only on outlets of this platform
    quota: str = "count"  # one of QUOTA_KINDS: what the type's quota counts

    @property
    def names(self) -> tuple[str, ...]:
        """The folder name first, then every alias: what the intake accepts for this type."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    quota: dict[str, int] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Points:
    kinds: tuple[str, ...]
    missing: dict[str, float]
    extra: dict[str, float]
    media_bonus_min: float
    media_bonus_max: float
    bonus_cap_year: float
    media_bonus_levels: tuple[str, ...] = ()  # outlet levels a media-lead bonus may be given for


@dataclass(frozen=True)
class Awards:
    unit_amount: int
    officer_amount: int
    unit_places: int
    officer_places: int


# Marks people type around or inside outlet names that never change which outlet is meant.
_OUTLET_NOISE = re.compile(r"[\s《》〈〉「」『』“”\"'‘’]")


def outlet_key(text: str) -> str:
    """An outlet name as typed, reduced for matching: full-width brackets and letters made
    half-width (NFKC), 《》 and quotes and spaces dropped — 《武进日报》 and 学习强国（省级） match."""
    return _OUTLET_NOISE.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Web:
    """The browser desk (`draftdesk web`): where it listens, the base of the units' links, the
    upload limit and the clerk's password hash. `service.address.desk_address` reads the first three."""

    max_upload_bytes: int = 30 * 1024 * 1024
    password_hash: str = ""  # "scrypt$n$r$p$salt$hash" (hex); empty: no password set
    host: str = "127.0.0.1"  # where the desk listens; 0.0.0.0: every address of the machine
    port: int = 8700
    base_url: str = ""  # the start of every unit link (http://192.168.1.5:8700); empty: from host/port
    confirm_hours: int = 24  # a unit's 报送 upload waits this long for its confirmation, then is dropped


@dataclass(frozen=True)
class SameNews:
    """How two drafts are told to be the same news (`checks.duplicate.compare_texts`).

    A copy is decided by `intake.near_duplicate_threshold` (word overlap). Below it, two drafts
    are probably about the same event when their `score` reaches `same_event_threshold`, where
    the score is the weighted sum of: the share of the shorter text's two-character pieces found
    in the longer (`weight_overlap`), shared places, people and organisations
    (`weight_entities`, full at `entities_for_full`; at least `min_shared_names` places or people
    in common, since an organisation such as 区消防救援大队 is in every draft of its kind), shared numbers of at least `min_number`
    (`weight_numbers`, full at `numbers_for_full`) and the same event date (`weight_date`).
    A copy is also one whose shorter text is `copy_containment` inside the longer while at least
    `copy_length_ratio` of its length (a short item resent with a sentence added). Event dates
    further apart than `date_tolerance_days`, or an overlap under `min_overlap`,
    make two different events whatever the rest. A unit's resend whose title, set aside 修改稿
    and the like, is this alike (`revision_title_similarity`) is a revision of its earlier draft.
    Measured on benchmarks/data/same_news.jsonl by benchmarks/bench_same_news.py."""

    same_event_threshold: float = 0.45
    min_overlap: float = 0.15
    weight_overlap: float = 0.3
    weight_entities: float = 0.4
    weight_numbers: float = 0.1
    weight_date: float = 0.2
    entities_for_full: int = 2
    min_shared_names: int = 1
    numbers_for_full: int = 2
    min_number: int = 10
    date_tolerance_days: int = 0
    revision_title_similarity: float = 0.8
    copy_containment: float = 0.9
    copy_length_ratio: float = 0.6


@dataclass(frozen=True)
class Backup:
    """Ledger backups (`draftdesk backup`, daily under watch/serve): how many to keep.

    The newest copy of each of the last `keep_daily` days and of each of the last
    `keep_monthly` months is kept; older copies are removed after a new one is complete."""

    keep_daily: int = 14
    keep_monthly: int = 12


@dataclass(frozen=True)
class Bulletin:
    """The 通报 as a 公文 (GB/T 9704-2012): who issues it, its 发文字号, to whom it goes.

    Each period's 通报 takes the year's next number the first time it is written (kept in the
    ledger, so a re-run keeps it); `first_number` is where the year's numbers start."""

    issuer: str = ""  # 发文机关标志; empty: the subdistrict's office (西湖街道办公室)
    number_prefix: str = ""  # 发文机关代字 (西街办); empty: no 发文字号 line
    first_number: int = 1
    main_to: str = "机关各局室，各社区、村，各有关单位"  # 主送机关
    copy_to: str = ""  # 抄送机关; empty: no 抄送 line
    printer: str = ""  # 印发机关; empty: the issuer


@dataclass(frozen=True)
class Rulebook:
    meta: Meta
    intake: Intake
    limits: Limits
    images: Images
    calendar: Calendar
    types: dict[str, ContentType]
    kinds: dict[str, str]
    units: tuple[Unit, ...]
    points: Points
    fees: dict[str, dict[str, int]]
    outlets: dict[str, str]
    awards: Awards
    source: str = ""
    web: Web = Web()
    backup: Backup = Backup()
    same_news: SameNews = SameNews()
    bulletin: Bulletin = Bulletin()
    outlet_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name → other spellings
    outlet_platforms: dict[str, str] = field(default_factory=dict)  # name → platform (学习强国: "xuexi")

    def unit_named(self, name: str) -> Unit | None:
        """The unit whose name or alias is `name` (exact, after trimming), else None."""
        wanted = name.strip()
        for unit in self.units:
            if wanted in unit.names:
                return unit
        return None

    def type_named(self, name: str) -> ContentType | None:
        """The content type whose key, folder name or alias is `name`, else None."""
        wanted = name.strip()
        for ctype in self.types.values():
            if wanted == ctype.key or wanted in ctype.names:
                return ctype
        return None

    def outlet_named(self, outlet: str) -> str | None:
        """The rulebook's name for an outlet as people type it (brackets, 《》, aliases), else None."""
        wanted = outlet_key(outlet)
        return self._outlet_by_key.get(wanted) if wanted else None

    @functools.cached_property
    def _outlet_by_key(self) -> dict[str, str]:
        """Every spelling's matching key → the outlet's name, built once: a year's scoring asks
        for ~120,000 adoptions' outlets, and scanning the list each time cost ~2.5 s."""
        found: dict[str, str] = {}
        for name in self.outlets:
            for spelling in (name, *self.outlet_aliases.get(name, ())):
                found.setdefault(outlet_key(spelling), name)
        return found

    @functools.cached_property
    def category_names(self) -> frozenset[str]:
        """Every type's category names (folders a unit may sort drafts into), built once:
        the inbox parser asks for every entry of every sweep."""
        return frozenset(c for t in self.types.values() for c in t.categories)

    def outlet_level(self, outlet: str) -> str | None:
        name = self.outlet_named(outlet)
        return self.outlets[name] if name is not None else None

    def counts_for(self, content_type: str, outlet: str) -> bool:
        """Whether an adoption by `outlet` is an adoption of this type's kind: a type with a
        platform (学习强国) counts only adoptions by outlets on that platform."""
        ctype = self.types.get(content_type)
        return ctype is None or ctype.platform is None or self.outlet_platform(outlet) == ctype.platform

    def outlet_platform(self, outlet: str) -> str | None:
        """The platform the outlet belongs to (学习强国 outlets: "xuexi"), else None."""
        name = self.outlet_named(outlet)
        return self.outlet_platforms.get(name) if name is not None else None
