"""Per-file 字数 over the shared `wild/` corpus, to see exactly which files a reader change moves.

Why: a change to how the text walk reads a construct (AlternateContent, SmartArt, merged cells…)
must move only the files that hold that construct. Run it before and after a change and compare:

    python benchmarks/corpus_counts.py > before.tsv      # … change the reader …
    python benchmarks/corpus_counts.py --diff before.tsv

Prints `name  readable  zishu  zishu_all  findings` per file (TSV), or with `--diff` only the
files whose figures differ from the saved run. Reads the corpus in place; writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from extractors.read import read_path
from rules import load_rulebook

WILD = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "wild"


def rows(folder: Path) -> list[tuple[str, str, str, str, str]]:
    """One row per file, in name order: name, readable flag, zishu, zishu_all, finding rules."""
    rulebook = load_rulebook()
    out = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix != ".tsv"):
        draft = read_path(path, rulebook)
        rules = ",".join(f"{f.rule}:{f.severity}" for f in draft.findings)
        out.append(
            (path.name, str(int(draft.readable)), str(draft.counts.zishu), str(draft.counts.zishu_all), rules)
        )
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the table, or the rows that changed since a saved table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=WILD)
    parser.add_argument("--diff", type=Path, help="a table saved by an earlier run")
    args = parser.parse_args(argv)
    now = rows(args.corpus)
    if args.diff is None:
        for row in now:
            print("\t".join(row))
        return 0
    before = {line.split("\t")[0]: line.rstrip("\n").split("\t") for line in args.diff.open(encoding="utf-8")}
    changed = 0
    for row in now:
        old = before.get(row[0])
        if old is None or tuple(old[:4]) != row[:4]:
            changed += 1
            print(f"{row[0]}\t{'/'.join(old[1:4]) if old else '-'}\t→\t{'/'.join(row[1:4])}")
    print(f"{changed} of {len(now)} files changed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
