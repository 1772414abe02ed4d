"""House rule: no function outside tests/ and benchmarks/ is longer than 60 lines.

A long function is where a decision hides that a lower layer should own, so the limit is
checked on every run, over the packages pyproject.toml ships. Length is counted from the `def`
line to the function's last line (decorators aside), nested functions included on their own.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 60

# Known offenders still being split by others, with their length when this test was written:
# they may shrink, never grow. Empty this as they are merged; then delete it.
ALLOWED: dict[str, int] = {}


def _packages() -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        packages: list[str] = tomllib.load(f)["tool"]["setuptools"]["packages"]
    return packages


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, int]]:
    """(qualified name, length in lines) of every function and method in `tree`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}{node.name}"
            yield name, (node.end_lineno or node.lineno) - node.lineno + 1
            yield from _functions(node, f"{name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def function_lengths() -> dict[str, int]:
    """Every shipped function's length, keyed `path/to/module.py::qualified.name`."""
    lengths: dict[str, int] = {}
    for package in _packages():
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            module = path.relative_to(ROOT).as_posix()
            for name, length in _functions(tree):
                lengths[f"{module}::{name}"] = max(length, lengths.get(f"{module}::{name}", 0))
    return lengths


def test_the_shipped_packages_are_found_and_measured() -> None:
    lengths = function_lengths()
    assert "checks/duplicate.py::check_duplicates" in lengths
    assert "workspace/__init__.py::Workspace.rulebook" in lengths
    assert not any(key.startswith(("tests/", "benchmarks/")) for key in lengths)


def test_no_function_outside_tests_and_benchmarks_is_longer_than_60_lines() -> None:
    too_long = {name: length for name, length in function_lengths().items() if length > LIMIT}
    assert too_long == {}, f"split these under {LIMIT} lines: {too_long}"


def _cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(imports.get(module, ())):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group: list[str] = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(imports):
        if module not in index:
            visit(module)
    return found


def test_cycles_finds_a_circle_and_nothing_else() -> None:
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_two_modules_import_each_other_even_lazily_or_for_types_only() -> None:
    """An import circle (intake.notify ↔ intake.pipeline was one, through a function-level import
    and a TYPE_CHECKING one) means the two rooms are one: values both need get their own module."""
    import grimp

    graph = grimp.build_graph(*_packages(), cache_dir=None)
    imports = {m: set(graph.find_modules_directly_imported_by(m)) & graph.modules for m in graph.modules}
    assert _cycles(imports) == []
