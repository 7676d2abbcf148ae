"""Validation problems as compilers show them: location, message, the line, a caret."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Group
from rich.text import Text

from casekit.problems import Problem
from casekit.render.text import clean

_STYLE = {"error": "bold red", "warning": "bold yellow"}


def render_problem(p: Problem) -> Text:
    """One problem: `path:line:col: error: message`, the source line with a caret, and a hint."""
    out = Text()
    out.append(clean(p.location) + ": ", style="bold")
    out.append(p.severity + ": ", style=_STYLE.get(p.severity, "bold"))
    out.append(clean(p.message))
    out.append(f" [{p.code}]", style="dim")
    if p.source_line is not None and p.column:
        line, column = excerpt(clean(p.source_line.expandtabs(1)), p.column)
        gutter = f"{p.line:>5} | "
        out.append("\n" + gutter, style="dim")
        out.append(line)
        out.append("\n" + " " * (len(gutter) - 2) + "| ", style="dim")
        out.append(" " * (column - 1) + "^", style=_STYLE.get(p.severity, "bold"))
    if p.hint:
        out.append("\n      = hint: ", style="cyan")
        out.append(clean(p.hint))
    return out


def excerpt(line: str, column: int, width: int = 72) -> tuple[str, int]:
    """At most `width` characters of `line` around `column`, and the column within them."""
    if len(line) <= width:
        return line, column
    start = max(0, min(column - 1 - width // 3, len(line) - width))
    piece = line[start:start + width]
    if start > 0:
        piece = "…" + piece[1:]
    if start + width < len(line):
        piece = piece[:-1] + "…"
    return piece, column - start


def render_problems(problems: Iterable[Problem]) -> Group:
    """Every problem, separated by blank lines."""
    parts: list[Text] = []
    for p in problems:
        if parts:
            parts.append(Text(""))
        parts.append(render_problem(p))
    return Group(*parts)
