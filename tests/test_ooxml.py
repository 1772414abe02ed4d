"""The text walk: each construct of WordprocessingML gives the text Word counts, once."""

from __future__ import annotations

from extractors.ooxml import BODY, FOOTNOTES, TABLE, TEXTBOX, walk_part
from extractors.package import parse_xml
from tests.factory import W_MAIN, document_xml, para_xml


def _walk(body: str):
    return walk_part(parse_xml(document_xml(body).encode()), BODY)


def _texts(body: str) -> list[str]:
    return [p.text for p in _walk(body).paragraphs]


def _textbox(text: str) -> str:
    txbx = f"<w:txbxContent>{para_xml(text)}</w:txbxContent>"
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>'
        f"<a:graphicData><wps:wsp><wps:txbx>{txbx}</wps:txbx></wps:wsp></a:graphicData></a:graphic>"
        "</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>"
        f"{txbx}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def test_text_box_is_counted_once_and_follows_its_anchor_paragraph() -> None:
    paras = _walk(
        f"<w:p><w:r><w:t>锚点</w:t></w:r>{_textbox('框内文字')}</w:p>{para_xml('下一段')}"
    ).paragraphs
    assert [(p.where, p.text) for p in paras] == [(BODY, "锚点"), (TEXTBOX, "框内文字"), (BODY, "下一段")]


def test_fallback_is_used_when_there_is_no_choice() -> None:
    body = (
        "<w:p><w:r><mc:AlternateContent><mc:Fallback><w:t>备用</w:t></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )
    assert _texts(body) == ["备用"]


def test_deleted_and_moved_away_text_is_dropped_insertions_count() -> None:
    body = (
        "<w:p><w:r><w:t>保留</w:t></w:r><w:del><w:r><w:delText>删除</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>插入</w:t></w:r></w:ins><w:moveFrom><w:r><w:t>移走</w:t></w:r></w:moveFrom>"
        "<w:moveTo><w:r><w:t>移来</w:t></w:r></w:moveTo></w:p>"
    )
    assert _texts(body) == ["保留插入移来"]


def test_field_instructions_are_dropped_and_results_kept() -> None:
    body = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:t>INSTR</w:t></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>结果</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:fldSimple w:instr="DATE"><w:r><w:t>日期</w:t></w:r></w:fldSimple></w:p>'
    )
    assert _texts(body) == ["结果日期"]


def test_wrappers_are_unwrapped() -> None:
    body = (
        '<w:sdt><w:sdtPr><w:alias w:val="x"/></w:sdtPr><w:sdtContent><w:p>'
        '<w:hyperlink r:id="rId9"><w:r><w:t>链接</w:t></w:r></w:hyperlink>'
        '<w:smartTag w:uri="u" w:element="e"><w:r><w:t>标记</w:t></w:r></w:smartTag>'
        '<w:customXml w:element="c"><w:r><w:t>自定义</w:t></w:r></w:customXml>'
        "<w:sdt><w:sdtContent><w:r><w:t>控件</w:t></w:r></w:sdtContent></w:sdt>"
        "</w:p></w:sdtContent></w:sdt>"
    )
    assert _texts(body) == ["链接标记自定义控件"]


def test_hidden_text_is_not_counted() -> None:
    body = (
        "<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>"
        '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>显示</w:t></w:r></w:p>'
    )
    assert _texts(body) == ["显示"]


def test_runs_carry_the_east_asian_hint() -> None:
    para = _walk(para_xml(("“引号”", True), "“plain”")).paragraphs[0]
    assert para.segments == [("“引号”", True), ("“plain”", False)]


def test_tabs_breaks_and_symbols() -> None:
    body = (
        "<w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t>"
        '<w:sym w:font="Wingdings" w:char="F0FC"/><w:noBreakHyphen/></w:r></w:p>'
    )
    assert _texts(body) == ["a\tb\nc\uf0fc\u2011"]


def test_table_cells_are_table_paragraphs_and_nested_tables_too() -> None:
    inner = f"<w:tbl><w:tr><w:tc>{para_xml('内')}</w:tc></w:tr></w:tbl>"
    body = f"<w:tbl><w:tr><w:tc>{para_xml('外')}{inner}</w:tc></w:tr></w:tbl>{para_xml('正文')}"
    assert [(p.where, p.text) for p in _walk(body).paragraphs] == [
        (TABLE, "外"),
        (TABLE, "内"),
        (BODY, "正文"),
    ]


def test_picture_refs_embed_link_and_vml() -> None:
    body = (
        '<w:p><w:r><w:drawing><a:blip r:embed="rId1"/></w:drawing></w:r>'
        '<w:r><w:drawing><a:blip r:link="rId2"/></w:drawing></w:r>'
        '<w:r><w:pict><v:shape><v:imagedata r:id="rId3"/></v:shape></w:pict></w:r></w:p>'
    )
    refs = _walk(body).pictures
    assert [(r.rid, r.linked) for r in refs] == [("rId1", False), ("rId2", True), ("rId3", False)]


def test_ole_object_icons_are_not_pictures() -> None:
    body = '<w:p><w:r><w:object><v:shape><v:imagedata r:id="rId3"/></v:shape></w:object></w:r></w:p>'
    assert _walk(body).pictures == []


def test_footnote_separators_are_skipped() -> None:
    xml = (
        f'<w:footnotes xmlns:w="{W_MAIN}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r>'
        '<w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1">'
        "<w:p><w:r><w:t>脚注</w:t></w:r></w:p></w:footnote></w:footnotes>"
    )
    paras = walk_part(parse_xml(xml.encode()), FOOTNOTES).paragraphs
    assert [(p.where, p.text) for p in paras] == [(FOOTNOTES, "脚注")]


def test_strict_ooxml_document_reads_its_text(rulebook, corpus) -> None:
    from extractors.package import open_package

    pkg = open_package((corpus / "real-docx" / "r16.docx").read_bytes(), rulebook.limits)
    texts = [p.text for p in walk_part(pkg.xml(pkg.main_document()), BODY).paragraphs if p.text]
    assert "Bullet1" in texts


def test_symbols_that_are_no_character_become_one_replacement_mark() -> None:
    # D800/DBFF/DFFF are surrogate halves (UTF-8 and SQLite cannot store them); a huge code made
    # chr() raise OverflowError; a code that is no number is nothing at all.
    codes = ["D800", "DBFF", "DFFF", "FFFFFFFFFFFFFFFFFFFFFFFF", "110000", "-1", "zz", "0000"]
    body = "<w:p><w:r>" + "".join(f'<w:sym w:char="{c}"/>' for c in codes) + "</w:r></w:p>"
    text = _texts(body)[0]
    assert text == "\ufffd" * 6
    text.encode("utf-8")
