"""The desk's one address decision (service.address.desk_address): where it listens, the start
of every unit link, and the plain warning when a link would not open from another computer;
`[web] host/port/base_url` validated at load."""

from __future__ import annotations

import dataclasses
import tomllib

import pytest

from rules import DEFAULT_RULEBOOK, RulebookError, load_rulebook
from rules.load import parse_rulebook
from service import address
from service.address import desk_address, needs_password, reach_warning

RULES = load_rulebook(DEFAULT_RULEBOOK)


def _with(**web: object):
    return dataclasses.replace(RULES, web=dataclasses.replace(RULES.web, **web))


def test_the_default_listens_on_this_machine_and_says_the_links_open_here_only() -> None:
    where = desk_address(RULES)
    assert (where.host, where.port, where.base_url) == ("127.0.0.1", 8700, "http://127.0.0.1:8700")
    assert (
        where.warning and "只能在这台电脑上打开" in where.warning and 'host 改为 "0.0.0.0"' in where.warning
    )


def test_every_address_links_by_the_machines_network_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(address, "machine_addresses", lambda: ["192.168.1.5", "10.0.0.2"])
    where = desk_address(_with(host="0.0.0.0", port=8800))
    assert where.base_url == "http://192.168.1.5:8800" and where.warning is None
    assert desk_address(_with(host="0.0.0.0"), port=9000).base_url == "http://192.168.1.5:9000"  # --port


def test_a_base_pointing_elsewhere_than_the_desk_listens_is_said_plainly() -> None:
    loop = desk_address(_with(base_url="http://192.168.1.5:8700/"))
    assert loop.base_url == "http://192.168.1.5:8700"
    assert loop.warning and "只在本机地址 127.0.0.1 上打开" in loop.warning and "192.168.1.5" in loop.warning
    other = desk_address(_with(host="192.168.1.7", base_url="http://192.168.1.5:8700"))
    assert other.warning and "只在 192.168.1.7 上打开" in other.warning
    port = reach_warning("0.0.0.0", 8700, "http://192.168.1.5:8800")
    assert port and "端口 8700" in port and "端口 8800" in port
    assert reach_warning("0.0.0.0", 8700, "https://desk.example.cn") is None  # a name: a proxy may serve it
    assert (
        desk_address(_with(host="192.168.1.5"), host="127.0.0.2").base_url == "http://127.0.0.2:8700"
    )  # --host


def test_only_127_0_0_1_is_open_without_the_password() -> None:
    assert not needs_password("127.0.0.1") and not needs_password("localhost") and not needs_password("::1")
    assert needs_password("127.0.0.2") and needs_password("0.0.0.0") and needs_password("192.168.1.5")


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("host", "http://0.0.0.0", "web.host"),
        ("port", 70000, "web.port"),
        ("port", 0, "web.port"),
        ("base_url", "192.168.1.5:8700", "web.base_url"),
        ("base_url", "http://x/?a=1", "web.base_url"),
        ("confirm_hours", 0, "web.confirm_hours"),
    ],
)
def test_bad_address_settings_stop_the_program_naming_the_key(key: str, value: object, said: str) -> None:
    data = tomllib.loads(DEFAULT_RULEBOOK.read_text(encoding="utf-8"))
    data["web"][key] = value
    with pytest.raises(RulebookError, match=said):
        parse_rulebook(data)


def test_the_rulebook_holds_the_address_settings() -> None:
    web = tomllib.loads(DEFAULT_RULEBOOK.read_text(encoding="utf-8"))["web"]
    assert (web["host"], web["port"], web["base_url"], web["confirm_hours"]) == ("127.0.0.1", 8700, "", 24)


def test_web_watch_and_serve_print_the_link_base_and_the_warning_under_it() -> None:
    from cli.web import links_lines

    lines = links_lines(desk_address(RULES))
    assert lines[0] == "各单位专属链接以此开头：http://127.0.0.1:8700/u/"
    assert lines[1].startswith("注意：链接指向本机地址 127.0.0.1")
    assert links_lines(desk_address(_with(host="0.0.0.0", base_url="http://192.168.1.5:8700"))) == [
        "各单位专属链接以此开头：http://192.168.1.5:8700/u/"
    ]
