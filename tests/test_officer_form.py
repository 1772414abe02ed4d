"""附件2 信息员推荐表 read from its table cells, and registered into the ledger."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from extractors.officer_form import read_officer_form
from intake.officers import register_officer_form
from ledger.assessment import read_officers
from ledger.schema import open_ledger
from rules import Rulebook

RECEIVED = dt.datetime(2021, 3, 14, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def officer_form(name: str = "张三", mobile: str = "13800000000", merge_unit: bool = False) -> bytes:
    """The seed's 附件2 table, filled in: label cells each followed by a value cell."""
    doc = Document()
    doc.add_paragraph("西湖街道信息员推荐表")
    doc.add_paragraph("编号：")
    rows = [
        ["工作单位", "湖滨社区", "主管领导", "李书记", "联系电话", "0519-86000000"],
        ["通讯员姓名", name, "性别", "女", "出生年月", "1990.05"],
        ["政治面貌", "中共党员", "个人手机", mobile, "QQ", "12345678"],
        ["学 历", "本科", "职 务", "社工", "微信", "zhangsan_wx"],
        ["本人签名：", "", "日 期：", "", "", ""],
    ]
    table = doc.add_table(rows=len(rows), cols=6)
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    if merge_unit:  # units often merge the value cell across the rest of the row
        table.cell(0, 1).merge(table.cell(0, 2))
        table.cell(0, 1).text = "湖滨社区"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_every_field_is_read_from_the_cell_after_its_label() -> None:
    fields = read_officer_form(officer_form())
    assert fields == {
        "unit": "湖滨社区",
        "leader": "李书记",
        "phone": "0519-86000000",
        "name": "张三",
        "gender": "女",
        "birth": "1990.05",
        "politics": "中共党员",
        "mobile": "13800000000",
        "qq": "12345678",
        "education": "本科",
        "position": "社工",
        "wechat": "zhangsan_wx",
    }


def test_a_merged_value_cell_is_read_once() -> None:
    fields = read_officer_form(officer_form(merge_unit=True))
    assert fields["unit"] == "湖滨社区"
    assert fields["name"] == "张三"


def test_a_draft_is_not_an_officer_form() -> None:
    doc = Document()
    doc.add_paragraph("湖滨社区开展垃圾分类宣传活动")
    buf = io.BytesIO()
    doc.save(buf)
    with pytest.raises(ValueError, match="不是信息员推荐表"):
        read_officer_form(buf.getvalue())


def test_garbage_bytes_give_a_chinese_message(rulebook: Rulebook) -> None:
    with pytest.raises(ValueError, match="文件无法打开"):
        read_officer_form(b"not a word file at all")
    with pytest.raises(ValueError, match="文件"):
        read_officer_form(b"", rulebook.limits)


def test_an_empty_name_is_refused() -> None:
    with pytest.raises(ValueError, match="未填写"):
        read_officer_form(officer_form(name=""))


@pytest.mark.integration
def test_registering_a_form_writes_the_officer_and_again_updates_it(tmp_path, rulebook: Rulebook) -> None:
    db = open_ledger(tmp_path / "ledger.db")
    ok, message = register_officer_form(db, "湖滨社区", officer_form(), RECEIVED, rulebook.limits)
    assert (ok, message) == (True, "已登记信息员 张三")
    ok, _ = register_officer_form(db, "湖滨社区", officer_form(mobile="13911112222"), RECEIVED)
    assert ok
    officers = read_officers(db)
    assert len(officers) == 1
    assert (officers[0]["unit"], officers[0]["name"], officers[0]["mobile"]) == (
        "湖滨社区",
        "张三",
        "13911112222",
    )
    assert officers[0]["registered_at"] == "2021-03-14T09:30:00+08:00"


@pytest.mark.integration
def test_a_bad_form_registers_nobody(tmp_path) -> None:
    db = open_ledger(tmp_path / "ledger.db")
    ok, message = register_officer_form(db, "湖滨社区", b"\x00" * 10, RECEIVED)
    assert not ok
    assert "文件" in message
    assert read_officers(db) == []
