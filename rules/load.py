"""Load and validate a rulebook TOML.

Every problem is collected and reported at once (packaging's `Metadata.from_raw` habit), each
naming the file and the dotted key, so the office fixes the file in one pass. An unknown key is
an error: a typo such as `min_char` must never silently fall back to a default.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rules.levels import OUTLET_LEVELS
from rules.model import (
    CONTENT_TYPES,
    PERIODS,
    QUOTA_KINDS,
    UNIT_KINDS,
    Awards,
    Backup,
    Bulletin,
    Calendar,
    ContentType,
    Images,
    Intake,
    Limits,
    Meta,
    Points,
    Rulebook,
    SameNews,
    Unit,
    Web,
    outlet_key,
)

DEFAULT_RULEBOOK = Path(__file__).with_name("xihu-2021.toml")


class RulebookError(ValueError):
    """The rulebook cannot be used; `problems` lists every bad key with why."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"规则文件 {path} 有误，请逐项修改后重试：\n{lines}")


class _Reader:
    """Pulls typed values out of nested dicts, recording problems instead of raising."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def section(self, data: dict[str, Any], key: str, prefix: str = "") -> dict[str, Any]:
        value = data.get(key)
        where = f"{prefix}{key}"
        if value is None:
            self.problems.append(f"{where}：缺少这一节")
            return {}
        if not isinstance(value, dict):
            self.problems.append(f"{where}：应是一个表（[节]）")
            return {}
        return value

    def unknown(self, data: dict[str, Any], allowed: set[str], prefix: str) -> None:
        for key in sorted(set(data) - allowed):
            self.problems.append(f"{prefix}{key}：未知的键（可能拼写错误）")

    def get(
        self,
        data: dict[str, Any],
        key: str,
        kind: type | tuple[type, ...],
        prefix: str,
        *,
        required: bool = True,
        minimum: float | None = None,
        default: Any = None,
    ) -> Any:
        where = f"{prefix}{key}"
        if key not in data:
            if required:
                self.problems.append(f"{where}：缺少此项")
            return default
        value = data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) and bool not in kinds:
            self.problems.append(f"{where}：应是{_kind_name(kinds)}，实际为 {_shown(value)}")
            return default
        if not isinstance(value, kinds):
            self.problems.append(f"{where}：应是{_kind_name(kinds)}，实际为 {_shown(value)}")
            return default
        if minimum is not None and isinstance(value, (int, float)) and value < minimum:
            self.problems.append(f"{where}：应不小于 {minimum}，实际为 {_shown(value)}")
            return default
        return value

    def strings(
        self, data: dict[str, Any], key: str, prefix: str, *, required: bool = True
    ) -> tuple[str, ...]:
        value = self.get(data, key, list, prefix, required=required, default=[])
        if value is None:
            return ()
        if not all(isinstance(v, str) and v.strip() for v in value):
            self.problems.append(f"{prefix}{key}：应是非空文字的列表")
            return ()
        return tuple(value)

    def numbers(
        self, data: dict[str, Any], key: str, prefix: str, allowed: tuple[str, ...], kind: type = int
    ) -> dict[str, Any]:
        table = self.get(data, key, dict, prefix, required=False, default={}) or {}
        out: dict[str, Any] = {}
        for name, value in table.items():
            where = f"{prefix}{key}.{name}"
            if name not in allowed:
                self.problems.append(f"{where}：未知的键（可用：{'、'.join(allowed)}）")
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                self.problems.append(f"{where}：应是数字，实际为 {_shown(value)}")
            elif kind is int and not isinstance(value, int):
                self.problems.append(f"{where}：应是整数，实际为 {_shown(value)}")
            else:
                out[name] = kind(value)
        return out


def _positive(r: _Reader, data: dict[str, Any], key: str, prefix: str, unit: str, default: int) -> int:
    """A whole number above zero, or a problem in Chinese: a limit of 0 (or a fraction, or text)
    would silently switch off the protection it names, so it is refused rather than clamped."""
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        r.problems.append(f"{prefix}{key}：必须是大于 0 的整数（{unit}），当前为 {_shown(value)}")
        return default
    return value


def _shown(value: Any) -> str:
    """A value as the rulebook writes it: TOML's true/false, not Python's True/False."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _kind_name(kinds: tuple[type, ...]) -> str:
    return "或".join(
        {
            int: "整数",
            float: "数字",
            str: "文字",
            bool: "真假值（true 或 false）",
            list: "列表",
            dict: "表",
        }.get(k, k.__name__)
        for k in kinds
    )


_TYPE_KEYS = {
    "name": str,
    "aliases": list,
    "period": str,
    "min_chars": int,
    "max_chars": int,
    "min_photos": int,
    "max_photos": int,
    "event_deadline_hours": int,
    "publish_lead_workdays": int,
    "announcement_words": list,
    "hd_photos": bool,
    "media_skips_text": bool,
    "categories": list,
    "due": str,
    "platform": str,
    "quota": str,
}


def _content_type(r: _Reader, key: str, data: dict[str, Any]) -> ContentType | None:
    prefix = f"types.{key}."
    if not isinstance(data, dict):
        r.problems.append(f"types.{key}：应是一个表（[types.{key}]）")
        return None
    r.unknown(data, set(_TYPE_KEYS), prefix)
    values: dict[str, Any] = {}
    for name, kind in _TYPE_KEYS.items():
        if kind is list:
            values[name] = r.strings(data, name, prefix, required=False)
        else:
            required = name in ("name", "period")
            values[name] = r.get(
                data,
                name,
                kind,
                prefix,
                required=required,
                minimum=0 if kind is int else None,
                default=False if kind is bool else None,
            )
    if values["period"] is not None and values["period"] not in PERIODS:
        r.problems.append(f"{prefix}period：应是 {'、'.join(PERIODS)} 之一")
    lo, hi = values["min_chars"], values["max_chars"]
    if lo is not None and hi is not None and lo > hi:
        r.problems.append(f"{prefix}min_chars：{lo} 大于 max_chars {hi}")
    lo, hi = values["min_photos"], values["max_photos"]
    if lo is not None and hi is not None and lo > hi:
        r.problems.append(f"{prefix}min_photos：{lo} 大于 max_photos {hi}")
    due = values["due"]
    if due is not None and not re.fullmatch(r"\d{2}-\d{2}", due):
        r.problems.append(f"{prefix}due：应写成 月-日（如 09-30），实际为 {due!r}")
    values["quota"] = values["quota"] or "count"
    if values["quota"] not in QUOTA_KINDS:
        r.problems.append(f"{prefix}quota：应是 {'、'.join(QUOTA_KINDS)} 之一，实际为 {values['quota']!r}")
    if values["quota"] == "adopted" and not values["platform"]:
        r.problems.append(f"{prefix}quota：按录用计的任务（adopted）要写明 platform（录用平台）")
    if values["name"] is None or values["period"] is None:
        return None
    return ContentType(key=key, **values)


def _dates(r: _Reader, data: dict[str, Any], key: str) -> frozenset[dt.date]:
    out = set()
    for text in r.strings(data, key, "calendar.", required=False):
        try:
            out.add(dt.date.fromisoformat(text))
        except ValueError:
            r.problems.append(f"calendar.{key}：{text!r} 不是日期（应写成 2027-01-01）")
    return frozenset(out)


def _unit(r: _Reader, index: int, data: Any, type_keys: tuple[str, ...]) -> Unit | None:
    prefix = f"units[{index}]."
    if not isinstance(data, dict):
        r.problems.append(f"units[{index}]：应是一个表（[[units]]）")
        return None
    r.unknown(data, {"name", "kind", "aliases", "quota"}, prefix)
    name = r.get(data, "name", str, prefix)
    kind = r.get(data, "kind", str, prefix)
    if kind is not None and kind not in UNIT_KINDS:
        r.problems.append(f"{prefix}kind：应是 {'、'.join(UNIT_KINDS)} 之一，实际为 {kind!r}")
    aliases = r.strings(data, "aliases", prefix, required=False)
    quota = r.numbers(data, "quota", prefix, type_keys)
    if name is None or kind is None:
        return None
    return Unit(name=name, kind=kind, aliases=aliases, quota=quota)


# The sections a rulebook may have, in the order the default file gives them; any other
# top-level key is a mistake the loader names.
SECTIONS: tuple[str, ...] = (
    "meta",
    "intake",
    "limits",
    "images",
    "calendar",
    "types",
    "kinds",
    "units",
    "points",
    "fees",
    "outlets",
    "awards",
    "web",
    "backup",
    "same_news",
    "bulletin",
)


def parse_rulebook(data: dict[str, Any], source: str = "<rulebook>") -> Rulebook:
    """Validate a parsed TOML mapping into a `Rulebook`; raise `RulebookError` naming every problem."""
    r = _Reader()
    r.unknown(data, set(SECTIONS), "")

    meta = _read_meta(r, data)
    intake = _read_intake(r, data)
    limits = _read_limits(r, data)
    images = _read_images(r, data)
    calendar = _read_calendar(r, data)
    types = _read_types(r, data)
    kinds = _read_kinds(r, data)
    units = _read_units(r, data)
    points = _read_points(r, data)
    fees = _read_fees(r, data)
    outlets, outlet_aliases, outlet_platforms = _read_outlets_section(r, data, types)
    awards = _read_awards(r, data)
    web = _read_web(r, data)
    backup = _read_backup(r, data)
    same_news = _read_same_news(r, data)
    bulletin = _read_bulletin(r, data)
    if r.problems:
        raise RulebookError(source, r.problems)
    return Rulebook(
        meta=meta,
        intake=intake,
        limits=limits,
        images=images,
        calendar=calendar,
        types=types,
        kinds=kinds,
        units=tuple(units),
        points=points,
        fees=fees,
        outlets=outlets,
        awards=awards,
        source=source,
        web=web,
        backup=backup,
        same_news=same_news,
        bulletin=bulletin,
        outlet_aliases=outlet_aliases,
        outlet_platforms=outlet_platforms,
    )


def _read_meta(r: _Reader, data: dict[str, Any]) -> Meta:
    """[meta]: the rulebook's name, subdistrict, year, office and time zone."""
    m = r.section(data, "meta")
    r.unknown(m, {"name", "subdistrict", "year", "office_unit", "timezone"}, "meta.")
    timezone = r.get(m, "timezone", str, "meta.", required=False, default="Asia/Shanghai")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        r.problems.append(f"meta.timezone：未知的时区 {timezone!r}（如 Asia/Shanghai）")
        timezone = "Asia/Shanghai"
    return Meta(
        r.get(m, "name", str, "meta."),
        r.get(m, "subdistrict", str, "meta."),
        r.get(m, "year", int, "meta.", minimum=2000),
        r.get(m, "office_unit", str, "meta."),
        timezone,
    )


def _read_intake(r: _Reader, data: dict[str, Any]) -> Intake:
    """[intake]: settle and sweep timing, conversion timeout, near-duplicate bounds."""
    i = r.section(data, "intake")
    intake_fields = {
        "settle_seconds": float,
        "rescan_seconds": float,
        "sweep_minutes": int,
        "heartbeat_seconds": float,
        "convert_timeout_seconds": int,
        "near_duplicate_days": int,
        "near_duplicate_threshold": float,
    }
    r.unknown(i, {*intake_fields, "officer_folder", "receipt_folder", "near_duplicate_max_chars"}, "intake.")
    intake = Intake(
        **{k: r.get(i, k, t, "intake.", minimum=0) for k, t in intake_fields.items()},
        officer_folder=_folder_name(r, i, "officer_folder", "信息员"),
        receipt_folder=_folder_name(r, i, "receipt_folder", "回执"),
        near_duplicate_max_chars=_positive(r, i, "near_duplicate_max_chars", "intake.", "字", 20000),
    )
    if intake.receipt_folder == intake.officer_folder:
        r.problems.append("intake.receipt_folder：回执文件夹不能与信息员文件夹同名")
    if intake.near_duplicate_threshold is not None and not 0 < intake.near_duplicate_threshold <= 1:
        r.problems.append("intake.near_duplicate_threshold：应大于 0 且不大于 1")
    return intake


def _folder_name(r: _Reader, section: dict[str, Any], key: str, default: str) -> str:
    """A folder name under inbox/<unit>/: one plain name (no slash, not hidden, not `.`/`..`),
    since the inventory compares it with one path part."""
    name = r.get(section, key, str, "intake.", required=False, default=default)
    if not isinstance(name, str):
        return default
    stripped = name.strip()
    if not stripped or any(c in stripped for c in "/\\") or stripped.startswith(".") or stripped != name:
        r.problems.append(
            f"intake.{key}：应为一个文件夹名称（不含斜杠、首尾空格，不以点开头），现为 {name!r}"
        )
        return default
    return name


def _read_limits(r: _Reader, data: dict[str, Any]) -> Limits:
    """[limits]: the reader's bounds on zip entries, sizes, pictures and XML markup."""
    li = r.section(data, "limits")
    limit_fields = {
        "max_entries": int,
        "max_part_bytes": int,
        "max_total_bytes": int,
        "min_inflate_ratio": float,
        "max_xml_part_bytes": int,
        "max_image_pixels": int,
    }
    r.unknown(
        li, {*limit_fields, "inflate_ratio_grace_bytes", "max_decode_bytes", "max_xml_markup"}, "limits."
    )
    limits = Limits(
        **{k: r.get(li, k, t, "limits.", minimum=0) for k, t in limit_fields.items()},
        inflate_ratio_grace_bytes=r.get(
            li, "inflate_ratio_grace_bytes", int, "limits.", minimum=0, required=False, default=102400
        ),
        max_decode_bytes=_positive(r, li, "max_decode_bytes", "limits.", "字节", 67108864),
        max_xml_markup=_positive(r, li, "max_xml_markup", "limits.", "个", 800000),
    )
    return limits


def _read_images(r: _Reader, data: dict[str, Any]) -> Images:
    """[images]: HD size, how close two photos' hashes are for one photo, file kinds."""
    im = r.section(data, "images")
    r.unknown(
        im,
        {
            "hd_long_side",
            "hd_short_side",
            "same_photo_max_distance",
            "photo_extensions",
            "audio_extensions",
            "video_extensions",
        },
        "images.",
    )
    images = Images(
        r.get(im, "hd_long_side", int, "images.", minimum=1),
        r.get(im, "hd_short_side", int, "images.", minimum=1),
        r.get(im, "same_photo_max_distance", int, "images.", minimum=0),
        tuple(e.lower() for e in r.strings(im, "photo_extensions", "images.")),
        tuple(e.lower() for e in r.strings(im, "audio_extensions", "images.")),
        tuple(e.lower() for e in r.strings(im, "video_extensions", "images.")),
    )
    return images


def _read_calendar(r: _Reader, data: dict[str, Any]) -> Calendar:
    """[calendar]: holidays and make-up workdays chinesecalendar does not know yet."""
    c = data.get("calendar", {})
    if not isinstance(c, dict):
        r.problems.append("calendar：应是一个表（[calendar]）")
        c = {}
    r.unknown(c, {"holidays", "workdays"}, "calendar.")
    calendar = Calendar(_dates(r, c, "holidays"), _dates(r, c, "workdays"))
    return calendar


def _read_types(r: _Reader, data: dict[str, Any]) -> dict[str, ContentType]:
    """[types.*]: the six content types and each one's rules."""
    t = r.section(data, "types")
    r.unknown(t, set(CONTENT_TYPES), "types.")
    types: dict[str, ContentType] = {}
    for key in CONTENT_TYPES:
        if key not in t:
            r.problems.append(f"types.{key}：缺少这一节")
            continue
        ctype = _content_type(r, key, t[key])
        if ctype is not None:
            types[key] = ctype
    return types


def _read_kinds(r: _Reader, data: dict[str, Any]) -> dict[str, str]:
    """[kinds]: the Chinese name of each unit kind."""
    k = r.section(data, "kinds")
    r.unknown(k, set(UNIT_KINDS), "kinds.")
    kinds = {key: r.get(k, key, str, "kinds.") for key in UNIT_KINDS}
    return kinds


def _read_units(r: _Reader, data: dict[str, Any]) -> list[Unit]:
    """[[units]]: every unit with its kind, aliases and 附件1 quotas; names unique."""
    raw_units = data.get("units")
    units: list[Unit] = []
    if not isinstance(raw_units, list) or not raw_units:
        r.problems.append("units：至少要有一个 [[units]] 单位")
    else:
        for index, raw in enumerate(raw_units):
            unit = _unit(r, index, raw, CONTENT_TYPES)
            if unit is not None:
                units.append(unit)
    seen: dict[str, str] = {}
    for unit in units:
        for n in unit.names:
            if n in seen and seen[n] != unit.name:
                r.problems.append(f"units：名称或别名 {n!r} 同时属于 {seen[n]} 和 {unit.name}")
            seen[n] = unit.name
    return units


def _read_points(r: _Reader, data: dict[str, Any]) -> Points:
    """[points]: deductions, extras and the media bonus for communities and villages."""
    p = r.section(data, "points")
    r.unknown(
        p,
        {
            "kinds",
            "missing",
            "extra",
            "media_bonus_min",
            "media_bonus_max",
            "bonus_cap_year",
            "media_bonus_levels",
        },
        "points.",
    )
    point_kinds = r.strings(p, "kinds", "points.")
    for kind in point_kinds:
        if kind not in UNIT_KINDS:
            r.problems.append(f"points.kinds：未知的单位类别 {kind!r}")
    points = Points(
        point_kinds,
        r.numbers(p, "missing", "points.", CONTENT_TYPES, float),
        r.numbers(p, "extra", "points.", CONTENT_TYPES, float),
        r.get(p, "media_bonus_min", float, "points.", minimum=0),
        r.get(p, "media_bonus_max", float, "points.", minimum=0),
        r.get(p, "bonus_cap_year", float, "points.", minimum=0),
        r.strings(p, "media_bonus_levels", "points.", required=False),
    )
    for level in points.media_bonus_levels:
        if level not in OUTLET_LEVELS:
            r.problems.append(
                f"points.media_bonus_levels：“{level}”不是媒体级别，可用：{'、'.join(OUTLET_LEVELS)}"
            )
    return points


def _read_fees(r: _Reader, data: dict[str, Any]) -> dict[str, dict[str, int]]:
    """[fees]: the fee of each content type by outlet level."""
    f = r.section(data, "fees")
    r.unknown(f, set(CONTENT_TYPES), "fees.")
    fees: dict[str, dict[str, int]] = {}
    for key, _table in f.items():
        if key in CONTENT_TYPES:
            fees[key] = r.numbers(f, key, "fees.", (*OUTLET_LEVELS, "wechat_min", "wechat_max"))
    return fees


def _read_outlets_section(
    r: _Reader, data: dict[str, Any], types: dict[str, ContentType]
) -> tuple[dict[str, str], dict[str, tuple[str, ...]], dict[str, str]]:
    """[outlets]: outlets by level, their spellings, and the platform each belongs to (学习强国)."""
    o = r.section(data, "outlets")
    outlets, outlet_aliases, outlet_platforms = _outlets(r, o)
    platforms = {t.platform for t in types.values() if t.platform}
    for key, ctype in types.items():
        if ctype.platform and ctype.platform not in set(outlet_platforms.values()):
            r.problems.append(
                f"types.{key}.platform：没有任何媒体标为 platform = “{ctype.platform}”"
                "（在 [outlets] 中写 {{ level = …, platform = … }}）"
            )
    for name, platform in outlet_platforms.items():
        if platform not in platforms:
            r.problems.append(f"outlets.{name}.platform：“{platform}”不是任何稿件类型的 platform")
    return outlets, outlet_aliases, outlet_platforms


def _read_awards(r: _Reader, data: dict[str, Any]) -> Awards:
    """[awards]: the amounts and places proposed for 先进单位 and 先进个人."""
    a = r.section(data, "awards")
    r.unknown(a, {"unit_amount", "officer_amount", "unit_places", "officer_places"}, "awards.")
    return Awards(
        *(
            r.get(a, key, int, "awards.", minimum=0)
            for key in ("unit_amount", "officer_amount", "unit_places", "officer_places")
        )
    )


def _check_address(r: _Reader, web: Web) -> None:
    """[web] host/port/base_url: a host with no scheme or path, a port a desk can use, and a
    base that is an http(s) address with no query (the links add /u/<token> to it)."""
    if not web.host or re.search(r"[/\\\s]|://", web.host):
        r.problems.append(f'web.host：应是地址，如 "127.0.0.1" 或 "0.0.0.0"，实际为 {_shown(web.host)}')
    if web.port > 65535:
        r.problems.append(f"web.port：应在 1 到 65535 之间，实际为 {web.port}")
    if web.base_url and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", web.base_url):
        r.problems.append(
            f'web.base_url：应是以 http:// 或 https:// 开头的地址，如 "http://192.168.1.5:8700"，实际为 {_shown(web.base_url)}'
        )


def _read_web(r: _Reader, data: dict[str, Any]) -> Web:
    """[web]: the browser desk's upload limit and password hash."""
    w = data.get("web", {})
    if not isinstance(w, dict):
        r.problems.append("web：应是一个表（[web]）")
        w = {}
    r.unknown(w, {"max_upload_bytes", "password_hash", "host", "port", "base_url", "confirm_hours"}, "web.")
    web = Web(
        r.get(w, "max_upload_bytes", int, "web.", minimum=1, required=False, default=Web.max_upload_bytes),
        r.get(w, "password_hash", str, "web.", required=False, default=""),
        r.get(w, "host", str, "web.", required=False, default=Web.host).strip(),
        r.get(w, "port", int, "web.", minimum=1, required=False, default=Web.port),
        r.get(w, "base_url", str, "web.", required=False, default="").strip(),
        r.get(w, "confirm_hours", int, "web.", minimum=1, required=False, default=Web.confirm_hours),
    )
    _check_address(r, web)
    if web.password_hash and not re.fullmatch(
        r"scrypt\$\d+\$\d+\$\d+\$[0-9a-f]+\$[0-9a-f]+", web.password_hash
    ):
        r.problems.append(
            "web.password_hash：不是程序生成的密码（请勿手填，留空表示不设密码）。"
            "命令：draftdesk web --hash-password"
        )
    return web


def _read_backup(r: _Reader, data: dict[str, Any]) -> Backup:
    """[backup]: how many daily and monthly ledger backups to keep (optional; at least 1 daily,
    so the copy just made is never the one removed)."""
    b = data.get("backup", {})
    if not isinstance(b, dict):
        r.problems.append("backup：应是一个表（[backup]）")
        b = {}
    r.unknown(b, {"keep_daily", "keep_monthly"}, "backup.")
    return Backup(
        r.get(b, "keep_daily", int, "backup.", minimum=1, required=False, default=Backup.keep_daily),
        r.get(b, "keep_monthly", int, "backup.", minimum=0, required=False, default=Backup.keep_monthly),
    )


_SAME_NEWS_FRACTIONS = (
    "same_event_threshold",
    "min_overlap",
    "weight_overlap",
    "weight_entities",
    "weight_numbers",
    "weight_date",
    "revision_title_similarity",
    "copy_containment",
    "copy_length_ratio",
)
_SAME_NEWS_COUNTS = (
    "entities_for_full",
    "min_shared_names",
    "numbers_for_full",
    "min_number",
    "date_tolerance_days",
)


def _read_same_news(r: _Reader, data: dict[str, Any]) -> SameNews:
    """[same_news]: when two drafts are the same event (optional; every key has its default).
    Fractions lie in 0–1, counts are whole numbers (the two `_for_full` at least 1)."""
    s = data.get("same_news", {})
    if not isinstance(s, dict):
        r.problems.append("same_news：应是一个表（[same_news]）")
        s = {}
    r.unknown(s, {*_SAME_NEWS_FRACTIONS, *_SAME_NEWS_COUNTS}, "same_news.")
    values: dict[str, Any] = {}
    for key in _SAME_NEWS_FRACTIONS:
        value = r.get(s, key, float, "same_news.", minimum=0, required=False, default=getattr(SameNews, key))
        if value is not None and value > 1:
            r.problems.append(f"same_news.{key}：应在 0 到 1 之间，实际为 {_shown(value)}")
        values[key] = value if value is not None else getattr(SameNews, key)
    for key in _SAME_NEWS_COUNTS:
        least = 1 if key.endswith("_for_full") else 0
        value = r.get(
            s, key, int, "same_news.", minimum=least, required=False, default=getattr(SameNews, key)
        )
        values[key] = value if value is not None else getattr(SameNews, key)
    return SameNews(**values)


def _outlets(
    r: _Reader, o: dict[str, Any]
) -> tuple[dict[str, str], dict[str, tuple[str, ...]], dict[str, str]]:
    """[outlets]: `"名称" = "级别"`, or `"名称" = { level = "级别", platform = "xuexi", aliases = […] }`.

    Names and aliases are compared as people type them (see `rules.model.outlet_key`), so two
    outlets may not share a spelling once brackets and 《》 are set aside."""
    outlets: dict[str, str] = {}
    aliases: dict[str, tuple[str, ...]] = {}
    platforms: dict[str, str] = {}
    seen: dict[str, str] = {}
    for name, value in o.items():
        where = f"outlets.{name}"
        if isinstance(value, dict):
            r.unknown(value, {"level", "platform", "aliases"}, f"{where}.")
            level = value.get("level")
            platform = r.get(value, "platform", str, f"{where}.", required=False)
            spellings = r.strings(value, "aliases", f"{where}.", required=False)
        else:
            level, platform, spellings = value, None, ()
        if level not in OUTLET_LEVELS:
            r.problems.append(f"{where}：级别须是 {'、'.join(OUTLET_LEVELS)} 之一，现为 {level!r}")
            continue
        outlets[name] = level
        if spellings:
            aliases[name] = spellings
        if platform:
            platforms[name] = platform
        for spelling in (name, *spellings):
            key = outlet_key(spelling)
            if key in seen and seen[key] != name:
                r.problems.append(f"{where}：写法“{spelling}”与媒体“{seen[key]}”相同，无法区分")
            seen[key] = name
    return outlets, aliases, platforms


_NOT_UTF8 = "文件不是 UTF-8 编码的文字：请用记事本打开，“另存为”时编码选 UTF-8"

# tomllib's reasons (English, "… (at line 3, column 5)") in the clerk's words, by how they begin.
_TOML_REASONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("Cannot overwrite", "Cannot declare", "Cannot redefine", "Cannot mutate", "Duplicate"),
        "同一个键或同一节写了两次",
    ),
    (("Unterminated string", "Illegal character '\\n'"), "引号没有配对（文字两头都要有英文双引号）"),
    (("Expected newline",), "一行只能写一项（这一项后面多了内容）"),
    (("Unescaped",), "引号里的反斜杠 \\ 要写成两个"),
    (("Unclosed array", "Expected ']"), "方括号 [ ] 没有配对"),
    (("Unclosed inline table",), "花括号 { } 没有配对"),
    (("Expected '='",), "键后面缺少等号 ="),
    (("Invalid date",), "日期写法不对（应写成 2027-01-01）"),
    (("Invalid value",), "等号右边的值写法不对（文字要加英文双引号）"),
    (
        ("Illegal character", "Found invalid character", "Invalid initial character", "Invalid statement"),
        "有不该出现的字符（常见原因：用了中文引号、中文标点，或一行写了两项）",
    ),
)


def toml_problem(exc: tomllib.TOMLDecodeError) -> str:
    """Where and why a rulebook is not valid TOML, in Chinese: the line and column tomllib
    names, and its reason in the clerk's words (its own English never reaches them)."""
    text = str(exc)
    where = re.search(r"\(at line (\d+), column (\d+)\)$", text)
    place = f"第 {where.group(1)} 行第 {where.group(2)} 列" if where else "文件末尾"
    reason = next(
        (words for starts, words in _TOML_REASONS if text.startswith(starts)),
        "写法不对（请检查引号、括号和等号）",
    )
    return f"格式有误，{place}：{reason}"


def load_rulebook(path: Path | str | None = None) -> Rulebook:
    """Read and validate the rulebook at `path` (default: the seed's 2021 rulebook)."""
    target = Path(path) if path is not None else DEFAULT_RULEBOOK
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RulebookError(str(target), ["找不到文件"]) from None
    except UnicodeDecodeError:
        raise RulebookError(str(target), [_NOT_UTF8]) from None
    except tomllib.TOMLDecodeError as exc:
        raise RulebookError(str(target), [toml_problem(exc)]) from None
    return parse_rulebook(data, str(target))


def _read_bulletin(r: _Reader, data: dict[str, Any]) -> Bulletin:
    """[bulletin]: the 通报's 发文机关, 发文字号, 主送, 抄送 and 印发机关 (optional)."""
    b = data.get("bulletin", {})
    if not isinstance(b, dict):
        r.problems.append("bulletin：应是一个表（[bulletin]）")
        return Bulletin()
    keys = ("issuer", "number_prefix", "main_to", "copy_to", "printer")
    r.unknown(b, {*keys, "first_number"}, "bulletin.")
    texts = {k: r.get(b, k, str, "bulletin.", required=False, default=getattr(Bulletin, k)) for k in keys}
    first = r.get(
        b, "first_number", int, "bulletin.", minimum=1, required=False, default=Bulletin.first_number
    )
    return Bulletin(**texts, first_number=first)
