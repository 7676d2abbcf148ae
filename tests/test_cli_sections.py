"""`casekit principles`, `principle`, `risks` and the section listings, through the CLI."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casekit.cli.app import app

FIXTURES = Path(__file__).parent / "fixtures" / "sections"
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "CASEKIT_CASE": "", "CASEKIT_PATH": ""}


CLI_ARGS = ["--cases-dir", FIXTURES]  # before every run's arguments (tests/conftest.py: run)


def run_json(run, *args: str):
    result = run(*args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


# --- principles -------------------------------------------------------------

PRINCIPLES_TABLE = """\
 #   principle            benefit                ⇄ tradeoff
────────────────────────────────────────────────────────────────────────────────────────────────────
1.   Focus on one buyer   Faster sales.          A smaller market, and a business that rises and
                                                 falls with one kind of buyer and its budget cycle;
                                                 when that buyer stops spending, so does everyone
                                                 you sell to.

2.   Price high           Margins.               Fewer customers.

3.   Sell direct          Owning the customer.   A costly sales team.
"""


def test_principles_table_at_100_columns(run):
    result = run("principles", "-c", "crossrefs")
    assert result.exit_code == 0, result.stderr
    assert lines(result.stdout) == lines(PRINCIPLES_TABLE)


def test_principles_table_colours_benefit_and_tradeoff_apart():
    from rich.console import Console

    from casekit.loader import load_case
    from casekit.render.principles import principles_table

    console = Console(width=100, force_terminal=True, color_system="standard", record=True)
    console.print(principles_table(load_case(FIXTURES / "crossrefs.yaml").principles))
    out = console.export_text(styles=True)
    assert "\x1b[32mFaster sales." in out  # benefit in green
    assert "\x1b[35mFewer customers." in out  # tradeoff in magenta


def test_principles_brief_lists_numbers_and_titles_only(run):
    result = run("principles", "-c", "crossrefs", "--brief")
    assert lines(result.stdout) == ["1.  Focus on one buyer", "2.  Price high", "3.  Sell direct"]


@pytest.mark.parametrize("columns", [20, 24, 30, 40, 60, 80, 200])
def test_principles_brief_over_several_cases_wraps_titles_and_loses_nothing(run, columns):
    result = run("principles", "-c", "crossrefs", "-c", "more_principles", "--brief", env={"COLUMNS": str(columns)})
    out = lines(result.stdout)
    assert result.exit_code == 0 and "…" not in result.stdout
    assert all(len(line) <= columns for line in out)
    words = " ".join(out).split()
    for title in ["Focus on one buyer", "Price high", "Sell direct", "Listen first", "Ship weekly"]:
        assert title in " ".join(words)
    assert words.count("crossrefs") + words.count("more_principles") >= 2


def test_principles_brief_puts_the_case_above_its_titles_when_a_column_would_crowd_them(run):
    out = lines(run("principles", "-c", "crossrefs", "-c", "more_principles", "--brief", env={"COLUMNS": "30"}).stdout)
    assert out == [
        "crossrefs",
        "1.  Focus on one buyer",
        "2.  Price high",
        "3.  Sell direct",
        "more_principles",
        "1.  Listen first",
        "2.  Ship weekly",
    ]
    wide = lines(run("principles", "-c", "crossrefs", "-c", "more_principles", "--brief").stdout)
    assert wide[0] == "crossrefs" + " " * 8 + "1.  Focus on one buyer"


@pytest.mark.parametrize("columns", [20, 24, 30])
def test_principles_brief_wraps_a_long_title_under_itself(columns):
    result = CliRunner().invoke(
        app,
        ["--cases-dir", str(FIXTURES / "long_titles"), "principles", "--brief"],
        env={**ENV, "COLUMNS": str(columns)},
    )
    out = lines(result.stdout)
    assert result.exit_code == 0 and "…" not in result.stdout
    assert all(len(line) <= columns for line in out)
    assert out[0].startswith(" 1.  Own the") and all(line.startswith("     ") for line in out[1:-1])
    assert "".join(" ".join(out).split()) == ("1.Ownthedata_labelling_pipeline[bold]end[/bold]toend10.Shipweekly")


def test_principles_cards_show_each_principle_in_a_panel(run):
    result = run("principles", "-c", "crossrefs", "--view", "cards")
    out = result.stdout
    assert out.count("╭─") == 3
    assert "1. Focus on one buyer" in out and "⇄ tradeoff" in out and "Say no to the rest." in out
    assert "3 evidence events · 1 risk" in out and "0 evidence events · 0 risks" in out


def test_principles_filters_by_tag_grep_and_limit(run):
    assert [p["n"] for p in run_json(run, "principles", "-c", "crossrefs", "--tag", "sales")] == [1, 3]
    assert [p["n"] for p in run_json(run, "principles", "-c", "crossrefs", "-t", "sales", "-t", "market")] == [1]
    assert [p["n"] for p in run_json(run, "principles", "-c", "crossrefs", "--grep", "RESELLER")] == [3]
    assert [p["n"] for p in run_json(run, "principles", "-c", "crossrefs", "--limit", "2")] == [1, 2]


def test_principles_json_keeps_the_spec_keys(run):
    records = run_json(run, "principles", "-c", "crossrefs")
    assert list(records[0]) == [
        "n",
        "id",
        "title",
        "summary",
        "benefit",
        "tradeoff",
        "tactic",
        "evidence",
        "risks",
        "tags",
        "sources",
        "confidence",
        "note",
    ]
    assert records[0]["evidence"] == ["deal", "founded", "launch"]
    assert records[0]["sources"] == ["memo"]


QUERY = Path(__file__).parent / "fixtures" / "query" / "dated_everywhere.yaml"


def test_people_eras_sources_and_quotes_as_of_drop_what_came_later(run):
    people = run_json(run, "people", "-c", str(QUERY), "--as-of", "2020")
    assert [(p["id"], [(r["title"], r["period"]) for r in p["roles"]]) for p in people] == [
        ("ann", [("CEO", "2018/..")])
    ]
    eras = run_json(run, "eras", "-c", str(QUERY), "--as-of", "2020")
    assert [(e["id"], e["period"], e["end"]) for e in eras] == [
        ("first", "2015/2018", "2018-12-31"),
        ("middle", "2018/..", None),
    ]
    assert [s["id"] for s in run_json(run, "sources", "-c", str(QUERY), "--as-of", "2020")] == [
        "old",
        "outlook",
        "undated",
    ]
    assert [q["id"] for q in run_json(run, "quotes", "-c", str(QUERY), "--as-of", "2020")] == ["q_2019", "q_undated"]


def test_principles_as_of_drops_later_evidence(run):
    records = run_json(run, "principles", "-c", str(QUERY), "--as-of", "2020")
    assert [(r["id"], r["evidence"]) for r in records] == [("p", ["founded"])]


def test_principles_and_risks_as_of_drop_those_known_only_from_later_sources(run):
    # Every principle and risk of crossrefs cites a memo of 2023 or press of 2024.
    assert run_json(run, "principles", "-c", "crossrefs", "--as-of", "2022") == []
    assert run_json(run, "risks", "-c", "crossrefs", "--as-of", "2022") == []
    assert [r["id"] for r in run_json(run, "principles", "-c", "crossrefs", "--as-of", "2023")] == [
        "focus",
        "price_high",
    ]


def test_no_matching_principles_says_so_on_stderr(run):
    result = run("principles", "-c", "crossrefs", "--grep", "zzz")
    assert result.exit_code == 0 and result.stdout == "" and "no principles match" in result.stderr


# --- principle REF ----------------------------------------------------------


@pytest.mark.parametrize("ref", ["1", "focus"])
def test_principle_in_full_by_number_or_id(run, ref):
    result = run("principle", ref, "-c", "crossrefs")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("1. Focus on one buyer")
    assert "Serve one kind of customer well." in out and "⇄ tradeoff" in out
    # evidence in date order, by date and title
    assert out.index("2019     Founded") < out.index("2022-05  Product launch") < out.index("2023-Q1  Big deal")
    assert "high  Customer concentration" in out
    assert "3.  Sell direct" in out and "shares #sales" in out


def test_principle_shows_risks_that_name_it(run):
    out = run("principle", "price_high", "-c", "crossrefs").stdout
    assert "medium  A price war" in out


def test_unknown_principle_exits_2_and_lists_the_numbers(run):
    result = run("principle", "9", "-c", "crossrefs")
    assert result.exit_code == 2
    assert "no principle `9`" in result.stderr and "1, 2, 3" in result.stderr
    assert result.stdout == ""


def test_principle_json_adds_resolved_references(run):
    record = run_json(run, "principle", "2", "-c", "crossrefs")
    assert record["id"] == "price_high"
    assert [e["id"] for e in record["evidence_events"]] == ["launch"]
    assert record["related_risks"] == [
        {"id": "price_war", "title": "A price war", "severity": "medium", "likelihood": None}
    ]
    assert record["related_principles"] == []


# --- risks ------------------------------------------------------------------

RISK_ORDER = ["critical", "high_high_a", "high_high_b", "high_low", "high_unrated", "mh", "med_high_lik", "low"]


def test_risks_json_in_severity_order_with_spec_keys(run):
    records = run_json(run, "risks", "-c", "risk_order")
    assert [r["id"] for r in records] == RISK_ORDER
    assert list(records[0]) == [
        "id",
        "title",
        "severity",
        "likelihood",
        "horizon",
        "description",
        "mitigations",
        "principles",
        "sources",
        "confidence",
        "note",
    ]


def test_risks_table_in_severity_order(run):
    out = run("risks", "-c", "risk_order").stdout
    titles = [
        "Critical",
        "High and likely A",
        "High and likely B",
        "High and unlikely",
        "High without likelihood",
        "Medium-high",
        "Medium but likely",
        "Low",
    ]
    positions = [out.index(t) for t in titles]
    assert positions == sorted(positions)


def test_min_severity_filters_and_rejects_unknown_levels(run):
    assert [r["id"] for r in run_json(run, "risks", "-c", "risk_order", "--min-severity", "high")] == RISK_ORDER[:5]
    result = run("risks", "-c", "risk_order", "--min-severity", "severe")
    assert result.exit_code == 2


def test_risks_show_linked_principles_by_number_and_title_both_ways(run):
    out = run("risks", "-c", "crossrefs").stdout
    assert "1. Focus on one buyer" in out  # named by the risk and by the principle
    assert "2. Price high" in out  # named by the risk only


def test_risk_records_give_the_linked_principles_both_ways_as_the_table_does(run):
    assert run_json(run, "risks", "-c", "risk_named_by_principles")[0]["principles"] == [
        "one_vendor",
        "own_the_stack",
        "scale_fast",
    ]  # declared, then the principles naming the risk
    assert run_json(run, "risks", "-c", "crossrefs")[1]["principles"] == ["price_high"]  # no duplicate


def _matrix_rows(out: str) -> dict[str, list[str]]:
    """`header` and severity → the text of their cells, a cell's wrapped lines joined."""
    rows: dict[str, list[str]] = {}
    current = "header"
    for line in out.splitlines():
        if line.startswith("├"):
            current = None
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if current is None:
            current = cells[0]
        rows[current] = [f"{a} {b}".strip() for a, b in zip(rows.get(current, [""] * len(cells)), cells[1:])]
    return rows


def test_risk_matrix_severity_rows_likelihood_columns_and_unrated(run):
    rows = _matrix_rows(run("risks", "-c", "risk_order", "--view", "matrix").stdout)
    assert list(rows) == ["header", "critical", "high", "medium-high", "medium", "low"]
    assert rows["header"] == ["low", "medium", "high", "unrated"]
    assert rows["critical"] == ["• Critical", "", "", ""]
    assert rows["high"] == [
        "• High and unlikely",
        "",
        "• High and likely A • High and likely B",
        "• High without likelihood",
    ]
    assert rows["medium"] == ["", "", "• Medium but likely", ""]
    assert rows["low"] == ["", "", "", "• Low"]


def test_risk_matrix_leaves_out_the_unrated_column_when_every_risk_is_rated(run):
    out = run("risks", "-c", "crossrefs", "--view", "matrix", "--min-severity", "high").stdout
    assert "unrated" not in out and "Customer concentration" in out


# --- the other listings -----------------------------------------------------


def test_moats_by_rank(run):
    assert [m["rank"] for m in run_json(run, "moats", "-c", "analysis")] == [1, 2, 3]
    out = run("moats", "-c", "analysis").stdout
    assert out.index("#1") < out.index("#2") < out.index("#3")


def test_competitors_grouped_by_segment(run):
    assert [c["name"] for c in run_json(run, "competitors", "-c", "analysis")] == ["Alpha", "Gamma", "Beta", "Delta"]
    out = lines(run("competitors", "-c", "analysis").stdout)
    names = [line.split()[0] for line in out[2:] if line.strip() and not line.startswith("[")]
    assert names == ["Hardware", "Alpha", "Gamma", "Software", "Beta", "(no", "Delta"]


def test_quotes_show_the_speakers_name_and_cite_sources_by_number(run):
    out = run("quotes", "-c", "crossrefs").stdout
    assert "Ann Lee" in out and "An analyst" in out
    assert "[2] Press coverage (article, 2024)" in out
    assert out.index("They focus too much.") < out.index("We focus.")  # date order


def test_sources_count_the_facts_citing_them(run):
    out = lines(run("sources", "-c", "crossrefs").stdout)
    memo = next(line for line in out if "memo " in line)
    press = next(line for line in out if "press " in line)
    assert memo.startswith("[1]") and memo.endswith(" 5")
    assert press.startswith("[2]") and press.endswith(" 8")


def test_eras_show_their_event_counts_in_period_order(run):
    out = lines(run("eras", "-c", "crossrefs").stdout)
    early = next(line for line in out if "Early days" in line)
    later = next(line for line in out if "Later days" in line)
    assert out.index(early) < out.index(later)
    assert early.split()[-2] == "1" and later.split()[-2] == "2"


def test_people_show_roles_and_events(run):
    out = run("people", "-c", "crossrefs").stdout
    assert "Ann Lee" in out and "CEO  2019/.." in out and "[1] Board memo (memo, 2023)" in out


def test_flywheel_draws_each_loop_back_to_its_start(run):
    result = run("flywheel", "-c", "analysis")
    assert result.exit_code == 0 and result.stderr == ""
    assert "Loop 1  users → data → product → users ↺" in result.stdout
    assert "Loop 2  users → revenue → users ↺" in result.stdout
    assert "Users make data." in result.stdout


def test_an_open_flywheel_warns_on_stderr_and_shows_the_stray_edge(run):
    result = run("flywheel", "-c", "open_flywheel")
    assert result.exit_code == 0
    assert "warning" in result.stderr and "data → profit" in result.stderr and "profit" in result.stderr
    assert "users → data → users ↺" in result.stdout
    assert "Not in any loop" in result.stdout
    # the warning is given with machine formats too, and stdout stays clean JSON
    machine = run("flywheel", "-c", "open_flywheel", "-f", "json")
    assert "data → profit" in machine.stderr and len(json.loads(machine.stdout)) == 3


def test_a_case_without_a_section_says_so(run):
    result = run("moats", "-c", "crossrefs")
    assert result.exit_code == 0 and result.stdout == "" and "crossrefs has no moats" in result.stderr


# --- records of every listing -----------------------------------------------

SHAPES = {
    "people": ("crossrefs", ["id", "name", "roles", "sources", "note", "confidence"]),
    "eras": (
        "crossrefs",
        ["id", "title", "period", "start", "end", "edtf", "summary", "sources", "note", "confidence"],
    ),
    "sources": (
        "crossrefs",
        [
            "id",
            "title",
            "kind",
            "date",
            "start",
            "end",
            "edtf",
            "author",
            "url",
            "file",
            "sources",
            "note",
            "confidence",
            "cited_by",
        ],
    ),
    "quotes": (
        "crossrefs",
        ["id", "text", "speaker", "date", "start", "end", "edtf", "context", "sources", "note", "confidence"],
    ),
    "moats": (
        "analysis",
        ["id", "rank", "title", "time_to_replicate", "cost", "description", "sources", "note", "confidence"],
    ),
    "flywheel": ("analysis", ["id", "from", "to", "description", "sources", "note", "confidence"]),
    "competitors": (
        "analysis",
        ["id", "name", "segment", "position", "scale", "notes", "sources", "note", "confidence"],
    ),
    "drivers": ("analysis", ["id", "title", "description", "horizon", "sources", "note", "confidence"]),
    "lessons": ("analysis", ["id", "title", "summary", "sources", "note", "confidence"]),
}


@pytest.mark.parametrize("section", sorted(SHAPES))
def test_each_listing_emits_one_record_per_item(run, section):
    from casekit.loader import load_case

    case_id, keys = SHAPES[section]
    records = run_json(run, section, "-c", case_id)
    items = getattr(load_case(FIXTURES / f"{case_id}.yaml"), section)
    assert len(records) == len(items)
    assert sorted(r["id"] for r in records) == sorted(i.id for i in items)
    assert list(records[0]) == keys


@pytest.mark.parametrize("section", sorted(SHAPES))
def test_listings_over_several_cases_add_the_case(run, section):
    records = run_json(run, section, "-c", "crossrefs", "-c", "analysis")
    assert records and all(list(r)[0] == "case" for r in records)
    assert {r["case"] for r in records} <= {"crossrefs", "analysis"}


def test_listing_grep_and_limit(run):
    assert [c["id"] for c in run_json(run, "competitors", "-c", "analysis", "--grep", "GAMMA")] == ["c"]
    assert len(run_json(run, "competitors", "-c", "analysis", "--limit", "2")) == 2


def test_several_cases_show_a_case_column_and_a_case_named_twice_counts_once(run):
    result = run("lessons", "-c", "analysis", "-c", "crossrefs", "-c", "analysis")
    out = lines(result.stdout)
    assert out[0].split()[:2] == ["case", "lesson"]
    assert sum("Keep it simple" in line for line in out) == 1
    records = run_json(run, "lessons", "-c", "analysis", "-c", "analysis")
    assert len(records) == 1 and "case" not in records[0]


def test_all_and_case_together_are_refused(run):
    result = run("lessons", "-c", "analysis", "--all")
    assert result.exit_code == 2 and "--all" in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "md", "yaml"])
def test_machine_formats_have_no_colour_codes(run, fmt):
    result = run("principles", "-c", "crossrefs", "-f", fmt, env={"NO_COLOR": ""})
    assert result.exit_code == 0 and "\x1b[" not in result.stdout and "Focus on one buyer" in result.stdout


def test_case_text_is_never_markup(tmp_path):
    text = (FIXTURES / "crossrefs.yaml").read_text().replace("title: Price high", 'title: "[bold]Price[/] high"')
    (tmp_path / "crossrefs.yaml").write_text(text)
    result = CliRunner().invoke(
        app, ["--cases-dir", str(tmp_path), "principles", "-c", "crossrefs", "--brief"], env=ENV
    )
    assert "[bold]Price[/] high" in result.stdout


@pytest.mark.parametrize("command", ["principles", "risks", "flywheel", "moats"])
def test_section_commands_do_not_import_pandas(command):
    code = (
        "import sys\nfrom casekit.cli import main\nsys.argv = ['casekit', %r]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('PANDAS' if 'pandas' in sys.modules else 'LIGHT')\n" % command
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **ENV})
    assert done.stderr.endswith("LIGHT")


def test_the_command_module_is_light_at_import():
    code = (
        "import sys\nimport casekit.cli.app\n"
        "heavy = [m for m in ('rich', 'casekit.sections', 'casekit.render.sections', 'casekit.render.principles')"
        " if m in sys.modules]\nprint(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]"


def test_risks_on_a_narrow_terminal_fold_likelihood_and_horizon_into_the_cells(run):
    wide = run("risks", "-c", "crossrefs").stdout
    assert lines(wide)[0].split() == ["severity", "likely", "risk", "principles"]  # no risk has a horizon
    result = run("risks", "-c", "crossrefs", env={"COLUMNS": "70"})
    out = lines(result.stdout)
    assert out[0].split() == ["severity", "risk", "principles"]
    assert "likely medium" in result.stdout and "Customer concentration" in result.stdout
    assert all(len(line) <= 70 for line in out)
    # Narrower still, the principles go under the risk, each indented under a label.
    out = lines(run("risks", "-c", "crossrefs", env={"COLUMNS": "40"}).stdout)
    assert out[0].split() == ["severity", "risk"]
    assert [line.strip() for line in out[3:5]] == ["likely medium   principles", "1. Focus on one buyer"]
    assert all(len(line) <= 40 for line in out)


def test_wrapped_principle_titles_hang_under_their_first_word(run):
    out = lines(run("risks", "-c", "crossrefs", env={"COLUMNS": "36"}).stdout)
    start = next(i for i, line in enumerate(out) if line.endswith("1. Focus on one"))
    column = out[start].index("Focus")
    assert out[start + 1] == " " * column + "buyer"


def test_risk_matrix_on_narrow_terminals_keeps_every_title(run):
    for columns in (40, 60, 80):
        out = run("risks", "-c", "risk_order", "--view", "matrix", env={"COLUMNS": str(columns)}).stdout
        assert all(len(line) <= columns for line in lines(out))
        assert "…" not in out
        flat = "".join("".join(" ".join(cells) for cells in _matrix_rows(out).values()).split())
        for title in (
            "Critical",
            "High and unlikely",
            "High and likely A",
            "High without likelihood",
            "Medium-high",
            "Medium but likely",
            "Low",
        ):
            assert "".join(title.split()) in flat
    # At 40 columns the grid gives way to a list of risks by likelihood under each severity.
    narrow = run("risks", "-c", "risk_order", "--view", "matrix", env={"COLUMNS": "40"}).stdout
    assert "risks by likelihood" in narrow and "high likelihood" in narrow


def test_listings_fit_a_narrow_terminal_without_losing_text(run):
    for section, case_id, needle in [
        ("competitors", "analysis", "Gamma"),
        ("quotes", "crossrefs", "analyst"),
        ("sources", "crossrefs", "Board memo"),
        ("moats", "analysis", "Network"),
    ]:
        out = run(section, "-c", case_id, env={"COLUMNS": "50"}).stdout
        assert needle in out and "…" not in out
        assert all(len(line) <= 50 for line in lines(out)), section


def test_flywheel_grep_shows_the_loops_through_a_matching_edge_numbered_as_in_the_whole(run):
    result = run("flywheel", "-c", "analysis", "--grep", "revenue")
    assert "Loop 2  users → revenue → users ↺" in result.stdout and "Loop 1" not in result.stdout
    assert [r["id"] for r in run_json(run, "flywheel", "-c", "analysis", "--grep", "revenue")] == ["f4", "f5"]


# --- narrow terminals wrap, never lose text (SPEC §8) -----------------------

NARROW_COMMANDS = {
    "metrics": ["metrics"],
    "metric": ["metric", "valuation"],
    "segments": ["segments"],
    "risks": ["risks"],
    "matrix": ["risks", "--view", "matrix"],
    "moats": ["moats"],
    "competitors": ["competitors"],
}


def _down_the_columns(out: str) -> str:
    """The output read column by column within each block of lines (blocks end at blank lines and
    rules), so a cell wrapped beside other cells reads as one text. Columns are split where every
    line of the block has three or more spaces."""
    blocks: list[list[str]] = [[]]
    for line in out.splitlines():
        if not line.strip() or set(line.strip()) <= {"─"}:
            blocks.append([])
        else:
            blocks[-1].append(line)
    parts = []
    for block in filter(None, blocks):
        width = max(len(line) for line in block)
        block = [line.ljust(width) for line in block]
        blank = [all(line[i] == " " for line in block) for i in range(width)]
        cuts, start = [0], None
        for i, empty in enumerate([*blank, False]):
            if empty and start is None:
                start = i
            elif not empty and start is not None:
                if i - start >= 3:
                    cuts.append(i)
                start = None
        cuts.append(width)
        for a, b in itertools.pairwise(cuts):
            parts.append("\n".join(line[a:b] for line in block))
    return "\n".join(parts)


def test_reading_down_the_columns_joins_wrapped_cells():
    out = "name         value\n───────────────────\nAnnualised   $1.4B\nrevenue       2024\n\nnote text"
    assert "".join(_down_the_columns(out).split()) == "namevalueAnnualisedrevenue$1.4B2024notetext"


@pytest.fixture(scope="module")
def bundled():
    from casekit.library import bundled_dir
    from casekit.loader import load_case

    path = bundled_dir() / "scale_ai.yaml"
    return path, load_case(path), path.read_text(encoding="utf-8")


def _shown_texts(case, command: str) -> list[str]:
    """The case text a command must show in full: names, titles, figures."""

    def shown(value) -> list[str]:
        return [value.display()] if value is not None else []

    if command == "metrics":
        from casekit.analytics import metric_summary

        texts = []
        for m in case.metrics:
            s = metric_summary(m)
            texts += [m.name, m.id, *shown(s.latest and s.latest.value), *shown(s.previous and s.previous.value)]
        return texts
    if command == "metric":
        (m,) = [m for m in case.metrics if m.id == "valuation"]
        return [m.name, *(o.value.display() for o in m.observations)]
    if command == "segments":
        return [t for s in case.segments for t in (s.name, *shown(s.revenue), *shown(s.growth), *shown(s.margin))]
    if command == "risks":
        from casekit.sections import linked_principles

        return [
            t
            for r in case.risks
            for t in (r.title, r.description or "", *(p.title for p in linked_principles(case, r)))
        ]
    if command == "matrix":
        return [r.title for r in case.risks]
    if command == "moats":
        return [t for m in case.moats for t in (m.title, m.description or "", m.time_to_replicate or "", m.cost or "")]
    return [t for c in case.competitors for t in (c.name, c.position or "", c.notes or "", *shown(c.scale))]


@pytest.mark.parametrize("columns", [40, 60, 80, 200])
@pytest.mark.parametrize("command", sorted(NARROW_COMMANDS))
def test_narrow_terminals_wrap_and_never_lose_text(bundled, command, columns):
    path, case, raw = bundled
    result = CliRunner().invoke(app, [*NARROW_COMMANDS[command], "-c", str(path)], env={**ENV, "COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    too_long = [line for line in out.splitlines() if len(line) > columns]
    assert not too_long, too_long
    assert out.count("…") <= raw.count("…"), "text was cut with an ellipsis"
    if command == "matrix":  # read the grid cell by cell, not line by line across the borders
        out = "\n".join(" ".join(cells) for cells in _matrix_rows(out).values())
    flat = "".join(_down_the_columns(out).split())
    missing = [text for text in _shown_texts(case, command) if "".join(text.split()) not in flat]
    assert not missing, missing


@pytest.mark.parametrize("columns", [60, 80, 200])
@pytest.mark.parametrize("command", sorted(NARROW_COMMANDS))
def test_words_are_broken_only_at_spaces_or_underscores(bundled, command, columns):
    import re

    path, case, _ = bundled
    out = (
        CliRunner()
        .invoke(app, [*NARROW_COMMANDS[command], "-c", str(path)], env={**ENV, "COLUMNS": str(columns)})
        .stdout
    )
    words = {
        piece for text in _shown_texts(case, command) for word in text.split() for piece in re.findall(r"[^_]+_?", word)
    }
    broken = sorted(word for word in words if word not in out)
    assert not broken, broken


@pytest.mark.parametrize("columns", [40, 60])
def test_principles_on_a_narrow_terminal_stack_benefit_and_tradeoff_under_the_title(bundled, columns):
    path, case, _ = bundled
    out = lines(CliRunner().invoke(app, ["principles", "-c", str(path)], env={**ENV, "COLUMNS": str(columns)}).stdout)
    assert out[0].split() == ["#", "principle"]
    assert all(len(line) <= columns for line in out)
    words = {w for p in case.principles for text in (p.title, p.benefit, p.tradeoff) for w in text.split()}
    shown = {w for line in out for w in line.split()}
    assert sorted(words - shown) == []  # no word broken across lines
    assert sum(line.strip() == "benefit" for line in out) == len(case.principles)
    assert sum(line.strip() == "⇄ tradeoff" for line in out) == len(case.principles)
    assert out[2].startswith(" 1.   ")  # the number never wraps


def test_a_card_title_too_long_for_the_border_is_the_cards_first_line(bundled):
    path, case, _ = bundled
    out = (
        CliRunner().invoke(app, ["principles", "-c", str(path), "--view", "cards"], env={**ENV, "COLUMNS": "40"}).stdout
    )
    flat = " ".join(line.strip("│╭╮─ ") for line in out.splitlines())
    flat = " ".join(flat.split())
    for p in case.principles:
        assert f"{p.n}. {p.title}" in flat, p.title
    long = next(p for p in case.principles if len(p.title) > 30)
    first = next(i for i, line in enumerate(out.splitlines()) if f"{long.n}. " in line)
    assert out.splitlines()[first - 1] == "╭" + "─" * 38 + "╮"  # a plain top border, the title under it


def test_risks_leave_out_columns_no_risk_fills(run):
    out = lines(run("risks", "-c", "unrated_risks", env={"COLUMNS": "200"}).stdout)
    assert out[0].split() == ["severity", "risk"]
    assert out[2].split() == ["high", "Customers", "leave"]
    assert "—" not in "\n".join(out)


def test_on_a_wide_terminal_prose_stops_at_a_reading_width_and_side_columns_take_the_rest(bundled):
    path, case, _ = bundled
    out = lines(CliRunner().invoke(app, ["risks", "-c", str(path)], env={**ENV, "COLUMNS": "200"}).stdout)
    header = out[0]
    assert header.index("horizon") - header.index("risk") - 3 <= 100
    out = lines(CliRunner().invoke(app, ["moats", "-c", str(path)], env={**ENV, "COLUMNS": "200"}).stdout)
    header = out[0]
    assert header.index("time to replicate") - header.index("moat") - 3 <= 100
    short = [m.time_to_replicate for m in case.moats if m.time_to_replicate and len(m.time_to_replicate) <= 40]
    assert short and all(any(text in line for line in out) for text in short)  # not wrapped: there is room


def test_a_wrapped_principle_title_hangs_under_its_first_word(bundled):
    path, case, _ = bundled
    p = next(p for p in case.principles if len(p.title) > 36)
    out = lines(CliRunner().invoke(app, ["principle", str(p.n), "-c", str(path)], env={**ENV, "COLUMNS": "40"}).stdout)
    indent = len(f"{p.n}. ")
    assert out[0].startswith(f"{p.n}. ") and out[1].startswith(" " * indent) and out[1][indent] != " "


# --- listings over several cases ----------------------------------------------


@pytest.mark.parametrize("command", ["principles", "risks"])
def test_principles_and_risks_over_several_cases_add_the_case_to_every_record(run, command):
    records = run_json(run, command, "-c", "crossrefs", "-c", "more_principles")
    assert {r["case"] for r in records} == {"crossrefs", "more_principles"}
    assert all(list(r)[0] == "case" for r in records)
    # Case by case, each in its listing's order; --limit counts them all.
    assert [r["case"] for r in records] == sorted(r["case"] for r in records)
    assert len(run_json(run, command, "-c", "crossrefs", "-c", "more_principles", "--limit", "2")) == 2
    # A case named twice is listed once, without a case key.
    assert "case" not in run_json(run, command, "-c", "crossrefs", "-c", "crossrefs")[0]


def test_principles_over_several_cases_show_a_case_column(run):
    out = lines(run("principles", "-c", "crossrefs", "-c", "more_principles").stdout)
    assert out[0].split()[:3] == ["case", "#", "principle"]
    assert any(line.split()[:3] == ["more_principles", "2.", "Ship"] for line in out)
    brief = lines(run("principles", "-c", "crossrefs", "-c", "more_principles", "--brief").stdout)
    assert brief[-1].split() == ["more_principles", "2.", "Ship", "weekly"]
    # Narrow, the case goes under each title rather than taking a column from the text.
    narrow = lines(run("principles", "-c", "crossrefs", "-c", "more_principles", env={"COLUMNS": "40"}).stdout)
    assert narrow[0].split() == ["#", "principle"] and "     case more_principles" in narrow


def test_principle_cards_over_several_cases_go_under_each_cases_name(run):
    out = run("principles", "-c", "crossrefs", "-c", "more_principles", "--view", "cards").stdout
    assert out.count("╭─") == 5
    assert out.index("More Principles Co  more_principles") < out.index("1. Listen first")


def test_risks_over_several_cases_show_a_case_column(run):
    out = lines(run("risks", "-c", "crossrefs", "-c", "more_principles").stdout)
    assert out[0].split()[:2] == ["case", "severity"]
    assert any(line.split()[:3] == ["more_principles", "medium", "high"] for line in out)


def test_the_risk_matrix_over_several_cases_is_drawn_under_each_cases_name(run):
    out = run("risks", "-c", "crossrefs", "-c", "more_principles", "--view", "matrix").stdout
    headings = [line for line in lines(out) if line.endswith(("  crossrefs", "  more_principles"))]
    assert [h.split()[-1] for h in headings] == ["crossrefs", "more_principles"]
    assert out.count("┌") == 2


@pytest.mark.parametrize(("command", "several"), [("principle", "principles")])
def test_a_single_case_command_refuses_a_second_case(run, command, several):
    result = run(command, "1", "-c", "crossrefs", "-c", "more_principles")
    assert result.exit_code == 2 and result.stdout == ""
    assert f"`casekit {command}` shows one case; -c names 2: crossrefs, more_principles" in result.stderr
    assert f"casekit {several} -c crossrefs -c more_principles" in result.stderr
    # The same case named twice is one case.
    assert run(command, "1", "-c", "crossrefs", "-c", "crossrefs").exit_code == 0


@pytest.mark.parametrize("command", ["show", "export"])
def test_show_and_export_refuse_a_second_case_rather_than_keep_the_last(run, command):
    result = run(command, "-c", "crossrefs", "-c", "more_principles")
    assert result.exit_code == 2 and result.stdout == ""
    assert f"`casekit {command}` shows one case; -c names 2: crossrefs, more_principles" in result.stderr
    assert "casekit compare crossrefs more_principles" in result.stderr
    assert run(command, "-c", "crossrefs", "-c", "crossrefs").exit_code == 0


# --- filters a case does not know are usage errors ----------------------------------


def test_an_unknown_tag_is_a_usage_error_as_in_the_timeline(run):
    result = run("principles", "-c", "crossrefs", "--tag", "salse")
    assert result.exit_code == 2 and result.stdout == ""
    assert "--tag: nothing is called `salse` here" in result.stderr and "did you mean `sales`?" in result.stderr
    result = run("principles", "-c", "crossrefs", "--tag", "nope")
    assert result.exit_code == 2 and "known: market, pricing, sales" in result.stderr
    # Known in one of the cases listed is known; tags match ignoring case, as the timeline's do.
    assert [
        p["id"] for p in run_json(run, "principles", "-c", "crossrefs", "-c", "more_principles", "-t", "speed")
    ] == ["ship"]
    assert [p["n"] for p in run_json(run, "principles", "-c", "crossrefs", "--tag", "SALES")] == [1, 3]


def test_brief_and_cards_together_are_refused(run):
    result = run("principles", "-c", "crossrefs", "--view", "cards", "--brief")
    assert result.exit_code == 2 and result.stdout == ""
    assert "--brief and --view cards" in result.stderr


# --- the risk matrix ------------------------------------------------------------------


@pytest.mark.parametrize("columns", [60, 80, 100, 120, 200])
def test_the_matrix_keeps_every_likelihood_column_at_every_width(run, columns):
    out = run("risks", "-c", "partly_rated_risks", "--view", "matrix", env={"COLUMNS": str(columns)}).stdout
    assert all(len(line) <= columns for line in lines(out))
    assert "left out" not in out
    rows = _matrix_rows(out)
    if "risks by likelihood" in out:  # too narrow for the grid: a list under each severity
        return
    assert rows["header"][-4:] == ["low", "medium", "high", "unrated"]
    assert rows["high"] == ["", "• Rent rises [red]fast[/red]", "", ""]
    # A word is never split while a column has room: `[red]fast[/red]` stays whole.
    assert any("[red]fast[/red]" in line for line in lines(out))


def test_the_matrix_cells_stop_at_a_reading_width(run):
    out = lines(run("risks", "-c", "partly_rated_risks", "--view", "matrix", env={"COLUMNS": "200"}).stdout)
    cells = [len(cell) - 2 for cell in out[0].strip("┌┐").split("┬")]
    assert max(cells[1:]) <= 40 and len(out[0]) < 200


def test_the_matrix_stops_at_the_minimum_severity(run):
    rows = _matrix_rows(run("risks", "-c", "risk_order", "--view", "matrix", "--min-severity", "high").stdout)
    assert list(rows) == ["header", "critical", "high"]


def test_without_any_likelihood_the_matrix_is_the_severities_alone(run):
    result = run("risks", "-c", "unrated_risks", "--view", "matrix", env={"COLUMNS": "200"})
    out = lines(result.stdout)
    assert out[0] == "no risk has a likelihood: the risks by severity alone"
    rows = _matrix_rows("\n".join(out[1:]))
    assert rows == {
        "header": ["risks"],
        "critical": [""],
        "high": ["• Customers leave"],
        "medium-high": [""],
        "medium": ["• A long outage"],
        "low": [""],
    }
    assert len(out[1]) < 60  # as wide as the titles need, not the terminal


# --- small layout ---------------------------------------------------------------------


def test_people_give_the_roles_the_room(run):
    for columns in (60, 80):
        out = lines(run("people", "-c", "long_roles", env={"COLUMNS": str(columns)}).stdout)
        roles = out[0].index("roles")
        assert roles <= columns // 4 + 3, out[0]  # the name takes a quarter at most
        assert out[2][roles:].startswith("• Member of the advisory board on")
    # Too narrow for both side by side, the roles go under the name, across the line.
    out = lines(run("people", "-c", "long_roles", env={"COLUMNS": "40"}).stdout)
    assert out[0].split() == ["person", "src"]
    assert out[3].startswith("  • Member of the advisory board")


def test_sources_are_cited_as_papers_cite_them(run):
    out = lines(run("lessons", "-c", "cited_twice").stdout)
    assert out[2].endswith("[1, 2]")


def test_a_loop_too_long_for_a_line_continues_under_its_first_node(run):
    out = lines(run("flywheel", "-c", "analysis", env={"COLUMNS": "30"}).stdout)
    assert out[0] == "Loop 1  users → data →"
    assert out[1] == "        product → users ↺"


@pytest.mark.parametrize("columns", [48, 50, 56])
def test_risk_matrix_keeps_the_corner_header_words_whole(run, columns):
    # Only critical and high are shown: the severity column must not shrink below "likelihood".
    result = run(
        "risks", "-c", "crossrefs", "--view", "matrix", "--min-severity", "high", env={"COLUMNS": str(columns)}
    )
    out = lines(result.stdout)
    assert result.exit_code == 0 and "│ likelihood │ low" in result.stdout, result.stdout
    assert not any("likeliho │" in line for line in out)
