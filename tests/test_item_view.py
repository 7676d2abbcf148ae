"""`casekit show REF`: one item in full, with its provenance and its links."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "items"


CLI_ARGS = ["--cases-dir", FIXTURES]  # before every run's arguments (tests/conftest.py: run)
CLI_ENV = {"COLUMNS": "80"}


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


LAUNCH = """\
Product launch
timeline  timeline/launch

date        2022-05 ‡
detail      The first paid product.
category    product
confidence  disputed — sources disagree; see the note
note        The memo says May 2022; the press says the launch slipped to 2023.

Sources (2)
  [1] Board memo
      memo · 2023-03 · The board
      https://example.com/memo
  [2] Press coverage
      article · 2024

Links (2)
  era           2022/..  Later days · later
  evidence for  1. Focus on one buyer · focus
"""


def test_an_event_in_full_at_80_columns(run):
    result = run("show", "timeline/launch", "--today", "2025-01-01")
    assert result.exit_code == 0, result.stderr
    assert lines(result.stdout) == lines(LAUNCH)


PRINCIPLE = """\
1. Focus on one buyer
principles  focus

summary   Serve one kind of customer well.
benefit   Faster sales.
tradeoff  A smaller market.
note      Drawn from the memo alone.

Sources (1)
  [1] Board memo
      memo · 2023-03 · The board
      https://example.com/memo

Links (4)
  evidence  2022-05 ‡  Product launch · timeline/launch
            2024  Sold to a rival · sale
  risks     high  Customer concentration · concentration
            low  Churn · churn
"""


def test_a_principle_shows_its_evidence_and_its_risks_both_ways(run):
    result = run("show", "focus")
    assert result.exit_code == 0, result.stderr
    assert lines(result.stdout) == lines(PRINCIPLE)


def test_a_metric_shows_each_observation_with_its_confidence_note_and_sources(run):
    result = run("show", "revenue")
    assert result.exit_code == 0, result.stderr
    out = lines(result.stdout)
    assert out[out.index("Observations (2)") + 1 :][:5] == [
        "  2022  $2M  [1]",
        "        official — from the company or a filing",
        "  2023  ~$5M  [2]",
        "        estimated — by analysts",
        "        An analyst's guess.",
    ]


def test_a_source_lists_the_items_that_cite_it(run):
    result = run("show", "memo")
    assert result.exit_code == 0, result.stderr
    out = lines(result.stdout)
    assert out[out.index("Cited by (6)") + 1 :] == [
        "  people      Ann Lee · ann",
        "  eras        2019/2021  Early days · early",
        "  timeline    2019  Founded · founded",
        "              2022-05 ‡  Product launch · timeline/launch",
        "  metrics     Revenue · revenue",
        "  principles  1. Focus on one buyer · focus",
    ]


def test_an_ambiguous_ref_exits_2_with_the_candidates(run):
    result = run("show", "launch")
    assert result.exit_code == 2
    assert "`launch` names 2 items in provenance" in result.stderr
    assert "one of timeline/launch, lessons/launch" in result.stderr
    assert result.stdout == ""


def test_an_unknown_ref_exits_2_with_did_you_mean(run):
    result = run("show", "revenu")
    assert result.exit_code == 2
    assert "no item `revenu` in provenance" in result.stderr
    assert "did you mean `revenue`?" in result.stderr


def test_an_item_later_than_as_of_is_said_to_be_so(run):
    result = run("show", "sale", "--as-of", "2023")
    assert result.exit_code == 2
    assert "`sale` is not in provenance as of 2023" in result.stderr
    assert run("show", "founded", "--as-of", "2023").exit_code == 0


def test_tree_and_ref_are_refused_together(run):
    result = run("show", "sale", "--tree")
    assert result.exit_code == 2
    assert "not both" in result.stderr


def test_the_record_holds_every_field_and_the_links_both_ways(run):
    result = run("show", "focus", "-f", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert (record["case"], record["section"], record["ref"], record["id"]) == (
        "provenance",
        "principles",
        "focus",
        "focus",
    )
    assert record["note"] == "Drawn from the memo alone."
    assert record["sources"] == ["memo"]
    assert [(x["ref"], x["via"]) for x in record["links"]] == [
        ("timeline/launch", "evidence"),
        ("sale", "evidence"),
        ("concentration", "risks"),
        ("memo", "sources"),
    ]
    assert record["backlinks"] == [
        {"section": "risks", "id": "churn", "ref": "churn", "title": "Churn", "via": "principles"}
    ]
    yaml_out = run("show", "focus", "-f", "yaml")
    assert yaml_out.exit_code == 0
    assert "backlinks:" in yaml_out.stdout


def test_a_source_url_is_a_terminal_hyperlink_only_where_the_terminal_takes_one(run):
    from rich.console import Console

    from casekit.links import resolve_ref
    from casekit.loader import load_case
    from casekit.render.item import item_view

    case = load_case(FIXTURES / "provenance.yaml")
    section, item = resolve_ref(case, "memo")
    colour = Console(force_terminal=True, color_system="truecolor", width=80, record=False)
    with colour.capture() as captured:
        colour.print(item_view(case, section, item))
    assert "\x1b]8;" in captured.get() and "https://example.com/memo" in captured.get()
    # Piped (as CliRunner's output is), no escape sequence at all.
    result = run("show", "memo", env={"NO_COLOR": ""})
    assert "\x1b" not in result.stdout
    assert "https://example.com/memo" in result.stdout


def test_a_url_that_could_break_out_of_the_link_is_not_linked():
    from casekit.render.text import link_style

    assert link_style("https://example.com/a\x1b\\b") == ""
    assert link_style("javascript:alert(1)", "dim") == "dim"
    assert link_style("https://example.com/ok").link == "https://example.com/ok"
