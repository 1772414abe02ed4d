"""`draftdesk check` through the real CLI: a dry run on real .docx files in a real workspace."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from cli.app import app
from tests.factory import make_docx, make_photo, news_draft

RUNNER = CliRunner()
KEYS = {
    "path",
    "verdict",
    "counted",
    "unit",
    "content_type",
    "title",
    "counts",
    "images",
    "event_date",
    "findings",
}
MARCH_12_AFTERNOON = "2021-03-12T15:00:00+08:00"


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    result = RUNNER.invoke(app, ["init", "--workspace", str(root)])
    assert result.exit_code == 0, result.output
    return root


def put(ws: Path, relpath: str, data: bytes) -> Path:
    path = ws / "inbox" / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def check(ws: Path, *paths: Path | str, received: str = MARCH_12_AFTERNOON) -> tuple[int, list[dict]]:
    result = RUNNER.invoke(
        app, ["check", *map(str, paths), "--workspace", str(ws), "--received", received, "--json"]
    )
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def rules(item: dict, severity: str = "error") -> list[str]:
    return [f["rule"] for f in item["findings"] if f["severity"] == severity]


def resized(data: bytes, size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.open(io.BytesIO(data)).resize(size).save(buf, "JPEG", quality=70)
    return buf.getvalue()


def test_good_instant_draft_is_accepted_with_every_spec_field(ws: Path) -> None:
    path = put(ws, "湖滨社区/即时通讯信息/垃圾分类.docx", news_draft(300, photos=1))
    code, [item] = check(ws, path)
    assert code == 0
    assert KEYS <= set(item)
    assert item["path"] == str(path)
    assert (item["verdict"], item["counted"], item["unit"], item["content_type"]) == (
        "accepted",
        True,
        "湖滨社区",
        "instant",
    )
    assert item["title"] == "湖滨社区开展垃圾分类宣传活动"
    assert item["counts"]["zishu"] == 300 and item["counts"]["zishu_all"] > 300
    assert item["images"] == {"total": 1, "distinct": 1, "hd": 0}
    assert item["event_date"] == "2021-03-12"
    assert item["findings"] == []


@pytest.mark.parametrize(
    ("chars", "verdict"),
    [
        pytest.param(199, "rejected", id="199"),
        pytest.param(200, "accepted", id="200"),
        pytest.param(500, "accepted", id="500"),
        pytest.param(501, "rejected", id="501"),
    ],
)
def test_instant_length_boundaries_through_check(ws: Path, chars: int, verdict: str) -> None:
    path = put(ws, f"湖滨社区/即时/稿件{chars}.docx", news_draft(chars, photos=1, seed=chars))
    code, [item] = check(ws, path)
    assert item["counts"]["zishu"] == chars
    assert item["verdict"] == verdict and code == (0 if verdict == "accepted" else 1)
    if verdict == "rejected":
        [finding] = item["findings"]
        assert finding["rule"] == "length" and f"正文字数 {chars} 字，要求 200–500 字" in finding["message"]
        assert f"正文字数 {chars} 字" in item["note"] and "Word 状态栏显示全文" in item["note"]


@pytest.mark.parametrize(
    ("photos", "verdict"),
    [
        pytest.param(4, "rejected", id="four-photos"),
        pytest.param(5, "accepted", id="five-photos"),
    ],
)
def test_wechat_photos_and_publish_date_through_check(ws: Path, photos: int, verdict: str) -> None:
    data = news_draft(600, photos=photos, head=["拟发布日期：2021年3月22日"], lead_date="")
    code, [item] = check(ws, put(ws, "湖滨社区/微信/稿件.docx", data), received="2021-03-18T17:00:00+08:00")
    assert (item["content_type"], item["verdict"]) == ("wechat", verdict)
    assert code == (0 if verdict == "accepted" else 1)
    assert item["images"]["distinct"] == photos
    assert item["publish_date"] == "2021-03-22"


def test_wechat_received_after_the_holiday_deadline_is_accepted_not_counted(ws: Path) -> None:
    data = news_draft(600, photos=5, head=["拟发布日期：2021年10月8日"], lead_date="")
    code, [item] = check(
        ws, put(ws, "湖滨社区/微信原创稿件/国庆.docx", data), received="2021-09-30T09:00:00+08:00"
    )
    assert (code, item["verdict"], item["counted"]) == (0, "accepted", False)
    assert rules(item, "warning") == ["timeliness"]
    assert "2021年9月29日 24:00 前" in item["findings"][0]["message"]


def test_wechat_for_2027_warns_that_the_holiday_calendar_is_missing(ws: Path) -> None:
    data = news_draft(600, photos=5, head=["拟发布日期：2027年1月6日"], lead_date="")
    code, [item] = check(ws, put(ws, "湖滨社区/微信/稿件.docx", data), received="2027-01-04T09:00:00+08:00")
    assert (code, item["verdict"], item["counted"]) == (0, "accepted", True)
    assert any("2027 年" in f["message"] and f["severity"] == "warning" for f in item["findings"])


def test_wechat_announcement_is_accepted_and_not_counted(ws: Path) -> None:
    data = news_draft(300, title="关于湖滨社区停水的通知", head=["拟发布日期：2021年3月22日"], lead_date="")
    code, [item] = check(ws, put(ws, "湖滨社区/公众号/通知.docx", data))
    assert (code, item["verdict"], item["counted"], item["announcement"]) == (0, "accepted", False, True)


@pytest.mark.parametrize(
    ("relpath", "head", "category"),
    [
        pytest.param("湖滨社区/党委政务信息/正面成绩类/稿件.docx", (), "正面成绩类", id="category-folder"),
        pytest.param("湖滨社区/政务信息/稿件.docx", ("类别：社情民意类",), "社情民意类", id="category-line"),
        pytest.param(
            "湖滨社区/政务信息/稿件.docx",
            ("信息类别：热点评议",),
            "热点评议类",
            id="category-word-without-lei",
        ),
        pytest.param("湖滨社区/政务信息/稿件.docx", (), None, id="no-category"),
    ],
)
def test_gov_info_categories_through_check(
    ws: Path, relpath: str, head: tuple[str, ...], category: str | None
) -> None:
    code, [item] = check(ws, put(ws, relpath, news_draft(700, head=head, lead_date="")))
    assert item["category"] == category
    assert (item["verdict"], code) == (("accepted", 0) if category else ("rejected", 1))
    if category is None:
        assert rules(item) == ["category"]


def test_type_from_a_name_tag_in_the_unit_folder(ws: Path) -> None:
    code, [item] = check(ws, put(ws, "湖滨社区/【即时信息】垃圾分类.docx", news_draft(300, photos=1)))
    assert (code, item["unit"], item["content_type"]) == (0, "湖滨社区", "instant")


def test_type_from_the_head_line(ws: Path) -> None:
    data = news_draft(300, photos=1, head=["稿件类型：即时通讯信息"])
    code, [item] = check(ws, put(ws, "湖滨社区/垃圾分类.docx", data))
    assert (code, item["content_type"]) == (0, "instant")


def test_unknown_unit_folder_is_rejected_with_the_valid_names(ws: Path) -> None:
    code, [item] = check(ws, put(ws, "湖东社区/即时/稿件.docx", news_draft(300, photos=1)))
    assert (code, item["unit"], rules(item)) == (1, None, ["identity"])
    assert "湖滨社区（湖滨）" in item["findings"][0]["message"]


def test_file_outside_the_inbox_takes_its_unit_from_the_head(ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "【即时】稿件.docx"
    outside.write_bytes(news_draft(300, photos=1, head=["报送单位：湖滨社区"]))
    code, [item] = check(ws, outside)
    assert (code, item["unit"], item["content_type"]) == (0, "湖滨社区", "instant")


def test_file_outside_the_inbox_without_a_unit_is_an_identity_error(ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "【即时】稿件.docx"
    outside.write_bytes(news_draft(300, photos=1, title="开展垃圾分类宣传活动"))
    code, [item] = check(ws, outside)
    assert (code, rules(item)) == (1, ["identity"])
    assert "请用 --unit 指定报送单位" in item["findings"][0]["message"]


def test_unit_and_type_options_judge_a_file_outside_the_inbox(ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "稿件.docx"
    outside.write_bytes(news_draft(300, photos=1, title="开展垃圾分类宣传活动"))
    code, [item] = check(ws, outside, "--unit", "湖滨", "--type", "即时")
    assert (code, item["unit"], item["content_type"], item["findings"]) == (0, "湖滨社区", "instant", [])


def test_an_unknown_unit_option_is_a_usage_error_listing_the_units(ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "稿件.docx"
    outside.write_bytes(news_draft(300, photos=1))
    done = CliRunner().invoke(app, ["check", str(outside), "--workspace", str(ws), "--unit", "湖东"])
    assert done.exit_code == 2
    assert "单位“湖东”不在规则文件中；可用的单位：" in done.output


def test_xuexi_bundle_with_hd_originals_beside_compressed_copies(ws: Path) -> None:
    originals = [make_photo(1920, 1080, seed=s) for s in (1, 2, 3)]
    docx = make_docx(
        ["湖滨社区学习强国稿件", "3月12日，" + "学" * 597], photos=[resized(o, (800, 450)) for o in originals]
    )
    bundle = ws / "inbox" / "湖滨社区" / "学习强国" / "强国一组"
    put(ws, "湖滨社区/学习强国/强国一组/稿件.docx", docx)
    for i, original in enumerate(originals, 1):
        put(ws, f"湖滨社区/学习强国/强国一组/原图{i}.jpg", original)
    code, [item] = check(ws, bundle)
    assert (code, item["verdict"], item["content_type"]) == (0, "accepted", "xuexi")
    assert item["images"] == {"total": 6, "distinct": 3, "hd": 3}


def test_xuexi_bundle_without_originals_fails_image_quality(ws: Path) -> None:
    docx = make_docx(
        ["湖滨社区学习强国稿件", "3月12日，" + "学" * 597],
        photos=[resized(make_photo(1920, 1080, seed=s), (1919, 1080)) for s in (1, 2, 3)],
    )
    code, [item] = check(ws, put(ws, "湖滨社区/强国/稿件.docx", docx))
    assert (code, rules(item)) == (1, ["image_quality"])
    assert "1919×1080" in item["findings"][0]["message"]


def test_xuexi_audio_bundle_skips_text_and_photo_rules(ws: Path) -> None:
    put(ws, "湖滨社区/学习强国/音频/说明.docx", make_docx(["湖滨社区宣讲录音", "本期宣讲垃圾分类。"]))
    put(ws, "湖滨社区/学习强国/音频/宣讲.mp3", b"ID3" + bytes(2000))
    code, [item] = check(ws, ws / "inbox" / "湖滨社区" / "学习强国" / "音频")
    assert (code, item["verdict"], rules(item)) == (0, "accepted", [])


def _docm_with_macros() -> bytes:
    buf = io.BytesIO(make_docx(["湖滨社区稿件", "正文"]))
    with zipfile.ZipFile(buf, "a") as zf:
        zf.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + bytes(512))
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        pytest.param("空文件.docx", b"", "文件无法打开", id="zero-bytes"),
        pytest.param("乱码.docx", os.urandom(4096), "文件无法打开", id="random-bytes"),
        pytest.param("截断.docx", news_draft(300, photos=1)[:3000], "", id="truncated"),
        pytest.param("宏.docm", _docm_with_macros(), "宏", id="docm-with-macros"),
    ],
)
def test_bad_inputs_are_rejected_with_a_format_note(ws: Path, name: str, data: bytes, words: str) -> None:
    code, [item] = check(ws, put(ws, f"湖滨社区/即时/{name}", data))
    assert (code, item["verdict"], item["counted"]) == (1, "rejected", False)
    assert rules(item)[:1] == ["format"]
    assert words in item["findings"][0]["message"]
    assert "length" not in rules(item)


def test_password_protected_docx_asks_to_remove_the_password(ws: Path, corpus: Path) -> None:
    code, [item] = check(ws, corpus / "real-docx" / "r10.docx")
    assert code == 1
    assert any(f["rule"] == "format" and "去除密码" in f["message"] for f in item["findings"])


def test_check_writes_nothing(ws: Path) -> None:
    put(ws, "湖滨社区/即时/短稿.docx", news_draft(150, photos=1))
    before = sorted(str(p) for p in ws.rglob("*"))
    check(ws, ws / "inbox" / "湖滨社区" / "即时" / "短稿.docx")
    assert sorted(str(p) for p in ws.rglob("*")) == before
    assert not (ws / "outbox" / "ledger.db").exists()


def test_one_json_object_per_file_and_exit_1_when_any_is_rejected(ws: Path) -> None:
    good = put(ws, "湖滨社区/即时/好.docx", news_draft(300, photos=1, seed=1))
    bad = put(ws, "湖滨社区/即时/差.docx", news_draft(150, photos=1, seed=2))
    code, items = check(ws, good, bad)
    assert code == 1
    assert [(i["path"], i["verdict"]) for i in items] == [(str(good), "accepted"), (str(bad), "rejected")]


def test_table_output_shows_the_note_of_a_rejected_draft(ws: Path) -> None:
    path = put(ws, "湖滨社区/即时/短稿.docx", news_draft(187, photos=1))
    result = RUNNER.invoke(
        app, ["check", str(path), "--workspace", str(ws), "--received", MARCH_12_AFTERNOON]
    )
    assert result.exit_code == 1
    assert "退回说明" in result.output and "正文字数 187 字，要求 200–500 字" in result.output


def test_received_defaults_to_draftdesk_now(ws: Path) -> None:
    path = put(ws, "湖滨社区/即时/稿件.docx", news_draft(300, photos=1))
    result = RUNNER.invoke(
        app,
        ["check", str(path), "--workspace", str(ws), "--json"],
        env={"DRAFTDESK_NOW": "2021-03-14T09:00:00+08:00"},
    )
    [item] = json.loads(result.stdout)
    assert (item["verdict"], item["counted"]) == ("accepted", False)  # 3月12日上午 + 24 h has passed


def test_missing_file_is_a_usage_error_in_chinese(ws: Path) -> None:
    result = RUNNER.invoke(
        app, ["check", str(ws / "inbox" / "没有这个.docx"), "--workspace", str(ws), "--json"]
    )
    assert result.exit_code == 2
    assert "文件不存在" in result.stderr


def test_bad_received_time_is_a_usage_error(ws: Path) -> None:
    path = put(ws, "湖滨社区/即时/稿件.docx", news_draft(300, photos=1))
    result = RUNNER.invoke(app, ["check", str(path), "--workspace", str(ws), "--received", "昨天"])
    assert result.exit_code == 2 and "--received “昨天”不是有效的时间" in result.stderr


def test_broken_workspace_rulebook_is_a_usage_error_naming_the_key(ws: Path) -> None:
    rulebook = ws / "draftdesk.toml"
    rulebook.write_text(
        rulebook.read_text(encoding="utf-8").replace("min_chars = 200", "min_char = 200"), encoding="utf-8"
    )
    path = put(ws, "湖滨社区/即时/稿件.docx", news_draft(300, photos=1))
    result = RUNNER.invoke(app, ["check", str(path), "--workspace", str(ws)])
    assert result.exit_code == 2 and "min_char" in result.stderr


def test_check_does_not_import_prefect(ws: Path) -> None:
    path = put(ws, "湖滨社区/即时/稿件.docx", news_draft(300, photos=1))
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from cli.check import check_command\n"
        f"rc = check_command([Path({str(path)!r})], workspace=Path({str(ws)!r}), received='2021-03-12T15:00', as_json=True)\n"
        "assert rc == 0, rc\n"
        "assert 'prefect' not in sys.modules, 'prefect imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parents[1]
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["verdict"] == "accepted"


def _docx_with_a_zip_bomb() -> bytes:
    buf = io.BytesIO(news_draft(300, photos=1))
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/huge.bin", bytes(51 * 1024 * 1024))
    return buf.getvalue()


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims width×height pixels (no pixel data worth decoding)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


def test_zip_bomb_is_rejected_as_format(ws: Path) -> None:
    code, [item] = check(ws, put(ws, "湖滨社区/即时/炸弹.docx", _docx_with_a_zip_bomb()))
    assert (code, rules(item)) == (1, ["format"])


def test_picture_over_the_pixel_limit_is_flagged_and_the_draft_still_judged(ws: Path) -> None:
    docx = make_docx(
        ["湖滨社区开展垃圾分类宣传活动", "3月12日上午，" + "社" * 293],
        photos=[make_photo(seed=1), _png_header(20000, 20000)],
    )
    code, [item] = check(ws, put(ws, "湖滨社区/即时/大图.docx", docx))
    assert (code, item["verdict"], item["counts"]["zishu"]) == (0, "accepted", 300)
    assert any(f["severity"] == "warning" and "像素" in f["message"] for f in item["findings"])


def test_symlink_in_the_inbox_is_rejected_without_reading_its_target(ws: Path, tmp_path: Path) -> None:
    target = tmp_path / "secret.docx"
    target.write_bytes(news_draft(300, photos=1))
    link = ws / "inbox" / "湖滨社区" / "即时通讯信息" / "链接.docx"
    link.symlink_to(target)
    code, [item] = check(ws, link)
    assert (code, item["unit"], item["content_type"], rules(item)) == (1, "湖滨社区", "instant", ["format"])
    assert item["title"] == ""


def test_fifo_is_rejected_not_waited_on(ws: Path) -> None:
    fifo = ws / "inbox" / "湖滨社区" / "即时通讯信息" / "管道.docx"
    os.mkfifo(fifo)
    code, [item] = check(ws, fifo)
    assert (code, rules(item)) == (1, ["format"])


def test_file_name_not_valid_utf8_is_processed_and_shown_escaped(ws: Path) -> None:
    folder = ws / "inbox" / "湖滨社区" / "即时通讯信息"
    raw = os.path.join(os.fsencode(folder), b"\xb8\xe5\xbc\xfe.docx")  # GBK bytes of 稿件
    with open(raw, "wb") as fh:
        fh.write(news_draft(300, photos=1))
    code, [item] = check(ws, Path(os.fsdecode(raw)))
    assert (code, item["verdict"], item["unit"]) == (0, "accepted", "湖滨社区")
    assert item["path"].endswith("\\xb8\\xe5\\xbc\\xfe.docx")
    assert "\\xb8\\xe5" in item["note"]


def test_zipped_xuexi_bundle_with_hd_originals(ws: Path) -> None:
    from tests.factory import make_zip

    originals = {f"原图{s}.jpg": make_photo(1920, 1080, seed=s) for s in (1, 2, 3)}
    docx = make_docx(
        ["湖滨社区学习强国稿件", "3月12日，" + "学" * 597],
        photos=[resized(o, (800, 450)) for o in originals.values()],
    )
    path = put(ws, "湖滨社区/学习强国/强国一组.zip", make_zip({"稿件.docx": docx, **originals}))
    code, [item] = check(ws, path)
    assert (code, item["content_type"], item["images"]) == (0, "xuexi", {"total": 6, "distinct": 3, "hd": 3})


def test_a_received_time_at_midnight_reads_as_the_new_days_0000(ws: Path) -> None:
    """24:00 of the previous day is for deadlines; a received time is the day it fell on."""
    path = put(ws, "湖滨社区/即时/稿件.docx", news_draft(300, photos=1))
    _, [item] = check(ws, path, received="2021-03-14")
    [late] = [f["message"] for f in item["findings"] if f["rule"] == "timeliness"]
    assert "即 2021年3月13日 12:00 前；实际收稿 2021年3月14日 00:00，已超时。" in late
    assert "24:00" not in late


def test_the_table_reads_合格_or_退回_in_the_result_column(ws: Path) -> None:
    good = put(ws, "湖滨社区/即时/好稿.docx", news_draft(300, photos=1, seed=1))
    short = put(ws, "湖滨社区/即时/短稿.docx", news_draft(100, photos=1, seed=2))
    result = RUNNER.invoke(
        app,
        ["check", str(good), str(short), "--workspace", str(ws), "--received", MARCH_12_AFTERNOON],
        env={"COLUMNS": "250"},
    )
    assert result.exit_code == 1, result.output
    rows = {
        line.split("│")[1].strip(): line
        for line in result.stdout.splitlines()
        if ".docx" in line and "│" in line
    }
    [good_row] = [row for path, row in rows.items() if path.endswith("好稿.docx")]
    [short_row] = [row for path, row in rows.items() if path.endswith("短稿.docx")]
    assert [c.strip() for c in good_row.split("│")][4] == "合格"
    assert [c.strip() for c in short_row.split("│")][4] == "退回"
    assert "收稿 " not in "".join(rows.values())
