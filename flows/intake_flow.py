"""The intake as a Prefect flow: the same steps as `intake.pipeline.sweep`, visible in the UI.

One task claims (recovery, settle check, claims), then one task per batch of claimed items
runs read → check → record → file. Prefect costs a few milliseconds per task, so tasks over
batches keep it far from the bottleneck. Flow and task run names carry unit and file; the flow
run's tags carry units and types; each run leaves a markdown summary and a table of rejections.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run as runtime_flow_run
from prefect.settings import get_current_settings

from checks.labels import rules_text, verdict_label
from intake.inbox_path import InboxPath
from intake.outcome import Outcome, SweepResult
from intake.pipeline import (
    Taken,
    finish_run,
    process_claims,
    run_batches,
    start_run,
    take,
)
from rules import Rulebook
from workspace import Workspace, now


def _unit_and_file(key: str, rulebook: Rulebook) -> tuple[str, str, str | None]:
    """(unit, file name, type name) of an inbox key, by the one inbox-path parser: an alias
    folder or a name tag gives the type's own name, so one type is one tag."""
    where = InboxPath.parse(key, rulebook)
    ctype = rulebook.types.get(where.content_type or "")
    return where.unit_label, where.name or key, ctype.name if ctype else None


def _label(keys: Sequence[str], rulebook: Rulebook) -> str:
    if not keys:
        return "空"
    unit, name, _ = _unit_and_file(keys[0], rulebook)
    more = f" 等 {len(keys)} 件" if len(keys) > 1 else ""
    return f"{unit}/{name}{more}"


def _tags_for(keys: Sequence[str], rulebook: Rulebook) -> list[str]:
    found: dict[str, None] = {}
    for key in keys:
        unit, _, kind = _unit_and_file(key, rulebook)
        found[f"unit:{unit}"] = None
        if kind:
            found[f"type:{kind}"] = None
    return list(found)


def _flow_run_name() -> str:
    params = runtime_flow_run.parameters or {}
    keys = params.get("keys")
    if keys:
        rulebook = Workspace(Path(params["workspace"])).rulebook()
        return f"intake {_label(list(keys), rulebook)}"
    return "intake sweep"


_collectors: list[list[Outcome]] = []


@contextmanager
def outcomes_collected() -> Iterator[list[Outcome]]:
    """The outcomes of each batch as soon as it is filed, for a caller running the flow in this
    process (`watch`): a run whose server went away while it was ending fails after its drafts
    were filed, and the office should still read a line for each."""
    found: list[Outcome] = []
    _collectors.append(found)
    try:
        yield found
    finally:
        _collectors.remove(found)


@task(name="claim", cache_policy=NO_CACHE, persist_result=False)
def claim_task(workspace: str, keys: list[str] | None, settled: bool) -> Taken:
    """Finish half-done work, settle-check and claim the inbox's items."""
    ws = Workspace(Path(workspace))
    return take(ws, ws.rulebook(), keys, settled=settled)


@task(name="process", cache_policy=NO_CACHE, persist_result=False)
def process_task(workspace: str, tokens: list[str]) -> list[Outcome]:
    """read → check → record → file for one batch of claimed items."""
    ws = Workspace(Path(workspace))
    return process_claims(ws, ws.rulebook(), tokens)


def summary_markdown(result: SweepResult, rulebook: Rulebook) -> str:
    """The run summary shown in the Prefect UI (Chinese, like the notes)."""
    lines = [
        f"# 收稿 {now(rulebook):%Y-%m-%d %H:%M}",
        "",
        f"- 处理：{len(result.outcomes)} 件（合格 {len(result.accepted)}，其中未计入 {len(result.not_counted)}；"
        f"退回 {len(result.rejected)}，"
        f"信息员登记 {len(result.officers)}）",
        f"- 仍在写入、留待下次：{len(result.pending)} 件",
        f"- 从中断中恢复：{result.recovered} 件；被其他进程领取：{result.taken_elsewhere} 件",
    ]
    if result.outcomes:
        lines += ["", "| 单位 | 文件 | 结果 | 编号 | 存放位置 |", "|---|---|---|---|---|"]
        for o in result.outcomes:
            unit, name, _ = _unit_and_file(o.key, rulebook)
            lines.append(
                f"| {o.unit or unit} | {name} | {verdict_label(o.verdict)} | {o.submission_id or ''} | {o.stored_path} |"
            )
    return "\n".join(lines)


def rejection_rows(result: SweepResult, rulebook: Rulebook) -> list[dict[str, str]]:
    rows = []
    for o in result.rejected:
        unit, name, _ = _unit_and_file(o.key, rulebook)
        rows.append(
            {"unit": o.unit or unit, "file": name, "rules": rules_text(o.rules), "note": o.note_path or ""}
        )
    return rows


def _rename_and_tag(taken: Taken, result: SweepResult, rulebook: Rulebook) -> None:
    """Name the flow run after what it took, and tag it by unit and type (known only now)."""
    run_id = runtime_flow_run.id
    if not run_id:
        return
    try:
        from prefect.client.orchestration import get_client

        keys = [o.key for o in result.outcomes] or list(taken.keys.values())
        found = _tags_for(keys, rulebook)
        for o in result.outcomes:
            if o.content_type:
                found.append(f"type:{o.content_type}")
        from prefect.context import FlowRunContext

        context = FlowRunContext.get()
        # The run's tags as created, from its context: asking the server again costs a request.
        current = list(context.flow_run.tags) if context and context.flow_run else []
        with get_client(sync_client=True) as client:
            client.update_flow_run(
                run_id,
                name=f"intake {_label(keys, rulebook)}" if keys else None,
                tags=list(dict.fromkeys([*current, *found])),
            )
    except Exception:  # naming is a courtesy; never fail a sweep over it
        get_run_logger().debug("could not rename flow run", exc_info=True)


RESULT_STORAGE = Path(get_current_settings().results.local_storage_path)
"""Where results would go: Prefect's own local default, named on the flow. Nothing is ever written
there (`persist_result=False`); left unnamed, the engine asks the server for its default result
storage twice a flow run (`GET /admin/storage`, measured on 3.9.1), before the drafts are filed."""


@flow(
    name="intake",
    flow_run_name=_flow_run_name,
    persist_result=False,
    result_storage=RESULT_STORAGE,
    log_prints=False,
)
def intake_flow(workspace: str, keys: list[str] | None = None, settled: bool = False) -> SweepResult:
    """One intake sweep over the workspace's inbox (or only `keys`, as the watcher queues them)."""
    ws = Workspace(Path(workspace))
    rulebook = ws.rulebook()
    run_id = start_run(ws, rulebook, "intake", str(runtime_flow_run.id or "") or None)
    taken = claim_task(workspace, keys, settled)

    def run_batch(batch: list[str]) -> list[Outcome]:
        # Task runs carry no tags on purpose: a tagged task asks the server for tag concurrency
        # slots first (measured ~1.5 s a task on 3.9.1); the flow run carries the tags instead.
        batch_keys = [taken.keys.get(t, "") for t in batch]
        outcomes: list[Outcome] = process_task.with_options(
            task_run_name=f"process {_label(batch_keys, rulebook)}"
        )(workspace, batch)
        for found in _collectors:
            found.extend(outcomes)
        return outcomes

    result = run_batches(taken, run_batch)
    finish_run(ws, rulebook, run_id, result)
    if result.outcomes or result.pending:
        _rename_and_tag(taken, result, rulebook)
        create_markdown_artifact(
            summary_markdown(result, rulebook), key="intake-summary", description="收稿汇总"
        )
        rows = rejection_rows(result, rulebook)
        if rows:
            create_table_artifact(
                rows, key="intake-rejections", description="退回稿件（单位、文件、未达要求）"
            )
    return result
