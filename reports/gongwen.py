"""A Word document laid out as a 公文 by GB/T 9704-2012《党政机关公文格式》: the layout only,
never a figure (the 通报's words and numbers come from `reports.bulletin`).

A4; 版心 156 × 225 mm (margins top 37, bottom 35, left 28, right 26 mm) holding 22 lines of
28 characters; body 3号仿宋, first-level headings 黑体, second-level 楷体; the 版头 (发文机关标志
in red 小标宋, 发文字号, the red rule), the 主送 line, page numbers "— 1 —" in 4号 半角宋体 at the
outside corners (odd pages right, even pages left) and the 版记 (抄送, 印发机关 and 印发日期 between
rules) at the foot of the last page. Fonts are the standard's names; the font table names a common East Asian font beside
each (`w:altName`), which Word takes where the standard's font is not installed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

MARK_FONT, BODY_FONT, HEAD_FONT, SUB_FONT, PAGE_FONT = (
    "方正小标宋简体",
    "仿宋_GB2312",
    "黑体",
    "楷体_GB2312",
    "宋体",
)
# the standard's font → the East Asian font Windows carries, taken where the first is missing
FALLBACKS = {MARK_FONT: "宋体", BODY_FONT: "仿宋", HEAD_FONT: "SimHei", SUB_FONT: "楷体", PAGE_FONT: "SimSun"}
MARK_SIZE, TITLE_SIZE, BODY_SIZE, NOTE_SIZE, TABLE_SIZE = Pt(42), Pt(22), Pt(16), Pt(14), Pt(12)
RED = RGBColor(0xFF, 0x00, 0x00)
PAGE_W, PAGE_H = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TEXT_WIDTH = Length(PAGE_W - LEFT - RIGHT)  # 156 mm
LINES, CHARS = 22, 28
# 3号 characters drawn this much closer (twentieths of a point) so 28 fill the 156 mm line
TIGHTEN = math.floor((TEXT_WIDTH.pt / CHARS - BODY_SIZE.pt) * 20)
LINE = Pt((PAGE_H - TOP - BOTTOM) / 12700 / LINES)  # 225 mm / 22 lines ≈ 28.95 pt
CELL_PAD = Pt(5.4 * 2 + 1.5)  # Word's default cell margins, left and right, and some slack


@dataclass(frozen=True)
class Masthead:
    """The 公文's own parts around the body: 版头, 主送, 落款 and 版记."""

    issuer: str  # 发文机关标志 and 署名
    number: str  # 发文字号 (西街办〔2021〕12号); empty: none printed
    main_to: str  # 主送机关, without the closing "："
    copy_to: str  # 抄送机关; empty: no 抄送 line
    printer: str  # 印发机关
    issued: str  # 成文日期 and 印发日期 as people read them (2021年3月20日)


def font(run: Run, name: str, size: Pt, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    props = run._element.get_or_add_rPr()
    fonts = props.get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)
    if size == BODY_SIZE:
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(TIGHTEN))
        props.insert_element_before(spacing, *_AFTER_SPACING)


def paragraph(
    doc: DocumentObject,
    text: str,
    face: str = BODY_FONT,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = True,
    size: Pt = BODY_SIZE,
    color: RGBColor | None = None,
) -> Paragraph:
    """One paragraph on the grid's line; body text indented two characters."""
    para = doc.add_paragraph()
    fmt = para.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
    fmt.space_before = fmt.space_after = Pt(0)
    if indent and align is None:
        fmt.first_line_indent = Pt(size.pt * 2)
    if align is not None:
        para.alignment = align
    if text:
        font(para.add_run(text), face, size, color=color)
    return para


# what follows w:pBdr and w:snapToGrid in a paragraph's properties, and w:spacing in a run's
# (the schema's order, which Word insists on)
_AFTER_SNAP: tuple[str, ...] = (
    *("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc"),
    *("w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId"),
    *("w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"),
)
_AFTER_BORDERS: tuple[str, ...] = (
    *("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct"),
    *("w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd"),
    *("w:snapToGrid", *_AFTER_SNAP),
)
_AFTER_SPACING: tuple[str, ...] = (
    *("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect"),
    *("w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang"),
    *("w:eastAsianLayout", "w:specVanish", "w:oMath"),
)


def off_grid(para: Paragraph, line: Pt | None = None) -> None:
    """Text not in 3号 (tables, 版记, page numbers) keeps its own spacing, not the body's grid."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    para._p.get_or_add_pPr().insert_element_before(snap, *_AFTER_SNAP)
    if line is not None:
        para.paragraph_format.line_spacing = line


def heading(doc: DocumentObject, text: str, level: int = 1) -> None:
    """一、… in 黑体 (level 1) or （一）… in 楷体 (level 2), on the body's indent."""
    paragraph(doc, text, HEAD_FONT if level == 1 else SUB_FONT)


def _border(para: Paragraph, side: str, size_eighths: int, color: str) -> None:
    ppr = para._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.insert_element_before(borders, *_AFTER_BORDERS)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    borders.append(line)


def masthead(doc: DocumentObject, head: Masthead) -> None:
    """版头: the issuer in red 小标宋, the 发文字号, the red rule under it as wide as the 版心."""
    mark = paragraph(doc, head.issuer, MARK_FONT, align=WD_ALIGN_PARAGRAPH.CENTER, size=MARK_SIZE, color=RED)
    off_grid(mark, Pt(MARK_SIZE.pt * 1.2))
    paragraph(doc, "")
    number = paragraph(doc, head.number, align=WD_ALIGN_PARAGRAPH.CENTER)
    _border(number, "bottom", 12, "FF0000")  # 1.5 pt; 4 mm under the 发文字号
    paragraph(doc, "")


def title(doc: DocumentObject, text: str) -> None:
    """The title in 2号小标宋, centred (a closing （…） too long for the line goes on its own),
    then the 主送 follows after one empty line."""
    cut = text.rfind("（")
    lines = [text[:cut], text[cut:]] if cut > 0 and text_width(text, TITLE_SIZE) > TEXT_WIDTH.pt else [text]
    para = paragraph(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER, size=TITLE_SIZE)
    for n, line in enumerate(lines):
        run = para.add_run(line)
        font(run, MARK_FONT, TITLE_SIZE)
        if n < len(lines) - 1:
            run.add_break()
    paragraph(doc, "")


def main_to(doc: DocumentObject, head: Masthead) -> None:
    """主送机关, flush left, ending in "："."""
    paragraph(doc, f"{head.main_to}：", indent=False)


def signature(doc: DocumentObject, head: Masthead) -> Paragraph:
    """署名 and 成文日期, right-aligned four characters in (no seal), kept on one page with the
    body's last paragraph, which it returns: the 版记 is anchored to it (`record`), so the body's
    end, the 落款 and the 版记 always share the last page."""
    last = doc.paragraphs[-1]
    last.paragraph_format.keep_together = True
    for para in (last, paragraph(doc, "")):
        para.paragraph_format.keep_with_next = True
    lines = []
    for text in (head.issuer, head.issued):
        para = paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        para.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 4)
        lines.append(para)
    lines[0].paragraph_format.keep_with_next = True
    return last


def record(doc: DocumentObject, head: Masthead, anchor: Paragraph) -> None:
    """版记: 抄送 (where set) and 印发机关 … 印发日期, each a row of a table as wide as the 版心
    between its rules, floating at the foot of the last page: its last rule on the 版心's bottom
    edge, as the standard places it (`_float_to_foot`). A floating table goes to the page of the
    paragraph after it: the table stands just before `anchor`, the body's last paragraph, which
    is kept whole and with the 落款 (`signature`). Where the 版记 leaves no room for the 落款, the
    anchor moves to the next page and takes the 落款 and the 版记 along: the 版记 never stands
    alone on a page, and never above the 落款. The standard's blank even page before a 版记 on an
    odd page is not made: the page count is the word processor's, unknown when the file is written."""
    rows = [f"抄送：{head.copy_to}。"] if head.copy_to else []
    grid: Table = doc.add_table(rows=len(rows) + 1, cols=1)
    _float_to_foot(grid)
    for n, row in enumerate(grid.rows):
        cell = row.cells[0]
        cell.width = TEXT_WIDTH
        para = cell.paragraphs[0]
        off_grid(para, LINE)
        fmt = para.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.left_indent = fmt.right_indent = Pt(NOTE_SIZE.pt)
        if n < len(rows):
            font(para.add_run(rows[n]), BODY_FONT, NOTE_SIZE)
        else:
            fmt.tab_stops.add_tab_stop(TEXT_WIDTH - Pt(NOTE_SIZE.pt * 2), WD_TAB_ALIGNMENT.RIGHT)
            font(para.add_run(f"{head.printer}\t{head.issued}印发"), BODY_FONT, NOTE_SIZE)
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    anchor._p.addprevious(grid._tbl)


# the 版记's rules in eighths of a point: 1 pt (0.35 mm) above and below, 0.75 pt (0.26 mm)
# between its lines, none at the sides (0: no rule)
_RECORD_RULES = (("top", 8), ("left", 0), ("bottom", 8), ("right", 0), ("insideH", 6), ("insideV", 0))


def _float_to_foot(grid: Table) -> None:
    """The table's properties: floating, its bottom on the bottom margin (w:tblpPr's
    vertAnchor="margin", tblpYSpec="bottom"), its left edge on the left margin, as wide as the
    版心, a line's space kept free above it; thick rules (0.35 mm) above and below, thin ones
    (0.26 mm) between its rows, none at the sides. Placed from the page's left edge (horzAnchor="page"): LibreOffice keeps a table
    as wide as the text area in the text flow otherwise, and the 版记 would not float."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    width = round(TEXT_WIDTH.twips)
    rules = "".join(
        f'<w:{side} w:val="{"nil" if size == 0 else "single"}" w:sz="{size}" w:space="0" w:color="000000"/>'
        for side, size in _RECORD_RULES
    )
    props = parse_xml(
        f'<w:tblPr xmlns:w="{w}">'
        f'<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="{round(LINE.twips)}" w:bottomFromText="0"'
        f' w:vertAnchor="margin" w:horzAnchor="page" w:tblpX="{round(LEFT.twips)}" w:tblpYSpec="bottom"/>'
        f'<w:tblOverlap w:val="never"/><w:tblW w:w="{width}" w:type="dxa"/><w:tblInd w:w="0" w:type="dxa"/>'
        f'<w:tblBorders>{rules}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr>'
    )
    tbl = grid._tbl
    tbl.remove(tbl.tblPr)
    tbl.insert(0, props)
    for column in tbl.tblGrid.iterchildren(qn("w:gridCol")):
        column.set(qn("w:w"), str(width))


def _page_field(para: Paragraph) -> None:
    """ "— N —" with N a PAGE field, 4号 半角宋体."""
    font(para.add_run("— "), PAGE_FONT, NOTE_SIZE)
    for kind, text in (("begin", ""), ("instr", " PAGE "), ("separate", ""), ("text", "1"), ("end", "")):
        run = para.add_run()
        font(run, PAGE_FONT, NOTE_SIZE)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text
        else:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
    font(para.add_run(" —"), PAGE_FONT, NOTE_SIZE)


def page_numbers(doc: DocumentObject) -> None:
    """Odd pages' number at the right, even pages' at the left, one character in from the edge."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        para = footer.paragraphs[0]
        para.alignment = align
        para.paragraph_format.left_indent = para.paragraph_format.right_indent = Pt(NOTE_SIZE.pt)
        off_grid(para)
        _page_field(para)


def page_setup(doc: DocumentObject) -> None:
    """A4, the standard's margins, 22 lines × 28 characters, body style 3号仿宋."""
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.footer_distance = Mm(25)  # the number's line 7 mm under the 版心
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")  # 22 lines; 28 characters by the runs' tightening (TIGHTEN)
    grid.set(qn("w:linePitch"), str(round(LINE.twips)))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:  # the grid's pitch is reckoned from the default size: 3号 too
        for tag in ("w:sz", "w:szCs"):
            for size in defaults.iter(qn(tag)):
                size.set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
    _font_table(doc)


def _font_table(doc: DocumentObject) -> None:
    """The font table: each font the document names, with its East Asian fallback."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    fonts = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{"modern" if name == HEAD_FONT else "roman"}"/><w:pitch w:val="variable"/></w:font>'
        for name, alt in FALLBACKS.items()
    )
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="{w}">{fonts}</w:fonts>'
    for part in doc.part.package.iter_parts():
        if str(part.partname) == "/word/fontTable.xml" and isinstance(part, Part):
            part._blob = xml.encode("utf-8")


def _advances(text: str, size: Pt) -> list[float]:
    """Each character's advance in points: a CJK character one em; a digit or Latin letter half
    an em in 仿宋, taken as 0.6 so a fallback font's wider digits still fit; and a quarter em
    where CJK meets Latin or digits (the space Word and LibreOffice put between them)."""
    em = float(size.pt)
    latin = [ord(ch) < 0x2E80 for ch in text]
    return [
        em * ((0.6 if latin[i] else 1.0) + (0.25 if i and latin[i] != latin[i - 1] else 0.0))
        for i in range(len(text))
    ]


def text_width(text: str, size: Pt) -> float:
    """Points `text` takes on one line."""
    return sum(_advances(text, size))


def column_widths(head: Sequence[str], rows: Sequence[Sequence[str]], size: Pt = TABLE_SIZE) -> list[int]:
    """Widths (EMU) filling the 版心: every cell on one line where the page allows; else headers
    wrap to two lines first, then the widest columns' cells, widest first (never past two lines
    where the page allows that); the space left is shared out evenly."""
    total, pad = float(TEXT_WIDTH.pt), float(CELL_PAD.pt)
    cols = list(zip(head, *rows, strict=True)) if rows else [(h,) for h in head]
    full = [max(text_width(c, size) for c in col) + pad for col in cols]
    two = [max(_half(c, size) for c in col) + pad for col in cols]
    base = [max([_half(col[0], size), *(text_width(c, size) for c in col[1:])]) + pad for col in cols]
    widths = list(base)
    spare = total - sum(widths)
    for n in sorted(range(len(cols)), key=lambda i: full[i] - base[i]):  # headers on one line first
        grow = min(max(0.0, spare), full[n] - widths[n])
        widths[n] += grow
        spare -= grow
    for n in sorted(range(len(cols)), key=lambda i: -widths[i]):  # too wide: cells wrap, widest first
        if spare >= 0:
            break
        cut = min(-spare, widths[n] - two[n])
        widths[n] -= max(0.0, cut)
        spare += max(0.0, cut)
    return [int(Pt(w + max(0.0, spare) / len(widths))) for w in widths]


def _half(text: str, size: Pt) -> float:
    """The narrowest width that holds `text` on two lines (broken between any two characters)."""
    chars = _advances(text, size)
    return min((max(sum(chars[:k]), sum(chars[k:])) for k in range(len(chars) + 1)), default=0.0)


def table(doc: DocumentObject, head: Sequence[str], rows: Sequence[Sequence[object]]) -> Table:
    """A ruled table in 小四 仿宋, columns sized to their text, the header row repeated on every page."""
    texts = [[str(v) for v in values] for values in rows]
    widths = column_widths(head, texts)
    grid: Table = doc.add_table(rows=1 + len(texts), cols=len(head))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for n, column in enumerate(grid.columns):
        column.width = widths[n]
    for r, (row, values) in enumerate(zip(grid.rows, [list(head), *texts], strict=True)):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if r == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))
        for n, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = widths[n]
            para = cell.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            para.paragraph_format.space_after = Pt(0)
            off_grid(para, Pt(TABLE_SIZE.pt * 1.5))
            para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            font(para.add_run(value), HEAD_FONT if r == 0 else BODY_FONT, TABLE_SIZE)
    paragraph(doc, "")
    return grid
