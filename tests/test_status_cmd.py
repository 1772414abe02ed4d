"""`draftdesk status`: pending, accepted/rejected counts and the last run, from a real ledger."""

from __future__ import annotations

import pytest

from cli.status import status_command, status_lines
from intake.pipeline import sweep
from tests.factory import news_draft
from tests.intake_support import INSTANT, NOW, drop, workspace


def test_status_of_a_fresh_workspace_says_nothing_was_received_yet(tmp_path):
    ws, _ = workspace(tmp_path / "ws")
    lines = status_lines(ws)
    assert "收稿目录待处理：0 件" in lines
    assert "台账尚未建立（还没有收过稿）。" in lines


@pytest.mark.integration
def test_status_counts_pending_accepted_rejected_and_shows_the_last_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    ws, rb = workspace(tmp_path / "ws")
    drop(ws, f"湖滨社区/{INSTANT}/好稿.docx", news_draft(300, photos=1))
    drop(ws, f"塔下社区/{INSTANT}/短稿.docx", news_draft(100, photos=1, seed=5))
    sweep(ws, rb)
    drop(ws, f"塔下社区/{INSTANT}/新稿.docx", news_draft(300, photos=1, seed=9))
    assert status_command(ws.root) == 0
    out = capsys.readouterr().out.splitlines()
    assert "收稿目录待处理：1 件" in out
    assert "合格（已登记）：1 件（计入考核 1 件，未计入 0 件）；已退回：1 件" in out
    assert (
        "最近一次收稿（直接处理）：2021年3月12日 15:00 — 2021年3月12日 15:00，处理 2 件，合格 1，退回 1"
    ) in out
    assert "最近心跳：2021年3月12日 15:00" in out  # times as the office reads them, never ISO


def test_status_outside_a_workspace_says_the_inbox_is_missing_and_exits_2(tmp_path, capsys):
    import pytest
    import typer

    with pytest.raises(typer.Exit) as refused:
        status_command(tmp_path / "nowhere")
    assert refused.value.exit_code == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"收件箱 {tmp_path / 'nowhere' / 'inbox'} 不存在或不是文件夹：请先运行 draftdesk init"
    )


@pytest.mark.integration
def test_alias_type_folders_are_taken_and_status_says_which_folders_hold_waiting_drafts(
    tmp_path, monkeypatch
):
    """`inbox/<单位>/微信/` (an alias of 微信原创稿件) is a type folder like the full name."""
    import sqlite3

    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    ws, rb = workspace(tmp_path / "ws")
    drop(ws, "湖滨社区/微信/公众号稿.docx", news_draft(600, photos=3, seed=2))
    drop(ws, "塔下社区/即时/快讯.docx", news_draft(300, photos=1, seed=3))
    drop(ws, "塔下社区/即时/快讯2.docx", news_draft(310, photos=1, seed=4))
    lines = status_lines(ws)
    start = lines.index("收稿目录待处理：3 件")
    assert lines[start + 1 : start + 3] == ["  塔下社区/即时：2 件", "  湖滨社区/微信：1 件"]
    result = sweep(ws, rb)
    assert sorted((o.unit, o.content_type) for o in result.outcomes) == [
        ("塔下社区", "instant"),
        ("塔下社区", "instant"),
        ("湖滨社区", "wechat"),
    ]
    conn = sqlite3.connect(ws.ledger_path)
    try:
        found = conn.execute(
            "SELECT unit, content_type FROM submissions WHERE source_path LIKE '%微信%'"
        ).fetchall()
    finally:
        conn.close()
    assert found == [("湖滨社区", "wechat")]


def test_run_kinds_read_in_chinese() -> None:
    from checks.labels import run_kind_label

    assert run_kind_label("sweep") == "直接处理"
    assert run_kind_label("intake") == "Prefect 流程"
    assert run_kind_label("other") == "other"
