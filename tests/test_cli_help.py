"""Every command and every option tells the office what it does, in Chinese (sqlite-utils'
`test_docs.py` habit): a command added without help, or with English help, fails here.
Sub-groups (`rules new`, `rules check`) are walked too, and the `--help` option's own line."""

from __future__ import annotations

import re

import pytest
import typer
import typer.main
from typer._click import Command
from typer.testing import CliRunner

from cli.app import app
from cli.help import HELP_OPTION_TEXT

HAN = re.compile(r"[\u4e00-\u9fff]")
COMMAND = typer.main.get_command(app)
NAMES = sorted(COMMAND.commands)  # type: ignore[attr-defined]


def _walk(command: Command, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Command]]:
    """Every command below the top one, sub-groups and their commands included."""
    found: list[tuple[tuple[str, ...], Command]] = []
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found.append(((*path, name), sub))
        found += _walk(sub, (*path, name))
    return found


ALL = _walk(COMMAND)
IDS = [" ".join(path) for path, _ in ALL]


def test_the_contract_commands_are_all_there() -> None:
    for name in ("init", "run", "watch", "serve", "check", "inspect", "adopt", "unadopt", "assign", "score"):
        assert name in NAMES
    for name in ("status", "stop", "web", "list", "rules"):
        assert name in NAMES
    assert {"rules new", "rules check"} <= set(IDS)


@pytest.mark.parametrize(("path", "command"), ALL, ids=IDS)
def test_command_help_is_chinese(path: tuple[str, ...], command: Command) -> None:
    assert command.help and HAN.search(command.help), f"{path}: {command.help!r}"
    assert not re.search(r"\b(Serve|Write|Validate|Show)\b", command.help), f"{path}: {command.help!r}"


@pytest.mark.parametrize(("path", "command"), ALL, ids=IDS)
def test_every_option_and_argument_has_chinese_help(path: tuple[str, ...], command: Command) -> None:
    for param in command.params:
        text = getattr(param, "help", None)
        assert text and HAN.search(text), f"{path} {param.name}: {text!r}"


@pytest.mark.parametrize(("path", "command"), [((), COMMAND), *ALL], ids=["draftdesk", *IDS])
def test_the_help_option_is_described_in_chinese(path: tuple[str, ...], command: Command) -> None:
    ctx = typer.Context(command, info_name="draftdesk")
    option = command.get_help_option(ctx)
    assert option is not None and option.help == HELP_OPTION_TEXT == "显示本帮助并退出。"


@pytest.mark.parametrize("args", [[], ["rules"], ["rules", "new"], ["rules", "check"], ["web"], ["check"]])
def test_help_output_has_no_english_help_lines(args: list[str]) -> None:
    done = CliRunner().invoke(app, [*args, "--help"], terminal_width=200)
    assert done.exit_code == 0, done.output
    assert "显示本帮助并退出。" in done.stdout
    assert "Show this message and exit" not in done.stdout
    for english in ("Serve the browser desk", "Write rules/YEAR.toml", "Validate every year"):
        assert english not in done.stdout
