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
