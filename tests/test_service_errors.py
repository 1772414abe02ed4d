"""The service's refusals are named exceptions that say which input was wrong, by field.

The front ends word them (`cli.wording`, the desk's pages); these tests call the service
functions directly and read the exception's class and fields, never a flag name.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from cli.wording import say
from ledger.schema import open_ledger
from rules import Rulebook
from service import adoptions
from service.adoptions import AdoptionInput
from service.check import check_files, given_identity, received_time, require_files
from service.desk import month_period, note_of, original_of, self_check
from service.errors import (
    AlreadyWithdrawn,
    AmbiguousAdoption,
    BadInput,
    BadRequest,
    BadRows,
    DeskError,
    MissingFiles,
    NoSuchAdoption,
    StillAdopted,
    UnknownDraft,
    UnknownUnit,
)
from service.listing import list_drafts
from service.rulebooks import new_rulebook, parse_year
from service.setup import init_workspace
from tests.ledger_support import record_submission_row
from workspace import Workspace


@pytest.fixture()
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    workspace = Workspace(tmp_path / "ws")
    init_workspace(workspace)
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-20T10:00:00+08:00")
    db = open_ledger(workspace.ledger_path)
    record_submission_row(
        db,
        id=1,
        unit="湖滨社区",
        content_type="instant",
        title="湖滨社区开展消防演练",
        officer="张三",
        received_at="2021-03-10T09:00:00+08:00",
        verdict="accepted",
        counted=1,
    )
    db.close()
    return workspace


@pytest.fixture()
def rulebook(ws: Workspace) -> Rulebook:
    return ws.rulebook()


def _adopt(ws: Workspace, rulebook: Rulebook, outlet: str, date: str) -> None:
    adoptions.adopt(ws, rulebook, [AdoptionInput("命令行", 1, outlet, date, None, None)])


@pytest.mark.integration
def test_a_bad_month_is_bad_input_on_the_month_field_and_no_sentence_names_an_option(
    ws: Workspace, rulebook: Rulebook
) -> None:
    with pytest.raises(BadInput) as caught:
        list_drafts(ws, rulebook, month="2021-13")
    assert (caught.value.field, caught.value.value) == ("month", "2021-13")
    assert str(caught.value) == "月份“2021-13”无法识别，请写成 2021-03 这样的月份。"
    assert say(caught.value) == "--month “2021-13”无法识别，请写成 2021-03 这样的月份。"
    with pytest.raises(BadInput) as desk:
        month_period("2021Q1", dt.date(2021, 3, 1))
    assert (desk.value.field, desk.value.value) == ("month", "2021Q1")


@pytest.mark.integration
def test_a_bad_verdict_and_a_bad_received_time_name_their_fields(ws: Workspace, rulebook: Rulebook) -> None:
    with pytest.raises(BadInput) as verdict:
        list_drafts(ws, rulebook, verdict="录用")
    assert (verdict.value.field, verdict.value.value) == ("verdict", "录用")
    with pytest.raises(BadInput) as received:
        received_time("昨天", rulebook)
    assert (received.value.field, received.value.value) == ("received", "昨天")
    assert "--" not in str(received.value)


@pytest.mark.integration
def test_an_unknown_unit_is_one_exception_with_the_units_known_wherever_it_is_typed(
    ws: Workspace, rulebook: Rulebook
) -> None:
    known = tuple(u.name for u in rulebook.units)
    refusals: list[UnknownUnit] = []
    for call in (
        lambda: list_drafts(ws, rulebook, unit="火星社区"),
        lambda: given_identity(rulebook, "火星社区", None),
        lambda: adoptions.assign(ws, rulebook, "2021-03", "火星社区", 1),
        lambda: self_check(ws, rulebook, "火星社区", "即时", [], None),
    ):
        with pytest.raises(UnknownUnit) as caught:
            call()
        refusals.append(caught.value)
    assert {(r.name, r.known) for r in refusals} == {("火星社区", known)}
    assert len({str(r) for r in refusals}) == 1


@pytest.mark.integration
def test_an_unknown_type_is_bad_input_on_the_type_field(rulebook: Rulebook) -> None:
    with pytest.raises(BadInput) as caught:
        given_identity(rulebook, None, "长篇")
    assert (caught.value.field, caught.value.value) == ("type", "长篇")
    assert say(caught.value).startswith("--type “长篇”不在规则文件中。有效的稿件类型：")


@pytest.mark.integration
def test_assign_names_every_wrong_field_at_once(ws: Workspace, rulebook: Rulebook) -> None:
    with pytest.raises(BadRequest) as caught:
        adoptions.assign(ws, rulebook, "2021Q1", "火星社区", -1)
    problems = caught.value.problems
    assert [type(p) for p in problems] == [BadInput, UnknownUnit, BadInput]
    assert [getattr(p, "field", None) for p in problems] == ["month", None, "count"]
    assert say(caught.value).splitlines()[2] == "--count “-1”不能为负数。"
    with pytest.raises(BadInput) as alone:
        adoptions.assign(ws, rulebook, "2021-03", "湖滨社区", -1)
    assert (alone.value.field, alone.value.value) == ("count", "-1")


def test_missing_files_lists_every_path(tmp_path: Path) -> None:
    with pytest.raises(MissingFiles) as caught:
        require_files([tmp_path / "a.docx", tmp_path / "b.docx"])
    assert caught.value.paths == (str(tmp_path / "a.docx"), str(tmp_path / "b.docx"))


@pytest.mark.integration
def test_check_of_a_missing_file_is_missing_files(ws: Workspace, rulebook: Rulebook, tmp_path: Path) -> None:
    with pytest.raises(MissingFiles):
        check_files(ws, rulebook, [tmp_path / "gone.docx"], received_time(None, rulebook))


@pytest.mark.integration
def test_an_unknown_draft_says_which_draft_and_what_is_missing(ws: Workspace) -> None:
    with pytest.raises(UnknownDraft) as gone:
        note_of(ws, 42)
    assert (gone.value.submission_id, gone.value.missing) == (42, "draft")
    with pytest.raises(UnknownDraft) as no_note:
        note_of(ws, 1)
    assert (no_note.value.submission_id, no_note.value.missing) == (1, "note")
    with pytest.raises(UnknownDraft) as no_original:
        original_of(ws, 1)
    assert no_original.value.missing == "original"
    with pytest.raises(UnknownDraft) as unadopted:
        adoptions.unadopt(ws, ws.rulebook(), 42, "新华日报")
    assert str(unadopted.value) == "稿件编号 42 不存在，未撤销任何录用。"


@pytest.mark.integration
def test_bad_rows_name_each_row_and_write_nothing(ws: Workspace, rulebook: Rulebook) -> None:
    items = [
        AdoptionInput("第2行", 1, "武进日报", "2021-03-12", None, None),
        AdoptionInput("第3行", 99, "新华日版", "3月13日", None, None),
    ]
    with pytest.raises(BadRows) as caught:
        adoptions.adopt(ws, rulebook, items)
    assert [(p.where, p.reason.split("；")[0]) for p in caught.value.problems] == [
        ("第3行", "稿件编号 99 不存在")
    ]
    assert caught.value.hint.startswith("可用的录用媒体：")
    db = open_ledger(ws.ledger_path)
    assert db["adoptions"].count == 0
    db.close()


@pytest.mark.integration
def test_an_empty_or_unreadable_sheet_is_bad_input_on_the_sheet(
    ws: Workspace, rulebook: Rulebook, tmp_path: Path
) -> None:
    with pytest.raises(BadInput) as empty:
        adoptions.adopt(ws, rulebook, [])
    assert empty.value.field == "sheet"
    book = Workbook()
    book.active.append(["标题"])
    sheet = tmp_path / "表.xlsx"
    book.save(sheet)
    with pytest.raises(BadInput) as unreadable:
        adoptions.adopt_sheet(ws, rulebook, sheet)
    assert unreadable.value.field == "sheet" and "表.xlsx" in str(unreadable.value)


@pytest.mark.integration
def test_withdrawing_what_is_not_on_record_says_what_is(ws: Workspace, rulebook: Rulebook) -> None:
    _adopt(ws, rulebook, "新华日报", "2021-03-12")
    with pytest.raises(NoSuchAdoption) as caught:
        adoptions.unadopt(ws, rulebook, 1, "人民日报")
    refusal = caught.value
    assert (refusal.submission_id, refusal.outlet, refusal.date) == (1, "人民日报", "")
    assert refusal.on_record == ("新华日报 2021-03-12",)


@pytest.mark.integration
def test_withdrawing_twice_is_already_withdrawn_with_when_and_why(ws: Workspace, rulebook: Rulebook) -> None:
    _adopt(ws, rulebook, "新华日报", "2021-03-12")
    adoptions.unadopt(ws, rulebook, 1, "新华日报", reason="重复登记")
    with pytest.raises(AlreadyWithdrawn) as caught:
        adoptions.unadopt(ws, rulebook, 1, "新华日报")
    refusal = caught.value
    assert (refusal.adopted_on, refusal.withdrawn_at, refusal.reason) == (
        "2021-03-12",
        "2021-03-20T10:00:00+08:00",
        "重复登记",
    )


@pytest.mark.integration
def test_two_adoptions_by_one_outlet_are_ambiguous_until_a_date_is_given(
    ws: Workspace, rulebook: Rulebook
) -> None:
    for day in ("2021-03-12", "2021-03-15"):
        _adopt(ws, rulebook, "武进日报", day)
    with pytest.raises(AmbiguousAdoption) as caught:
        adoptions.unadopt(ws, rulebook, 1, "武进日报")
    assert (caught.value.outlet, caught.value.dates) == ("武进日报", ("2021-03-12", "2021-03-15"))
    assert str(caught.value).endswith("请用录用日期指明撤销哪一条。")
    assert say(caught.value).endswith("请用 --date 指明撤销哪一条。")
    with pytest.raises(BadInput) as bad_date:
        adoptions.unadopt(ws, rulebook, 1, "武进日报", date="3月12日")
    assert (bad_date.value.field, bad_date.value.value) == ("date", "3月12日")
    assert adoptions.unadopt(ws, rulebook, 1, "武进日报", date="2021/3/15").adopted_on == "2021-03-15"


@pytest.mark.integration
def test_a_year_out_of_range_or_already_ruled_is_bad_input_on_the_year(ws: Workspace) -> None:
    with pytest.raises(BadInput) as caught:
        parse_year("20x7")
    assert (caught.value.field, caught.value.value) == ("year", "20x7")
    assert say(caught.value).endswith("如 draftdesk rules new 2027。")
    with pytest.raises(BadInput) as exists:
        new_rulebook(ws, 2021)
    assert exists.value.field == "year" and "2021 年的规则文件已存在" in str(exists.value)


def test_every_service_refusal_is_a_desk_error() -> None:
    for cls in (AlreadyWithdrawn, AmbiguousAdoption, BadInput, BadRows, MissingFiles, NoSuchAdoption):
        assert issubclass(cls, DeskError)
    assert issubclass(UnknownDraft, DeskError) and issubclass(UnknownUnit, DeskError)


@pytest.mark.integration
def test_the_desk_words_each_refusal_by_its_form_label_and_never_by_an_option(
    ws: Workspace, rulebook: Rulebook
) -> None:
    from web.wording import say as page_says

    refusals: list[DeskError] = []
    for call in (
        lambda: list_drafts(ws, rulebook, month="2021-13"),
        lambda: adoptions.assign(ws, rulebook, "2021Q1", "火星社区", -1),
        lambda: self_check(ws, rulebook, "湖滨社区", "长篇", [], None),
        lambda: received_time("昨天", rulebook),
    ):
        with pytest.raises(DeskError) as caught:
            call()
        refusals.append(caught.value)
    for day in ("2021-03-12", "2021-03-15"):
        _adopt(ws, rulebook, "武进日报", day)
    with pytest.raises(AmbiguousAdoption) as ambiguous:
        adoptions.unadopt(ws, rulebook, 1, "武进日报")
    refusals.append(ambiguous.value)
    said = [page_says(r) for r in refusals]
    assert said[0] == "月份“2021-13”无法识别，请写成 2021-03 这样的月份。"
    assert said[1].splitlines() == [
        "月份“2021Q1”无法识别，请写成 2021-03 这样的月份。",
        "单位“火星社区”不在规则文件中，请从列表中选择单位。",
        "约稿篇数“-1”不能为负数。",
    ]
    assert said[2] == "稿件类型“长篇”不在规则文件中，请从列表中选择稿件类型。"
    assert said[3].startswith("收稿时间“昨天”")
    assert said[4].endswith("请用“录用日期”一栏指明撤销哪一条。")
    assert not any("--" in s for s in said)


def test_a_refused_rejection_of_an_adopted_draft_names_each_adoption_and_how_each_front_end_withdraws_it() -> (
    None
):
    from web.wording import say as page_say

    refused = StillAdopted(3, "短稿", [("武进日报", "2021-03-12"), ("新华日报", "2021-03-15")])
    assert str(refused) == (
        "稿件 3《短稿》现有录用：武进日报 2021年3月12日、新华日报 2021年3月15日。"
        "退回的稿件不能有录用，因此不能核定为退回，未作任何核定。请先撤销这些录用，再核定。"
    )
    assert say(refused) == (
        f"{refused}（命令：draftdesk unadopt 3 --outlet 武进日报 --date 2021-03-12 --reason 撤销原因；"
        "draftdesk unadopt 3 --outlet 新华日报 --date 2021-03-15 --reason 撤销原因）"
    )
    assert page_say(refused).endswith("请先在“录用登记”页撤销这些录用，再核定。")
    undone = StillAdopted(3, "短稿", [("武进日报", "2021-03-12")], undo=True)
    assert "撤销核定会使稿件恢复为退回，而退回的稿件不能有录用，未作任何核定" in str(undone)
    assert str(undone).endswith("请先撤销这些录用，再撤销核定。")
    assert "--" not in page_say(undone) and issubclass(StillAdopted, DeskError)


@pytest.mark.parametrize(
    ("given", "field", "cli", "web"),
    [
        (("2021Q1", None, None), "month", "--month “2021Q1”不是月份，例如 2021-03。", "月份“2021Q1”不是月份"),
        ((None, "2021-03", None), "quarter", "--quarter “2021-03”不是季度", "季度“2021-03”不是季度"),
        (
            (None, None, None),
            "period",
            "请指定要考核的期间：--month 2021-03、--quarter 2021Q1 或 --year 2021",
            "请指定要考核的期间：月份（如 2021-03）",
        ),
        (
            ("2021-03", None, 2021),
            "period",
            "只能指定一个期间，却同时给了 --month、--year",
            "只能指定一个期间，却同时给了月份、年份",
        ),
    ],
    ids=["month-as-quarter", "quarter-as-month", "none", "two"],
)
def test_a_bad_period_choice_is_bad_input_on_its_field_worded_by_each_front_end(
    given, field, cli, web
) -> None:
    from service.score import period_from
    from web.wording import say as page_say

    with pytest.raises(BadInput) as caught:
        period_from(*given)
    assert caught.value.field == field
    assert say(caught.value).startswith(cli)
    assert page_say(caught.value).startswith(web) and "--" not in page_say(caught.value)


def _the_adoption(ws: Workspace, rulebook: Rulebook) -> adoptions.Recorded:
    [recorded] = adoptions.month_entries(ws, rulebook, "2021-03").live
    return recorded


@pytest.mark.integration
def test_editing_an_adoption_changes_its_date_fee_and_bonus_and_says_what_changed(
    ws: Workspace, rulebook: Rulebook
) -> None:
    _adopt(ws, rulebook, "武进日报", "2021-03-12")
    first = _the_adoption(ws, rulebook)
    edited = adoptions.edit(ws, rulebook, first.id, "2021-03-13", None, 0.4)
    assert edited.changes == ("录用日期由 2021年3月12日 改为 2021年3月13日", "加分由 未填 改为 0.4 分")
    assert (_the_adoption(ws, rulebook).adopted_on, _the_adoption(ws, rulebook).bonus) == ("2021-03-13", 0.4)
    same = adoptions.edit(ws, rulebook, first.id, "2021-03-13", None, 0.4)
    assert same.changed_nothing and same.sentence().startswith("这条录用已经登记过，内容相同，未作任何改动")
    from service.events import list_events

    assert [e.action for e in list_events(ws)] == ["adopt", "adopt_edit"]


@pytest.mark.integration
def test_an_edit_is_refused_before_receipt_on_a_taken_day_or_after_withdrawal(
    ws: Workspace, rulebook: Rulebook
) -> None:
    _adopt(ws, rulebook, "武进日报", "2021-03-12")
    _adopt(ws, rulebook, "武进日报", "2021-03-15")
    first = adoptions.month_entries(ws, rulebook, "2021-03").live[0]
    with pytest.raises(BadInput) as early:
        adoptions.edit(ws, rulebook, first.id, "2021-03-01", None, None)
    assert early.value.field == "adoption" and str(early.value).endswith("未作任何修改。")
    assert "早于" in str(early.value)
    with pytest.raises(BadInput) as taken:
        adoptions.edit(ws, rulebook, first.id, "2021-03-15", None, None)
    assert taken.value.field == "date" and "已登记过这篇稿件的录用" in str(taken.value)
    adoptions.unadopt(ws, rulebook, 1, "武进日报", "2021-03-12", "登记错误")
    with pytest.raises(BadInput) as gone:
        adoptions.edit(ws, rulebook, first.id, "2021-03-13", None, None)
    assert "不存在或已撤销" in str(gone.value)
    entries = adoptions.month_entries(ws, rulebook, "2021-03")
    assert [r.adopted_on for r in entries.live] == ["2021-03-15"]
    assert entries.withdrawn[0].withdrawn == "2021年3月20日 10:00 撤销，原因：登记错误"
