"""casekit.render.term: the terminal object — where output goes, paging, lines without trailing spaces."""

from __future__ import annotations

import io
import os

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from casekit.render.term import Terminal, Trimmed


def terminal(width: int = 40, **console) -> Terminal:
    term = Terminal(no_color=True)
    term._out = Console(file=io.StringIO(), width=width, color_system=None, **console)
    return term


def test_machine_output_goes_through_the_terminals_console():
    term = terminal()
    term.write('{"a": 1}')
    term.write("b\n")
    assert term.out.file.getvalue() == '{"a": 1}\nb\n'


def test_printed_lines_never_end_in_spaces():
    tree = Tree("root")
    tree.add("a label long enough to wrap at this width, then more words")
    table = Table("a", "b")
    table.add_row("x", "a cell that wraps onto a second line")
    term = terminal()
    term.print(tree, table, Panel("boxed"), Text("text  \nwith  spaces   "))
    out = term.out.file.getvalue()
    assert out.splitlines() and all(line == line.rstrip() for line in out.splitlines())
    assert "with  spaces\n" in out and out.endswith("\n")
    assert "╭" in out and "│ boxed" in out  # the panel keeps its right border
    assert any(line.endswith("│") for line in out.splitlines())


def test_trimming_keeps_colours_and_spaces_that_show():
    console = Console(file=io.StringIO(), width=20, force_terminal=True, color_system="standard")
    line = Text()
    line.append("red", style="red")
    line.append("   ")
    line.append(" on ", style="on red")
    line.append("   ")
    console.print(Trimmed(line))
    out = console.file.getvalue()
    assert "\x1b[31mred\x1b[0m" in out
    assert out.rstrip("\n").endswith("\x1b[41m on \x1b[0m")  # the background shows, so it stays


def test_the_pager_command_is_given_to_rich_not_to_the_environment(tmp_path, monkeypatch):
    from casekit.cli.app import State

    paged = tmp_path / "paged.txt"
    monkeypatch.setenv("CASEKIT_PAGER", f"cat > {paged}")
    monkeypatch.delenv("PAGER", raising=False)
    st = State().update()
    assert "PAGER" not in os.environ
    assert st.term.pager and st.term.pager_command == f"cat > {paged}"
    st.term._out = Console(file=io.StringIO(), width=40, force_terminal=True, color_system=None)
    st.term.print(Text("through the pager"))
    assert paged.read_text() == "through the pager\n"
    assert st.term.out.file.getvalue() == ""
