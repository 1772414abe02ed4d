"""The .docx reader end to end on drafts made in code: anatomy, counts, photos, dates, refusals."""

from __future__ import annotations

import datetime as dt

from extractors.docx import read_docx_bytes
from tests.factory import W_MAIN, make_docx, make_photo, make_raw_docx, news_draft, para_xml


def _blip(rid: str) -> str:
    return f'<w:p><w:r><w:drawing><wp:inline><a:graphic><a:graphicData><pic:pic><pic:blipFill><a:blip r:embed="{rid}"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>'


def test_news_draft_body_count_is_exact_and_excludes_title_and_metadata(rulebook) -> None:
    data = news_draft(300, head=["报送单位：湖滨社区", "（湖滨社区 张三）"], photos=2)
    draft = read_docx_bytes("a.docx", data, rulebook)
    assert draft.readable and draft.container == "docx" and len(draft.sha256) == 64
    assert draft.title == "湖滨社区开展垃圾分类宣传活动"
    assert draft.metadata == {"unit": "湖滨社区"}
    assert draft.byline == "（湖滨社区 张三）"
    assert draft.counts.zishu == 300
    assert draft.counts.zishu_all == 300 + 14 + 9 + 8
    assert draft.event_date is not None and (draft.event_date.month, draft.event_date.day) == (3, 12)
    assert draft.event_date.part_of_day == "上午"
    assert len(draft.photos) == 2 and all(p.width == 800 for p in draft.photos)


def test_captions_are_counted_apart(rulebook) -> None:
    data = make_docx(["标题", "正文有五字", "图为活动现场"])
    draft = read_docx_bytes("a.docx", data, rulebook)
    assert draft.captions == ("图为活动现场",)
    assert (draft.counts.zishu, draft.counts.captions) == (5, 6)


def test_table_cells_count_in_the_body(rulebook) -> None:
    draft = read_docx_bytes("a.docx", make_docx(["标题", "正文"], table=[["单元", "格子"]]), rulebook)
    assert draft.counts.zishu == 6


def test_header_text_is_never_counted(rulebook) -> None:
    draft = read_docx_bytes("a.docx", make_docx(["标题", "正文"], header="页眉文字很多很多"), rulebook)
    assert draft.counts.zishu_all == 4
    assert any(p.name == "header" and not p.counted for p in draft.parts)


def test_same_media_part_shown_twice_is_one_photo_and_linked_pictures_are_recorded(rulebook) -> None:
    body = para_xml("标题") + _blip("rIdA") + _blip("rIdA") + _blip("rIdL")
    data = make_raw_docx(
        body,
        parts={"word/media/p.jpeg": make_photo(640, 480)},
        rels=[("rIdA", "image", "media/p.jpeg"), ("rIdL", "image", "http://example.invalid/x.jpg")],
    )
    draft = read_docx_bytes("a.docx", data, rulebook)
    assert [p.key for p in draft.photos] == ["word/media/p.jpeg"]
    assert draft.photos[0].format == "JPEG" and (draft.photos[0].width, draft.photos[0].height) == (640, 480)
    assert draft.linked_photos == ("http://example.invalid/x.jpg",)


def test_photos_keep_the_order_the_text_shows_them_in_not_the_order_of_the_relationships(rulebook) -> None:
    # Pictures are analysed on a thread pool, started from the relationships before the text is
    # walked; the result must still follow the document.
    sizes = {f"p{i}": (400 + 40 * i, 300 + 30 * i) for i in range(6)}
    parts = {f"word/media/{k}.jpeg": make_photo(*wh, seed=i) for i, (k, wh) in enumerate(sizes.items())}
    rels = [(f"rId{k}", "image", f"media/{k}.jpeg") for k in sizes]
    shown = ["p4", "p0", "p5", "p2", "p1", "p3"]
    body = para_xml("标题") + "".join(_blip(f"rId{k}") for k in shown)
    draft = read_docx_bytes("a.docx", make_raw_docx(body, parts=parts, rels=rels), rulebook)
    assert [p.key for p in draft.photos] == [f"word/media/{k}.jpeg" for k in shown]
    assert [p.width for p in draft.photos] == [sizes[k][0] for k in shown]


def test_picture_with_a_relationship_but_shown_nowhere_is_not_a_photo(rulebook) -> None:
    parts = {
        "word/media/shown.jpeg": make_photo(640, 480),
        "word/media/orphan.jpeg": make_photo(1920, 1080, seed=3),
    }
    rels = [("rIdO", "image", "media/orphan.jpeg"), ("rIdS", "image", "media/shown.jpeg")]
    draft = read_docx_bytes(
        "a.docx", make_raw_docx(para_xml("标题") + _blip("rIdS"), parts=parts, rels=rels), rulebook
    )
    assert [(p.key, p.width) for p in draft.photos] == [("word/media/shown.jpeg", 640)]


def test_unshown_picture_that_cannot_be_read_does_not_spoil_the_draft(rulebook) -> None:
    # Its analysis was started early and fails; since nothing shows it, nothing is said of it.
    parts = {"word/media/shown.jpeg": make_photo(640, 480), "word/media/bad.png": b"not a picture"}
    rels = [("rIdB", "image", "media/bad.png"), ("rIdS", "image", "media/shown.jpeg")]
    draft = read_docx_bytes(
        "a.docx", make_raw_docx(para_xml("标题") + _blip("rIdS"), parts=parts, rels=rels), rulebook
    )
    assert draft.readable and draft.findings == () and [p.problem for p in draft.photos] == [None]


def test_unreadable_picture_is_kept_with_a_problem_and_an_images_warning(rulebook) -> None:
    data = make_raw_docx(
        para_xml("标题") + _blip("rIdA"),
        parts={"word/media/p.png": b"not a picture"},
        rels=[("rIdA", "image", "media/p.png")],
    )
    draft = read_docx_bytes("a.docx", data, rulebook)
    assert draft.readable and len(draft.photos) == 1 and draft.photos[0].problem
    assert [(f.rule, f.severity) for f in draft.findings] == [("images", "warning")]
    assert draft.findings[0].message.endswith("未计入。")


def _with_footnote(settings: str | None) -> bytes:
    notes = (
        f'<w:footnotes xmlns:w="{W_MAIN}"><w:footnote w:id="1"><w:p><w:r><w:t>脚注四字</w:t></w:r>'
        "</w:p></w:footnote></w:footnotes>"
    )
    return make_raw_docx(
        para_xml("标题") + para_xml("正文"),
        parts={"word/footnotes.xml": notes},
        rels=[("rIdF", "footnotes", "footnotes.xml")],
        settings_xml=settings,
    )


def test_footnotes_count_unless_settings_exclude_subdocuments(rulebook) -> None:
    assert read_docx_bytes("a.docx", _with_footnote(None), rulebook).counts.zishu == 6
    excluded = read_docx_bytes("a.docx", _with_footnote("<w:doNotIncludeSubdocsInStats/>"), rulebook)
    assert excluded.counts.zishu == 2 and excluded.counts.zishu_all == 4


def test_publish_date_is_parsed_from_metadata(rulebook) -> None:
    draft = read_docx_bytes("a.docx", make_docx(["标题", "拟发布日期：2021年4月6日", "正文"]), rulebook)
    assert draft.metadata["publish_date"] == "2021年4月6日"
    assert draft.publish_date == dt.date(2021, 4, 6)


def test_lead_without_date_gives_no_event_date(rulebook) -> None:
    draft = read_docx_bytes("a.docx", make_docx(["标题", "近日，社区开展活动。"]), rulebook)
    assert draft.lead == "近日，社区开展活动。" and draft.event_date is None


def test_refusals_are_format_findings_never_exceptions(rulebook) -> None:
    for data in (b"", b"garbage", make_docx(["a"])[:100], make_raw_docx("", raw_document=b"<w:document")):
        draft = read_docx_bytes("x.docx", data, rulebook)
        assert not draft.readable
        assert [f.rule for f in draft.findings] == ["format"]


def test_entity_bomb_in_document_is_refused(rulebook) -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'
    draft = read_docx_bytes("x.docx", make_raw_docx("", raw_document=bomb), rulebook)
    assert not draft.readable and "DTD" in draft.findings[0].message


def test_altchunk_content_is_reported_not_silently_counted_as_nothing(rulebook, corpus) -> None:
    from extractors.docx import read_docx_bytes

    path = corpus / "real-docx" / "r13.docx"
    draft = read_docx_bytes(path.name, path.read_bytes(), rulebook)
    assert draft.readable
    assert [(f.rule, f.severity) for f in draft.findings] == [("format", "warning")]
    assert "altChunk" in draft.findings[0].message
