"""`cli.console.end_process`: the exit code of `watch`/`serve` is the one the loop decided, even
when the last flush to the Prefect server fails (seen under load: another thread's half-done
import of prefect.events made the flush raise, and a clean Ctrl-C ended with code 1)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = """
import sys
import prefect  # noqa: F401  (end_process drains only when Prefect was imported)
import flows.prefect_env
from cli.console import end_process

def broken_drain(*args, **kwargs):
    raise KeyError("prefect.events")

flows.prefect_env.drain = broken_drain
print("leaving", flush=True)
end_process(int(sys.argv[1]))
"""


def _exit_code(code: int) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(code)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    return done.returncode, done.stdout + done.stderr


def test_a_failing_flush_keeps_the_exit_code_of_a_clean_stop() -> None:
    code, said = _exit_code(0)
    assert code == 0, said
    assert said.startswith("leaving") and "Traceback" not in said
