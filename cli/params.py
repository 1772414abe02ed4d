"""Parameters converted as typer converts them, importing pydantic only when a value needs it.

typer (≥ 0.25) builds a pydantic TypeAdapter for each parameter of the command being run, even
one left out (its --help option included), so every command imports pydantic: ~0.1 s of CPU, a
tenth of `draftdesk run`. `deferred` gives each parameter a converter that does what typer's
does: a missing value is None (typer's own `RuntimeParam.coerce`, inherited); a plain `Path`
(no parser, no custom path type: every path draftdesk takes) given as text becomes `Path(text)`,
as pydantic's conversion of a string to a path gives, and goes through typer's own
`coerce_cli_path` (its exists / readable checks); any other value is converted by typer's own
converter, built then. A typer without these internals is left as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any


def deferred(params: Iterable[Any]) -> None:
    """Give each of `params` not converted yet the deferring converter."""
    converter = _converter()
    if converter is None:
        return
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is not None and getattr(param, "_runtime_param", False) is None:
            param._runtime_param = converter(
                annotation=descriptor.annotation, parameter_info=descriptor.parameter_info
            )


def _plain_path(descriptor: Any) -> bool:
    info = descriptor.parameter_info
    return bool(
        descriptor.annotation is Path
        and descriptor.file_annotation is None
        and info.parser is None
        and info.path_type in (None, Path)
    )


@lru_cache(maxsize=1)
def _converter() -> Any:
    """The converter class, or None when this typer has no such internals."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param
        from typer._param_types import coerce_cli_path
    except ImportError:
        return None

    class Deferred(RuntimeParam):
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            descriptor = param.type_descriptor
            if isinstance(value, (str, Path)) and _plain_path(descriptor):
                path = Path(value) if isinstance(value, str) else value
                return coerce_cli_path(path, self.parameter_info, path_type=Path, param=param, ctx=ctx)
            return build_runtime_param(descriptor)._coerce_value(value, param=param, ctx=ctx)

    return Deferred
