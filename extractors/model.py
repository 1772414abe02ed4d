"""The `Draft` value: everything the reader saw in one submission, and nothing it judged.

`extractors/` builds it from bytes; `checks/` judges it; neither re-reads the file. A draft the
reader could not open still yields a `Draft` (with `readable=False` and `format` findings), so
every input gets a verdict and a note, never a traceback.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"

# The `rule` names of SPEC §8 — a contract for `check --json`.
RULES: tuple[str, ...] = (
    "format",
    "identity",
    "length",
    "images",
    "image_quality",
    "timeliness",
    "category",
    "duplicate",
    "media",
)


@dataclass(frozen=True)
class Finding:
    """One thing a unit should know: `rule` (from RULES), `severity` (error/warning), Chinese `message`."""

    rule: str
    severity: str
    message: str


@dataclass(frozen=True)
class Counts:
    """Character figures as Word computes them.

    `zishu` is Word's 字数 over the body only (the figure rules use); `zishu_all` is 字数 over
    the whole text as the status bar shows it; `hanzi` counts Han characters in the body.
    `characters`/`characters_with_spaces`/`paragraphs` are Word's whole-document statistics.
    """

    zishu: int = 0
    zishu_all: int = 0
    hanzi: int = 0
    characters: int = 0
    characters_with_spaces: int = 0
    paragraphs: int = 0
    captions: int = 0


@dataclass(frozen=True)
class Photo:
    """A picture the draft carries: embedded in the document or attached beside it in a bundle."""

    key: str  # part name (word/media/image1.png) or attached file name
    source: str  # "embedded" | "attached" | "linked"
    format: str | None = None  # Pillow format name, None when unreadable
    width: int = 0
    height: int = 0
    size_bytes: int = 0
    sha256: str = ""
    phash: str | None = None  # imagehash.phash hex; None when not computed
    problem: str | None = None  # why the picture could not be judged (Chinese), if any

    @property
    def long_side(self) -> int:
        return max(self.width, self.height)

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)


@dataclass(frozen=True)
class MediaFile:
    """An audio or video file attached in a bundle (学习强国 audio/video submissions)."""

    name: str
    kind: str  # "audio" | "video"
    size_bytes: int = 0


@dataclass(frozen=True)
class DateMention:
    """A date as written in the lead paragraph; resolving year/month needs the received time,
    so that happens in checks (see `checks.timeliness.resolve_event_end`)."""

    text: str
    day: int
    month: int | None = None
    year: int | None = None
    part_of_day: str | None = None  # 上午 / 下午 / 晚上 / None


@dataclass(frozen=True)
class Part:
    """One text part of the package, for `inspect`: name and what it contributed."""

    name: str  # "body", "table", "textbox", "footnotes", "endnotes", "header", ...
    paragraphs: int = 0
    zishu: int = 0
    counted: bool = True


# The part a read paragraph is shown under (`Paragraph.part`): its role in the draft's anatomy,
# or for body text, where it sits. A contract for `inspect --json` and the desk's self-check.
PARAGRAPH_PARTS: tuple[str, ...] = (
    "title",
    "metadata",
    "byline",
    "caption",
    "body",
    "table",
    "textbox",
    "note",
)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph as the reader counted it: its part (PARAGRAPH_PARTS), text and Word's 字数.

    Kept so that anyone can see what was counted: the `zishu` of all of a draft's paragraphs sum
    to `Counts.zishu_all`, those of the body parts (body, table, textbox, note) to `Counts.zishu`.
    The text is the same string object the reader keeps in `Draft.body`/`title`, not a copy.
    """

    part: str
    text: str
    zishu: int


@dataclass(frozen=True)
class Draft:
    source_name: str  # file or bundle name as received
    container: str = "docx"  # "docx" | "doc" | "wps" | "bundle" | "unknown"
    sha256: str = ""  # of the bytes as received (a zip or the file)
    readable: bool = True
    title: str = ""
    metadata: dict[str, str] = field(default_factory=dict)  # unit, type, category, publish_date, author, ...
    byline: str | None = None
    body: tuple[str, ...] = ()  # body paragraphs in order (no title/metadata/captions)
    captions: tuple[str, ...] = ()
    lead: str = ""  # first body paragraph
    counts: Counts = field(default_factory=Counts)
    photos: tuple[Photo, ...] = ()  # every picture instance (embedded once per media part + attached)
    linked_photos: tuple[str, ...] = ()  # external picture targets: recorded, never fetched
    media: tuple[MediaFile, ...] = ()
    event_date: DateMention | None = None
    publish_date: dt.date | None = None  # parsed 拟发布日期 / 发布日期
    parts: tuple[Part, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()  # every non-empty counted paragraph, in reading order
    findings: tuple[Finding, ...] = ()  # the reader's own findings (format, flagged pictures)

    @property
    def text(self) -> str:
        """Body text joined by newlines, for similarity and search."""
        return "\n".join(self.body)
