"""The rulebook loads with the seed's values and refuses unknown keys and bad values."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from rules import DEFAULT_RULEBOOK, RulebookError, load_rulebook
from rules.load import parse_rulebook


def _seed() -> dict:
    return tomllib.loads(DEFAULT_RULEBOOK.read_text(encoding="utf-8"))


def test_seed_rulebook_has_23_units_and_six_types(rulebook) -> None:
    assert len(rulebook.units) == 23
    assert list(rulebook.types) == ["instant", "wechat", "xuexi", "gov_info", "research", "media"]


def test_seed_quotas_follow_appendix_1(rulebook) -> None:
    assert rulebook.unit_named("办公室").quota == {"instant": 3, "wechat": 2, "research": 1}
    assert rulebook.unit_named("建设局").quota["instant"] == 2
    assert rulebook.unit_named("湖滨社区").quota == {"instant": 1, "wechat": 1, "xuexi": 1}
    assert "research" not in rulebook.unit_named("派出所").quota


def test_seed_limits_for_instant(rulebook) -> None:
    instant = rulebook.types["instant"]
    assert (instant.min_chars, instant.max_chars, instant.min_photos, instant.max_photos) == (200, 500, 1, 2)
    assert instant.event_deadline_hours == 24


def test_aliases_resolve_to_the_type_key(rulebook) -> None:
    assert rulebook.type_named("快讯").key == "instant"
    assert rulebook.type_named("微信原创稿件").key == "wechat"
    assert rulebook.type_named("强国").key == "xuexi"
    assert rulebook.type_named("不存在") is None


def test_unknown_key_is_named_in_the_error() -> None:
    data = _seed()
    data["types"]["instant"]["min_char"] = 100
    with pytest.raises(RulebookError) as info:
        parse_rulebook(data, "x.toml")
    assert "types.instant.min_char：未知的键（可能拼写错误）" in str(info.value)


def test_every_problem_is_reported_at_once() -> None:
    data = _seed()
    data["intake"]["settle_seconds"] = "soon"
    data["units"][0]["kind"] = "ministry"
    data["bogus"] = 1
    with pytest.raises(RulebookError) as info:
        parse_rulebook(data, "x.toml")
    problems = info.value.problems
    assert any(p.startswith("intake.settle_seconds") for p in problems)
    assert any(p.startswith("units[0].kind") for p in problems)
    assert "bogus：未知的键（可能拼写错误）" in problems


def test_min_above_max_is_refused() -> None:
    data = _seed()
    data["types"]["wechat"]["min_chars"] = 900
    with pytest.raises(RulebookError, match="min_chars"):
        parse_rulebook(data, "x.toml")


def test_missing_file_and_bad_toml_are_rulebook_errors(tmp_path: Path) -> None:
    with pytest.raises(RulebookError, match="找不到文件"):
        load_rulebook(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[meta\n", encoding="utf-8")
    with pytest.raises(RulebookError, match="格式有误，第 1 行第 6 列"):
        load_rulebook(bad)


@pytest.mark.parametrize(
    ("section", "key"), [("limits", "max_decode_bytes"), ("intake", "near_duplicate_max_chars")]
)
@pytest.mark.parametrize("bad", [0, -5, 1.5, "很多", True])
def test_work_bounds_must_be_positive_whole_numbers(section: str, key: str, bad: object) -> None:
    data = _seed()
    data[section][key] = bad
    with pytest.raises(RulebookError) as info:
        parse_rulebook(data, "x.toml")
    assert any(p.startswith(f"{section}.{key}：必须是大于 0 的整数") for p in info.value.problems)


def test_work_bounds_come_from_the_rulebook(rulebook) -> None:
    assert rulebook.limits.max_decode_bytes == 67108864
    assert rulebook.intake.near_duplicate_max_chars == 20000


def test_bad_xml_markup_bound_is_refused_in_chinese() -> None:
    data = _seed()
    data["limits"]["max_xml_markup"] = 0
    with pytest.raises(RulebookError, match=r"limits\.max_xml_markup：必须是大于 0 的整数"):
        parse_rulebook(data, "x.toml")


# ---- issue 12: outlets with platforms and spellings, bonus levels ----


def _with(patch) -> dict:
    import tomllib

    from rules.load import DEFAULT_RULEBOOK

    data = tomllib.loads(DEFAULT_RULEBOOK.read_text(encoding="utf-8"))
    patch(data)
    return data


def test_outlets_carry_platform_and_aliases(rulebook) -> None:
    assert rulebook.outlet_platform("学习强国（省级）") == "xuexi"
    assert rulebook.outlet_platform("新华日报") is None
    assert rulebook.outlet_named("《常州日报》") == "常州日报"
    assert rulebook.outlet_named("西湖街道公众号") == "常州西湖街道"
    assert rulebook.types["xuexi"].platform == "xuexi"


def test_bad_outlet_and_bonus_level_fields_are_named_in_chinese() -> None:
    import pytest

    from rules.load import RulebookError, parse_rulebook

    def patch(data: dict) -> None:
        data["points"]["media_bonus_levels"] = ["district", "县级"]
        data["outlets"]["武进日报"] = {"level": "district", "aliases": ["常州日报"]}
        data["outlets"]["学习强国(省级)"]["platform"] = "qiangguo"
        data["outlets"]["学习强国(国家级)"]["platform"] = "qiangguo"

    with pytest.raises(RulebookError) as caught:
        parse_rulebook(_with(patch))
    text = str(caught.value)
    assert "points.media_bonus_levels：“县级”不是媒体级别" in text
    assert "写法“常州日报”与媒体“常州日报”相同，无法区分" in text
    assert "types.xuexi.platform：没有任何媒体标为 platform = “xuexi”" in text
    assert "outlets.学习强国(省级).platform：“qiangguo”不是任何稿件类型的 platform" in text


def test_each_types_quota_kind_is_a_rulebook_field(rulebook) -> None:
    kinds = {key: t.quota for key, t in rulebook.types.items()}
    assert kinds == {
        "instant": "count",
        "wechat": "count",
        "xuexi": "adopted",
        "gov_info": "assigned",
        "research": "count",
        "media": "none",
    }


def test_a_bad_quota_kind_and_an_adopted_quota_without_platform_are_named_in_chinese() -> None:
    data = _seed()
    data["types"]["wechat"]["quota"] = "录用"
    data["types"]["instant"]["quota"] = "adopted"
    with pytest.raises(RulebookError) as info:
        parse_rulebook(data, "x.toml")
    problems = info.value.problems
    assert "types.wechat.quota：应是 count、adopted、assigned、none 之一，实际为 '录用'" in problems
    assert "types.instant.quota：按录用计的任务（adopted）要写明 platform（录用平台）" in problems


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("回执/旧", "intake.receipt_folder：应为一个文件夹名称"),
        (".回执", "intake.receipt_folder：应为一个文件夹名称"),
        ("", "intake.receipt_folder：应为一个文件夹名称"),
        ("信息员", "intake.receipt_folder：回执文件夹不能与信息员文件夹同名"),
        (3, "intake.receipt_folder：应是"),
    ],
)
def test_the_receipt_folder_must_be_one_plain_folder_name_of_its_own(value, problem) -> None:
    data = _seed()
    data["intake"]["receipt_folder"] = value
    with pytest.raises(RulebookError) as info:
        parse_rulebook(data, "x.toml")
    assert any(p.startswith(problem) for p in info.value.problems), info.value.problems


def test_the_receipt_folder_defaults_to_huizhi() -> None:
    data = _seed()
    del data["intake"]["receipt_folder"]
    assert parse_rulebook(data, "x.toml").intake.receipt_folder == "回执"


def test_every_outlet_level_has_one_name_and_one_tier_and_the_rulebook_uses_only_those() -> None:
    from rules.levels import LEVEL_NAMES, OUTLET_LEVELS, TIERS

    tiered = [code for _, _, codes in TIERS for code in codes]
    assert sorted(tiered) == sorted(OUTLET_LEVELS) == sorted(LEVEL_NAMES)
    assert set(load_rulebook(DEFAULT_RULEBOOK).outlets.values()) <= set(OUTLET_LEVELS)
    assert [name for _, name, _ in TIERS] == ["国家级", "省级", "市级", "区级", "街道"]


# ---- the rulebook a clerk edits speaks Chinese: its comments and its loader's messages ----

# Words a comment may carry besides the rulebook's own keys and values: the file the workspace
# copies it to, folder names under outbox/, the encoding and size units a clerk sees elsewhere.
COMMENT_WORDS_ALLOWED = {
    "draftdesk",
    "toml",
    "outbox",
    "backups",
    "doc",
    "wps",
    "docx",
    "MB",
    "KB",
    "http",
}  # http: an address as typed


def _keys_and_values(value: object) -> set[str]:
    """Every key and every word of every string value anywhere in the parsed rulebook."""
    words: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            words |= set(re.findall(r"[A-Za-z_]+", key)) | {key} | _keys_and_values(item)
    elif isinstance(value, list):
        for item in value:
            words |= _keys_and_values(item)
    elif isinstance(value, str):
        words |= set(re.findall(r"[A-Za-z_]+", value))
    return words


def _comment(line: str) -> str:
    """The comment part of a TOML line (after a `#` outside a quoted string), else ''."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "#" and not quoted:
            return line[index + 1 :]
    return ""


def english_in_comments(text: str, allowed: set[str]) -> list[tuple[int, str]]:
    """(line number, word) for each English word of 3+ letters in a comment that is not a key,
    a value, a command (`命令：draftdesk …` to the end of its ASCII run) or an allowed word."""
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        comment = re.sub(r"命令：draftdesk[ -~]*", "", _comment(line))
        for word in re.findall(r"[A-Za-z][A-Za-z_]{2,}", comment):
            if word not in allowed:
                found.append((number, word))
    return found


def test_every_comment_in_the_rulebook_is_chinese_for_the_clerk() -> None:
    text = DEFAULT_RULEBOOK.read_text(encoding="utf-8")
    allowed = _keys_and_values(tomllib.loads(text)) | COMMENT_WORDS_ALLOWED
    assert english_in_comments(text, allowed) == []
    assert text.splitlines()[0] == "# 西湖街道2021年度信息宣传工作考核办法（规则文件）"


def test_the_comment_check_catches_an_english_comment_and_passes_keys_values_and_commands() -> None:
    allowed = {"settle_seconds", "month"} | COMMENT_WORDS_ALLOWED
    text = (
        "settle_seconds = 3.0  # 秒。settle_seconds 等于 month 时\n"
        "# Zip/OOXML safety limits\n"
        "# 命令：draftdesk rules check\n"
        'name = "a # not a comment"\n'
        "# 存于 outbox/backups/，50 MB\n"
    )
    assert english_in_comments(text, allowed) == [(2, "Zip"), (2, "OOXML"), (2, "safety"), (2, "limits")]


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("[meta\n", "格式有误，第 1 行第 6 列：方括号 [ ] 没有配对"),
        ('[meta]\nname = "西湖\n', "格式有误，第 2 行第 11 列：引号没有配对（文字两头都要有英文双引号）"),
        ("[meta]\nyear 2021\n", "格式有误，第 2 行第 6 列：键后面缺少等号 ="),
        ("[meta]\nname = “西湖”\n", "格式有误，第 2 行第 8 列：等号右边的值写法不对（文字要加英文双引号）"),
        ("[meta]\nyear = 1\nyear = 2\n", "格式有误，第 3 行第 9 列：同一个键或同一节写了两次"),
        ("[meta]\nyear = 1 name = 2\n", "格式有误，第 2 行第 10 列：一行只能写一项（这一项后面多了内容）"),
        ("[meta]\nx = [1, 2\n", "格式有误，文件末尾：方括号 [ ] 没有配对"),
    ],
)
def test_a_file_that_is_not_toml_is_named_by_line_and_column_in_chinese(
    tmp_path: Path, toml: str, problem: str
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(toml, encoding="utf-8")
    with pytest.raises(RulebookError) as info:
        load_rulebook(bad)
    assert info.value.problems == [problem]
    assert not re.search(r"[A-Za-z]{3,}", problem)


def test_a_file_not_in_utf8_is_named_in_chinese(tmp_path: Path) -> None:
    bad = tmp_path / "gbk.toml"
    bad.write_bytes('[meta]\nname = "西湖"\n'.encode("gbk"))
    with pytest.raises(RulebookError) as info:
        load_rulebook(bad)
    assert info.value.problems == ["文件不是 UTF-8 编码的文字：请用记事本打开，“另存为”时编码选 UTF-8"]


def test_a_bad_value_is_shown_as_the_rulebook_writes_it() -> None:
    data = _seed()
    data["types"]["instant"]["min_chars"] = True
    data["web"]["password_hash"] = "secret"
    with pytest.raises(RulebookError) as info:
        parse_rulebook(data, "x.toml")
    problems = info.value.problems
    assert "types.instant.min_chars：应是整数，实际为 true" in problems
    assert (
        "web.password_hash：不是程序生成的密码（请勿手填，留空表示不设密码）。命令：draftdesk web --hash-password"
        in problems
    )
