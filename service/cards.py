"""The units' printable QR codes: one PNG per unit with its name under the code (`units links
--qr`), and A4 sheets of every unit's card to cut out (`units links --cards FILE.pdf`).

Pillow draws them (segno makes the code); the name needs a font with Chinese characters, found
among the machine's fonts (`chinese_font`); without one, `NoChineseFont` says what to install.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from service.errors import NoChineseFont

if TYPE_CHECKING:
    from PIL import Image, ImageFont


class Linked(Protocol):
    """What a card shows: a unit's name and its private link (`service.units.UnitLink`; typed
    by shape so the units' module, which calls the cards, is not imported back)."""

    @property
    def unit(self) -> str: ...

    @property
    def url(self) -> str: ...


FONT_GLOBS = (
    "opentype/noto/NotoSansCJK-Regular.ttc",
    "**/NotoSansCJK*.tt[cf]",
    "**/NotoSansSC*.[ot]tf",
    "**/SourceHanSans*.[ot]t[cf]",
    "**/wqy-*.tt[cf]",
    "**/DroidSansFallback*.ttf",
    "**/NotoSerifCJK*.tt[cf]",
)
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
A4_PX = (1240, 1754)  # A4 at 150 dpi
GRID = (3, 4)  # cards across and down a sheet
HINT = "扫码查看本单位稿件、自查和报送"


def chinese_font(size: int) -> ImageFont.FreeTypeFont:
    """A font that draws Chinese at `size` px: Noto Sans CJK (its simplified-Chinese face when
    the collection has one) or another CJK font installed; `NoChineseFont` when none is."""
    from PIL import ImageFont

    found = _font_file()
    if found is None:
        raise NoChineseFont()
    path, index = found
    return ImageFont.truetype(str(path), size, index=index)


@functools.cache
def _font_file() -> tuple[Path, int] | None:
    """The first Chinese font file installed and the index of its simplified-Chinese face."""
    for folder in FONT_DIRS:
        for pattern in FONT_GLOBS:
            for path in sorted(folder.glob(pattern)):
                index = _simplified_face(path)
                if index is not None:
                    return path, index
    return None


def _simplified_face(path: Path) -> int | None:
    """The face of a font file (a .ttc holds several) named SC, else its first; None: unreadable."""
    from PIL import ImageFont

    names: list[str] = []
    for index in range(10 if path.suffix.lower() == ".ttc" else 1):
        try:
            names.append(ImageFont.truetype(str(path), 12, index=index).getname()[0] or "")
        except OSError:
            break
    simplified = [i for i, name in enumerate(names) if " SC" in name]
    return simplified[0] if simplified else (0 if names else None)


def _code(url: str, width: int) -> Image.Image:
    """The link's QR code on a white square `width` px wide, each module a whole number of
    pixels (a reader copes badly with modules of uneven size)."""
    import segno
    from PIL import Image

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=1, border=4)
    buffer.seek(0)
    code = Image.open(buffer).convert("RGB")
    scale = max(1, width // code.width)
    code = code.resize((code.width * scale, code.height * scale), Image.Resampling.NEAREST)
    square = Image.new("RGB", (width, width), "white")
    square.paste(code, ((width - code.width) // 2, (width - code.height) // 2))
    return square


def _fit(text: str, width: int, size: int) -> ImageFont.FreeTypeFont:
    """The largest font up to `size` px that fits `text` in `width` px (at least 12 px)."""
    while True:
        font = chinese_font(size)
        if font.getlength(text) <= width or size <= 12:
            return font
        size -= 2


def card(link: Linked, width: int) -> Image.Image:
    """One unit's card, `width` px wide: the code, the unit's name under it, and a hint line."""
    from PIL import Image, ImageDraw

    code = _code(link.url, width)
    name_font, hint_font = _fit(link.unit, width - 20, width // 9), _fit(HINT, width - 20, width // 22)
    name_h, hint_h = int(name_font.size * 1.5), int(hint_font.size * 1.8)
    sheet = Image.new("RGB", (width, width + name_h + hint_h), "white")
    sheet.paste(code, (0, 0))
    draw = ImageDraw.Draw(sheet)
    draw.text((width / 2, width + name_h / 2), link.unit, fill="black", font=name_font, anchor="mm")
    draw.text((width / 2, width + name_h + hint_h / 2), HINT, fill="#444444", font=hint_font, anchor="mm")
    return sheet


def write_qr_codes(links: Sequence[Linked], folder: Path) -> list[Path]:
    """One PNG per unit (its link as a QR code with its name under it), named by the unit."""
    chinese_font(12)  # refuse before writing anything when no font can print the names
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for link in links:
        path = folder / f"{link.unit}.png"
        card(link, 400).save(path)
        written.append(path)
    return written


def write_cards(links: Sequence[Linked], pdf: Path) -> int:
    """A4 sheets of every unit's card in a grid with cut lines, as one PDF; how many sheets."""
    from PIL import Image, ImageDraw

    chinese_font(12)
    across, down = GRID
    cell_w, cell_h = A4_PX[0] // across, A4_PX[1] // down
    sheets: list[Image.Image] = []
    for start in range(0, len(links), across * down):
        page = Image.new("RGB", A4_PX, "white")
        draw = ImageDraw.Draw(page)
        for slot, link in enumerate(links[start : start + across * down]):
            x, y = (slot % across) * cell_w, (slot // across) * cell_h
            one = card(link, min(cell_w, cell_h) - 110)
            page.paste(one, (x + (cell_w - one.width) // 2, y + (cell_h - one.height) // 2))
            draw.rectangle((x, y, x + cell_w - 1, y + cell_h - 1), outline="#bbbbbb", width=1)
        sheets.append(page)
    if not sheets:
        sheets.append(Image.new("RGB", A4_PX, "white"))
    pdf.parent.mkdir(parents=True, exist_ok=True)
    sheets[0].save(pdf, "PDF", resolution=150.0, save_all=True, append_images=sheets[1:])
    return len(sheets)
