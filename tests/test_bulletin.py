"""The period's 通报 (`draftdesk bulletin`) through the real CLI: an empty month still says
every section, the same ledger gives the same bytes, a re-run keeps the earlier file, an open
period says so in the title, and LibreOffice prints it on A4."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from typer.testing import CliRunner

from cli.app import app
from ledger.schema import open_ledger
from reports import gongwen
from rules.load import load_rulebook
from tests.ledger_support import record_submission_row
from tests.pdf_support import A4, page_boxes, page_words, print_all_to_pdf, print_to_pdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

pytestmark = pytest.mark.integration

RUNNER = CliRunner()


@pytest.fixture()
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    assert RUNNER.invoke(app, ["init", "--workspace", str(root)]).exit_code == 0
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-20T10:00:00+08:00")
    return root


def invoke(ws: Path, *args: str):
    return RUNNER.invoke(app, [*args, "--workspace", str(ws)])


def texts(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text]


def test_the_bulletin_of_an_empty_month_says_every_section(ws: Path) -> None:
    done = invoke(ws, "bulletin", "--month", "2021-02")
    assert done.exit_code == 0, done.output
    path = ws / "outbox" / "reports" / "2021-02" / "通报_2021-02.docx"
    assert f"通报已写入：{path}" in done.stdout
    lines = texts(path)
    assert lines[:4] == [
        "西湖街道办公室",
        "西街办〔2021〕1号",
        "西湖街道2021年2月信息宣传工作通报",
        "机关各局室，各社区、村，各有关单位：",
    ]
    assert "本期共收到各单位报送稿件0篇，审核合格0篇，计入考核0篇；媒体录用0篇；发放稿酬0元。" in lines
    assert "本期无媒体录用。" in lines
    assert any(line.startswith("本期以下23个单位未报送稿件：办公室、行政审批局") for line in lines)
    assert "本期无到期约稿。" in lines
    assert "本期稿酬合计0元，共0篇。" in lines
    assert lines[-2:] == ["西湖街道办公室", "2021年3月20日"]
    assert not any("推荐名单" in line for line in lines)
    doc = Document(str(path))
    assert [row.cells[0].text for row in doc.tables[-1].rows] == ["西湖街道办公室\t2021年3月20日印发"]  # 版记
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert doc.core_properties.created.isoformat() == "2021-03-20T00:00:00+00:00"
    ranking = doc.tables[0]
    assert [c.text for c in ranking.rows[0].cells][:2] == ["名次", "单位"]
    assert len(ranking.rows) == 24
    # equal results share a place: 16 units at 0% without points, then 7 at 0% with −0.1
    places = [(row.cells[0].text, row.cells[-2].text, row.cells[-1].text) for row in ranking.rows[1:]]
    assert places == [("1", "0%", "—")] * 16 + [("17", "0%", "-0.1")] * 7


def test_the_same_ledger_gives_the_same_bytes_and_a_rerun_keeps_the_earlier_file(ws: Path) -> None:
    invoke(ws, "bulletin", "--month", "2021-02")
    folder = ws / "outbox" / "reports" / "2021-02"
    first = (folder / "通报_2021-02.docx").read_bytes()
    done = invoke(ws, "bulletin", "--month", "2021-02")
    assert "此前的同期通报已按生成时间保留：通报_2021-02_" in done.stdout
    kept = sorted(folder.glob("通报_2021-02_*.docx"))
    assert len(kept) == 1 and kept[0].read_bytes() == first
    assert (folder / "通报_2021-02.docx").read_bytes() == first


def test_an_open_period_says_so_and_the_content_follows_the_ledger(ws: Path) -> None:
    db = open_ledger(ws / "outbox" / "ledger.db")
    record_submission_row(
        db,
        id=1,
        unit="湖滨社区",
        content_type="instant",
        title="消防演练",
        received_at="2021-03-10T09:00:00+08:00",
        verdict="accepted",
        counted=1,
    )
    db.close()
    assert invoke(ws, "adopt", "1", "--outlet", "武进日报", "--date", "2021-03-11").exit_code == 0
    assert invoke(ws, "adopt", "1", "--outlet", "新华日报", "--date", "2021-03-12").exit_code == 0
    invoke(ws, "request", "new", "--topic", "老旧小区改造", "--units", "湖滨社区", "--deadline", "2021-03-25")
    done = invoke(ws, "bulletin", "--month", "2021-03")
    assert "尚未结束" in done.stderr
    path = ws / "outbox" / "reports" / "2021-03" / "通报_2021-03.docx"
    lines = texts(path)
    assert lines[2] == "西湖街道2021年3月信息宣传工作通报\n（截至3月20日）"  # one date line
    assert not any(line.startswith("（2021年") for line in lines)
    kai = next(p for p in Document(str(path)).paragraphs if p.text == "（一）各期约稿")
    assert kai.runs[0].font.name == "楷体_GB2312"
    assert (
        "本期共收到各单位报送稿件1篇，审核合格1篇，计入考核1篇；媒体录用1篇（省级1篇）；发放稿酬50元。"
        in lines
    )
    assert "湖滨社区" not in next(line for line in lines if "未报送稿件" in line)
    tables = Document(str(path)).tables
    assert [c.text for c in tables[0].rows[1].cells][:2] == ["1", "湖滨社区"]
    assert [c.text for c in tables[2].rows[1].cells] == [
        "1",
        "老旧小区改造",
        "2021年3月25日",
        "0/1",
        "湖滨社区（未到期）",
    ]


def test_the_year_bulletin_adds_the_recommendation_list(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRAFTDESK_NOW", "2022-01-05T10:00:00+08:00")
    assert invoke(ws, "bulletin", "--year", "2021").exit_code == 0
    lines = texts(ws / "outbox" / "reports" / "2021" / "通报_2021.docx")
    assert "七、先进评选推荐名单" in lines
    assert "本年度无符合条件的推荐对象。" in lines


@pytest.mark.timeout(120)
def test_the_bulletin_prints_on_a4(ws: Path, tmp_path: Path) -> None:
    """Printed by LibreOffice: A4 pages, each numbered by its PAGE field, every unit's name whole
    on one line of the ranking table."""
    invoke(ws, "bulletin", "--month", "2021-02")
    pdf = print_to_pdf(ws / "outbox" / "reports" / "2021-02" / "通报_2021-02.docx", tmp_path, timeout=100)
    boxes = page_boxes(pdf.read_bytes())
    assert boxes
    for x0, y0, x1, y1 in boxes:
        assert abs((x1 - x0) - A4[0]) < 2 and abs((y1 - y0) - A4[1]) < 2, (x0, y0, x1, y1)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    numbers = re.findall(r"^\s*—\s*(\d+)\s*—\s*$", text, re.MULTILINE)
    assert numbers == [str(n) for n in range(1, len(boxes) + 1)]
    rows = [line.split() for line in text.splitlines() if re.match(r"^\s*\d+\s+\S+\s+\d+/\d+", line)]
    names = {u.name for u in load_rulebook(ws / "draftdesk.toml").units}
    assert {row[1] for row in rows} == names  # no name broken over lines


def test_the_bulletin_is_laid_out_as_a_gongwen(ws: Path) -> None:
    """GB/T 9704-2012: 版头 with the 发文字号, 主送, margins, fonts, 22 lines, page numbers, 版记."""
    assert invoke(ws, "bulletin", "--month", "2021-02").exit_code == 0
    path = ws / "outbox" / "reports" / "2021-02" / "通报_2021-02.docx"
    doc = Document(str(path))
    paras = [p for p in doc.paragraphs if p.text]
    mark, number, _, main_to, *_ = paras
    assert mark.runs[0].font.name == "方正小标宋简体" and str(mark.runs[0].font.color.rgb) == "FF0000"
    assert number.text == "西街办〔2021〕1号"
    assert number._p.find(f"{W}pPr/{W}pBdr/{W}bottom").get(f"{W}color") == "FF0000"  # the red rule
    assert main_to.text.endswith("：")
    section = doc.sections[0]
    margins = [
        round(m.mm)
        for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ]
    assert margins == [37, 35, 28, 26]
    pitch = int(section._sectPr.find(f"{W}docGrid").get(f"{W}linePitch"))
    assert round((section.page_height - section.top_margin - section.bottom_margin) / 635 / pitch) == 22
    fonts = {p.text: (p.runs[0].font.name, p.runs[0].font.size.pt) for p in paras}
    assert fonts["一、总体情况"][0] == "黑体"
    assert fonts[next(t for t in fonts if t.startswith("本期共收到"))] == ("仿宋_GB2312", 16.0)
    footers = [section.footer, section.even_page_footer]
    for footer, align in zip(footers, ("right", "left"), strict=True):
        xml = footer._element.xml
        assert "PAGE" in "".join(t.text for t in footer._element.iter(f"{W}instrText"))
        assert f'w:jc w:val="{align}"' in xml and "— " in footer.paragraphs[0].text
    assert doc.settings.odd_and_even_pages_header_footer
    assert paras[-1].text == "2021年3月20日"  # the 落款; the 版记 floats in a table before the body's end
    record = doc.tables[-1]
    printed = record.rows[-1].cells[0].paragraphs[0]
    assert "印发" in printed.text and printed.runs[0].font.size.pt == 14
    place = record._tbl.find(f"{W}tblPr/{W}tblpPr")
    assert (place.get(f"{W}vertAnchor"), place.get(f"{W}tblpYSpec")) == ("margin", "bottom")
    assert record._tbl.getnext() is paras[-3]._p and paras[-3].text.startswith("本期稿酬合计")
    table_fonts = {n.get(f"{W}name") for n in font_table(path)}
    assert {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"} <= table_fonts


def font_table(path: Path) -> list:
    """The font table's entries, each naming its fallback (w:altName)."""
    import zipfile
    from xml.etree import ElementTree

    root = ElementTree.fromstring(zipfile.ZipFile(path).read("word/fontTable.xml"))
    fonts = root.findall(f"{W}font")
    assert all(f.find(f"{W}altName") is not None for f in fonts)
    return fonts


def test_every_unit_name_of_the_rulebook_fits_two_lines_of_the_ranking_table(ws: Path) -> None:
    """Computed from the column's width: 小四 characters of 12 pt, the cell's 5.4 pt margins."""
    assert invoke(ws, "bulletin", "--month", "2021-02").exit_code == 0
    doc = Document(str(ws / "outbox" / "reports" / "2021-02" / "通报_2021-02.docx"))
    ranking = doc.tables[0]
    assert ranking.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None  # repeated on each page
    unit_width = ranking.columns[1].width.pt - 10.8
    per_line = int(unit_width // 12)
    names = [u.name for u in load_rulebook(ws / "draftdesk.toml").units]
    assert "政法和社会综合治理局" in names
    assert all(-(-len(name) // per_line) <= 2 for name in names), (per_line, names)
    total = sum(c.width for c in ranking.columns)
    assert total <= doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin


def test_the_document_number_is_kept_per_period_and_counts_on_in_the_year(ws: Path) -> None:
    for month in ("2021-02", "2021-01", "2021-02"):
        assert invoke(ws, "bulletin", "--month", month).exit_code == 0
    numbers = {m: texts(ws / "outbox" / "reports" / m / f"通报_{m}.docx")[1] for m in ("2021-01", "2021-02")}
    assert numbers == {"2021-02": "西街办〔2021〕1号", "2021-01": "西街办〔2021〕2号"}


def test_a_period_without_its_own_rulebook_says_which_one_judged_it(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`PeriodRules` of a year the workspace has no rulebook for carries the warning, and the
    通报 says it as score, the workbook and the pages do."""
    from rules.periods import Period
    from workspace import Workspace

    workspace = Workspace(ws)
    assert workspace.period_rules(Period(2021, "month", 3)).warning is None
    rules = workspace.period_rules(Period(2023, "month", 2))
    assert rules.warning is not None and "没有 2023 年的规则文件" in rules.warning
    assert rules.rulebook.meta.year == 2021
    monkeypatch.setenv("DRAFTDESK_NOW", "2023-03-02T10:00:00+08:00")
    done = invoke(ws, "bulletin", "--month", "2023-02")
    assert done.exit_code == 0, done.output
    lines = texts(ws / "outbox" / "reports" / "2023-02" / "通报_2023-02.docx")
    assert f"（说明：{rules.warning}）" in lines


def assert_record_at_the_foot(pdf: Path, body: str) -> None:
    """印发 on the last page only, in its lower quarter, its line ending on the 版心's bottom
    edge (35 mm above the page's); above the 版记 on that page the 落款 and the body's `body`:
    no page holds the 版记 alone."""
    pages = page_words(pdf)
    printed_on = [n for n, (_, words) in enumerate(pages) if any("印发" in w for w, _, _ in words)]
    assert printed_on == [len(pages) - 1], pdf.name
    height, words = pages[-1]
    bottom = max(b for w, _, b in words if "印发" in w)
    assert 0.75 * height < bottom < height - Mm(35).pt + 1, (pdf.name, bottom)
    top = min(t for w, t, _ in words if "印发" in w or "抄送" in w)
    above = [w for w, _, b in words if b <= top]
    assert "西湖街道办公室" in above and "日" in above, (pdf.name, above)  # 署名, 成文日期
    assert any(body in w for w in above), (pdf.name, above)


@pytest.mark.timeout(120)
def test_the_record_sits_at_the_foot_of_the_last_page(ws: Path, tmp_path: Path) -> None:
    """GB/T 9704-2012's 版记 (here with its 抄送) at the foot of the last page as LibreOffice prints it."""
    rulebook = ws / "draftdesk.toml"
    rulebook.write_text(
        rulebook.read_text(encoding="utf-8").replace('copy_to = ""', 'copy_to = "街道党工委、办事处领导"'),
        encoding="utf-8",
    )
    assert invoke(ws, "bulletin", "--month", "2021-02").exit_code == 0
    pdf = print_to_pdf(ws / "outbox" / "reports" / "2021-02" / "通报_2021-02.docx", tmp_path, timeout=100)
    assert_record_at_the_foot(pdf, "稿酬合计")
    assert any("抄送" in w for w, _, _ in page_words(pdf)[-1][1])


@pytest.mark.timeout(180)
def test_the_record_follows_the_end_of_the_body_wherever_it_falls(tmp_path: Path) -> None:
    """The body ending on every line of a page in turn (more than 22 lengths): the 版记 at the
    foot of the last page each time, with the 落款 and the body's last line above it, even where
    the 落款 fits on a page and the 版记 would not."""
    head = gongwen.Masthead(
        "西湖街道办公室", "西街办〔2021〕1号", "各社区", "街道党工委", "西湖街道办公室", "2021年3月20日"
    )
    sources = []
    for lines in range(6, 32):
        doc = Document()
        gongwen.page_setup(doc)
        gongwen.page_numbers(doc)
        gongwen.masthead(doc, head)
        gongwen.title(doc, "关于某事的通报")
        gongwen.main_to(doc, head)
        for n in range(lines):
            gongwen.paragraph(doc, f"第{n + 1}行正文。")
        gongwen.record(doc, head, gongwen.signature(doc, head))
        sources.append(tmp_path / f"lines{lines:02d}.docx")
        doc.save(str(sources[-1]))
    pdfs = print_all_to_pdf(sources, tmp_path, timeout=160)
    assert {len(page_words(pdf)) for pdf in pdfs} == {1, 2, 3}
    for pdf in pdfs:
        assert_record_at_the_foot(pdf, "正文")
