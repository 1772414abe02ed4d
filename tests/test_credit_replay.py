"""Issue 25, "Done when": a generated quarter replayed into a real workspace — random 核定
(accept, reject, count, not-count, undone), adoptions at several levels (a draft up to three
times, some withdrawn), announcements, copies, the same news and revisions — and for every unit
and type the counted figures and fees agree in `score --json`, the workbook's cells, the 通报,
the unit's page and the 台账 views; every receipt's 是否计入 line says the draft's credit."""

from __future__ import annotations

import datetime as dt
import json
import random

import openpyxl
import pytest
from typer.testing import CliRunner

from cli.app import app
from intake.receipts import render_receipt
from ledger import intake as ledger_intake
from ledger.assessment import read_adoptions, read_submissions
from ledger.credits import submission_credit
from ledger.schema import open_ledger
from ledger.views import SUBMISSIONS, ensure_views
from rules.periods import parse_period
from scoring.credit import credit_words, credits_of
from scoring.rows import AdoptionRow, SubmissionRow
from service.bulletin import gather
from service.unit_page import unit_page
from tests.intake_support import workspace
from tests.ledger_support import random_year

pytestmark = pytest.mark.integration

MARCH = parse_period("2021-03")


@pytest.fixture
def replayed(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-31T20:00:00")
    ws, rb = workspace(tmp_path / "ws")
    db = open_ledger(ws.ledger_path)
    random_year(db, rb, random.Random(25), drafts=160, months=(1, 3))
    subs = [
        SubmissionRow.from_dict(r, rb.meta.tz) for r in read_submissions(db, dt.date(2021, 1, 1), MARCH.end)
    ]
    adopted = [AdoptionRow.from_dict(a) for a in read_adoptions(db, MARCH.end)]
    db.close()
    return ws, rb, credits_of(subs, adopted, rb, through=MARCH.end)


def _score(ws):
    result = CliRunner().invoke(app, ["score", "--month", "2021-03", "--json", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    return {u["unit"]: u for u in json.loads(result.stdout)["units"]}


def _expected(credits, unit, key, period):
    return sum(
        1
        for c in credits.values()
        if c.unit == unit and c.content_type == key and c.counts and period.contains(c.day)
    )


def test_every_reader_counts_and_pays_what_the_credits_say(replayed):
    ws, rb, credits = replayed
    scored = _score(ws)
    judged = {
        "instant": MARCH,
        "gov_info": MARCH,
        "wechat": parse_period("2021Q1"),
        "xuexi": parse_period("2021Q1"),
    }
    for unit in rb.units:
        for key, period in judged.items():
            got = scored[unit.name]["completion"].get(key, {}).get("counted", 0)
            assert got == _expected(credits, unit.name, key, period), (unit.name, key)
    _workbook_agrees(ws, rb, scored)
    _bulletin_agrees(ws, rb, scored, credits)
    _views_agree(ws, rb, credits)
    _pages_and_receipts_agree(ws, rb, scored, credits)


def _workbook_agrees(ws, rb, scored):
    path = min((ws.reports / "2021-03").glob("*.xlsx"), key=lambda p: len(p.name))  # not an earlier one
    sheet = openpyxl.load_workbook(path)["完成情况"]
    head = next(r for r in range(1, 10) if sheet.cell(r, 2).value == "单位")
    names = {t.name: k for k, t in rb.types.items()}
    columns = {
        names[v]: c for c in range(4, sheet.max_column + 1) if (v := sheet.cell(head, c).value) in names
    }
    fee_col = next(c for c in range(4, sheet.max_column + 1) if sheet.cell(head, c).value == "本期稿酬")
    for r in range(head + 2, sheet.max_row + 1):
        unit = sheet.cell(r, 2).value
        if unit not in scored:
            continue
        for key, col in columns.items():
            want = scored[unit]["completion"].get(key, {}).get("counted")
            assert sheet.cell(r, col + 1).value == want, (unit, key)
        assert float(sheet.cell(r, fee_col).value or 0) == float(scored[unit]["fees"]), unit


def _bulletin_agrees(ws, rb, scored, credits):
    data = gather(ws, rb, MARCH)
    for u in data.report.units:
        for key, done in u.completion.items():
            assert done.counted == scored[u.unit]["completion"][key]["counted"]
        assert float(u.fees) == float(scored[u.unit]["fees"])
        in_march = sum(1 for c in credits.values() if c.unit == u.unit and c.counts and MARCH.contains(c.day))
        got = data.drafts[u.unit].counted if u.unit in data.drafts else 0
        assert got == in_march, u.unit


def _views_agree(ws, rb, credits):
    ensure_views(ws.ledger_path, rb)
    db = open_ledger(ws.ledger_path)
    shown = {int(r["稿件编号"]): r["计入"] for r in db.query(f'SELECT 稿件编号, 计入 FROM "{SUBMISSIONS}"')}
    db.close()
    for sub_id, credit in credits.items():
        if credit.content_type != "xuexi":  # the views count adoptions to date, the report to its end
            assert shown[sub_id] == ("是" if credit.counts else "否"), sub_id


def _pages_and_receipts_agree(ws, rb, scored, credits):
    db = open_ledger(ws.ledger_path)
    try:
        for sub_id, credit in credits.items():
            row = ledger_intake.submission(db, sub_id)
            assert row is not None
            receipt = render_receipt(row, rb, None, submission_credit(db, rb, sub_id))
            assert f"是否计入：{credit_words(credit)}\n" in receipt, sub_id
    finally:
        db.close()
    for unit in rb.units[:6]:
        page = unit_page(ws, rb, unit.name)
        for line in page.month_drafts + page.year_drafts:
            assert line.counted == credit_words(credits[line.id]), line.id
            paid = [a for a in line.adoptions if a.paid]
            assert len(paid) <= 1 and sum(a.fee for a in paid) == credits[line.id].fee.amount
        month = {d.type_name: d.counted for d in page.due.get("本月", ())}
        assert month.get("即时通讯信息", 0) == scored[unit.name]["completion"].get("instant", {}).get(
            "counted", 0
        )
