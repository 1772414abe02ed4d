"""The rules that shape each figure of an assessment, in the clerk's words and the rulebook's numbers.

Issue 20: the 考核 page and the workbook state beside each figure why it is what it is — the
no-carry-over rule (不结转), the yearly bonus cap, who is scored. They are written once here, from
the year's rulebook, and carried by `PeriodAssessment`, so the page, the workbook's 说明 sheet and
the terminal say the same thing. No code value, key or file syntax appears in them.
"""

from __future__ import annotations

from rules.levels import LEVEL_NAMES
from rules.model import ContentType, Rulebook

PERIOD_WORDS = {"month": "月", "quarter": "季度", "year": "年"}


def carry_over_rule(see: str = "") -> str:
    """不结转: each period's quota stands alone; `see` points to where late drafts are listed."""
    return (
        "不结转：每个月（季、年）的任务单独考核，某期多报的稿件不抵补其他期的缺少数；"
        f"迟报稿件予以登记但不计入当期完成数{see}。"
    )


def cap_rule(rulebook: Rulebook) -> str:
    """The yearly bonus cap, and how a month or quarter report applies it."""
    cap = rulebook.points.bonus_cap_year
    return (
        f"加分封顶：所有加分（多录用加分、媒体宣传加分）按自然年累计不超过 {cap:g} 分；"
        "月报、季报按年初至期末累计后封顶，本期只计新增部分。"
    )


def scored_rule(rulebook: Rulebook) -> str:
    """Who earns points: the unit kinds the rulebook scores; the others are judged on completion only."""
    scored = [name for key, name in rulebook.kinds.items() if key in rulebook.points.kinds]
    others = [name for key, name in rulebook.kinds.items() if key not in rulebook.points.kinds]
    text = f"扣分、加分只适用于{'、'.join(scored)}" if scored else "本年度规则不扣分也不加分"
    if others and scored:
        text += f"；{'、'.join(others)}只考核完成数，不计分"
    return text + "。"


def _quota_words(ctype: ContentType, rulebook: Rulebook) -> str:
    every = f"每{PERIOD_WORDS.get(ctype.period, ctype.period)}"
    if ctype.quota == "assigned":
        return f"任务数为当月约稿篇数，{every}单独考核"
    if ctype.quota == "adopted":
        outlets = [n for n, p in rulebook.outlet_platforms.items() if p == ctype.platform]
        where = f"只计{'、'.join(outlets)}的录用" if outlets else "按录用篇数计"
        return f"{every}任务数按各单位任务分解表，{where}，按首次录用日期计入"
    if ctype.due:
        month, day = (int(x) for x in ctype.due.split("-"))
        return f"每年任务数按各单位任务分解表，{month}月{day}日前报送的才计入"
    return f"{every}任务数按各单位任务分解表，按收稿日期计入"


def type_rule(ctype: ContentType, rulebook: Rulebook) -> str:
    """How one content type's 完成/任务 figure is counted, with its deduction and extra bonus."""
    parts = [_quota_words(ctype, rulebook), "不结转"]
    missing = rulebook.points.missing.get(ctype.key)
    if missing:
        parts.append(f"每少一篇{missing:+g}分")
    extra = rulebook.points.extra.get(ctype.key)
    if extra:
        parts.append(f"每多录用一篇{extra:+g}分")
    return f"{ctype.name}：{'，'.join(parts)}。"


def deduction_rule(rulebook: Rulebook) -> str:
    rates = [
        f"{rulebook.types[key].name}每少一篇{rate:+g}分"
        for key, rate in rulebook.points.missing.items()
        if key in rulebook.types
    ]
    return f"扣分：{'、'.join(rates) or '无'}；各期缺少数分别计算，不结转。{scored_rule(rulebook)}"


def bonus_rule(rulebook: Rulebook) -> str:
    p = rulebook.points
    parts = [
        f"{rulebook.types[key].name}每多录用一篇{rate:+g}分"
        for key, rate in p.extra.items()
        if key in rulebook.types
    ]
    if p.media_bonus_levels:
        levels = "、".join(LEVEL_NAMES.get(x, x) for x in p.media_bonus_levels)
        parts.append(
            f"{levels}媒体的宣传报道每篇 {p.media_bonus_min:g}–{p.media_bonus_max:g} 分，同篇只计一次"
        )
    return f"加分：{'；'.join(parts) or '无'}。{cap_rule(rulebook)}"


def total_rule() -> str:
    return "合计：本期扣分与本期加分（封顶后）之和。"


def fee_rule() -> str:
    return (
        "稿酬：同一稿件按最高标准发放一次，后来更高级别的录用只补差额；规则未定价的类型与媒体组合不发稿酬。"
    )


def open_rule() -> str:
    return "（至今）：尚未结束的季度或年度到本期末为止的进度，只供参考，不计分。"


def _xuexi_note(xuexi: ContentType, rulebook: Rulebook) -> str:
    units = [u for u in rulebook.units if u.quota.get(xuexi.key)]
    quotas = "、".join(str(q) for q in sorted({u.quota[xuexi.key] for u in units}))
    platform = [name for name, p in rulebook.outlet_platforms.items() if p == xuexi.platform]
    where = f"只计{'、'.join(platform)}的录用，" if platform else ""
    return (
        f"{xuexi.name}任务数：附件1的合并单元格还原为{len(units)}个单位每季度{quotas}篇"
        f"（见规则文件中各单位的{xuexi.name}任务数）；{where}按首次录用日期计入季度。"
    )


def notes(rulebook: Rulebook) -> tuple[str, ...]:
    """The readings of the rules the figures rest on (the 说明 sheet), with the rulebook's numbers."""
    found = [_xuexi_note(t, rulebook) for t in rulebook.types.values() if t.quota == "adopted"]
    found += [carry_over_rule("（见“未计入稿件”）"), cap_rule(rulebook)]
    p = rulebook.points
    if p.media_bonus_levels:
        levels = "、".join(LEVEL_NAMES.get(x, x) for x in p.media_bonus_levels)
        found.append(
            f"媒体宣传加分：只给{levels}媒体的报道，每篇 {p.media_bonus_min:g}–{p.media_bonus_max:g} 分，同篇只计一次。"
        )
    found.append(fee_rule())
    found.append("先进评选：按全年录用篇数排出的推荐名单，建议奖励为办法规定的金额，最终由街道研究决定。")
    found.append(scored_rule(rulebook))
    return tuple(found)
