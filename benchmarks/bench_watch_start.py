"""From `draftdesk watch` start to the first dropped draft filed, no Prefect server up (issue 13).

Runs the real command as a subprocess on a fresh workspace with no Prefect server running,
drops one draft the moment it starts (written beside the inbox and renamed in), and times the
start → filed interval. Watching starts at once and the plain sweep files drafts while the
local Prefect server starts on a background thread, so the target is the settle time + 5 s;
the baseline, measured in this same run, is the bare start of the command (`--help`). Also
prints when the server came up and that the watch later switched to the flow.

    python benchmarks/bench_watch_start.py           # the rulebook's settle time (3 s)
    python benchmarks/bench_watch_start.py --quick   # settle 0.5 s: proves it runs
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows import prefect_env  # noqa: E402
from service.setup import init_workspace  # noqa: E402
from tests.factory import news_draft  # noqa: E402
from workspace import Workspace  # noqa: E402

UNIT, TYPE = "湖滨社区", "即时通讯信息"
NOW = "2021-03-12T15:00:00+08:00"
FILE_DEADLINE = 120.0
SERVER_DEADLINE = 240.0


def env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    clean.update(DRAFTDESK_NOW=NOW, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    return clean


def filed(ws: Workspace, name: str) -> bool:
    return any(
        p.name.endswith("_" + name) for base in (ws.accepted, ws.rejected) for p in base.rglob("*_" + name)
    )


def wait(predicate, deadline: float, proc: subprocess.Popen[bytes]) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if predicate():
            return True
        if proc.poll() is not None:
            return bool(predicate())
        time.sleep(0.05)
    return bool(predicate())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="settle 0.5 s")
    args = parser.parse_args()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cli.app", "--help"], cwd=ROOT, env=env(), capture_output=True)
    bare = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="bench-watch-start-") as tmp:
        ws = Workspace(Path(tmp) / "ws")
        init_workspace(ws)
        if args.quick:
            text = ws.rulebook_path.read_text(encoding="utf-8")
            ws.rulebook_path.write_text(
                re.sub(r"(?m)^settle_seconds\s*=.*$", "settle_seconds = 0.5", text), encoding="utf-8"
            )
        settle = ws.rulebook().intake.settle_seconds
        staging = Path(tmp) / "staging"
        staging.mkdir()
        (staging / "稿件.docx").write_bytes(news_draft(300, photos=1, seed=1))
        out_path, err_path = Path(tmp) / "watch.out", Path(tmp) / "watch.err"
        cmd = [sys.executable, "-m", "cli.app", "watch", "--workspace", str(ws.root)]
        with out_path.open("wb") as out, err_path.open("wb") as err:
            t0 = time.monotonic()
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, env=env())
        os.rename(staging / "稿件.docx", ws.inbox / UNIT / TYPE / "稿件.docx")

        def output() -> str:
            return out_path.read_text(encoding="utf-8", errors="replace")

        try:
            if not wait(lambda: filed(ws, "稿件.docx"), FILE_DEADLINE, proc):
                print("the draft was not filed:\n" + output() + err_path.read_text(encoding="utf-8"))
                return 1
            first = time.monotonic() - t0
            server_up = None
            if wait(lambda: "Prefect 界面" in output(), SERVER_DEADLINE, proc):
                server_up = time.monotonic() - t0
            (staging / "稿件2.docx").write_bytes(news_draft(310, photos=1, seed=2))
            os.rename(staging / "稿件2.docx", ws.inbox / UNIT / TYPE / "稿件2.docx")
            second = wait(lambda: filed(ws, "稿件2.docx"), FILE_DEADLINE, proc)
            proc.send_signal(signal.SIGINT)
            code = proc.wait(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            prefect_env.stop_local_server(ws)
    target = settle + 5.0
    print(f"baseline (draftdesk --help, bare start): {bare:.2f} s")
    print(f"watch start → first dropped draft filed: {first:.2f} s (settle {settle:g} s)")
    print(f"ratio first-filed/target (settle + 5 s = {target:g} s): {first / target:.2f}  (≤ 1 is on target)")
    print(f"ratio first-filed/bare start: {first / bare:.1f}")
    print(f"Prefect server up beside it after: {server_up:.1f} s" if server_up else "Prefect server: not up")
    print(f"draft after the switch to the flow filed: {'yes' if second else 'NO'}")
    print(f"machine load average (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"watch exit code after Ctrl-C: {code}")
    return 0 if code == 0 and second else 1


if __name__ == "__main__":
    sys.exit(main())
