"""The text walk: WordprocessingML → paragraphs of (text, east-asian-hint) segments + picture refs.

One small handler per element, looked up by tag (after mammoth's `body_xml`): containers that
only wrap text (`w:ins`, `w:sdt`, `w:hyperlink`…) are unwrapped, deleted text and field
instructions are dropped, `mc:AlternateContent` is resolved once (first Choice, else Fallback) so
that a text box and its VML copy count once. Unknown elements are descended into, never fatal.
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
        fonts = rpr.find(w("rFonts")) if rpr is not None else None
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
        self.descend(el)
        self.where = outer

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
        choices = el.findall(f"{{{MC_NS}}}Choice")
        chosen = choices[0] if choices else el.find(f"{{{MC_NS}}}Fallback")
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
