"""What bytes each filed file should hold, and bringing them back from the backups' store.

The ledger records each original's sha256; for a note, notice, receipt or a file inside a bundle
the newest backup manifest that names the path says what it held — unless the draft changed
after that backup (an event on it: a 核定 rewrites its note and receipt), when no backup can
speak for it. `verify` names a file that differs; `restore` (and `restore --files`) copies the
right bytes back, keeping aside first any file whose bytes the ledger does not name.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from intake.filing import file_digest
from ledger import backup as store
from service import contentstore
from workspace import Workspace, now

KEPT_ASIDE = "kept-aside"  # outbox/kept-aside/<time>/<path>: bytes a restore replaced


@dataclass(frozen=True)
class Wanted:
    path: str
    sha256: str
    kind: str
    submission_id: int | None
    sources: tuple[Path, ...]  # backup folders that may hold the bytes
    sha256_from_ledger: bool = False  # an original file: the ledger itself names its bytes
    inside_bundle: bool = False  # a file inside a bundle folder (no ledger row names it alone)


def manifests_newest_first(
    folders: list[Path], first: Path | None = None
) -> list[tuple[Path, dict[str, object]]]:
    """(folder, manifest data) of every manifest in `folders`, `first`'s backup first, then
    newest first by name (the time the backup was taken)."""
    import json

    found: list[Path] = []
    for folder in folders:
        found += sorted(
            folder.glob(f"ledger_*{contentstore.MANIFEST_SUFFIX}"), key=lambda p: p.name, reverse=True
        )
    if first is not None:
        head = contentstore.manifest_for(first)
        found = [head] + [p for p in found if p != head]
    out = []
    for path in found:
        try:
            out.append((path.parent, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
    return out


def wanted_content(ws: Workspace, folders: list[Path], first: Path | None = None) -> dict[str, Wanted]:
    """Every filed file's expected bytes, as the current ledger and the backups say."""
    from service.outbox_files import expected_files

    rows, _ = store.read_filed(ws.ledger_path)
    changed_after = store.newest_event_of_submissions(ws.ledger_path)
    places: dict[str, tuple[str, int]] = {}  # expected path (file or bundle folder) → kind, id
    wanted: dict[str, Wanted] = {}
    sources = tuple(folders)
    for row in rows:
        for want in expected_files(ws, row):
            places[want.relpath] = (want.kind, int(row["id"]))
            if want.sha256 and not (ws.root / want.relpath).is_dir():
                wanted[want.relpath] = Wanted(
                    want.relpath, want.sha256, want.kind, int(row["id"]), sources, True
                )
    pending = {place for place in places if place not in wanted}
    for _folder, data in manifests_newest_first(folders, first):
        if not pending:
            break  # every file has its newest backup: older manifests are not read
        anchor = data.get("anchor") if isinstance(data.get("anchor"), dict) else None
        upto = int(anchor["event_id"]) if anchor else 0  # type: ignore[index]
        seen: set[str] = set()
        for entry in contentstore.entries_of(data):
            place = _place_of(entry.path, places)
            if place is None or place not in pending or entry.path in wanted:
                continue
            seen.add(place)
            kind, sub_id = places[place]
            if changed_after.get(sub_id, 0) <= upto:  # else changed since: it cannot speak
                wanted[entry.path] = Wanted(
                    entry.path, entry.sha256, kind, sub_id, sources, False, place != entry.path
                )
        pending -= seen | {pl for pl in pending if changed_after.get(places[pl][1], 0) > upto}
    return wanted


def _place_of(path: str, places: dict[str, tuple[str, int]]) -> str | None:
    if path in places:
        return path
    parts = path.split("/")
    for n in range(len(parts) - 1, 0, -1):
        head = "/".join(parts[:n])
        if head in places:
            return head
    return None


def differs(ws: Workspace, want: Wanted) -> str | None:
    """'missing' or 'changed' when the file does not hold the wanted bytes, else None."""
    try:
        return None if file_digest(ws.root / want.path) == want.sha256 else "changed"
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "changed"


@dataclass(frozen=True)
class FilesRestored:
    restored: tuple[str, ...]
    kept_aside: tuple[str, ...]
    lost: tuple[str, ...]  # wanted bytes no backup folder holds


def bring_back(ws: Workspace, folders: list[Path], first: Path | None = None) -> FilesRestored:
    """Copy back every filed file that is missing or differs, from the backups' store."""
    wanted = wanted_content(ws, folders, first)
    named = {w.sha256 for w in wanted.values()}
    aside_root = ws.outbox / KEPT_ASIDE / f"{now(ws.rulebook()):%Y%m%d-%H%M%S}"
    restored, aside, lost = [], [], []
    for want in wanted.values():
        state = differs(ws, want)
        if state is None:
            continue
        held = next((o for f in folders if (o := contentstore.object_path(f, want.sha256)).is_file()), None)
        if held is None:
            lost.append(want.path)
            continue
        target = ws.root / want.path
        if state == "changed" and not _named(target, named):
            moved = aside_root / want.path
            moved.parent.mkdir(parents=True, exist_ok=True)
            os.replace(target, moved)
            aside.append(moved.relative_to(ws.root).as_posix())
        _put(held, target)
        restored.append(want.path)
    return FilesRestored(tuple(restored), tuple(aside), tuple(lost))


def _named(path: Path, named: set[str]) -> bool:
    try:
        return file_digest(path) in named
    except OSError:
        return False


def _put(held: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    shutil.copyfile(held, tmp)
    os.chmod(tmp, 0o644)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
