"""Photo rules count distinct photos; 学习强国 needs HD ones, counting attached originals."""

from __future__ import annotations

import pytest

from checks.images import check_images
from extractors.model import Photo
from tests.factory import draft_value, photo_value, resized_photo_value


def rules_of(check) -> list[tuple[str, str]]:
    return [(f.rule, f.severity) for f in check.findings]


@pytest.mark.parametrize(
    ("count", "ok"),
    [
        pytest.param(4, False, id="four-distinct"),
        pytest.param(5, True, id="five-distinct"),
    ],
)
def test_wechat_needs_five_distinct_photos(rulebook, count, ok) -> None:
    draft = draft_value(600, photos=[photo_value(seed=i) for i in range(count)])
    check = check_images(draft, rulebook.types["wechat"], rulebook)
    assert check.summary.distinct == count
    assert rules_of(check) == ([] if ok else [("images", "error")])
    if not ok:
        assert "照片 4 张" in check.findings[0].message and "至少 5 张" in check.findings[0].message


def test_a_resized_copy_is_the_same_photo(rulebook) -> None:
    photos = [photo_value(1600, 1200, seed=i) for i in range(4)]
    photos.append(resized_photo_value(1600, 1200, 0, 640, 480))
    check = check_images(draft_value(600, photos=photos), rulebook.types["wechat"], rulebook)
    assert (check.summary.total, check.summary.distinct) == (5, 4)
    [finding] = check.findings
    assert finding.rule == "images" and "共 5 张图片，其中 1 张是重复或缩放的同一张照片" in finding.message


def test_the_same_picture_twice_counts_once(rulebook) -> None:
    same = photo_value(seed=3)
    check = check_images(draft_value(300, photos=[same, same]), rulebook.types["instant"], rulebook)
    assert (check.summary.total, check.summary.distinct, check.findings) == (2, 1, ())


def test_more_photos_than_the_maximum_is_only_a_warning(rulebook) -> None:
    draft = draft_value(300, photos=[photo_value(seed=i) for i in range(3)])
    check = check_images(draft, rulebook.types["instant"], rulebook)
    assert rules_of(check) == [("images", "warning")]
    assert "照片 3 张" in check.findings[0].message and "1–2 张" in check.findings[0].message


def test_instant_without_a_photo_is_rejected(rulebook) -> None:
    check = check_images(draft_value(300), rulebook.types["instant"], rulebook)
    assert rules_of(check) == [("images", "error")]


@pytest.mark.parametrize(
    ("size", "hd"),
    [
        pytest.param((1920, 1080), True, id="1920x1080"),
        pytest.param((1080, 1920), True, id="portrait-1080x1920"),
        pytest.param((1919, 1080), False, id="1919x1080"),
        pytest.param((1920, 1079), False, id="1920x1079"),
    ],
)
def test_xuexi_needs_hd_photos(rulebook, size, hd) -> None:
    photos = [photo_value(1920, 1080, seed=1), photo_value(1920, 1080, seed=2), photo_value(*size, seed=3)]
    check = check_images(draft_value(600, photos=photos), rulebook.types["xuexi"], rulebook)
    assert check.summary.hd == (3 if hd else 2)
    assert rules_of(check) == ([] if hd else [("image_quality", "error")])
    if not hd:
        message = check.findings[0].message
        assert "高清照片只有 2 张" in message and "至少 3 张" in message and f"{size[0]}×{size[1]}" in message


def test_attached_originals_make_compressed_embedded_copies_hd(rulebook) -> None:
    embedded = [
        resized_photo_value(1920, 1080, s, 800, 450, key=f"word/media/image{s}.jpeg") for s in (1, 2, 3)
    ]
    attached = [photo_value(1920, 1080, seed=s, source="attached", key=f"原图{s}.jpg") for s in (1, 2, 3)]
    check = check_images(draft_value(600, photos=[*embedded, *attached]), rulebook.types["xuexi"], rulebook)
    assert (check.summary.total, check.summary.distinct, check.summary.hd) == (6, 3, 3)
    assert check.findings == ()


def test_compressed_copies_alone_are_not_hd(rulebook) -> None:
    embedded = [resized_photo_value(1920, 1080, s, 800, 450) for s in (1, 2, 3)]
    check = check_images(draft_value(600, photos=embedded), rulebook.types["xuexi"], rulebook)
    assert rules_of(check) == [("image_quality", "error")]
    assert "原图" in check.findings[0].message


def test_a_picture_the_reader_could_not_judge_is_reported(rulebook) -> None:
    broken = Photo(
        key="word/media/image9.emf",
        source="embedded",
        problem="图片 word/media/image9.emf 格式不受支持（EMF），请改用 JPG 或 PNG 图片",
    )
    draft = draft_value(300, photos=[photo_value(seed=1), broken])
    check = check_images(draft, rulebook.types["instant"], rulebook)
    assert ("images", "warning") in rules_of(check)
    assert any("image9.emf" in f.message for f in check.findings)


def test_types_without_photo_rules_have_no_photo_findings(rulebook) -> None:
    check = check_images(draft_value(700), rulebook.types["gov_info"], rulebook)
    assert check.findings == () and check.summary.total == 0


def test_a_picture_that_cannot_be_judged_does_not_count_toward_the_minimum(rulebook) -> None:
    broken = Photo(
        key="word/media/image1.emf",
        source="embedded",
        problem="图片 word/media/image1.emf 格式不受支持（EMF），请改用 JPG 或 PNG 图片",
    )
    check = check_images(draft_value(300, photos=[broken]), rulebook.types["instant"], rulebook)
    assert (check.summary.total, check.summary.distinct) == (1, 0)
    assert rules_of(check) == [("images", "error"), ("images", "warning")]
    assert "照片 0 张（共 1 张图片，1 张无法识别，未计入）" in check.findings[0].message


def test_no_hd_photo_at_all_reads_as_none(rulebook) -> None:
    photos = [photo_value(800, 600, seed=s) for s in (1, 2, 3)]
    check = check_images(draft_value(600, photos=photos), rulebook.types["xuexi"], rulebook)
    message = check.findings[0].message
    assert message.startswith("没有高清照片，学习强国要求至少 3 张") and "0 张" not in message
