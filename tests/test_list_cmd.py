"""`draftdesk list`: the drafts on record with their 稿件编号, filtered as the office asks."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from ledger.schema import open_ledger
from tests.ledger_support import record_submission_row

RUNNER = CliRunner()


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    assert RUNNER.invoke(app, ["init", "--workspace", str(root)]).exit_code == 0
    db = open_ledger(root / "outbox" / "ledger.db")
    for sid, unit, ctype, title, received, verdict, counted in [
        (1, "湖滨社区", "instant", "湖滨社区开展消防演练", "2021-03-10T09:00:00+08:00", "accepted", 1),
        (2, "湖滨社区", "instant", "湖滨社区邻里节", "2021-03-12T18:00:00+08:00", "accepted", 0),
        (3, "建设局", "gov_info", "关于老旧小区改造的建议", "2021-03-15T09:00:00+08:00", "rejected", 0),
        (4, "湖滨社区", "wechat", "湖滨社区消防知识讲座", "2021-04-02T09:00:00+08:00", "accepted", 1),
    ]:
        record_submission_row(
            db,
            id=sid,
            unit=unit,
            content_type=ctype,
            title=title,
            officer="张三",
            received_at=received,
            verdict=verdict,
            counted=counted,
            stored_path=f"outbox/x/{sid}_{title}.docx",
        )
    db.close()
    return root


def ids(output: str) -> list[int]:
    return [int(line.split("\t")[0]) for line in output.splitlines()[1:] if line[:1].isdigit()]


def invoke(ws: Path, *args: str):
    return RUNNER.invoke(app, ["list", *args, "--workspace", str(ws)])


@pytest.mark.integration
def test_list_prints_every_draft_with_its_id_and_columns(ws: Path) -> None:
    result = invoke(ws)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "编号\t标题\t单位\t类型\t收稿时间\t结果\t计入\t存放位置"
    assert lines[2] == (
        "2\t湖滨社区邻里节\t湖滨社区\t即时通讯信息\t2021年3月12日 18:00\t合格\t不计入\toutbox/x/2_湖滨社区邻里节.docx"
    )
    assert "\t退回\t\t" in lines[3]
    assert lines[-1] == "共 4 件。"


@pytest.mark.integration
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--unit", "湖滨"), [1, 2, 4]),
        (("--month", "2021-03"), [1, 2, 3]),
        (("--verdict", "退回"), [3]),
        (("--counted",), [1, 4]),
        (("--not-counted",), [2]),
        (("消防",), [1, 4]),
        (("消防", "讲座"), [4]),
        (("--unit", "湖滨社区", "--month", "2021-03", "--counted"), [1]),
    ],
)
def test_list_filters(ws: Path, args: tuple[str, ...], expected: list[int]) -> None:
    result = invoke(ws, *args)
    assert result.exit_code == 0, result.output
    assert ids(result.stdout) == expected


@pytest.mark.integration
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--unit", "火星社区"), "单位“火星社区”不在规则文件中"),
        (("--month", "2021Q1"), "--month “2021Q1”无法识别"),
        (("--verdict", "录用"), "--verdict “录用”无法识别，请写 合格 或 退回。"),
    ],
)
def test_list_refuses_what_it_cannot_read(ws: Path, args: tuple[str, ...], message: str) -> None:
    result = invoke(ws, *args)
    assert result.exit_code == 1
    assert message in result.stderr


def test_the_command_and_its_options_have_chinese_help() -> None:
    out = RUNNER.invoke(app, ["list", "--help"]).stdout
    for words in ("列出台账中的稿件", "只列此单位", "只列此月", "合格 或 退回", "不计入", "关键词"):
        assert words in out
