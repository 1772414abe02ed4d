"""What `log --verify` says against the anchors it knows (pure: event number → hash maps)."""

from __future__ import annotations

from service.anchors import Anchor, anchor_breaks


def test_a_log_holding_every_anchor_says_nothing() -> None:
    assert anchor_breaks({1: "a", 2: "b"}, [Anchor(2, "b", "上次核对"), Anchor(1, "a", "备份 x")]) == []


def test_a_shortened_log_names_the_missing_events() -> None:
    said = anchor_breaks(
        {1: "a"}, [Anchor(4, "d", "上次核对"), Anchor(2, "b", "备份 ledger_20210312-000000 ")]
    )
    assert said == [
        "操作记录比上次核对时还短：第 2–4 条已不在台账中（上次核对时最新为第 4 条）。",
        "操作记录比备份 ledger_20210312-000000 时还短：第 2 条已不在台账中（备份 ledger_20210312-000000 时最新为第 2 条）。",
    ]


def test_a_rewritten_event_is_named_by_its_number() -> None:
    assert anchor_breaks({1: "a", 2: "x"}, [Anchor(2, "b", "上次核对")]) == [
        "操作记录第 2 条与上次核对时记下的校验值不同：这一条或它之前的记录已被改写。"
    ]
