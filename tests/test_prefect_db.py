"""The migrated-database template (flows/prefect_db.py): made once per Prefect version under a
lock, copied whole into each new Prefect home, and never in the way of a start when it fails.

Prefect's own `prefect server database upgrade` and the block registration are stood in for by
small scripts (the real ones cost 10 s of CPU; tests/test_prefect_env.py starts a real server
from the real template)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from flows import prefect_db

# The stand-in upgrade: counts its runs, writes a "database" into $PREFECT_HOME; told by the
# environment to fail or to leave a write-ahead log behind.
_UPGRADE = """
import os, pathlib, sys
home = pathlib.Path(os.environ["PREFECT_HOME"])
with open(os.environ["COUNT_FILE"], "a") as fh:
    fh.write("run\\n")
assert os.environ["PREFECT_API_DATABASE_CONNECTION_URL"].endswith(str(home / "prefect.db"))
assert not [k for k in os.environ if k.startswith("PREFECT_SERVER_DATABASE_")]
(home / "prefect.db").write_bytes(b"SQLite format 3\\0" + b"migrated" * 1000)
if os.environ.get("LEAVE_WAL"):
    (home / "prefect.db-wal").write_bytes(b"not checkpointed")
sys.exit(int(os.environ.get("UPGRADE_EXIT", "0")))
"""

# The stand-in block registration: appends to the "database" it is given; told to fail.
_REGISTER = """
import os, pathlib, sys
url = os.environ["PREFECT_API_DATABASE_CONNECTION_URL"]
assert url.startswith("sqlite+aiosqlite:///")
with open(url.removeprefix("sqlite+aiosqlite:///"), "ab") as db:
    db.write(b"blocks")
sys.exit(int(os.environ.get("REGISTER_EXIT", "0")))
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache folder and the stand-in `prefect` command; yields the count file. The
    office's own database settings (a server on PostgreSQL) never reach the template's upgrade."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("PREFECT_SERVER_DATABASE_CONNECTION_URL", "postgresql+asyncpg://office/prefect")
    monkeypatch.setenv("PREFECT_SERVER_DATABASE_HOST", "office")
    monkeypatch.setenv("COUNT_FILE", str(tmp_path / "runs"))
    monkeypatch.setattr(prefect_db, "prefect_command", lambda: [sys.executable, "-c", _UPGRADE, "--"])
    monkeypatch.setattr(prefect_db, "register_command", lambda: [sys.executable, "-c", _REGISTER])
    return tmp_path / "runs"


def _home(tmp_path: Path, name: str) -> Path:
    home = tmp_path / name / ".prefect"
    home.mkdir(parents=True)
    return home


def _runs(count_file: Path) -> int:
    return len(count_file.read_text().splitlines()) if count_file.exists() else 0


def test_the_template_is_made_once_and_each_new_home_gets_a_whole_copy(tmp_path, cache):
    template = prefect_db.template_folder()
    assert template is not None
    assert template.parent == tmp_path / "cache" / "draftdesk" / "prefect-db"
    homes = [_home(tmp_path, f"ws{n}") for n in range(4)]
    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda h=h: results.append(prefect_db.seed_database(h, h / "server.log")))
        for h in homes
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 4
    assert _runs(cache) == 1  # four starts at once, one upgrade
    made = (template / "prefect.db").read_bytes()
    assert made.startswith(b"SQLite format 3\0migrated") and made.endswith(b"blocks")
    for home in homes:
        assert (home / "prefect.db").read_bytes() == made
        assert {p.name for p in home.iterdir()} <= {
            "prefect.db",
            "server.log",
            prefect_db.READY_FOR,
        }  # no copy
        assert (home / prefect_db.READY_FOR).read_text() == f"{prefect_db.ready_key()}\n"
    assert sorted(p.name for p in template.parent.iterdir()) == [template.name, f"{template.name}.lock"]


def test_a_home_with_a_database_is_left_alone(tmp_path, cache):
    home = _home(tmp_path, "ws")
    (home / "prefect.db").write_bytes(b"the office's history")
    assert prefect_db.seed_database(home, home / "server.log") is False
    assert (home / "prefect.db").read_bytes() == b"the office's history"
    assert _runs(cache) == 0


def test_a_broken_template_is_made_again_before_it_is_copied(tmp_path, cache):
    first, second = _home(tmp_path, "ws1"), _home(tmp_path, "ws2")
    assert prefect_db.seed_database(first, first / "server.log")
    template = prefect_db.template_folder()
    assert template is not None
    (template / "prefect.db").write_bytes(b"SQLite format 3\0half")  # torn by hand or by a disk
    assert prefect_db.seed_database(second, second / "server.log")
    assert _runs(cache) == 2
    assert (second / "prefect.db").read_bytes() == (first / "prefect.db").read_bytes()


@pytest.mark.parametrize(
    ("setting", "value"),
    [("UPGRADE_EXIT", "1"), ("LEAVE_WAL", "1")],
    ids=["upgrade fails", "upgrade leaves a write-ahead log"],
)
def test_a_failed_upgrade_makes_no_template_and_the_server_migrates_its_own(
    tmp_path, cache, monkeypatch, setting, value
):
    monkeypatch.setenv(setting, value)
    home = _home(tmp_path, "ws")
    assert prefect_db.seed_database(home, home / "server.log") is False
    assert list(home.iterdir()) == [home / "server.log"]  # no database: the server makes its own
    template = prefect_db.template_folder()
    assert template is not None and not template.exists()
    assert [p.name for p in template.parent.iterdir()] == [f"{template.name}.lock"]  # no half-made folder


def test_a_cache_folder_that_cannot_be_made_is_no_template(tmp_path, cache, monkeypatch):
    (tmp_path / "not-a-folder").write_text("a file where the cache would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-folder"))
    home = _home(tmp_path, "ws")
    assert prefect_db.seed_database(home, home / "server.log") is False
    assert [p.name for p in home.iterdir()] == ["server.log"]  # no database: the server makes its own
    assert "template not used" in (home / "server.log").read_text(encoding="utf-8")
    assert _runs(cache) == 0


def test_a_stopping_caller_does_not_wait_for_the_upgrade(tmp_path, cache, monkeypatch):
    monkeypatch.setattr(
        prefect_db, "prefect_command", lambda: [sys.executable, "-c", "import time; time.sleep(600)", "--"]
    )
    stop = threading.Event()
    stop.set()
    home = _home(tmp_path, "ws")
    with pytest.raises(prefect_db.ServerStartAborted):
        prefect_db.seed_database(home, home / "server.log", stop)
    assert not (home / "prefect.db").exists()


def test_a_home_seeded_by_this_prefect_starts_with_neither_migration_check_nor_block_registration(
    tmp_path, cache
):
    home = _home(tmp_path, "ws")
    assert prefect_db.seed_database(home, home / "server.log")
    assert prefect_db.start_settings(home, {}) == {
        "PREFECT_SERVER_DATABASE_MIGRATE_ON_START": "false",
        "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
    }
    assert prefect_db.ready_key().startswith("prefect==3.")


def test_a_note_made_under_another_prefect_is_removed_and_the_start_migrates_and_registers(tmp_path, cache):
    home = _home(tmp_path, "ws")
    assert prefect_db.seed_database(home, home / "server.log")
    (home / prefect_db.READY_FOR).write_text("prefect==3.0.0\n", encoding="utf-8")  # Prefect since upgraded
    assert prefect_db.start_settings(home, {}) == {}
    assert not (home / prefect_db.READY_FOR).exists()  # that start migrates: the note no longer holds
    assert prefect_db.start_settings(home, {}) == {}


def test_a_home_whose_database_was_removed_is_no_longer_ready(tmp_path, cache):
    home = _home(tmp_path, "ws")
    assert prefect_db.seed_database(home, home / "server.log")
    (home / "prefect.db").unlink()  # the office cleared its run history by hand
    assert prefect_db.start_settings(home, {}) == {}


def test_a_failed_registration_leaves_a_migrated_template_and_homes_that_register_at_start(
    tmp_path, cache, monkeypatch
):
    monkeypatch.setenv("REGISTER_EXIT", "1")
    home = _home(tmp_path, "ws")
    assert prefect_db.seed_database(home, home / "server.log")  # still a migrated copy
    assert not (home / prefect_db.READY_FOR).exists()
    assert prefect_db.start_settings(home, {}) == {}


def test_a_template_made_before_block_registration_is_made_again_once(tmp_path, cache):
    first, second, third = (_home(tmp_path, f"ws{n}") for n in range(3))
    assert prefect_db.seed_database(first, first / "server.log")
    template = prefect_db.template_folder()
    assert template is not None
    (template / prefect_db.READY_FOR).unlink()  # as a template of an earlier draftdesk
    assert prefect_db.seed_database(second, second / "server.log")
    assert prefect_db.seed_database(third, third / "server.log")
    assert _runs(cache) == 2
    assert (third / prefect_db.READY_FOR).read_text() == f"{prefect_db.ready_key()}\n"


def test_a_server_told_to_use_another_database_migrates_and_registers_as_always(tmp_path, cache):
    home = _home(tmp_path, "ws")
    assert prefect_db.seed_database(home, home / "server.log")
    office = {"PREFECT_SERVER_DATABASE_CONNECTION_URL": "postgresql+asyncpg://office/prefect"}
    assert prefect_db.start_settings(home, office) == {}
    assert (home / prefect_db.READY_FOR).exists()  # the home's own database is still as the note says
    assert prefect_db.start_settings(home, {}) != {}
