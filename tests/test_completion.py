"""Completion against 附件1, worked by hand from the seed."""

from __future__ import annotations

from rules import Rulebook
from rules.periods import parse_period
from scoring.completion import unit_completion
from scoring.rows import AssignmentRow, ScoringRows
from tests.factory import adoption_row, submission_row


def _done(rulebook: Rulebook, unit: str, period: str, subs=(), adoptions=(), assignments=()):
    return unit_completion(
        rulebook.unit_named(unit),
        parse_period(period),
        rulebook,
        ScoringRows(list(subs), list(adoptions), list(assignments)),
    )


def test_office_needs_three_instants_a_month(rulebook: Rulebook) -> None:
    subs = [submission_row(i, "办公室", "instant", f"2021-03-{i + 1:02d}T09:00") for i in range(2)]
    instant = _done(rulebook, "办公室", "2021-03", subs)["instant"]
    assert (instant.quota, instant.counted, instant.missing) == (3, 2, 1)


def test_late_instant_is_kept_but_does_not_count(rulebook: Rulebook) -> None:
    # seed 二.1: 24小时内报送，未按时报送的则不计入当月完成 — the intake sets counted = 0.
    subs = [submission_row(1, "湖滨社区", "instant", "2021-03-10T09:00", counted=0)]
    instant = _done(rulebook, "湖滨社区", "2021-03", subs)["instant"]
    assert (instant.quota, instant.counted, instant.missing) == (1, 0, 1)


def test_rejected_duplicate_and_announcement_do_not_count(rulebook: Rulebook) -> None:
    subs = [
        submission_row(1, "湖滨社区", "wechat", "2021-01-05T09:00", verdict="rejected", counted=0),
        submission_row(2, "湖滨社区", "wechat", "2021-02-05T09:00", duplicate_of=9),
        submission_row(3, "湖滨社区", "wechat", "2021-02-06T09:00", is_announcement=1),
    ]
    wechat = _done(rulebook, "湖滨社区", "2021Q1", subs)["wechat"]
    assert (wechat.quota, wechat.counted, wechat.missing) == (1, 0, 1)


def test_a_draft_and_its_revision_count_once(rulebook: Rulebook) -> None:
    subs = [
        submission_row(1, "湖滨社区", "instant", "2021-03-02T09:00"),
        submission_row(2, "湖滨社区", "instant", "2021-03-02T15:00", revision_of=1),
    ]
    assert _done(rulebook, "湖滨社区", "2021-03", subs)["instant"].counted == 1


def test_received_day_is_office_local_time(rulebook: Rulebook) -> None:
    # 2021-03-31 17:30 UTC is 1 April 01:30 in 西湖街道: it counts for April, not March.
    subs = [submission_row(1, "湖滨社区", "instant", "2021-03-31T17:30:00+00:00")]
    assert _done(rulebook, "湖滨社区", "2021-03", subs)["instant"].counted == 0
    assert _done(rulebook, "湖滨社区", "2021-04", subs)["instant"].counted == 1


def test_a_busy_january_does_not_cover_an_empty_february(rulebook: Rulebook) -> None:
    subs = [submission_row(i, "网格办", "instant", f"2021-01-{i + 1:02d}T09:00") for i in range(3)]
    instant = _done(rulebook, "网格办", "2021Q1", subs)["instant"]
    assert (instant.quota, instant.counted, instant.missing, instant.extra) == (3, 3, 2, 2)
    assert [(p.period, p.counted, p.missing) for p in instant.periods] == [
        ("2021-01", 3, 0),
        ("2021-02", 0, 1),
        ("2021-03", 0, 1),
    ]


def test_quarterly_wechat_is_judged_only_when_the_quarter_closes(rulebook: Rulebook) -> None:
    subs = [submission_row(1, "建设局", "wechat", "2021-02-03T10:00")]
    assert "wechat" not in _done(rulebook, "建设局", "2021-02", subs)
    wechat = _done(rulebook, "建设局", "2021-03", subs)["wechat"]
    assert (wechat.quota, wechat.counted, wechat.missing) == (2, 1, 1)


def test_xuexi_counts_adopted_pieces_not_submissions(rulebook: Rulebook) -> None:
    subs = [
        submission_row(1, "塔下社区", "xuexi", "2021-02-01T09:00"),
        submission_row(2, "塔下社区", "xuexi", "2021-02-02T09:00"),
    ]
    adopted = [
        adoption_row(1, 2, "塔下社区", "xuexi", "学习强国(省级)", "province", "2021-03-20"),
        adoption_row(2, 2, "塔下社区", "xuexi", "学习强国(国家级)", "national", "2021-03-25"),
    ]
    xuexi = _done(rulebook, "塔下社区", "2021Q1", subs, adopted)["xuexi"]
    assert (xuexi.quota, xuexi.counted, xuexi.missing) == (1, 1, 0)


def test_gov_info_quota_is_the_months_assignment(rulebook: Rulebook) -> None:
    assignments = [AssignmentRow("2021-03", "湖滨社区", 2), AssignmentRow("2021-04", "湖滨社区", 5)]
    subs = [submission_row(1, "湖滨社区", "gov_info", "2021-03-15T09:00", category="社情民意类")]
    gov = _done(rulebook, "湖滨社区", "2021-03", subs, (), assignments)["gov_info"]
    assert (gov.quota, gov.counted, gov.missing) == (2, 1, 1)
    assert "gov_info" not in _done(rulebook, "蠡河社区", "2021-03", subs, (), assignments)


def test_research_received_after_30_september_is_missing(rulebook: Rulebook) -> None:
    late = [submission_row(1, "社会事业局", "research", "2021-10-08T09:00")]
    research = _done(rulebook, "社会事业局", "2021", late)["research"]
    assert (research.quota, research.counted, research.missing) == (1, 0, 1)
    on_time = [submission_row(2, "社会事业局", "research", "2021-09-30T23:00")]
    assert _done(rulebook, "社会事业局", "2021Q3", on_time)["research"].missing == 0


def test_research_is_judged_in_september_not_before(rulebook: Rulebook) -> None:
    assert "research" not in _done(rulebook, "社会事业局", "2021-08")
    assert "research" in _done(rulebook, "社会事业局", "2021-09")
    assert "research" not in _done(rulebook, "社会事业局", "2021Q4")


def test_communities_have_no_research_quota(rulebook: Rulebook) -> None:
    assert "research" not in _done(rulebook, "聚新社区", "2021")


def test_open_quarters_show_progress_to_date_without_judging(rulebook: Rulebook) -> None:
    from scoring.completion import unit_progress

    subs = [submission_row(1, "建设局", "wechat", "2021-02-03T10:00")]
    unit = rulebook.unit_named("建设局")
    feb = unit_progress(unit, parse_period("2021-02"), rulebook, ScoringRows(subs))
    assert {k: (v.periods[0].period, v.quota, v.counted) for k, v in feb.items()} == {
        "wechat": ("2021Q1", 2, 1),
        "research": ("2021", 1, 0),
    }
    assert unit_progress(unit, parse_period("2021-03"), rulebook, ScoringRows(subs)).keys() == {"research"}
    assert unit_progress(unit, parse_period("2021Q4"), rulebook, ScoringRows(subs)) == {}


def test_what_a_quota_counts_comes_from_the_rulebook_not_the_type_key(rulebook: Rulebook) -> None:
    import dataclasses

    # The office decides that 微信原创稿件 no longer has a quota: it leaves the completion table.
    types = dict(rulebook.types)
    types["wechat"] = dataclasses.replace(types["wechat"], quota="none")
    edited = dataclasses.replace(rulebook, types=types)
    subs = [submission_row(1, "湖滨社区", "wechat", "2021-03-05T09:00")]
    assert "wechat" in _done(rulebook, "湖滨社区", "2021Q1", subs)
    assert "wechat" not in _done(edited, "湖滨社区", "2021Q1", subs)
