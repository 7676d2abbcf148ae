"""Validation problems as compilers show them: the caret under the column, whatever the line holds."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from casekit.problems import Problem
from casekit.render.problems import excerpt, render_problem


def caret_target(line: str, column: int) -> str:
    """The characters of the shown line above the caret (a wide character fills two cells)."""
    shown, caret = excerpt(line, column)
    cells = 0
    for ch in shown:
        if cells + cell_len(ch) >= caret:
            return ch
        cells += cell_len(ch)
    return ""


@pytest.mark.parametrize(
    ("line", "column", "target"),
    [
        ("  - {id: q1, text: 日本語の引用です, speeker: x}", 30, "s"),
        ("title: \u202eevil\u202c, bad: x", 16, "b"),  # a bidi control is shown as \u202e, six cells
        ("a\x1bb: x", 3, "b"),  # ESC is shown as one cell: ␛
        ("\tkey: x", 2, "k"),
        ("key: 日本", 6, "日"),
    ],
)
def test_the_caret_stands_under_the_column(line, column, target):
    assert caret_target(line, column) == target


@pytest.mark.parametrize("prefix", ["x" * 200, "日本" * 100, "\u202e" * 50 + "x" * 50])
def test_a_long_line_is_cut_around_the_column_and_keeps_it(prefix):
    line = prefix + "TARGET" + "y" * 300
    shown, caret = excerpt(line, len(prefix) + 1)
    assert cell_len(shown) <= 72
    assert shown.startswith("…") and shown.endswith("…")
    assert caret_target(line, len(prefix) + 1) == "T"


def test_a_short_line_is_shown_whole():
    assert excerpt("key: value", 6) == ("key: value", 6)


def test_a_column_past_the_end_of_the_line_points_just_after_it():
    assert excerpt("key:", 9) == ("key:", 5)


@pytest.mark.parametrize("source_line", ["  日本: x, speeker: y", "  \u202e\u202c: x, speeker: y"])
def test_the_rendered_caret_stands_under_the_column(source_line):
    column = source_line.index("speeker") + 1
    problem = Problem("x.yaml", 3, column, "error", "unknown-key", "unknown key `speeker`", source_line=source_line)
    lines = render_problem(problem).plain.splitlines()
    source, caret = lines[1], lines[2]
    assert cell_len(caret) == cell_len(source[: source.index("speeker")]) + 1
