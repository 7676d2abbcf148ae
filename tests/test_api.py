"""The public API: `import casekit` gives the library's functions, whatever was imported before."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import casekit

CASE = Path(__file__).parent / "fixtures" / "diff" / "base.yaml"
OTHER = Path(__file__).parent / "fixtures" / "diff" / "escalated.yaml"


def test_load_case_returns_a_case():
    case = casekit.load_case(CASE)
    assert case.id == "acme" and case.timeline


def test_diff_is_the_function_on_every_call():
    a, b = casekit.load_case(CASE), casekit.load_case(OTHER)
    assert casekit.diff(a, a).same
    # The first call imported the module that holds diff; the name must still be the function.
    assert [c.detail for c in casekit.diff(a, b).changes] == ["escalated"]


def test_diff_is_the_function_after_the_cli_command_is_imported():
    import casekit.cli.diff

    a = casekit.load_case(CASE)
    assert callable(casekit.diff) and casekit.diff(a, a).same


def test_no_submodule_shadows_a_public_name():
    modules = {m.name for m in pkgutil.iter_modules(casekit.__path__)}
    assert not modules & set(casekit.__all__)


def test_library_and_check_file():
    library = casekit.Library(cases_dirs=[CASE.parent], env={})
    assert "acme" not in [r.id for r in library.refs()]  # ids are file stems
    assert library.load(library.find("base")).id == "acme"
    case, problems = casekit.check_file(CASE)
    assert case is not None and not [p for p in problems if p.severity == "error"]


def test_errors_and_types_are_public():
    assert issubclass(casekit.CasekitError, Exception)
    assert casekit.PartialDate.parse("2019-08").start.month == 8
    assert casekit.Value.parse("$13.8B").low == 13.8e9


def test_dir_lists_the_public_names():
    names = dir(casekit)
    assert set(casekit.__all__) <= set(names)
    assert "__version__" in names


def test_every_public_function_method_and_class_has_a_docstring():
    import ast

    missing = []

    def visit(node, path: Path, prefix: str = "") -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not child.name.startswith(
                "_"
            ):
                if ast.get_docstring(child) is None:
                    missing.append(f"{path.name}:{child.lineno} {prefix}{child.name}")
                if isinstance(child, ast.ClassDef):
                    visit(child, path, prefix + child.name + ".")

    for path in sorted(Path(casekit.__file__).parent.rglob("*.py")):
        visit(ast.parse(path.read_text(encoding="utf-8")), path)
    assert missing == []
