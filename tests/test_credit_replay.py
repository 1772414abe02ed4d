"""Issue 25, "Done when": a generated quarter replayed into a real workspace — random 核定
(accept, reject, count, not-count, undone), adoptions at several levels (a draft up to three
times, some withdrawn), announcements, copies, the same news and revisions — and for every unit
and type the counted figures and fees agree in `score --json`, the workbook's cells, the 通报,
the unit's page and the 台账 views; every receipt's 是否计入 line says the draft's credit. The
quarter has 约稿 too: issued, answered by 【约稿N】 drafts the intake links when it records them,
closed early (before some answers) and late, and an earlier draft linked by the clerk to a closed
约稿 with a reason; who answered agrees in `score --json`, the 考核 page, the 通报 and the unit's
page, and an answer received before a close stays an answer."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from dataclasses import dataclass, field

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.app import app
from intake.answers import link_tagged
from intake.receipts import render_receipt
from ledger import intake as ledger_intake
from ledger.assessment import read_adoptions, read_submissions
from ledger.credits import submission_credit
from ledger.schema import open_ledger
from ledger.views import SUBMISSIONS, ensure_views
from reports.bulletin import build_bulletin
from rules.periods import parse_period
from scoring.credit import credit_words, credits_of
from scoring.requests import LATE, MISSING, ON_TIME, REJECTED, assigned_type
from scoring.rows import AdoptionRow, SubmissionRow
from service.bulletin import gather
from service.requests import answer_request, close, new_request
from service.unit_page import unit_page
from tests.intake_support import workspace
from tests.ledger_support import random_year, record_submission_row
from web.app import create_app

pytestmark = pytest.mark.integration

MARCH = parse_period("2021-03")
TZ = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Asked:
    """One 约稿 of the replay: to whom, by when, and when the office closed it (None: never)."""

    units: tuple[str, ...]
    deadline: dt.date
    closed: dt.datetime | None


@dataclass(frozen=True)
class Answer:
    """A draft offered as an answer: tagged 【约稿N】 in its file name, or picked by the clerk."""

    request: int
    unit: str
    sub_id: int
    received: dt.datetime
    accepted: bool


@dataclass
class RequestReplay:
    """What the replay did with 约稿, and so what every reader must say."""

    asked: dict[int, Asked] = field(default_factory=dict)
    offered: list[Answer] = field(default_factory=list)
    clerk: list[Answer] = field(default_factory=list)

    def answers(self, request: int) -> list[Answer]:
        """The answers that stand: tagged ones from a unit it was sent to, received before any close,
        and the clerk's."""
        asked = self.asked[request]
        return [
            a
            for a in [*self.offered, *self.clerk]
            if a.request == request
            and a.unit in asked.units
            and (asked.closed is None or a.received < asked.closed)
        ]

    def expected(self) -> dict[tuple[int, str], tuple[str, list[int]]]:
        """(约稿, unit) → (state, the drafts that answer it), as the office reads them on 3月31日."""
        found = {}
        for n, asked in self.asked.items():
            for unit in asked.units:
                mine = [a for a in self.answers(n) if a.unit == unit]
                if any(a.accepted and a.received.date() <= asked.deadline for a in mine):
                    state = ON_TIME
                elif any(a.accepted for a in mine):
                    state = LATE
                else:
                    state = REJECTED if mine else MISSING
                found[(n, unit)] = (state, sorted(a.sub_id for a in mine))
        return found

    def tally(self) -> dict[str, tuple[int, int, int, int]]:
        """Per unit: 约稿, 按时, 逾期, 未报 (退回 counted as 未报)."""
        rows: dict[str, list[int]] = {}
        for (_, unit), (state, _) in self.expected().items():
            row = rows.setdefault(unit, [0, 0, 0, 0])
            row[0] += 1
            row[1] += state == ON_TIME
            row[2] += state == LATE
            row[3] += state in (MISSING, REJECTED)
        return {unit: (a, b, c, d) for unit, (a, b, c, d) in rows.items()}


def _at(monkeypatch, when: dt.datetime) -> None:
    monkeypatch.setenv("DRAFTDESK_NOW", when.strftime("%Y-%m-%dT%H:%M:%S"))


def _record(ws, rb, unit: str, received: dt.datetime, name: str, accepted: bool) -> int:
    """A 党委政务信息 draft recorded as the intake records it: a 【约稿N】 one linked at recording."""
    db = open_ledger(ws.ledger_path)
    try:
        row = {
            "unit": unit,
            "content_type": assigned_type(rb)[0],
            "title": name.removesuffix(".docx"),
            "original_name": name,
            "received_at": received.isoformat(timespec="seconds"),
            "verdict": "accepted" if accepted else "rejected",
            "counted": int(accepted),
            "sha256": f"answer-{name}",
            "state": ledger_intake.FILED,
        }
        sub_id = record_submission_row(db, **row)
        link_tagged(db, rb, sub_id, {**row, "id": sub_id})
    finally:
        db.close()
    return sub_id


def replay_requests(ws, rb, rng, monkeypatch) -> RequestReplay:
    """Five 约稿 to four units each, deadlines in March: 1 and 3 closed two days before their
    deadline (some answers come after), 2 and 4 closed four days after it, 5 never closed. Each unit
    answers on time, late, with a draft sent back, twice or not at all; a unit it was not sent to
    answers too. The clerk links an earlier untagged draft to 约稿 1 after its close, with a reason.
    Everything happens in time order, at its own time."""
    names = [u.name for u in rb.units]
    plan = RequestReplay()
    steps: list[tuple[dt.datetime, int, object]] = []
    for n in range(1, 6):
        issued = dt.datetime(2021, 2, 10, 9, tzinfo=TZ) + dt.timedelta(days=5 * n)
        deadline = dt.date(2021, 3, 10 + 3 * n)
        shut = {1: -2, 3: -2, 2: 4, 4: 4}.get(n)
        closed = dt.datetime.combine(deadline, dt.time(12), TZ) + dt.timedelta(days=shut) if shut else None
        units = tuple(rng.sample(names, 4))
        plan.asked[n] = Asked(units, deadline, closed)
        steps.append((issued, 0, ("issue", n)))
        if closed:
            steps.append((closed, 0, ("close", n)))
        outsider = rng.choice([u for u in names if u not in units])
        for unit in [*units, outsider]:
            for _ in range(rng.choice([0, 1, 1, 1, 2])):
                day = rng.randint(1, (deadline - issued.date()).days + 5)
                received = issued + dt.timedelta(days=day, hours=rng.randint(0, 8), minutes=len(steps))
                steps.append((received, 1, ("draft", n, unit, rng.random() < 0.85)))
    first = plan.asked[1]
    assert first.closed is not None
    steps.append((first.closed - dt.timedelta(days=3), 1, ("untagged", 1, first.units[-1], True)))
    steps.append((first.closed + dt.timedelta(hours=1), 2, ("clerk", 1)))
    for when, _, step in sorted(steps, key=lambda s: (s[0], s[1])):
        _at(monkeypatch, when)
        _replay_step(ws, rb, plan, when, step)
    return plan


def _replay_step(ws, rb, plan: RequestReplay, when: dt.datetime, step) -> None:
    kind, n, *rest = step
    asked = plan.asked[n]
    if kind == "issue":
        issued = new_request(ws, rb, f"约稿主题{n}", "、".join(asked.units), asked.deadline.isoformat())
        assert issued.id == n
    elif kind == "close":
        close(ws, rb, n, "上级已收齐" if when.date() < asked.deadline else "已过截止日期")
    elif kind == "clerk":
        [picked] = plan.clerk
        answer_request(ws, rb, n, picked.sub_id, reason="报送时漏写约稿编号")
    else:
        unit, accepted = rest
        name = f"【约稿{n}】{unit}的答复{len(plan.offered) + len(plan.clerk)}.docx"
        if kind == "untagged":
            name = name.replace(f"【约稿{n}】", "")
        sub_id = _record(ws, rb, unit, when, name, accepted)
        (plan.clerk if kind == "untagged" else plan.offered).append(Answer(n, unit, sub_id, when, accepted))


@pytest.fixture
def replayed(tmp_path, monkeypatch):
    ws, rb = workspace(tmp_path / "ws")
    db = open_ledger(ws.ledger_path)
    random_year(db, rb, random.Random(25), drafts=160, months=(1, 3))
    db.close()
    answers = replay_requests(ws, rb, random.Random(26), monkeypatch)
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-31T20:00:00")
    db = open_ledger(ws.ledger_path)
    subs = [
        SubmissionRow.from_dict(r, rb.meta.tz) for r in read_submissions(db, dt.date(2021, 1, 1), MARCH.end)
    ]
    adopted = [AdoptionRow.from_dict(a) for a in read_adoptions(db, MARCH.end)]
    db.close()
    return ws, rb, credits_of(subs, adopted, rb, through=MARCH.end), answers


def _score_json(ws):
    result = CliRunner().invoke(app, ["score", "--month", "2021-03", "--json", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _score(ws):
    return {u["unit"]: u for u in _score_json(ws)["units"]}


def _expected(credits, unit, key, period):
    return sum(
        1
        for c in credits.values()
        if c.unit == unit and c.content_type == key and c.counts and period.contains(c.day)
    )


def test_every_reader_counts_and_pays_what_the_credits_say(replayed):
    ws, rb, credits, _ = replayed
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
    # 学习强国 too: the views count adoptions to date and the credits to the report's end, the same
    # day here (the replay looks on 3月31日, and no adoption is dated later)
    assert {sub_id: ("是" if c.counts else "否") for sub_id, c in credits.items()} == shown
    assert any(c.content_type == "xuexi" and c.counts for c in credits.values())
    assert any(c.content_type == "xuexi" and c.reason == "not_adopted" for c in credits.values())


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


def test_every_reader_says_who_answered_each_request(replayed):
    ws, rb, _, plan = replayed
    want = plan.expected()
    early = [a for n in (1, 3) for a in plan.answers(n) if a in plan.offered]
    assert early, "an answer received before an early close"
    refused = [a for a in plan.offered if a not in plan.answers(a.request)]
    assert any(plan.asked[a.request].closed and a.unit in plan.asked[a.request].units for a in refused)
    assert {s for s, _ in want.values()} >= {ON_TIME, LATE, MISSING}
    scored = _score_json(ws)["requests"]
    got = {
        (r["id"], u["unit"]): (u["state"], sorted(u["submission_ids"]))
        for r in scored["requests"]
        for u in r["units"]
    }
    assert got == want
    tally = plan.tally()
    assert {u["unit"]: (u["issued"], u["on_time"], u["late"], u["missing"]) for u in scored["units"]} == tally
    assert plan.clerk[0].sub_id in want[(1, plan.clerk[0].unit)][1]
    _assessment_page_agrees(ws, rb, plan, want, tally)
    _bulletin_requests_agree(ws, rb, plan, want, tally)
    for unit in {u for asked in plan.asked.values() for u in asked.units}:
        lines = {line.id: line.state for line in unit_page(ws, rb, unit).requests}
        assert lines == {n: state for (n, who), (state, _) in want.items() if who == unit}, unit
    _log_agrees(ws, plan)


def _cells(html: str, table: str) -> list[list[str]]:
    body = re.search(rf'<table class="list" id="{table}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body is not None, table
    rows = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows
    ]


def _assessment_page_agrees(ws, rb, plan, want, tally):
    client = TestClient(create_app(ws, rb, password_hash="", protect=False, ledger=False))
    html = client.get("/score", params={"period": "2021-03"}).text
    for number, _, _, on_time, states in _cells(html, "requests"):
        asked = plan.asked[int(number)]
        assert states == "、".join(f"{u}{want[(int(number), u)][0]}" for u in asked.units)
        ok = sum(want[(int(number), u)][0] == ON_TIME for u in asked.units)
        assert on_time == f"{ok}/{len(asked.units)}"
    by_unit = {row[0]: tuple(int(x) for x in row[1:]) for row in _cells(html, "request-units")}
    assert by_unit == tally


def _bulletin_requests_agree(ws, rb, plan, want, tally):
    tables = build_bulletin(gather(ws, rb, MARCH)).tables
    heads = {tuple(c.text for c in t.rows[0].cells): t for t in tables}
    each = heads[("编号", "约稿主题", "截止日期", "按时答复", "其他单位情况")]
    for row in each.rows[1:]:
        number, _, _, on_time, others = (c.text for c in row.cells)
        asked = plan.asked[int(number)]
        states = [(u, want[(int(number), u)][0]) for u in asked.units]
        assert on_time == f"{sum(s == ON_TIME for _, s in states)}/{len(asked.units)}"
        assert others == ("、".join(f"{u}（{s}）" for u, s in states if s != ON_TIME) or "无")
    units = heads[("单位", "约稿数", "按时", "逾期", "未报")]
    assert {r.cells[0].text: tuple(int(c.text) for c in r.cells[1:]) for r in units.rows[1:]} == tally


def _log_agrees(ws, plan):
    """The 操作记录 times a tagged answer when its draft came in, and keeps the clerk's reason."""
    result = CliRunner().invoke(app, ["log", "--json", "--workspace", str(ws.root)])
    linked = {e["submission_id"]: e for e in json.loads(result.stdout) if e["action"] == "request_answer"}
    for answer in (a for n in plan.asked for a in plan.answers(n)):
        event = linked.pop(answer.sub_id)
        if answer in plan.clerk:
            assert (event["after"]["how"], event["reason"]) == ("办公室指定", "报送时漏写约稿编号")
        else:
            assert event["at"].startswith(answer.received.strftime("%Y-%m-%dT%H:%M:%S"))
    assert not linked
