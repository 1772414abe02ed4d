"""Parameters convert as typer converts them, and `run` starts without importing pydantic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.core import TyperCommand
from typer.testing import CliRunner

from cli.help import ChineseCommand

ROOT = Path(__file__).resolve().parents[1]


def _app(cls: type[TyperCommand]) -> typer.Typer:
    app = typer.Typer(add_completion=False)

    @app.command(cls=cls)
    def show(
        where: Annotated[Path | None, typer.Option("--where")] = None,
        real: Annotated[Path | None, typer.Option("--real", exists=True, dir_okay=False)] = None,
        count: Annotated[int, typer.Option("--count", min=1)] = 3,
        name: Annotated[str | None, typer.Option("--name")] = None,
        loud: Annotated[bool, typer.Option("--loud")] = False,
        files: Annotated[list[Path] | None, typer.Argument()] = None,
    ) -> None:
        typer.echo(repr((where, real, count, name, loud, files)))

    @app.command()
    def other() -> None:  # two commands: `show` is named on the command line
        pass

    return app


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--where", "x/y"],
        ["--where", ""],
        ["--where", "~/a b"],
        ["--real", "{file}"],
        ["--real", "{dir}"],  # typer's own refusal: a folder
        ["--real", "{dir}/missing"],  # typer's own refusal: missing
        ["--count", "0"],  # typer's own refusal: below the minimum
        ["--count", "x"],
        ["--name", "湖滨", "--loud", "a", "{file}"],
    ],
)
def test_a_parameter_converts_as_typers_own(args: list[str], tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("x")
    args = [a.format(file=tmp_path / "f.txt", dir=tmp_path) for a in args]
    ours = CliRunner().invoke(_app(ChineseCommand), ["show", *args])
    typers = CliRunner().invoke(_app(TyperCommand), ["show", *args])
    assert (ours.exit_code, ours.output) == (typers.exit_code, typers.output)
    assert ours.exit_code in (0, 2)


def test_run_parses_its_options_without_pydantic() -> None:
    code = (
        "import sys, typer.main; from cli.app import app; cmd = typer.main.get_command(app);"
        "ctx = cmd.make_context('draftdesk', ['run', '--workspace', 'w']);"
        "sub = cmd.commands['run'].make_context('run', ['--workspace', 'w'], parent=ctx);"
        "assert sub.params == {'workspace': __import__('pathlib').Path('w')}, sub.params;"
        "assert 'pydantic' not in sys.modules"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT, timeout=60)


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--help"],
        ["units", "links", "--help"],
        ["request", "list", "--help"],
        ["run", "--bogus"],
        ["ru"],
        ["bogus"],
        ["--help"],
        [],
    ],
)
def test_the_command_alone_answers_as_the_whole_group(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`main` gives typer only the command (or sub-group) named: the same help, errors and exit."""
    import typer.testing
    from typer.main import get_group

    from cli.app import app, asked_only

    monkeypatch.setattr(typer.testing, "_get_command", get_group)  # as `main` calls it
    alone = CliRunner().invoke(asked_only(app, args), args, prog_name="draftdesk")
    whole = CliRunner().invoke(app, args, prog_name="draftdesk")
    assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output)
    assert alone.exit_code in (0, 2) and alone.output


def test_only_an_exact_command_or_group_name_is_taken_alone() -> None:
    from cli.app import app, asked_only

    def names(args: list[str]) -> list[str]:
        only = asked_only(app, args)
        return [c.name or c.callback.__name__ for c in only.registered_commands if c.callback] + [
            g.name or "" for g in only.registered_groups
        ]

    assert names(["run", "--workspace", "w"]) == ["run"]
    assert names(["units", "links"]) == ["units"]
    assert names(["list"]) == ["list"]
    assert (
        asked_only(app, ["ru"]) is app and asked_only(app, ["--help"]) is app and asked_only(app, []) is app
    )
