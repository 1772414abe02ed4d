"""Messages when drafts are filed: one to the unit's group per item, one to the office per sweep.

The addresses live in the workspace's `notify.toml`, not in the rulebook, because they hold
webhook keys; they are written in Apprise's notation (企业微信 `wxwork://`/`wecombot://`,
钉钉 `dingtalk://`, e-mail `mailto://`, a plain `json://` webhook)::

    office = ["json://127.0.0.1:8081/"]
    [units]
    湖滨社区 = ["dingtalk://TOKEN/"]
    [settings]              # all optional
    timeout_seconds = 5     # per message try (Apprise's connect and read timeouts)
    attempts = 3            # tries per message, across sweeps, before it counts as failed
    budget_seconds = 15     # the most one sweep spends sending; the rest waits for the next
    remind_days_before = 3  # `serve`: remind units below quota this many days before month end

Messages are a side channel: the sweep has filed and recorded everything before one is queued,
sending is bounded by `budget_seconds`, and a failure is recorded (`notifications` table,
`status`, the desk) and retried by the next sweep — it never blocks or undoes filing.
"""

from __future__ import annotations

import logging
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from checks.labels import rules_text
from intake.filed import FiledItem
from intake.outcome import Outcome, SweepResult
from ledger import notifications
from ledger.schema import open_ledger
from rules import Rulebook
from scoring.credit import Credit, credit_words
from workspace import Workspace, now

log = logging.getLogger("draftdesk.notify")

NOTIFY_FILE = "notify.toml"
OFFICE = "office"


class NotifyConfigError(Exception):
    """notify.toml cannot be used; `str(exc)` names the file and the key, in Chinese."""


@dataclass(frozen=True)
class NotifyConfig:
    office: tuple[str, ...] = ()
    units: dict[str, tuple[str, ...]] = field(default_factory=dict)
    timeout_seconds: float = 5.0
    attempts: int = 3
    budget_seconds: float = 15.0
    remind_days_before: int = 3

    def urls(self, target: str) -> list[str]:
        """The addresses of a queued message's target (`office#0`, `湖滨社区#1`); none when
        notify.toml no longer lists it."""
        who, _, index = target.rpartition("#")
        found = self.office if who == OFFICE else self.units.get(who, ())
        return [found[int(index)]] if index.isdigit() and int(index) < len(found) else []

    @property
    def empty(self) -> bool:
        return not self.office and not any(self.units.values())


def _url_list(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and "://" in v for v in value):
        problems.append(f'{where}：应是地址列表，如 ["dingtalk://…"]')
        return ()
    return tuple(value)


def load_config(root: Path, rulebook: Rulebook) -> NotifyConfig:
    """The workspace's notify.toml; no file means no messages. `NotifyConfigError` names every
    bad key at once (an unknown unit, an address that is not a list)."""
    path = root / NOTIFY_FILE
    if not path.exists():
        return NotifyConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NotifyConfigError(
            f'{path.name} 无法读取：{exc}（中文单位名要加英文引号，如 "湖滨社区" = ["…"]）'
        ) from None
    problems: list[str] = []
    office = _url_list(data.get("office", []), "office", problems)
    units: dict[str, tuple[str, ...]] = {}
    for name, value in dict(data.get("units", {})).items():
        unit = rulebook.unit_named(name)
        if unit is None:
            problems.append(f"units.{name}：规则文件中没有这个单位")
            continue
        units[unit.name] = _url_list(value, f"units.{name}", problems)
    settings = dict(data.get("settings", {}))
    config = NotifyConfig(
        office,
        units,
        float(settings.get("timeout_seconds", 5)),
        int(settings.get("attempts", 3)),
        float(settings.get("budget_seconds", 15)),
        int(settings.get("remind_days_before", 3)),
    )
    if config.timeout_seconds <= 0 or config.attempts < 1 or config.budget_seconds <= 0:
        problems.append("settings：timeout_seconds、budget_seconds 应大于 0，attempts 至少为 1")
    if problems:
        raise NotifyConfigError(f"{path.name} 有误：" + "；".join(problems))
    return config


def shown(url: str) -> str:
    """An address as people may see it: scheme, host and the path's first step of Apprise's own
    privacy form (keys in the host or path masked), never the user part, the rest of the path
    or the query parameters, where keys hide too."""
    import apprise

    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if not plugin:
        return url.split("://", 1)[0] + "://…"
    private = str(plugin.url(privacy=True))  # type: ignore[no-untyped-call]
    scheme, _, rest = private.partition("://")
    rest = rest.split("?", 1)[0].split("#", 1)[0]
    netloc, slash, path = rest.partition("/")
    first, more, _ = path.strip("/").partition("/")
    short = first + ("/…" if more else "")
    return f"{scheme}://{netloc.rsplit('@', 1)[-1]}{slash if short else ''}{short}"


def item_message(
    *,
    key: str,
    title: str | None,
    submission_id: int | None,
    verdict: str,
    counted: bool | None,
    rules: Sequence[str],
    reasons: Sequence[str],
    credit: Credit | None = None,
) -> str:
    """The unit's message about one filed item: 稿件编号, title, 合格/退回 with why, and the
    draft's credit in its one wording (`scoring.credit.credit_words`) when it is known."""
    title = f"《{title}》" if title else key.rsplit("/", 1)[-1]
    head = f"稿件编号 {submission_id} {title}" if submission_id else title
    if verdict == "officer":
        return f"{title}：信息员推荐表已登记。"
    if verdict == "rejected":
        why = rules_text(rules) or "见退回说明"
        return f"{head}：退回（{why}）。退回说明已放在本单位的回执文件夹。"
    if credit is not None:
        return f"{head}：合格，{credit_words(credit)}。"
    if counted:
        return f"{head}：合格，计入考核。"
    why = f"：{reasons[0]}" if reasons else ""
    return f"{head}：合格，已登记，但不计入考核{why}。"


def filed_message(item: FiledItem) -> str:
    """`item_message` of a filed submission, from what was read when it was filed."""
    row = item.row
    verdict = str(row["verdict"])
    return item_message(
        key=str(row.get("source_path") or row.get("original_name") or ""),
        title=str(row["title"]) if row.get("title") else None,
        submission_id=item.id,
        verdict=verdict,
        counted=bool(row.get("counted")) if verdict == "accepted" else None,
        rules=item.error_rules,
        reasons=item.reasons,
        credit=item.credit,
    )


def queue_filed(ws: Workspace, rulebook: Rulebook, db: sqlite_utils.Database, item: FiledItem) -> int:
    """The after-filing step: queue the unit's message about a filed submission (sent by the
    sweep's `after_sweep`, within its budget); how many were queued. A bad notify.toml queues
    nothing here (the sweep says why once)."""
    try:
        config = load_config(ws.root, rulebook)
    except NotifyConfigError:
        return 0
    urls = config.units.get(item.unit or "", ())
    if not urls or item.unit is None:
        return 0
    body = filed_message(item)
    base = {"created_at": now(rulebook).isoformat(), "run_id": None}
    rows = [queued_row(base, item.unit, f"{item.unit}#{i}", url, body, item.id) for i, url in enumerate(urls)]
    notifications.queue(db, rows)
    return len(rows)


def office_message(result: SweepResult) -> str:
    counted = sum(1 for o in result.accepted if o.counted)
    return (
        f"本次收稿 {len(result.outcomes)} 件：合格 {len(result.accepted)} 件（计入 {counted} 件），"
        f"退回 {len(result.rejected)} 件。"
    )


def queue_for_sweep(
    db: sqlite_utils.Database,
    config: NotifyConfig,
    result: SweepResult,
    run_id: int,
    at: str,
) -> int:
    """Queue the sweep's own messages: each unit's about its officer forms (which have no ledger
    row; a submission's message was queued when it was filed, `queue_filed`) and the office's
    summary; how many."""
    rows: list[dict[str, Any]] = []
    base = {"created_at": at, "run_id": run_id}
    for outcome in result.outcomes:
        if not outcome.officer_form or outcome.unit is None or not config.units.get(outcome.unit):
            continue
        body = _officer_message(outcome)
        for i, url in enumerate(config.units[outcome.unit]):
            rows.append(queued_row(base, outcome.unit, f"{outcome.unit}#{i}", url, body, None))
    if result.outcomes:
        body = office_message(result)
        rows += [
            queued_row(base, None, f"{OFFICE}#{i}", url, body, None) for i, url in enumerate(config.office)
        ]
    notifications.queue(db, rows)
    return len(rows)


def _officer_message(outcome: Outcome) -> str:
    return item_message(
        key=outcome.key,
        title=None,
        submission_id=None,
        verdict=outcome.verdict,
        counted=None,
        rules=outcome.rules,
        reasons=(),
    )


def queued_row(
    base: dict[str, Any], unit: str | None, target: str, url: str, body: str, submission_id: int | None
) -> dict[str, Any]:
    return {
        **base,
        "unit": unit,
        "target": target,
        "shown": shown(url),
        "body": body,
        "submission_id": submission_id,
    }


def _with_timeouts(url: str, seconds: float) -> str:
    """Apprise's connect (`cto`) and read (`rto`) timeouts on an address that sets none."""
    if "cto=" in url or "rto=" in url:
        return url
    return f"{url}{'&' if '?' in url else '?'}cto={seconds:g}&rto={seconds:g}"


def send_one(url: str, body: str, timeout: float) -> str | None:
    """Send one message; None when it went, else why not (without the address)."""
    import apprise

    sender = apprise.Apprise()
    if not sender.add(_with_timeouts(url, timeout)):
        return "地址无法识别"
    try:
        ok = sender.notify(title="信息宣传收稿", body=body)
    except Exception as exc:  # a plugin's own failure is a failed try, never a crash of the sweep
        return f"发送出错（{type(exc).__name__}）"
    return None if ok else "对方未接收或无法连接"


def deliver(db: sqlite_utils.Database, config: NotifyConfig, at: str) -> dict[str, int]:
    """Try the queued messages, oldest first, within the budget; what was sent and failed."""
    logging.getLogger("apprise").setLevel(logging.CRITICAL)  # its lines may carry addresses
    done = {"sent": 0, "failed": 0}
    started = time.monotonic()
    for row in notifications.pending(db, config.attempts):
        if time.monotonic() - started > config.budget_seconds:
            break
        urls = config.urls(str(row["target"]))
        error = (
            send_one(urls[0], str(row["body"]), config.timeout_seconds)
            if urls
            else "notify.toml 已不再列出此地址"
        )
        give_up = not urls or int(row["attempts"]) + 1 >= config.attempts
        notifications.mark(
            db, int(row["id"]), sent_at=None if error else at, error=error or "", give_up=give_up
        )
        if error:
            done["failed"] += 1
            log.warning("消息未发出（%s，第 %d 次）：%s", row["shown"], int(row["attempts"]) + 1, error)
        else:
            done["sent"] += 1
    return done


def after_sweep(ws: Workspace, rulebook: Rulebook, run_id: int, result: SweepResult) -> None:
    """Queue and send the sweep's messages. Never raises: a bad notify.toml or a failing
    notifier is logged and recorded, and the next sweep retries what is still pending."""
    try:
        config = load_config(ws.root, rulebook)
    except NotifyConfigError as exc:
        log.warning("%s（本次不发消息）", exc)
        return
    if config.empty:
        return
    at = now(rulebook).isoformat()
    db = open_ledger(ws.ledger_path)
    try:
        queue_for_sweep(db, config, result, run_id, at)
        deliver(db, config, at)
    except Exception:  # a side channel: whatever it does, filing stands
        log.exception("发送消息时出错；下次收稿时重试")
    finally:
        db.close()
