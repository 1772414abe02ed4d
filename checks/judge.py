"""The verdict on one draft: an ordered, visible list of small checks over one context.

Each step reads the context and adds findings and facts; none knows about the others. Severity
alone decides the verdict (any error → rejected). Lateness and announcements never reject: the
draft is accepted and simply not counted for the period, as the seed says.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from checks.announcement import check_announcement
from checks.category import check_category
from checks.duplicate import check_duplicates
from checks.images import check_images, summarize
from checks.length import check_length
from checks.media import check_media, is_media_submission
from checks.model import Identity, ImageSummary, Judgement, Prior
from checks.timeliness import check_timeliness
from extractors.model import ERROR, WARNING, Draft, Finding
from rules.model import ContentType, Rulebook
from rules.periods import type_period_key

ACCEPTED = "accepted"
REJECTED = "rejected"


@dataclass
class Context:
    """What every step may read, and what the steps have found so far."""

    draft: Draft
    identity: Identity
    ctype: ContentType
    rulebook: Rulebook
    received_at: dt.datetime
    priors: Sequence[Prior]
    findings: list[Finding] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    uncounted: bool = False


def _announcement(ctx: Context) -> None:
    is_notice, findings = check_announcement(ctx.draft, ctx.ctype)
    ctx.facts["is_announcement"] = is_notice
    ctx.uncounted |= is_notice
    ctx.findings.extend(findings)


def _text_and_photos(ctx: Context) -> None:
    """Length and photo rules, or for an audio/video 学习强国 bundle the media format rule instead.
    An announcement is not assessed, so it is accepted whatever its length and photos."""
    if ctx.facts.get("is_announcement"):
        ctx.facts["images"] = summarize(ctx.draft, ctx.rulebook)[0]
        return
    if is_media_submission(ctx.draft, ctx.ctype):
        ctx.facts["images"] = summarize(ctx.draft, ctx.rulebook)[0]
        ctx.findings.extend(check_media(ctx.draft, ctx.rulebook))
        return
    ctx.findings.extend(check_length(ctx.draft, ctx.ctype))
    photos = check_images(ctx.draft, ctx.ctype, ctx.rulebook)
    ctx.facts["images"] = photos.summary
    ctx.findings.extend(photos.findings)


def _category(ctx: Context) -> None:
    category, findings = check_category(ctx.draft, ctx.ctype, ctx.identity.category)
    ctx.facts["category"] = category or ctx.identity.category
    ctx.findings.extend(findings)


def _timeliness(ctx: Context) -> None:
    """Late only stops a draft from counting; an announcement never counts, so it is not timed."""
    if ctx.facts.get("is_announcement"):
        ctx.facts["publish_date"] = ctx.draft.publish_date
        return
    result = check_timeliness(ctx.draft, ctx.ctype, ctx.rulebook, ctx.received_at)
    ctx.uncounted |= result.late
    ctx.facts.update(
        event_date=result.event_date,
        event_deadline=result.deadline,
        publish_date=result.publish_date or ctx.draft.publish_date,
    )
    ctx.findings.extend(result.findings)
    if result.if_accepted and result.findings:
        ctx.facts["if_accepted"] = (result.findings[-1], result.if_accepted)


def _duplicate(ctx: Context) -> None:
    result = check_duplicates(
        ctx.draft, ctx.identity.unit, ctx.ctype.key, ctx.rulebook, ctx.received_at, ctx.priors
    )
    ctx.facts.update(
        duplicate_of=result.duplicate_of, revision_of=result.revision_of, same_event_of=result.same_event_of
    )
    ctx.uncounted |= result.same_event_of is not None  # until the office decides
    ctx.findings.extend(result.findings)


# The checks, in the order a clerk reads a draft. Each is small and tested on its own.
STEPS: tuple[Callable[[Context], None], ...] = (
    _announcement,
    _text_and_photos,
    _category,
    _timeliness,
    _duplicate,
)


def period_of(ctype: ContentType, received_at: dt.datetime, rulebook: Rulebook) -> str:
    """The assessment period a draft received at `received_at` counts toward: `2021-03`, `2021Q1`, `2021`."""
    local = received_at.astimezone(rulebook.meta.tz) if received_at.tzinfo else received_at
    return type_period_key(ctype.period, local.date())


def judge(
    draft: Draft,
    identity: Identity,
    rulebook: Rulebook,
    received_at: dt.datetime,
    priors: Sequence[Prior] = (),
) -> Judgement:
    """Run every check on one draft and decide: any error → rejected; else accepted, counted unless
    late, an announcement or probably the same event as another unit's earlier draft. An unreadable draft gets only its format and identity findings."""
    findings = [*draft.findings, *identity.findings]
    if not draft.readable and not any(f.severity == ERROR for f in draft.findings):
        findings.insert(
            0,
            Finding(
                "format",
                ERROR,
                (
                    f"文件“{draft.source_name}”无法打开，不是有效的 Word 文档。请用 Word 或 WPS 另存为 .docx 后重新报送。"
                ),
            ),
        )
    ctype = rulebook.types.get(identity.content_type or "")
    facts: dict[str, Any] = {}
    uncounted = False
    if draft.readable and ctype is not None:
        ctx = Context(
            draft=draft,
            identity=identity,
            ctype=ctype,
            rulebook=rulebook,
            received_at=received_at,
            priors=priors,
        )
        for step in STEPS:
            step(ctx)
        findings.extend(ctx.findings)
        facts, uncounted = ctx.facts, ctx.uncounted
    elif draft.readable:
        facts["images"] = summarize(draft, rulebook)[0]
    rejected = any(f.severity == ERROR for f in findings)
    findings = _as_decided(findings, facts, rejected)
    return Judgement(
        verdict=REJECTED if rejected else ACCEPTED,
        counted=not rejected and not uncounted,
        unit=identity.unit,
        content_type=identity.content_type,
        category=facts.get("category", identity.category),
        images=facts.get("images", ImageSummary()),
        event_deadline=facts.get("event_deadline"),
        event_date=facts.get("event_date"),
        publish_date=facts.get("publish_date", draft.publish_date),
        is_announcement=bool(facts.get("is_announcement")),
        duplicate_of=facts.get("duplicate_of"),
        revision_of=facts.get("revision_of"),
        same_event_of=facts.get("same_event_of"),
        period=period_of(ctype, received_at, rulebook) if ctype is not None else None,
        findings=tuple(findings),
    )


def _as_decided(findings: list[Finding], facts: dict[str, Any], rejected: bool) -> list[Finding]:
    """The findings once the verdict is known: an accepted draft's timeliness says what it means
    for its count; a draft sent back is not left to the office as a probable same event."""
    if not rejected and "if_accepted" in facts:
        return _ended(findings, *facts["if_accepted"])
    if rejected:
        facts["same_event_of"] = None
        return [f for f in findings if f.rule != "same_event"]
    return findings


def _ended(findings: list[Finding], last: Finding, sentence: str) -> list[Finding]:
    """`findings` with `last` ending in `sentence`: what an accepted draft's timeliness means
    for its count (暂计入, 不计入本季度完成数), never said on a draft sent back."""
    return [Finding(f.rule, f.severity, f.message + sentence) if f is last else f for f in findings]


def with_rulebook_warning(judgement: Judgement, warning: str | None) -> Judgement:
    """The judgement with a `rulebook` warning added when the workspace had no rulebook of the
    draft's year and the latest one judged it (`workspace.Workspace.rulebook_for`)."""
    if not warning:
        return judgement
    return dataclasses.replace(
        judgement, findings=(*judgement.findings, Finding("rulebook", WARNING, warning))
    )
