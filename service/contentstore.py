"""The filed files in a backup: a content-addressed store beside the ledger copies.

Each backup `ledger_<time>.db` has a manifest `ledger_<time>.manifest.json` naming every filed
original (each file of a bundle folder), note, notice, receipt and officer form the ledger copy
knows — workspace-relative path, sha256, size — and the newest event (the log's anchor). The
bytes live once in `objects/<2 hex>/<sha256>` however many manifests name them: a backup copies
only content the folder does not hold yet. Objects are copies, never hard links to the outbox
(an original edited in place would change its backup too); they are read-only once written.
A folder given to `backup --to` gets its own objects: it is complete on its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledger import backup as store
from ledger.events import newest_event
from workspace import Workspace

MANIFEST_SUFFIX = ".manifest.json"
OBJECTS = "objects"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Entry:
    """One file a backup keeps."""

    path: str  # workspace-relative
    sha256: str
    size: int
    kind: str  # original | note | notice | receipt | officer
    submission_id: int | None = None
    mtime_ns: int = 0  # the file's change time when stored (a later backup skips it unchanged)

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "size": self.size,
            "kind": self.kind,
            "id": self.submission_id,
            "mtime_ns": self.mtime_ns,
        }


def manifest_for(backup: Path) -> Path:
    """ledger_<time>.db → ledger_<time>.manifest.json (beside it)."""
    return backup.with_name(backup.name.removesuffix(".db") + MANIFEST_SUFFIX)


def object_path(folder: Path, digest: str) -> Path:
    return folder / OBJECTS / digest[:2] / digest


def _files_of(ws: Workspace, relpath: str) -> Iterator[str]:
    """`relpath` itself when it is a regular file, each regular file inside when it is a folder."""
    path = ws.root / relpath
    try:
        st = os.lstat(path)
    except OSError:
        return
    if stat.S_ISREG(st.st_mode):
        yield relpath
    elif stat.S_ISDIR(st.st_mode):
        for folder, dirs, files in os.walk(path):
            dirs.sort()
            here = Path(folder).relative_to(ws.root).as_posix()
            for name in sorted(files):
                if stat.S_ISREG(os.lstat(Path(folder) / name).st_mode):
                    yield f"{here}/{name}"


def wanted_files(ws: Workspace, ledger_copy: Path) -> list[tuple[str, str, int | None]]:
    """(path, kind, 稿件编号) of every file the ledger at `ledger_copy` says is filed."""
    from service.outbox_files import expected_files, officer_forms

    rows, officers = store.read_filed(ledger_copy)
    found: list[tuple[str, str, int | None]] = []
    known: set[str] = set()
    for row in rows:
        for want in expected_files(ws, row):
            known.add(want.relpath)
            found += [(rel, want.kind, int(row["id"])) for rel in _files_of(ws, want.relpath)]
    found += [(rel, "officer", None) for rel in officer_forms(ws, known, officers)]
    return found


def keep_file(folder: Path, source: Path) -> tuple[str, int]:
    """Copy `source` into the store (once: content already held is not written again);
    (sha256, size) of the bytes stored, hashed while they are copied."""
    tmp = folder / OBJECTS / f".incoming.{os.getpid()}.partial"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as fin, open(tmp, "wb") as fout:
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            fout.write(chunk)
            size += len(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    final = object_path(folder, digest.hexdigest())
    if final.is_file() and final.stat().st_size == size:
        tmp.unlink()
    else:
        final.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(tmp, 0o444)
        os.replace(tmp, final)
    return digest.hexdigest(), size


def _unchanged(folder: Path, before: dict[str, Entry], rel: str, source: Path) -> Entry | None:
    """The previous manifest's entry for `rel` when the file's size and change time are as
    then and the store still holds its bytes: a daily backup re-reads only what changed."""
    old = before.get(rel)
    if old is None or not old.mtime_ns:
        return None
    try:
        st = os.stat(source)
    except OSError:
        return None
    if (
        st.st_size != old.size
        or st.st_mtime_ns != old.mtime_ns
        or not object_path(folder, old.sha256).is_file()
    ):
        return None
    return old


def _previous(folder: Path) -> dict[str, Entry]:
    manifests = sorted(folder.glob(f"ledger_*{MANIFEST_SUFFIX}"), key=lambda p: p.stat().st_mtime_ns)
    return {e.path: e for e in read_manifest(manifests[-1])} if manifests else {}


def keep_files(ws: Workspace, folder: Path, ledger_copy: Path) -> list[Entry]:
    """Store every filed file the ledger copy names; a file gone from the outbox meanwhile is
    left out (verify names it; an earlier backup may hold it)."""
    entries = []
    before = _previous(folder)
    for rel, kind, sub_id in wanted_files(ws, ledger_copy):
        source = ws.root / rel
        old = _unchanged(folder, before, rel, source)
        if old is not None:
            entries.append(Entry(rel, old.sha256, old.size, kind, sub_id, old.mtime_ns))
            continue
        try:
            mtime = os.stat(source).st_mtime_ns
            digest, size = keep_file(folder, source)
        except FileNotFoundError:
            continue
        entries.append(Entry(rel, digest, size, kind, sub_id, mtime))
    return entries


def write_manifest(
    ledger_copy: Path, taken_at: str, entries: list[Entry], keyed_from: int | None = None
) -> Path:
    """The manifest beside `ledger_copy` (temp name, fsync, rename), with the log's anchor and
    the first keyed event number (`keyed_from`, when the log is keyed)."""
    with store.read_only(ledger_copy) as conn:
        newest = newest_event(conn)
    data = {
        "backup": ledger_copy.name,
        "taken_at": taken_at,
        "anchor": {"event_id": newest[0], "hash": newest[1]} if newest else None,
        "keyed_from": keyed_from,
        "files": [e.as_json() for e in entries],
    }
    final = manifest_for(ledger_copy)
    tmp = final.with_name(f".{final.name}.{os.getpid()}.partial")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=True, indent=0)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    return final


def read_manifest(path: Path) -> list[Entry]:
    """The files a manifest names ([] when it is missing or unreadable)."""
    try:
        return entries_of(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return []


def entries_of(data: Any) -> list[Entry]:
    """The files of a manifest's data ([] when it is not one)."""
    try:
        return [
            Entry(
                str(f["path"]),
                str(f["sha256"]),
                int(f["size"]),
                str(f["kind"]),
                f.get("id"),
                int(f.get("mtime_ns") or 0),
            )
            for f in data["files"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def collect_garbage(folder: Path) -> int:
    """Remove objects no manifest in `folder` names (after the rule removed backups); returns
    how many. Run under the folder's backup lock, so no backup is half-written meanwhile."""
    needed: set[str] = set()
    for manifest in folder.glob(f"*{MANIFEST_SUFFIX}"):
        needed.update(e.sha256 for e in read_manifest(manifest))
    removed = 0
    for held in (folder / OBJECTS).glob("*/*"):
        if held.name not in needed and not held.name.startswith("."):
            with contextlib.suppress(OSError):
                held.unlink()
                removed += 1
    return removed
