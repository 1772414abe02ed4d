"""The labelled set of same-news pairs (benchmarks/data/same_news.jsonl), made reproducibly.

    python benchmarks/same_news_data.py        # rewrites benchmarks/data/same_news.jsonl

Forty-eight local events of a subdistrict (twelve kinds of news a 街道 sends: 消防检查, 垃圾分类,
领导调研, 防汛演练, …), each written up by several units in their own way: a community's full
article, a bureau's article from its own angle, a short 快讯 of two sentences, a WeChat-style
piece. The write-ups of one kind share the kind's usual words and organisations (every 消防检查
has 区消防救援大队 and 灭火器), so two different 消防检查 in one month look alike on topic; what
tells one event from another is what a reporter writes down: the day, the place, the people, the
figures. Each write-up gives only some of those, as real ones do (a 快讯 may say 近日, an article
may give the leader but not the numbers).

Pairs, each labelled:
- `same_event`: two write-ups of one event by different units, in different templates
  (`full/full`, `full/short`, …);
- `different`: two events of one kind (same month; some on the same day in another community,
  some in the same community on another day), and events of other kinds on the same day in the
  same community;
- `copy`: a write-up and a lightly edited copy (a few words swapped for synonyms, a figure
  changed, a sentence added or the title reworded).
"""

from __future__ import annotations

import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.same_news_templates import KINDS, Kind  # noqa: E402

DATA = Path(__file__).with_name("data") / "same_news.jsonl"

COMMUNITIES = (
    "湖滨社区",
    "塔下社区",
    "聚新社区",
    "青年路社区",
    "云栖社区",
    "翠苑社区",
    "金沙港社区",
    "灵隐社区",
    "北山社区",
    "茅家埠社区",
)
PLACES = (
    "文化广场",
    "党群服务中心",
    "紫荆花园小区",
    "桂花苑小区",
    "新华坊小区",
    "银杏广场",
    "邻里中心",
    "老年活动室",
    "东园路口",
    "滨河公园",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = tuple(
    "建国 志强 海燕 丽华 文斌 晓东 国平 静怡 军 伟 红梅 明辉 秀英 玉兰 春华 桂芳 永刚 德胜 卫东 振华 瑞雪 立新 家豪 思远 子涵 佳琪 敏 磊".split()
)
LEADER_TITLES = ("区委副书记", "副区长", "区人大常委会副主任", "区政协副主席", "区委常委、宣传部部长")
STAFF_TITLES = ("社区党委书记", "社区居委会主任", "街道党工委委员", "街道办事处副主任", "网格长")
UNITS = (
    "湖滨社区",
    "塔下社区",
    "聚新社区",
    "青年路社区",
    "云栖社区",
    "翠苑社区",
    "综合办",
    "党建办",
    "平安办",
    "城管科",
    "社会事务科",
    "经济发展科",
)
PARTS = ("上午", "下午", "上午", "下午", "晚上")
MONTH = 3


@dataclass(frozen=True)
class Event:
    kind: Kind
    key: int
    values: dict[str, str]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def new_event(kind: Kind, key: int, rng: random.Random, day: int, community: str) -> Event:
    n1 = rng.randrange(20, 300)
    values = {
        "m": str(MONTH),
        "d": str(day),
        "part": rng.choice(PARTS),
        "comm": community,
        "place": rng.choice(PLACES),
        "leader": person(rng),
        "ltitle": rng.choice(LEADER_TITLES),
        "staff": person(rng),
        "stitle": rng.choice(STAFF_TITLES),
        "n1": str(n1),
        "n2": str(rng.randrange(11, 99)),
        "n3": str(rng.randrange(100, 2000)),
    }
    values.update(kind.extra(rng))
    return Event(kind, key, values)


def write_up(event: Event, template: int) -> tuple[str, str]:
    title, body = event.kind.templates[template]
    return title.format(**event.values), body.format(**event.values)


SYNONYMS = (
    ("开展", "组织开展"),
    ("居民", "群众"),
    ("进一步", "切实"),
    ("活动", "行动"),
    ("工作人员", "社区工作者"),
    ("近日", "日前"),
    ("认真", "仔细"),
    ("积极", "主动"),
    ("详细", "耐心"),
    ("下一步", "今后"),
)
ADDED = (
    "活动受到了居民的一致好评。",
    "现场气氛热烈。",
    "此次活动取得了良好效果。",
    "大家纷纷表示受益匪浅。",
)


def light_edit(title: str, body: str, rng: random.Random) -> tuple[str, str]:
    """A copy lightly edited: two or three of synonym swaps, a figure changed, a sentence added,
    the title reworded."""
    edits = rng.sample(("swap", "swap", "figure", "add", "title"), k=rng.randint(2, 3))
    for edit in edits:
        if edit == "swap":
            found = [pair for pair in SYNONYMS if pair[0] in body]
            if found:
                old, new = rng.choice(found)
                body = body.replace(old, new, 1)
        elif edit == "figure":
            figures = [m for m in re.finditer(r"\d+(?![\d月日])", body) if len(m.group()) >= 2]
            if figures:
                m = figures[-1]
                body = f"{body[: m.start()]}{int(m.group()) + 3}{body[m.end() :]}"
        elif edit == "add":
            body = body.rstrip() + rng.choice(ADDED)
        else:
            title = title.replace("开展", "组织") if "开展" in title else title + "侧记"
    return title, body


def pair(
    label: str, how: str, a: tuple[str, str], b: tuple[str, str], units: tuple[str, str]
) -> dict[str, str]:
    return {
        "label": label,
        "how": how,
        "unit_a": units[0],
        "title_a": a[0],
        "text_a": a[1],
        "unit_b": units[1],
        "title_b": b[0],
        "text_b": b[1],
    }


def events(rng: random.Random) -> list[Event]:
    """Four events of each kind in one month: two on one day in two communities, two in one
    community on other days (the hard cases), the days of each kind spread over the month."""
    out: list[Event] = []
    for k, kind in enumerate(KINDS):
        first, second = rng.sample(COMMUNITIES, 2)
        day_a, day_b, day_c = rng.sample(range(2, 29), 3)
        for j, (day, comm) in enumerate(((day_a, first), (day_a, second), (day_b, first), (day_c, first))):
            out.append(new_event(kind, k * 10 + j, rng, day, comm))
    return out


def templates_of(event: Event) -> int:
    return len(event.kind.templates)


def same_event_pairs(all_events: list[Event], rng: random.Random) -> list[dict[str, str]]:
    out = []
    for event in all_events:
        count = templates_of(event)
        combos = [(i, j) for i in range(count) for j in range(count) if i != j]
        for i, j in rng.sample(combos, 3):
            units = tuple(rng.sample(UNITS, 2))
            how = f"{event.kind.shapes[i]}/{event.kind.shapes[j]}"
            out.append(pair("same_event", how, write_up(event, i), write_up(event, j), units))  # type: ignore[arg-type]
    return out


def different_pairs(all_events: list[Event], rng: random.Random) -> list[dict[str, str]]:
    out = []
    by_kind: dict[str, list[Event]] = {}
    for event in all_events:
        by_kind.setdefault(event.kind.name, []).append(event)
    for group in by_kind.values():
        for x in range(len(group)):
            for y in range(x + 1, len(group)):
                a, b = group[x], group[y]
                i, j = rng.randrange(templates_of(a)), rng.randrange(templates_of(b))
                units = tuple(rng.sample(UNITS, 2))
                how = "同类同日异地" if a.values["d"] == b.values["d"] else "同类同地异日"
                out.append(pair("different", how, write_up(a, i), write_up(b, j), units))  # type: ignore[arg-type]
    for event in all_events[::2]:
        other = rng.choice([e for e in all_events if e.kind is not event.kind])
        moved = Event(
            other.kind, other.key, {**other.values, "comm": event.values["comm"], "d": event.values["d"]}
        )
        units = tuple(rng.sample(UNITS, 2))
        out.append(pair("different", "异类同日同地", write_up(event, 0), write_up(moved, 1), units))  # type: ignore[arg-type]
    return out


def copy_pairs(all_events: list[Event], rng: random.Random) -> list[dict[str, str]]:
    out = []
    for event in all_events:
        for template in rng.sample(range(templates_of(event)), 2):
            original = write_up(event, template)
            units = tuple(rng.sample(UNITS, 2))
            how = f"{event.kind.shapes[template]}轻改"
            out.append(pair("copy", how, original, light_edit(*original, rng), units))  # type: ignore[arg-type]
    return out


def build(seed: int = 2021) -> list[dict[str, str]]:
    rng = random.Random(seed)
    all_events = events(rng)
    return [
        *same_event_pairs(all_events, rng),
        *different_pairs(all_events, rng),
        *copy_pairs(all_events, rng),
    ]


def main() -> None:
    rows = build()
    DATA.parent.mkdir(parents=True, exist_ok=True)
    with DATA.open("w", encoding="utf-8") as fh:
        for n, row in enumerate(rows, 1):
            fh.write(json.dumps({"id": n, **row}, ensure_ascii=False) + "\n")
    counts = {label: sum(r["label"] == label for r in rows) for label in ("copy", "same_event", "different")}
    print(f"{len(rows)} pairs → {DATA.relative_to(ROOT)}: {counts}")


if __name__ == "__main__":
    main()
