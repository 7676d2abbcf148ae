"""The shape of the code itself: no function in casekit/ runs over a screenful or two."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "casekit"
LIMIT = 100  # lines of a body, from its docstring to its last line (a command's options are its signature)


def long_functions(root: Path = PACKAGE, limit: int = LIMIT) -> list[str]:
    """`path:line name (N lines)` for each function or method under `root` longer than `limit` lines."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.body[0].lineno + 1
                if length > limit:
                    found.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_in_casekit_is_over_a_hundred_lines():
    assert long_functions() == []


def test_the_length_check_counts_bodies_of_functions_and_methods(tmp_path):
    body = "\n".join(f"        x{i} = {i}" for i in range(LIMIT))
    (tmp_path / "ok.py").write_text(f"class C:\n    def fits(self):\n{body}\n")
    assert long_functions(tmp_path) == []
    (tmp_path / "long.py").write_text(f'class C:\n    def long(self):\n        """Doc."""\n{body}\n')
    assert long_functions(tmp_path) == [f"long.py:2 long ({LIMIT + 1} lines)"]
