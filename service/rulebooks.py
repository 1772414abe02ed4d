"""One rulebook per year in the workspace (`draftdesk rules new YEAR | check`).

`new` copies the latest year's file to `rules/<YEAR>.toml` with the year changed, its first
line naming the new year's rulebook and the year it was copied from, and the `[calendar]`
section emptied (the comments heading the next section kept), to be filled from the State Council's holiday notice (the
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
_KEY_LINE = re.compile(r"^\s*[^\s#]")  # a key, a value's continuation or a closing bracket


def _calendar_section(year: int) -> str:
    return (
        "[calendar]\n"
        f"# {year} 年的放假安排，用于计算“两个工作日”等时限：holidays 填法定节假日，workdays 填调休上班日，\n"
        f'# 日期写成 "{year}-01-01" 的样子。国务院办公厅通常在上一年年底才公布放假安排，程序自带的\n'
        "# 放假安排可能还没有这一年。要不要填，检查时会提示。命令：draftdesk rules check\n"
        "holidays = []\n"
        "workdays = []\n"
    )


def _replace_calendar(text: str, year: int) -> str:
    """`text` with its `[calendar]` section emptied for `year`. Comments after the section's
    last line, past a blank line, head the next section (稿件类型) and are kept."""
    found = _CALENDAR.search(text)
    if found is None:
        return text.rstrip("\n") + "\n\n" + _calendar_section(year)
    lines = found.group(0).splitlines(keepends=True)
    last = max((i for i, line in enumerate(lines) if i and _KEY_LINE.match(line)), default=0)
    tail = lines[last + 1 :]
    blank = next((i for i, line in enumerate(tail) if not line.strip()), len(tail))
    kept = "".join(tail[blank:]) or "\n"
    return text[: found.start()] + _calendar_section(year) + kept + text[found.end() :]


def _retitle(text: str, old_name: str, new_name: str, old_year: int) -> str:
    """`text` opening with a comment naming the new year's rulebook and where it was copied
    from, in place of the copied file's own title line (the line that names `old_name`)."""
    title = f"# {new_name}（由 {old_year} 年的规则文件复制，请按当年文件核对）\n"
    first, _, rest = text.partition("\n")
    if first.startswith("#") and old_name in first:
        return title + rest
    return title + text


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
    new_name = old.meta.name.replace(str(old.meta.year), str(year), 1)
    text = _retitle(text, old.meta.name, new_name, old.meta.year)
    text = _replace_calendar(text, year)
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
        f"提示：规则文件 {path} 的 [calendar] 一节没有 {year} 年的放假安排，程序自带的放假安排也还没有 "
        f"{year} 年，时效暂按周一至周五计算工作日。请按国务院办公厅公布的 {year} 年放假安排填写 "
        f'holidays（法定节假日）和 workdays（调休上班日），日期写成 "{year}-01-01" 的样子，'
        f'如 holidays = ["{year}-01-01"]。'
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
            problem = f"meta.year：写的是 {rulebook.meta.year}，与文件名的年份 {path.stem} 不符"
            problems.append(str(RulebookError(str(path), [problem])))
            continue
        if zone is not None and rulebook.meta.timezone != zone:
            problem = (
                f"meta.timezone：写的是 {rulebook.meta.timezone}，而工作目录的时区（最新一年的规则文件）是 {zone}；"
                "时钟与时区属于工作目录，各年须一致"
            )
            problems.append(str(RulebookError(str(path), [problem])))
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
