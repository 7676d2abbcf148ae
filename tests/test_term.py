"""casekit.render.term: the terminal object — where output goes, paging, lines without trailing spaces."""

from __future__ import annotations

import io
import os

import pytest
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


def fake_pager(directory, name: str = "less"):
    """A pager on PATH that writes what it was given, and the LESS and LV it saw, to a file."""
    seen = directory / "seen.txt"
    script = directory / name
    script.write_text(f'#!/bin/sh\n{{ echo "LESS=$LESS LV=$LV"; cat; }} > "{seen}"\n')
    script.chmod(0o755)
    return seen


def paging_terminal(monkeypatch) -> Terminal:
    from casekit.cli.app import State

    st = State().update(pager=True)
    st.term._out = Console(file=io.StringIO(), width=40, force_terminal=True, color_system="standard")
    return st.term


def test_the_system_pager_gets_less_frx_in_its_own_environment(tmp_path, monkeypatch):
    seen = fake_pager(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")  # before the real less
    monkeypatch.delenv("LESS", raising=False)
    monkeypatch.delenv("LV", raising=False)
    term = paging_terminal(monkeypatch)
    term.print(Text("bold", style="bold"))
    lines = seen.read_text().splitlines()
    assert lines[0] == "LESS=FRX LV=-c"  # colours pass through, one screen quits at once
    assert lines[1] == "\x1b[1mbold\x1b[0m"
    assert "LESS" not in os.environ and "LV" not in os.environ
    assert term.out.file.getvalue() == ""


def test_the_system_pager_keeps_the_users_less_and_honours_pager(tmp_path, monkeypatch):
    seen = fake_pager(tmp_path, "mypager")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PAGER", "mypager")
    monkeypatch.setenv("LESS", "S")
    paging_terminal(monkeypatch).print(Text("paged"))
    assert seen.read_text().splitlines() == ["LESS=S LV=-c", "paged"]


def test_pager_cat_or_empty_and_no_pager_installed_print_as_usual(tmp_path, monkeypatch):
    from casekit.render.term import system_pager

    monkeypatch.setenv("PATH", str(tmp_path))  # neither less nor more
    monkeypatch.delenv("PAGER", raising=False)
    assert system_pager() is None
    for pager in ("cat", ""):
        monkeypatch.setenv("PAGER", pager)
        assert system_pager() is None
    term = paging_terminal(monkeypatch)
    term.print(Text("straight out"))
    assert term.out.file.getvalue() == "straight out\n"


def test_printable_text_passes_clean_untouched_and_every_character_is_judged_as_the_patterns_judge_it():
    # `clean` and `clean_inline` hand printable text back without compiling their patterns; every
    # character up to the supplementary planes, alone and inside text, comes out as the
    # patterns would have it.
    import re

    from casekit.render import text as module

    control, inline = (re.compile(*module._PATTERNS[name]) for name in ("control", "control_inline"))
    for code in range(0x30000):
        ch = chr(code)
        for sample in (ch, f"a{ch}b\n", f"\t{ch}"):
            assert module.clean(sample) == control.sub(module._visible, sample), hex(code)
            assert module.clean_inline(sample) == inline.sub(module._visible, sample), hex(code)
    assert module.clean("Scale AI’s — “data engine”") == "Scale AI’s — “data engine”"
    assert module.clean("a\x1b[31mb") == "a\u241b[31mb"


@pytest.mark.parametrize("encoding", ["utf-8", "UTF8", "latin-1"])
def test_machine_output_as_bytes_goes_straight_to_a_utf8_stdout_after_its_text(monkeypatch, encoding):
    import sys

    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding=encoding)
    monkeypatch.setattr(sys, "stdout", stdout)
    term = Terminal()
    term.write("first\n")
    written = term.write_bytes('[\n  "café"\n]'.encode())
    stdout.flush()
    assert written == (encoding != "latin-1")
    assert raw.getvalue() == ('first\n[\n  "café"\n]\n'.encode() if written else b"first\n")
