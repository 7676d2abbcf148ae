"""Attacks on casekit that once broke it: each test builds the condition and checks what a user sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ACME = FIXTURES / "library" / "acme.yaml"
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "CASEKIT_CASE": "", "CASEKIT_PATH": ""}
LATIN1 = os.fsdecode(b"caf\xe9.yaml")


def casekit(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """casekit in a process of its own, for what only real streams show."""
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent), **ENV, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "casekit", *args], env=environment, capture_output=True, timeout=60, **kwargs
    )


# --- long lines ------------------------------------------------------------------------------


def test_an_excerpt_reads_a_window_of_a_long_line_not_all_of_it(monkeypatch):
    from casekit.render import problems

    seen: list[int] = []
    real = problems.clean
    monkeypatch.setattr(problems, "clean", lambda text: seen.append(len(text)) or real(text))
    line = "x" * 500_000 + "HERE" + "y" * 500_000
    shown, caret = problems.excerpt(line, 500_001, width=40)
    assert shown.startswith("…") and shown.endswith("…") and "HERE" in shown
    assert shown[caret - 1 : caret + 3] == "HERE"
    assert max(seen) <= 2 * problems._REACH


def test_a_one_line_case_with_a_thousand_problems_shows_each_at_its_column(run, tmp_path):
    events = [{"id": f"e{i}", "date": "2020", "title": "t", "category": "product", "zzz": i} for i in range(1000)]
    path = tmp_path / "long.yaml"
    path.write_text(json.dumps({"casekit": 1, "company": "X", "timeline": events}))
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout.count("unknown key `zzz`") == 1000
    assert '"zzz": 999}]}' in result.stdout  # the last one's excerpt reaches the end of the line


# --- the flywheel ------------------------------------------------------------------------------


def _edges(pairs):
    from casekit.model import FlywheelEdge

    return [FlywheelEdge(id=f"f{k}", from_=a, to=b) for k, (a, b) in enumerate(pairs)]


def test_a_ladder_of_forty_layers_is_judged_at_once_and_its_loops_listed_in_part():
    from casekit.sections import MAX_LOOPS, flywheel_loops

    pairs = [(f"{x}{i}", f"{y}{i + 1}") for i in range(40) for x in "ab" for y in "ab"]
    pairs += [("a40", "a0"), ("b40", "b0")]  # 2^40 loops through every layer
    wheel = flywheel_loops(_edges(pairs))
    assert wheel.open_edges == [] and wheel.closed
    assert wheel.cut and 0 < len(wheel.loops) <= MAX_LOOPS


def test_every_edge_of_a_complete_graph_lies_on_a_loop_though_not_every_loop_is_listed():
    from casekit.sections import flywheel_loops

    nodes = "abcdef"
    wheel = flywheel_loops(_edges([(x, y) for x in nodes for y in nodes if x != y]))
    assert wheel.open_edges == [] and wheel.problems() == []
    assert wheel.cut


def test_an_edge_between_two_loops_is_open_and_the_view_says_so():
    from casekit.sections import flywheel_loops

    wheel = flywheel_loops(_edges([("a", "b"), ("b", "a"), ("b", "c"), ("c", "d"), ("d", "c")]))
    assert [(e.from_, e.to) for e in wheel.open_edges] == [("b", "c")]
    assert sorted(wheel.loops) == [["a", "b"], ["c", "d"]] and not wheel.cut
    assert "it lies on no cycle" in wheel.problems()[0]


# --- paths that are not UTF-8, and file names that forge lines --------------------------------------


@pytest.fixture
def odd_library(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    for k in range(10):  # more than the worker pool's threshold
        (cases / os.fsdecode(f"c{k}\xe9.yaml".encode("latin-1"))).write_bytes(ACME.read_bytes())
    (cases / "spoof.yaml\nok.yaml").write_bytes(ACME.read_bytes())
    return cases


def test_paths_that_are_not_utf8_are_shown_escaped_and_never_crash(odd_library):
    for args in (["validate", str(odd_library)], ["cases"], ["timeline", "--all", "-f", "json"], ["search", "acme"]):
        result = casekit(*args, "--cases-dir", str(odd_library), env={"PYTHONIOENCODING": "utf-8:strict"})
        assert result.returncode in (0, 1), (args, result.stderr)
        out = (result.stdout + result.stderr).decode()
        assert "internal error" not in out and "Traceback" not in out
        if args[0] != "timeline":
            assert "c0\\xe9" in out, args


def test_a_cached_non_utf8_path_is_read_again(tmp_path):
    (tmp_path / LATIN1).write_bytes(ACME.read_bytes())
    for _ in range(2):  # the second run finds nothing cached for it, and still works
        result = casekit("timeline", "-c", str(tmp_path / LATIN1), "-f", "json")
        assert result.returncode == 0 and json.loads(result.stdout)


def test_a_newline_in_a_file_name_cannot_forge_a_line(odd_library):
    result = casekit("validate", str(odd_library), "--cases-dir", str(odd_library))
    lines = (result.stdout + result.stderr).decode().splitlines()
    assert not any(line.startswith("ok.yaml") for line in lines)
    assert any("spoof.yaml␊ok.yaml" in line for line in lines)
    listing = casekit("cases", "--cases-dir", str(odd_library)).stdout.decode().splitlines()
    assert not any(line.strip().startswith("ok.yaml") for line in listing)


# --- what validate DIR cannot check, and FIFOs -------------------------------------------------


def test_validate_dir_reports_what_it_cannot_check(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "good.yaml").write_bytes(ACME.read_bytes())
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "loop1.yaml").symlink_to(tmp_path / "loop2.yaml")
    (tmp_path / "loop2.yaml").symlink_to(tmp_path / "loop1.yaml")
    os.mkfifo(tmp_path / "sub" / "pipe.yaml")
    result = casekit("validate", str(tmp_path), "-f", "json")
    assert result.returncode == 2
    found = {Path(p["path"]).name: p["message"] for p in json.loads(result.stdout) if p["code"] == "unreadable"}
    assert found.keys() == {"dangling.yaml", "loop1.yaml", "loop2.yaml", "pipe.yaml"}
    assert "leads nowhere" in found["dangling.yaml"] and "loop of links" in found["loop1.yaml"]
    assert "not a regular file" in found["pipe.yaml"]


def test_an_unreadable_directory_below_is_a_problem(tmp_path, monkeypatch):
    from casekit.library import Library

    (tmp_path / "good.yaml").write_bytes(ACME.read_bytes())
    (tmp_path / "locked").mkdir()
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    passed_over: list = []
    refs = Library(env={}).case_files([str(tmp_path)], passed_over)
    assert [r.path.name for r in refs] == ["good.yaml"]
    assert [(Path(p.path).name, p.code) for p in passed_over] == [("locked", "unreadable")]


def test_a_case_swapped_for_a_fifo_in_a_library_run_does_not_hang(tmp_path):
    from casekit.library import Library

    (tmp_path / "acme.yaml").write_bytes(ACME.read_bytes())
    library = Library(cases_dirs=[tmp_path], env={}, use_cache=False)
    refs = [r for r in library.refs() if not r.bundled]
    (tmp_path / "acme.yaml").unlink()
    os.mkfifo(tmp_path / "acme.yaml")
    done: list = []
    worker = threading.Thread(target=lambda: done.append(library.check_all(refs)), daemon=True)
    worker.start()
    worker.join(20)
    assert done, "reading a FIFO the library listed as a file hung"
    [loaded] = done[0]
    assert loaded.case is None and "not a regular file" in loaded.problems[0].message


def test_a_fifo_named_on_purpose_is_still_read(run, tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(ACME.read_bytes()))
    writer.start()
    result = run("timeline", "-c", str(fifo), "-f", "json")
    writer.join()
    assert result.exit_code == 0 and json.loads(result.stdout)


# --- files that are not cases -------------------------------------------------------------------


def test_a_link_to_a_secret_file_leaks_none_of_it(tmp_path):
    secret = tmp_path / "environ"
    secret.write_bytes(b"AWS_SECRET=hunter2\x00root:$6$saltsalt$hashhash:19000:0:99999:7:::\n")
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "env.yaml").symlink_to(secret)
    (cases / "shadow.yaml").write_text("root: $6$saltsalt$hashhash\ndaemon: '*'\n")
    result = casekit("validate", str(cases))
    out = (result.stdout + result.stderr).decode()
    assert result.returncode == 1
    assert "hunter2" not in out and "hashhash" not in out and "daemon" not in out
    assert "shadow.yaml:1:1: error: not a case file" in out


def test_a_case_missing_only_its_casekit_key_still_gets_every_problem(run, tmp_path):
    path = tmp_path / "draft.yaml"
    path.write_text(ACME.read_text().replace("casekit: 1\n", "", 1).replace("company:", "compnay:", 1))
    result = run("validate", str(path))
    assert result.exit_code == 1 and "not a case file" in result.stdout


# --- streams and widths ----------------------------------------------------------------------------


def test_an_unwritable_stderr_keeps_the_exit_code():
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "casekit", "timeline", "-c", "nope"],
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent), **ENV},
            stdout=subprocess.PIPE,
            stderr=full,
            timeout=60,
        )
    assert result.returncode == 2


@pytest.mark.parametrize("encoding", ["latin-1", "ascii", "cp1252"])
def test_a_stdout_that_is_not_utf8_gets_ascii_rules_and_question_marks(encoding):
    result = casekit("timeline", "-c", str(ACME), "--no-color", env={"PYTHONIOENCODING": encoding})
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode(encoding)
    assert "date" in text and "Traceback" not in result.stderr.decode(encoding, "replace")


@pytest.mark.parametrize("columns", ["0", "1", "-3", "100000000000000000000"])
def test_any_columns_value_still_prints(run, columns):
    result = run("timeline", "-c", str(ACME), env={"COLUMNS": columns})
    assert (result.exit_code == 0 and "Founded" in result.stdout) or "event" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 4096
    missing = run("timeline", "-c", "nope", env={"COLUMNS": columns})
    assert missing.exit_code == 2 and "no case `nope`" in missing.stderr


# --- echoed text ----------------------------------------------------------------------------------------


def test_search_shows_a_query_s_escape_sequences_instead_of_sending_them(run):
    result = run("search", "-c", str(ACME), "\x1b]52;c;aGk=\x07\x1b[2J")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "␛]52" in result.stderr


@pytest.mark.parametrize("char", ["\u061c", "\u200b", "\u2066", "\u202e", "\ufeff", "\u2060", "\u180e"])
def test_bidi_and_invisible_format_characters_are_shown(char):
    from casekit.render.text import clean

    assert char not in clean(f"a{char}b") and f"\\u{ord(char):04x}" in clean(f"a{char}b")


def test_joiners_that_scripts_and_emoji_need_are_kept():
    from casekit.render.text import clean

    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean(family) == family and clean("\u0645\u200c\u0646") == "\u0645\u200c\u0646"


def test_completion_offers_plain_words_only(tmp_path):
    from casekit.cli.complete import _matching

    words = ["funding", "$(touch pwned)", "a b", "ok-1", "`id`", "x;y", "Ünïcode_ok"]
    assert _matching(words, "") == ["funding", "ok-1", "Ünïcode_ok"]


def test_completion_with_several_cases_and_no_case_named_offers_the_library(tmp_path):
    from casekit.cli import complete

    (tmp_path / "acme.yaml").write_bytes(ACME.read_bytes())
    other = ACME.read_text().replace("category: funding", "category: legal", 1)
    (tmp_path / "other.yaml").write_text(other.replace("id: acme", "id: other", 1))

    class Ctx:
        def __init__(self) -> None:
            self.params = {"cases_dir": [str(tmp_path)]}
            self.parent = self.command = None

    offered = complete.categories(Ctx(), "")
    assert "funding" in offered and "legal" in offered


# --- the schema agrees with casekit ---------------------------------------------------------------------


def test_the_schema_takes_a_list_left_empty_as_casekit_does(tmp_path, run):
    import jsonschema
    import yaml

    from casekit.schema import case_schema

    text = ACME.read_text().replace("tags: [robotics, platform]", "tags:")
    path = tmp_path / "acme.yaml"
    path.write_text(text)
    assert run("validate", "--strict", str(path)).exit_code == 0
    jsonschema.validate(yaml.safe_load(text), case_schema())


def test_every_key_in_the_schema_has_a_description_for_editors_to_show():
    from casekit.schema import case_schema

    schema = case_schema()
    missing = [
        f"{name}.{key}"
        for name, definition in schema["$defs"].items()
        for key, prop in definition.get("properties", {}).items()
        if not prop.get("description")
    ]
    assert missing == []


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv", "md"])
def test_machine_formats_carry_a_non_utf8_path_escaped(tmp_path, fmt):
    (tmp_path / LATIN1).write_bytes(ACME.read_bytes())
    result = casekit("cases", "--cases-dir", str(tmp_path), "-f", fmt, env={"PYTHONIOENCODING": "utf-8:strict"})
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8")  # valid UTF-8 throughout
    assert "caf\\xe9" in out.replace("\\\\", "\\")


def test_new_refuses_a_company_name_that_is_not_utf8(tmp_path, run):
    result = run("new", "--company", os.fsdecode(b"caf\xe9"), "--dir", str(tmp_path))
    assert result.exit_code == 2 and "--company: not valid UTF-8" in result.stderr
    assert list(tmp_path.iterdir()) == []
