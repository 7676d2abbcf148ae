"""Every fact with what it rests on: notes, sources and confidence in the listings' records."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from casekit.cli.app import app

FIXTURES = Path(__file__).parent / "fixtures" / "items"
ENV = {"NO_COLOR": "1", "COLUMNS": "80"}
NOTE = "The memo says May 2022; the press says the launch slipped to 2023."


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(app, ["--cases-dir", str(FIXTURES), *args], env={**ENV, **(env or {})})


def records(command: str, fmt: str) -> list[dict]:
    result = run(command, "-f", fmt)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        return json.loads(result.stdout)
    if fmt == "yaml":
        return yaml.safe_load(result.stdout)
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(result.stdout)))
    header, _, *rows = [line for line in result.stdout.splitlines() if line.startswith("|")]
    keys = [cell.strip() for cell in header.strip("|").split("|")]
    return [dict(zip(keys, (cell.strip() for cell in row.strip("|").split("|")))) for row in rows]


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv", "md"])
def test_an_event_record_holds_its_note_confidence_sources_and_people(fmt):
    events = {e["id"]: e for e in records("timeline", fmt)}
    launch = events["launch"]
    assert launch["note"] == NOTE
    assert launch["confidence"] == "disputed"
    assert launch["sources"] in (["memo", "press"], "memo; press")
    assert events["founded"]["people"] in (["ann"], "ann")


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv", "md"])
def test_principle_and_risk_records_hold_their_provenance(fmt):
    (focus,) = records("principles", fmt)
    assert focus["note"] == "Drawn from the memo alone."
    assert focus["sources"] in (["memo"], "memo")
    risks = {r["id"]: r for r in records("risks", fmt)}
    assert risks["concentration"]["confidence"] == "reported"
    assert risks["concentration"]["sources"] in (["press"], "press")


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv", "md"])
def test_metric_records_hold_the_description_and_each_observations_confidence(fmt):
    rows = records("metrics", fmt)
    if fmt in ("json", "yaml"):
        (revenue,) = rows
        assert revenue["description"] == "Annual revenue."
        assert [o["confidence"] for o in revenue["observations"]] == ["official", "estimated"]
        assert revenue["observations"][1]["note"] == "An analyst's guess."
    else:  # a row per observation
        assert [r["description"] for r in rows] == ["Annual revenue."] * 2
        assert [r["observation.confidence"] for r in rows] == ["official", "estimated"]
        assert rows[1]["observation.note"] == "An analyst's guess."


# --- notes in the listings --------------------------------------------------


def _out(*args: str, columns: int) -> list[str]:
    result = run("timeline", "--today", "2025-01-01", *args, env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    return [line.rstrip() for line in result.stdout.splitlines()]


def test_a_disputed_events_note_is_printed_under_the_table_at_60_columns():
    out = _out(columns=60)
    assert out[-3:] == [
        "‡ Product launch (2022-05)",
        "  The memo says May 2022; the press says the launch slipped",
        "  to 2023.",
    ]
    assert "‡ sources disagree" in out[-5]


def test_a_disputed_events_note_is_printed_under_the_table_at_200_columns():
    out = _out(columns=200)
    assert out[-2:] == ["‡ Product launch (2022-05)", f"  {NOTE}"]


def test_the_tree_shows_a_disputed_events_note_under_it():
    out = _out("--view", "tree", columns=80)
    launch = next(i for i, line in enumerate(out) if "Product launch" in line)
    assert "└── The memo says May 2022; the press says" in out[launch + 1]


def test_long_shows_every_events_detail_note_sources_and_confidence():
    out = _out("--long", columns=80)
    text = "\n".join(out)
    assert "The first paid product." in text
    assert "note The memo says May 2022" in text
    assert "sources memo, press  confidence disputed" in text
    assert "sources memo" in text.split("Founded")[1]
    # The notes are in the rows: no list of them under the table.
    assert not any(line.startswith("‡ Product launch") for line in out)


def test_search_hits_carry_the_ref_that_show_takes():
    result = run("search", "launch", "-c", "provenance", "-f", "json")
    assert result.exit_code == 0, result.stderr
    refs = {(h["section"], h["id"]): h["ref"] for h in json.loads(result.stdout)}
    assert refs[("timeline", "launch")] == "timeline/launch"
    assert refs[("lessons", "launch")] == "lessons/launch"
    table = run("search", "launch", "-c", "provenance")
    assert "timeline/launch" in table.stdout


def test_show_as_of_hides_a_summary_that_tells_of_later_events():
    result = run("show", "--as-of", "2020")
    assert result.exit_code == 0, result.stderr
    assert "sold to a rival" not in result.stdout
    assert "summary hidden: written as of 2024" in result.stdout
    record = json.loads(run("show", "--as-of", "2020", "-f", "json").stdout)
    assert record["summary"] is None
    assert "sold to a rival in 2024" in run("show").stdout
