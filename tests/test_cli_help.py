"""Every command and every option tells the office what it does, in Chinese (sqlite-utils'
`test_docs.py` habit): a command added without help, or with English help, fails here."""

from __future__ import annotations

import re

import pytest
import typer.main

from cli.app import app

HAN = re.compile(r"[\u4e00-\u9fff]")
COMMAND = typer.main.get_command(app)
NAMES = sorted(COMMAND.commands)  # type: ignore[attr-defined]


def test_the_contract_commands_are_all_there() -> None:
    for name in ("init", "run", "watch", "serve", "check", "inspect", "adopt", "unadopt", "assign", "score"):
        assert name in NAMES
    for name in ("status", "stop"):
        assert name in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_command_help_is_chinese(name: str) -> None:
    command = COMMAND.commands[name]  # type: ignore[attr-defined]
    assert command.help and HAN.search(command.help), f"{name}: {command.help!r}"


@pytest.mark.parametrize("name", NAMES)
def test_every_option_and_argument_has_chinese_help(name: str) -> None:
    command = COMMAND.commands[name]  # type: ignore[attr-defined]
    for param in command.params:
        text = getattr(param, "help", None)
        assert text and HAN.search(text), f"{name} {param.name}: {text!r}"
