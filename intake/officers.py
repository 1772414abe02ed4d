"""Registering an officer (信息员) from a filled 附件2 form dropped in inbox/<unit>/信息员/.

The intake calls `register_officer_form` for each such file; the unit is the folder's (the
form's own 工作单位 is kept only as typed), so a unit cannot register people for another.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlite_utils

from extractors.officer_form import read_officer_form
from ledger.assessment import add_officer
from rules.model import Limits


def register_officer_form(
    db: sqlite_utils.Database, unit: str, data: bytes, received_at: dt.datetime, limits: Limits | None = None
) -> tuple[bool, str]:
    """(True, "已登记信息员 张三") or (False, the Chinese reason). Never raises on a bad form.

    `limits` (the rulebook's) guard against zip bombs; the seed rulebook's are used when omitted.
    """
    if limits is None:
        from rules import load_rulebook

        limits = load_rulebook().limits
    try:
        fields = read_officer_form(data, limits)
    except ValueError as exc:
        return False, str(exc)
    fields.pop("unit", None)
    name = fields.pop("name")
    add_officer(
        db,
        unit=unit,
        name=name,
        registered_at=received_at.isoformat(),
        source_sha256=hashlib.sha256(data).hexdigest(),
        **fields,
    )
    return True, f"已登记信息员 {name}"
