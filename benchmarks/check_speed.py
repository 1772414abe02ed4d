"""How long `draftdesk check` takes on one draft, as ratios against baselines measured in the same run.

Why: `check` is what an officer runs before dropping a file; it must answer in well under a second
and never pay for Prefect. Absolute times depend on the machine, so this prints ratios:
- the whole command vs bare interpreter start-up plus `import cli.app` (the floor any command pays);
- judging (identify + judge + note) vs reading the same draft (the reader dominates by design).

Run: `python benchmarks/check_speed.py` (from the project root, venv active).
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _child_cpu_seconds(runs: int, argv: list[str]) -> float:
    """Median CPU time (user+system) of a subprocess: steadier than wall time on a busy machine."""
    times = []
    for _ in range(runs):
        before = _children_cpu()
        subprocess.run(argv, cwd=ROOT, capture_output=True, check=False)
        times.append(_children_cpu() - before)
    return statistics.median(times)


def _median_seconds(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from checks.identity import identify
    from checks.judge import judge
    from checks.notes import render_note
    from extractors.read import read_path
    from rules.times import parse_instant
    from service.setup import init_workspace
    from tests.factory import news_draft
    from workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp))
        init_workspace(ws)
        rulebook = ws.rulebook()
        draft_path = ws.inbox / "湖滨社区" / "即时通讯信息" / "稿件.docx"
        draft_path.write_bytes(news_draft(400, photos=2))
        received = parse_instant("2021-03-12T15:00", rulebook.meta.tz)

        baseline = _child_cpu_seconds(5, [sys.executable, "-c", "import cli.app"])
        command = _child_cpu_seconds(
            5,
            [
                sys.executable,
                "-m",
                "cli.app",
                "check",
                str(draft_path),
                "--workspace",
                tmp,
                "--received",
                "2021-03-12T15:00",
                "--json",
            ],
        )

        read = _median_seconds(20, lambda: read_path(draft_path, rulebook))
        draft = read_path(draft_path, rulebook)
        relpath = draft_path.relative_to(ws.inbox)

        def judged() -> None:
            judgement = judge(draft, identify(relpath, draft, rulebook), rulebook, received)
            render_note(draft, judgement, rulebook, received, relpath)

        judging = _median_seconds(20, judged)

    print(
        f"check command CPU: {command * 1000:.0f} ms = {command / baseline:.2f}x start-up+import "
        f"({baseline * 1000:.0f} ms)"
    )
    print(
        f"judge+note:    {judging * 1000:.2f} ms = {judging / read:.3f}x reading the draft ({read * 1000:.1f} ms)"
    )


if __name__ == "__main__":
    main()
