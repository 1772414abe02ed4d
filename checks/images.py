"""Photo rules: how many distinct photos, and (学习强国) how many of them are HD.

A unit that pastes the same photo twice, or a resized copy of it, has sent one photo; an original
attached beside Word's compressed copy is one photo judged at the larger size. So the rules run on
`distinct_photos`, never on the raw picture count. Too few is an error the unit can fix; more than
the maximum is only a warning (the seed asks for 1–2 but a third photo harms nobody).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checks.model import ImageSummary
from extractors.model import ERROR, WARNING, Draft, Finding, Photo
from rules.model import ContentType, Rulebook


@dataclass(frozen=True)
class PhotoCheck:
    summary: ImageSummary
    findings: tuple[Finding, ...] = ()
    distinct: tuple[Photo, ...] = field(default=())


def usable_photos(draft: Draft) -> list[Photo]:
    """The pictures that can count: one the reader could not judge (`problem`) is reported, not counted."""
    return [photo for photo in draft.photos if not photo.problem]


def summarize(draft: Draft, rulebook: Rulebook) -> tuple[ImageSummary, list[Photo]]:
    """Total pictures, distinct photos and HD distinct photos (attached originals included).
    `total` is every picture the draft carries; `distinct` and `hd` only those that can count."""
    from extractors.photos import distinct_photos, is_hd

    distinct = distinct_photos(usable_photos(draft), rulebook.images.same_photo_max_distance)
    hd = sum(1 for photo in distinct if is_hd(photo, rulebook))
    return ImageSummary(total=len(draft.photos), distinct=len(distinct), hd=hd), distinct


def _hd_text(rulebook: Rulebook) -> str:
    return f"长边不小于 {rulebook.images.hd_long_side} 像素、短边不小于 {rulebook.images.hd_short_side} 像素"


def check_images(draft: Draft, ctype: ContentType, rulebook: Rulebook) -> PhotoCheck:
    """Findings for the type's photo rules, plus the picture problems the reader flagged."""
    summary, distinct = summarize(draft, rulebook)
    findings: list[Finding] = []
    usable = len(usable_photos(draft))
    copies, unusable = usable - summary.distinct, summary.total - usable
    notes = [f"共 {summary.total} 张图片"] if copies or unusable else []
    if copies:
        notes.append(f"其中 {copies} 张是重复或缩放的同一张照片，只算一张")
    if unusable:
        notes.append(f"{unusable} 张无法识别，未计入")
    copies_text = f"（{'，'.join(notes)}）" if notes else ""
    low, high = ctype.min_photos, ctype.max_photos
    wanted = _photo_requirement(low, high)
    if low is not None and summary.distinct < low:
        findings.append(
            Finding(
                "images",
                ERROR,
                (
                    f"照片 {summary.distinct} 张{copies_text}，{ctype.name}{wanted}。"
                    f"请补充不同的照片至少 {low - summary.distinct} 张后重新报送。"
                ),
            )
        )
    elif high is not None and summary.distinct > high:
        findings.append(
            Finding(
                "images",
                WARNING,
                (
                    f"照片 {summary.distinct} 张{copies_text}，{ctype.name}{wanted}，"
                    "多出的照片不影响收稿，仅作提示。"
                ),
            )
        )
    if ctype.hd_photos and low is not None and summary.distinct and summary.hd < low:
        sizes = "、".join(f"{p.width}×{p.height}" for p in distinct if p.width and p.height)
        findings.append(
            Finding(
                "image_quality",
                ERROR,
                (
                    f"{f'高清照片只有 {summary.hd} 张' if summary.hd else '没有高清照片'}，"
                    f"{ctype.name}要求至少 {low} 张高清照片（{_hd_text(rulebook)}）"
                    f"{'，现有照片尺寸：' + sizes if sizes else ''}。Word 保存时会压缩图片，"
                    "请把照片原图与稿件放在同一个文件夹（或压缩包）中一起重新报送。"
                ),
            )
        )
    known = " ".join(f.message for f in draft.findings)
    for photo in draft.photos:
        if photo.problem and photo.problem not in known:
            findings.append(Finding("images", WARNING, f"{photo.problem}。"))
            known += photo.problem
    return PhotoCheck(summary=summary, findings=tuple(findings), distinct=tuple(distinct))


def _photo_requirement(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"要求 {low}–{high} 张照片" if low != high else f"要求 {low} 张照片"
    if low is not None:
        return f"要求至少 {low} 张不同的照片"
    if high is not None:
        return f"要求不超过 {high} 张照片"
    return ""
