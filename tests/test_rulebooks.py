"""One rulebook per year: `rules new YEAR | check`, each draft judged by its received year's
rulebook, the nearest earlier year's (with a warning) for a year that has none."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from cli.status import status_lines
from intake.pipeline import sweep
from tests.factory import news_draft
from tests.intake_support import INSTANT, drop, workspace
from workspace import Workspace

RUNNER = CliRunner()
# Every test here builds a workspace with its real ledger (SQLite file).
pytestmark = pytest.mark.integration


def _ws(tmp_path: Path) -> Workspace:
    ws, _ = workspace(tmp_path / "ws")
    return ws


def test_rules_new_copies_the_latest_with_the_year_changed_and_the_calendar_left_to_fill(tmp_path):
    ws = _ws(tmp_path)
    done = RUNNER.invoke(app, ["rules", "new", "2027", "--workspace", str(ws.root)])
    assert done.exit_code == 0, done.output
    text = (ws.root / "rules" / "2027.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["meta"]["year"] == 2027
    assert data["meta"]["name"] == "西湖街道2027年度信息宣传工作考核办法"
    assert data["calendar"] == {"holidays": [], "workdays": []}
    assert text.splitlines()[0] == (
        "# 西湖街道2027年度信息宣传工作考核办法（由 2021 年的规则文件复制，请按当年文件核对）"
    )
    assert "# 2027 年的放假安排" in text and '日期写成 "2027-01-01" 的样子' in text
    assert "程序自带的\n# 放假安排可能还没有这一年" in text and "chinesecalendar" not in text
    assert "\n\n# ---- 稿件类型（考核办法 二、考核内容） ----\n" in text  # the next section's heading kept
    assert data["types"]["instant"]["min_chars"] == 200  # every other value carried over
    again = RUNNER.invoke(app, ["rules", "new", "2027", "--workspace", str(ws.root)])
    assert again.exit_code == 2 and "2027 年的规则文件已存在" in again.stderr


def test_rules_check_names_the_file_and_the_key(tmp_path):
    ws = _ws(tmp_path)
    assert RUNNER.invoke(app, ["rules", "new", "2022", "--workspace", str(ws.root)]).exit_code == 0
    ok = RUNNER.invoke(app, ["rules", "check", "--workspace", str(ws.root)])
    assert ok.exit_code == 0
    assert "draftdesk.toml：2021 年" in ok.stdout and "2022.toml：2022 年" in ok.stdout
    path = ws.root / "rules" / "2022.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("min_chars = 200", "min_chars = -5", 1), encoding="utf-8"
    )
    bad = RUNNER.invoke(app, ["rules", "check", "--workspace", str(ws.root)])
    assert bad.exit_code == 2
    assert f"规则文件 {path} 有误" in bad.stderr and "types.instant.min_chars" in bad.stderr
    assert "draftdesk.toml：2021 年" in bad.stdout


def _check(ws: Workspace, path: Path, received: str) -> dict:
    done = RUNNER.invoke(
        app, ["check", str(path), "--workspace", str(ws.root), "--received", received, "--json"]
    )
    assert done.exit_code in (0, 1), done.output
    [item] = json.loads(done.stdout)
    return item


@pytest.fixture
def two_years(tmp_path) -> tuple[Workspace, Path]:
    """2021 from draftdesk.toml (即时 ≥ 200 字), 2022 from rules/2022.toml (即时 ≥ 300 字)."""
    ws = _ws(tmp_path)
    assert RUNNER.invoke(app, ["rules", "new", "2022", "--workspace", str(ws.root)]).exit_code == 0
    path = ws.root / "rules" / "2022.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("min_chars = 200", "min_chars = 300", 1), encoding="utf-8"
    )
    draft = drop(ws, f"湖滨社区/{INSTANT}/稿件.docx", news_draft(250, photos=1))
    return ws, draft


def test_each_draft_is_judged_by_its_received_years_rulebook(two_years):
    ws, draft = two_years
    in_2021 = _check(ws, draft, "2021-03-12T15:00")
    in_2022 = _check(ws, draft, "2022-03-12T15:00")
    assert in_2021["verdict"] == "accepted"
    assert in_2022["verdict"] == "rejected"
    assert [f["rule"] for f in in_2022["findings"] if f["severity"] == "error"] == ["length"]
    assert "要求 300–500 字" in in_2022["findings"][0]["message"]


@pytest.mark.integration
def test_a_year_without_a_rulebook_is_judged_by_the_nearest_earlier_with_a_warning_in_the_note(
    two_years, monkeypatch
):
    ws, draft = two_years
    item = _check(ws, draft, "2023-03-12T15:00")
    warning = "工作目录没有 2023 年的规则文件，暂按此前最近的 2022 年的规则（2022.toml）判定；请办公室新建并核对 2023 年的规则文件。"
    assert item["verdict"] == "rejected"  # 250 字 < 2022's 300
    assert any(
        f["rule"] == "rulebook" and f["severity"] == "warning" and warning in f["message"]
        for f in item["findings"]
    )
    monkeypatch.setenv("DRAFTDESK_NOW", "2023-03-12T15:00:00")
    assert f"注意：{warning}" in status_lines(ws)
    status = RUNNER.invoke(app, ["status", "--workspace", str(ws.root)])
    assert f"{warning}（命令：draftdesk rules new 2023）" in status.stdout
    result = sweep(ws, ws.rulebook())
    [outcome] = result.outcomes
    note = (ws.root / str(outcome.note_path)).read_bytes().decode("utf-8-sig")
    assert warning in note and "draftdesk" not in note


def test_status_names_this_years_rulebook(two_years, monkeypatch):
    ws, _ = two_years
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-06-01T10:00:00")
    assert "规则文件：draftdesk.toml（2021 年）" in status_lines(ws)


def test_rules_check_refuses_a_year_with_another_timezone(tmp_path):
    """The clock and timezone belong to the workspace: every year's file must agree."""
    ws = _ws(tmp_path)
    assert RUNNER.invoke(app, ["rules", "new", "2022", "--workspace", str(ws.root)]).exit_code == 0
    legacy = ws.root / "draftdesk.toml"
    legacy.write_text(
        legacy.read_text(encoding="utf-8").replace(
            'timezone = "Asia/Shanghai"', 'timezone = "Asia/Tokyo"', 1
        ),
        encoding="utf-8",
    )
    bad = RUNNER.invoke(app, ["rules", "check", "--workspace", str(ws.root)])
    assert bad.exit_code == 2
    assert f"规则文件 {legacy} 有误，请逐项修改后重试：" in bad.stderr
    assert (
        "meta.timezone：写的是 Asia/Tokyo，而工作目录的时区（最新一年的规则文件）是 Asia/Shanghai"
        in bad.stderr
    )


def test_a_gap_year_is_judged_by_the_nearest_earlier_year_not_a_later_one(tmp_path):
    """draftdesk.toml (2021) and rules/2027.toml (即时 ≥ 300 字): 2026 takes 2021's rules."""
    ws = _ws(tmp_path)
    assert RUNNER.invoke(app, ["rules", "new", "2027", "--workspace", str(ws.root)]).exit_code == 0
    path = ws.root / "rules" / "2027.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("min_chars = 200", "min_chars = 300", 1), encoding="utf-8"
    )
    chosen = ws.rulebook_for(2026)
    assert chosen.path == ws.root / "draftdesk.toml" and chosen.rulebook.meta.year == 2021
    assert chosen.warning is not None
    assert "暂按此前最近的 2021 年的规则（draftdesk.toml）判定" in chosen.warning
    before = ws.rulebook_for(2019)
    assert before.rulebook.meta.year == 2021 and before.path == ws.root / "draftdesk.toml"
    assert before.warning is not None and "暂按此后最早的 2021 年的规则" in before.warning
    assert ws.rulebook_for(2027).warning is None
    draft = drop(ws, f"湖滨社区/{INSTANT}/稿件.docx", news_draft(250, photos=1))
    assert _check(ws, draft, "2026-03-12T15:00")["verdict"] == "accepted"  # 250 ≥ 2021's 200
    assert _check(ws, draft, "2027-03-12T15:00")["verdict"] == "rejected"  # 250 < 2027's 300


@pytest.mark.parametrize("year", ["1999", "abc", "20270", "２０２７"])
def test_rules_new_refuses_a_bad_year_in_chinese_naming_the_range(tmp_path, year):
    ws = _ws(tmp_path)
    done = RUNNER.invoke(app, ["rules", "new", year, "--workspace", str(ws.root)])
    assert done.exit_code == 2
    assert done.stderr.strip() == (
        f"年份“{year}”无效：请写 2000–9999 之间的年份，如 draftdesk rules new 2027。"
    )
    assert "Invalid value" not in done.output and not (ws.root / "rules").exists()


def test_rules_check_warns_when_a_years_calendar_is_empty_and_chinesecalendar_does_not_know_it(tmp_path):
    """2099: a year chinesecalendar will not know for a long while (2027 today)."""
    ws = _ws(tmp_path)
    assert RUNNER.invoke(app, ["rules", "new", "2099", "--workspace", str(ws.root)]).exit_code == 0
    path = ws.root / "rules" / "2099.toml"
    done = RUNNER.invoke(app, ["rules", "check", "--workspace", str(ws.root)])
    assert done.exit_code == 0  # a warning, not a failure
    assert (
        f"{path}：2099 年，西湖街道2099年度信息宣传工作考核办法，格式无误，放假安排待填（见提示）。"
        in done.stdout
    )
    assert "draftdesk.toml：2021 年，西湖街道2021年度信息宣传工作考核办法，无误。" in done.stdout
    assert done.stderr.strip() == (
        f"提示：规则文件 {path} 的 [calendar] 一节没有 2099 年的放假安排，程序自带的放假安排也还没有 "
        "2099 年，时效暂按周一至周五计算工作日。请按国务院办公厅公布的 2099 年放假安排填写 "
        'holidays（法定节假日）和 workdays（调休上班日），日期写成 "2099-01-01" 的样子，'
        '如 holidays = ["2099-01-01"]。'
    )
    path.write_text(
        path.read_text(encoding="utf-8").replace("holidays = []", 'holidays = ["2099-01-01"]', 1),
        encoding="utf-8",
    )
    filled = RUNNER.invoke(app, ["rules", "check", "--workspace", str(ws.root)])
    assert filled.exit_code == 0 and filled.stderr == ""
    assert "2099.toml：2099 年，西湖街道2099年度信息宣传工作考核办法，无误。" in filled.stdout


def test_rules_check_names_a_year_that_disagrees_with_its_file_name_in_chinese(tmp_path):
    ws = _ws(tmp_path)
    assert RUNNER.invoke(app, ["rules", "new", "2022", "--workspace", str(ws.root)]).exit_code == 0
    path = ws.root / "rules" / "2022.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("year = 2022", "year = 2023", 1), encoding="utf-8"
    )
    bad = RUNNER.invoke(app, ["rules", "check", "--workspace", str(ws.root)])
    assert bad.exit_code == 2
    assert (
        f"规则文件 {path} 有误，请逐项修改后重试：\n  - meta.year：写的是 2023，与文件名的年份 2022 不符"
        in bad.stderr
    )
