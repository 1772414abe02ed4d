"""`draftdesk inspect`: what the reader saw, as JSON or a table; exit 1 on a format finding."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli.app import app
from tests.factory import news_draft

runner = CliRunner()


def test_inspect_json_shows_title_counts_photos_parts_and_event_date(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("DRAFTDESK_WORKSPACE", raising=False)
    path = tmp_path / "稿件.docx"
    path.write_bytes(news_draft(250, head=["报送单位：湖滨社区"], photos=1))
    result = runner.invoke(app, ["inspect", str(path), "--json"])
    assert result.exit_code == 0, result.output
    [item] = json.loads(result.output)
    assert item["title"] == "湖滨社区开展垃圾分类宣传活动"
    assert item["metadata"] == {"unit": "湖滨社区"}
    assert item["counts"]["zishu"] == 250
    assert [(p["width"], p["height"]) for p in item["photos"]] == [(800, 600)]
    assert item["event_date"]["month"] == 3 and item["event_date"]["part_of_day"] == "上午"
    assert [p["name"] for p in item["parts"]] == ["body"]
    assert item["findings"] == []


def test_inspect_exits_1_when_a_file_cannot_be_read(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("DRAFTDESK_WORKSPACE", raising=False)
    good, bad = tmp_path / "good.docx", tmp_path / "bad.docx"
    good.write_bytes(news_draft(100))
    bad.write_bytes(b"not a word file")
    result = runner.invoke(app, ["inspect", str(good), str(bad), "--json"])
    assert result.exit_code == 1
    items = json.loads(result.output)
    assert [i["readable"] for i in items] == [True, False]
    assert items[1]["findings"][0]["rule"] == "format"


def test_inspect_table_for_people_shows_the_figures(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("DRAFTDESK_WORKSPACE", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    path = tmp_path / "a.docx"
    path.write_bytes(news_draft(220, photos=1))
    result = runner.invoke(app, ["inspect", str(path)])
    assert result.exit_code == 0
    assert "正文字数" in result.output and "220" in result.output
    assert "word/media/" in result.output and "800×600" in result.output


def test_inspect_uses_the_workspace_rulebook_named_by_the_environment(tmp_path, monkeypatch) -> None:
    from rules import DEFAULT_RULEBOOK
    from tests.factory import make_docx

    toml = DEFAULT_RULEBOOK.read_text(encoding="utf-8").replace("year = 2021", "year = 2022", 1)
    (tmp_path / "draftdesk.toml").write_text(toml, encoding="utf-8")
    monkeypatch.setenv("DRAFTDESK_WORKSPACE", str(tmp_path))
    path = tmp_path / "a.docx"
    path.write_bytes(make_docx(["标题", "拟发布日期：4月6日", "正文"]))
    result = runner.invoke(app, ["inspect", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["publish_date"] == "2022-04-06"


def test_inspect_json_lists_each_paragraph_with_its_part_and_zishu(tmp_path, monkeypatch) -> None:
    from tests.factory import make_docx

    monkeypatch.delenv("DRAFTDESK_WORKSPACE", raising=False)
    path = tmp_path / "a.docx"
    path.write_bytes(
        make_docx(
            [
                "社区活动",
                "报送单位：湖滨社区",
                "（湖滨社区 张三）",
                "",
                "3月12日，居民参加活动。",
                "图为活动现场",
            ],
            table=[["表格文字"]],
        )
    )
    result = runner.invoke(app, ["inspect", str(path), "--json"])
    [item] = json.loads(result.output)
    assert item["paragraphs"] == [
        {"part": "title", "text": "社区活动", "zishu": 4},
        {"part": "metadata", "text": "报送单位：湖滨社区", "zishu": 9},
        {"part": "byline", "text": "（湖滨社区 张三）", "zishu": 8},
        {"part": "body", "text": "3月12日，居民参加活动。", "zishu": 12},
        {"part": "caption", "text": "图为活动现场", "zishu": 6},
        {"part": "table", "text": "表格文字", "zishu": 4},
    ]
    body = sum(p["zishu"] for p in item["paragraphs"] if p["part"] in ("body", "table", "textbox", "note"))
    assert (body, sum(p["zishu"] for p in item["paragraphs"])) == (
        item["counts"]["zishu"],
        item["counts"]["zishu_all"],
    )


def test_draft_json_moved_to_extractors_view_keeps_every_key() -> None:
    from cli.inspect import draft_json as via_cli
    from extractors.model import Draft
    from extractors.view import draft_json

    keys = list(draft_json("x.docx", Draft(source_name="x.docx")))
    assert via_cli is draft_json
    assert keys == [
        "path",
        "source_name",
        "container",
        "sha256",
        "readable",
        "title",
        "metadata",
        "byline",
        "captions",
        "lead",
        "counts",
        "photos",
        "linked_photos",
        "media",
        "event_date",
        "publish_date",
        "parts",
        "paragraphs",
        "findings",
    ]


def test_a_missing_file_gets_checks_sentence_and_exit_code(tmp_path) -> None:
    gone = tmp_path / "没有这个.docx"
    runner = CliRunner()
    inspected = runner.invoke(app, ["inspect", str(gone)])
    checked = runner.invoke(app, ["check", str(gone), "--workspace", str(tmp_path)])
    assert (inspected.exit_code, checked.exit_code) == (2, 2)
    assert inspected.stderr == checked.stderr == f"文件不存在：{gone}\n"
