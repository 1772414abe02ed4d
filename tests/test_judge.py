"""Severity decides the verdict; lateness and announcements only stop a draft from counting."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

import pytest

from checks.identity import identify
from checks.judge import judge, period_of
from checks.model import Identity
from extractors.model import DateMention, Draft, Finding, MediaFile
from tests.factory import draft_value, photo_value

TZ = ZoneInfo("Asia/Shanghai")
MARCH_12_MORNING = DateMention(text="3月12日上午", day=12, month=3, part_of_day="上午")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def ident(ctype: str, unit: str = "湖滨社区", category: str | None = None) -> Identity:
    return Identity(unit=unit, content_type=ctype, category=category)


def test_good_instant_draft_is_accepted_and_counted(rulebook) -> None:
    draft = draft_value(300, photos=[photo_value(seed=1)], event_date=MARCH_12_MORNING)
    j = judge(draft, ident("instant"), rulebook, at(2021, 3, 12, 15, 0))
    assert (j.verdict, j.counted, j.period, j.findings) == ("accepted", True, "2021-03", ())
    assert j.event_date == dt.date(2021, 3, 12)
    assert j.event_deadline == at(2021, 3, 13, 12, 0)
    assert (j.images.total, j.images.distinct, j.images.hd) == (1, 1, 0)


def test_late_instant_draft_is_accepted_but_not_counted(rulebook) -> None:
    draft = draft_value(300, photos=[photo_value(seed=1)], event_date=MARCH_12_MORNING)
    j = judge(draft, ident("instant"), rulebook, at(2021, 3, 13, 12, 1))
    assert (j.verdict, j.counted) == ("accepted", False)
    assert [(f.rule, f.severity) for f in j.findings] == [("timeliness", "warning")]


def test_any_error_rejects_and_every_failed_rule_is_listed(rulebook) -> None:
    draft = draft_value(187, event_date=MARCH_12_MORNING)
    j = judge(draft, ident("instant"), rulebook, at(2021, 3, 12, 15, 0))
    assert (j.verdict, j.counted) == ("rejected", False)
    assert [f.rule for f in j.findings] == ["length", "images"]


def test_reader_and_identity_findings_come_first(rulebook) -> None:
    reader = Finding(
        "images", "warning", "图片 word/media/image9.emf 格式不受支持（EMF），请改用 JPG 或 PNG 图片"
    )
    draft = Draft(**{**draft_value(300, photos=[photo_value(seed=1)]).__dict__, "findings": (reader,)})
    identity = identify(PurePosixPath("湖东社区/即时/稿件.docx"), draft, rulebook)
    j = judge(draft, identity, rulebook, at(2021, 3, 12, 15, 0))
    assert j.findings[0] == reader
    assert j.findings[1].rule == "identity"
    assert j.verdict == "rejected"


def test_unreadable_draft_gets_only_format_and_identity_findings(rulebook) -> None:
    bad = Finding("format", "error", "文件无法打开：不是 Word 文档。")
    draft = Draft(source_name="坏文件.docx", readable=False, findings=(bad,))
    j = judge(draft, ident("instant"), rulebook, at(2021, 3, 12, 15, 0))
    assert (j.verdict, j.counted, j.findings) == ("rejected", False, (bad,))


def test_unreadable_draft_without_a_reader_finding_still_gets_a_format_error(rulebook) -> None:
    draft = Draft(source_name="坏文件.docx", readable=False)
    j = judge(draft, ident("instant"), rulebook, at(2021, 3, 12, 15, 0))
    assert [f.rule for f in j.findings] == ["format"] and j.verdict == "rejected"


def test_unknown_type_is_rejected_without_type_rules(rulebook) -> None:
    identity = identify(PurePosixPath("湖滨社区/杂项/稿件.docx"), None, rulebook)
    j = judge(draft_value(10), identity, rulebook, at(2021, 3, 12, 15, 0))
    assert [f.rule for f in j.findings] == ["identity"]
    assert (j.verdict, j.period) == ("rejected", None)


def test_announcement_is_accepted_never_counted_even_when_short(rulebook) -> None:
    draft = draft_value(120, title="关于湖滨社区停水的通知", publish_date=dt.date(2021, 3, 20))
    j = judge(draft, ident("wechat"), rulebook, at(2021, 3, 10, 9, 0))
    assert (j.verdict, j.counted, j.is_announcement) == ("accepted", False, True)
    [finding] = j.findings
    assert (finding.rule, finding.severity) == ("category", "warning")
    assert "不计入微信原创稿件考核" in finding.message
    assert j.publish_date == dt.date(2021, 3, 20)


def test_announcement_without_publish_date_is_still_accepted(rulebook) -> None:
    j = judge(draft_value(600, title="湖滨社区招聘公告"), ident("wechat"), rulebook, at(2021, 3, 10, 9, 0))
    assert (j.verdict, j.counted, [f.rule for f in j.findings]) == ("accepted", False, ["category"])


def test_audio_xuexi_bundle_skips_length_and_photo_rules(rulebook) -> None:
    draft = draft_value(30, media=[MediaFile(name="采访录音.mp3", kind="audio")])
    j = judge(draft, ident("xuexi"), rulebook, at(2021, 3, 10, 9, 0))
    assert (j.verdict, j.counted, j.findings) == ("accepted", True, ())


def test_gov_info_category_comes_from_the_folder(rulebook) -> None:
    j = judge(draft_value(700), ident("gov_info", category="社情民意类"), rulebook, at(2021, 3, 10, 9, 0))
    assert (j.verdict, j.category) == ("accepted", "社情民意类")


@pytest.mark.parametrize(
    ("ctype", "when", "period"),
    [
        pytest.param("instant", (2021, 3, 31, 23, 59), "2021-03", id="month"),
        pytest.param("wechat", (2021, 4, 1, 0, 0), "2021Q2", id="quarter"),
        pytest.param("wechat", (2021, 12, 31, 12, 0), "2021Q4", id="last-quarter"),
        pytest.param("research", (2021, 9, 30, 12, 0), "2021", id="year"),
    ],
)
def test_period_follows_the_types_period(rulebook, ctype, when, period) -> None:
    assert period_of(rulebook.types[ctype], at(*when), rulebook) == period


def test_period_is_taken_in_office_time(rulebook) -> None:
    utc = dt.datetime(2021, 3, 31, 16, 30, tzinfo=dt.UTC)  # 2021-04-01 00:30 in Shanghai
    assert period_of(rulebook.types["instant"], utc, rulebook) == "2021-04"


def test_duplicate_from_another_unit_rejects_and_names_the_first(rulebook) -> None:
    from checks.model import Prior

    text = "3月12日上午，湖滨社区在文化广场开展垃圾分类宣传活动，志愿者向居民发放宣传册二百余份，现场讲解分类知识。"
    first = Prior(
        id=11,
        unit="湖滨社区",
        received_at=at(2021, 3, 12, 13, 0),
        sha256="a" * 64,
        title="湖滨社区开展垃圾分类宣传活动",
        text=text,
        content_type="instant",
    )
    draft = draft_value(
        300, body=[text], photos=[photo_value(seed=1)], event_date=MARCH_12_MORNING, sha256="b" * 64
    )
    j = judge(draft, ident("instant", unit="塔下社区"), rulebook, at(2021, 3, 12, 15, 0), [first])
    assert (j.verdict, j.duplicate_of, j.revision_of) == ("rejected", 11, None)
    assert [f.rule for f in j.findings] == ["duplicate"]
    same_unit = judge(draft, ident("instant"), rulebook, at(2021, 3, 12, 15, 0), [first])
    assert (same_unit.verdict, same_unit.counted, same_unit.revision_of) == ("accepted", True, 11)


def test_xuexi_bundle_with_an_unknown_media_format_is_rejected(rulebook) -> None:
    draft = draft_value(30, media=[MediaFile(name="宣讲.rmvb", kind="video")])
    j = judge(draft, ident("xuexi"), rulebook, at(2021, 3, 10, 9, 0))
    assert j.verdict == "rejected"
    [finding] = j.findings
    assert finding.rule == "media" and "“宣讲.rmvb”" in finding.message and "mp4" in finding.message


def test_media_bundles_for_other_types_still_follow_text_rules(rulebook) -> None:
    draft = draft_value(30, media=[MediaFile(name="现场.mp4", kind="video")], photos=[photo_value(seed=1)])
    j = judge(draft, ident("instant"), rulebook, at(2021, 3, 10, 9, 0))
    assert [f.rule for f in j.findings if f.severity == "error"] == ["length"]


def test_judge_and_note_never_raise_on_odd_drafts(rulebook) -> None:
    """Whatever the reader hands over (impossible dates, odd metadata, any received time), the
    checks give a verdict and a note that encodes, never a traceback."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from checks.notes import note_bytes, render_note

    mentions = st.one_of(
        st.none(),
        st.builds(
            DateMention,
            text=st.text(max_size=8),
            day=st.integers(-1, 40),
            month=st.one_of(st.none(), st.integers(0, 14)),
            year=st.one_of(st.none(), st.integers(1, 9999)),
            part_of_day=st.sampled_from([None, "上午", "下午", "晚上", "凌晨"]),
        ),
    )
    metadata = st.dictionaries(
        st.sampled_from(["unit", "type", "category", "publish_date"]), st.text(max_size=12)
    )

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        ctype=st.sampled_from([*rulebook.types, None]),
        zishu=st.integers(0, 10_000),
        mention=mentions,
        publish=st.one_of(st.none(), st.dates()),
        meta=metadata,
        title=st.text(max_size=20),
        received=st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)),
    )
    def run(ctype, zishu, mention, publish, meta, title, received) -> None:
        draft = draft_value(zishu, title=title, metadata=meta, event_date=mention, publish_date=publish)
        identity = Identity(unit="湖滨社区", content_type=ctype)
        when = received.replace(tzinfo=TZ)
        j = judge(draft, identity, rulebook, when)
        assert j.verdict in ("accepted", "rejected")
        assert note_bytes(render_note(draft, j, rulebook, when)).startswith(b"\xef\xbb\xbf")

    run()


def test_every_rule_a_check_can_raise_has_a_chinese_label() -> None:
    """One mapping for every output (run, watch, Prefect artifacts): a rule key with no label
    would reach the office in English."""
    import ast
    from pathlib import Path

    from checks.labels import RULE_LABELS, rules_text, verdict_label

    root = Path(__file__).resolve().parents[1]
    raised: set[str] = set()
    for folder in ("checks", "extractors", "intake"):
        for path in (root / folder).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding" and node.args:
                    first = node.args[0]
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        raised.add(first.value)
    assert raised and raised <= set(RULE_LABELS), raised - set(RULE_LABELS)
    assert rules_text(["length", "timeliness"]) == "字数、时效"
    assert (verdict_label("accepted"), verdict_label("rejected")) == ("合格", "退回")
