"""Length rules use the body figure and include both boundaries."""

from __future__ import annotations

import pytest

from checks.length import check_length
from tests.factory import draft_value


@pytest.mark.parametrize(
    ("ctype", "zishu", "ok"),
    [
        pytest.param("instant", 199, False, id="instant-199"),
        pytest.param("instant", 200, True, id="instant-200"),
        pytest.param("instant", 500, True, id="instant-500"),
        pytest.param("instant", 501, False, id="instant-501"),
        pytest.param("wechat", 499, False, id="wechat-499"),
        pytest.param("wechat", 800, True, id="wechat-800"),
        pytest.param("wechat", 801, False, id="wechat-801"),
        pytest.param("gov_info", 599, False, id="gov-info-599"),
        pytest.param("gov_info", 1000, True, id="gov-info-1000"),
        pytest.param("research", 4999, False, id="research-4999"),
        pytest.param("research", 5000, True, id="research-5000"),
        pytest.param("research", 20000, True, id="research-no-maximum"),
        pytest.param("media", 10, True, id="media-no-rule"),
    ],
)
def test_length_boundaries(rulebook, ctype, zishu, ok) -> None:
    findings = check_length(draft_value(zishu), rulebook.types[ctype])
    assert (findings == []) is ok
    assert all((f.rule, f.severity) == ("length", "error") for f in findings)


def test_short_draft_message_gives_figure_and_requirement(rulebook) -> None:
    [finding] = check_length(draft_value(187), rulebook.types["instant"])
    assert finding.message.startswith("正文字数 187 字，要求 200–500 字")
    assert "至少 13 字" in finding.message


def test_long_draft_message_says_how_much_to_cut(rulebook) -> None:
    [finding] = check_length(draft_value(532), rulebook.types["instant"])
    assert "正文字数 532 字，要求 200–500 字" in finding.message and "删减至少 32 字" in finding.message


def test_minimum_only_rule_reads_naturally(rulebook) -> None:
    [finding] = check_length(draft_value(4800), rulebook.types["research"])
    assert "正文字数 4800 字，要求不少于 5000 字" in finding.message


def test_whole_text_figure_is_not_what_rules_use(rulebook) -> None:
    draft = draft_value(190, zishu_all=260)
    assert check_length(draft, rulebook.types["instant"]) != []
