"""The workspace's mail.toml: which mailboxes e-mail intake reads, and who may send.

It lives beside the rulebook, not in it, because it names passwords — never the password
itself: `password_env` names an environment variable, `password_file` a file (QQ and 163
mailboxes use an 授权码, not the login password)::

    [[accounts]]
    name = "收稿邮箱"
    host = "imap.163.com"
    port = 993
    security = "ssl"            # ssl | starttls | none
    user = "xihu_xxb@163.com"
    password_env = "DRAFTDESK_MAIL_PASSWORD"   # or password_file = "…"
    folder = "INBOX"
    after = "move:已收稿"        # move:<folder> | flag | seen
    since = 2021-03-01          # optional: only mails received from this day on
    [senders]
    "hubin@example.cn" = "湖滨社区"
    [types]                     # optional: a unit's type when the mail names none
    "湖滨社区" = "即时信息"
    [settings]                  # optional
    interval_minutes = 5        # watch/serve read the mailboxes this often
    timeout_seconds = 30        # one network wait, at most

`load_mail_config` checks every key at once and names each bad one in Chinese.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from rules import Rulebook

MAIL_FILE = "mail.toml"
Security = Literal["ssl", "starttls", "none"]
Action = Literal["move", "flag", "seen"]
_ACCOUNT_KEYS = {
    "name",
    "host",
    "port",
    "security",
    "user",
    "password_env",
    "password_file",
    "folder",
    "after",
    "since",
}
_SETTINGS = {"interval_minutes": 5.0, "timeout_seconds": 30.0}


class MailConfigError(Exception):
    """mail.toml cannot be used; `str(exc)` names the file and every bad key, in Chinese."""


@dataclass(frozen=True)
class MailAccount:
    name: str
    host: str
    port: int
    security: Security
    user: str
    folder: str
    after: str
    password_env: str | None = None
    password_file: Path | None = None
    since: dt.date | None = None  # only mails the server received on or after this day

    @property
    def action(self) -> Action:
        return "move" if self.after.startswith("move:") else "flag" if self.after == "flag" else "seen"

    @property
    def move_to(self) -> str:
        return self.after.removeprefix("move:")

    def password(self) -> str:
        """The password (授权码), read now; MailConfigError names what is missing, never the value."""
        if self.password_env:
            value = os.environ.get(self.password_env, "")
            if not value:
                raise MailConfigError(
                    f"邮箱「{self.name}」的密码未设置：环境变量 {self.password_env} 为空。"
                    "请把邮箱的授权码设为这个环境变量（以服务运行时写在服务的设置里），"
                    "或在 mail.toml 中改用 password_file 指定存放授权码的文件；本次未收这个邮箱的信。"
                )
            return value
        assert self.password_file is not None
        try:
            return self.password_file.read_text(encoding="utf-8-sig").strip()
        except OSError:
            raise MailConfigError(f"邮箱「{self.name}」的密码文件 {self.password_file} 无法读取") from None


@dataclass(frozen=True)
class MailConfig:
    accounts: tuple[MailAccount, ...] = ()
    senders: dict[str, str] = field(default_factory=dict)  # address (lower case) -> unit name
    types: dict[str, str] = field(default_factory=dict)  # unit name -> type key
    interval_minutes: float = 5.0
    timeout_seconds: float = 30.0

    def unit_of(self, address: str) -> str | None:
        return self.senders.get(address.strip().lower())


def load_mail_config(root: Path, rulebook: Rulebook) -> MailConfig | None:
    """The workspace's mail.toml (None: no file, no e-mail intake). Raises MailConfigError
    naming every bad key at once; units and types are names or aliases of the rulebook."""
    path = root / MAIL_FILE
    if not path.exists():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise MailConfigError(f"{path.name} 无法读取：{exc}（中文名称要加英文引号）") from None
    problems: list[str] = []
    unknown = set(data) - {"accounts", "senders", "types", "settings"}
    problems += [f"{key}：不认识的设置项" for key in sorted(unknown)]
    raw_accounts = data.get("accounts", [])
    if not isinstance(raw_accounts, list) or not raw_accounts:
        problems.append("accounts：至少要有一个 [[accounts]] 邮箱")
        raw_accounts = []
    accounts = [_account(raw, i, root, problems) for i, raw in enumerate(raw_accounts)]
    names = [a.name for a in accounts if a]
    if len(set(names)) != len(names):
        problems.append("accounts.name：各邮箱的名称不能重复")
    config = MailConfig(
        tuple(a for a in accounts if a),
        _senders(data.get("senders", {}), rulebook, problems),
        _types(data.get("types", {}), rulebook, problems),
        **_settings(data.get("settings", {}), problems),
    )
    if problems:
        raise MailConfigError(f"{path.name} 有误：" + "；".join(problems))
    return config


def _account(raw: Any, index: int, root: Path, problems: list[str]) -> MailAccount | None:
    where = f"accounts[{index + 1}]"
    if not isinstance(raw, dict):
        problems.append(f"{where}：应是一个 [[accounts]] 表")
        return None
    before = len(problems)
    problems += [f"{where}.{key}：不认识的设置项" for key in sorted(set(raw) - _ACCOUNT_KEYS)]
    text = {key: raw.get(key) for key in ("name", "host", "user", "folder", "after")}
    for key in ("name", "host", "user"):
        if not isinstance(text[key], str) or not str(text[key]).strip():
            problems.append(f"{where}.{key}：必填，应是文字")
    folder = raw.get("folder", "INBOX")
    after = raw.get("after", "seen")
    if not isinstance(folder, str) or not folder.strip():
        problems.append(f'{where}.folder：应是邮箱文件夹名，如 "INBOX"')
    if not isinstance(after, str) or not (
        after in ("flag", "seen") or (after.startswith("move:") and after[5:].strip())
    ):
        problems.append(f'{where}.after：应是 "move:<文件夹>"、"flag" 或 "seen"')
    security = raw.get("security", "ssl")
    if security not in ("ssl", "starttls", "none"):
        problems.append(f"{where}.security：应是 ssl、starttls 或 none")
    port = raw.get("port", 993 if security == "ssl" else 143)
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        problems.append(f"{where}.port：应是 1 到 65535 之间的整数")
    env, file = raw.get("password_env"), raw.get("password_file")
    if (env is None) == (file is None) or not isinstance(env or file, str):
        problems.append(
            f"{where}：password_env 与 password_file 须且只须填一个（填名称或路径，不填密码本身）"
        )
    since = raw.get("since")
    if since is not None and (not isinstance(since, dt.date) or isinstance(since, dt.datetime)):
        problems.append(f"{where}.since：应是日期，如 2021-03-01（不加引号）")
    if len(problems) > before:
        return None
    return MailAccount(
        name=str(text["name"]).strip(),
        host=str(text["host"]).strip(),
        port=int(port),
        security=security,
        user=str(text["user"]).strip(),
        folder=str(folder),
        after=str(after),
        password_env=str(env) if env else None,
        password_file=(root / str(file)) if file else None,
        since=since,
    )


def _senders(raw: Any, rulebook: Rulebook, problems: list[str]) -> dict[str, str]:
    if not isinstance(raw, dict):
        problems.append('senders：应是 "地址" = "单位" 的表')
        return {}
    senders: dict[str, str] = {}
    for address, name in raw.items():
        unit = rulebook.unit_named(name) if isinstance(name, str) else None
        if "@" not in address:
            problems.append(f"senders.{address}：不是邮件地址")
        elif unit is None:
            problems.append(f"senders.{address}：规则文件中没有单位「{name}」")
        else:
            senders[address.strip().lower()] = unit.name
    return senders


def _types(raw: Any, rulebook: Rulebook, problems: list[str]) -> dict[str, str]:
    if not isinstance(raw, dict):
        problems.append('types：应是 "单位" = "稿件类型" 的表')
        return {}
    types: dict[str, str] = {}
    for name, type_name in raw.items():
        unit = rulebook.unit_named(name)
        ctype = rulebook.type_named(type_name) if isinstance(type_name, str) else None
        if unit is None:
            problems.append(f"types.{name}：规则文件中没有这个单位")
        elif ctype is None:
            problems.append(f"types.{name}：规则文件中没有稿件类型「{type_name}」")
        else:
            types[unit.name] = ctype.key
    return types


def _settings(raw: Any, problems: list[str]) -> dict[str, float]:
    if not isinstance(raw, dict):
        problems.append("settings：应是一个表")
        return dict(_SETTINGS)
    values = dict(_SETTINGS)
    for key, value in raw.items():
        if key not in _SETTINGS:
            problems.append(f"settings.{key}：不认识的设置项")
        elif isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            problems.append(f"settings.{key}：应是大于 0 的数")
        else:
            values[key] = float(value)
    return values
