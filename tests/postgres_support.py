"""A throwaway PostgreSQL cluster with Prefect's schema already in it (tests/test_scale_out.py).

Measured on this 2-core machine (Prefect 3.9.1, PostgreSQL 15): `initdb` costs 0.8 s of CPU,
and a Prefect server migrating a new PostgreSQL database (Alembic, on start) costs 2.5–3 s more
than one started on a migrated database with `PREFECT_SERVER_DATABASE_MIGRATE_ON_START=false`.
So the migrated cluster is made once per PostgreSQL major version, Prefect version and RECIPE
(`initdb`, `prefect server database upgrade -y` — the same Alembic upgrade the server runs on
start —, a clean shutdown), under a lock between processes (flows.prefect_db.process_lock: the
pytest-xdist workers and later runs share it), in a temporary folder renamed into place in one
step, its manifest (every file's size and SHA-256) written last. Each test copies the data
folder (42 MB; 0.3–0.6 s of CPU with the check and the chown) and starts PostgreSQL on the copy
only when the copy matches the manifest byte for byte; a template that does not (a crash long
ago, a hand edit) is made again. A build that fails fails the test with its output: it is the
same migration the test would run.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from checks.duplicate import default_cache_dir
from flows.prefect_db import process_lock
from tests.ports import free_port as free_port

RECIPE = "1"
"""Raised when the way a template is made changes, so an old one is never taken for a new one."""
MANIFEST = "manifest.txt"
USER = "postgres"
PREFECT = str(Path(sys.executable).with_name("prefect"))


def binary(name: str) -> str | None:
    """`name` on PATH, else in Debian's versioned folder (/usr/lib/postgresql/<v>/bin)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


def _run_as() -> list[str]:
    """PostgreSQL refuses to run as root: as root, its commands run as the postgres user."""
    return ["runuser", "-u", USER, "--"] if os.geteuid() == 0 else []


def _give_away(root: Path) -> None:
    """As root, `root` and everything in it to the postgres user."""
    if os.geteuid() != 0:
        return
    import pwd

    owner = pwd.getpwnam(USER)
    os.chown(root, owner.pw_uid, owner.pw_gid)
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            os.chown(os.path.join(folder, name), owner.pw_uid, owner.pw_gid, follow_symlinks=False)


def template_folder(postgres: str) -> Path:
    """`<user cache>/postgres-prefect/pg<major>-prefect<version>-r<RECIPE>`."""
    said = subprocess.run([postgres, "--version"], check=True, capture_output=True, text=True).stdout
    found = re.search(r"\)\s+(\d+)", said)
    major = found.group(1) if found else said.strip().replace(" ", "_")
    prefect = importlib.metadata.version("prefect")
    return default_cache_dir() / "postgres-prefect" / f"pg{major}-prefect{prefect}-r{RECIPE}"


def manifest(data: Path) -> str:
    """Every folder and file under `data`, each file with its size and SHA-256, in a stable order."""
    lines = []
    for path in sorted(data.rglob("*")):
        name = path.relative_to(data).as_posix()
        if path.is_dir():
            lines.append(f"d {name}\n")
        else:
            blob = path.read_bytes()
            lines.append(f"f {name} {len(blob)} {hashlib.sha256(blob).hexdigest()}\n")
    return "".join(lines)


def _whole(folder: Path, data: Path) -> bool:
    """Whether `data` is the template of `folder` byte for byte."""
    try:
        return (folder / MANIFEST).read_text(encoding="utf-8") == manifest(data)
    except OSError:
        return False


def copy_template(initdb: str, postgres: str, data: Path) -> None:
    """A migrated cluster at `data` (which must not exist), made from the template; the
    template is made first when there is none or it is not whole."""
    folder = template_folder(postgres)
    for attempt in range(2):
        with contextlib.suppress(OSError):  # the template moved aside meanwhile: checked below
            shutil.copytree(folder / "db", data, symlinks=True)
        if _whole(folder, data):
            _give_away(data)
            return
        shutil.rmtree(data, ignore_errors=True)
        assert attempt == 0, f"the PostgreSQL template {folder} was made but its copy is not whole"
        with process_lock(folder.with_name(f"{folder.name}.lock")):
            if not _whole(folder, folder / "db"):
                _make(folder, initdb, postgres)


def _make(folder: Path, initdb: str, postgres: str) -> None:
    """Make the template of `folder` (a broken one moved out of the way first): a migrated
    cluster built in a temporary folder, copied beside `folder`, renamed into place."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.exists():
        aside = Path(tempfile.mkdtemp(prefix=".broken-", dir=folder.parent))
        os.rename(folder, aside / folder.name)
        shutil.rmtree(aside, ignore_errors=True)
    build = Path(tempfile.mkdtemp(prefix="draftdesk-pg-template-"))
    work = Path(tempfile.mkdtemp(prefix=".making-", dir=folder.parent))
    try:
        _give_away(build)
        _run([*_run_as(), initdb, "-D", str(build / "db"), "-A", "trust", "-U", USER, "--no-sync"])
        with running(postgres, build) as url:
            _run([PREFECT, "server", "database", "upgrade", "-y"], env=_upgrade_env(build, url))
        assert not (build / "db" / "postmaster.pid").exists(), "PostgreSQL did not shut down cleanly"
        shutil.copytree(build / "db", work / "db", symlinks=True)
        (work / MANIFEST).write_text(manifest(work / "db"), encoding="utf-8")
        os.rename(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(build, ignore_errors=True)


def _upgrade_env(home: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home / "prefect-home"),
        PREFECT_API_DATABASE_CONNECTION_URL=url,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
    )
    return env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, cwd="/")
    assert done.returncode == 0, f"{command[:4]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"


@contextlib.contextmanager
def running(postgres: str, root: Path) -> Iterator[str]:
    """PostgreSQL on the cluster `root/db` (its socket in `root`), on a free port of 127.0.0.1;
    yields its SQLAlchemy URL and stops it when done (a fast shutdown: a checkpoint, and no
    postmaster.pid left behind)."""
    port = free_port()
    data = root / "db"
    command = [
        postgres,
        "-D",
        str(data),
        "-p",
        str(port),
        "-k",
        str(root),
        "-c",
        "listen_addresses=127.0.0.1",
    ]
    proc = subprocess.Popen(
        [*_run_as(), *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not _accepts(port):
            assert proc.poll() is None, "PostgreSQL exited on start"
            assert time.monotonic() < deadline, "PostgreSQL did not start in 60 s"
            time.sleep(0.1)
        yield f"postgresql+asyncpg://{USER}@127.0.0.1:{port}/postgres"
    finally:
        _stop(proc, data)


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _stop(proc: subprocess.Popen[bytes], data: Path) -> None:
    """A fast shutdown, sent to the postmaster itself (its pid is postmaster.pid's first line),
    not to runuser, which would kill it two seconds after passing a signal on."""
    with contextlib.suppress(OSError, ValueError):
        os.kill(int((data / "postmaster.pid").read_text().split()[0]), signal.SIGINT)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextlib.contextmanager
def migrated_cluster() -> Iterator[str | None]:
    """A throwaway PostgreSQL cluster holding Prefect's migrated schema; yields its URL, or
    None when PostgreSQL is not installed here. Removed when done."""
    initdb, postgres = binary("initdb"), binary("postgres")
    if not initdb or not postgres:
        yield None
        return
    root = Path(tempfile.mkdtemp(prefix="draftdesk-pg-"))
    try:
        _give_away(root)
        copy_template(initdb, postgres, root / "db")
        with running(postgres, root) as url:
            yield url
    finally:
        shutil.rmtree(root, ignore_errors=True)
