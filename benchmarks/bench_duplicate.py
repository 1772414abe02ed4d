"""Does MinHash LSH (datasketch) pay for itself in the near-duplicate window? Ratios against the
exact Jaccard scan that `checks.duplicate.check_duplicates` does, measured in the same run.

    python benchmarks/bench_duplicate.py [--quick]   # --quick: windows 100 and 400, each timed once

The window is what the rulebook sets: `intake.near_duplicate_days` (7) of drafts from 23 units —
a busy week is a few hundred; the ledger hands over ±(days+1), so up to ~2× that. Window sizes
100, 400 and 1600 (4× the busiest) are timed. Texts are news-sized pieces (300–2000 字, cut to
`near_duplicate_max_chars`) of real documents from ../shared/corpus/wild (synthetic Han text if
the corpus is absent). A few priors are edited copies of the draft (Jaccard 0.80–0.95), so the
scan and LSH both have something to find.

Timed per judged draft, word sets already cached (as in a long-running watch, the best case):
- baseline: `check_duplicates` over the window (the exact scan: one set intersection per prior);
- LSH, rebuilt: the window's MinHashes cached, an index built from them, queried, candidates
  checked exactly (the check is pure and gets its priors per call, so this is what it would do);
- LSH, kept: only the query plus the exact check of candidates (an index kept across calls);
- the MinHash of the new draft itself (paid once per draft by either LSH variant);
- the floor both pay: segmenting the new draft with jieba.
Also printed: how many of the true near-duplicates (exact Jaccard ≥ threshold) LSH found.
Nothing here asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checks.duplicate import check_duplicates, jaccard, prepare, signature_text, word_set  # noqa: E402
from checks.model import Prior  # noqa: E402
from extractors.model import Draft  # noqa: E402
from rules.load import load_rulebook  # noqa: E402
from rules.model import Rulebook  # noqa: E402
from tests.factory import draft_value  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "wild"
NUM_PERM = 128  # datasketch's default
RECEIVED = dt.datetime(2021, 3, 12, 15, 0, tzinfo=load_rulebook().meta.tz)


def _median(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def source_texts(files: int) -> list[str]:
    """Long texts to cut news-sized pieces from: real documents, else synthetic Han text."""
    from extractors.read import read_path

    rulebook = load_rulebook()
    texts = []
    for path in sorted(CORPUS.glob("*.docx"))[: files * 2]:
        text = read_path(path, rulebook).text
        if len(text) >= 2500:
            texts.append(text)
        if len(texts) >= files:
            break
    if not texts:
        from tests.factory import han_text

        texts = [han_text(20000, seed=i) for i in range(files)]
    return texts


def news_pieces(texts: list[str], count: int, rng: random.Random) -> list[str]:
    pieces = []
    for _ in range(count):
        text = rng.choice(texts)
        size = rng.randint(300, 2000)
        start = rng.randint(0, max(0, len(text) - size))
        pieces.append(text[start : start + size])
    return pieces


def edited(text: str, rng: random.Random) -> str:
    """The same story resent with a few sentences changed (another unit's copy)."""
    sentences = text.split("。")
    for _ in range(max(1, len(sentences) // 20)):
        i = rng.randrange(len(sentences))
        sentences[i] = sentences[i][: len(sentences[i]) // 2]
    return "。".join(sentences)


def window_of(window: int, texts: list[str], rulebook: Rulebook) -> tuple[Draft, list[Prior]]:
    """A draft and `window` priors from 23 units over the last 7 days, 3 of them edited copies."""
    rng = random.Random(window)
    body = news_pieces(texts, 1, rng)[0]
    bodies = news_pieces(texts, window - 3, rng) + [edited(body, rng) for _ in range(3)]
    rng.shuffle(bodies)
    priors = [
        Prior(
            id=i + 1,
            unit=f"单位{i % 23}",
            received_at=RECEIVED - dt.timedelta(days=rng.uniform(0, 7)),
            sha256=f"{i:064x}",
            text=text,
            content_type="instant",
        )
        for i, text in enumerate(bodies)
    ]
    return draft_value(300, title="", body=[body], sha256="f" * 64), priors


def lsh_figures(
    mine: frozenset[str], sets: dict[int, frozenset[str]], rulebook: Rulebook, runs: int, exact: float
) -> str:
    """LSH rebuilt per call and kept (as ratios to the exact scan's `exact` seconds), the draft's
    own MinHash, and how many true near-duplicates LSH found."""
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        return "LSH not timed: datasketch is not installed (no longer a dependency)"
    threshold = rulebook.intake.near_duplicate_threshold

    def minhash(words: frozenset[str]) -> MinHash:
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch([w.encode("utf-8") for w in words])
        return m

    hashes = {pid: minhash(words) for pid, words in sets.items()}
    mine_hash = minhash(mine)

    def build() -> MinHashLSH:
        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        with lsh.insertion_session() as session:
            for pid, m in hashes.items():
                session.insert(pid, m)
        return lsh

    def verify(lsh: MinHashLSH) -> list[int]:
        return [pid for pid in lsh.query(mine_hash) if jaccard(mine, sets[pid]) >= threshold]

    rebuilt = _median(runs, lambda: verify(build()))
    kept_index = build()
    kept = _median(runs, lambda: verify(kept_index))
    own_hash = _median(runs, lambda: minhash(mine))
    truth = {pid for pid, words in sets.items() if jaccard(mine, words) >= threshold}
    found = set(verify(kept_index)) & truth
    return (
        f"LSH rebuilt {rebuilt * 1000:7.2f} ms ({rebuilt / exact:5.2f}× the scan) | "
        f"LSH kept {kept * 1000:6.2f} ms ({kept / exact:5.2f}×) + draft's MinHash {own_hash * 1000:5.2f} ms"
        f" | near-duplicates found {len(found)}/{len(truth)}"
    )


def run(window: int, texts: list[str], runs: int) -> None:
    rulebook = load_rulebook()
    max_chars = rulebook.intake.near_duplicate_max_chars
    draft, priors = window_of(window, texts, rulebook)
    signature = signature_text(draft.title, draft.text, max_chars)
    # The floor: jieba on the new draft (dictionary loaded, word set not cached yet).
    prepare()
    word_set.cache_clear()
    segment = _median(1, lambda: word_set(signature))
    sets = {p.id: word_set(signature_text(p.title, p.text, max_chars)) for p in priors}
    exact = _median(runs, lambda: check_duplicates(draft, "湖滨社区", "instant", rulebook, RECEIVED, priors))
    lsh = lsh_figures(word_set(signature), sets, rulebook, runs, exact)
    print(
        f"window {window:5d}: exact scan {exact * 1000:7.2f} ms | jieba floor {segment * 1000:6.1f} ms "
        f"(scan = {exact / segment:.0%} of it) | {lsh}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--quick", action="store_true", help="windows of 100 and 400 only, each timed once, 10 source texts"
    )
    args = parser.parse_args()
    texts = source_texts(10 if args.quick else 40)
    print(f"{len(texts)} source texts; threshold and window from the default rulebook")
    for window in (100, 400) if args.quick else (100, 400, 1600):
        run(window, texts, runs=1 if args.quick else 5)


if __name__ == "__main__":
    main()
