"""党委政务信息 needs one of the rulebook's categories; announcements are accepted, never counted."""

from __future__ import annotations

import pytest

from checks.announcement import check_announcement
from checks.category import check_category, match_category
from tests.factory import draft_value


@pytest.mark.parametrize(
    "category",
    ["正面成绩类", "社情民意类", "热点评议类"],
    ids=["positive-results", "public-opinion", "hot-topic-review"],
)
def test_each_category_from_a_category_line(rulebook, category) -> None:
    draft = draft_value(700, metadata={"category": category})
    assert check_category(draft, rulebook.types["gov_info"], None) == (category, [])


@pytest.mark.parametrize(
    ("written", "category"),
    [
        pytest.param("正面成绩", "正面成绩类", id="without-lei"),
        pytest.param("【社情民意】", "社情民意类", id="in-brackets"),
        pytest.param("热点评议类信息", "热点评议类", id="within-a-phrase"),
        pytest.param("经济类", None, id="not-a-category"),
    ],
)
def test_match_category(rulebook, written, category) -> None:
    assert match_category(written, rulebook.types["gov_info"]) == category


def test_category_from_the_folder(rulebook) -> None:
    assert check_category(draft_value(700), rulebook.types["gov_info"], "社情民意类") == ("社情民意类", [])


def test_category_from_a_title_tag(rulebook) -> None:
    draft = draft_value(700, title="【热点评议】关于老旧小区加装电梯的思考")
    assert check_category(draft, rulebook.types["gov_info"], None)[0] == "热点评议类"


def test_missing_category_is_an_error_listing_the_three(rulebook) -> None:
    category, [finding] = check_category(draft_value(700), rulebook.types["gov_info"], None)
    assert category is None
    assert (finding.rule, finding.severity) == ("category", "error")
    assert "正面成绩类、社情民意类、热点评议类" in finding.message and "类别：正面成绩类" in finding.message


def test_unknown_category_quotes_what_was_written(rulebook) -> None:
    draft = draft_value(700, metadata={"category": "经济类"})
    [finding] = check_category(draft, rulebook.types["gov_info"], None)[1]
    assert "“经济类”" in finding.message


def test_types_without_categories_need_none(rulebook) -> None:
    assert check_category(draft_value(300), rulebook.types["instant"], None) == (None, [])


@pytest.mark.parametrize(
    ("title", "notice"),
    [
        pytest.param("关于湖滨社区停水的通知", True, id="tongzhi"),
        pytest.param("湖滨社区2021年度评优结果公示", True, id="gongshi"),
        pytest.param("西湖街道招聘公告", True, id="gonggao"),
        pytest.param("湖滨社区开展垃圾分类宣传活动", False, id="news"),
    ],
)
def test_wechat_announcements(rulebook, title, notice) -> None:
    is_notice, findings = check_announcement(draft_value(600, title=title), rulebook.types["wechat"])
    assert is_notice is notice
    assert [(f.rule, f.severity) for f in findings] == ([("category", "warning")] if notice else [])


def test_announcement_words_apply_only_where_the_rulebook_lists_them(rulebook) -> None:
    assert check_announcement(draft_value(300, title="关于停水的通知"), rulebook.types["instant"]) == (
        False,
        [],
    )
