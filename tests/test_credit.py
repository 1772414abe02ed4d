"""scoring.credit: one Credit per draft (what counts, toward what, why not) and one fee per piece."""

from __future__ import annotations

import pytest

from rules import load_rulebook
from scoring.credit import credit_words, credits_of
from scoring.fees import NOT_AGAIN, piece_fee
from tests.factory import adoption_row, submission_row

H = "湖滨社区"


@pytest.fixture(scope="module")
def rb():
    return load_rulebook()


def test_a_counted_draft_says_the_task_and_period_of_its_type(rb):
    rows = [
        submission_row(1, H, "instant", "2021-03-12T10:00"),
        submission_row(2, H, "wechat", "2021-03-12T10:00"),
    ]
    credits = credits_of(rows, [], rb)
    assert credit_words(credits[1]) == "计入 2021年3月即时通讯信息任务"
    assert credit_words(credits[2]) == "计入 2021年第1季度微信原创稿件任务"
    assert credits[2].period_key == "2021Q1"


def test_the_office_counting_overrides_the_announcement_and_not_counting_overrides_the_machine(rb):
    rows = [
        submission_row(1, H, "wechat", "2021-03-12T10:00", is_announcement=1, counted=0),
        submission_row(2, H, "wechat", "2021-03-13T10:00", is_announcement=1, counted=0, decided_counted=1),
        submission_row(3, H, "instant", "2021-03-13T10:00", decided_counted=0, decided_reason="内容重复"),
    ]
    credits = credits_of(rows, [], rb)
    assert credit_words(credits[1]) == "不计入本季度完成数：通知公告类稿件不纳入考核（稿酬按最低标准）"
    assert credits[2].counts and credits[2].decided
    assert credit_words(credits[3]) == "不计入当月完成数：办公室核定不计入（理由：内容重复）"


def test_a_revision_chain_counts_once_unless_the_office_counts_a_later_version(rb):
    rows = [
        submission_row(1, H, "instant", "2021-03-12T10:00"),
        submission_row(2, H, "instant", "2021-03-12T11:00", revision_of=1),
        submission_row(3, H, "instant", "2021-03-12T12:00", revision_of=2),
        submission_row(4, H, "instant", "2021-03-12T13:00", revision_of=3, decided_counted=1),
    ]
    credits = credits_of(rows, [], rb)
    assert [credits[i].counts for i in (1, 2, 3, 4)] == [True, False, False, True]
    assert credit_words(credits[3]) == "不计入当月完成数：稿件 1 的修改稿，只计一次"


def test_xuexi_waits_for_its_adoption_on_the_platform(rb):
    rows = [
        submission_row(1, H, "xuexi", "2021-03-12T10:00"),
        submission_row(2, H, "xuexi", "2021-03-12T10:00"),
    ]
    adopted = [adoption_row(1, 2, H, "xuexi", "学习强国(省级)", "province", "2021-04-02")]
    credits = credits_of(rows, adopted, rb)
    assert credit_words(credits[1]) == "暂不计入：学习强国按录用篇数计入，录用后自动计入"
    assert credits[2].counts and credits[2].period_key == "2021Q2"


def test_a_draft_the_office_rejected_reads_the_same_whatever_its_type(rb):
    rejected = {"verdict": "rejected", "counted": 0, "decided_verdict": "rejected", "decided_counted": 0}
    rows = [
        submission_row(1, H, "xuexi", "2021-03-12T10:00", **rejected, decided_reason="内容有误"),
        submission_row(2, H, "instant", "2021-03-12T10:00", **rejected, decided_reason="内容有误"),
    ]
    credits = credits_of(rows, [], rb)
    assert credits[1].reason == credits[2].reason == "rejected"
    words = "不计入：稿件已退回，原因见退回说明，修改后可重新报送"
    assert credit_words(credits[1]) == credit_words(credits[2]) == words


def test_a_late_draft_says_its_stored_deadline_and_when_it_came(rb):
    rows = [
        submission_row(
            1, H, "instant", "2021-03-14T10:05", counted=0, event_deadline="2021-03-13T12:00:00+08:00"
        ),
        submission_row(
            2, H, "research", "2021-10-08T09:00", counted=0, event_deadline="2021-10-01T00:00:00+08:00"
        ),
        submission_row(3, H, "instant", "2021-03-14T10:05", counted=0),
    ]
    credits = credits_of(rows, [], rb)
    assert credits[1].reason == "late"
    assert credit_words(credits[1]) == (
        "不计入当月完成数：迟报（应在 2021年3月13日 12:00 前报送，实际收稿 2021年3月14日 10:05）"
    )
    assert credit_words(credits[2]).endswith(
        "迟报（应在 2021年9月30日 24:00 前报送，实际收稿 2021年10月8日 09:00）"
    )
    assert credit_words(credits[3]) == "不计入当月完成数：迟报（超过报送时限）"


def test_copies_and_the_same_news_say_the_first_draft(rb):
    rows = [
        submission_row(1, "塔下社区", "instant", "2021-03-12T10:00", sha256="a"),
        submission_row(2, H, "instant", "2021-03-12T11:00", sha256="b", duplicate_of=1),
        submission_row(3, "塔下社区", "instant", "2021-03-12T12:00", sha256="a", duplicate_of=1),
        submission_row(4, H, "instant", "2021-03-12T13:00", same_event_of=1, counted=0),
    ]
    credits = credits_of(rows, [], rb)
    assert (credits[2].reason, credits[3].reason, credits[4].reason) == ("same_news", "copy", "same_event")
    assert credit_words(credits[4]) == "暂不计入：可能与稿件 1 为同一事件，待办公室核定"


def test_one_piece_is_paid_once_at_its_highest_standard(rb):
    adopted = [
        adoption_row(1, 1, H, "instant", "武进日报", "district", "2021-03-10"),
        adoption_row(2, 1, H, "instant", "常州日报", "city", "2021-03-11"),
        adoption_row(3, 1, H, "instant", "武进区政府网", "district", "2021-03-12"),
    ]
    fee = piece_fee(adopted, rb)
    assert fee.amount == 20
    assert [(m.paid, m.why) for m in fee.marks] == [(False, NOT_AGAIN), (True, ""), (False, NOT_AGAIN)]
    assert piece_fee(adopted, rb, through=adopted[0].adopted_on).amount == 10
