"""Shared fixtures. Real files come from ../shared/corpus (never copied into the repo)."""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rules import Rulebook, load_rulebook
from tests.factory import CORPUS
from workspace import Workspace

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Each test process's workspaces (each pytest-xdist worker's, or the one process's with -n 0)
# prefer a Prefect port of their own, named by the process id (20000–29999, below Linux's
# ephemeral ports), so a test that kills its server never sees another process's server take
# its port — another worker's, or that of another test run or benchmark on the same machine:
# seen with -n 0 on Prefect's own 4200, a benchmark's server took the port between the check
# that it was free and our server's bind, and the start failed. Set, not defaulted: the workers
# inherit the controlling process's environment.
os.environ["DRAFTDESK_PREFECT_PORT"] = str(20000 + os.getpid() % 10000)


def _temp_on_tmpfs() -> None:
    """tmp_path, tempfile and the subprocesses' temp folders on tmpfs (/dev/shm) when there is
    one: the tests make thousands of folders and SQLite commits, and measured here a folder
    costs 1.5 ms on the ext4 root against 0.006 ms on tmpfs (fsync likewise). Still real files
    and real SQLite; only the disk under them is memory. PYTEST_DEBUG_TEMPROOT (pytest's own
    setting) or --basetemp given by hand win."""
    shm = Path("/dev/shm")
    if os.environ.get("PYTEST_DEBUG_TEMPROOT") or not (shm.is_dir() and os.access(shm, os.W_OK)):
        return
    os.environ["PYTEST_DEBUG_TEMPROOT"] = os.environ["TMPDIR"] = str(shm)
    tempfile.tempdir = None  # tempfile reads TMPDIR again


_temp_on_tmpfs()


def _keep_bytecode() -> None:
    """Let this run and every process it starts keep compiled modules, as an installed
    draftdesk does, even when the shell sets PYTHONDONTWRITEBYTECODE (this machine's containers
    do). The suite starts hundreds of Python processes (watch, serve, Prefect servers and
    workers, the CLI, the benchmarks); with the variable set each compiled the project's modules
    from source again and each pytest worker rewrote every test module's asserts again: about
    40 s of the run's CPU measured here (10 %). The __pycache__ folders are git-ignored.
    Set before pytest-xdist starts its workers, which inherit this environment."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False


_keep_bytecode()


PREFECT_SETTINGS_SET_BY_CONFIGURE = (
    "PREFECT_HOME",
    "PREFECT_SERVER_ANALYTICS_ENABLED",
    "PREFECT_LOGGING_LEVEL",
    "PREFECT_SERVER_LOGGING_LEVEL",
    "PREFECT_API_URL",
)


@pytest.fixture
def no_prefect_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The variables `flows.prefect_env.configure` writes into os.environ, unset for the test and
    given back afterwards as they were. `monkeypatch.delenv(name, raising=False)` of a name that
    is not set records nothing, so a value the code under test set leaked into every later test
    of the worker: seen as a later `serve` in the same worker taking another test's deleted
    PREFECT_HOME and never restarting its server."""
    for name in PREFECT_SETTINGS_SET_BY_CONFIGURE:
        monkeypatch.setenv(name, "")  # recorded with its old value (or its absence) …
        monkeypatch.delenv(name)  # … so whatever the test leaves is undone


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return load_rulebook()


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus. Missing under CI is a failure, never a skip."""
    if not CORPUS.is_dir():
        if IN_CI:
            pytest.fail(f"shared corpus missing at {CORPUS}")
        pytest.skip("shared corpus not present on this machine")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_drafts(
    corpus: Path, rulebook: Rulebook, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Every shared corpus file through `read_path` (a `Draft` by its path under the corpus),
    read once for the whole run: about 14 s of CPU (r11 costs a LibreOffice conversion), and
    several modules assert on it. Under pytest-xdist the first worker to need it reads and
    leaves a pickle under the run's temp root for the others (they wait on a lock, never read
    twice); the file is named by the run's id, so no run ever sees another's."""
    from extractors.read import read_path

    def read_all() -> dict[str, Any]:
        return {
            str(p.relative_to(corpus)): read_path(p, rulebook)
            for p in sorted(corpus.rglob("*"))
            if p.is_file()
        }

    workerinput = getattr(request.config, "workerinput", None)
    if workerinput is None:
        return read_all()
    shared = tmp_path_factory.getbasetemp().parent / f"corpus-drafts-{workerinput['testrunuid']}.pickle"
    with open(shared.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if shared.exists():
            return pickle.loads(shared.read_bytes())  # type: ignore[no-any-return]
        drafts = read_all()
        shared.with_suffix(".part").write_bytes(pickle.dumps(drafts))
        shared.with_suffix(".part").rename(shared)
        return drafts


@pytest.fixture
def ws_rb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Workspace, Rulebook]:
    """A fresh initialised workspace (tmp_path/ws) and its rulebook, at the intake tests' time
    (`DRAFTDESK_NOW` = tests.intake_support.NOW). A module's own `ws_rb` overrides it."""
    from tests.intake_support import NOW, workspace

    monkeypatch.setenv("DRAFTDESK_NOW", NOW)
    return workspace(tmp_path / "ws")


SHARED_PREFECT_ENV = "DRAFTDESK_TEST_PREFECT_DIR"
"""Names the folder of the run's one shared Prefect server (its home: `<folder>/.prefect`).
Made by the controlling process in pytest_configure; the xdist workers inherit it."""


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller, or the only process with -n 0
        os.environ[SHARED_PREFECT_ENV] = tempfile.mkdtemp(prefix="draftdesk-prefect-")


def pytest_unconfigure(config: pytest.Config) -> None:
    """The controller stops the shared server, if a test started it, and removes its folder."""
    folder = os.environ.get(SHARED_PREFECT_ENV, "")
    if hasattr(config, "workerinput") or not folder:
        return
    if (Path(folder) / ".prefect").is_dir():
        from flows.prefect_env import shutdown_local_server

        shutdown_local_server(Workspace(Path(folder)))
    shutil.rmtree(folder, ignore_errors=True)
    os.environ.pop(SHARED_PREFECT_ENV, None)


def shared_prefect_server() -> str:
    """The API URL of the run's one Prefect server, started by the first process that asks
    (the product's own `ensure_local_server`: a file lock, the migrated-database template, a
    health check), on a free port of its own so no worker's preferred port is taken."""
    from flows.prefect_env import PORT_ENV, ensure_local_server

    folder = Path(os.environ.get(SHARED_PREFECT_ENV) or tempfile.mkdtemp(prefix="draftdesk-prefect-"))
    os.environ[SHARED_PREFECT_ENV] = str(folder)
    preferred = os.environ.get(PORT_ENV)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        os.environ[PORT_ENV] = str(sock.getsockname()[1])
    try:
        return ensure_local_server(Workspace(folder))
    finally:
        if preferred is None:
            os.environ.pop(PORT_ENV, None)
        else:
            os.environ[PORT_ENV] = preferred


@pytest.fixture(scope="session")
def prefect_server() -> str:
    """The API URL of the run's one shared Prefect server, for a command run as a subprocess
    (`PREFECT_API_URL`, as an office with a shared server sets it); nothing of Prefect is
    imported here."""
    return shared_prefect_server()


@pytest.fixture(scope="session")
def prefect_harness(prefect_server: str) -> Iterator[str]:
    """Real Prefect for the session: ONE server for the whole run, shared by every xdist worker
    (started on first use, stopped by pytest_unconfigure), this process's Prefect settings
    pointed at it. Yields the API URL, so a test can hand it to a subprocess
    (`PREFECT_API_URL`). Other workers' runs land in the same database: a test reads its own
    runs by id."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    url = prefect_server
    import prefect.context
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.prefect_env import drain

    with (
        temporary_settings(updates={PREFECT_API_URL: url}),
        prefect.context._temporary_global_settings_context(prefect.context.get_settings_context()),
    ):
        yield url
        drain()  # logs and events still in flight reach the server before this worker ends


# The `integration` marker's definition, kept true: a test not marked integration that opens a
# real SQLite file (from the test's own thread: the web test client and background workers are
# not watched), runs LibreOffice or Dovecot (IMAP) or starts a watchdog observer fails, naming the part. The other
# way round (a marked test using none) is checked by hand: a part used by a subprocess is not
# visible from here.
_REAL_PARTS: list[str] = []
_sqlite_connect = sqlite3.connect


def _connect_noting_files(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
    name = os.fspath(database) if isinstance(database, str | os.PathLike) else str(database)
    in_memory = name in ("", ":memory:") or "mode=memory" in name
    if not in_memory and threading.current_thread() is threading.main_thread():
        _REAL_PARTS.append(f"a real SQLite file ({name})")
    return _sqlite_connect(database, *args, **kwargs)


class _PopenNotingLibreOffice(subprocess.Popen):  # type: ignore[type-arg]
    def __init__(self, args: Any, *rest: Any, **kwargs: Any) -> None:
        program = args[0] if isinstance(args, list | tuple) and args else args
        if Path(os.fspath(program)).name.startswith(("soffice", "libreoffice")):
            _REAL_PARTS.append("LibreOffice")
        if Path(os.fspath(program)).name == "dovecot":
            _REAL_PARTS.append("an IMAP server (Dovecot)")
        super().__init__(args, *rest, **kwargs)


def _note_observer_starts() -> None:
    from watchdog.observers.api import BaseObserver

    start = BaseObserver.start

    def noting_start(self: BaseObserver) -> None:
        _REAL_PARTS.append("a watchdog observer")
        start(self)

    BaseObserver.start = noting_start  # type: ignore[method-assign]


sqlite3.connect = _connect_noting_files  # type: ignore[assignment]
subprocess.Popen = _PopenNotingLibreOffice  # type: ignore[misc]
_note_observer_starts()


@pytest.fixture(autouse=True)
def _integration_marker_is_honest(request: pytest.FixtureRequest) -> Iterator[None]:
    _REAL_PARTS.clear()
    yield
    used = sorted(set(_REAL_PARTS))
    if used and request.node.get_closest_marker("integration") is None:
        pytest.fail(f"uses {', '.join(used)} but is not marked @pytest.mark.integration", pytrace=False)
