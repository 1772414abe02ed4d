"""`checks.duplicate.may_be_alike` skips only priors whose comparison is surely DIFFERENT: with it,
`check_duplicates` gives exactly the `Duplicates` it gives when every prior is compared in full
(the reference here: `may_be_alike` patched to always say yes)."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Sequence
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


def test_random_windows_judge_alike_pruned_or_not(rulebook, monkeypatch) -> None:
    """Windows of 60 drafts drawn from the set's texts (some repeated as a unit's resend, some
    retitled), four units, each new draft judged against them with and without the pruning."""
    texts = list(dict.fromkeys((p[f"title_{s}"], p[f"text_{s}"]) for p in pairs() for s in "ab"))
    rng = random.Random(29)
    units = ("湖滨社区", "塔下社区", "综合办", "城管科")
    found = set()
    for round_ in range(40):
        chosen = rng.sample(texts, 60)
        window = [
            prior(n + 1, rng.choice(units), text, 60 * 24 * 8 - 150 * n) for n, text in enumerate(chosen)
        ]
        new = rng.choice(chosen) if round_ % 2 else rng.choice(texts)
        if round_ % 4 == 1:
            new = (new[0], new[1] + "现场气氛热烈。")  # a resend with a sentence added
        pruned, full = both_ways(monkeypatch, rulebook, new, rng.choice(units), window)
        assert pruned == full, round_
        found.update(name for name, value in vars(full).items() if value)
    assert found >= {"revision_of", "same_event_of", "duplicate_of"}
