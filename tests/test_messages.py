"""Each layer words its refusals in one module: the reader in `extractors.messages`, the
service in `service.errors`; the command line names a wrong input by its option."""

from __future__ import annotations

import ast
from pathlib import Path

import extractors
from extractors.messages import internal_error, unreadable

# What a refusal or a finding for a unit says and a label or a pattern never does.
REFUSAL_WORDS = ("请", "无法", "不予", "已忽略", "未计入")


def _strings(tree: ast.AST) -> list[str]:
    """Every string written in a module's code: its literals and the text parts of f-strings,
    leaving out docstrings (they explain, nobody is shown them)."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_reader_module_but_extractors_messages_words_a_refusal() -> None:
    root = Path(extractors.__file__).parent
    worded = {
        path.name: [
            s
            for s in _strings(ast.parse(path.read_text(encoding="utf-8")))
            if any(w in s for w in REFUSAL_WORDS)
        ]
        for path in sorted(root.glob("*.py"))
        if path.name != "messages.py"
    }
    assert {name: found for name, found in worded.items() if found} == {}


def test_the_reader_words_an_unforeseen_error_one_way_wherever_it_is_caught() -> None:
    assert internal_error(KeyError("x")) == "文件无法读取（内部错误 KeyError），请另存为 .docx 后重新报送"
    assert unreadable(PermissionError()) == "文件无法读取（PermissionError），请重新报送"
