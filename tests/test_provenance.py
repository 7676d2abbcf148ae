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


# --- --long on the other listings --------------------------------------------


def _listing(*args: str, columns: int) -> str:
    result = run(*args, env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    return "\n".join(line.rstrip() for line in result.stdout.splitlines())


@pytest.mark.parametrize("columns", [60, 80, 200])
def test_principles_long_shows_summary_tactic_evidence_note_and_sources(columns):
    out = _listing("principles", "--long", columns=columns)
    assert "Serve one kind of customer well." in out
    assert "evidence sale, launch" in out
    assert "note Drawn from the memo alone." in out
    assert "sources memo" in out
    plain = _listing("principles", columns=columns)
    assert "Drawn from the memo" not in plain and "sources memo" not in plain


def test_principles_long_goes_under_the_title_where_it_cannot_sit_beside_benefit_and_tradeoff():
    narrow = _listing("principles", "-l", columns=60).splitlines()
    assert narrow[0].split() == ["#", "principle"]  # benefit and tradeoff under the title
    title = next(i for i, line in enumerate(narrow) if "Focus on one buyer" in line)
    assert narrow[title + 1].strip() == "Serve one kind of customer well."
    assert narrow[title + 2].strip() == "benefit"
    wide = _listing("principles", "-l", columns=200).splitlines()
    assert wide[0].split() == ["#", "principle", "benefit", "⇄", "tradeoff"]
    assert wide[2].split("   ")[0:2] == ["1.", "Focus on one buyer"]
    assert wide[3].split("   ")[1].strip() == "Serve one kind of customer well."


def test_principle_cards_long_hold_evidence_note_and_sources():
    out = _listing("principles", "--view", "cards", "--long", columns=80)
    assert "│ evidence    sale, launch" in out
    assert "│ note        Drawn from the memo alone." in out
    assert "│ sources     memo" in out


def test_principles_brief_and_long_are_refused_together():
    result = run("principles", "--brief", "--long")
    assert result.exit_code == 2
    assert "--brief and --long" in result.stderr


@pytest.mark.parametrize("columns", [60, 80, 200])
def test_risks_long_shows_mitigations_note_sources_and_confidence(columns):
    out = _listing("risks", "-l", columns=columns)
    block = out.split("Customer concentration")[1].split("Churn")[0]
    assert "mitigations" in block
    assert "• Win a second segment of buyers" in block
    assert "sources press  confidence reported" in block
    churn = out.split("Churn")[1]
    assert "sources press" in churn and "confidence" not in churn
    assert "Win a second segment" not in _listing("risks", columns=columns)


def test_risks_long_is_refused_with_the_matrix_and_with_brief():
    for extra in (["--view", "matrix"], ["--brief"]):
        result = run("risks", "--long", *extra)
        assert result.exit_code == 2, extra
        assert "--long" in result.stderr


@pytest.mark.parametrize("columns", [60, 80, 200])
def test_section_listings_long_show_each_items_note_and_confidence(columns):
    lessons = _listing("lessons", "--long", columns=columns)
    assert "note The press's reading, not the memo's." in lessons
    assert "The press's reading" not in _listing("lessons", columns=columns)
    sources = _listing("sources", "--long", columns=columns)
    assert "Board memo" in sources and "Press coverage" in sources


def test_long_section_listings_keep_citing_sources_by_number():
    out = _listing("lessons", "--long", columns=80)
    assert "[2]" in out and "[2] Press coverage (article, 2024)" in out
    assert "sources press" not in out  # the src column and its legend cite them already


def test_long_leaves_out_what_an_item_does_not_have():
    out = _listing("principles", "--long", columns=200)
    assert "tactic" not in out  # the principle has none
    assert "confidence" not in out


# --- what cites each source ---------------------------------------------------

MEMO_CITED_BY = [
    "people/ann",
    "eras/early",
    "timeline/founded",
    "timeline/launch",
    "metrics/revenue",
    "principles/focus",
]


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv", "md"])
def test_source_records_hold_the_items_citing_each_source(fmt):
    sources = {s["id"]: s for s in records("sources", fmt)}
    memo, press = sources["memo"], sources["press"]
    if fmt in ("csv", "md"):
        assert memo["cited_by"] == "; ".join(MEMO_CITED_BY)
    else:
        assert memo["cited_by"] == MEMO_CITED_BY
        assert "lessons/launch" in press["cited_by"] and "risks/churn" in press["cited_by"]
    # The keys a source record had stay, in their order, before it.
    assert list(memo)[:4] == ["id", "title", "kind", "date"]
    assert memo["url"] == "https://example.com/memo"


def test_cited_by_is_what_show_lists_as_citing_the_source():
    (memo, _) = records("sources", "json")
    shown = json.loads(run("show", "memo", "-f", "json").stdout)
    citing = [f"{b['section']}/{b['id']}" for b in shown["backlinks"] if b["via"] == "sources"]
    assert memo["cited_by"] == citing == MEMO_CITED_BY


def test_every_cited_by_ref_is_one_show_takes():
    (memo, press) = records("sources", "json")
    for ref in memo["cited_by"] + press["cited_by"]:
        result = run("show", ref, "-f", "json")
        assert result.exit_code == 0, (ref, result.stderr)
        assert f"{json.loads(result.stdout)['section']}/{json.loads(result.stdout)['id']}" == ref


def test_an_empty_sources_listing_still_has_a_cited_by_column():
    result = run("sources", "--grep", "nothing matches this", "-f", "csv")
    assert result.stdout.splitlines()[0].endswith(",confidence,cited_by")


@pytest.mark.parametrize("columns", [60, 80, 200])
def test_sources_long_lists_the_refs_citing_each_source_by_section(columns):
    out = _listing("sources", "--long", columns=columns).splitlines()
    lines = [line.strip() for line in out]
    memo = lines.index("cited by")
    assert lines[memo + 1 : memo + 6] == [
        "people ann",
        "eras early",
        "timeline founded, timeline/launch",  # `launch` alone would name the lesson too
        "metrics revenue",
        "principles focus",
    ]
    assert "lessons lessons/launch" in lines
    assert "cited by" not in _listing("sources", columns=columns)


# --- reading widths -------------------------------------------------------------


def test_disputed_notes_wrap_at_a_reading_width_on_a_wide_terminal():
    table = _listing("timeline", "-c", "scale_ai", columns=200).splitlines()
    notes = table[next(i for i, line in enumerate(table) if line.startswith("‡ ")) :]
    assert len(notes) > 10
    assert max(len(line) for line in notes) <= 100
    assert max(len(line) for line in notes) > 80  # wrapped at the reading width, not narrower
    tree = _listing("timeline", "-c", "scale_ai", "--view", "tree", columns=200).splitlines()
    note = next(i for i, line in enumerate(tree) if "Only the case study's unicorn-path table" in line)
    start = tree[note].index("Only")
    assert len(tree[note]) - start <= 100 and tree[note + 1][start:].strip()  # wrapped onto a second line


def test_timeline_long_keeps_its_paragraphs_to_a_reading_width():
    out = _listing("timeline", "--long", "-c", "scale_ai", columns=200).splitlines()
    header = out[0]
    event, category = header.index("event"), header.index("category")
    assert category - event <= 100 + 3
    body = [line[event:] for line in out[2:] if len(line) > event and not line[:event].strip()]
    assert max(len(line.rstrip()) for line in body) <= 100


def test_timeline_long_on_a_narrow_terminal_puts_category_and_era_under_the_title_first():
    out = _listing("timeline", "--long", columns=60).splitlines()
    assert out[0].split() == ["date", "event"]
    title = next(i for i, line in enumerate(out) if "Product launch" in line)
    assert out[title + 1].strip() == "product"
    assert out[title + 2].strip() == "The first paid product."


def test_library_search_hits_carry_the_ref_too_and_say_how_to_show_one():
    result = run("search", "launch", "-f", "json")  # over the library, through its index
    assert result.exit_code == 0, result.stderr
    refs = {(h["section"], h["id"]): h["ref"] for h in json.loads(result.stdout)}
    assert refs == {("timeline", "launch"): "timeline/launch", ("lessons", "launch"): "lessons/launch"}
    table = run("search", "launch", env={"COLUMNS": "80"}).stdout.splitlines()
    assert "timeline/launch" in table[3] and "lessons/launch" in table[-2]
    assert table[-1] == "show one in full: casekit show -c provenance timeline/launch"
    shown = run(*table[-1].split()[5:], "-f", "json")  # the command as printed, after `casekit`
    assert shown.exit_code == 0 and json.loads(shown.stdout)["title"] == "Product launch"


def test_search_over_several_cases_names_the_case_each_ref_belongs_to():
    search_dir = Path(__file__).parent / "fixtures" / "search"
    result = CliRunner().invoke(app, ["--cases-dir", str(search_dir), "search", "croissant"], env=ENV)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "show one in full: casekit show -c alpha croissant-launch"
    hits = json.loads(
        CliRunner().invoke(app, ["--cases-dir", str(search_dir), "search", "croissant", "-f", "json"], env=ENV).stdout
    )
    assert all(h["ref"] for h in hits) and {h["case"] for h in hits} >= {"alpha", "beta"}
    for h in hits:  # each REF shows its item, in its case
        shown = CliRunner().invoke(
            app, ["--cases-dir", str(search_dir), "show", "-c", h["case"], h["ref"], "-f", "json"], env=ENV
        )
        assert shown.exit_code == 0, (h, shown.stderr)
        assert (json.loads(shown.stdout)["section"], json.loads(shown.stdout)["id"]) == (h["section"], h["id"])


@pytest.mark.parametrize("columns", [60, 80, 200])
def test_metrics_long_shows_the_description_and_the_latest_observations_provenance(columns):
    out = _listing("metrics", "--long", "--today", "2025-01-01", columns=columns).splitlines()
    lines = [line.strip() for line in out]
    assert "Annual revenue." in " ".join(out)
    latest = next(i for i, line in enumerate(out) if "latest 2023" in line)
    assert out[latest + 1].index("note") == out[latest].index("latest") + 2  # indented under it
    assert "note An analyst's guess." in lines[latest + 1]
    assert "sources press" in " ".join(lines[latest + 2 : latest + 4])
    assert "An analyst's guess" not in _listing("metrics", "--today", "2025-01-01", columns=columns)
