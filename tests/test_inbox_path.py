"""InboxPath: the one parser of an inbox path — unit, type (folder, alias, category, name tag),
bundle, officer form, junk and the receipt folder, and what the inventory looks into."""

from __future__ import annotations

import pytest

from intake.inbox_path import InboxPath


@pytest.mark.parametrize(
    ("relpath", "unit", "content_type"),
    [
        ("湖滨社区/即时通讯信息/稿.docx", "湖滨社区", "instant"),
        ("湖滨社区/即时/稿.docx", "湖滨社区", "instant"),  # an alias folder
        ("湖滨社区/【即时信息】标题.docx", "湖滨社区", "instant"),  # a name tag
        ("湖滨社区/[微信]标题.docx", "湖滨社区", "wechat"),
        ("湖滨社区/即时-标题.docx", "湖滨社区", "instant"),
        ("办公室/党委政务信息/正面成绩类/稿.docx", "办公室", "gov_info"),
        ("湖滨社区/杂项/稿.docx", "湖滨社区", None),
        ("不是单位/即时/稿.docx", None, "instant"),
        ("稿.docx", None, None),
    ],
)
def test_unit_and_type_come_from_folders_aliases_and_name_tags(rulebook, relpath, unit, content_type) -> None:
    where = InboxPath.parse(relpath, rulebook)
    assert (where.unit, where.content_type) == (unit, content_type)
    assert (where.role, where.kind) == ("item", "file")


def test_a_category_folder_names_its_category_and_the_bad_type_folder_is_kept(rulebook) -> None:
    assert InboxPath.parse("办公室/党委政务信息/正面成绩类/稿.docx", rulebook).place.category == "正面成绩类"
    assert InboxPath.parse("湖滨社区/杂项/稿.docx", rulebook).place.bad_type_folder == "杂项"


@pytest.mark.parametrize(
    ("relpath", "is_dir", "role", "kind"),
    [
        ("湖滨社区", True, "container", None),
        ("湖滨社区/即时通讯信息", True, "container", None),
        ("湖滨社区/即时通讯信息/活动", True, "item", "bundle"),
        ("湖滨社区/即时通讯信息/活动.zip", False, "item", "file"),
        ("办公室/党委政务信息/正面成绩类", True, "container", None),
        ("办公室/党委政务信息/正面成绩类/组稿", True, "item", "bundle"),
        ("湖滨社区/信息员/表.docx", False, "item", "officer_form"),
        ("湖滨社区/回执", True, "ignored", None),
        ("湖滨社区/回执/1_稿.docx.合格.txt", False, "ignored", None),
        ("湖滨社区/即时通讯信息/~$稿.docx", False, "ignored", None),
        ("湖滨社区/即时通讯信息/稿.docx.part", False, "ignored", None),
        ("湖滨社区/.hidden/稿.docx", False, "ignored", None),
    ],
)
def test_each_entry_is_a_container_an_item_or_ignored(rulebook, relpath, is_dir, role, kind) -> None:
    where = InboxPath.parse(relpath, rulebook, is_dir=is_dir)
    assert (where.role, where.kind) == (role, kind)


def test_bundles_officer_forms_junk_and_receipts_are_named_flags(rulebook) -> None:
    assert InboxPath.parse("湖滨社区/即时通讯信息/活动", rulebook, is_dir=True).bundle
    assert InboxPath.parse("湖滨社区/即时通讯信息/活动.ZIP", rulebook).bundle
    assert not InboxPath.parse("湖滨社区/即时通讯信息/活动.docx", rulebook).bundle
    assert InboxPath.parse("湖滨社区/信息员/表.docx", rulebook).officer_form
    assert InboxPath.parse("湖滨社区/即时通讯信息/~$稿.docx", rulebook).junk
    assert InboxPath.parse("湖滨社区/回执/x.txt", rulebook).receipt
    assert InboxPath.parse("湖滨社区/信息员/表.docx", rulebook).key == "湖滨社区/信息员/表.docx"


def test_the_receipt_folder_is_the_rulebooks(rulebook) -> None:
    import dataclasses

    renamed = dataclasses.replace(
        rulebook, intake=dataclasses.replace(rulebook.intake, receipt_folder="反馈")
    )
    assert InboxPath.parse("湖滨社区/反馈/x.txt", renamed).role == "ignored"
    assert InboxPath.parse("湖滨社区/回执/x.txt", renamed).role == "item"


def test_the_flow_labels_and_tags_runs_by_the_parsed_unit_and_type(rulebook) -> None:
    from flows.intake_flow import _label, _tags_for

    keys = ["湖滨/即时/稿.docx", "塔下社区/【微信】标题.docx", "loose.docx"]
    assert _label(keys, rulebook) == "湖滨社区/稿.docx 等 3 件"
    assert _tags_for(keys, rulebook) == [
        "unit:湖滨社区",
        "type:即时通讯信息",
        "unit:塔下社区",
        "type:微信原创稿件",
        "unit:_未知单位",
    ]


def test_a_second_item_of_the_same_name_is_numbered_before_its_extension_a_bundle_whole(tmp_path) -> None:
    from pathlib import PurePosixPath

    from intake.inbox_path import free_place

    place = PurePosixPath("湖滨社区/即时通讯信息/稿件.docx")
    assert free_place(tmp_path, place, bundle=False) == place
    (tmp_path / place.parent).mkdir(parents=True)
    (tmp_path / place).write_bytes(b"")
    (tmp_path / place.with_name("稿件（2）.docx")).write_bytes(b"")
    assert free_place(tmp_path, place, bundle=False) == place.with_name("稿件（3）.docx")
    bundle = PurePosixPath("湖滨社区/即时通讯信息/2.0版活动")
    (tmp_path / bundle).mkdir()
    assert free_place(tmp_path, bundle, bundle=True) == bundle.with_name("2.0版活动（2）")
