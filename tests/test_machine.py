"""The machine formats: csv and md flattened without losing anything, headers when empty, text as data."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from casekit.cli.app import app
from casekit.records import Records, section_shape
from casekit.render.machine import flatten, write

FIXTURES = Path(__file__).parent / "fixtures"
ACME = FIXTURES / "library" / "acme.yaml"
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "CASEKIT_CASE": "", "CASEKIT_PATH": ""}


CLI_ARGS = ["--cases-dir", FIXTURES / "library"]  # before every run's arguments (tests/conftest.py: run)


def csv_rows(text: str) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


# --- nothing is lost -----------------------------------------------------------------


def test_one_list_of_mappings_becomes_rows_and_several_stay_whole_as_json():
    one = [{"id": "m", "observations": [{"date": "2020", "v": 1}, {"date": "2021", "v": 2}]}]
    columns, rows = flatten(one)
    assert columns == ["id", "observation.date", "observation.v"]
    assert [r["observation.v"] for r in rows] == [1, 2]
    several = [
        {"id": "p", "evidence_events": [{"id": "a"}], "related_risks": [{"id": "r", "title": "R"}], "tags": ["x", "y"]}
    ]
    columns, rows = flatten(several)
    assert columns == ["id", "evidence_events", "related_risks", "tags"]
    assert len(rows) == 1
    assert json.loads(rows[0]["evidence_events"]) == [{"id": "a"}]
    assert json.loads(rows[0]["related_risks"]) == [{"id": "r", "title": "R"}]
    assert rows[0]["tags"] == "x; y"


_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=5))
_KEY = st.sampled_from(["id", "a", "b", "items", "more", "value", "notes"])
_VALUE = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEY, inner, max_size=3)),
    max_leaves=8,
)


def _covered(key: str, columns: list[str]) -> bool:
    """`key` is a column, or the prefix of some (`value.text`; a list's `observation.date`)."""
    singular = key[:-1] if key.endswith("s") else key
    return any(c == key or c.startswith(key + ".") or c.startswith(singular + ".") for c in columns)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(_KEY, _VALUE, min_size=1, max_size=4), min_size=1, max_size=3))
def test_every_key_of_every_record_has_a_column(records):
    columns, _ = flatten(records)
    for record in records:
        for key in record:
            assert _covered(key, columns), (key, columns)


def _texts(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_KEY, _VALUE, min_size=1, max_size=4))
def test_every_text_of_a_record_is_in_its_rows(record):
    _, rows = flatten([record])
    cells = "\x00".join(str(v) for row in rows for v in row.values())
    for text in _texts(record):
        assert text in cells or json.dumps(text, ensure_ascii=False)[1:-1] in cells, text


def _json_keys(data) -> list[dict]:
    return data if isinstance(data, list) else [data]


LISTINGS = [
    ["timeline"],
    ["timeline", "--all"],
    ["principles"],
    ["principle", "1"],
    ["risks"],
    ["metrics"],
    ["segments"],
    ["people"],
    ["eras"],
    ["sources"],
    ["quotes"],
    ["moats"],
    ["flywheel"],
    ["competitors"],
    ["drivers"],
    ["lessons"],
    ["lessons", "-c", "acme", "-c", "scale_ai"],
    ["show"],
    ["show", "--tree"],
    ["cases"],
    ["search", "data"],
    ["compare", "acme", "scale_ai"],
    ["validate", str(FIXTURES / "bad")],
]


@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_every_key_of_each_json_record_appears_in_the_csv_header(run, args):
    case = (
        [] if {"-c", "--all"} & set(args) or args[0] in ("cases", "search", "compare", "validate") else ["-c", "acme"]
    )
    result = run(*args, *case, "-f", "json")
    assert result.exit_code in (0, 1), result.output  # validate: 1, problems found
    records = _json_keys(json.loads(result.stdout))
    assert records, "the fixture should give something to compare"
    csv_result = run(*args, *case, "-f", "csv")
    if args == ["show", "--tree"]:  # the whole case is many tables: csv says so
        assert csv_result.exit_code == 2 and "use -f json" in csv_result.stderr
        return
    assert csv_result.exit_code == result.exit_code, csv_result.output
    columns, rows = csv_rows(csv_result.stdout)
    for record in records:
        for key in record:
            assert _covered(key, columns), (key, columns)
    md = run(*args, *case, "-f", "md")
    assert md.exit_code == result.exit_code
    if args[0] == "compare":  # md is for reading: one column per case, the text the table shows
        assert md.stdout.splitlines()[0] == "| group | attribute | values.acme | values.scale_ai |"
        return
    assert md.stdout.splitlines()[0] == "| " + " | ".join(c.replace("|", "\\|") for c in columns) + " |"


def test_a_key_plain_in_one_record_and_a_mapping_in_another_keeps_its_columns_together():
    records = [{"n": 1, "a": {"x": 1, "y": 2}, "b": {"x": 3}}, {"n": 2, "a": 5, "b": 6}]
    assert write(records, "csv").splitlines()[0] == "n,a,a.x,a.y,b,b.x"


def test_show_is_one_record_of_what_show_displays(run):
    record = json.loads(run("show", "-c", "acme", "-f", "json").stdout)
    assert list(record) == [
        "id",
        "company",
        "title",
        "as_of",
        "as_of_start",
        "as_of_end",
        "as_of_edtf",
        "summary",
        "tags",
        "counts",
        "key_metrics",
        "eras",
        "top_risks",
    ]
    assert record["counts"]["timeline"] == 5 and record["counts"]["lessons"] == 1
    assert record["key_metrics"][0]["name"] == "Revenue" and record["key_metrics"][0]["value"]["text"] == "~$60M"
    assert [r["title"] for r in record["top_risks"]] == ["Robots become commodities"]
    columns, rows = csv_rows(run("show", "-c", "acme", "-f", "csv").stdout)
    assert len(rows) == 1 and rows[0]["counts.timeline"] == "5"
    assert [m["id"] for m in json.loads(rows[0]["key_metrics"])] == [m["id"] for m in record["key_metrics"]]


# --- empty listings ------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["people", "-c", "empty_sections"],
        ["timeline", "-c", "acme", "--grep", "zzz"],
        ["cases", "--grep", "zzz"],
        ["lessons", "-c", "acme", "-c", "scale_ai", "-g", "zzz"],
    ],
)
def test_an_empty_listing_still_has_its_header(args, tmp_path):
    (tmp_path / "empty_sections.yaml").write_text(
        ACME.read_text().split("\npeople:")[0] + "\ntimeline: []\nmetrics: []\nprinciples: []\nrisks: []\n"
    )
    result = CliRunner().invoke(
        app, ["--cases-dir", str(tmp_path), "--cases-dir", str(FIXTURES / "library"), *args, "-f", "csv"], env=ENV
    )
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()
    assert len(header) == 1 and header[0].startswith(("id,", "case,id,"))
    import pandas

    assert len(pandas.read_csv(io.StringIO(result.stdout))) == 0
    md = CliRunner().invoke(
        app, ["--cases-dir", str(tmp_path), "--cases-dir", str(FIXTURES / "library"), *args, "-f", "md"], env=ENV
    )
    assert md.stdout.splitlines()[0].startswith("| ") and set(md.stdout.splitlines()[1]) <= set("|- ")


def test_the_shape_of_a_section_names_its_columns():
    assert write(Records([], section_shape("people")), "csv") == (
        "id,name,sources,note,confidence,role.title,role.period,role.start,role.end,role.edtf\n"
    )
    assert write(Records([], section_shape("metrics", several=True)), "csv").startswith(
        "case,id,name,unit,description,sources,confidence,note,observation.date,"
    )
    assert write(Records([], section_shape("timeline")), "json") == "[]\n"


def test_a_value_absent_in_every_record_keeps_its_columns():
    # `share: null` everywhere still gives share.text, share.low, … : the same header as any other time.
    record = {"id": "s", "share": None}
    shape = {"id": None, "share": {"text": None, "low": None, "high": None, "qualifier": None}}
    assert write([record], "csv", shape).splitlines() == ["id,share.text,share.low,share.high,share.qualifier", "s,,,,"]


# --- text is data ---------------------------------------------------------------------


def test_csv_keeps_control_characters_as_json_does_and_md_shows_them():
    record = [{"id": "x", "title": "red \x1b[31mtext\x07"}]
    assert json.loads(write(record, "json"))[0]["title"] == "red \x1b[31mtext\x07"
    assert csv_rows(write(record, "csv"))[1][0]["title"] == "red \x1b[31mtext\x07"
    assert "\x1b" not in write(record, "md") and "␛\\[31mtext␇" in write(record, "md")


def test_csv_at_a_terminal_shows_control_characters_instead_of_obeying_them(tmp_path):
    import os
    import pty
    import subprocess
    import sys

    path = tmp_path / "acme.yaml"
    path.write_text(ACME.read_text().replace("title: Seed round", 'title: "Seed \\e[31mround"'))
    primary, secondary = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-m", "casekit", "timeline", "-c", str(path), "-f", "csv"],
        stdout=secondary,
        stderr=subprocess.PIPE,
        env={**os.environ, **ENV},
        timeout=60,
    )
    os.close(secondary)
    out = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(primary)
    assert done.returncode == 0, done.stderr
    assert b"\x1b" not in out and "Seed ␛[31mround".encode() in out
    piped = subprocess.run(
        [sys.executable, "-m", "casekit", "timeline", "-c", str(path), "-f", "csv"],
        capture_output=True,
        env={**os.environ, **ENV},
        timeout=60,
    )
    assert b"Seed \x1b[31mround" in piped.stdout


def test_yaml_writes_any_character_as_itself():
    text = write([{"a": "Keep it tiny 🍜.", "b": "café"}], "yaml")
    assert "Keep it tiny 🍜." in text and "café" in text and "\\U" not in text
    assert yaml.safe_load(text) == [{"a": "Keep it tiny 🍜.", "b": "café"}]
    assert yaml.safe_load(write([{"c": "x\x1by"}], "yaml")) == [{"c": "x\x1by"}]


def test_md_cells_are_inert_text():
    text = write([{"detail": "Raised money </td></tr><script>alert(4)</script> & &amp; | *x*\nline two"}], "md")
    cell = text.splitlines()[2]
    assert "<script>" not in cell and "\\<script\\>" in cell
    assert "\\&amp;" in cell and "& " in cell  # only an entity is escaped
    assert "\\|" in cell and "\\*x\\*" in cell
    assert cell.endswith("line two |") and "<br>" in cell


@pytest.mark.parametrize(
    "args",
    [["timeline", "-c", "hostile"], ["cases"], ["search", "money", "-c", "hostile"], ["compare", "hostile", "acme"]],
)
def test_every_md_listing_escapes_case_text(args, tmp_path):
    (tmp_path / "hostile.yaml").write_text(
        ACME.read_text()
        .replace("title: From warehouse robots to a platform", 'title: "Robots <b>bold</b>"')
        .replace("title: Seed round", 'title: Seed round, detail: "Raised money </td></tr><script>alert(4)</script>"')
    )
    result = CliRunner().invoke(
        app, ["--cases-dir", str(tmp_path), "--cases-dir", str(FIXTURES / "library"), *args, "-f", "md"], env=ENV
    )
    assert result.exit_code == 0, result.output
    assert "<script>" not in result.stdout and "<b>" not in result.stdout and "</td>" not in result.stdout
