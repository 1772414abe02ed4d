"""Each unit's private link (service/units.py): a token opens its unit's page and no other."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.app import app
from service.errors import UnknownUnit
from service.units import TOKEN_CHARS, rotate_link, token_hash, unit_for_token, unit_links
from tests.intake_support import workspace


@pytest.fixture
def ws_rules(tmp_path):
    return workspace(tmp_path / "ws")


def _token(url: str) -> str:
    return url.rsplit("/u/", 1)[1]


@pytest.mark.integration
def test_every_unit_gets_a_link_of_at_least_128_bits_that_opens_its_own_unit(ws_rules):
    ws, rulebook = ws_rules
    links = unit_links(ws, rulebook, "http://desk:8700")
    assert [link.unit for link in links] == [unit.name for unit in rulebook.units]
    assert len({link.url for link in links}) == len(links)
    for link in links:
        assert link.url.startswith("http://desk:8700/u/")
        assert len(_token(link.url)) == TOKEN_CHARS >= 22  # 22 base64 chars = 132 bits
        assert unit_for_token(ws, _token(link.url)) == link.unit


@pytest.mark.integration
def test_links_print_the_same_again_and_the_ledger_holds_only_hashes(ws_rules):
    ws, rulebook = ws_rules
    first = unit_links(ws, rulebook, "http://desk")
    assert unit_links(ws, rulebook, "http://desk") == first
    stored = ws.ledger_path.read_bytes()
    for link in first:
        assert _token(link.url).encode() not in stored
        assert token_hash(_token(link.url)).encode() in stored


@pytest.mark.integration
def test_a_rotated_link_stops_working_at_once_and_others_keep_theirs(ws_rules):
    ws, rulebook = ws_rules
    before = {link.unit: link.url for link in unit_links(ws, rulebook, "http://desk")}
    new = rotate_link(ws, rulebook, "湖滨", "http://desk")
    assert new.unit == "湖滨社区"
    assert unit_for_token(ws, _token(before["湖滨社区"])) is None
    assert unit_for_token(ws, _token(new.url)) == "湖滨社区"
    assert unit_for_token(ws, _token(before["塔下社区"])) == "塔下社区"
    assert {link.unit: link.url for link in unit_links(ws, rulebook, "http://desk")}["湖滨社区"] == new.url


@pytest.mark.integration
@pytest.mark.parametrize(
    "token", ["", "x" * TOKEN_CHARS, "../../etc/passwd", "A" * 500], ids=["empty", "made-up", "path", "long"]
)
def test_a_made_up_token_opens_nothing(ws_rules, token):
    ws, rulebook = ws_rules
    unit_links(ws, rulebook, "http://desk")
    assert unit_for_token(ws, token) is None


def test_rotating_an_unknown_unit_is_refused_by_name(ws_rules):
    ws, rulebook = ws_rules
    with pytest.raises(UnknownUnit, match="火星社区"):
        rotate_link(ws, rulebook, "火星社区")


@pytest.mark.integration
def test_units_links_command_prints_json_and_writes_one_qr_code_per_unit(ws_rules, tmp_path):
    ws, rulebook = ws_rules
    out = CliRunner().invoke(
        app,
        [
            "units",
            "links",
            "--workspace",
            str(ws.root),
            "--json",
            "--base-url",
            "http://d",
            "--qr",
            str(tmp_path / "qr"),
        ],
    )
    assert out.exit_code == 0, out.output
    listed = json.loads(out.stdout)
    assert listed[0] == {"unit": rulebook.units[0].name, "url": listed[0]["url"]}
    assert sorted(p.stem for p in (tmp_path / "qr").glob("*.png")) == sorted(u.name for u in rulebook.units)


@pytest.mark.integration
def test_rotating_a_link_is_logged_with_who_did_it_and_never_the_token(ws_rules):
    from service.events import Actor, list_events

    ws, rulebook = ws_rules
    new = rotate_link(ws, rulebook, "湖滨社区", "http://desk", Actor("clerk@office"))
    (event,) = list_events(ws)
    assert event.actor == "clerk@office"
    assert "更换单位链接" in str(event)
    assert event.line().endswith("更换单位链接 湖滨社区，链接：无 → 第1版")  # it had no link yet
    assert "第几版" not in event.line()
    rotate_link(ws, rulebook, "湖滨社区", "http://desk", Actor("clerk@office"))
    assert list_events(ws)[-1].line().endswith("更换单位链接 湖滨社区，链接：第1版 → 第2版")
    assert _token(new.url) not in repr(event)
