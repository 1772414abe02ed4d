"""Unit, type and category come from the inbox path, then the file name, then the draft's head."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from checks.identity import identify
from checks.inbox_place import name_tags
from tests.factory import draft_value


@pytest.mark.parametrize(
    ("relpath", "unit", "ctype", "category"),
    [
        pytest.param(
            "湖滨社区/即时通讯信息/稿件.docx", "湖滨社区", "instant", None, id="unit-and-type-folders"
        ),
        pytest.param("湖滨/快讯/稿件.docx", "湖滨社区", "instant", None, id="aliases-for-unit-and-type"),
        pytest.param("审批局/公众号/稿件.docx", "行政审批局", "wechat", None, id="bureau-alias"),
        pytest.param("湖滨社区/学习强国/一组稿件", "湖滨社区", "xuexi", None, id="bundle-folder"),
        pytest.param("湖滨社区/强国/一组稿件.zip", "湖滨社区", "xuexi", None, id="bundle-zip"),
        pytest.param(
            "湖滨社区/【即时信息】社区开展活动.docx",
            "湖滨社区",
            "instant",
            None,
            id="tag-in-lenticular-brackets",
        ),
        pytest.param(
            "湖滨社区/[微信]社区开展活动.docx", "湖滨社区", "wechat", None, id="tag-in-square-brackets"
        ),
        pytest.param("湖滨社区/即时-社区开展活动.docx", "湖滨社区", "instant", None, id="tag-with-dash"),
        pytest.param(
            "湖滨社区/即时_社区开展活动.docx", "湖滨社区", "instant", None, id="tag-with-underscore"
        ),
        pytest.param("湖滨社区/快讯：社区开展活动.docx", "湖滨社区", "instant", None, id="tag-with-colon"),
        pytest.param(
            "湖滨社区/调研报告-关于老旧小区改造的调研.docx", "湖滨社区", "research", None, id="research-tag"
        ),
        pytest.param(
            "湖滨社区/党委政务信息/正面成绩类/稿件.docx",
            "湖滨社区",
            "gov_info",
            "正面成绩类",
            id="category-sub-folder",
        ),
        pytest.param(
            "湖滨社区/政务信息/社情民意/稿件.docx",
            "湖滨社区",
            "gov_info",
            "社情民意类",
            id="category-sub-folder-without-lei",
        ),
        pytest.param(
            "湖滨社区/热点评议类/稿件.docx",
            "湖滨社区",
            "gov_info",
            "热点评议类",
            id="category-folder-implies-type",
        ),
        pytest.param(
            "湖滨社区/【政务信息】【正面成绩】稿件.docx",
            "湖滨社区",
            "gov_info",
            "正面成绩类",
            id="category-tag",
        ),
    ],
)
def test_identity_from_path(rulebook, relpath, unit, ctype, category) -> None:
    identity = identify(PurePosixPath(relpath), None, rulebook)
    assert (identity.unit, identity.content_type, identity.category) == (unit, ctype, category)
    assert identity.findings == ()


def test_type_folder_wins_over_name_tag_and_head(rulebook) -> None:
    draft = draft_value(metadata={"type": "微信原创稿件"})
    identity = identify(PurePosixPath("湖滨社区/即时/【学习强国】稿件.docx"), draft, rulebook)
    assert identity.content_type == "instant"


def test_type_from_the_draft_head_when_path_and_name_say_nothing(rulebook) -> None:
    draft = draft_value(metadata={"type": "微信原创稿件（公众号）"})
    identity = identify(PurePosixPath("湖滨社区/稿件.docx"), draft, rulebook)
    assert (identity.unit, identity.content_type, identity.findings) == ("湖滨社区", "wechat", ())


def test_unknown_type_folder_falls_back_to_the_name_tag(rulebook) -> None:
    identity = identify(PurePosixPath("湖滨社区/三月份/【即时】稿件.docx"), None, rulebook)
    assert (identity.content_type, identity.findings) == ("instant", ())


def test_note_lists_valid_units_when_unit_is_unknown(rulebook) -> None:
    identity = identify(PurePosixPath("湖东社区/即时/稿件.docx"), None, rulebook)
    assert identity.unit is None
    [finding] = identity.findings
    assert (finding.rule, finding.severity) == ("identity", "error")
    assert "“湖东社区”" in finding.message
    assert "湖滨社区（湖滨）" in finding.message and "交警中队" in finding.message


def test_note_lists_valid_types_with_aliases_when_type_is_missing(rulebook) -> None:
    identity = identify(PurePosixPath("湖滨社区/杂项/稿件.docx"), draft_value(), rulebook)
    assert identity.content_type is None
    [finding] = identity.findings
    assert finding.rule == "identity" and finding.severity == "error"
    assert "“杂项”" in finding.message
    assert (
        "即时通讯信息（即时信息、即时、快讯" in finding.message
        and "专题调研报告（调研报告、调研）" in finding.message
    )


def test_outside_the_inbox_unit_comes_from_the_head(rulebook) -> None:
    draft = draft_value(metadata={"unit": "西湖街道湖滨社区", "type": "即时信息"})
    identity = identify(None, draft, rulebook)
    assert (identity.unit, identity.content_type, identity.findings) == ("湖滨社区", "instant", ())


def test_outside_the_inbox_unit_from_a_name_tag(rulebook) -> None:
    draft = draft_value(source_name="【湖滨社区】【即时】稿件.docx")
    identity = identify(None, draft, rulebook)
    assert (identity.unit, identity.content_type) == ("湖滨社区", "instant")


def test_outside_the_inbox_without_a_unit_is_an_identity_error(rulebook) -> None:
    draft = draft_value(source_name="【即时】稿件.docx", title="开展垃圾分类宣传活动")
    identity = identify(None, draft, rulebook)
    assert identity.unit is None and identity.content_type == "instant"
    [finding] = identity.findings
    assert finding.rule == "identity" and finding.message.startswith(
        "无法确定报送单位：稿件不在收件箱中，文件名、标题、署名和文中各行都没有已登记的单位名称或简称，"
    )
    assert "请用 --unit 指定报送单位" in finding.message


def test_outside_the_inbox_a_unit_named_in_the_title_is_taken_with_a_warning_saying_where(rulebook) -> None:
    identity = identify(None, draft_value(source_name="【即时】稿件.docx"), rulebook)
    assert (identity.unit, identity.content_type) == ("湖滨社区", "instant")
    [finding] = identity.findings
    assert finding.severity == "warning"
    assert finding.message.startswith(
        "稿件不在收件箱中，按标题中的“湖滨社区”认定报送单位为湖滨社区；如有误，请用 --unit"
    )


def test_outside_the_inbox_an_alias_anywhere_in_the_file_name_names_the_unit(rulebook) -> None:
    draft = draft_value(source_name="3月12日湖滨垃圾分类.docx", title="开展垃圾分类宣传活动")
    identity = identify(None, draft, rulebook)
    assert identity.unit == "湖滨社区"
    assert "文件名中的“湖滨”" in identity.findings[0].message


def test_outside_the_inbox_two_units_named_are_both_listed_and_unit_is_asked_for(rulebook) -> None:
    draft = draft_value(source_name="【即时】湖滨垃圾分类.docx", title="塔下社区开展垃圾分类宣传活动")
    identity = identify(None, draft, rulebook)
    assert identity.unit is None
    [finding] = identity.findings
    assert finding.severity == "error"
    assert "出现了多个单位：湖滨社区（文件名中的“湖滨”）；塔下社区（标题中的“塔下社区”）" in finding.message
    assert "请用 --unit 指定报送单位" in finding.message


def test_given_unit_and_type_aliases_decide_outside_the_inbox(rulebook) -> None:
    draft = draft_value(source_name="稿件.docx", title="塔下社区开展垃圾分类宣传活动")
    identity = identify(None, draft, rulebook, unit="湖滨", content_type="微信")
    assert (identity.unit, identity.content_type, identity.findings) == ("湖滨社区", "wechat", ())


def test_a_file_loose_in_the_inbox_is_told_to_use_a_folder_not_an_option(rulebook) -> None:
    draft = draft_value(source_name="稿件.docx", title="开展垃圾分类宣传活动")
    identity = identify(PurePosixPath("稿件.docx"), draft, rulebook)
    unit_msg, type_msg = (f.message for f in identity.findings)
    assert "稿件不在某个单位的文件夹中" in unit_msg and "--unit" not in unit_msg
    assert "--type" not in type_msg and "稿件不在收件箱的类型文件夹中" not in type_msg


def test_head_naming_another_unit_is_a_warning_and_the_folder_counts(rulebook) -> None:
    draft = draft_value(metadata={"unit": "塔下社区"})
    identity = identify(PurePosixPath("湖滨社区/即时/稿件.docx"), draft, rulebook)
    assert identity.unit == "湖滨社区"
    [finding] = identity.findings
    assert finding.severity == "warning" and "塔下社区" in finding.message


@pytest.mark.parametrize(
    ("name", "tags"),
    [
        pytest.param("【即时信息】【湖滨社区】标题.docx", ["即时信息", "湖滨社区"], id="two-bracket-tags"),
        pytest.param("湖滨-即时-标题.docx", ["湖滨", "即时"], id="dash-segments"),
        pytest.param("标题.docx", [], id="no-tag"),
        pytest.param("［微信］ 标题.DOCX", ["微信"], id="full-width-brackets-upper-suffix"),
    ],
)
def test_name_tags(name, tags) -> None:
    assert name_tags(name) == tags
