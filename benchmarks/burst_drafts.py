"""The drafts of a burst (benchmarks/bench_burst.py): what 23 units send after a few weeks offline.

Each draft writes up its own local event, made as benchmarks/same_news_data.py makes the labelled
set's (twelve kinds of news, each event its own day, community, spot, people and figures), the
event days spread over the forty days before the burst (`DAYS`). Its unit is one of the
rulebook's, its type mostly 即时通讯信息, some 微信原创稿件 and 党委政务信息 (longer: two
write-ups of the event in one draft). So that the same-news check still does real work, a small
share repeats an earlier event: `SAME_EVENT_SHARE` another unit's own write-up of it,
`COPY_SHARE` a lightly edited copy sent by another unit (a duplicate), `RESEND_SHARE` a unit's
own resend (a revision).

`alike_drafts` are the old, adversarial drafts (tests.factory.news_draft): one title, one event
day and a 48-character alphabet, so nearly every pair must be compared in full.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.same_news_data import COMMUNITIES, light_edit, new_event, write_up  # noqa: E402
from benchmarks.same_news_templates import KINDS  # noqa: E402
from tests.factory import make_docx, make_photo, news_draft  # noqa: E402

# (month, day) of the events: 1 February to 12 March 2021, the burst's day.
DAYS = [(2, d) for d in range(1, 29)] + [(3, d) for d in range(1, 13)]
TYPES = (("即时通讯信息", 0.7), ("微信原创稿件", 0.15), ("党委政务信息", 0.15))
SAME_EVENT_SHARE, COPY_SHARE, RESEND_SHARE = 0.06, 0.03, 0.02
Written = tuple[str, str, str, str, int]  # unit, type folder, title, body, photo seed


def realistic_drafts(count: int, units: list[str], seed: int = 29) -> list[tuple[str, bytes]]:
    """`count` drafts as (inbox path, .docx bytes), one photo each (so a 微信原创稿件 is sent
    back for its photos, as some are: its text still becomes a same-unit prior)."""
    return [_file(n, w) for n, w in enumerate(realistic_texts(count, units, seed))]


def realistic_texts(count: int, units: list[str], seed: int = 29) -> list[Written]:
    """What `realistic_drafts` writes: (unit, type folder, title, body, photo seed) of each."""
    rng = random.Random(seed)
    written: list[Written] = []
    events = []
    for n in range(count):
        roll = rng.random()
        if events and roll < SAME_EVENT_SHARE + COPY_SHARE + RESEND_SHARE:
            written.append(_repeat(rng, roll, written, events, units, n))
            continue
        kind = rng.choice(KINDS)
        month, day = rng.choice(DAYS)
        event = new_event(kind, n, rng, day, rng.choice(COMMUNITIES + tuple(u for u in units if "社区" in u)))
        event.values["m"] = str(month)
        folder = rng.choices([t for t, _ in TYPES], [w for _, w in TYPES])[0]
        events.append((event, len(written)))
        written.append((rng.choice(units), folder, *_text(event, folder, rng), n))
    return written


def _text(event: object, folder: str, rng: random.Random) -> tuple[str, str]:
    shapes = rng.sample(range(4), 2)
    title, body = write_up(event, shapes[0])  # type: ignore[arg-type]
    if folder != "即时通讯信息":  # the longer types: two write-ups joined
        body += "\n" + write_up(event, shapes[1])[1]  # type: ignore[arg-type]
    return title, body


def _repeat(
    rng: random.Random,
    roll: float,
    written: list[Written],
    events: list[tuple[object, int]],
    units: list[str],
    n: int,
) -> Written:
    event, first = rng.choice(events)
    unit, folder, title, body, photo = written[first]
    others = [u for u in units if u != unit]
    if roll < SAME_EVENT_SHARE:
        return (rng.choice(others), folder, *_text(event, folder, rng), n)
    edited = light_edit(title, body, rng)
    if roll < SAME_EVENT_SHARE + COPY_SHARE:
        return (rng.choice(others), folder, *edited, photo)
    return (unit, folder, edited[0] + "（修改稿）", edited[1], n)


def _file(n: int, written: Written) -> tuple[str, bytes]:
    unit, folder, title, body, photo = written
    photos = [make_photo(640, 480, seed=photo)]
    return f"{unit}/{folder}/稿件{n:04d}.docx", make_docx([title, *body.split("\n")], photos=photos)


def alike_drafts(count: int, units: list[str]) -> list[tuple[str, bytes]]:
    """The adversarial burst: one title and event day, text from one small alphabet."""
    return [
        (
            f"{units[i % len(units)]}/即时通讯信息/稿件{i:04d}.docx",
            news_draft(220 + i % 250, photos=1, seed=i),
        )
        for i in range(count)
    ]
