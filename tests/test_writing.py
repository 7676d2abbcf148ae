"""Writing cases: add, rm, rename, fmt, import, edit, new — and what they must never do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casekit.authoring.edits import Ref, add_item, referrers, remove_item, rename_item
from casekit.authoring.fmt import check_same_facts, facts, format_text
from casekit.authoring.layout import Layout, LayoutError
from casekit.errors import UsageError
from casekit.loader import check_bytes
from tests.casefiles import BUNDLED, ROOT, VALID, copy_of_bundled, run, state


@pytest.fixture
def case(tmp_path) -> Path:
    return copy_of_bundled(tmp_path)


# --- add ------------------------------------------------------------------------------------------


def test_add_places_an_event_by_date_and_prints_what_changed(case):
    result = run(
        "add", "timeline", "date=2019-08", "title=Opens a plant in Ohio", "sources=case_study", "-c", str(case)
    )
    assert result.exit_code == 0, result.output
    assert "+  opens_plant_ohio" in result.stdout
    loaded = check_bytes(case.read_bytes(), str(case))[0]
    ids = [e.id for e in loaded.timeline]
    at = ids.index("opens_plant_ohio")
    assert loaded.timeline[at - 1].date.sort_key() <= loaded.timeline[at].date.sort_key()
    assert loaded.timeline[at + 1].date.sort_key() > loaded.timeline[at].date.sort_key()
    assert oct(case.stat().st_mode & 0o777) == "0o640"


def test_add_an_observation_to_a_metric(case):
    result = run("add", "metrics/valuation", "date=2025", "value=~$20B", "sources=meta_article", "-c", str(case), "-q")
    assert result.exit_code == 0, result.output
    valuation = next(m for m in check_bytes(case.read_bytes(), str(case))[0].metrics if m.id == "valuation")
    assert valuation.observations[-1].value.text == "~$20B"
    assert '- {date: "2025", value: "~$20B", sources: [meta_article]}' in case.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["date=2024-13", "title=Bad", "sources=case_study"], "month 13 is out of range"),
        (["date=2024", "title=Bad", "sources=nope"], "source `nope` is not an id in sources"),
        (["date=2024", "title=Bad", "era=nowhere"], "era `nowhere` is not an id in eras"),
    ],
)
def test_add_refuses_what_validate_refuses_and_writes_nothing(case, args, message):
    before = state(case)
    result = run("add", "timeline", *args, "-c", str(case))
    assert result.exit_code == 2
    assert message in result.stderr and "[" in result.stderr  # validate's message and code
    assert "nothing was written" in result.stderr
    assert state(case) == before


def test_add_without_a_terminal_names_the_missing_fields(case):
    before = state(case)
    result = run("add", "principles", "title=Own the queue", "-c", str(case))
    assert result.exit_code == 2
    assert "needs summary, benefit, tradeoff" in result.stderr  # n is the next number
    assert state(case) == before


def test_add_unknown_key_suggests_the_right_one(case):
    result = run("add", "timeline", "titel=x", "-c", str(case))
    assert result.exit_code == 2 and "did you mean" in result.stderr and "title" in result.stderr


def test_dry_run_writes_nothing(case):
    before = state(case)
    result = run("add", "timeline", "date=2020", "title=X", "sources=case_study", "-c", str(case), "--dry-run")
    assert result.exit_code == 0 and "+  x" in result.stdout
    assert state(case) == before


def test_a_file_changed_since_it_was_read_is_not_written(case):
    from casekit.authoring import files

    snapshot = files.read(case)
    case.write_text(snapshot.text + "# someone else\n")
    with pytest.raises(files.CasekitError, match="changed on disk"):
        files.save(snapshot, snapshot.text.replace("Scale AI", "Scale"))
    assert case.read_text().endswith("# someone else\n")


def test_a_link_stays_a_link_and_its_file_is_written(case, tmp_path):
    link = tmp_path / "link.yaml"
    link.symlink_to(case)
    assert run("rename", "wang", "alexandr", "-c", str(link), "-q").exit_code == 0
    assert link.is_symlink() and "speaker: alexandr" in case.read_text()


# --- rm and rename --------------------------------------------------------------------------------


def test_rm_refuses_an_item_referred_to_and_lists_the_referrers(case):
    before = state(case)
    result = run("rm", "people/guo", "-c", str(case))
    assert result.exit_code == 2
    assert "timeline/founding people" in result.stderr and "nothing removed" in result.stderr
    assert state(case) == before


def test_rm_force_removes_the_references_too(case):
    result = run("rm", "people/guo", "--force", "-c", str(case), "-q")
    assert result.exit_code == 0, result.output
    loaded = check_bytes(case.read_bytes(), str(case))[0]
    assert "guo" not in [p.id for p in loaded.people]
    assert all("guo" not in e.people for e in loaded.timeline)


def test_rename_changes_every_reference():
    text = BUNDLED.read_text()
    renamed = rename_item(text, Ref("people", "wang"), "alexandr")
    assert not referrers(renamed, Ref("people", "wang"))
    assert len(referrers(renamed, Ref("people", "alexandr"))) == len(referrers(text, Ref("people", "wang")))
    assert "speaker: alexandr" in renamed


def _edit_without_a_terminal(case: Path, editor: Path) -> subprocess.CompletedProcess:
    """`casekit edit` on `case` with `editor` as $EDITOR, its input not a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "casekit", "edit", "-c", str(case)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT), "EDITOR": str(editor), "VISUAL": "", "NO_COLOR": "1"},
    )


# --- line ends and byte order marks ---------------------------------------------------------------

WRITES = [
    ("add", "timeline", "date=2019-08", "title=Opens a plant", "sources=case_study", "id=opens_plant"),
    ("add", "people", "name=Ada Byron", "sources=case_study"),
    ("set", "founding", "title=Founded in a garage", "note=Two founders."),
    ("rename", "founding", "founded"),
    ("rm", "meta_article", "--force"),
    ("fmt",),
]


def _styled(style: str) -> bytes:
    data = BUNDLED.read_bytes()
    if style in ("crlf", "both"):
        data = data.replace(b"\n", b"\r\n")
    if style in ("bom", "both"):
        data = b"\xef\xbb\xbf" + data
    return data


@pytest.mark.parametrize("style", ["crlf", "bom", "both"])
@pytest.mark.parametrize("command", WRITES, ids=lambda c: c[0] + "-" + (c[1] if len(c) > 1 else ""))
def test_every_write_keeps_the_files_line_ends_and_byte_order_mark(case, style, command):
    case.write_bytes(_styled(style))
    if command[0] == "fmt":
        result = run("fmt", str(case))
    else:
        result = run(command[0], *command[1:], "-c", str(case), "-q")
    assert result.exit_code == 0, result.output
    data = case.read_bytes()
    # Written as the same command writes the plain file, then styled as the file was, every line.
    case.write_bytes(BUNDLED.read_bytes())
    plain = run("fmt", str(case)) if command[0] == "fmt" else run(command[0], *command[1:], "-c", str(case), "-q")
    assert plain.exit_code == 0, plain.output
    written = case.read_bytes()
    assert data == (b"\xef\xbb\xbf" if style in ("bom", "both") else b"") + (
        written.replace(b"\n", b"\r\n") if style in ("crlf", "both") else written
    )
    assert written != BUNDLED.read_bytes() or command[0] == "fmt"


def test_fmt_leaves_a_formatted_file_with_crlf_line_ends_alone(case):
    case.write_bytes(_styled("crlf"))
    before = state(case)
    result = run("fmt", "--check", str(case))
    assert result.exit_code == 0, result.output
    assert run("fmt", str(case)).exit_code == 0
    assert state(case) == before


def test_edit_shows_the_file_with_its_line_ends_and_keeps_them(case, tmp_path):
    case.write_bytes(_styled("crlf"))
    editor = tmp_path / "editor.sh"
    # The editor sees CRLF lines and changes one, as an editor keeping the file's line ends would.
    editor.write_text(
        '#!/bin/sh\ngrep -c "$(printf \'\\r\')$" "$1" > "$0.crlf"\nsed -i \'s/^as_of: .*/as_of: "2025-07"\\r/\' "$1"\n'
    )
    editor.chmod(0o755)
    done = _edit_without_a_terminal(case, editor)
    assert done.returncode == 0, done.stderr
    lines = BUNDLED.read_bytes().count(b"\n")
    assert int((tmp_path / "editor.sh.crlf").read_text()) == lines
    data = case.read_bytes()
    assert b'as_of: "2025-07"\r\n' in data and data.count(b"\n") == data.count(b"\r\n") == lines


# --- properties over every fixture ------------------------------------------------------------------

PROPERTIES = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def _items(path: Path) -> list[Ref]:
    lay = Layout(path.read_text())
    from casekit.authoring.edits import item_ids
    from casekit.model import SECTIONS

    return [Ref(s, i) for s in SECTIONS for i in item_ids(lay, s) if i]


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_fmt_is_idempotent_and_changes_no_fact(path):
    text = path.read_text()
    once = format_text(text, str(path))
    assert format_text(once, str(path)) == once
    check_same_facts(text, once, str(path))  # raises when a fact changed
    before, after = check_bytes(text.encode(), "a")[0], check_bytes(once.encode(), "a")[0]
    assert facts(before) == facts(after)


@PROPERTIES
@given(data=st.data())
@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_rename_there_and_back_gives_the_original_bytes(path, data):
    refs = _items(path)
    if not refs:
        return
    ref = data.draw(st.sampled_from(refs))
    new = data.draw(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True))
    text = path.read_text()
    if new in {r.id for r in refs if r.section == ref.section}:
        return
    try:
        there = rename_item(text, ref, new)
    except UsageError:
        return  # refused: `new` is already a flywheel node, as `ref` is
    assert rename_item(there, Ref(ref.section, new), ref.id) == text


EVENT = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"zz[a-z0-9_]{0,6}", fullmatch=True),
        "date": st.sampled_from(["2016", "2019-08", "late 2022", "2024-Q1", "~2015", "2016/2020", "2010s"]),
        "title": st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1, max_size=40)
        .map(str.strip)
        .filter(bool),
    }
)


@PROPERTIES
@given(item=EVENT, section=st.sampled_from(["timeline", "lessons", "drivers"]))
@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_add_then_rm_gives_the_original_bytes(path, item, section):
    text = path.read_text()
    if section != "timeline":
        item = {"id": item["id"], "title": item["title"]}
    try:
        added = add_item(text, section, item)
    except LayoutError:
        return  # a layout casekit does not edit in place (a flow list)
    assert added != text and item["id"] in added
    assert remove_item(added, Ref(section, item["id"])) == text


COMMENTED = """\
# before everything
casekit: 1
id: commented
company: C
title: T
as_of: "2024"
sources:
  # before the source
  - id: s1  # beside an id
    title: S
    kind: memo
    # inside the source, after its keys
timeline:
  # before the first event
  - id: b
    date: "2020"
    title: B
    sources: [s1]  # beside a list
  - id: a
    # inside, between keys
    date: "2019"
    title: A
    sources: [s1]
  # after the last event
metrics: []
principles: []
risks: []
# at the end
"""


def test_comments_before_inside_and_after_items_survive_every_command():
    comments = [line.strip() for line in COMMENTED.splitlines() if "#" in line]
    outputs = [
        format_text(COMMENTED),
        add_item(COMMENTED, "timeline", {"id": "c", "date": "2021", "title": "C", "sources": ["s1"]}),
        rename_item(COMMENTED, Ref("timeline", "a"), "aa"),
        rename_item(COMMENTED, Ref("sources", "s1"), "source_one"),
        remove_item(add_item(COMMENTED, "lessons", {"id": "l", "title": "L"}), Ref("lessons", "l")),
    ]
    for out in outputs:
        kept = [line.strip() for line in out.splitlines() if "#" in line]
        assert [c.split("#", 1)[1] for c in kept] == [c.split("#", 1)[1] for c in comments] or sorted(
            c.split("#", 1)[1] for c in kept
        ) == sorted(c.split("#", 1)[1] for c in comments)
    formatted = format_text(COMMENTED)
    assert formatted.index("# inside, between keys") < formatted.index("id: b")  # moved with its event "a"


# --- fmt --------------------------------------------------------------------------------------------


def test_fmt_check_and_diff_exit_1_and_write_nothing(tmp_path):
    path = tmp_path / "commented.yaml"
    path.write_text(COMMENTED)
    for flag in ("--check", "--diff"):
        result = run("fmt", flag, str(path))
        assert result.exit_code == 1 and "would reformat" in result.stderr
    assert path.read_text() == COMMENTED
    assert "+  - id: a" in run("fmt", "--diff", str(path)).stdout
    assert run("fmt", str(path)).exit_code == 0
    assert run("fmt", "--check", str(path)).exit_code == 0


def test_fmt_never_rewrites_a_file_with_a_syntax_error(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text('casekit: 1\ntitle: "unclosed\n')
    result = run("fmt", str(path))
    assert result.exit_code == 2 and "syntax error" in result.stderr
    assert path.read_text() == 'casekit: 1\ntitle: "unclosed\n'


# --- import -----------------------------------------------------------------------------------------


def test_import_csv_with_a_column_map(case, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text(
        'when,title,category,sources\n2024-07,Opens a lab,product,case_study\n2024-09,"Two, words",deal,case_study; meta_article\n'
    )
    result = run("import", "timeline", str(rows), "--map", "when=date", "-c", str(case), "-q")
    assert result.exit_code == 0, result.output
    loaded = check_bytes(case.read_bytes(), str(case))[0]
    two = next(e for e in loaded.timeline if e.title == "Two, words")
    assert two.sources == ["case_study", "meta_article"]


def test_import_names_an_unknown_column_and_the_map_that_would_read_it(case, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("date,title,source\n2024-07,Opens a lab,case_study\n")
    before = state(case)
    result = run("import", "timeline", str(rows), "-c", str(case))
    assert result.exit_code == 2
    assert f"{rows}:1: column `source` is not a field of timeline" in result.stderr
    assert (
        "--map source=sources reads it as sources" in result.stderr and "--map source= leaves it out" in result.stderr
    )
    assert state(case) == before
    assert run("import", "timeline", str(rows), "-c", str(case), "-m", "source=sources", "-q").exit_code == 0


def test_import_names_the_line_of_a_row_whose_date_cannot_be_read(case, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text('date,title\n2024-07,"Two\nlines"\n2024-13,Bad month\n')
    before = state(case)
    result = run("import", "timeline", str(rows), "-c", str(case))
    assert result.exit_code == 2
    assert f"{rows}:4: row 2: `date`: month 13 is out of range" in result.stderr  # row 1 takes lines 2 and 3
    assert state(case) == before


def test_import_json_from_another_case_and_a_bad_row_writes_nothing(case, tmp_path):
    exported = run("timeline", "-c", str(BUNDLED), "-f", "json", "--since", "2025")
    target = tmp_path / "new.json"
    target.write_text(exported.stdout)
    before = state(case)
    result = run("import", "timeline", str(target), "-c", str(case))
    assert result.exit_code == 2 and "duplicate" in result.stderr  # the same ids are there already
    assert state(case) == before


# --- imports ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["timeline", "show", "validate"])
def test_read_commands_do_not_import_the_writing_code(command):
    code = (
        "import sys\nfrom casekit.cli import main\nsys.argv = ['casekit', %r]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('ruamel', 'ruamel.yaml', 'prompt_toolkit', 'casekit.authoring') if m in sys.modules]\n"
        "sys.stderr.write('HEAVY %%s' %% heavy)\n" % command
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}
    )
    assert done.stderr.endswith("HEAVY []")


# --- at a terminal ----------------------------------------------------------------------------------


def _spawn(args: list[str], tmp_path: Path, **env: str):
    pexpect = pytest.importorskip("pexpect")
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "dumb", "NO_COLOR": "1", **env}
    return pexpect.spawn(
        sys.executable, ["-m", "casekit", *args], env=environ, cwd=str(tmp_path), timeout=20, encoding="utf-8"
    )


def test_add_at_a_terminal_asks_for_what_is_missing_and_suggests_the_id(case, tmp_path):
    child = _spawn(["add", "lessons", "-c", str(case)], tmp_path)
    child.expect("title")
    child.sendline("Own the bottleneck")
    child.expect(r"sources \(comma-separated\) \(Tab completes\) \[Enter skips\]")  # optional, but completed
    child.sendline("case_study")
    child.expect(r"id \[own_bottleneck\]")
    child.sendline("")
    child.expect(pytest.importorskip("pexpect").EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    lessons = check_bytes(case.read_bytes(), str(case))[0].lessons
    assert lessons[-1].id == "own_bottleneck" and lessons[-1].title == "Own the bottleneck"
    assert lessons[-1].sources == ["case_study"]


def test_add_asks_for_the_optional_fields_it_can_complete_only_when_it_asks_at_all(case):
    from casekit.authoring.adding import build_item

    asked = []

    def ask(field, default, words):
        asked.append((field.name, field.required, len(words) > 0))
        return {"date": "2025-01", "title": "Opens a lab", "category": "product", "sources": "case_study"}.get(
            field.name, default or ""
        )

    text = case.read_text()
    _, item = build_item(text, "timeline", [], ask=ask)
    assert [name for name, *_ in asked] == ["date", "title", "category", "era", "people", "sources", "id"]
    assert all(words for name, required, words in asked if not required and name != "id")
    assert item["category"] == "product" and item["sources"] == ["case_study"] and item["id"] == "opens_lab"
    asked.clear()
    build_item(text, "timeline", ["date=2025-01", "title=Opens a lab"], ask=ask)
    assert asked == [("id", True, False)]  # only the id (suggested) is left to ask: nothing optional offered


def test_edit_at_a_terminal_reopens_the_editor_on_problems(case, tmp_path):
    editor = tmp_path / "editor.sh"
    # The first run breaks the date; the second fixes it: as a user would after seeing the problem.
    editor.write_text(
        '#!/bin/sh\nif [ -e "$0.done" ]; then sed -i \'s/^as_of: .*/as_of: "2025-07"/\' "$1"; '
        'else sed -i \'s/^as_of: .*/as_of: "2025-13"/\' "$1"; touch "$0.done"; fi\n'
    )
    editor.chmod(0o755)
    child = _spawn(["edit", "-c", str(case)], tmp_path, EDITOR=str(editor), VISUAL="")
    child.expect("month 13")
    child.expect("dit again")
    child.sendline("e")
    child.expect(pytest.importorskip("pexpect").EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert 'as_of: "2025-07"' in case.read_text()


def test_edit_without_a_terminal_fails_with_the_problems_and_keeps_the_file(case, tmp_path):
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nsed -i \'s/^as_of: .*/as_of: "2025-13"/\' "$1"\n')
    editor.chmod(0o755)
    before = state(case)
    done = _edit_without_a_terminal(case, editor)
    assert done.returncode == 2 and "month 13 is out of range" in done.stderr
    assert state(case) == before


def test_import_takes_a_sources_listing_and_leaves_its_cited_by_out(case, tmp_path):
    exported = run("sources", "-c", str(ROOT / "tests" / "fixtures" / "items" / "provenance.yaml"), "-f", "json")
    target = tmp_path / "sources.json"
    target.write_text(exported.stdout)
    assert "cited_by" in exported.stdout
    result = run("import", "sources", str(target), "-c", str(case), "-q")
    assert result.exit_code == 0, result.output
    loaded = check_bytes(case.read_bytes(), str(case))[0]
    memo = next(s for s in loaded.sources if s.id == "memo")
    assert memo.url == "https://example.com/memo"
    assert "cited_by" not in case.read_text()


def test_new_at_a_terminal_asks_for_the_title_and_summary_which_enter_leaves_for_later(tmp_path):
    child = _spawn(["new", "--dir", "out", "--today", "2024-05-17"], tmp_path)
    child.expect("company")
    child.sendline("Acme Two")
    child.expect(r"id \[acme_two\]")
    child.sendline("")
    child.expect("title")
    child.sendline("Acme bets on robots")
    child.expect("summary")
    child.sendline("")
    child.expect(pytest.importorskip("pexpect").EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    case = check_bytes((tmp_path / "out" / "acme_two.yaml").read_bytes(), "acme_two.yaml")[0]
    assert case.title == "Acme bets on robots" and case.summary.startswith("One paragraph:")  # left for later
    assert case.as_of.text == "2024-05"


def test_add_numbers_a_principle_after_the_last_unless_told(case):
    from casekit.authoring.adding import build_item

    text = case.read_text()
    highest = max(p.n for p in check_bytes(case.read_bytes(), str(case))[0].principles)
    fields = ["title=Own the pipe", "summary=S", "benefit=B", "tradeoff=T"]
    assert build_item(text, "principles", fields)[1]["n"] == highest + 1
    assert build_item(text, "principles", [*fields, "n=40"])[1]["n"] == 40
    offered = {}

    def ask(field, default, words):
        offered[field.name] = default
        return default or "Asked"  # Enter takes the default

    asked = build_item(text, "principles", fields[1:], ask=ask)[1]
    assert offered["n"] == str(highest + 1) and asked["n"] == highest + 1 and asked["title"] == "Asked"


def test_the_first_role_of_a_person_goes_where_fmt_puts_it(case):
    assert (
        run("add", "people", "name=New Person", "sources=case_study", "note=Met once", "-c", str(case), "-q").exit_code
        == 0
    )
    assert run("add", "people/new_person", "title=CEO", "period=2020", "-c", str(case), "-q").exit_code == 0
    text = case.read_text()
    block = text[text.index("name: New Person") :].split("\n  - ", 1)[0]
    assert block.index("roles:") < block.index("sources:") < block.index("note:")
    assert run("fmt", "--check", str(case)).exit_code == 0


def test_reference_fields_come_from_the_registry():
    import msgspec

    from casekit.authoring.facts import references_to, referred_section
    from casekit.registry import SECTIONS, references

    for section, field, target in references():
        assert field in {f.encode_name for f in msgspec.structs.fields(SECTIONS[section].type)}, (section, field)
        assert target in SECTIONS and referred_section(section, field) == target
    assert references_to("people") == [("timeline", "people"), ("quotes", "speaker")]
    assert references_to("timeline") == [("principles", "evidence")]
    assert {s for s, f in references_to("sources")} == set(SECTIONS) and {f for s, f in references_to("sources")} == {
        "sources"
    }
    assert referred_section("quotes", "text") is None
    must = references(sources=False, names=False)
    assert ("quotes", "speaker", "people") not in must and (
        "timeline",
        "era",
        "eras",
    ) in must  # a speaker may be a name


def test_add_completes_a_field_with_the_ids_of_the_section_the_registry_names(case):
    from casekit.authoring.adding import completion_words
    from casekit.authoring.edits import Layout, item_ids
    from casekit.authoring.facts import fields
    from casekit.model import Event, Observation, Quote

    lay = Layout(case.read_text())
    people = [i for i in item_ids(lay, "people") if i]
    assert completion_words(lay, fields(Quote)["speaker"], "quotes") == people
    assert completion_words(lay, fields(Event)["people"], "timeline") == people
    assert completion_words(lay, fields(Observation)["sources"], "metrics") == [
        i for i in item_ids(lay, "sources") if i
    ]
    assert completion_words(lay, fields(Quote)["text"], "quotes") == []


# --- a case written with new, add and import only -------------------------------------------------

WRITTEN = ROOT / "tests" / "fixtures" / "written"


def test_the_netflix_fixture_is_what_its_commands_write(tmp_path, monkeypatch):
    import shlex
    import shutil

    monkeypatch.chdir(tmp_path)
    for name in ("events.csv", "members.csv"):
        shutil.copy(WRITTEN / name, tmp_path / name)
    commands = [line for line in (WRITTEN / "netflix.commands").read_text().splitlines() if line and line[0] != "#"]
    assert {shlex.split(c)[0] for c in commands} == {"new", "add", "rm", "import"}
    for command in commands:
        result = run(*shlex.split(command))
        assert result.exit_code == 0, (command, result.stderr)
    # The same facts (the skeleton's comments may have changed since the fixture was written).
    replayed = run("export", "-c", str(tmp_path / "cases" / "netflix.yaml"), "-f", "json")
    assert replayed.exit_code == 0, replayed.stderr
    assert json.loads(replayed.stdout) == json.loads(
        run("export", "-c", str(WRITTEN / "netflix.yaml"), "-f", "json").stdout
    )


def test_the_netflix_fixture_validates_strictly_and_round_trips_through_fmt(tmp_path):
    import shutil
    from datetime import date

    from casekit.study.cards import cards_for

    path = tmp_path / "netflix.yaml"
    shutil.copy(WRITTEN / "netflix.yaml", path)
    strict = run("validate", "--strict", str(path))
    assert strict.exit_code == 0, strict.output
    assert "0 errors, 0 warnings" in strict.stderr + strict.stdout
    assert run("fmt", "--check", str(path)).exit_code == 0
    assert run("fmt", str(path)).exit_code == 0
    assert path.read_bytes() == (WRITTEN / "netflix.yaml").read_bytes()  # formatting it changes nothing
    case = check_bytes(path.read_bytes(), str(path))[0]
    assert [len(case.sources), len(case.timeline), len(case.principles), len(case.risks)] == [7, 10, 2, 1]
    assert [o.value.text for o in case.metrics[0].observations] == ["~222M", "~222M", "~231M", "~260M"]
    assert {c.kind for c in cards_for(case, date(2024, 1, 31))} == {
        "tradeoff", "benefit", "when", "order", "value", "severity", "speaker",
    }  # fmt: skip


def test_an_unknown_id_suggests_the_items_it_may_mean_in_any_section(case):
    result = run("rm", "meta_stak", "-c", str(case))
    assert result.exit_code == 2 and "no item has the id `meta_stak`" in result.stderr
    assert "`metrics/meta_stake`" in result.stderr  # a REF that rm takes as it is
    nothing = run("rename", "zzzz", "x", "-c", str(case))
    assert nothing.exit_code == 2 and "casekit search" in nothing.stderr
