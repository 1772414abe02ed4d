"""The log of changes (操作记录) through the real CLI on a real ledger: every change appends an
event, the table refuses edits, and `log --verify` finds a row changed or deleted behind its back."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from ledger.schema import open_ledger
from tests.ledger_support import record_submission_row

pytestmark = pytest.mark.integration

RUNNER = CliRunner()


@pytest.fixture()
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    assert RUNNER.invoke(app, ["init", "--workspace", str(root)]).exit_code == 0
    monkeypatch.setenv("DRAFTDESK_NOW", "2021-03-20T10:00:00+08:00")
    db = open_ledger(root / "outbox" / "ledger.db")
    record_submission_row(
        db,
        id=1,
        unit="湖滨社区",
        content_type="instant",
        title="湖滨社区开展消防演练",
        received_at="2021-03-10T09:00:00+08:00",
        verdict="accepted",
        counted=1,
    )
    db.close()
    return root


def invoke(ws: Path, *args: str):
    return RUNNER.invoke(app, [*args, "--workspace", str(ws)])


def log_json(ws: Path, *args: str) -> list[dict]:
    done = invoke(ws, "log", "--json", *args)
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def _changes(ws: Path) -> None:
    assert invoke(ws, "adopt", "1", "--outlet", "新华日报", "--date", "2021-03-12").exit_code == 0
    assert invoke(ws, "unadopt", "1", "--outlet", "新华日报", "--reason", "登记错误").exit_code == 0
    assert invoke(ws, "assign", "--month", "2021-03", "--unit", "建设局", "--count", "2").exit_code == 0


def test_log_json_has_exactly_the_promised_keys(ws: Path) -> None:
    _changes(ws)
    events = log_json(ws)
    assert [set(e) for e in events] == [
        {"at", "actor", "action", "submission_id", "reason", "before", "after"}
    ] * 3


def test_adopt_unadopt_and_assign_each_append_an_event_with_before_and_after(ws: Path) -> None:
    _changes(ws)
    adopt, unadopt, assign = log_json(ws)
    assert adopt["action"] == "adopt" and adopt["submission_id"] == 1 and adopt["before"] is None
    assert adopt["after"]["outlet"] == "新华日报" and adopt["after"]["adopted_on"] == "2021-03-12"
    assert adopt["at"] == "2021-03-20T10:00:00+08:00"
    assert "@" in adopt["actor"]
    assert unadopt["action"] == "unadopt" and unadopt["reason"] == "登记错误"
    assert unadopt["before"]["withdrawn_at"] is None
    assert unadopt["after"]["withdrawn_at"] == "2021-03-20T10:00:00+08:00"
    assert assign["action"] == "assign" and assign["submission_id"] is None
    assert assign["before"] is None and assign["after"] == {"month": "2021-03", "unit": "建设局", "count": 2}
    assert invoke(ws, "assign", "--month", "2021-03", "--unit", "建设局", "--count", "3").exit_code == 0
    again = log_json(ws)[-1]
    assert again["before"]["count"] == 2 and again["after"]["count"] == 3


def test_rules_new_is_logged(ws: Path) -> None:
    assert invoke(ws, "rules", "new", "2022").exit_code == 0
    (event,) = log_json(ws)
    assert event["action"] == "rules_new"
    assert event["after"] == {"year": 2022, "path": "rules/2022.toml", "copied_from": "draftdesk.toml"}


def test_log_by_id_lists_only_that_drafts_events_in_chinese(ws: Path) -> None:
    _changes(ws)
    assert [e["action"] for e in log_json(ws, "--id", "1")] == ["adopt", "unadopt"]
    done = invoke(ws, "log", "--id", "1")
    assert "第 1 条 2021年3月20日 10:00" in done.stdout
    assert "登记录用 稿件 1：无 → 录用媒体 新华日报，级别 省级" in done.stdout
    assert "撤销录用" in done.stdout and "原因：登记错误" in done.stdout


def test_the_table_refuses_update_and_delete(ws: Path) -> None:
    _changes(ws)
    conn = sqlite3.connect(ws / "outbox" / "ledger.db")
    with pytest.raises(sqlite3.IntegrityError, match="只能追加"):
        conn.execute("UPDATE events SET reason = '无' WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="只能追加"):
        conn.execute("DELETE FROM events WHERE id = 1")
    conn.close()


def _tamper(ws: Path, sql: str) -> None:
    conn = sqlite3.connect(ws / "outbox" / "ledger.db")
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute(sql)
    conn.commit()
    conn.close()


def test_verify_passes_an_untouched_log(ws: Path) -> None:
    _changes(ws)
    done = invoke(ws, "log", "--verify")
    assert done.exit_code == 0
    assert "操作记录共 3 条，逐条核对无误" in done.stdout


def test_verify_names_a_changed_row(ws: Path) -> None:
    _changes(ws)
    _tamper(ws, "UPDATE events SET after = replace(after, '新华日报', '人民日报') WHERE id = 1")
    done = invoke(ws, "log", "--verify")
    assert done.exit_code == 1
    assert "操作记录第 1 条（2021年3月20日 10:00 登记录用）已被改动" in done.stderr


def test_verify_names_a_deleted_row_and_the_ledger_puts_the_triggers_back(ws: Path) -> None:
    _changes(ws)
    _tamper(ws, "DELETE FROM events WHERE id = 2")
    done = invoke(ws, "log", "--verify")
    assert done.exit_code == 1
    assert "操作记录第 2 条已被删除" in done.stderr
    conn = sqlite3.connect(ws / "outbox" / "ledger.db")
    with pytest.raises(sqlite3.IntegrityError, match="只能追加"):
        conn.execute("DELETE FROM events WHERE id = 3")
    conn.close()


def test_verify_finds_the_last_row_deleted(ws: Path) -> None:
    _changes(ws)
    _tamper(ws, "DELETE FROM events WHERE id = 3")
    done = invoke(ws, "log", "--verify")
    assert done.exit_code == 1
    assert "操作记录第 3 条（最后一条）已被删除" in done.stderr


def test_the_period_workbook_gets_an_operations_sheet(ws: Path) -> None:
    from openpyxl import load_workbook

    _changes(ws)
    assert invoke(ws, "score", "--month", "2021-03").exit_code == 0
    book = load_workbook(ws / "outbox" / "reports" / "2021-03" / "考核结果_2021-03.xlsx")
    assert book.sheetnames[-2:] == ["操作记录", "说明"]
    rows = [[c.value for c in row] for row in book["操作记录"].iter_rows(min_row=3)]
    assert [r[3] for r in rows] == ["登记录用", "撤销录用", "登记约稿篇数"]
    assert rows[0][:2] == [1, "2021年3月20日 10:00"]
    assert rows[1][7] == "登记错误"
    assert rows[2][4] == "2021年3月 建设局" and rows[2][6] == "月份 2021-03，单位 建设局，篇数 2"


def test_a_change_and_its_event_commit_together_or_not_at_all(ws: Path) -> None:
    from rules import load_rulebook
    from service.adoptions import AdoptionInput, adopt
    from workspace import Workspace

    conn = sqlite3.connect(ws / "outbox" / "ledger.db")
    conn.execute(
        "CREATE TRIGGER no_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, '日志坏了'); END"
    )
    conn.commit()
    conn.close()
    item = AdoptionInput("命令行", 1, "新华日报", "2021-03-12", None, None)
    with pytest.raises(sqlite3.IntegrityError, match="日志坏了"):
        adopt(Workspace(ws), load_rulebook(ws / "draftdesk.toml"), [item])
    db = open_ledger(ws / "outbox" / "ledger.db")
    assert db.execute("SELECT count(*) FROM adoptions").fetchone()[0] == 0
    db.close()
