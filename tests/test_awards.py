"""先进单位 / 先进个人 (seed 四(二))."""

from __future__ import annotations

import datetime as dt

from rules import Rulebook
from scoring.awards import officer_names, piece_levels, rank_officers, rank_units, shared_places
from tests.factory import adoption_row

END = dt.date(2021, 12, 31)


def test_units_rank_by_adopted_pieces_and_top_places_get_500(rulebook: Rulebook) -> None:
    adopted = [
        adoption_row(1, 1, "湖滨社区", "instant", "武进日报", "district", "2021-02-01"),
        adoption_row(2, 2, "湖滨社区", "instant", "武进日报", "district", "2021-03-01"),
        adoption_row(3, 3, "建设局", "instant", "人民日报", "national", "2021-03-01"),
        adoption_row(4, 3, "建设局", "instant", "武进日报", "district", "2021-03-02"),
        adoption_row(5, 4, "网格办", "instant", "常州日报", "city", "2021-04-01"),
        adoption_row(6, 5, "派出所", "instant", "武进日报", "district", "2021-04-01"),
    ]
    ranked = rank_units(adopted, [u.name for u in rulebook.units], 2021, END, rulebook, give_awards=True)
    top = [(s.unit, s.pieces, s.rank, s.award) for s in ranked[:5]]
    # 建设局's one piece counts once (at national); 网格办 (city) beats 派出所 (district) on the tie.
    assert top == [
        ("湖滨社区", 2, 1, 500),
        ("建设局", 1, 2, 500),
        ("网格办", 1, 3, 500),
        ("派出所", 1, 4, 0),
        ("办公室", 0, 5, 0),
    ]
    assert {s.rank for s in ranked if s.pieces == 0} == {5}  # equal results share a place, as in the workbook


def test_announcements_and_other_years_do_not_count(rulebook: Rulebook) -> None:
    adopted = [
        adoption_row(1, 1, "湖滨社区", "wechat", "常州西湖街道", "wechat", "2021-02-01", is_announcement=1),
        adoption_row(2, 2, "湖滨社区", "instant", "武进日报", "district", "2020-12-30"),
    ]
    ranked = rank_units(adopted, ["湖滨社区"], 2021, END, rulebook, give_awards=True)
    assert (ranked[0].pieces, ranked[0].award) == (0, 0)


def test_no_award_outside_a_year_report(rulebook: Rulebook) -> None:
    adopted = [adoption_row(1, 1, "湖滨社区", "instant", "武进日报", "district", "2021-02-01")]
    ranked = rank_units(adopted, ["湖滨社区"], 2021, END, rulebook, give_awards=False)
    assert (ranked[0].rank, ranked[0].award) == (1, 0)


def test_officers_get_300_and_shared_bylines_credit_each(rulebook: Rulebook) -> None:
    adopted = [
        adoption_row(1, 1, "湖滨社区", "instant", "武进日报", "district", "2021-02-01", officer="张三、李四"),
        adoption_row(2, 2, "湖滨社区", "instant", "新华日报", "province", "2021-03-01", officer="张三"),
    ]
    ranked = rank_officers(adopted, [("蠡河社区", "王五")], 2021, END, rulebook, give_awards=True)
    assert [(s.name, s.unit, s.pieces, s.rank, s.award) for s in ranked] == [
        ("张三", "湖滨社区", 2, 1, 300),
        ("李四", "湖滨社区", 1, 2, 300),
        ("王五", "蠡河社区", 0, 3, 0),
    ]


def test_byline_names_split_on_chinese_separators() -> None:
    assert officer_names(" 张三、李四，王五 ") == ["张三", "李四", "王五"]
    assert officer_names("") == []


def test_each_place_carries_the_figures_behind_it() -> None:
    from scoring.awards import Standing

    assert (
        Standing("湖滨社区", "湖滨社区", 3, {"national": 1, "district": 2}).basis
        == "录用 3 篇（国家级 1、区级 2）"
    )
    assert Standing("办公室", "办公室", 0).basis == "录用 0 篇"


def test_equal_results_share_a_place_and_the_next_place_is_skipped() -> None:
    assert shared_places([(-1.0, -5), (-1.0, -5), (-0.5, 0), (0.0, 0), (0.0, 0), (0.0, 0), (0.0, 1)]) == [
        1,
        1,
        3,
        4,
        4,
        4,
        7,
    ]
    assert shared_places([]) == []


def test_a_piece_adopted_twice_in_a_period_is_one_piece_at_its_highest_level() -> None:
    adopted = [
        adoption_row(1, 1, "湖滨社区", "instant", "武进日报", "district", "2021-03-04"),
        adoption_row(2, 1, "湖滨社区", "instant", "常州日报", "city", "2021-03-06"),
        adoption_row(3, 2, "湖滨社区", "xuexi", "学习强国(省级)", "province", "2021-03-14"),
        adoption_row(4, 3, "建设局", "instant", "人民日报", "national", "2021-04-01"),  # next month
    ]
    levels = piece_levels(adopted, dt.date(2021, 3, 1), dt.date(2021, 3, 31))
    assert sorted(levels) == ["city", "province"]
