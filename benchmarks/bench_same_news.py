"""How well `checks.duplicate.compare_texts` tells copies, same events and different news apart,
on the labelled set (benchmarks/data/same_news.jsonl, made by benchmarks/same_news_data.py), and
how long judging one draft against 400 earlier ones takes.

    python benchmarks/bench_same_news.py [--quick] [--mistakes]

Printed: for each level (copy, same_event) its precision and recall over the set's pairs, the
confusion table, recall by how the pair was written (快讯/全文, 同类同日异地, …), and the time
per judged draft: `check_duplicates` of a new draft (its own segmentation included, the earlier
drafts' features already cached as in a running watch) against a window of 400 earlier drafts
from other units, median of several drafts. Goals (issue 30): copies precision 1.0 and recall
≥ 0.95; same event precision ≥ 0.8 and recall ≥ 0.7; ≤ 50 ms per draft. Nothing here asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checks.duplicate import (  # noqa: E402
    COPY,
    DIFFERENT,
    SAME_EVENT,
    check_duplicates,
    compare_texts,
    features,
    prepare,
    word_set,
)
from checks.model import Prior  # noqa: E402
from rules.load import load_rulebook  # noqa: E402
from rules.model import Rulebook  # noqa: E402
from tests.factory import draft_value  # noqa: E402

DATA = Path(__file__).with_name("data") / "same_news.jsonl"
LEVELS = (COPY, SAME_EVENT, DIFFERENT)
WINDOW = 400


def load_pairs() -> list[dict[str, str]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def judged(pairs: list[dict[str, str]], rulebook: Rulebook) -> list[tuple[dict[str, str], str, float]]:
    return [
        (p, *_level(compare_texts(p["title_a"], p["text_a"], p["title_b"], p["text_b"], rulebook)))
        for p in pairs
    ]


def _level(comparison: object) -> tuple[str, float]:
    return comparison.level, comparison.score  # type: ignore[attr-defined]


def report_quality(results: list[tuple[dict[str, str], str, float]], mistakes: bool) -> None:
    print(f"labelled pairs: {len(results)} ({dict(Counter(p['label'] for p, _, _ in results))})")
    for level in (COPY, SAME_EVENT):
        said = [p for p, got, _ in results if got == level]
        true = [p for p, _, _ in results if p["label"] == level]
        hit = sum(p["label"] == level for p in said)
        precision = hit / len(said) if said else 1.0
        recall = hit / len(true) if true else 1.0
        print(
            f"{level:<11} precision {precision:.3f}  recall {recall:.3f}  ({hit} of {len(true)} found, {len(said)} said)"
        )
    print("confusion (label → judged):")
    for label in LEVELS:
        row = Counter(got for p, got, _ in results if p["label"] == label)
        print(f"  {label:<11} " + "  ".join(f"{level} {row[level]:>3}" for level in LEVELS))
    print("recall by how the pair was written:")
    hows = sorted({p["how"] for p, _, _ in results})
    for how in hows:
        group = [(p, got) for p, got, _ in results if p["how"] == how]
        right = sum(p["label"] == got for p, got in group)
        print(f"  {how:<10} {right}/{len(group)}")
    if mistakes:
        for p, got, score in results:
            if got != p["label"]:
                print(
                    f"  #{p['id']} {p['label']}→{got} {score:.2f} {p['how']}: {p['title_a']} | {p['title_b']}"
                )


def priors_of(pairs: list[dict[str, str]], count: int, received: dt.datetime) -> list[Prior]:
    """`count` earlier drafts from the set's texts (each distinct), spread over the window."""
    texts = list(dict.fromkeys((p[f"title_{s}"], p[f"text_{s}"]) for p in pairs for s in "ab"))
    out = []
    for n in range(count):
        title, text = texts[n % len(texts)]
        if n >= len(texts):  # the set has fewer texts than a busy window: vary the copies
            text = f"{text}（第{n}稿）"
        moment = received - dt.timedelta(minutes=20 * (count - n))
        out.append(Prior(n + 1, f"单位{n % 23}", moment, f"{n:064x}", title, text, "instant"))
    return out


def time_per_draft(pairs: list[dict[str, str]], rulebook: Rulebook, drafts: int) -> tuple[float, float]:
    """Median and slowest ms of `check_duplicates` for a new draft against WINDOW priors (their
    words cached; their names are read, once each, by the first drafts that need them)."""
    received = dt.datetime(2021, 3, 30, 15, 0, tzinfo=rulebook.meta.tz)
    priors = priors_of(pairs, WINDOW, received)
    limit, least = rulebook.intake.near_duplicate_max_chars, rulebook.same_news.min_number
    for p in priors:  # a running watch has them cached already
        word_set(features(p.title, p.text, limit, least).signature)
    check_duplicates(
        draft_value(300, title="预热", body=["预热"]), "新单位", "instant", rulebook, received, priors
    )
    times = []
    for n, pair in enumerate(pairs[:drafts]):
        body = f"{pair['text_b']}（新稿{n}）"  # a text not yet segmented, as a new draft is
        draft = draft_value(300, title=pair["title_b"], body=[body], sha256=f"f{n:063x}")
        start = time.perf_counter()
        check_duplicates(draft, "新单位", "instant", rulebook, received, priors)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, max(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer drafts timed")
    parser.add_argument("--mistakes", action="store_true", help="list the pairs judged wrong")
    args = parser.parse_args()
    rulebook = load_rulebook()
    prepare()
    pairs = load_pairs()
    start = time.perf_counter()
    results = judged(pairs, rulebook)
    print(
        f"compare_texts on {len(pairs)} pairs: {time.perf_counter() - start:.1f} s (cold, segmentation included)"
    )
    report_quality(results, args.mistakes)
    median, slowest = time_per_draft(pairs, rulebook, 10 if args.quick else 40)
    print(
        f"per judged draft against {WINDOW} earlier drafts: {median:.1f} ms (median; goal ≤ 50 ms), slowest {slowest:.1f} ms"
    )


if __name__ == "__main__":
    main()
