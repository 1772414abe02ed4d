"""A migrated, empty Prefect database that a new workspace's local server starts from.

Measured on Prefect 3.9.1 (2 cores): the first `prefect server start` of a workspace costs
14.8 s of CPU, most of it Alembic migrating a new, empty prefect.db; with a migrated database
the same start costs 4.5 s. So the migrations run once per machine and Prefect version —
`prefect server database upgrade -y` in a temporary folder beside the template, under a lock,
the finished folder renamed into place in one step, so a concurrent start (another workspace,
a parallel test worker) never sees half a template — and each new workspace's server starts
from a copy (`seed_database`). The template is only copied when it is whole: no `-wal`/`-shm`
file beside it (everything checkpointed into prefect.db when the upgrade closed it) and its
size and SHA-256 as written in its manifest. Anything that goes wrong — no cache folder, a
broken template, a failed upgrade — only means the server migrates its own database, as it
always did: a start is never blocked by the template.

The template also has Prefect's block types registered (what every server start does when its
memo store, `memo_store.toml` keyed by the home's database URL, says nothing of this database),
and a home seeded from it gets a note of what its database is ready for (`READY_FOR`: Prefect's
version and the Prefect collections installed). While that note matches this environment, the
server is started with neither the migration check nor the block registration
(`start_settings`). Measured on 3.9.1 (2 busy cores): a first start from the template costs
6.8 s of CPU with them and 5.2 s without (the registration 1.5 s, Alembic's check of an already
migrated database ~0.1 s); a restart's memo check costs a few tenths more. Any other start — a
home made before this, another Prefect version, a collection added — migrates and registers as
Prefect always does, and its note is removed first, since that start changes the database.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

DATABASE = "prefect.db"
"""The database file Prefect keeps in PREFECT_HOME (its default connection URL)."""
MANIFEST = "manifest.txt"
_DATABASE_SETTINGS = ("PREFECT_API_DATABASE_", "PREFECT_SERVER_DATABASE_", "PREFECT_API_URL")
"""Settings of the office's own server that never reach the template's making."""
READY_FOR = "prefect-db-ready-for.txt"
"""In the template and in a home seeded from it: the `ready_key` its database was made under
(empty in a template whose block registration failed: migrated only)."""
UPGRADE_SECONDS = 300.0


class ServerStartAborted(RuntimeError):
    """Waiting for the server was given up because the caller is stopping."""


def prefect_command() -> list[str]:
    """The `prefect` command line of this environment."""
    beside = Path(sys.executable).with_name("prefect")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("prefect")
    return [found] if found else [sys.executable, "-m", "prefect"]


@contextlib.contextmanager
def process_lock(path: Path, stop: threading.Event | None = None) -> Iterator[None]:
    """An exclusive lock between processes; waiting for it ends early when `stop` is set."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if stop is not None and stop.is_set():
                    raise ServerStartAborted() from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ready_key() -> str:
    """What a migrated database with its block types registered depends on: Prefect's version
    (its migrations, its own block types) and the Prefect collections installed (entry points
    `prefect.collections`, whose block types register too)."""
    from importlib.metadata import entry_points

    collections = sorted(f"{ep.name}={ep.value}" for ep in entry_points(group="prefect.collections"))
    return " ".join([f"prefect=={importlib.metadata.version('prefect')}", *collections])


def start_settings(home: Path, env: dict[str, str]) -> dict[str, str]:
    """The settings a server start on `home` with the environment `env` gets: none, or — while
    the home's database is one seeded from a template made under this same `ready_key`, and
    `env` names no other database (PREFECT_SERVER_DATABASE_*, PREFECT_API_DATABASE_*: a
    PostgreSQL the office set) — no migration check and no block registration at start. A note
    that does not match is removed: the start that follows migrates and registers, so the
    database is no longer what the note says."""
    if any(name.startswith(_DATABASE_SETTINGS[:2]) for name in env):
        return {}  # another database: its state is not the note's to tell
    note = home / READY_FOR
    try:
        ready = note.read_text(encoding="utf-8") == f"{ready_key()}\n" and (home / DATABASE).is_file()
    except (OSError, importlib.metadata.PackageNotFoundError):
        ready = False
    if not ready:
        with contextlib.suppress(OSError):
            note.unlink()
        return {}
    return {
        "PREFECT_SERVER_DATABASE_MIGRATE_ON_START": "false",
        "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
    }


def template_folder() -> Path | None:
    """Where this Prefect version's template lives: `<user cache>/prefect-db/<version>`
    (checks.duplicate.default_cache_dir: `$XDG_CACHE_HOME/draftdesk`, else ~/.cache/draftdesk)."""
    from checks.duplicate import default_cache_dir

    try:
        version = importlib.metadata.version("prefect")
    except importlib.metadata.PackageNotFoundError:
        return None
    return default_cache_dir() / "prefect-db" / version


def seed_database(home: Path, log_path: Path, stop: threading.Event | None = None) -> bool:
    """Give a Prefect home with no database yet a copy of the migrated template (made first
    when there is none, its output appended to `log_path`). True when copied; False, leaving
    the home as it was, when the home has a database already or anything fails. Raises
    ServerStartAborted as soon as `stop` is set."""
    target = home / DATABASE
    if any(Path(f"{target}{end}").exists() for end in ("", "-wal", "-shm", "-journal")):
        return False
    copy = home / f".{DATABASE}.{os.getpid()}.copy"
    try:
        (home / READY_FOR).unlink(missing_ok=True)  # a note left from a database since removed
        template = _template(log_path, stop)
        if template is None:
            return False
        shutil.copyfile(template, copy)
        if not _whole(template.parent, copy):
            return False
        os.link(copy, target)  # never over a database that appeared meanwhile
        ready = (template.parent / READY_FOR).read_text(encoding="utf-8")
        if ready.strip():
            (home / READY_FOR).write_text(ready, encoding="utf-8")
        return True
    except (OSError, subprocess.SubprocessError) as exc:  # said in the server's log, not on the console
        with contextlib.suppress(OSError), open(log_path, "a", encoding="utf-8") as log_file:
            log_file.write(f"draftdesk: Prefect database template not used ({exc}); migrating\n")
        return False
    finally:
        with contextlib.suppress(OSError):
            copy.unlink()


def _template(log_path: Path, stop: threading.Event | None) -> Path | None:
    """This version's template database, made first when there is none or it is broken."""
    folder = template_folder()
    if folder is None:
        return None
    if _whole(folder, folder / DATABASE):
        return folder / DATABASE
    with process_lock(folder.with_name(f"{folder.name}.lock"), stop):
        if _whole(folder, folder / DATABASE):
            return folder / DATABASE
        if folder.exists():  # broken (a crash long ago, a hand edit): out of the way, made again
            aside = Path(tempfile.mkdtemp(prefix=".broken-", dir=folder.parent))
            os.rename(folder, aside / folder.name)
            shutil.rmtree(aside, ignore_errors=True)
        _make(folder, log_path, stop)
    return folder / DATABASE if _whole(folder, folder / DATABASE) else None


REGISTER_BLOCKS = """
import asyncio
import prefect.plugins
from prefect.server.database import provide_database_interface
from prefect.server.models.block_registration import run_block_auto_registration

async def main():
    prefect.plugins.load_prefect_collections()  # as the server's start does, before registering
    db = provide_database_interface()
    async with await db.session() as session:
        await run_block_auto_registration(session=session)
    await (await db.engine()).dispose()  # the write-ahead log checkpointed into prefect.db

asyncio.run(main())
"""
"""What a server start does after its migrations (`create_app`'s `add_block_types`), done once
in the template."""


def register_command() -> list[str]:
    """The command that registers Prefect's block types in $PREFECT_API_DATABASE_CONNECTION_URL."""
    return [sys.executable, "-c", REGISTER_BLOCKS]


def _make(folder: Path, log_path: Path, stop: threading.Event | None) -> None:
    """Migrate an empty database in a temporary folder, register the block types in it, and
    rename the folder to `folder` (a failed registration leaves a template migrated only)."""
    work = Path(tempfile.mkdtemp(prefix=".making-", dir=folder.parent))
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(_DATABASE_SETTINGS)}
        env.update(
            PREFECT_HOME=str(work),
            PREFECT_API_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{work / DATABASE}",
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
        )
        if _run([*prefect_command(), "server", "database", "upgrade", "-y"], env, log_path, stop) != 0:
            return
        ready = ready_key() if _run(register_command(), env, log_path, stop) == 0 else ""
        leftovers = [p.name for p in work.iterdir() if p.name.startswith(f"{DATABASE}-")]
        if leftovers or not (work / DATABASE).is_file():  # not all in prefect.db: not a template
            return
        (work / READY_FOR).write_text(f"{ready}\n" if ready else "", encoding="utf-8")
        (work / MANIFEST).write_text(_fingerprint(work / DATABASE), encoding="utf-8")
        os.rename(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def start_logged(command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """Start `command` in $PREFECT_HOME of `env`, in its own session (Ctrl-C on the caller
    leaves it), its output appended to `log_path`: the one way a Prefect process of ours is
    started, the server as much as the template's migration."""
    with open(log_path, "ab") as log_file:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=env["PREFECT_HOME"],
            start_new_session=True,
        )


def _run(command: list[str], env: dict[str, str], log_path: Path, stop: threading.Event | None) -> int | None:
    """Run `command` in $PREFECT_HOME of `env`, its output appended to `log_path`: its exit code."""
    return _wait(start_logged(command, env, log_path), stop)


def _wait(proc: subprocess.Popen[bytes], stop: threading.Event | None) -> int | None:
    """The exit code of `proc`; None after UPGRADE_SECONDS (it is killed). Kills it and
    raises ServerStartAborted as soon as `stop` is set."""
    waiter = stop or threading.Event()
    deadline = time.monotonic() + UPGRADE_SECONDS
    while proc.poll() is None:
        if waiter.wait(0.1) or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            if waiter.is_set():
                raise ServerStartAborted()
            return None
    return proc.returncode


def _fingerprint(database: Path) -> str:
    data = database.read_bytes()
    return f"{len(data)} {hashlib.sha256(data).hexdigest()}\n"


def _whole(folder: Path, database: Path) -> bool:
    """Whether `database` is the template of `folder` byte for byte, with nothing beside it
    that SQLite would still apply (a write-ahead log or journal), and the folder has its
    `READY_FOR` note (one made before there was a note is made again, once)."""
    try:
        if any(Path(f"{folder / DATABASE}{end}").exists() for end in ("-wal", "-shm", "-journal")):
            return False
        if not (folder / READY_FOR).is_file():  # made before block types were registered in it
            return False
        return (folder / MANIFEST).read_text(encoding="utf-8") == _fingerprint(database)
    except OSError:
        return False
