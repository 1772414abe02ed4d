"""The migrated PostgreSQL cluster template (tests/postgres_support.py): made once under a lock,
copied only when the copy matches its manifest, made again when broken, never left half made.

`initdb`, PostgreSQL and `prefect server database upgrade` are stood in for (they cost 8 s of
CPU together; tests/test_scale_out.py runs the real ones): the stand-ins write a small cluster
folder, an empty folder and a "migrated" mark in it, so the copy and the checks are real."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import postgres_support


class StandIn:
    """Counts the clusters made; fails the upgrade when told."""

    def __init__(self) -> None:
        self.made = 0
        self.fail_upgrade = False


@pytest.fixture
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StandIn:
    calls = StandIn()
    folder = tmp_path / "cache" / "postgres-prefect" / "pg15-prefect3-r1"
    monkeypatch.setattr(postgres_support, "template_folder", lambda postgres: folder)
    monkeypatch.setattr(postgres_support, "_give_away", lambda root: None)

    def run(command: list[str], env: dict[str, str] | None = None) -> None:
        if "initdb" in command:
            data = Path(command[command.index("-D") + 1])
            (data / "base" / "1").mkdir(parents=True)
            (data / "pg_tblspc").mkdir()
            (data / "PG_VERSION").write_text("15\n")
            (data / "base" / "1" / "1259").write_bytes(bytes(range(256)) * 64)
            calls.made += 1
        else:
            assert command[-4:] == ["server", "database", "upgrade", "-y"]
            assert (
                env is not None
                and env["PREFECT_API_DATABASE_CONNECTION_URL"] == "postgresql+asyncpg://stand-in"
            )
            assert not calls.fail_upgrade, "the upgrade failed"
            (Path(env["PREFECT_HOME"]).parent / "db" / "base" / "1" / "migrated").write_text("alembic head\n")

    @contextlib.contextmanager
    def running(postgres: str, root: Path) -> Iterator[str]:
        yield "postgresql+asyncpg://stand-in"

    monkeypatch.setattr(postgres_support, "_run", run)
    monkeypatch.setattr(postgres_support, "running", running)
    return calls


def _copy(tmp_path: Path, name: str) -> Path:
    data = tmp_path / name / "db"
    data.parent.mkdir()
    postgres_support.copy_template("initdb", "postgres", data)
    return data


def test_the_template_is_made_once_and_each_copy_is_the_migrated_cluster(
    tmp_path: Path, stand_in: StandIn
) -> None:
    first, second = _copy(tmp_path, "a"), _copy(tmp_path, "b")
    assert stand_in.made == 1
    for data in (first, second):
        assert (data / "base" / "1" / "migrated").read_text() == "alembic head\n"
        assert (data / "pg_tblspc").is_dir()  # empty folders too: PostgreSQL needs them
    folder = postgres_support.template_folder("postgres")
    assert sorted(p.name for p in folder.parent.iterdir()) == [folder.name, f"{folder.name}.lock"]


@pytest.mark.parametrize("damage", ["a changed byte", "a missing folder", "no manifest"])
def test_a_broken_template_is_made_again_before_a_copy_is_used(
    tmp_path: Path, stand_in: StandIn, damage: str
) -> None:
    _copy(tmp_path, "a")
    folder = postgres_support.template_folder("postgres")
    if damage == "a changed byte":
        page = folder / "db" / "base" / "1" / "1259"
        page.write_bytes(b"X" + page.read_bytes()[1:])
    elif damage == "a missing folder":
        (folder / "db" / "pg_tblspc").rmdir()
    else:
        (folder / postgres_support.MANIFEST).unlink()
    data = _copy(tmp_path, "b")
    assert stand_in.made == 2
    assert postgres_support.manifest(data) == (folder / postgres_support.MANIFEST).read_text()
    assert (data / "base" / "1" / "1259").read_bytes()[:1] == b"\x00"
    assert sorted(p.name for p in folder.parent.iterdir()) == [folder.name, f"{folder.name}.lock"]


def test_a_failed_build_leaves_no_template_and_the_next_copy_makes_one(
    tmp_path: Path, stand_in: StandIn
) -> None:
    stand_in.fail_upgrade = True
    with pytest.raises(AssertionError, match="the upgrade failed"):
        _copy(tmp_path, "a")
    folder = postgres_support.template_folder("postgres")
    assert [p.name for p in folder.parent.iterdir()] == [f"{folder.name}.lock"]  # nothing half made
    stand_in.fail_upgrade = False
    assert (_copy(tmp_path, "b") / "base" / "1" / "migrated").exists()
    assert stand_in.made == 2


def test_copies_started_together_make_the_template_once(tmp_path: Path, stand_in: StandIn) -> None:
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def copy(n: int) -> None:
        start.wait()
        try:
            _copy(tmp_path, f"copy{n}")
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=copy, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and stand_in.made == 1
    for n in range(4):
        assert (tmp_path / f"copy{n}" / "db" / "base" / "1" / "migrated").exists()
