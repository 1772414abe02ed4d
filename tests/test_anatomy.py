"""Title, metadata lines, byline, captions and body are told apart on strings (SPEC §4)."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.anatomy import is_byline, is_caption, parse_date, parse_metadata_line, split_anatomy


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("报送单位：湖滨社区", {"unit": "湖滨社区"}),
        ("报送单位:湖滨社区", {"unit": "湖滨社区"}),
        ("稿件类型：即时信息", {"type": "即时信息"}),
        ("信息类别：社情民意类", {"category": "社情民意类"}),
        ("类别：正面成绩类", {"category": "正面成绩类"}),
        ("拟发布日期：2021年3月15日", {"publish_date": "2021年3月15日"}),
        ("发布日期: 2021-03-15", {"publish_date": "2021-03-15"}),
        (
            "撰稿：张三  审核：李四  联系电话：13800000000",
            {"writer": "张三", "reviewer": "李四", "phone": "13800000000"},
        ),
        ("作者：王五；通讯员：赵六", {"author": "王五", "correspondent": "赵六"}),
        ("供稿：湖滨社区 摄影：钱七", {"contributor": "湖滨社区", "photographer": "钱七"}),
        ("电话：0519-1234567", {"phone": "0519-1234567"}),
    ],
    ids=[
        "unit",
        "half-width-colon",
        "type",
        "info-category",
        "category",
        "publish",
        "publish-iso",
        "three-on-a-line",
        "semicolon",
        "contributor-photographer",
        "phone",
    ],
)
def test_metadata_lines_are_parsed_to_normalised_keys(line: str, expected: dict[str, str]) -> None:
    assert parse_metadata_line(line) == expected


def test_a_body_sentence_mentioning_a_label_later_is_not_metadata() -> None:
    assert parse_metadata_line("社区向居民公布了联系电话：12345") is None


@pytest.mark.parametrize("text", ["（湖滨社区 张三）", "(湖滨社区 张三 李四)", "（通讯员 王五）"])
def test_parenthesised_group_alone_is_a_byline(text: str) -> None:
    assert is_byline(text)


def test_parenthesis_inside_a_sentence_is_not_a_byline() -> None:
    assert not is_byline("（湖滨社区）开展活动（张三）")


@pytest.mark.parametrize(
    "text",
    [
        "图为志愿者入户宣传",
        "图：活动现场",
        "图片：活动现场",
        "图1 活动现场",
        "（图为活动现场）",
        "▲活动现场",
        "图二：合影",
    ],
)
def test_caption_prefixes(text: str) -> None:
    assert is_caption(text)


def test_body_paragraph_starting_with_tu_is_not_a_caption() -> None:
    assert not is_caption("图书馆开展读书活动")


def test_split_puts_each_paragraph_in_its_role() -> None:
    texts = [
        "报送单位：湖滨社区",
        "湖滨社区开展垃圾分类宣传",
        "（湖滨社区 张三）",
        "",
        "3月12日上午，社区开展活动。",
        "图为活动现场",
        "居民积极参与。",
        "审核：李四",
    ]
    a = split_anatomy(texts)
    assert a.title == 1
    assert a.metadata_lines == [0, 7]
    assert a.byline == 2
    assert a.captions == [5]
    assert a.body == [4, 6]
    assert a.metadata == {"unit": "湖滨社区", "reviewer": "李四"}


def test_title_is_never_taken_from_a_text_box() -> None:
    a = split_anatomy(["文本框里的字", "真正的标题", "正文"], main=[False, True, True])
    assert a.title == 1
    assert a.body == [0, 2]


def test_publish_date_forms() -> None:
    assert parse_date("2021年3月15日") == dt.date(2021, 3, 15)
    assert parse_date("2021.3.5") == dt.date(2021, 3, 5)
    assert parse_date("２０２１－０３－１５") == dt.date(2021, 3, 15)
    assert parse_date("3月15日", default_year=2021) == dt.date(2021, 3, 15)
    assert parse_date("3月15日") is None
    assert parse_date("2021年2月30日") is None


def test_form_like_head_table_gives_metadata_from_the_next_cell() -> None:
    texts = ["报送单位", "湖滨社区", "稿件类型：", "即时信息", "社区开展活动", "正文内容"]
    a = split_anatomy(texts, main=[False, False, False, False, True, True])
    assert a.metadata == {"unit": "湖滨社区", "type": "即时信息"}
    assert a.metadata_lines == [0, 1, 2, 3]
    assert (a.title, a.body) == (4, [5])


def test_title_comes_from_the_body_before_a_table_cell() -> None:
    a = split_anatomy(["表格里的字", "标题", "正文"], main=[False, True, True])
    assert (a.title, a.body) == (1, [0, 2])


def test_table_only_document_still_has_a_title() -> None:
    assert split_anatomy(["单元格一", "单元格二"], main=[False, False]).title == 0


def test_byline_at_the_tail_is_found_too() -> None:
    a = split_anatomy(["标题", "正文", "（湖滨社区 张三）"])
    assert (a.byline, a.body) == (2, [1])


def test_an_empty_value_cell_does_not_swallow_the_next_label() -> None:
    a = split_anatomy(["报送单位", "稿件类型", "即时信息", "标题", "正文"])
    assert a.metadata == {"type": "即时信息"}
    assert (a.title, a.body) == (3, [4])
