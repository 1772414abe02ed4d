"""`draftdesk verify`: does the outbox still hold what the ledger says was filed, unchanged?

Every filed original is present with the sha256 the ledger recorded; every note and notice is
present; nothing lies in outbox/accepted or outbox/rejected that the ledger does not know; no
claim is left open; the ledger passes `PRAGMA integrity_check`; the event log's hash chain holds
(when the ledger has one). Each problem names the 稿件编号 (when there is one) and the path.

The last result is kept in `outbox/verify.json`, outside the ledger on purpose: a verify that
finds the ledger damaged must still be able to say so to the desk's home page.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from extractors.safefile import display_name
from intake.filing import file_digest
from ledger import backup as store
from reports.events_view import when_text
from service.outbox_files import ExpectedFile, expected_files, officer_form_test, unnamed_files
from workspace import Workspace, now
from workspace.lock import IntakeRunning, exclusive

RESULT_FILE = "verify.json"


@dataclass(frozen=True)
class Problem:
    """One thing that does not hold; `line()` is what the office reads."""

    code: str  # missing | changed | unknown | claim | integrity | chain | unreadable | receipt
    message: str
    path: str = ""
    submission_id: int | None = None

    def line(self) -> str:
        who = f"稿件编号 {self.submission_id}" if self.submission_id is not None else "台账"
        where = f"：{self.path}" if self.path else ""
        return f"{who}：{self.message.rstrip('。')}{where}"


@dataclass(frozen=True)
class Verification:
    checked_at: str
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked_at": self.checked_at, "problems": [asdict(p) for p in self.problems]}


_KIND_LABEL = {"original": "原稿", "note": "退回说明", "notice": "不计入说明", "receipt": "回执"}


def _check_file(ws: Workspace, sub_id: int, want: ExpectedFile) -> Problem | None:
    label = _KIND_LABEL.get(want.kind, want.kind)
    path = ws.root / want.relpath
    shown = display_name(want.relpath)  # an undecodable name's bytes, printable
    try:
        st = os.lstat(path)
    except OSError:
        return Problem("missing", f"{label}缺失", shown, sub_id)
    if want.sha256 and stat.S_ISREG(st.st_mode):
        try:
            digest = file_digest(path)
        except OSError as exc:
            return Problem("missing", f"{label}无法读取（{exc.strerror}）", shown, sub_id)
        if digest != want.sha256:
            return Problem("changed", f"{label}内容与登记时不同（sha256 不符）", shown, sub_id)
    return None


def _file_problems(ws: Workspace, rows: list[dict[str, Any]]) -> tuple[list[Problem], set[str]]:
    problems: list[Problem] = []
    known: set[str] = set()
    for row in rows:
        sub_id = int(row["id"])
        wanted = expected_files(ws, row)
        known.update(w.relpath for w in wanted)
        if row.get("state") != "filed":
            problems.append(Problem("claim", "已登记但尚未归档（收稿中断，下次收稿时自动续完）", "", sub_id))
            continue
        problems += [p for w in wanted if (p := _check_file(ws, sub_id, w)) is not None]
    return problems, known


def _unknown_problems(ws: Workspace, known: set[str], officers: set[str]) -> list[Problem]:
    """Files no submission names, officer forms aside."""
    officer_form = officer_form_test(ws, officers)
    return [
        Problem("unknown", "发件箱中有台账没有记录的文件", rel, _id_of(rel))
        for rel in unnamed_files(ws, known)
        if not officer_form(rel)
    ]


def _id_of(relpath: str) -> int | None:
    """The 稿件编号 a filed name starts with (`12_通知.docx`), if it has one: the outermost
    numbered name below outbox/<accepted|rejected>/, so a file inside a bundle folder
    (`12_通知/照片1.jpg`) belongs to the bundle's draft."""
    for part in relpath.split("/")[2:]:
        head, sep, _ = part.partition("_")
        if sep and head.isdigit() and len(head) < 12:
            return int(head)
    return None


def _claim_problems(ws: Workspace, claims: list[dict[str, Any]]) -> list[Problem]:
    """Open claims, and entries in the processing folder no claim names (taken while no
    intake runs: a running sweep's claims are its work in hand)."""
    from intake.claims import processing_root

    root = processing_root(ws)
    problems = [
        Problem(
            "claim",
            "领取后未完成的稿件（下次收稿时自动续完）",
            f"{_rel(ws, root / r['token'])}（原 {r['relpath']}）",
        )
        for r in claims
    ]
    tokens = {r["token"] for r in claims}
    try:
        strays = [n for n in sorted(os.listdir(root)) if n not in tokens and any(os.scandir(root / n))]
    except OSError:
        strays = []
    problems += [Problem("claim", "处理中文件夹里有台账不知道的稿件", _rel(ws, root / n)) for n in strays]
    return problems


def _rel(ws: Workspace, path: Path) -> str:
    try:
        return path.relative_to(ws.root).as_posix()
    except ValueError:
        return str(path)


def check_workspace(ws: Workspace) -> list[Problem]:
    """Every problem found, in the order the office should look at them."""
    ledger_rel = _rel(ws, ws.ledger_path)
    if not os.path.lexists(ws.ledger_path) and next(unnamed_files(ws, set()), None) is None:
        return []  # nothing received yet: no ledger and nothing filed
    try:
        snap, claims = _read(ws)
    except store.LedgerUnreadable as exc:
        return [_unreadable(ledger_rel, str(exc))]
    problems = [Problem("integrity", f"台账完整性检查未通过：{p}", ledger_rel) for p in snap.integrity]
    problems += claims + (_chain_problems(ws, ledger_rel) if snap.has_events else [])
    missing, known = _file_problems(ws, snap.rows)
    return missing + content_problems(ws) + _unknown_problems(ws, known, snap.officers) + problems


def _chain_problems(ws: Workspace, ledger_rel: str) -> list[Problem]:
    """The 操作记录's hash chain, checked by the log's own service: the first changed or
    deleted event, in Chinese."""
    from service.events import verify as verify_events

    try:
        _, broken = verify_events(ws)
    except Exception:  # a log this version cannot read is a finding, not a crash
        return [Problem("chain", "操作记录无法读取，记录链无法核对", ledger_rel)]
    return [Problem("chain", line, ledger_rel) for line in broken.splitlines()] if broken else []


def _read(ws: Workspace) -> tuple[store.Snapshot, list[Problem]]:
    """The ledger's snapshot, and the claim problems when no intake runs (a running sweep's
    claims are its work in hand, not problems). Only the claims are read under the lock, so
    a long integrity check never holds up a sweep that starts meanwhile."""
    snap = store.read_snapshot(ws.ledger_path)
    try:
        with exclusive(ws):
            return snap, _claim_problems(ws, store.read_claims(ws.ledger_path))
    except IntakeRunning:
        return snap, []


def _unreadable(path: str, reason: str) -> Problem:
    return Problem(
        "unreadable",
        f"台账{reason}，已归档稿件无法核对；请用 draftdesk restore 从 outbox/backups/ 中的备份恢复",
        path,
    )


def verify(ws: Workspace) -> Verification:
    """Check the workspace and keep the result for the desk's home page."""
    result = Verification(now(ws.rulebook()).isoformat(timespec="seconds"), tuple(check_workspace(ws)))
    _store(ws, result, anchor_record(ws, result))
    return result


def anchor_record(ws: Workspace, result: Verification) -> dict[str, Any]:
    """What verify.json keeps beside the result: the log's newest event (number, hash) when
    the log holds, else the anchor it kept before (a shortened log never lowers it), and the
    last restore's marker (service.anchors)."""
    from ledger.events import load_key, newest_event
    from service.anchors import verify_record

    before = verify_record(ws)
    kept: dict[str, Any] = {k: before[k] for k in ("anchor", "restored", "keyed_from") if k in before}
    key = load_key(ws.ledger_path)
    if key is not None:
        kept["keyed_from"] = min(key.keyed_from, int(kept.get("keyed_from") or key.keyed_from))
    if any(p.code in ("chain", "unreadable") for p in result.problems):
        return kept
    try:
        with store.read_only(ws.ledger_path) as conn:
            newest = newest_event(conn)
    except store.LedgerUnreadable:
        return kept
    if newest is not None:
        kept["anchor"] = {"event_id": newest[0], "hash": newest[1]}
    return kept


def _store(ws: Workspace, result: Verification, extra: dict[str, Any] | None = None) -> None:
    path = ws.outbox / RESULT_FILE
    tmp = path.with_name(f".{RESULT_FILE}.{os.getpid()}.partial")
    try:
        data = {**result.as_json(), **(extra or {})}
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # the result is printed anyway; a full disk must not hide it


def last_verification(ws: Workspace) -> dict[str, Any] | None:
    """The last verify's result as stored (ok, checked_at, problems), or None."""
    try:
        data = json.loads((ws.outbox / RESULT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def summary_line(ws: Workspace) -> str:
    """One Chinese line for the desk's home page: when verify last ran and what it found."""
    data = last_verification(ws)
    if data is None:
        return "归档核对：尚未进行"
    when = when_text(str(data.get("checked_at", "")))
    problems = data.get("problems") or []
    if not problems:
        return f"归档核对：{when}，全部相符"
    return f"归档核对：{when}，发现 {len(problems)} 个问题，请核对台账与发件箱"


def content_problems(ws: Workspace) -> list[Problem]:
    """Notes, notices, receipts and files inside bundles whose bytes differ from the newest
    backup that can speak for them (service.filed_content); a file inside a bundle that is
    gone. Originals are checked against the ledger's own sha256 above."""
    from service.backup import backup_folder
    from service.filed_content import differs, wanted_content

    try:
        wanted = wanted_content(ws, [backup_folder(ws)])
    except store.LedgerUnreadable:
        return []
    problems = []
    for want in wanted.values():
        if want.sha256_from_ledger and not want.inside_bundle:
            continue  # an original: hashed against the ledger above, not read a second time
        own = _KIND_LABEL.get(want.kind, want.kind)
        state = differs(ws, want)
        if state == "changed" and not want.sha256_from_ledger:
            problems.append(
                Problem(
                    "changed",
                    f"{own}内容与备份时不同（sha256 不符）",
                    display_name(want.path),
                    want.submission_id,
                )
            )
        elif state == "missing" and want.inside_bundle:
            problems.append(
                Problem("missing", f"{own}中的文件缺失", display_name(want.path), want.submission_id)
            )
    return problems
