"""Fees (稿酬), seed 四(一), worked by hand."""

from __future__ import annotations

import hypothesis.strategies as st
from hypothesis import given, settings

from rules import Rulebook, load_rulebook
from rules.periods import Period, parse_period
from scoring.fees import adoption_fee, fee_rule, payments, unpaid
from tests.factory import adoption_row


def test_instant_fee_by_outlet_level(rulebook: Rulebook) -> None:
    assert [
        adoption_fee("instant", level, None, False, rulebook)
        for level in ("district", "city", "province", "national")
    ] == [10, 20, 50, 100]


def test_xuexi_and_gov_info_fees(rulebook: Rulebook) -> None:
    assert adoption_fee("xuexi", "province", None, False, rulebook) == 200
    assert adoption_fee("xuexi", "national", None, False, rulebook) == 300
    assert [
        adoption_fee("gov_info", level, None, False, rulebook)
        for level in ("juece", "district_office", "city_office", "province_office")
    ] == [20, 30, 50, 100]


def test_wechat_fee_is_the_offices_clamped_to_20_to_50(rulebook: Rulebook) -> None:
    assert adoption_fee("wechat", "wechat", 35, False, rulebook) == 35
    assert adoption_fee("wechat", "wechat", 80, False, rulebook) == 50
    assert adoption_fee("wechat", "wechat", 5, False, rulebook) == 20
    assert adoption_fee("wechat", "wechat", None, False, rulebook) == 20


def test_announcement_is_paid_the_minimum_whatever_the_office_gave(rulebook: Rulebook) -> None:
    assert adoption_fee("wechat", "wechat", 45, True, rulebook) == 20


def test_a_level_without_a_fee_for_the_type_pays_nothing(rulebook: Rulebook) -> None:
    assert adoption_fee("gov_info", "national", None, False, rulebook) == 0


def test_fee_is_by_type_and_outlet_an_instant_on_the_wechat_account_pays_nothing(rulebook: Rulebook) -> None:
    # 20–50 元 is 四(一)2 for 微信原创稿件 only; an 即时 piece on the 街道公众号 is not priced.
    assert adoption_fee("wechat", "wechat", 40, False, rulebook, "常州西湖街道") == 40
    rule = fee_rule("instant", "wechat", 40, False, rulebook, "常州西湖街道")
    assert rule.amount == 0
    assert rule.reason == "规则文件未规定即时通讯信息被街道公众号录用的稿酬（四(一)），不发稿酬"
    # A 微信原创 piece picked up by 武进日报 is not priced either (四(一)2 names the account only).
    assert fee_rule("wechat", "district", None, False, rulebook, "武进日报").amount == 0


def test_xuexi_fee_only_on_the_xuexi_platform(rulebook: Rulebook) -> None:
    # 四(一)3: 省级学习强国平台 200, 国家级 300; the same piece printed by 新华日报 (省级) is not a
    # 学习强国 adoption and pays nothing; an instant piece on 学习强国(省级) is 省级 media: 50.
    assert adoption_fee("xuexi", "province", None, False, rulebook, "学习强国（省级）") == 200
    assert adoption_fee("xuexi", "national", None, False, rulebook, "学习强国(国家级)") == 300
    rule = fee_rule("xuexi", "province", None, False, rulebook, "新华日报")
    assert (rule.amount, rule.reason) == (0, "学习强国稿酬只在学习强国平台录用时发放，新华日报不是该平台")
    assert adoption_fee("instant", "province", None, False, rulebook, "学习强国(省级)") == 50


def test_the_report_lists_adoptions_that_pay_nothing_with_why(rulebook: Rulebook) -> None:
    adopted = [
        adoption_row(1, 7, "湖滨社区", "instant", "常州西湖街道", "wechat", "2021-03-02", fee=40),
        adoption_row(2, 8, "湖滨社区", "xuexi", "新华日报", "province", "2021-03-03"),
        adoption_row(3, 9, "湖滨社区", "xuexi", "学习强国(省级)", "province", "2021-03-04"),
        adoption_row(4, 10, "湖滨社区", "wechat", "常州西湖街道", "wechat", "2021-03-05", fee=35),
    ]
    march = parse_period("2021-03")
    assert [(p.submission_id, p.amount) for p in payments(march, adopted, rulebook)] == [(9, 200), (10, 35)]
    assert [(u.submission_id, u.reason[:8]) for u in unpaid(march, adopted, rulebook)] == [
        (7, "规则文件未规定即"),
        (8, "学习强国稿酬只在"),
    ]


def test_a_piece_is_paid_once_at_its_highest_fee(rulebook: Rulebook) -> None:
    # An instant picked up by 武进日报 (10), 常州日报 (20) and 新华日报 (50) in one month: 50 元, once.
    adopted = [
        adoption_row(1, 7, "湖滨社区", "instant", "武进日报", "district", "2021-03-02"),
        adoption_row(2, 7, "湖滨社区", "instant", "常州日报", "city", "2021-03-03"),
        adoption_row(3, 7, "湖滨社区", "instant", "新华日报", "province", "2021-03-04"),
    ]
    paid = payments(parse_period("2021-03"), adopted, rulebook)
    assert [(p.submission_id, p.outlet, p.amount) for p in paid] == [(7, "新华日报", 50)]


def test_a_later_higher_adoption_pays_only_the_difference(rulebook: Rulebook) -> None:
    adopted = [
        adoption_row(1, 7, "湖滨社区", "instant", "武进日报", "district", "2021-03-30"),
        adoption_row(2, 7, "湖滨社区", "instant", "人民日报", "national", "2021-04-02"),
        adoption_row(3, 7, "湖滨社区", "instant", "常州日报", "city", "2021-05-02"),
    ]
    march = payments(parse_period("2021-03"), adopted, rulebook)
    april = payments(parse_period("2021-04"), adopted, rulebook)
    may = payments(parse_period("2021-05"), adopted, rulebook)
    assert [p.amount for p in march] == [10]
    assert [(p.amount, p.paid_before, p.highest_fee) for p in april] == [(90, 10, 100)]
    assert may == []
    assert [p.amount for p in payments(parse_period("2021Q2"), adopted, rulebook)] == [90]
    assert [p.amount for p in payments(parse_period("2021"), adopted, rulebook)] == [100]


_RULES = load_rulebook()
_OUTLETS = sorted(_RULES.outlets.items())
_TYPES = ["instant", "wechat", "xuexi", "gov_info"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 6),
            st.sampled_from(_TYPES),
            st.sampled_from(_OUTLETS),
            st.integers(1, 12),
            st.integers(1, 28),
            st.one_of(st.none(), st.integers(0, 90)),
        ),
        max_size=25,
    )
)
def test_monthly_payments_add_up_to_each_pieces_highest_fee_and_never_pay_twice(rows) -> None:
    piece_type: dict[int, str] = {}
    adopted = []
    for i, (piece, ctype, (outlet, level), month, day, fee) in enumerate(rows):
        ctype = piece_type.setdefault(piece, ctype)
        adopted.append(
            adoption_row(i, piece, "湖滨社区", ctype, outlet, level, f"2021-{month:02d}-{day:02d}", fee=fee)
        )
    monthly: dict[int, float] = {}
    for month in range(1, 13):
        paid = payments(Period(2021, "month", month), adopted, _RULES)
        assert len({p.submission_id for p in paid}) == len(paid)
        for p in paid:
            monthly[p.submission_id] = monthly.get(p.submission_id, 0) + p.amount
    yearly = {p.submission_id: p.amount for p in payments(Period(2021, "year"), adopted, _RULES)}
    assert monthly == yearly
    for piece, amount in yearly.items():
        fees = [
            adoption_fee(a.content_type, a.level, a.fee, False, _RULES, a.outlet)
            for a in adopted
            if a.submission_id == piece
        ]
        assert amount == max(fees)


def test_a_withdrawal_after_its_period_was_paid_is_taken_back_in_the_next_report(rulebook: Rulebook) -> None:
    """Issue 12's replay: 湖滨社区's 即时 piece adopted by 武进日报 on 5月20日 (区级, 10 元) is
    paid in May; the office withdraws it on 7月3日. July's report takes the 10 元 back; June's
    is untouched, and May re-run simply no longer pays it."""
    import datetime as dt

    from scoring.report import score_period
    from scoring.rows import ScoringRows, WithdrawalRow

    wrong = adoption_row(1, 7, "湖滨社区", "instant", "武进日报", "district", "2021-05-20")
    withdrawn = [WithdrawalRow(wrong, dt.date(2021, 7, 3), "登记错误")]
    may = score_period(parse_period("2021-05"), rulebook, ScoringRows((), [wrong]))
    june = score_period(parse_period("2021-06"), rulebook, ScoringRows(), (), withdrawn)
    july = score_period(parse_period("2021-07"), rulebook, ScoringRows(), (), withdrawn)
    assert may.fees_total == 10
    assert (june.adjustments, june.fees_total) == ((), 0)
    [back] = july.adjustments
    assert (back.submission_id, back.amount, back.reason) == (7, -10, "登记错误")
    assert july.fees_total == -10
    assert {u.unit: u.fees for u in july.units}["湖滨社区"] == -10


def test_a_withdrawn_adoption_outranked_by_another_takes_nothing_back(rulebook: Rulebook) -> None:
    import datetime as dt

    from scoring.report import score_period
    from scoring.rows import ScoringRows, WithdrawalRow

    # Paid once at its highest fee (常州日报, 市级 20 元): withdrawing the 区级 one changes nothing.
    low = adoption_row(1, 7, "湖滨社区", "instant", "武进日报", "district", "2021-05-20")
    high = adoption_row(2, 7, "湖滨社区", "instant", "常州日报", "city", "2021-05-21")
    july = score_period(
        parse_period("2021-07"),
        rulebook,
        ScoringRows((), [high]),
        (),
        [WithdrawalRow(low, dt.date(2021, 7, 3))],
    )
    assert july.adjustments == ()
