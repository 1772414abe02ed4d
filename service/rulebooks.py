"""One rulebook per year in the workspace (`draftdesk rules new YEAR | check`).

`new` copies the latest year's file to `rules/<YEAR>.toml` with the year changed and the
`[calendar]` section emptied, to be filled from the State Council's holiday notice (the
chinesecalendar package only knows the years published before its release). `check` loads
every year's file and names each problem by file and key, and warns (without failing) when a
year's `[calendar]` is empty while chinesecalendar does not know that year either.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ledger.events import Actor, Change
from rules import Rulebook, RulebookError, load_rulebook
from service.errors import bad_year, year_exists
from service.events import UNKNOWN, record
from workspace import Workspace

_CALENDAR = re.compile(r"(?ms)^\[calendar\][^\n]*\n.*?(?=^\[|\Z)")


def _calendar_section(year: int) -> str:
    return (
        "[calendar]\n"
        f'# {year} 年的法定节假日（holidays）与调休上班日（workdays），ISO 日期，如 "{year}-01-01"。\n'
        "# 留空待填：国务院办公厅通常在上一年年底才公布放假安排，chinesecalendar 也只认识它发布时\n"
        "# 已公布的年份，可能还不知道这一年。填好之前，时效按周一至周五计算工作日，并在说明中提示。\n"
        "holidays = []\n"
        "workdays = []\n\n"
    )


YEAR_MIN, YEAR_MAX = 2000, 9999


def parse_year(text: str) -> int:
    """The year `text` names, as `rules new` takes it; raises `BadInput` (Chinese) naming the
    accepted range when it is not a whole number from YEAR_MIN to YEAR_MAX."""
    value = text.strip()
    year = int(value) if value.isascii() and value.isdigit() else None
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        raise bad_year(text, YEAR_MIN, YEAR_MAX)
    return year


def new_rulebook(ws: Workspace, year: int | str, actor: Actor = UNKNOWN) -> tuple[Path, Path]:
    """Write `rules/<year>.toml` from the latest year's rulebook; return (new, source).
    Raises `BadInput` when the year has a rulebook already or is not a year in range.
    The new file is logged (操作记录) when the workspace has its ledger's outbox."""
    year = parse_year(str(year))
    paths = ws.rulebook_paths()
    if year in paths:
        raise year_exists(year, paths[year])
    source = ws.latest_rulebook_path()
    old = load_rulebook(source)
    text = source.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(year\s*=\s*)\d{4}", rf"\g<1>{year}", text, count=1)
    text = re.sub(r"(?m)^(name\s*=\s*\".*?)" + str(old.meta.year), rf"\g<1>{year}", text, count=1)
    text, replaced = _CALENDAR.subn(_calendar_section(year), text, count=1)
    if not replaced:
        text = text.rstrip("\n") + "\n\n" + _calendar_section(year)
    target = ws.rules_folder / f"{year}.toml"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    try:
        load_rulebook(tmp)
    except RulebookError:
        tmp.unlink()
        raise
    tmp.replace(target)
    if ws.outbox.is_dir():
        after = {"year": year, "path": f"{ws.rules_folder.name}/{target.name}", "copied_from": source.name}
        record(ws, old, actor, [Change("rules_new", None, after, subject=f"{year} 年规则文件")])
    return target, source


def _calendar_known(year: int) -> bool:
    """Whether chinesecalendar knows `year`'s holidays (it only knows years published before
    its release)."""
    import chinese_calendar

    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def calendar_warning(path: Path, rulebook: Rulebook) -> str | None:
    """The warning (Chinese) for a rulebook whose `[calendar]` lists nothing of its year while
    chinesecalendar does not know the year either; None when the calendar is covered."""
    year = rulebook.meta.year
    calendar = rulebook.calendar
    if any(d.year == year for d in (*calendar.holidays, *calendar.workdays)) or _calendar_known(year):
        return None
    return (
        f"提示：规则文件 {path} 的 [calendar] 一节没有 {year} 年的放假安排，chinesecalendar 也还不认识 "
        f"{year} 年，时效暂按周一至周五计算工作日。请按国务院办公厅公布的 {year} 年放假安排填写："
        f'holidays（法定节假日）和 workdays（调休上班日），ISO 日期，如 holidays = ["{year}-01-01"]。'
    )


def check_rulebooks(ws: Workspace) -> tuple[list[str], list[str], list[str]]:
    """(one line per good file, warnings, every problem naming file and key) over all years'
    files. A warning (an empty `[calendar]` for a year chinesecalendar does not know) does not
    make a file bad."""
    good: list[str] = []
    warnings: list[str] = []
    problems: list[str] = []
    paths = ws.rulebook_paths_unchecked()
    if not paths:
        return [f"工作目录 {ws.root} 没有规则文件，使用内置的默认规则。"], [], []
    try:
        zone = load_rulebook(ws.latest_rulebook_path()).meta.timezone
    except RulebookError:
        zone = None
    for path in paths:
        try:
            rulebook = load_rulebook(path)
        except RulebookError as exc:
            problems.append(str(exc))
            continue
        if path.parent == ws.rules_folder and rulebook.meta.year != int(path.stem):
            problems.append(
                f"规则文件 {path} 有误（rulebook is invalid）:\n"
                f"  - meta.year: 写的是 {rulebook.meta.year}，与文件名的年份 {path.stem} 不符"
            )
            continue
        if zone is not None and rulebook.meta.timezone != zone:
            problems.append(
                f"规则文件 {path} 有误（rulebook is invalid）:\n"
                f"  - meta.timezone: 写的是 {rulebook.meta.timezone}，而工作目录的时区（最新一年的规则文件）是 {zone}；"
                "时钟与时区属于工作目录，各年须一致"
            )
            continue
        warning = calendar_warning(path, rulebook)
        if warning:
            warnings.append(warning)
            good.append(
                f"{path}：{rulebook.meta.year} 年，{rulebook.meta.name}，格式无误，放假安排待填（见提示）。"
            )
        else:
            good.append(f"{path}：{rulebook.meta.year} 年，{rulebook.meta.name}，无误。")
    return good, warnings, problems
