"""casekit set: change, add and remove fields of an item or of the case, touching nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casekit.authoring import emit
from casekit.authoring.edits import Ref
from casekit.authoring.facts import SORTED_BY, item_type, key_order
from casekit.authoring.fmt import format_text
from casekit.authoring.layout import Layout, LayoutError, mapping_get
from casekit.authoring.setting import set_fields
from casekit.loader import check_bytes
from casekit.model import SECTIONS
from tests.casefiles import BUNDLED, VALID, copy_of_bundled, run, state

PROPERTIES = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def case(tmp_path) -> Path:
    return copy_of_bundled(tmp_path)


def loaded(path: Path):
    return check_bytes(path.read_bytes(), str(path))[0]


def test_set_changes_one_field_prints_the_change_and_keeps_the_mode(case):
    before = case.read_text()
    result = run("set", "meta_article", "date=2025-06-13", "-c", str(case))
    assert result.exit_code == 0, result.output
    assert "date" in result.stdout and "2025-06-13" in result.stdout
    source = next(s for s in loaded(case).sources if s.id == "meta_article")
    assert str(source.date) == "2025-06-13"
    changed = [(a, b) for a, b in zip(before.splitlines(), case.read_text().splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1].strip() == 'date: "2025-06-13"'
    assert oct(case.stat().st_mode & 0o777) == "0o640"


def test_set_adds_a_key_where_fmt_puts_it_and_unset_takes_it_away(case):
    original = case.read_bytes()
    assert (
        run(
            "set", "timeline/founding", "note=Told by the founders", "confidence=reported", "-c", str(case), "-q"
        ).exit_code
        == 0
    )
    text = case.read_text()
    assert format_text(text) == text  # fmt leaves it as it is
    event = next(e for e in loaded(case).timeline if e.id == "founding")
    assert event.note == "Told by the founders" and event.confidence == "reported"
    assert run("set", "founding", "--unset", "note", "-u", "confidence", "-c", str(case), "-q").exit_code == 0
    assert case.read_bytes() == original


def test_a_list_given_replaces_the_list_and_repeated_keys_add_up(case):
    assert run("set", "founding", "sources=case_study", "sources=meta_article", "-c", str(case), "-q").exit_code == 0
    assert next(e for e in loaded(case).timeline if e.id == "founding").sources == ["case_study", "meta_article"]
    assert "    sources: [case_study, meta_article]\n" in case.read_text()


def test_the_case_own_fields_are_set_without_a_ref(case):
    result = run("set", "title=Scale AI: the data engine", "--unset", "summary", "-c", str(case), "-q")
    assert result.exit_code == 0, result.output
    assert loaded(case).title == "Scale AI: the data engine" and loaded(case).summary is None
    assert run("set", "summary=Short.", "tags=ai,data", "-c", str(case), "-q").exit_code == 0
    text = case.read_text()
    assert loaded(case).summary == "Short." and loaded(case).tags == ["ai", "data"]
    assert format_text(text) == text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["founding", "date=2016-13"], "month 13 is out of range"),
        (["founding", "sources=nope"], "source `nope` is not an id in sources"),
        (["founding", "--unset", "title"], "title"),
    ],
)
def test_an_invalid_value_is_refused_with_validate_message_and_nothing_written(case, args, message):
    before = state(case)
    result = run("set", *args, "-c", str(case))
    assert result.exit_code == 2
    assert message in result.stderr and "nothing was written" in result.stderr
    assert state(case) == before


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (["founding", "id=start"], "rename", "casekit rename timeline/founding NEW_ID"),
        (["founding", "note="], "`note=` gives note no value", "--unset note"),
        (["founding", "titel=x"], "unknown key `titel`", "title"),
        (["timeline=x"], "`timeline` is a list of items", "casekit add timeline"),
        (["nowhere", "title=x"], "no item has the id `nowhere`", ""),
        (["founding"], "nothing to set", "--unset"),
    ],
)
def test_what_set_cannot_do_is_a_usage_error_naming_what_can(case, args, message, hint):
    before = state(case)
    result = run("set", *args, "-c", str(case))
    assert result.exit_code == 2 and message in result.stderr and hint in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert state(case) == before


def test_a_new_date_moves_the_event_where_fmt_puts_it(case):
    assert run("set", "founding", "date=2019-12", "-c", str(case), "-q").exit_code == 0
    text = case.read_text()
    assert format_text(text) == text
    ids = [e.id for e in loaded(case).timeline]
    assert ids.index("founding") > ids.index("yc_w16")


def test_dry_run_writes_nothing_and_a_file_changed_meanwhile_is_not_written(case, monkeypatch):
    before = state(case)
    result = run("set", "founding", "title=X", "--dry-run", "-c", str(case))
    assert result.exit_code == 0 and "X" in result.stdout and state(case) == before
    from casekit.authoring import files

    real = files.read

    def read_then_someone_writes(path):
        snapshot = real(path)
        Path(path).write_text(snapshot.text + "# someone else\n")
        return snapshot

    monkeypatch.setattr(files, "read", read_then_someone_writes)
    result = run("set", "founding", "title=X", "-c", str(case))
    assert result.exit_code != 0 and "changed on disk" in result.stderr
    assert case.read_text().endswith("# someone else\n") and "title: X\n" not in case.read_text()


def test_a_link_stays_a_link_and_its_file_is_written(case, tmp_path):
    link = tmp_path / "link.yaml"
    link.symlink_to(case)
    assert run("set", "founding", "title=Founded", "-c", str(link), "-q").exit_code == 0
    assert link.is_symlink() and "    title: Founded\n" in case.read_text()
    assert oct(case.stat().st_mode & 0o777) == "0o640"


COMMENTED = """\
casekit: 1
id: commented
company: C
title: T  # the working title
as_of: "2024"
sources:
  - id: s1
    title: S
    kind: memo
  - id: s2
    title: S2
    kind: memo
timeline:
  # before the event
  - id: a
    date: "2019"  # approximate
    title: A
    # above the sources
    sources:
      - s1  # the memo
      # more to come
    note: >-  # folded
      a note
    # after the event's keys
metrics: []
principles: []
risks: []
"""


def test_comments_beside_above_inside_and_after_keys_survive():
    comments = sorted(line.split("#", 1)[1] for line in COMMENTED.splitlines() if "#" in line)
    ref = Ref("timeline", "a")
    outputs = [
        set_fields(COMMENTED, ref, {"date": "2020", "title": "A new title"}),
        set_fields(COMMENTED, ref, {"sources": ["s1", "s2"], "note": "another note"}),
        set_fields(COMMENTED, None, {"title": "Titled"}),
        set_fields(COMMENTED, ref, {"confidence": "reported"}, ["era"]),
    ]
    for out in outputs:
        assert check_bytes(out.encode(), "c.yaml")[0] is not None, out
        assert sorted(line.split("#", 1)[1] for line in out.splitlines() if "#" in line) == comments, out
    assert '    date: "2020"  # approximate\n' in outputs[0]
    assert "title: Titled  # the working title\n" in outputs[2]
    case = check_bytes(outputs[1].encode(), "c.yaml")[0]
    assert case.timeline[0].sources == ["s1", "s2"] and case.timeline[0].note == "another note"


def test_an_item_written_in_flow_style_is_refused_with_a_line():
    text = COMMENTED.replace("metrics: []", "metrics: []\nlessons:\n  - {id: l, title: L}")
    with pytest.raises(LayoutError, match="flow style"):
        set_fields(text, Ref("lessons", "l"), {"title": "M"})


# --- set, then set back ------------------------------------------------------------------------------


def _one_line_fields(path: Path) -> list[tuple[Ref, str, object]]:
    """(item, key, value as set would read it) for every one-line scalar or flow list of an item
    written as casekit writes it (a quote the text does not need is not kept when set back)."""
    lay = Layout(path.read_text())
    found = []
    for section in SECTIONS:
        if lay.section(section) is None or not isinstance(lay.section(section).node, yaml.SequenceNode):
            continue
        if lay.section(section).node.flow_style:
            continue
        for block in lay.items(section):
            item_id = mapping_get(block.node, "id")
            if not isinstance(block.node, yaml.MappingNode) or block.node.flow_style or item_id is None:
                continue
            for key, value in block.node.value:
                if key.value in ("id", SORTED_BY.get(section, ("",))[0]) or key.value not in key_order(
                    item_type(section)
                ):
                    continue
                if value.start_mark.line != value.end_mark.line or getattr(value, "style", None) in ("|", ">"):
                    continue
                written = lay.text[value.start_mark.index : value.end_mark.index]
                if isinstance(value, yaml.ScalarNode) and written == emit.scalar(value.value, key=key.value):
                    found.append((Ref(section, item_id.value), key.value, value.value))
                elif (
                    isinstance(value, yaml.SequenceNode)
                    and all(isinstance(v, yaml.ScalarNode) for v in value.value)
                    and written == emit.flow_list([v.value for v in value.value])
                ):
                    found.append((Ref(section, item_id.value), key.value, [v.value for v in value.value]))
    return found


NEW_TEXT = (
    st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)


@PROPERTIES
@given(data=st.data())
@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_set_then_set_back_gives_the_original_bytes(path, data):
    fields = _one_line_fields(path)
    if not fields:
        return
    ref, key, old = data.draw(st.sampled_from(fields))
    new = data.draw(
        st.lists(NEW_TEXT.filter(lambda t: "," not in t), min_size=1, max_size=3) if isinstance(old, list) else NEW_TEXT
    )
    if isinstance(old, str) and old.isdigit() and key == "n":
        old, new = int(old), data.draw(st.integers(1, 999))
    text = path.read_text()
    there = set_fields(text, ref, {key: new})
    assert there != text or new == old
    assert set_fields(there, ref, {key: old}) == text


@PROPERTIES
@given(data=st.data(), note=NEW_TEXT)
@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_a_key_set_where_there_was_none_then_unset_gives_the_original_bytes(path, data, note):
    lay = Layout(path.read_text())
    refs = [
        Ref(s, b.node.value[0][1].value)
        for s in SECTIONS
        if lay.section(s) is not None
        and isinstance(lay.section(s).node, yaml.SequenceNode)
        and not lay.section(s).node.flow_style
        for b in lay.items(s)
        if isinstance(b.node, yaml.MappingNode)
        and not b.node.flow_style
        and mapping_get(b.node, "id") is not None
        and mapping_get(b.node, "note") is None
        and b.node.value[0][0].value == "id"
    ]
    if not refs:
        return
    ref = data.draw(st.sampled_from(refs))
    text = path.read_text()
    there = set_fields(text, ref, {"note": note})
    assert there != text and check_bytes(there.encode(), "x.yaml")[0] is not None
    assert set_fields(there, ref, {}, ["note"]) == text


@pytest.mark.parametrize("value", ["08", "1e3", "0o17", "on", "null"])
def test_text_the_loader_would_read_as_something_else_is_quoted(case, value):
    assert run("set", "founding", f"note={value}", "-c", str(case), "-q").exit_code == 0
    assert next(e for e in loaded(case).timeline if e.id == "founding").note == value


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["wang", "name:=null"], "a case holds no null"),
        (["wang", "name:=1e999"], "no number that is not whole"),
        (["wang", "roles:=[[1]]"], "no list inside a list"),
        (["wang", 'roles:=[{"title": "CEO", "period": [[1]]}]'], "no list inside a list"),
        (["wang", "roles:=" + "[" * 5000 + "]" * 5000], "nested too deeply"),
        (["wang", 'roles:=[{"title": "x\\u0000y"}]'], "control characters"),
        (["wang", 'name:="\\u0007"'], "control characters"),
    ],
)
def test_json_a_case_cannot_hold_is_refused_before_anything_is_written(case, args, message):
    before = state(case)
    result = run("set", *args, "-c", str(case))
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert "internal error" not in result.stderr
    assert state(case) == before


@pytest.mark.parametrize(
    ("arg", "written"),
    [
        ("roles:=[]", "roles: []"),
        ('roles:=[{"title": "CEO"}]', "roles:\n      - {title: CEO}\n"),
        ("confidence=estimated", "confidence: estimated\n"),
    ],
)
def test_a_key_written_with_no_value_is_given_one(case, arg, written):
    # `key:` alone is an empty value: the new one goes after the colon and a space.
    text = re.sub(
        r"(  - id: wang\n    name: .*\n    roles:\n)(      - .*\n)+", r"\1    confidence:\n", case.read_text()
    )
    assert "    roles:\n    confidence:\n    sources:" in text
    case.write_text(text)
    result = run("set", "wang", arg, "-c", str(case), "-q")
    assert result.exit_code == 0, result.output
    assert f"    {written}" in case.read_text()


def test_an_empty_mapping_is_written_as_one_and_refused_where_a_list_goes(case):
    before = state(case)
    result = run("set", "wang", "roles:={}", "-c", str(case))
    assert result.exit_code == 2 and "expected a list, got a mapping" in result.stderr, result.stderr
    assert state(case) == before


def test_a_mapping_given_for_a_one_line_text_is_refused_not_written_as_its_python_form(case):
    before = state(case)
    result = run("set", "wang", 'name:={"a": 1}', "-c", str(case))
    assert result.exit_code == 2 and "nothing was written" in result.stderr, result.stderr
    assert state(case) == before


def test_a_file_with_crlf_line_ends_keeps_them_on_the_lines_set(case):
    case.write_bytes(BUNDLED.read_bytes().replace(b"\n", b"\r\n"))
    assert run("set", "case_study", "note=Short.", "-c", str(case), "-q").exit_code == 0
    assert run("set", "founding", "confidence=estimated", "-c", str(case), "-q").exit_code == 0
    data = case.read_bytes()
    assert b"note: Short.\r\n" in data and b"confidence: estimated\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_a_file_that_starts_with_a_byte_order_mark_keeps_it_and_one_line_values_are_set(case):
    case.write_bytes(b"\xef\xbb\xbf" + BUNDLED.read_bytes())
    assert run("set", "company=Acme", "title=Acme: the case", "-c", str(case), "-q").exit_code == 0
    data = case.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\ncompany: Acme\n" in data and b'\ntitle: "Acme: the case"\n' in data
    assert data.replace(b"\xef\xbb\xbf", b"", 1).replace(
        b"company: Acme", b"company: Scale AI"
    ) == BUNDLED.read_bytes().replace(
        b'title: "Scale AI: selling the data bottleneck of the AI boom"', b'title: "Acme: the case"'
    )


def test_a_flow_list_too_long_for_a_line_stays_a_flow_list_and_setting_it_back_gives_the_bytes():
    text = BUNDLED.read_text()
    line = "    evidence: [first_defense_contracts, army_ceiling_250m, fedramp_navy_ic, senate_testimony_2023, senate_armed_services_2024, defense_revenue_100m]\n"
    assert line in text
    evidence = line.split("[")[1].rstrip("]\n").split(", ")
    shorter = set_fields(text, Ref("principles", "government_as_product"), {"evidence": evidence[:5]})
    assert line.replace(", defense_revenue_100m", "") in shorter
    back = set_fields(shorter, Ref("principles", "government_as_product"), {"evidence": evidence})
    assert back == text
