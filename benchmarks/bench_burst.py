"""A burst of drafts into a watched inbox: drafts/s and the watch process's peak memory (issue 29).

The real `draftdesk watch` runs as a subprocess on a fresh workspace with its own local Prefect
server (each batch a flow run, as in the office). Once the server answers and a warm-up draft is
filed, N drafts are renamed
into the inbox as fast as this process can, and the time runs from the first rename until the
last of them lies in outbox/accepted or outbox/rejected. It includes one settle time (the rule:
an item is taken only once it has been still that long). Peak memory is the watch process's own
high-water mark (VmHWM, Linux), not counting the Prefect server process.

The floor, measured in this same run before the watch starts, on identical drafts in a second
workspace: the plain `intake.pipeline.sweep` in this process (claim → read → check → record →
file, no watcher, no Prefect, no settle wait). Goals: ≥ 100 drafts/s and ≤ 250 MB.

The drafts (benchmarks/burst_drafts.py) are what a backlog of 23 units looks like: each its own
local news (twelve kinds, the labelled same-news set's templates), with its own event day in the
forty days before, community, spot, people and figures, at its type's length (即时通讯信息, a
fifth 党委政务信息), so most are accepted and become the next drafts' priors; 6 % another unit's
write-up of an earlier event, 3 % a lightly edited copy from another unit, 2 % a unit's own
resend. The same-news check compares in full only the earlier drafts that can be alike
(`checks.duplicate.may_be_alike`: same day, enough pieces or words in common).
`--adversarial` sends the old drafts instead (tests.factory.news_draft: one title, one event day,
a 48-character alphabet), where nearly every pair must be compared in full and each draft costs
time in proportion to the drafts before it: a worst case, not a burst the office sees.

    python benchmarks/bench_burst.py            # 1,800 drafts, the rulebook's settle time
    python benchmarks/bench_burst.py --quick    # 12 drafts, settle 0.5 s: proves it runs

With PREFECT_API_URL set, the watch files through that server instead of starting its own (the
test suite hands it the run's shared server); the server's CPU is then not reported.
    python benchmarks/bench_burst.py --adversarial -n 300   # all drafts alike
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_intake import build_drafts, make_workspace  # noqa: E402
from bench_watch import said, set_intake, start_watch, wait  # noqa: E402
from burst_drafts import alike_drafts, realistic_drafts  # noqa: E402

from flows import prefect_env  # noqa: E402
from tests.factory import news_draft  # noqa: E402
from workspace import Workspace  # noqa: E402

DRAFTDESK = Path(sys.executable).with_name("draftdesk")
NOW = "2021-03-12T15:00:00+08:00"
GOAL_RATE, GOAL_MB = 100.0, 250.0
START_DEADLINE, BURST_DEADLINE = 180.0, 600.0
WARM = "湖滨社区/即时通讯信息/预热.docx"


def filed_count(ws: Workspace) -> int:
    """Drafts of the burst (named 稿件NNNN) filed so far."""
    count = 0
    for folder in (ws.accepted, ws.rejected):
        for _root, _dirs, files in os.walk(folder):
            count += sum(1 for f in files if "_稿件" in f and f.endswith(".docx"))
    return count


def peak_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def floor_sweep(tmp: Path, drafts: list[tuple[str, bytes]]) -> float:
    """Seconds for the plain sweep of the same drafts in this process (warmed first)."""
    from intake.pipeline import sweep

    warm = make_workspace(tmp / "warm", build_drafts(10, sorted({d.split("/")[0] for d, _ in drafts})))
    sweep(warm, warm.rulebook(), settled=True)
    ws = make_workspace(tmp / "floor", drafts)
    start, cpu = time.perf_counter(), time.process_time()
    result = sweep(ws, ws.rulebook(), settled=True)
    elapsed = time.perf_counter() - start
    print(f"  CPU of the floor (plain sweep, this process): {time.process_time() - cpu:.1f} s")
    assert len(result.outcomes) == len(drafts), (len(result.outcomes), len(drafts))
    return elapsed


def burst(
    ws: Workspace, tmp: Path, drafts: list[tuple[str, bytes]], proc: subprocess.Popen[bytes]
) -> float | None:
    """Stage every draft beside the inbox, rename them all in, and time until the last is filed."""
    staging = tmp / "staging"
    moves = []
    for n, (relpath, data) in enumerate(drafts):
        temp = staging / f"{n:05d}.docx"
        temp.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(data)
        target = ws.inbox / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        moves.append((temp, target))
    cpu_before = cpu_seconds(proc.pid, ws)
    started = time.monotonic()
    for temp, target in moves:
        os.rename(temp, target)
    if not wait(lambda: filed_count(ws) >= len(drafts), BURST_DEADLINE, proc, poll=0.1):
        return None
    seconds = time.monotonic() - started
    cpu_after = cpu_seconds(proc.pid, ws)
    print(
        f"  CPU during the burst: watch {cpu_after[0] - cpu_before[0]:.1f} s, "
        f"its Prefect server {cpu_after[1] - cpu_before[1]:.1f} s"
    )
    return seconds


def cpu_seconds(pid: int, ws: Workspace) -> tuple[float, float]:
    """CPU seconds (user + system) so far of the watch process and of its Prefect server."""
    import psutil

    own = sum(psutil.Process(pid).cpu_times()[:2])
    try:
        server_pid = int((prefect_env.prefect_home(ws) / prefect_env.PID_FILE).read_text(encoding="utf-8"))
        server = sum(psutil.Process(server_pid).cpu_times()[:2])
    except (OSError, ValueError, psutil.Error):
        server = float("nan")
    return own, server


def runs_by_kind(ws: Workspace) -> dict[str, int]:
    from ledger.schema import open_ledger

    db = open_ledger(ws.ledger_path)
    try:
        return {str(kind): int(n) for kind, n in db.execute("SELECT kind, count(*) FROM runs GROUP BY kind")}
    finally:
        db.close()


def watched_burst(
    tmp: Path, drafts: list[tuple[str, bytes]], settle: float | None
) -> tuple[float, float, float, dict[str, int]] | None:
    """(seconds, peak MB, settle in force, runs by kind) of the burst into a real `watch`."""
    ws = make_workspace(tmp / "watched", [])
    settle_in_force = set_intake(ws, settle, rescan=None)
    proc, out_path, err_path = start_watch(ws, tmp)
    try:
        if not said(out_path, "Prefect 界面", proc):
            print(
                "watch did not bring its Prefect server up:\n"
                + err_path.read_text(encoding="utf-8", errors="replace")
            )
            return None
        (ws.inbox / WARM).parent.mkdir(parents=True, exist_ok=True)
        (ws.inbox / WARM).write_bytes(news_draft(300, photos=1, seed=99999))
        if not wait(
            lambda: any(ws.accepted.rglob("*_预热.docx")) or any(ws.rejected.rglob("*_预热.docx")),
            START_DEADLINE,
            proc,
        ):
            print(
                "the warm-up draft was not filed:\n" + err_path.read_text(encoding="utf-8", errors="replace")
            )
            return None
        seconds = burst(ws, tmp, drafts, proc)
        peak = peak_mb(proc.pid)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)
        if seconds is None:
            print(
                f"only {filed_count(ws)} of {len(drafts)} filed:\n"
                + err_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            )
            return None
        return seconds, peak, settle_in_force, runs_by_kind(ws)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        prefect_env.stop_local_server(ws)


def report(
    count: int, floor_s: float, seconds: float, peak: float, settle: float, runs: dict[str, int]
) -> bool:
    rate, floor_rate = count / seconds, count / floor_s
    ok_rate, ok_mb = rate >= GOAL_RATE, peak <= GOAL_MB
    print(f"burst of {count} drafts into a watched inbox (real `draftdesk watch`, settle {settle:g} s)")
    print(f"  floor (plain sweep, this process): {floor_s:7.2f} s  {floor_rate:7.1f} drafts/s")
    print(f"  first drop → last filed          : {seconds:7.2f} s  {rate:7.1f} drafts/s")
    print(
        f"  ratio burst/floor time: {seconds / floor_s:.2f}×  (burst minus one settle: {(seconds - settle) / floor_s:.2f}×)"
    )
    print(
        f"  runs of this watch by kind (start-up check and warm-up included): {', '.join(f'{k} {n}' for k, n in sorted(runs.items()))}"
    )
    print(f"  rate {rate:.1f} drafts/s, goal ≥ {GOAL_RATE:.0f}: {'PASS' if ok_rate else 'MISS'}")
    print(f"  peak memory of watch {peak:.0f} MB, goal ≤ {GOAL_MB:.0f} MB: {'PASS' if ok_mb else 'MISS'}")
    print(f"  machine load average (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return ok_rate and ok_mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="12 drafts, settle 0.5 s: proves it runs")
    parser.add_argument("-n", "--drafts", type=int, default=None, help="drafts in the burst (default 1800)")
    parser.add_argument("--adversarial", action="store_true", help="the old all-alike drafts")
    parser.add_argument("--settle", type=float, default=None, help="settle seconds (default: the rulebook's)")
    ns = parser.parse_args()
    count = ns.drafts or (12 if ns.quick else 1800)
    settle = ns.settle if ns.settle is not None else (0.5 if ns.quick else None)
    os.environ["DRAFTDESK_NOW"] = NOW
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    with tempfile.TemporaryDirectory(prefix="bench-burst-") as name:
        tmp = Path(name)
        units = [u.name for u in Workspace(tmp / "probe").rulebook().units]
        drafts = (alike_drafts if ns.adversarial else realistic_drafts)(count, units)
        floor_s = floor_sweep(tmp, drafts)
        measured = watched_burst(tmp, drafts, settle)
    if measured is None:
        print("burst FAILED")
        return 1
    print("drafts: " + ("adversarial, all alike" if ns.adversarial else "realistic (burst_drafts.py)"))
    report(count, floor_s, *measured)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
