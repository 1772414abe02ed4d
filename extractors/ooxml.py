"""The text walk: WordprocessingML → paragraphs of (text, east-asian-hint) segments + picture refs.

One small handler per element, looked up by tag (after mammoth's `body_xml`): containers that
only wrap text (`w:ins`, `w:sdt`, `w:hyperlink`…) are unwrapped, deleted text and field
instructions are dropped, `mc:AlternateContent` is resolved once, as Markup Compatibility says (the
first Choice whose `Requires` namespaces the walker understands, else the Fallback), so that a text
box and its VML copy count once and an emoji written as `w16se:symEx` keeps its character. The
text of vertically merged continuation cells, which Word does not show, is dropped. Unknown
elements are descended into, never fatal.
The walk knows nothing about zips: it gets parsed roots and returns plain values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from extractors.storable import symbol

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
V_NS = "urn:schemas-microsoft-com:vml"
O_NS = "urn:schemas-microsoft-com:office:office"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"

# The namespaces this walker understands, in the sense of Markup Compatibility (ECMA-376 Part 3
# §10.2.1, `mc:Choice/@Requires`): it reads their elements' text and pictures as Word means them.
# The Office 2010 drawing extensions only wrap DrawingML and `w:txbxContent`, which the walk
# already descends into; their Choice is the one Word itself takes. `w16se` (symbol extensions,
# `w16se:symEx`) is deliberately absent: the walker has no handler for it, so an emoji or symbol
# is read from the Fallback, where Word writes the character itself as `w:t`.
UNDERSTOOD_NAMESPACES: frozenset[str] = frozenset(
    {
        W_NS,
        R_NS,
        A_NS,
        V_NS,
        O_NS,
        M_NS,
        "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",  # wp
        "http://schemas.openxmlformats.org/drawingml/2006/picture",  # pic
        "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",  # wps
        "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",  # wpg
        "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",  # wpc
        "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",  # wp14
    }
)


def w(tag: str) -> str:
    """Clark name of a w: element or attribute (what `docx.oxml.ns.qn('w:...')` gives)."""
    return f"{{{W_NS}}}{tag}"


# Where a paragraph comes from. Only these count toward Word's statistics; header/footer never.
BODY, TABLE, TEXTBOX, FOOTNOTES, ENDNOTES, HEADER, FOOTER = (
    "body",
    "table",
    "textbox",
    "footnotes",
    "endnotes",
    "header",
    "footer",
)


@dataclass
class Paragraph:
    """One paragraph: its text pieces with the East Asian hint of their run, and where it sits."""

    where: str
    segments: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.segments)


@dataclass(frozen=True)
class PictureRef:
    """A picture reference in a part: relationship id, and whether it is `r:link` (linked)."""

    rid: str
    linked: bool
    where: str


@dataclass
class Walk:
    paragraphs: list[Paragraph] = field(default_factory=list)
    pictures: list[PictureRef] = field(default_factory=list)


_FALSE = {"0", "false", "off"}


def _on(el: etree._Element | None) -> bool:
    """A WordprocessingML toggle property (`<w:vanish/>`, `<w:vanish w:val="0"/>`)."""
    return el is not None and el.get(w("val"), "true").lower() not in _FALSE


class _Walker:
    """Walks one part. State: the paragraph being filled, the field nesting, the run's hint."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.out = Walk()
        self.para: Paragraph | None = None
        self.deferred: list[Paragraph] = []  # text-box paragraphs, emitted after their anchor
        self.fields: list[bool] = []  # per open complex field: in instruction part?
        self.hint = False
        self.hidden = False
        self.grid: list[_Grid] = []  # per open table: where the row is, which merges are open
        self.handlers: dict[str, Callable[[etree._Element], None]] = {
            w("p"): self.paragraph,
            w("r"): self.run,
            w("t"): self.text,
            w("tab"): lambda el: self.emit("\t"),
            w("ptab"): lambda el: self.emit("\t"),
            w("br"): lambda el: self.emit("\n"),
            w("cr"): lambda el: self.emit("\n"),
            w("noBreakHyphen"): lambda el: self.emit("\u2011"),
            w("sym"): self.sym,
            w("fldChar"): self.fld_char,
            w("tbl"): self.table,
            w("tr"): self.row,
            w("tc"): self.cell,
            w("txbxContent"): self.textbox,
            f"{{{MC_NS}}}AlternateContent": self.alternate,
            f"{{{A_NS}}}blip": self.blip,
            f"{{{V_NS}}}imagedata": self.imagedata,
            f"{{{M_NS}}}t": self.text,
        }
        for dropped in (
            "del",
            "moveFrom",
            "delText",
            "instrText",
            "pPr",
            "rPr",
            "sdtPr",
            "sdtEndPr",
            "rt",
            "commentReference",
            "object",
            "sectPr",
            "tblPr",
            "trPr",
            "tcPr",
        ):
            self.handlers[w(dropped)] = lambda el: None
        # everything else (w:ins, w:moveTo, w:sdt, w:sdtContent, w:smartTag, w:customXml,
        # w:fldSimple, w:hyperlink, w:drawing, w:pict, …) is unwrapped by `descend`.

    # -- dispatch ---------------------------------------------------------------------------
    def visit(self, el: etree._Element) -> None:
        if not isinstance(el.tag, str):
            return
        handler = self.handlers.get(el.tag)
        if handler is None:
            self.descend(el)
        else:
            handler(el)

    def descend(self, el: etree._Element) -> None:
        for child in el:
            self.visit(child)

    def emit(self, text: str) -> None:
        if self.para is None or self.hidden or (self.fields and self.fields[-1]):
            return
        self.para.segments.append((text, self.hint))

    # -- handlers ---------------------------------------------------------------------------
    def paragraph(self, el: etree._Element) -> None:
        outer, outer_deferred = self.para, self.deferred
        self.para, self.deferred = Paragraph(self.where), []
        self.descend(el)
        self.out.paragraphs.append(self.para)
        self.out.paragraphs.extend(self.deferred)
        self.para, self.deferred = outer, outer_deferred

    def run(self, el: etree._Element) -> None:
        rpr = el.find(w("rPr"))
        fonts = _run_fonts(rpr) if rpr is not None else None
        outer_hint, outer_hidden = self.hint, self.hidden
        self.hint = fonts is not None and fonts.get(w("hint")) == "eastAsia"
        self.hidden = outer_hidden or (rpr is not None and _on(rpr.find(w("vanish"))))
        self.descend(el)
        self.hint, self.hidden = outer_hint, outer_hidden

    def text(self, el: etree._Element) -> None:
        if el.text:
            self.emit(el.text)

    def sym(self, el: etree._Element) -> None:
        char = symbol(el.get(w("char"), ""))
        if char:
            self.emit(char)

    def fld_char(self, el: etree._Element) -> None:
        kind = el.get(w("fldCharType"))
        if kind == "begin":
            self.fields.append(True)
        elif kind == "separate" and self.fields:
            self.fields[-1] = False
        elif kind == "end" and self.fields:
            self.fields.pop()

    def table(self, el: etree._Element) -> None:
        outer = self.where
        if outer == BODY:
            self.where = TABLE
        self.grid.append(_Grid())
        self.descend(el)
        self.grid.pop()
        self.where = outer

    def row(self, el: etree._Element) -> None:
        if self.grid:
            trpr = el.find(w("trPr"))
            before = trpr.find(w("gridBefore")) if trpr is not None else None
            self.grid[-1].column = _int(before.get(w("val")) if before is not None else None, 0)
        self.descend(el)

    def cell(self, el: etree._Element) -> None:
        """A table cell; a vertically merged continuation cell's text is hidden.

        Word draws a vertical merge as one cell showing the restart cell's content (ECMA-376
        Part 1 §17.4.85 and ST_Merge §17.18.57; Part 3's primer shows merged text moved into the
        restart cell), so text left in a `w:vMerge` continuation cell is never shown and is not
        counted, like hidden text. Its pictures are still collected. A `continue` with no merge
        open above it is ignored, as ST_Merge says. No figure Word computed confirms this yet.
        """
        if not self.grid:
            self.descend(el)
            return
        grid = self.grid[-1]
        tcpr = el.find(w("tcPr"))
        span = vmerge = None
        if tcpr is not None:
            span, vmerge = tcpr.find(w("gridSpan")), tcpr.find(w("vMerge"))
        column = grid.column
        grid.column += max(1, _int(span.get(w("val")) if span is not None else None, 1))
        continued = False
        if vmerge is None:
            grid.merging.discard(column)
        elif vmerge.get(w("val"), "continue") == "restart":
            grid.merging.add(column)
        else:
            continued = column in grid.merging
        outer_hidden = self.hidden
        self.hidden = outer_hidden or continued
        self.descend(el)
        self.hidden = outer_hidden

    def textbox(self, el: etree._Element) -> None:
        outer_where, outer_para, outer_deferred = self.where, self.para, self.deferred
        outer_fields, outer_hint, outer_hidden = self.fields, self.hint, self.hidden
        self.where = TEXTBOX if outer_where in (BODY, TABLE, TEXTBOX) else outer_where
        self.para, self.fields, self.hint, self.hidden = None, [], False, False
        inner = Walk()
        saved_out, self.out = self.out, inner
        self.descend(el)
        self.out = saved_out
        self.out.pictures.extend(inner.pictures)
        outer_deferred.extend(inner.paragraphs)
        self.where, self.para, self.deferred = outer_where, outer_para, outer_deferred
        self.fields, self.hint, self.hidden = outer_fields, outer_hint, outer_hidden
        if outer_para is None:  # a text box outside any paragraph: keep its text anyway
            self.out.paragraphs.extend(outer_deferred)
            outer_deferred.clear()

    def alternate(self, el: etree._Element) -> None:
        chosen = resolve_alternate(el)
        if chosen is not None:
            self.descend(chosen)

    def blip(self, el: etree._Element) -> None:
        embed, link = el.get(f"{{{R_NS}}}embed"), el.get(f"{{{R_NS}}}link")
        if embed:
            self.out.pictures.append(PictureRef(embed, False, self.where))
        elif link:
            self.out.pictures.append(PictureRef(link, True, self.where))

    def imagedata(self, el: etree._Element) -> None:
        rid = el.get(f"{{{R_NS}}}id") or el.get(f"{{{O_NS}}}relid")
        if rid:
            self.out.pictures.append(PictureRef(rid, False, self.where))


@dataclass
class _Grid:
    """A table being walked: the grid column of the next cell, and columns with a vertical merge open."""

    column: int = 0
    merging: set[int] = field(default_factory=set)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def understands(choice: etree._Element) -> bool:
    """Whether every namespace a `mc:Choice` requires is one the walker understands.

    `Requires` lists namespace *prefixes*, resolved in the Choice's scope (ECMA-376 Part 3
    §10.2.1); an undeclared prefix or an empty list is not understood.
    """
    prefixes = (choice.get("Requires") or "").split()
    nsmap = choice.nsmap
    return bool(prefixes) and all(nsmap.get(p) in UNDERSTOOD_NAMESPACES for p in prefixes)


def resolve_alternate(el: etree._Element) -> etree._Element | None:
    """The branch of an `mc:AlternateContent` a consumer understanding `UNDERSTOOD_NAMESPACES` takes:
    the first Choice whose `Requires` it understands, else the Fallback (None when there is none)."""
    for branch in el:
        if branch.tag == f"{{{MC_NS}}}Choice" and understands(branch):
            return branch
    return el.find(f"{{{MC_NS}}}Fallback")


def _run_fonts(rpr: etree._Element) -> etree._Element | None:
    """A run's `w:rFonts`, also where Word wraps it in an AlternateContent (emoji runs do: a
    `w16se` Choice with `w:hint="eastAsia"`, a Fallback naming Segoe UI Emoji)."""
    fonts = rpr.find(w("rFonts"))
    if fonts is not None:
        return fonts
    for alt in rpr.iterchildren(f"{{{MC_NS}}}AlternateContent"):
        chosen = resolve_alternate(alt)
        found = chosen.find(w("rFonts")) if chosen is not None else None
        if found is not None:
            return found
    return None


# Not read, by decision (README, "What is counted"): Word's own figures have not settled these, so
# the walker keeps to what it has always done and the README says the evidence is open.
# - SmartArt: its text is in word/diagrams/data*.xml (and a drawing*.xml copy), outside the
#   document's story; the walk never opens those parts (wild/w132).
# - Note reference marks (`w:footnoteReference`, `w:endnoteReference`, `w:footnoteRef`…): Word
#   draws a number that is not text in the file; they are empty elements here, so they give none.
# - Equations: `m:t` text is read like `w:t`; operators and delimiters Word stores as attributes
#   (`m:chr`, `m:begChr`, `m:endChr`: ∑, [ ]) give no text.
_NOTE_SEPARATORS = {"separator", "continuationSeparator", "continuationNotice"}


def walk_part(root: etree._Element, where: str) -> Walk:
    """Paragraphs and picture references of a document, header or footer part root.

    For a footnotes/endnotes part, separator notes are skipped (they hold no author text).
    """
    walker = _Walker(where)
    if where in (FOOTNOTES, ENDNOTES):
        for note in root:
            if isinstance(note.tag, str) and note.get(w("type")) not in _NOTE_SEPARATORS:
                walker.descend(note)
    else:
        body = root.find(w("body"))
        walker.descend(body if body is not None else root)
    return walker.out


def excludes_subdocs(settings: etree._Element | None) -> bool:
    """True when settings.xml says text boxes, footnotes and endnotes are left out of statistics."""
    return settings is not None and _on(settings.find(w("doNotIncludeSubdocsInStats")))
