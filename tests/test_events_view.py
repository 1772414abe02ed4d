"""The log's Chinese line (pure): one field changed is named once, a link's version as 第N版."""

from __future__ import annotations

from reports.events_view import Event


def event(action: str, before: object, after: object, subject: str | None = "湖滨社区") -> Event:
    return Event(
        1, "2021-03-20T10:00:00+08:00", "clerk", action, None, None, before, after, "更换单位链接", subject
    )


def test_a_rotated_link_reads_as_its_version_before_and_after() -> None:
    line = event("link_rotate", {"link_version": 1}, {"link_version": 2}).line()
    assert line == "第 1 条 2021年3月20日 10:00 clerk 更换单位链接 湖滨社区，链接：第1版 → 第2版"


def test_a_link_change_logged_under_the_old_key_reads_the_same() -> None:
    line = event("link_rotate", {"第几版链接": 2}, {"第几版链接": 3}).line()
    assert line.endswith("湖滨社区，链接：第2版 → 第3版")


def test_a_change_of_several_fields_still_lists_each_side_whole() -> None:
    line = event("adopt", None, {"outlet": "新华日报", "level": "province"}).line()
    assert line.endswith("湖滨社区：无 → 录用媒体 新华日报，级别 省级")


def test_an_adoption_reads_its_day_in_chinese_and_a_fee_left_to_the_rulebook_as_such() -> None:
    line = event("adopt", None, {"outlet": "武进日报", "adopted_on": "2021-03-12", "fee": None}).line()
    assert line.endswith("录用媒体 武进日报，录用日期 2021年3月12日，稿酬 按规则计")


def test_an_undone_decision_reads_as_such() -> None:
    row = {"id": 2, "at": "2021-03-20T10:00:00+08:00", "actor": "clerk", "action": "decide"}
    row |= {"submission_id": 1, "reason": "核定有误", "before": None, "after": None, "subject": "撤销核定"}
    assert Event.of(row).action_name == "撤销核定"  # type: ignore[arg-type]
    assert Event.of({**row, "subject": None}).action_name == "核定"  # type: ignore[arg-type]
