"""Who sent a draft and what it is: unit, content type and (党委政务信息) category.

Units do not fill in forms; they drop files. So identity comes from where the file lies
(`inbox/<unit>/<type>/…`), then from a tag in its name (`【即时信息】标题.docx`, `[微信]…`,
`即时-…`), then from the draft's own head (`稿件类型：`, `报送单位：`). Each source is matched
against the rulebook's names and aliases, never a list in code. When nothing matches, the
finding lists every valid name, so the unit can fix the folder or the name in one try.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from checks.category import match_category
from checks.inbox_place import InboxPlace, place_of, type_from_tags, types_in_folders
from checks.model import Identity
from extractors.model import ERROR, WARNING, Draft, Finding
from rules.model import ContentType, Rulebook


def valid_units_text(rulebook: Rulebook) -> str:
    """`有效的单位名称：办公室、行政审批局（审批局）、…` for notes."""
    return "有效的单位名称：" + "、".join(_with_aliases(u.name, u.aliases) for u in rulebook.units)


def valid_types_text(rulebook: Rulebook) -> str:
    """`有效的稿件类型：即时通讯信息（即时信息、即时、快讯）、…` for notes."""
    return "有效的稿件类型：" + "、".join(_with_aliases(t.name, t.aliases) for t in rulebook.types.values())


def _with_aliases(name: str, aliases: tuple[str, ...]) -> str:
    return f"{name}（{'、'.join(aliases)}）" if aliases else name


def _type_in_text(text: str, rulebook: Rulebook) -> ContentType | None:
    """A type named by a free-text value such as `稿件类型：微信原创稿件（公众号）`: exact, else the
    longest name or alias contained in it."""
    exact = rulebook.type_named(text)
    if exact is not None:
        return exact
    best: tuple[int, ContentType] | None = None
    for ctype in rulebook.types.values():
        for name in ctype.names:
            if name and name in text and (best is None or len(name) > best[0]):
                best = (len(name), ctype)
    return best[1] if best else None


def _unit_in_text(text: str, rulebook: Rulebook) -> str | None:
    """The unit a `报送单位：` value names: exact, else the longest name contained in it."""
    exact = rulebook.unit_named(text)
    if exact is not None:
        return exact.name
    best: tuple[int, str] | None = None
    for unit in rulebook.units:
        for name in unit.names:
            if name and name in text and (best is None or len(name) > best[0]):
                best = (len(name), unit.name)
    return best[1] if best else None


def identify(
    relpath: PurePosixPath | None,
    draft: Draft | None,
    rulebook: Rulebook,
    *,
    unit: str | None = None,
    content_type: str | None = None,
    place: InboxPlace | None = None,
) -> Identity:
    """Unit, type and category of one inbox item.

    `place` is the item's parsed inbox path (`intake.inbox_path.InboxPath.place`); `relpath`
    the same path unparsed (`unit/type/x.docx`, `unit/x.docx`, `unit/type/bundle.zip`). With
    neither, the file lies outside the inbox (`draftdesk check` on any file): then the name and
    the draft's head tell, unless the caller names the unit or type (`check --unit/--type`: a
    name or alias, already validated).
    """
    outside = relpath is None and place is None
    if place is None:
        source = draft.source_name if draft is not None else ""
        place = place_of(relpath if relpath is not None else ((source,) if source else ()), rulebook)
    findings: list[Finding] = []
    given_unit = rulebook.unit_named(unit) if unit else None
    if given_unit is not None:
        found_unit: str | None = given_unit.name
        type_folders = place.type_folders if place.unit else place.folders
    else:
        found_unit = _unit(place, draft, rulebook, findings, outside)
        type_folders = place.type_folders
    given_type = rulebook.type_named(content_type) if content_type else None
    ctype, category, bad_folder = _type(place, type_folders, given_type, rulebook)
    meta = draft.metadata if draft is not None else {}
    if ctype is None and meta.get("type"):
        ctype = _type_in_text(meta["type"], rulebook)
    if ctype is not None and category is None:
        category = next((c for c in (match_category(t, ctype) for t in place.tags) if c), None)
    if ctype is None:
        findings.append(
            Finding("identity", ERROR, _unknown_type_message(bad_folder, meta, rulebook, outside))
        )
    return Identity(
        unit=found_unit,
        content_type=ctype.key if ctype else None,
        category=category,
        findings=tuple(findings),
    )


def _type(
    place: InboxPlace, type_folders: tuple[str, ...], given: ContentType | None, rulebook: Rulebook
) -> tuple[ContentType | None, str | None, str | None]:
    """(type, category, unrecognised folder) from the path: the place's own reading, unless the
    caller names the type or the type folders are not the place's (a `--unit` overrides)."""
    if given is None and type_folders == place.type_folders:
        return rulebook.types.get(place.content_type or ""), place.category, place.bad_type_folder
    ctype, category, bad_folder = types_in_folders(type_folders, rulebook)
    if given is not None:
        if ctype is not given:
            category = None
        ctype = given
    if ctype is None:
        ctype, tag_category = type_from_tags(place.tags, rulebook)
        category = category or tag_category
    return ctype, category, bad_folder


def _units_mentioned(sources: list[tuple[str, str]], rulebook: Rulebook) -> dict[str, list[str]]:
    """Every unit whose name or alias appears in the texts, with where (`文件名中的“湖滨”`).
    A match inside a longer match in the same text (`湖滨` in `湖滨社区`) is not counted twice."""
    found: dict[str, list[str]] = {}
    for where, text in sources:
        if not text:
            continue
        spans: list[tuple[int, int, str, str]] = []
        for candidate in rulebook.units:
            for name in candidate.names:
                start = text.find(name) if name else -1
                while start >= 0:
                    spans.append((start, start + len(name), candidate.name, name))
                    start = text.find(name, start + 1)
        for start, end, unit_name, name in spans:
            inside_longer = any(s <= start and end <= e and (e - s) > (end - start) for s, e, _, _ in spans)
            if not inside_longer:
                said = f"{where}中的“{name}”"
                if said not in found.setdefault(unit_name, []):
                    found[unit_name].append(said)
    return found


def _unit(
    place: InboxPlace, draft: Draft | None, rulebook: Rulebook, findings: list[Finding], outside: bool
) -> str | None:
    """The unit. The first folder decides; without a unit folder, a tag of the name, then
    报送单位, then a unit name or alias anywhere in the file name, title, byline or the head's
    other lines (one unit only: several are named back to the user)."""
    written = ((draft.metadata if draft is not None else {}).get("unit") or "").strip()
    if place.unit_folder is not None:
        return _unit_of_folder(place, written, rulebook, findings)
    for tag in place.tags:
        found = rulebook.unit_named(tag)
        if found is not None:
            return found.name
    claimed = _unit_in_text(written, rulebook) if written else None
    if claimed is not None:
        return claimed
    return _unit_mentioned(place.name, draft, written, rulebook, findings, outside)


def _unit_of_folder(
    place: InboxPlace, written: str, rulebook: Rulebook, findings: list[Finding]
) -> str | None:
    """The unit folder's unit; a warning when the draft's 报送单位 names another one."""
    folder = place.unit_folder
    if place.unit is None:
        findings.append(
            Finding(
                "identity",
                ERROR,
                (
                    f"稿件所在的单位文件夹“{folder}”不是已登记的单位，无法确定报送单位。"
                    f"{valid_units_text(rulebook)}。请把稿件放到 inbox/<单位>/<稿件类型>/ 下本单位的文件夹后重新报送。"
                ),
            )
        )
        return None
    claimed = _unit_in_text(written, rulebook) if written else None
    if claimed is not None and claimed != place.unit:
        findings.append(
            Finding(
                "identity",
                WARNING,
                (
                    f"稿件中写的报送单位是“{written}”，但放在“{folder}”的文件夹里，按文件夹计为{place.unit}的稿件；"
                    "如有误请放到正确单位的文件夹重新报送。"
                ),
            )
        )
    return place.unit


def _unit_mentioned(
    item_name: str,
    draft: Draft | None,
    written: str,
    rulebook: Rulebook,
    findings: list[Finding],
    outside: bool,
) -> str | None:
    """The one unit named anywhere in the name or the draft's head (a warning says so), else
    an error naming the several units found, or saying none was."""
    sources = [("文件名", item_name)]
    if draft is not None:
        sources += [("标题", draft.title), ("署名", draft.byline or "")]
        sources += [("文中信息行", value) for key, value in draft.metadata.items() if key != "unit"]
    mentioned = _units_mentioned(sources, rulebook)
    fix = (
        "请用 --unit 指定报送单位（名称或简称），或把稿件放到 inbox/<单位>/<稿件类型>/ 下本单位的文件夹。"
        if outside
        else "请把稿件放到 inbox/<单位>/<稿件类型>/ 下本单位的文件夹后重新报送。"
    )
    where = "稿件不在收件箱中" if outside else "稿件不在某个单位的文件夹中"
    if len(mentioned) == 1:
        ((unit_name, said),) = mentioned.items()
        findings.append(
            Finding(
                "identity", WARNING, f"{where}，按{'、'.join(said)}认定报送单位为{unit_name}；如有误，{fix}"
            )
        )
        return unit_name
    if mentioned:
        listed = "；".join(f"{name}（{'、'.join(said)}）" for name, said in mentioned.items())
        findings.append(
            Finding("identity", ERROR, f"无法确定报送单位：{where}，且出现了多个单位：{listed}。{fix}")
        )
        return None
    tried = "文件名、标题、署名和文中各行都没有已登记的单位名称或简称"
    head = f"文中写的报送单位“{written}”不是已登记的单位，{tried}，" if written else f"{tried}，"
    findings.append(
        Finding("identity", ERROR, f"无法确定报送单位：{where}，{head}{valid_units_text(rulebook)}。{fix}")
    )
    return None


def _unknown_type_message(
    bad_folder: str | None, meta: dict[str, str], rulebook: Rulebook, outside: bool
) -> str:
    reasons = []
    if outside:
        reasons.append("稿件不在收件箱的类型文件夹中")
    if bad_folder:
        reasons.append(f"文件夹“{bad_folder}”不是有效的稿件类型")
    reasons.append("文件名中没有类型标记（如“【即时信息】标题.docx”）")
    written = (meta.get("type") or "").strip()
    reasons.append(f"文中“稿件类型：{written}”无法识别" if written else "文中也没有“稿件类型：”一行")
    fix = (
        "请用 --type 指定稿件类型（名称或简称），或放入 inbox/<单位>/<稿件类型>/ 下对应类型的文件夹。"
        if outside
        else "请放入 inbox/<单位>/<稿件类型>/ 下对应类型的文件夹后重新报送。"
    )
    return f"无法确定稿件类型：{'，'.join(reasons)}。{valid_types_text(rulebook)}。{fix}"
