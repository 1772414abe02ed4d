"""Printable QR cards (service.cards): each unit's PNG carries its name under the code, and one
PDF of A4 sheets holds every unit's card; without a Chinese font the command says what to install
and writes nothing; `units links` says when its links would not open from another computer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from cli.app import app
from service import cards
from service.units import UnitLink
from tests.intake_support import workspace

pytestmark = pytest.mark.integration


def _dark_rows(image: Image.Image, top: int) -> int:
    grey = image.convert("L")
    return sum(
        1 for y in range(top, grey.height) if grey.crop((0, y, grey.width, y + 1)).getextrema()[0] < 100
    )


def test_a_card_prints_the_units_name_under_its_code() -> None:
    card = cards.card(UnitLink("湖滨社区", "http://192.168.1.5:8700/u/" + "A" * 32), 400)
    assert card.width == 400 and card.height > 440  # room under the code for the name and a hint
    assert _dark_rows(card, 400) > 10  # the name's strokes
    named = cards.card(UnitLink("湖滨社区", "http://x/u/" + "A" * 32), 400)
    other = cards.card(UnitLink("塔下社区", "http://x/u/" + "A" * 32), 400)
    assert (
        named.crop((0, 400, 400, named.height)).tobytes() != other.crop((0, 400, 400, other.height)).tobytes()
    )


def test_the_cards_code_holds_the_units_link_module_for_module() -> None:
    import segno

    url = "http://192.168.1.5:8700/u/" + "b" * 32
    image = cards.card(UnitLink("湖滨社区", url), 400).convert("L")
    matrix = segno.make(url, error="m").matrix
    side = len(matrix) + 8  # the quiet zone: 4 modules each side
    scale = 400 // side
    offset = (400 - side * scale) // 2 + 4 * scale + scale // 2
    drawn = [
        [image.getpixel((offset + c * scale, offset + r * scale)) < 128 for c in range(len(row))]
        for r, row in enumerate(matrix)
    ]
    assert drawn == [[bool(bit) for bit in row] for row in matrix]


def test_units_links_writes_named_pngs_and_a4_card_sheets(tmp_path: Path) -> None:
    ws, rulebook = workspace(tmp_path / "ws")
    pdf = tmp_path / "卡片" / "二维码卡片.pdf"
    out = CliRunner().invoke(
        app,
        ["units", "links", "--workspace", str(ws.root), "--qr", str(tmp_path / "qr"), "--cards", str(pdf)],
    )
    assert out.exit_code == 0, out.output
    pngs = sorted(p.stem for p in (tmp_path / "qr").glob("*.png"))
    assert pngs == sorted(u.name for u in rulebook.units)
    sheets = -(-len(rulebook.units) // (cards.GRID[0] * cards.GRID[1]))
    assert f"已生成二维码卡片 {sheets} 页（A4）" in out.output
    raw = pdf.read_bytes()
    assert raw.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page(?!s)", raw)) == sheets
    assert "只能在这台电脑上打开" in out.output  # the default desk listens on 127.0.0.1 only


def test_without_a_chinese_font_nothing_is_written_and_the_package_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, _ = workspace(tmp_path / "ws")
    monkeypatch.setattr(cards, "FONT_DIRS", (tmp_path / "no-fonts",))
    cards._font_file.cache_clear()
    try:
        out = CliRunner().invoke(
            app, ["units", "links", "--workspace", str(ws.root), "--qr", str(tmp_path / "qr")]
        )
    finally:
        cards._font_file.cache_clear()
    assert out.exit_code == 1 and "fonts-noto-cjk" in out.output
    assert not (tmp_path / "qr").exists()
