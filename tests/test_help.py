"""Help as casekit draws it (`casekit.cli.help`): Typer's help byte for byte, at less cost."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from typer.main import get_command

import casekit.cli
from casekit.cli import help as casekit_help
from casekit.cli.app import app

ENV = {"NO_COLOR": "1", "COLUMNS": "100", "CASEKIT_CASE": "", "CASEKIT_PATH": ""}
GROUP = get_command(app)  # this process imported every command
NAMES = [None, *GROUP.commands]  # None: the app's own help


def _context(name: str | None):
    root = GROUP.make_context("casekit", [], resilient_parsing=True)
    if name is None:
        return GROUP, root
    command = GROUP.commands[name]
    return command, command.make_context(name, [], parent=root, resilient_parsing=True)


def _both(capsys, draw_casekit, draw_typer) -> tuple[str, str]:
    draw_casekit()
    ours = capsys.readouterr()
    draw_typer()
    theirs = capsys.readouterr()
    return ours.out + ours.err, theirs.out + theirs.err


@pytest.mark.parametrize("colour", ["never", "forced"])
@pytest.mark.parametrize("columns", ["16", "40", "80", "200"])  # 16: too narrow for the panels' plain layout
@pytest.mark.parametrize("name", NAMES)
def test_help_is_typers_byte_for_byte(name, columns, colour, monkeypatch, capsys):
    from typer import rich_utils

    monkeypatch.setenv("COLUMNS", columns)
    if colour == "forced":
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.setattr(rich_utils, "FORCE_TERMINAL", True)  # what Typer read from FORCE_COLOR
    else:
        monkeypatch.setenv("NO_COLOR", "1")
    obj, ctx = _context(name)
    ours, theirs = _both(
        capsys,
        lambda: casekit_help.format_help(obj, ctx),
        lambda: rich_utils.rich_format_help(obj=obj, ctx=ctx, markup_mode="rich"),
    )
    assert ("\x1b[" in ours) == (colour == "forced")
    assert ours == theirs


@pytest.mark.parametrize("argv", [["timeline", "--bogus"], ["metric"], ["nope"], ["timeline", "-f", "xml"]])
@pytest.mark.parametrize("colour", ["never", "forced"])
def test_usage_errors_are_typers_byte_for_byte(argv, colour, monkeypatch, capsys):
    from typer import rich_utils

    monkeypatch.setenv("COLUMNS", "80")
    if colour == "forced":
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.setattr(rich_utils, "FORCE_TERMINAL", True)
    with pytest.raises(Exception) as caught:
        GROUP.main(argv, prog_name="casekit", standalone_mode=False)
    error = caught.value
    assert hasattr(error, "format_message")
    ours, theirs = _both(capsys, lambda: casekit_help.format_error(error), lambda: rich_utils.rich_format_error(error))
    plain = re.sub(r"\x1b\[[0-9;]*m", "", ours)
    assert "Error" in plain and "Usage: casekit" in plain
    assert ours == theirs


def test_help_with_an_emoji_code_still_shows_the_emoji(monkeypatch, capsys):
    # casekit's help holds none, so help does not load Rich's emoji table; a text with one still gets it.
    assert str(casekit_help.rich_text("ship it :rocket:")) == "ship it 🚀"
    assert str(casekit_help.rich_text("at 10:30:15")) == "at 10:30:15"


def _run(argv: list[str], columns: str = "100") -> subprocess.CompletedProcess:
    code = (
        "import sys\nfrom casekit.cli import main\nsys.argv = ['casekit', *%r]\n"
        "status = 0\ntry:\n    main()\nexcept SystemExit as exc:\n    status = exc.code or 0\n"
        "loaded = [m for m in ('typer.rich_utils', 'rich._emoji_codes') if m in sys.modules]\n"
        "sys.stderr.write(f'LOADED {loaded} {status}')\n" % argv
    )
    env = {**os.environ, **ENV, "COLUMNS": columns}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)


@pytest.mark.parametrize(
    ("argv", "loaded"),
    [
        (["--help"], []),
        (["-h"], []),
        ([], []),
        (["timeline", "--help"], []),
        (["metric", "--help"], []),
        (["principles", "-h"], []),
        (["risks", "--no-color", "--help"], []),
        # its examples hold `key:=JSON` values, which Rich's markup takes for emoji codes
        (["add", "--help"], ["rich._emoji_codes"]),
    ],
)
def test_help_imports_neither_typers_help_module_nor_the_emoji_table(argv, loaded):
    done = _run(argv)
    status = 2 if argv == [] else 0  # no command at all: the help, as a usage error
    assert done.stderr.endswith(f"LOADED {loaded} {status}"), done.stderr[-300:]
    assert "Usage: casekit" in done.stdout


def test_a_usage_error_imports_no_typer_help_module_and_says_what_is_wrong():
    done = _run(["timeline", "--bogus"])
    assert "typer.rich_utils" not in done.stderr.rpartition("LOADED")[2]
    assert done.stderr.rstrip().endswith(" 2")
    assert "No such option: --bogus" in done.stderr and "Usage: casekit timeline" in done.stderr
    assert "Try 'casekit timeline -h' for help." in done.stderr


def test_the_import_check_sees_typers_help_module():
    # The check above would notice: a run that does import it is reported.
    code = "import sys\nimport typer.rich_utils\nsys.stderr.write(repr('typer.rich_utils' in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stderr == "True"


@pytest.mark.parametrize("columns", ["80", "200"])
def test_the_apps_help_lists_every_command_and_option_in_its_panels(columns):
    out = _run(["--help"], columns).stdout
    for panel in ("Options", "Global options", *dict.fromkeys(p for _, p in casekit.cli.command_table().values())):
        assert f"─ {panel} ─" in out, panel
    listed = [line.split("│")[1].split()[0] for line in out.splitlines() if line.startswith("│ ") and line[2] != " "]
    commands = list(casekit.cli.command_table())
    assert [name for name in listed if name in commands] == commands  # each, in order
    for option in ("--cases-dir", "--no-color", "--color", "--today", "--pager", "--no-cache", "--debug", "--version"):
        assert option in out, option


@pytest.mark.parametrize("name", [n for n in NAMES if n is not None])
def test_each_commands_help_shows_each_of_its_options(name):
    out = _run([name, "--help"], "200").stdout
    assert f"Usage: casekit {name}" in out
    command = GROUP.commands[name]
    for param in command.params:
        if getattr(param, "hidden", False):
            continue
        shown = [opt for opt in param.opts if opt.startswith("--")] or [param.human_readable_name.upper()]
        assert any(opt in out for opt in shown), (name, param.opts)
    assert "─ Options ─" in out
