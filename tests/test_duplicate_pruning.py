"""`checks.duplicate.may_be_alike` skips only priors whose comparison is surely DIFFERENT: with it,
`check_duplicates` gives exactly the `Duplicates` it gives when every prior is compared in full
(the reference here: `may_be_alike` patched to always say yes, and the days-apart test before it
to let every prior through)."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from checks import duplicate
from checks.duplicate import DIFFERENT, Duplicates, check_duplicates, compare_features, may_be_alike
from checks.model import Prior
from rules.model import Rulebook
from tests.factory import draft_value

DATA = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "same_news.jsonl"
RECEIVED = dt.datetime(2021, 3, 30, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def pairs() -> list[dict[str, str]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]


def both_ways(
    monkeypatch: pytest.MonkeyPatch,
    rulebook: Rulebook,
    text: tuple[str, str],
    unit: str,
    priors: Sequence[Prior],
) -> tuple[Duplicates, Duplicates]:
    """(pruned, every prior compared in full) for one new draft."""
    draft = draft_value(300, title=text[0], body=[text[1]], sha256="f" * 64)
    pruned = check_duplicates(draft, unit, "instant", rulebook, RECEIVED, priors)
    with monkeypatch.context() as patch:
        patch.setattr(duplicate, "may_be_alike", lambda a, b, rulebook: True)
        patch.setattr(duplicate, "days_too_far", lambda a, b, tolerance: False)
        full = check_duplicates(draft, unit, "instant", rulebook, RECEIVED, priors)
    return pruned, full


def prior(n: int, unit: str, text: tuple[str, str], minutes_ago: int) -> Prior:
    return Prior(n, unit, RECEIVED - dt.timedelta(minutes=minutes_ago), f"{n:064x}", *text, "instant")


def test_a_ruled_out_pair_of_the_labelled_set_is_different(rulebook) -> None:
    """For all 336 pairs, both ways round: whenever `may_be_alike` says no, the full comparison
    says DIFFERENT, and it does say no for most different pairs (so the pruning does work)."""
    ruled_out = 0
    for p in pairs():
        a = duplicate._features(p["title_a"], p["text_a"], rulebook)
        b = duplicate._features(p["title_b"], p["text_b"], rulebook)
        for x, y in ((a, b), (b, a)):
            if not may_be_alike(x, y, rulebook):
                ruled_out += 1
                assert compare_features(x, y, rulebook).level == DIFFERENT, p["id"]
    assert ruled_out >= 150


def test_each_pair_of_the_labelled_set_judges_alike_pruned_or_not(rulebook, monkeypatch) -> None:
    """Each pair as a draft and its one prior, from another unit and from the same unit."""
    for p in pairs():
        for unit in (p["unit_a"], "另一单位"):
            earlier = [prior(1, unit, (p["title_a"], p["text_a"]), 60)]
            pruned, full = both_ways(monkeypatch, rulebook, (p["title_b"], p["text_b"]), p["unit_a"], earlier)
            assert pruned == full, p["id"]


UNITS = ("湖滨社区", "塔下社区", "综合办", "城管科")


def random_windows(
    seed: int, rounds: int, size: int, newest_minutes: int, spacing: int
) -> Iterator[tuple[int, random.Random, list[tuple[str, str]], list[tuple[str, str]], list[Prior]]]:
    """`rounds` windows of `size` drafts drawn from the set's texts, each from one of four units,
    the n-th received `newest_minutes - spacing * n` minutes before the draft judged: (the round,
    the generator for the caller's own draws, every text, the texts chosen, the window)."""
    texts = list(dict.fromkeys((p[f"title_{s}"], p[f"text_{s}"]) for p in pairs() for s in "ab"))
    rng = random.Random(seed)
    for round_ in range(rounds):
        chosen = rng.sample(texts, size)
        window = [
            prior(n + 1, rng.choice(UNITS), text, newest_minutes - spacing * n)
            for n, text in enumerate(chosen)
        ]
        yield round_, rng, texts, chosen, window


def test_random_windows_judge_alike_pruned_or_not(rulebook, monkeypatch) -> None:
    """Windows of 60 drafts drawn from the set's texts (some repeated as a unit's resend, some
    retitled), four units, each new draft judged against them with and without the pruning."""
    found = set()
    for round_, rng, texts, chosen, window in random_windows(29, 40, 60, 60 * 24 * 8, 150):
        new = rng.choice(chosen) if round_ % 2 else rng.choice(texts)
        if round_ % 4 == 1:
            new = (new[0], new[1] + "现场气氛热烈。")  # a resend with a sentence added
        pruned, full = both_ways(monkeypatch, rulebook, new, rng.choice(UNITS), window)
        assert pruned == full, round_
        found.update(name for name, value in vars(full).items() if value)
    assert found >= {"revision_of", "same_event_of", "duplicate_of"}


def eager(draft_text: tuple[str, str], unit: str, rulebook: Rulebook, priors: Sequence[Prior]) -> Duplicates:
    """`check_duplicates` as it read before the same-event score became lazy: every prior of the
    window compared in full (`compare_features`), then the first copy, the revision and the
    first same event picked from all the comparisons."""
    from checks.duplicate import COPY, SAME_EVENT, _features, _same_event, _same_news, titles_alike

    title, text = draft_text
    mine = _features(title, text, rulebook)
    ordered = sorted(priors, key=lambda p: (p.received_at, p.id))
    compared = [(p, compare_features(mine, _features(p.title, p.text, rulebook), rulebook)) for p in ordered]
    copies = [(p, c) for p, c in compared if c.level == COPY]
    if copies and copies[0][0].unit != unit:
        return Duplicates(
            findings=(_same_news(copies[0][0], copies[0][1].score, rulebook),), duplicate_of=copies[0][0].id
        )
    own = [
        p
        for p, c in compared
        if p.unit == unit and (c.level == COPY or titles_alike(p.title, title, rulebook))
    ]
    revision_of = own[-1].id if own else None
    before = own[0].received_at if own else None
    event = next(
        (
            (p, c)
            for p, c in compared
            if p.unit != unit and c.level == SAME_EVENT and (before is None or p.received_at < before)
        ),
        None,
    )
    if event is None:
        return Duplicates(revision_of=revision_of)
    return Duplicates(
        findings=(_same_event(*event, rulebook),), revision_of=revision_of, same_event_of=event[0].id
    )


def test_the_same_event_score_computed_only_where_needed_judges_as_every_score(rulebook) -> None:
    """Windows of 80 drafts from the set's texts, four units: `check_duplicates` (first looks,
    then the same-event score up to the first that reaches it) gives exactly what comparing
    every prior in full gives."""
    found = set()
    for round_, rng, texts, chosen, window in random_windows(2929, 60, 80, 60 * 24 * 6, 100):
        new = rng.choice(chosen) if round_ % 3 else rng.choice(texts)
        unit = rng.choice(UNITS)
        draft = draft_value(300, title=new[0], body=[new[1]], sha256="f" * 64)
        judged = check_duplicates(draft, unit, "instant", rulebook, RECEIVED, window)
        assert judged == eager(new, unit, rulebook, window), round_
        found.update(name for name, value in vars(judged).items() if value)
    assert found >= {"revision_of", "same_event_of", "duplicate_of"}
