"""Validation problems as compilers show them: location, message, the line, a caret."""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.console import Group
from rich.text import Text

from casekit.problems import Problem
from casekit.render.text import clean, clean_inline

_STYLE = {"error": "bold red", "warning": "bold yellow"}
_REACH = 1024  # characters of a source line either side of a problem's column that may be shown


def render_problem(p: Problem) -> Text:
    """One problem: `path:line:col: error: message`, the source line with a caret, and a hint."""
    out = Text()
    out.append(clean_inline(p.location) + ": ", style="bold")
    out.append(p.severity + ": ", style=_STYLE.get(p.severity, "bold"))
    out.append(clean(p.message))
    out.append(f" [{p.code}]", style="dim")
    if p.source_line is not None and p.column:
        line, column = excerpt(p.source_line, p.column)
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
    """The source `line` made safe to show, at most `width` terminal cells of it around
    character `column` (1-based), and the cell column (1-based) the caret goes under.

    Columns count characters, as editors do; a caret counts cells, so a wide
    character (CJK) before it, or a control character shown as an escape,
    moves it accordingly.
    """
    column = max(1, min(column, len(line) + 1))
    # Only a window around the column can show, so only a window is measured: a case written
    # as one long line (JSON is YAML) with a thousand problems must not cost a thousand
    # passes over the whole line. Every character takes at least one cell once cleaned, but
    # for zero-width ones, so `_REACH` characters either side is more than `width` can hold.
    lo, hi = max(0, column - 1 - _REACH), min(len(line), column - 1 + _REACH)
    head = clean(line[lo : column - 1].expandtabs(1))
    tail = clean(line[column - 1 : hi].expandtabs(1))
    head = ("…" if lo else "") + head
    tail = tail + ("…" if hi < len(line) else "")
    caret = cell_len(head)
    if cell_len(head) + cell_len(tail) <= width:
        return head + tail, caret + 1
    cells = [(ch, cell_len(ch)) for ch in head + tail]
    total = sum(w for _, w in cells)
    start = max(0, min(caret - width // 3, total - width))
    # Whole characters that fit in [start, start + width), leaving a cell for each "…".
    lo = start + (1 if start > 0 else 0)
    hi = start + width - (1 if start + width < total else 0)
    kept: list[str] = []
    origin = None
    position = 0
    for ch, w in cells:
        if position >= lo and position + w <= hi:
            if origin is None:
                origin = position
            kept.append(ch)
        position += w
    origin = lo if origin is None else origin
    piece = "".join(kept)
    if start > 0:
        piece, origin = "…" + piece, origin - 1
    if start + width < total:
        piece += "…"
    return piece, caret - origin + 1


def render_problems(problems: Iterable[Problem]) -> Group:
    """Every problem, separated by blank lines."""
    parts: list[Text] = []
    for p in problems:
        if parts:
            parts.append(Text(""))
        parts.append(render_problem(p))
    return Group(*parts)
