"""The CLI's shared behaviour: help, the error boundary, exit codes, safe text, pipes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casekit.cli.app import app

FIXTURES = Path(__file__).parent / "fixtures"
ACME = FIXTURES / "library" / "acme.yaml"
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "CASEKIT_CASE": "", "CASEKIT_PATH": ""}


def test_every_command_has_help_text(run):
    from typer.main import get_command

    group = get_command(app)
    assert len(group.commands) >= 5
    for name, command in group.commands.items():
        assert command.help and command.help.strip(), f"{name} has no help"
        result = run(name, "--help")
        assert result.exit_code == 0, name


def test_version(run):
    from casekit import __version__

    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"casekit {__version__}"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["timeline", "-c", "nope"], 2, "no case `nope`"),
        (["timeline", "-c", "missing/file.yaml"], 2, "no such file"),
        (
            ["timeline", "-c", str(FIXTURES / "bad" / "unknown-key.yaml")],
            2,
            "unknown-key.yaml:23:5: unknown key `tradoff`",
        ),
        (["timeline", "--since", "2016-13"], 2, "--since: month 13"),
        # an empty date is a mistake, not "no date"
        (["timeline", "--since="], 2, "--since: the date is empty"),
        (["timeline", "--until", ""], 2, "--until: the date is empty"),
        (["timeline", "--as-of="], 2, "--as-of: the date is empty"),
        (["metrics", "--as-of="], 2, "--as-of: the date is empty"),
        (["show", "--as-of", " "], 2, "--as-of: the date is empty"),
        (["timeline", "--today="], 2, "--today: the date is empty"),
        # --today fixes one day
        (["timeline", "--today", "../2024"], 2, "--today: `../2024` is not one day"),
        (["timeline", "--today", "2019/.."], 2, "--today: `2019/..` is not one day"),
        (["timeline", "--today", "2024"], 2, "--today: `2024` is not one day"),
        (["principles", "--today", "2024-06"], 2, "--today: `2024-06` is not one day"),
        (["--today", "~2024-06-15", "risks"], 2, "--today: `~2024-06-15` is not one day"),
        (["timeline", "--bogus"], 2, "No such option"),
        (["validate", str(FIXTURES / "bad" / "duplicate-key.yaml")], 1, "1 error"),
        (["validate", str(FIXTURES / "bad" / "no-evidence-warning.yaml"), "--strict"], 1, "1 warning"),
    ],
)
def test_failure_modes_have_their_exit_code_and_message(run, args, code, message):
    result = run(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("day", ["2024-06-15", "Jun 15, 2024", "15 June 2024"])
def test_today_takes_a_day_however_written(run, day):
    result = run("timeline", "-c", str(ACME), "--today", day, "-f", "json")
    assert result.exit_code == 0, result.stderr


def test_a_query_on_an_invalid_case_lists_its_problems_nowhere_but_stderr(run):
    result = run("timeline", "-c", str(FIXTURES / "bad" / "dangling-reference.yaml"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "casekit: error:" in result.stderr


def test_validate_json_shape(run):
    result = run("validate", "-f", "json", str(FIXTURES / "bad" / "unknown-key.yaml"))
    assert result.exit_code == 1
    records = json.loads(result.stdout)
    assert [sorted(r) for r in records] == [["code", "column", "line", "message", "path", "severity"]]
    assert records[0]["message"] == "unknown key `tradoff` (did you mean `tradeoff`?)"


def test_validate_passes_on_the_library(run):
    result = run("validate", "--strict")
    assert result.exit_code == 0, result.stdout


def test_markup_and_escape_sequences_in_case_text_print_harmlessly(run, tmp_path):
    text = ACME.read_text().replace("title: Seed round", 'title: "[bold red]Seed[/] \\e[31mround\\e]0;pwn\\a"')
    path = tmp_path / "acme.yaml"
    path.write_text(text)
    result = run("timeline", "-c", str(path), env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "[bold red]Seed[/]" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\u241b[31mround" in result.stdout


def test_no_color_and_no_tty_give_no_escape_codes(run):
    result = run("show", "-c", str(ACME), env={"NO_COLOR": ""})
    assert "\x1b[" not in result.stdout
    result = run("--no-color", "show", "-c", str(ACME), env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert "\x1b[" not in result.stdout


def test_cases_lists_the_library(run, tmp_path):
    result = run("cases", "-f", "json", "--cases-dir", str(FIXTURES / "library"))
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["acme"]["events"] == 5 and rows["acme"]["company"] == "Acme Robotics"
    assert "scale_ai" not in rows  # the bundled example is not one of the user's cases
    empty = run("cases", "-f", "json", "--cases-dir", str(tmp_path))
    assert [(r["id"], r["bundled"]) for r in json.loads(empty.stdout)] == [("scale_ai", True)]


def test_show_and_tree_name_the_case(run):
    result = run("show", "-c", str(ACME))
    assert "Acme Robotics" in result.stdout and "Robots become commodities" in result.stdout
    tree = run("show", "--tree", "-c", str(ACME)).stdout
    for section in ("timeline (5)", "principles (1)", "flywheel (3)", "lessons (1)"):
        assert section in tree
    assert "robots → data" in tree


def test_schema_is_json_schema_rejecting_unknown_keys(run):
    schema = json.loads(run("schema").stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    principle = schema["$defs"]["Principle"]
    assert principle["additionalProperties"] is False
    assert "tradeoff" in principle["required"]


def _cli(*args: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, **ENV, **kw.pop("env", {})}
    return subprocess.run([sys.executable, "-m", "casekit", *args], capture_output=True, text=True, env=env, **kw)


def test_piping_into_head_exits_quietly(tmp_path):
    # Far more than a pipe holds, so the writer really meets the closed pipe.
    events = "".join(f"  - {{id: e{i}, date: 2020, title: Event number {i}, sources: [s]}}\n" for i in range(3000))
    big = tmp_path / "big.yaml"
    big.write_text(
        "casekit: 1\nid: big\ncompany: Big\ntitle: Big\nas_of: 2024\n"
        "sources: [{id: s, title: S, kind: other}]\nmetrics: []\nprinciples: []\nrisks: []\n"
        "timeline:\n" + events
    )
    for fmt in ("table", "json"):
        shell = f"{sys.executable} -m casekit timeline -c {big} -f {fmt} | head -n 2"
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True, env={**os.environ, **ENV}
        )
        assert done.stderr == ""
        assert len(done.stdout.splitlines()) == 2
        assert done.returncode == 0


# Libraries that only the commands needing them import.
HEAVY = ("pandas", "textual", "jinja2", "ruamel", "prompt_toolkit", "fsrs")


@pytest.mark.parametrize(
    "argv",
    [
        ["timeline"],
        ["show"],
        ["principles"],
        ["risks"],
        ["metrics"],
        ["metric", "valuation"],
        ["validate"],
        ["cases"],
        ["--help"],
        [],
        ["timeline", "--help"],
        ["metrics", "--help"],
        ["metric", "--help"],
        ["browse", "--help"],
        ["study", "--help"],
        ["add", "--help"],
        ["export", "--help"],
    ],
)
def test_one_case_commands_and_help_import_no_heavy_library(argv):
    code = (
        "import sys\nfrom casekit.cli import main\nsys.argv = ['casekit', *%r]\n"
        "status = 0\ntry:\n    main()\nexcept SystemExit as exc:\n    status = exc.code or 0\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & set(%r))\n"
        "sys.stderr.write((' '.join(heavy) or 'LIGHT') + f' {status}')\n" % (argv, HEAVY)
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **ENV})
    assert done.stdout.strip() or "1 file checked" in done.stderr  # it did what it was asked
    status = 2 if argv == [] else 0  # no command at all: the help, as a usage error
    assert done.stderr.endswith(f"LIGHT {status}"), done.stderr[-300:]  # it ran to the end, and light


def test_the_heavy_library_check_sees_an_import():
    # The check above would notice: a command that does import one is reported.
    code = (
        "import sys\nimport jinja2\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & set(%r))\n"
        "sys.stderr.write(' '.join(heavy) or 'LIGHT')\n" % (HEAVY,)
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stderr == "jinja2"


@pytest.mark.parametrize("argv", [["--help"], ["timeline", "--help"], ["metric", "-h"], ["search", "--help"]])
def test_help_imports_neither_markdown_nor_pygments_and_they_still_work_after(argv):
    code = (
        "import sys, io\nfrom casekit.cli import main\nsys.argv = ['casekit', *%r]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "heavy = [m for m in ('markdown_it', 'pygments', 'pandas') if m in sys.modules]\n"
        "from rich.console import Console\nfrom rich.markdown import Markdown\nfrom rich.traceback import Traceback\n"
        "out = io.StringIO()\nConsole(file=out, width=40).print(Markdown('*one* two'))\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError as exc:\n    Console(file=out, width=80).print(Traceback.from_exception(type(exc), exc, exc.__traceback__))\n"
        "sys.stderr.write((' '.join(heavy) or 'LIGHT') + ' ' + repr(out.getvalue().splitlines()[0].strip()))\n" % argv
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **ENV})
    assert "Usage" in done.stdout
    assert done.stderr.endswith("LIGHT 'one two'"), done.stderr  # loaded only when asked for, then real


def test_debug_shows_the_traceback_of_an_internal_error(run, monkeypatch):
    import casekit.cli.common as common

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(common, "open_cases", boom)
    result = run("timeline")
    assert result.exit_code == 2
    assert "internal error: RuntimeError: kaboom" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("--debug", "timeline")
    assert isinstance(result.exception, RuntimeError)


def _main_with(patch: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`casekit ARGS` run by `casekit.cli.main` in a fresh process, after the Python in `patch`."""
    code = f"import sys\nimport casekit.cli\n{patch}\ncasekit.cli.main({list(args)!r})\n"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **ENV, **(env or {})}
    )


STARTUP_BUG = "def boom(args):\n    raise RuntimeError('kaboom')\ncasekit.cli.hoist_global_options = boom"
IMPORT_BUG = "sys.modules['casekit.cli.timeline'] = None  # the command's module fails to import"


@pytest.mark.parametrize("patch", [STARTUP_BUG, IMPORT_BUG])
def test_an_unexpected_error_before_a_command_runs_is_an_internal_error_not_a_traceback(patch):
    done = _main_with(patch, "timeline", "-n", "1")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("casekit: error: internal error: ")
    assert "hint: this is a bug in casekit; run again with --debug" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("args", [("timeline",), ("timeline", "--debug")])
def test_a_casekit_error_before_a_command_runs_is_its_message_as_in_a_command(args):
    patch = (
        "from casekit.errors import UsageError\n"
        "def boom(args):\n    raise UsageError('no such thing', hint='try another')\n"
        "casekit.cli.hoist_global_options = boom"
    )
    done = _main_with(patch, *args)
    assert done.returncode == 2
    assert done.stderr == "casekit: error: no such thing\nhint: try another\n"


@pytest.mark.parametrize(
    ("args", "env"),
    [(("timeline", "--debug"), None), (("--debug", "timeline"), None), (("timeline",), {"CASEKIT_DEBUG": "1"})],
)
def test_debug_shows_the_traceback_of_an_error_before_a_command_runs(args, env):
    done = _main_with(STARTUP_BUG, *args, env=env)
    assert done.returncode == 1
    assert "Traceback" in done.stderr and done.stderr.rstrip().endswith("RuntimeError: kaboom")


def test_a_file_error_no_command_reports_is_an_internal_error(run, monkeypatch):
    import casekit.cli.common as common

    def unreadable(*a, **k):
        raise PermissionError(13, "Permission denied", "/some/file")

    monkeypatch.setattr(common, "open_cases", unreadable)
    result = run("timeline")
    assert result.exit_code == 2
    assert "internal error: PermissionError: [Errno 13] Permission denied: '/some/file'" in result.stderr
    assert isinstance(run("--debug", "timeline").exception, PermissionError)


def test_every_command_is_mapped_to_the_module_that_defines_it():
    from casekit.cli import command_module, command_table
    from casekit.registry import SECTIONS

    names = {}
    for info in app.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")
        names[name] = info.callback.__module__
    table = command_table()
    assert names == {name: f"casekit.cli.{table[name][0]}" for name in names}
    assert list(table) == [info.name or info.callback.__name__ for info in app.registered_commands]
    assert all(command_module(name) == module for name, (module, _) in table.items())
    assert set(SECTIONS) <= set(table)  # every section is a command
    assert {panel for _, panel in table.values()} == {"Read a case", "Across cases", "Write and check", "Learn"}


def test_a_section_left_out_of_the_command_table_goes_at_the_end_of_its_panel(monkeypatch):
    import casekit.cli

    table = dict(casekit.cli.COMMANDS)
    del table["moats"], table["timeline"]
    monkeypatch.setattr(casekit.cli, "COMMANDS", table)
    order = list(casekit.cli.command_table())
    assert order.index("timeline") == order.index("lessons") + 1
    assert order.index("moats") == order.index("timeline") + 1 == order.index("cases") - 1


def test_a_run_imports_only_its_command_module():
    code = (
        "import sys\nfrom casekit.cli import main\nsys.argv = ['casekit', 'timeline', '-n', '1']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(' '.join(sorted(m for m in sys.modules if m.startswith('casekit.cli.'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **ENV})
    assert done.stderr.split() == [
        "casekit.cli.app",
        "casekit.cli.common",
        "casekit.cli.complete",
        "casekit.cli.options",
        "casekit.cli.timeline",
    ]


def test_a_full_disk_is_trouble_not_a_bug():
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "casekit", "timeline"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **ENV},
        )
    assert done.returncode == 2
    assert "cannot write the output" in done.stderr and "bug" not in done.stderr


def test_a_closed_stdout_is_reported():
    done = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m casekit timeline >&-"],
        capture_output=True,
        text=True,
        env={**os.environ, **ENV},
    )
    assert done.returncode == 2
    assert "standard output is closed" in done.stderr and "Traceback" not in done.stderr


def test_debug_works_after_the_command_too(run, monkeypatch):
    import casekit.cli.common as common

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(common, "open_cases", boom)
    assert isinstance(run("timeline", "-n", "1", "--debug").exception, RuntimeError)
    assert "internal error" in run("timeline", "-n", "1").stderr


def test_all_skips_a_broken_case_with_a_warning(run, tmp_path):
    (tmp_path / "broken.yaml").write_text("hello\n")
    (tmp_path / "acme.yaml").write_text(ACME.read_text())
    result = run("timeline", "--all", "-f", "json", "--cases-dir", str(tmp_path))
    assert result.exit_code == 0
    assert {r["case"] for r in json.loads(result.stdout)} == {"acme"}
    assert "warning: skipping" in result.stderr and "broken.yaml:1:1" in result.stderr


def test_all_over_a_single_case_still_names_it(run, tmp_path):
    result = run("timeline", "--all", "-f", "json", "-n", "1", "--cases-dir", str(tmp_path))
    assert json.loads(result.stdout)[0]["case"] == "scale_ai"


def test_naming_a_case_twice_reads_it_once(run):
    once = json.loads(run("timeline", "-c", str(ACME), "-f", "json").stdout)
    twice = json.loads(run("timeline", "-c", str(ACME), "-c", str(ACME), "-f", "json").stdout)
    assert twice == once


def test_a_missing_cases_dir_is_warned_about_and_not_replaced_by_the_example(run, tmp_path):
    missing = tmp_path / "nope"
    result = run("show", "--cases-dir", str(missing))
    assert result.exit_code == 2
    assert f"{missing}: no such directory of cases" in result.stderr
    assert "bundled examples are there by id: scale_ai" in result.stderr


def test_validate_takes_directories_and_stdin_and_a_missing_file_is_trouble(run, tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "acme.yaml").write_text(ACME.read_text())
    (tmp_path / "bad.yml").write_text((FIXTURES / "bad" / "duplicate-key.yaml").read_text())
    result = run("validate", str(tmp_path), "-f", "json")
    assert result.exit_code == 1
    # The file's stem is not its id: a warning, reported with the error.
    assert [r["code"] for r in json.loads(result.stdout)] == ["id-mismatch", "duplicate-key"]
    piped = CliRunner().invoke(app, ["validate", "-"], input=ACME.read_text(), env=ENV)
    assert piped.exit_code == 0 and "1 file checked: 0 errors" in piped.stderr
    missing = run("validate", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2
    assert f"{tmp_path / 'nope.yaml'}: error: no such file" in missing.stdout


def test_validate_of_a_directory_or_library_without_case_files_is_trouble(run, tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    result = run("validate", str(tmp_path))
    assert result.exit_code == 2 and result.stdout == ""
    assert f"casekit: error: {tmp_path}: no case files (*.yaml, *.yml) in this directory or below" in result.stderr
    result = run("--cases-dir", str(tmp_path), "validate", "-f", "json")
    assert result.exit_code == 2 and result.stdout == ""
    assert f"casekit: error: no case files (*.yaml, *.yml) in {tmp_path}" in result.stderr


def test_a_directory_given_as_the_case_is_called_a_directory(run, tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "acme.yaml").write_text(ACME.read_text())
    result = run("timeline", "-c", str(tmp_path / "lib"))
    assert result.exit_code == 2
    assert f"casekit: error: {tmp_path / 'lib'}: is a directory, not a case file" in result.stderr
    assert f"it holds one case: -c {tmp_path / 'lib' / 'acme.yaml'}" in result.stderr


def test_skipped_files_are_warned_about_alike_by_every_library_command(run, tmp_path):
    (tmp_path / "broken.yaml").write_text("hello\n")
    (tmp_path / "acme.yaml").write_text(ACME.read_text())
    warnings = set()
    for args in (["timeline", "--all"], ["search", "robots"], ["lessons", "--all"]):
        result = run(*args, "-f", "json", "--cases-dir", str(tmp_path))
        assert result.exit_code == 0, result.output
        lines = [line for line in result.stderr.splitlines() if "warning" in line]
        assert len(lines) == 1
        warnings.add(lines[0])
    assert len(warnings) == 1  # one text, whichever command skips the file
    assert warnings.pop().startswith(f"casekit: warning: skipping {tmp_path / 'broken.yaml'}:1:1: ")


def test_cases_shows_the_id_a_case_is_found_by_and_its_file_when_they_differ(run, tmp_path):
    (tmp_path / "other.yaml").write_text(ACME.read_text().replace("id: acme", "id: wrongid", 1))
    rows = json.loads(run("cases", "-f", "json", "--cases-dir", str(tmp_path)).stdout)
    assert [(r["id"], r["stem"]) for r in rows] == [("wrongid", "other")]
    table = run("cases", "--cases-dir", str(tmp_path), env={"COLUMNS": "120"}).stdout
    assert "wrongid (other)" in table
    shown = run("show", "-c", "wrongid", "--cases-dir", str(tmp_path))
    assert shown.exit_code == 0 and "Acme Robotics" in shown.stdout


def test_cases_grep_ignores_accents_as_search_does(run, tmp_path):
    (tmp_path / "acme.yaml").write_text(
        ACME.read_text().replace("company: Acme Robotics", "company: Société Robotique")
    )
    for needle in ("societe", "SOCIÉTÉ", "Société"):
        rows = json.loads(run("cases", "-f", "json", "--grep", needle, "--cases-dir", str(tmp_path)).stdout)
        assert [r["id"] for r in rows] == ["acme"], needle
    empty = run("cases", "--grep", "zeppelin", "--cases-dir", str(tmp_path))
    assert empty.exit_code == 0 and empty.stdout == "" and "no cases match" in empty.stderr


@pytest.mark.parametrize(
    "command",
    [
        "timeline",
        "principles",
        "risks",
        "metrics",
        "segments",
        "people",
        "eras",
        "sources",
        "quotes",
        "moats",
        "flywheel",
        "competitors",
        "drivers",
        "lessons",
        "cases",
        "search x",
    ],
)
def test_limit_must_be_at_least_one_everywhere(run, command):
    for n in ("0", "-1"):
        result = run(*command.split(), "-n", n)
        assert result.exit_code == 2, (command, n)
        assert "--limit" in result.stderr and "1" in result.stderr, result.stderr
    assert run(*command.split(), "-n", "1", "-f", "json").exit_code in (0, 1)


def test_cases_grep_and_limit(run):
    rows = json.loads(run("cases", "-f", "json", "--grep", "ROBOT", "--cases-dir", str(FIXTURES / "library")).stdout)
    assert [r["id"] for r in rows] == ["acme"]
    rows = json.loads(run("cases", "-f", "json", "--limit", "1", "--cases-dir", str(FIXTURES / "library")).stdout)
    assert len(rows) == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["timeline", "--no-color", "-n", "2"], ["--no-color", "timeline", "-n", "2"]),
        (
            ["--today", "2024", "show", "--cases-dir", "d", "-c", "x"],
            ["--today", "2024", "--cases-dir", "d", "show", "-c", "x"],
        ),
        (["diff", "a", "--today=2020", "b"], ["--today=2020", "diff", "a", "b"]),
        (["search", "--", "--pager"], ["search", "--", "--pager"]),
        (["--debug"], ["--debug"]),
    ],
)
def test_global_options_after_the_command_move_before_it(args, expected):
    from casekit.cli import hoist_global_options

    assert hoist_global_options(args) == expected


def test_every_command_takes_the_global_options_after_its_name(run, tmp_path):
    (tmp_path / "acme.yaml").write_text(ACME.read_text())
    for command in ("timeline", "principles", "metrics", "cases", "validate", "schema"):
        result = run(command, "--no-color", "--today", "2024-06-30", "--cases-dir", str(tmp_path), "--no-cache")
        assert result.exit_code == 0, (command, result.stderr)
    # --cases-dir took effect: the library is the directory's case (the bundled one left out).
    listed = json.loads(run("cases", "-f", "json", "--cases-dir", str(tmp_path)).stdout)
    assert [r["id"] for r in listed] == ["acme"]
    # --today took effect: an open range ends on the day it names.
    open_ended = (tmp_path / "acme.yaml").read_text().replace("date: 2016-03", "date: 2016-03/..", 1)
    (tmp_path / "acme.yaml").write_text(open_ended)

    def reaching_june(today: str) -> set[str]:
        result = run("timeline", "-f", "json", "--since", "2024-06", "--today", today, "--cases-dir", str(tmp_path))
        return {e["id"] for e in json.loads(result.stdout or "[]")}

    assert "seed" in reaching_june("2024-06-30")
    assert "seed" not in reaching_june("2024-05-31")


def test_a_bad_size_limit_is_named_not_an_internal_error(run):
    result = run("--no-cache", "timeline", env={"CASEKIT_MAX_CASE_MB": "abc"})
    assert result.exit_code == 2
    assert "CASEKIT_MAX_CASE_MB is 'abc', not a size in megabytes" in result.stderr
    assert "internal error" not in result.stderr


def test_validate_refuses_endless_input_quickly(run, monkeypatch):
    endless = run("validate", "/dev/zero", env={"CASEKIT_MAX_CASE_MB": "1"})
    assert endless.exit_code == 2 and "goes on past the 1 MB" in endless.stdout
    piped = CliRunner().invoke(
        app, ["validate", "-"], input=b"#" * (2 * 2**20), env={**ENV, "CASEKIT_MAX_CASE_MB": "1"}
    )
    assert piped.exit_code == 2 and "<stdin>: error: it goes on past the 1 MB" in piped.stdout


def test_one_file_with_a_number_tag_on_text_spoils_neither_validate_nor_cases(run, tmp_path):
    shutil.copy(ACME, tmp_path / "acme.yaml")
    shutil.copy(FIXTURES / "bad" / "tagged-number-text.yaml", tmp_path / "tagged-number-text.yaml")
    validate = run("--cases-dir", str(tmp_path), "validate", "-f", "json")
    assert validate.exit_code == 1 and "internal error" not in validate.stderr
    assert {r["code"] for r in json.loads(validate.stdout)} == {"bad-value", "wrong-type"}
    cases = run("--cases-dir", str(tmp_path), "cases", "-f", "json")
    assert cases.exit_code == 0
    rows = {r["id"]: r for r in json.loads(cases.stdout)}
    assert rows["acme"]["error"] is None
    assert "tagged-number-text.yaml:17:29: `value`: cannot read 'abc'" in rows["tagged-number-text"]["error"]


@pytest.mark.parametrize(
    "args",
    [
        ["--no-color", "timeline", "-f", "xml"],
        ["timeline", "-f", "xml", "--no-color"],
        ["--no-color", "--help"],
        ["risks", "--help", "--no-color"],
    ],
)
def test_no_color_turns_off_colour_in_help_and_usage_errors_too(args, monkeypatch):
    from typer import rich_utils

    import casekit.cli

    # As at a terminal: casekit's help reads FORCE_COLOR; click's test runner has Typer draw usage errors.
    monkeypatch.setattr(rich_utils, "FORCE_TERMINAL", True)
    plain = [a for a in args if a != "--no-color"]
    coloured = CliRunner().invoke(app, plain, env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert "\x1b[" in coloured.stdout + coloured.stderr
    result = CliRunner().invoke(app, args, env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert result.exit_code == coloured.exit_code
    assert "\x1b[" not in result.stdout + result.stderr
    assert casekit.cli.help_color_system == "auto" and rich_utils.COLOR_SYSTEM == "auto"  # only for that run


def test_no_color_reaches_usage_errors_from_the_entry_point():
    env = {"NO_COLOR": "", "FORCE_COLOR": "1"}  # colour as at a terminal
    coloured = _cli("timeline", "-f", "xml", env=env)
    assert coloured.returncode == 2 and "\x1b[" in coloured.stderr
    plain = _cli("timeline", "--no-color", "-f", "xml", env=env)
    assert plain.returncode == 2
    assert "'xml' is not one of" in plain.stderr and "\x1b[" not in plain.stderr


@pytest.mark.parametrize("columns", [40, 60, 80])
def test_cases_never_splits_an_id_a_date_or_a_number_from_its_noun(run, columns, tmp_path):
    # The user's case, then (in a library with none of the user's own) the bundled example.
    for directory, name in ((FIXTURES / "library", "Acme Robotics"), (tmp_path, "bundled example")):
        result = run("cases", "--cases-dir", str(directory), env={"COLUMNS": str(columns)})
        out = result.stdout.splitlines()
        assert all(len(line) <= columns for line in out)
        texts = [name]
        for row in json.loads(run("cases", "-f", "json", "--cases-dir", str(directory)).stdout):
            texts += [row["id"], row["as_of"]]
            texts += [f"{row[key]} {key[:-1]}" for key in ("events", "metrics", "principles", "risks")]
        for text in texts:
            assert any(text in line for line in out), text
        assert "\u00a0" not in result.stdout


def test_help_names_what_options_take_and_keeps_each_choice_whole(run):
    from typer.main import get_command

    for name in get_command(app).commands:
        out = run(name, "--help", env={"COLUMNS": "100"}).stdout
        options = [line for line in out.splitlines() if "--" in line]
        assert not [line for line in options if "<str>" in line], name
    risks = run("risks", "--help", env={"COLUMNS": "100"}).stdout
    assert "-c      CASE" in risks and "SEVERITY" in risks
    assert "medium-high, high or critical" in " ".join(" ".join(risks.split("│")).split())


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("casekit search data --section ti", ["timeline"]),
        ("casekit search data -s ri", ["risks"]),
        ("casekit diff a b --section ri", ["risks"]),
        ("casekit diff a b --section ca", ["case"]),
    ],
)
def test_section_names_complete(words, expected):
    env = {**ENV, "_CASEKIT_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
    assert CliRunner().invoke(app, [], prog_name="casekit", env=env).stdout.split() == expected


def test_the_help_summaries_are_the_first_paragraph_of_each_commands_help():
    # `casekit --help` lists the commands from SUMMARIES (and the registry, for sections' listings)
    # without importing their modules; each summary is what the command's own help opens with.
    import inspect

    import casekit.cli
    from casekit.cli.app import app
    from casekit.registry import SECTIONS

    assert app.registered_commands  # the full app: this process imported every command
    opening = {}
    for info in app.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")
        text = info.help if info.help is not None else inspect.getdoc(info.callback)
        opening[name] = inspect.cleandoc(text).split("\n\n")[0]
    listed = {name: opening[name] for name in opening if name not in SECTIONS}
    assert listed == casekit.cli.SUMMARIES, "update SUMMARIES in casekit/cli/__init__.py to match the docstrings"
    for name in SECTIONS:
        assert opening[name] == inspect.cleandoc(SECTIONS[name].help).split("\n\n")[0]


@pytest.mark.parametrize("argv", [["--help"], ["-h"], []])
@pytest.mark.parametrize("columns", ["100", "60"])
def test_help_from_the_summaries_is_the_help_of_the_full_app(argv, columns):
    code = (
        "import sys, casekit.cli as cli\nif sys.argv[1] == 'full':\n    cli.SUMMARIES.clear()\ncli.main(sys.argv[2:])\n"
    )
    env = {**os.environ, **ENV, "COLUMNS": columns}
    shown = {}
    for way in ("summaries", "full"):
        done = subprocess.run([sys.executable, "-c", code, way, *argv], capture_output=True, text=True, env=env)
        shown[way] = (done.returncode, done.stdout, done.stderr)
    assert "browse" in shown["full"][1] + shown["full"][2]
    assert shown["summaries"] == shown["full"]
