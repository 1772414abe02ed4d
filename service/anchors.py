"""Anchors of the 操作记录: the newest event's number and hash, written down outside the ledger.

`verify` keeps one in `outbox/verify.json`, every `backup` one in its manifest. A log that is
shorter than an anchor (its newest events deleted, `sqlite_sequence` reset) or holds another
hash at an anchor's number (a chain rebuilt) is found here, even when the chain itself is
consistent. A `restore` makes the log shorter on purpose: it records the restore (time and the
restored backup's newest event) in verify.json, and anchors of backups taken before that time
beyond that number are the changes the restore put away, no longer expected.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workspace import Workspace

RESULT_FILE = "verify.json"  # the same file service.verify keeps its result in


@dataclass(frozen=True)
class Anchor:
    event_id: int
    hash: str
    where: str  # what the office reads: 核对记录 (verify.json) or a backup's name
    taken_at: str = ""  # ISO time the anchor was written (backups: from the manifest)

    def as_json(self) -> dict[str, Any]:
        return {"event_id": self.event_id, "hash": self.hash}

    @classmethod
    def of(cls, data: Any, where: str, taken_at: str = "") -> Anchor | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(int(data["event_id"]), str(data["hash"]), where, taken_at)
        except (KeyError, TypeError, ValueError):
            return None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def verify_record(ws: Workspace) -> dict[str, Any]:
    return _read_json(ws.outbox / RESULT_FILE)


def _manifest_anchors(folder: Path) -> list[Anchor]:
    from service.contentstore import MANIFEST_SUFFIX

    found = []
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(MANIFEST_SUFFIX))
    except OSError:
        return []
    for name in names:
        data = _read_json(folder / name)
        anchor = Anchor.of(
            data.get("anchor"), f"备份 {name.removesuffix(MANIFEST_SUFFIX)} ", str(data.get("taken_at", ""))
        )
        if anchor is not None:
            found.append(anchor)
    return found


def known_anchors(ws: Workspace) -> list[Anchor]:
    """Every anchor the workspace knows (verify.json's, each backup manifest's in
    outbox/backups/), less those a recorded restore put away."""
    from service.backup import backup_folder

    record = verify_record(ws)
    own = Anchor.of(record.get("anchor"), "上次核对")
    anchors = ([own] if own else []) + _manifest_anchors(backup_folder(ws))
    restored = record.get("restored")
    if isinstance(restored, dict):
        at, upto = str(restored.get("at", "")), int(restored.get("event_id") or 0)
        anchors = [a for a in anchors if not (a.taken_at and _before(a.taken_at, at) and a.event_id > upto)]
    return anchors


def _before(first: str, second: str) -> bool:
    try:
        return dt.datetime.fromisoformat(first) <= dt.datetime.fromisoformat(second)
    except ValueError:
        return False


def anchor_breaks(hashes: dict[int, str], anchors: list[Anchor]) -> list[str]:
    """Chinese sentences for each anchor the log `hashes` (event number → hash) does not hold:
    which events are missing, or which number holds another hash."""
    newest = max(hashes, default=0)
    said: list[str] = []
    for anchor in sorted(anchors, key=lambda a: -a.event_id):
        if anchor.event_id > newest:
            first = newest + 1
            span = f"第 {first} 条" if first == anchor.event_id else f"第 {first}–{anchor.event_id} 条"
            said.append(
                f"操作记录比{anchor.where}时还短：{span}已不在台账中（{anchor.where}时最新为第 {anchor.event_id} 条）。"
            )
        elif hashes.get(anchor.event_id) != anchor.hash:
            said.append(
                f"操作记录第 {anchor.event_id} 条与{anchor.where}时记下的校验值不同：这一条或它之前的记录已被改写。"
            )
    return said


def record_restore(ws: Workspace, backup: Path, at: str) -> None:
    """After `restore BACKUP`: the log now ends at the backup's newest event; anchors taken
    before `at` beyond it are the changes the restore put away (listed to the office)."""
    from ledger import backup as store
    from ledger.events import newest_event

    try:
        with store.read_only(backup) as conn:
            newest = newest_event(conn)
    except store.LedgerUnreadable:
        newest = None
    record = verify_record(ws)
    record["restored"] = {"at": at, "event_id": newest[0] if newest else 0}
    if newest is not None:
        record["anchor"] = {"event_id": newest[0], "hash": newest[1]}
    else:
        record.pop("anchor", None)
    path = ws.outbox / RESULT_FILE
    tmp = path.with_name(f".{RESULT_FILE}.{os.getpid()}.partial")
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def recorded_keyed_from(ws: Workspace) -> int | None:
    """The first keyed event number verify.json or a backup manifest recorded: once the log
    was keyed, a missing key file is a finding, not a return to the unkeyed chain."""
    from service.backup import backup_folder
    from service.contentstore import MANIFEST_SUFFIX

    found = [verify_record(ws).get("keyed_from")]
    try:
        names = [n for n in os.listdir(backup_folder(ws)) if n.endswith(MANIFEST_SUFFIX)]
    except OSError:
        names = []
    found += [_read_json(backup_folder(ws) / n).get("keyed_from") for n in names]
    numbers = [int(n) for n in found if isinstance(n, int)]
    return min(numbers) if numbers else None


def key_missing(ws: Workspace, events: int) -> str | None:
    """The sentence for a log that was keyed but whose key file is gone, else None."""
    from ledger.events import key_file, load_key

    keyed_from = recorded_keyed_from(ws)
    if keyed_from is None or load_key(ws.ledger_path) is not None or events < keyed_from:
        return None
    where = key_file(ws.ledger_path)
    return (
        f"操作记录的密钥（{where}）缺失：第 {keyed_from} 条起的记录无法核对，"
        "请从带密钥的备份（backup --with-key）放回密钥。"
    )
