"""The receipt's own lines, rendered from a ledger row (issue 27): a 约稿 answer says its
【约稿N】 was recognised; a type that asks for no photos prints no photo line when it has none."""

from __future__ import annotations

from intake.receipts import render_receipt
from ledger.records import SubmissionRecord
from rules import Rulebook


def _row(content_type: str, **extra: object) -> SubmissionRecord:
    row: dict[str, object] = {
        "id": 7,
        "unit": "湖滨社区",
        "title": "标题",
        "content_type": content_type,
        "received_at": "2021-03-12T15:00:00+08:00",
        "verdict": "accepted",
        "counted": 1,
        "zishu": 800,
        "zishu_all": 820,
        **extra,
    }
    return row  # type: ignore[return-value]


def test_a_request_answer_says_its_tag_was_recognised(rulebook: Rulebook) -> None:
    text = render_receipt(_row("gov_info", original_name="【约稿3】动态.docx"), rulebook, answers=3)
    assert "约稿：文件名中的【约稿3】已识别，本稿登记为第 3 号约稿的答复\n" in text
    assert "约稿：" not in render_receipt(_row("gov_info"), rulebook)


def test_a_type_without_photos_prints_no_photo_line_and_one_with_photos_does(rulebook: Rulebook) -> None:
    assert "照片" not in render_receipt(_row("gov_info", photos_total=0), rulebook)
    assert "照片：共 1 张，合格照片 1 张\n" in render_receipt(
        _row("gov_info", photos_total=1, photos_distinct=1), rulebook
    )
    assert "照片：共 0 张，合格照片 0 张\n" in render_receipt(_row("instant", photos_total=0), rulebook)
