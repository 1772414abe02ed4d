"""Chinese help for every command and group: the `--help` option itself says 显示本帮助并退出。

Click writes "Show this message and exit." for the help option it adds; these command classes
(passed as `cls=` to every `Typer` and command) replace that one line, nothing else.
"""

from __future__ import annotations

from typer._click import Context  # typer ≥ 0.24 carries its own click
from typer.core import TyperCommand, TyperGroup, TyperOption

from cli.params import deferred

HELP_OPTION_TEXT = "显示本帮助并退出。"


def _chinese(option: TyperOption | None) -> TyperOption | None:
    if option is not None:
        option.help = HELP_OPTION_TEXT
    return option


class ChineseCommand(TyperCommand):
    """A command whose `--help` option is described in Chinese (and whose parameters import
    pydantic only when a value needs it: `cli.params`)."""

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return _chinese(super().get_help_option(ctx))

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        deferred(self.get_params(ctx))
        return super().parse_args(ctx, args)


class ChineseGroup(TyperGroup):
    """A command group whose `--help` option is described in Chinese (its parameters as a
    command's)."""

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return _chinese(super().get_help_option(ctx))

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        deferred(self.get_params(ctx))
        return super().parse_args(ctx, args)
