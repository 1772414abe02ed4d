"""Make a workspace: the inbox folders every unit drops into, the outbox, an editable rulebook
and the adoption template (`draftdesk init`, and the desk's first start)."""

from __future__ import annotations

import shutil
from pathlib import Path

from reports.workbook import ensure_adoption_template
from rules import DEFAULT_RULEBOOK, Rulebook
from workspace import Workspace


def init_workspace(ws: Workspace) -> list[Path]:
    """Create inbox/<unit>/<type>/ for every unit and type, each unit's officer and receipt
    folders, outbox/, and an editable rulebook.

    Idempotent: existing folders and an edited `draftdesk.toml` are left alone. Returns what was created.
    """
    created: list[Path] = []

    def mk(path: Path) -> None:
        if not path.exists():
            path.mkdir(parents=True, exist_ok=True)
            created.append(path)

    if not ws.rulebook_path.exists():
        ws.root.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DEFAULT_RULEBOOK, ws.rulebook_path)
        created.append(ws.rulebook_path)
    rulebook = ws.rulebook()
    for unit in rulebook.units:
        for ctype in rulebook.types.values():
            mk(ws.inbox / unit.name / ctype.name)
        mk(ws.inbox / unit.name / rulebook.intake.officer_folder)
        mk(ws.inbox / unit.name / rulebook.intake.receipt_folder)  # receipts come back here
    for path in (ws.outbox, ws.accepted, ws.rejected, ws.reports):
        mk(path)
    created += ensure_adoption_template(ws.reports, rulebook.outlets, _template_rules(rulebook))
    return created


def _template_rules(rulebook: Rulebook) -> str:
    """The fee and bonus rules for the adoption template, in the rulebook's numbers."""
    wechat = rulebook.fees.get("wechat", {})
    fee = (
        f"稿酬：仅公众号录用的微信原创稿件填写（按质量 {wechat['wechat_min']}–{wechat.get('wechat_max', wechat['wechat_min'])} 元）"
        if "wechat_min" in wechat
        else "稿酬：按规则文件计，无需填写"
    )
    p = rulebook.points
    return f"{fee}；加分：区级以上媒体的报道 {p.media_bonus_min:g}–{p.media_bonus_max:g} 分。"
