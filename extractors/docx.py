"""The .docx reader: bytes → `Draft`, never an exception (SPEC §4, §5, §9).

The stages are visible in `_read`: open the package within limits, walk the text parts, sort the
anatomy, count as Word does, read each referenced picture once, find the event date. Refusals
from any stage become a `format` finding; nothing is read from `docProps/app.xml`, whose figures
are mostly Word's estimates.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from extractors.anatomy import Anatomy, parse_date, split_anatomy
from extractors.count import count_characters as _chars
from extractors.count import count_characters_with_spaces as _chars_ws
from extractors.count import count_hanzi, count_zishu
from extractors.dates import find_event_date
from extractors.messages import MSG_ALTCHUNK, MSG_TOO_DEEP, broken_word, photo_not_counted
from extractors.model import ERROR, WARNING, Counts, Draft, Finding, Part, Photo
from extractors.model import Paragraph as ShownParagraph
from extractors.ooxml import (
    BODY,
    ENDNOTES,
    FOOTER,
    FOOTNOTES,
    HEADER,
    TABLE,
    TEXTBOX,
    Paragraph,
    PictureRef,
    excludes_subdocs,
    walk_part,
)
from extractors.package import PackageRefused, SafePackage, open_package
from extractors.prefetch import Prefetch
from rules import Rulebook

_SUBDOCS = (TEXTBOX, FOOTNOTES, ENDNOTES)
_PART_ORDER = (BODY, TABLE, TEXTBOX, FOOTNOTES, ENDNOTES, HEADER, FOOTER)


def read_docx_bytes(name: str, data: bytes, rulebook: Rulebook) -> Draft:
    """A `Draft` for a .docx held in memory. Never raises: a file that cannot or must not be read
    gives `readable=False` and a `format` finding in Chinese."""
    try:
        return _read(name, data, rulebook)
    except PackageRefused as exc:
        return _unreadable(name, data, exc.message)
    except (RecursionError, MemoryError):
        return _unreadable(name, data, MSG_TOO_DEEP)
    except Exception as exc:  # the reader's edge: one odd file must never stop the office
        return _unreadable(name, data, broken_word(exc))


def _unreadable(name: str, data: bytes, message: str) -> Draft:
    return Draft(
        source_name=name,
        container="docx",
        sha256=hashlib.sha256(data).hexdigest(),
        readable=False,
        findings=(Finding("format", ERROR, message),),
    )


def _rels_of_type(pkg: SafePackage, part: str, suffix: str) -> list[str]:
    return [
        r.target
        for r in pkg.rels(part).values()
        if r.type.endswith("/" + suffix) and not r.external and pkg.has(r.target)
    ]


def _read(name: str, data: bytes, rulebook: Rulebook) -> Draft:
    pkg = open_package(data, rulebook.limits)
    main = pkg.main_document()

    def analyze(target: str) -> Photo:
        from extractors.photos import analyze_image

        return analyze_image(target, pkg.read(target), "embedded", rulebook)

    # Pictures first: decoding them is most of the reader's time and releases the GIL, so they
    # run on the pool while this thread hashes the file and walks, splits and counts the text.
    with Prefetch(analyze, _photo_pool()) as pending:
        for target in _rels_of_type(pkg, main, "image"):
            pending.start(target)
        return _read_parts(name, data, pkg, main, rulebook, pending)


def _read_parts(
    name: str, data: bytes, pkg: SafePackage, main: str, rulebook: Rulebook, pending: Prefetch[str, Photo]
) -> Draft:
    sha = hashlib.sha256(data).hexdigest()
    walk = walk_part(pkg.xml(main), BODY)
    settings = [pkg.xml(p) for p in _rels_of_type(pkg, main, "settings")]
    skip_subdocs = excludes_subdocs(settings[0] if settings else None)

    paragraphs: list[Paragraph] = list(walk.paragraphs)
    for where, kind in ((FOOTNOTES, "footnotes"), (ENDNOTES, "endnotes")):
        for target in _rels_of_type(pkg, main, kind):
            paragraphs.extend(walk_part(pkg.xml(target), where).paragraphs)
    apart: list[Paragraph] = []
    for where, kind in ((HEADER, "header"), (FOOTER, "footer")):
        for target in _rels_of_type(pkg, main, kind):
            apart.extend(walk_part(pkg.xml(target), where).paragraphs)

    counted = [p for p in paragraphs if not (skip_subdocs and p.where in _SUBDOCS)]
    anatomy = split_anatomy([p.text for p in counted], [p.where == BODY for p in counted])
    words = {id(p): count_zishu(p.segments) for p in paragraphs + apart}
    counts = _counts(counted, anatomy, words)
    photos, linked, findings = _photos(pkg, main, walk.pictures, pending)
    if _rels_of_type(pkg, main, "aFChunk"):
        # altChunk: Word imports this HTML/RTF/other document only when it opens the file, so
        # its text is nowhere in document.xml; say so instead of silently counting it as nothing.
        findings.append(Finding("format", WARNING, MSG_ALTCHUNK))

    texts = [p.text.strip() for p in counted]
    body = tuple(texts[i] for i in anatomy.body)
    lead = next((texts[i] for i in anatomy.body if counted[i].where == BODY), "")
    metadata = dict(anatomy.metadata)
    publish = parse_date(metadata["publish_date"], rulebook.meta.year) if "publish_date" in metadata else None
    return Draft(
        source_name=name,
        container="docx",
        sha256=sha,
        title=texts[anatomy.title] if anatomy.title is not None else "",
        metadata=metadata,
        byline=texts[anatomy.byline] if anatomy.byline is not None else None,
        body=body,
        captions=tuple(texts[i] for i in anatomy.captions),
        lead=lead,
        counts=counts,
        photos=tuple(photos),
        linked_photos=tuple(linked),
        event_date=find_event_date(lead) if lead else None,
        publish_date=publish,
        parts=_parts(paragraphs + apart, skip_subdocs, words),
        paragraphs=_shown(counted, texts, anatomy, words),
        findings=tuple(findings),
    )


# Where a body-role paragraph sits → its `Paragraph.part` (notes are one part for readers).
_BODY_PART = {BODY: "body", TABLE: "table", TEXTBOX: "textbox", FOOTNOTES: "note", ENDNOTES: "note"}


def _shown(
    counted: Sequence[Paragraph], texts: Sequence[str], anatomy: Anatomy, zishu_of: dict[int, int]
) -> tuple[ShownParagraph, ...]:
    """Every counted paragraph that holds text, with its part and 字数, in reading order — what
    `inspect --json` and the desk's self-check show as "what was counted". Reuses the stripped
    texts already made for the anatomy, so the list costs a small object per paragraph."""
    roles: dict[int, str] = {i: "metadata" for i in anatomy.metadata_lines}
    roles.update({i: "caption" for i in anatomy.captions})
    if anatomy.title is not None:
        roles[anatomy.title] = "title"
    if anatomy.byline is not None:
        roles[anatomy.byline] = "byline"
    out = []
    for i, para in enumerate(counted):
        words = zishu_of[id(para)]
        if not texts[i] and not words:
            continue
        part = roles.get(i) or _BODY_PART.get(para.where, "body")
        out.append(ShownParagraph(part, texts[i], words))
    return tuple(out)


def _counts(counted: Sequence[Paragraph], anatomy: Anatomy, zishu_of: dict[int, int]) -> Counts:
    """Word's statistics over every counted paragraph; 字数 of the body and captions apart.

    A paragraph mark always ends a word, so 字数 of any set of paragraphs is the sum of theirs:
    each paragraph is counted once (`zishu_of`, by paragraph identity) and the figures are sums.
    """
    words = [zishu_of[id(p)] for p in counted]
    return Counts(
        zishu=sum(words[i] for i in anatomy.body),
        zishu_all=sum(words),
        hanzi=sum(count_hanzi(counted[i].text) for i in anatomy.body),
        characters=_chars(s for p in counted for s in p.segments),
        characters_with_spaces=_chars_ws(s for p in counted for s in p.segments),
        paragraphs=sum(1 for p in counted if p.text.strip()),
        captions=sum(words[i] for i in anatomy.captions),
    )


def _parts(paragraphs: Sequence[Paragraph], skip_subdocs: bool, zishu_of: dict[int, int]) -> tuple[Part, ...]:
    """Per-part paragraph counts and 字数, for `inspect`."""
    out = []
    for where in _PART_ORDER:
        mine = [p for p in paragraphs if p.where == where]
        if not mine:
            continue
        counted = where not in (HEADER, FOOTER) and not (skip_subdocs and where in _SUBDOCS)
        out.append(
            Part(
                name=where,
                paragraphs=sum(1 for p in mine if p.text.strip()),
                zishu=sum(zishu_of[id(p)] for p in mine),
                counted=counted,
            )
        )
    return tuple(out)


def _photos(
    pkg: SafePackage, main: str, refs: Sequence[PictureRef], pending: Prefetch[str, Photo]
) -> tuple[list[Photo], list[str], list[Finding]]:
    """Each embedded media part once (however often it is shown); linked pictures recorded only.

    Their analysis was started before the text walk (inflating and decoding a photo for its
    perceptual hash is most of the reader's time and runs without the GIL); `take_all` cancels
    pictures nothing shows and has this thread help the pool with the rest."""
    rels = pkg.rels(main)
    photos: list[Photo] = []
    linked: list[str] = []
    findings: list[Finding] = []
    seen: set[str] = set()
    targets: list[str] = []
    for ref in refs:
        rel = rels.get(ref.rid)
        if rel is None:
            continue
        if rel.external or ref.linked:
            if rel.target not in linked:
                linked.append(rel.target)
            continue
        key = rel.target.lower()
        if key in seen or not pkg.has(rel.target):
            continue
        seen.add(key)
        targets.append(rel.target)
    for photo in pending.take_all(targets):
        photos.append(photo)
        if photo.problem:
            findings.append(Finding("images", WARNING, photo_not_counted(photo.problem)))
    return photos, linked, findings


@functools.cache
def _photo_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2)), thread_name_prefix="photos")
