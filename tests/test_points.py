"""Points for 社区、村 (seed 三.2), worked by hand."""

from __future__ import annotations

import hypothesis.strategies as st
from hypothesis import given, settings

from rules import Rulebook, load_rulebook
from rules.periods import Period, parse_period
from scoring.completion import unit_completion
from scoring.points import clamp_bonus, unit_points
from scoring.rows import ScoringRows
from tests.factory import adoption_row, submission_row


def _points(rulebook: Rulebook, unit_name: str, period: str, subs=(), adoptions=()):
    unit = rulebook.unit_named(unit_name)
    report = parse_period(period)
    rows = ScoringRows(list(subs), list(adoptions))
    done = unit_completion(unit, report, rulebook, rows)
    return unit_points(unit, report, rulebook, done, rows)


def test_quarter_deductions_add_up_per_missing_piece(rulebook: Rulebook) -> None:
    # 湖滨社区, Q1: instants in January and March only (−0.1 for February), no wechat (−0.2),
    # no adopted xuexi (−0.5): −0.8.
    subs = [
        submission_row(1, "湖滨社区", "instant", "2021-01-12T10:00"),
        submission_row(2, "湖滨社区", "instant", "2021-03-12T10:00"),
    ]
    points = _points(rulebook, "湖滨社区", "2021Q1", subs)
    assert points.as_dict()["deductions"] == -0.8
    assert points.as_dict()["total"] == -0.8
    assert points.details == (
        "即时通讯信息少1篇，-0.1分",
        "微信原创稿件少1篇，-0.2分",
        "学习强国少1篇，-0.5分",
    )


def test_bureaus_have_no_points(rulebook: Rulebook) -> None:
    points = _points(rulebook, "建设局", "2021Q1")
    assert not points.applies
    assert points.as_dict()["total"] == 0


def test_extra_adopted_xuexi_and_media_leads_are_capped_at_one_and_a_half(rulebook: Rulebook) -> None:
    # Four xuexi pieces adopted in Q1 (quota 1): +1.5 for three extra; a media lead marked 0.5
    # the same quarter would make 2.0, but all bonuses together stop at 1.5.
    adopted = [
        adoption_row(i, i, "湖滨社区", "xuexi", "学习强国(省级)", "province", f"2021-02-{i:02d}")
        for i in range(1, 5)
    ]
    adopted.append(adoption_row(9, 9, "湖滨社区", "media", "武进日报", "district", "2021-03-05", bonus=0.5))
    q1 = _points(rulebook, "湖滨社区", "2021Q1", (), adopted)
    assert (q1.extra_bonus, q1.media_bonus, q1.bonus) == (150, 50, 150)
    # No instant or wechat in Q1: −0.3 − 0.2, so the quarter nets +1.0.
    assert (q1.as_dict()["bonus"], q1.as_dict()["deductions"], q1.as_dict()["total"]) == (1.5, -0.5, 1.0)
    # Q2: another media lead, but the year's cap is already reached.
    adopted.append(adoption_row(10, 10, "湖滨社区", "media", "常州日报", "city", "2021-04-05", bonus=0.4))
    adopted += [
        adoption_row(20 + i, 20 + i, "湖滨社区", "xuexi", "学习强国(省级)", "province", "2021-05-01")
        for i in range(1)
    ]
    q2 = _points(rulebook, "湖滨社区", "2021Q2", (), adopted)
    assert (q2.media_bonus, q2.bonus) == (40, 0)
    assert _points(rulebook, "湖滨社区", "2021", (), adopted).bonus == 150


def test_monthly_bonuses_stop_at_the_cap_for_the_year_to_date(rulebook: Rulebook) -> None:
    marks = [("2021-01-10", 0.4), ("2021-02-10", 0.5), ("2021-03-10", 0.5), ("2021-04-10", 0.5)]
    adopted = [
        adoption_row(i, i, "仕尚村委", "media", "武进日报", "district", day, bonus=b)
        for i, (day, b) in enumerate(marks, 1)
    ]
    bonuses = [_points(rulebook, "仕尚村委", f"2021-{m:02d}", (), adopted).bonus for m in range(1, 6)]
    assert bonuses == [40, 50, 50, 10, 0]


def test_marked_bonus_is_clamped_to_the_rulebooks_range(rulebook: Rulebook) -> None:
    assert clamp_bonus(0.8, rulebook) == 50
    assert clamp_bonus(0.1, rulebook) == 30
    assert clamp_bonus(0.45, rulebook) == 45
    assert clamp_bonus(None, rulebook) == 0
    assert clamp_bonus(0, rulebook) == 0


def test_a_lead_adopted_twice_earns_one_bonus(rulebook: Rulebook) -> None:
    adopted = [
        adoption_row(1, 5, "聚新社区", "media", "武进日报", "district", "2021-06-01", bonus=0.3),
        adoption_row(2, 5, "聚新社区", "media", "常州日报", "city", "2021-06-02", bonus=0.4),
    ]
    assert _points(rulebook, "聚新社区", "2021-06", (), adopted).media_bonus == 40


def test_only_adoptions_on_the_xuexi_platform_count_for_the_xuexi_quota_and_points(
    rulebook: Rulebook,
) -> None:
    # 湖滨社区, Q1, quota 1 xuexi. Three xuexi pieces adopted: one by 学习强国(省级), one typed
    # as 学习强国（国家级） (full-width brackets), one by 新华日报 (a newspaper, not the platform).
    # Two count: one meets the quota, one is extra (+0.5). Counting 新华日报 would give +1.0.
    adopted = [
        adoption_row(1, 1, "湖滨社区", "xuexi", "学习强国(省级)", "province", "2021-01-15"),
        adoption_row(2, 2, "湖滨社区", "xuexi", "学习强国（国家级）", "national", "2021-02-15"),
        adoption_row(3, 3, "湖滨社区", "xuexi", "新华日报", "province", "2021-03-15"),
    ]
    unit = rulebook.unit_named("湖滨社区")
    done = unit_completion(unit, parse_period("2021Q1"), rulebook, ScoringRows((), adopted))
    assert (done["xuexi"].quota, done["xuexi"].counted, done["xuexi"].extra) == (1, 2, 1)
    q1 = _points(rulebook, "湖滨社区", "2021Q1", (), adopted)
    assert q1.extra_bonus == 50
    # Only the 新华日报 adoption: the quota is not met, −0.5 (plus −0.3 instant, −0.2 wechat = −1.0).
    only_paper = _points(rulebook, "湖滨社区", "2021Q1", (), adopted[2:])
    assert "学习强国少1篇，-0.5分" in only_paper.details
    assert only_paper.as_dict()["total"] == -1.0


_RULES = load_rulebook()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 12),
            st.integers(1, 28),
            st.sampled_from(["xuexi", "media"]),
            st.one_of(st.none(), st.floats(0, 1)),
        ),
        max_size=14,
    )
)
def test_bonuses_never_pass_the_cap_and_months_add_up_to_the_year(rows) -> None:
    adopted = [
        adoption_row(i, i, "滆湖社区", ctype, "学习强国(省级)", "province", f"2021-{m:02d}-{d:02d}", bonus=b)
        for i, (m, d, ctype, b) in enumerate(rows)
    ]
    unit = _RULES.unit_named("滆湖社区")

    def bonus(period: Period) -> int:
        rows = ScoringRows((), adopted)
        done = unit_completion(unit, period, _RULES, rows)
        return unit_points(unit, period, _RULES, done, rows).bonus

    cap = round(_RULES.points.bonus_cap_year * 100)
    months = [bonus(Period(2021, "month", m)) for m in range(1, 13)]
    quarters = [bonus(Period(2021, "quarter", q)) for q in range(1, 5)]
    year = bonus(Period(2021, "year"))
    assert all(b >= 0 for b in months + quarters)
    assert sum(months) == sum(quarters) == year <= cap
