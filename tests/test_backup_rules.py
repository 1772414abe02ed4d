"""The pure parts of backup: which copies the retention rule keeps, and the rulebook's [backup]."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from rules import RulebookError, load_rulebook
from rules.load import DEFAULT_RULEBOOK, parse_rulebook
from rules.model import Backup
from service.backup import to_keep


def test_retention_keeps_the_newest_of_each_recent_day_and_month():
    start = dt.datetime(2021, 1, 1, 8, 0)
    backups = []
    for day in range(120):  # two a day for 120 days
        for hour in (8, 18):
            moment = start + dt.timedelta(days=day, hours=hour - 8)
            backups.append((moment, Path(f"ledger_{moment:%Y%m%d-%H%M%S}.db")))
    keep = to_keep(backups, Backup(keep_daily=3, keep_monthly=2))
    assert sorted(p.name for p in keep) == [
        "ledger_20210331-180000.db",  # newest of March (a kept month)
        "ledger_20210428-180000.db",
        "ledger_20210429-180000.db",
        "ledger_20210430-180000.db",  # newest of the last day, and of April
    ]


def test_the_backup_rule_is_validated_in_chinese():

    data = tomllib.loads(Path(DEFAULT_RULEBOOK).read_text(encoding="utf-8"))
    assert load_rulebook().backup == Backup(keep_daily=14, keep_monthly=12)
    data["backup"] = {"keep_daily": 0, "keep_monthly": -1, "keep_weekly": 3}
    with pytest.raises(RulebookError) as err:
        parse_rulebook(data)
    text = str(err.value)
    assert "backup.keep_daily：应不小于 1" in text
    assert "backup.keep_monthly：应不小于 0" in text
    assert "backup.keep_weekly：未知的键" in text
    del data["backup"]
    assert parse_rulebook(data).backup == Backup()  # optional: defaults
