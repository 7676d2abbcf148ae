"""compare: cases side by side, metrics matched by id or name, shared tags and themes."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casekit.cli.app import app
from casekit.compare import TopRisk, case_labels, check_different, compare, metric_groups, principle_themes
from casekit.errors import UsageError
from casekit.library import Library
from casekit.loader import load_case

FIXTURES = Path(__file__).parent / "fixtures" / "compare"
BOLT, VOLT = FIXTURES / "bolt.yaml", FIXTURES / "volt.yaml"
ENV = {"NO_COLOR": "1", "COLUMNS": "120", "CASEKIT_PATH": "", "CASEKIT_CASE": ""}
TODAY = date(2024, 7, 1)


CLI_ENV = {"COLUMNS": "120"}


@pytest.fixture(scope="module")
def cases():
    return [load_case(BOLT), load_case(VOLT)]


def rows(comparison) -> dict[str, dict]:
    return {row.label: row.values for row in comparison.rows}


def values(comparison) -> dict[str, dict]:
    """Each attribute's values per case, as the records hold them."""
    return {record["attribute"]: record["values"] for record in comparison.records()}


def table_text(comparison, width: int = 120) -> str:
    from rich.console import Console

    from casekit.render.compare import comparison_table

    console = Console(width=width, record=True, color_system=None)
    console.print(comparison_table(comparison))
    return console.export_text()


def test_header_span_and_counts(cases):
    got = values(compare(cases, TODAY))
    assert got["company"] == {"bolt": "Bolt Scooters", "volt": "Volt Bikes"}
    assert got["as of"] == {
        "bolt": {"date": "2023", "start": "2023-01-01", "end": "2023-12-31", "edtf": "2023"},
        "volt": {"date": "2024", "start": "2024-01-01", "end": "2024-12-31", "edtf": "2024"},
    }
    assert got["timeline span"] == {
        "bolt": {
            "from": "2017",
            "to": "2022",
            "start": "2017-01-01",
            "end": "2022-12-31",
            "edtf": "2017/2022",
            "years": 6,
        },
        "volt": {
            "from": "2020",
            "to": "2024-Q2",
            "start": "2020-01-01",
            "end": "2024-06-30",
            "edtf": "2020/2024-34",
            "years": 5,
        },
    }
    assert got["timeline"] == {"bolt": 3, "volt": 2}
    assert got["eras"]["bolt"] == [
        {
            "id": "launch",
            "title": "Launch years",
            "period": "2017/2019",
            "start": "2017-01-01",
            "end": "2019-12-31",
            "edtf": "2017/2019",
        },
        {
            "id": "profit",
            "title": "Profit push",
            "period": "2020/..",
            "start": "2020-01-01",
            "end": None,
            "edtf": "2020/..",
        },
    ]
    assert got["eras"]["volt"] is None
    assert "quotes" not in got  # a section neither case has is left out


def test_the_table_shows_the_values_as_text(cases):
    lines = [line.rstrip() for line in table_text(compare(cases, TODAY)).splitlines()]
    assert "as of             2023                           2024" in lines
    assert "timeline span     2017 – 2022 (6 years)          2020 – 2024-Q2 (5 years)" in lines
    assert "eras              2017/2019 Launch years         —" in lines
    assert "                  2020/.. Profit push" in lines
    assert "Revenue           $40M (2022) · CAGR +59%/yr     $20M (2024) · CAGR +41%/yr" in lines
    assert "Monthly riders    1M (2022)                      300K+ (2024)" in lines
    assert "tags              mobility, platform, hardware   platform, mobility" in lines
    assert "theme: hardware   1. Own the fleet data          2. Keep the hardware simple" in lines


def test_metrics_match_by_id_then_by_name(cases):
    groups = metric_groups(cases)
    assert [[m.id if m else None for m in g] for g in groups] == [
        ["revenue", "revenue"],
        ["riders", "mau"],
        ["gross-margin", None],
        [None, "fleet"],
    ]


def metric_cell(id_: str, text: str, low, high, qualifier: str, year: str, cagr=None) -> dict:
    return {
        "id": id_,
        "value": {"text": text, "low": low, "high": high, "qualifier": qualifier},
        "date": year,
        "start": f"{year}-01-01",
        "end": f"{year}-12-31",
        "edtf": year,
        "cagr": cagr,
    }


def shown_metrics(comparison) -> list[tuple[str, dict]]:
    """The `(figure, date)` of each case in each metrics row: what the table shows."""
    return [
        (
            r.label,
            {
                label: None if cell is None else (cell.latest.value.display(), cell.latest.date.text)
                for label, cell in r.values.items()
            },
        )
        for r in comparison.rows
        if r.group == "metrics"
    ]


def test_shared_metrics_give_the_latest_value_and_the_growth_rate(cases):
    comparison = compare(cases, TODAY)
    metrics = [(r["attribute"], r["values"]) for r in comparison.records() if r["group"] == "metrics"]
    # $10M (2019) to $40M (2022) is 4x in 3 years: +59% a year; $5M to $20M in 4 years: +41%.
    assert metrics == [
        (
            "Revenue",
            {
                "bolt": metric_cell(
                    "revenue",
                    "$40M",
                    4e7,
                    4e7,
                    "exact",
                    "2022",
                    {"value": pytest.approx(58.72, abs=0.01), "approximate": False},
                ),
                "volt": metric_cell(
                    "revenue",
                    "$20M",
                    2e7,
                    2e7,
                    "exact",
                    "2024",
                    {"value": pytest.approx(41.42, abs=0.01), "approximate": False},
                ),
            },
        ),
        (
            "Monthly riders",
            {
                "bolt": metric_cell("riders", "1M", 1e6, 1e6, "exact", "2022"),
                "volt": metric_cell("mau", "300K+", 3e5, None, "at_least", "2024"),
            },
        ),
    ]


def test_a_metric_without_observations_is_a_cell_without_a_value(cases):
    import msgspec

    empty = msgspec.structs.replace(cases[1], metrics=[msgspec.structs.replace(cases[1].metrics[0], observations=[])])
    comparison = compare([cases[0], empty], TODAY)
    assert values(comparison)["Revenue"]["volt"] == {
        "id": "revenue",
        "value": None,
        "date": None,
        "start": None,
        "end": None,
        "edtf": None,
        "cagr": None,
    }
    assert "no observations" in table_text(comparison)


def test_metric_option_picks_metrics_by_id_or_name(cases):
    comparison = compare(cases, TODAY, metrics=["gross margin", "fleet"])
    assert shown_metrics(comparison) == [
        ("Gross margin", {"bolt": ("30%", "2022"), "volt": None}),
        ("Fleet size", {"bolt": None, "volt": ("20K", "2024")}),
    ]
    with pytest.raises(UsageError, match="no metric `margins`"):
        compare(cases, TODAY, metrics=["margins"])


def test_a_metric_asked_for_is_one_row_matched_by_id_or_name_in_each_case(cases):
    # bolt has the id `riders` ("Monthly riders"), cargo the name "Riders" (id `users`), volt neither.
    cargo = load_case(FIXTURES / "cargo.yaml")
    comparison = compare([cases[0], cases[1], cargo], TODAY, metrics=["riders"])
    assert shown_metrics(comparison) == [
        ("Monthly riders", {"bolt": ("1M", "2022"), "volt": None, "cargo": ("50K", "2024")})
    ]
    assert values(comparison)["Monthly riders"]["cargo"]["id"] == "users"
    # By name in every case, whatever each calls it by id; and asked twice, shown once.
    comparison = compare(cases, TODAY, metrics=["MONTHLY RIDERS", "riders"])
    assert shown_metrics(comparison) == [("Monthly riders", {"bolt": ("1M", "2022"), "volt": ("300K+", "2024")})]


def test_top_risks_most_severe_first(cases):
    got = rows(compare(cases, TODAY))
    assert got["top risks"] == {
        "bolt": (TopRisk("regulation", "high", "City bans"), TopRisk("theft", "low", "Theft")),
        "volt": (TopRisk("battery", "critical", "Battery fires"),),
    }


def test_a_risk_title_with_a_newline_or_a_colon_stays_one_risk(cases):
    import msgspec

    risk = cases[1].risks[0]
    odd = msgspec.structs.replace(cases[1], risks=[msgspec.structs.replace(risk, title="Fires:\nhigh: recalls")])
    comparison = compare([cases[0], odd], TODAY)
    assert rows(comparison)["top risks"]["volt"] == (TopRisk("battery", "critical", "Fires:\nhigh: recalls"),)
    record = next(r for r in comparison.records() if r["attribute"] == "top risks")
    assert record["values"]["volt"] == [{"id": "battery", "severity": "critical", "title": "Fires:\nhigh: recalls"}]
    text = table_text(comparison)
    assert "critical Fires:" in text and "high: recalls" in text


def test_shared_tags_and_principle_themes(cases):
    comparison = compare(cases, TODAY)
    assert comparison.shared_tags == ["mobility", "platform"]
    assert values(comparison)["tags"] == {
        "bolt": ["mobility", "platform", "hardware"],
        "volt": ["platform", "mobility"],
    }
    assert values(comparison)["shared tags"] == {"bolt": ["mobility", "platform"], "volt": ["mobility", "platform"]}
    # data: a tag of both; fleet: title words; hardware: a tag of bolt's, a title word of volt's.
    assert comparison.shared_themes == ["data", "fleet", "hardware"]
    themes = principle_themes(cases)
    assert [[p.id for p in ps] for ps in themes["hardware"]] == [["fleet-data"], ["simple-hardware"]]
    assert values(comparison)["theme: hardware"] == {
        "bolt": [{"n": 1, "id": "fleet-data", "title": "Own the fleet data"}],
        "volt": [{"n": 2, "id": "simple-hardware", "title": "Keep the hardware simple"}],
    }


def test_two_versions_of_one_case_get_distinct_labels(cases):
    assert case_labels([cases[0], cases[0]], ["cases/bolt_v1.yaml", "cases/bolt_v2.yaml"]) == ["bolt_v1", "bolt_v2"]
    assert case_labels([cases[0], cases[0]], None) == ["bolt", "bolt#2"]


def test_compare_needs_two_cases(cases):
    with pytest.raises(UsageError):
        compare(cases[:1], TODAY)


# --- the command -----------------------------------------------------------------------


def test_cli_json_has_one_record_per_attribute_with_the_values_per_case_apart(run):
    result = run("compare", str(BOLT), str(VOLT), "-f", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert all(list(r) == ["group", "attribute", "values"] and list(r["values"]) == ["bolt", "volt"] for r in records)
    by_attribute = {r["attribute"]: r for r in records}
    assert by_attribute["principles"] == {
        "group": "counts",
        "attribute": "principles",
        "values": {"bolt": 2, "volt": 2},
    }
    revenue = by_attribute["Revenue"]["values"]["volt"]
    assert revenue["value"] == {"text": "$20M", "low": 2e7, "high": 2e7, "qualifier": "exact"}
    assert (revenue["date"], revenue["cagr"]["approximate"], round(revenue["cagr"]["value"])) == ("2024", False, 41)
    assert by_attribute["tags"]["values"]["bolt"] == ["mobility", "platform", "hardware"]
    assert [e["id"] for e in by_attribute["eras"]["values"]["bolt"]] == ["launch", "profit"]


def test_cli_csv_flattens_the_records_with_the_same_columns_whatever_the_rows(run):
    result = run("compare", str(BOLT), str(VOLT), "-f", "csv")
    assert result.exit_code == 0, result.output
    got = list(csv.DictReader(io.StringIO(result.stdout)))
    by_attribute = {row["attribute"]: row for row in got}
    assert by_attribute["Revenue"]["values.bolt.value.text"] == "$40M"
    assert by_attribute["Revenue"]["values.bolt.value.low"] == "40000000.0"
    assert by_attribute["Revenue"]["values.bolt.date"] == "2022"
    assert by_attribute["Revenue"]["values.volt.cagr.approximate"] == "False"
    assert by_attribute["tags"]["values.bolt"] == "mobility; platform; hardware"
    assert by_attribute["principles"]["values.volt"] == "2"
    assert by_attribute["timeline span"]["values.volt.to"] == "2024-Q2"
    assert json.loads(by_attribute["eras"]["values.bolt"])[1]["period"] == "2020/.."
    # Cases without eras, metrics or spans in common still give every column.
    beta = Path(__file__).parent / "fixtures" / "search" / "beta.yaml"
    other = run("compare", str(BOLT), str(beta), "-f", "csv")
    header = other.stdout.splitlines()[0].split(",")
    assert {"values.bolt.value.text", "values.bolt.cagr.value", "values.bolt.years"} <= set(header)


def test_cli_csv_gives_each_case_its_columns_together_plain_values_first(run):
    cell = [
        "date",
        "from",
        "to",
        "start",
        "end",
        "edtf",
        "years",
        "id",
        "value.text",
        "value.low",
        "value.high",
        "value.qualifier",
        "cagr.value",
        "cagr.approximate",
    ]
    expected = ["group", "attribute"] + [
        c for case in ("bolt", "volt") for c in [f"values.{case}"] + [f"values.{case}.{k}" for k in cell]
    ]
    header = next(csv.reader(io.StringIO(run("compare", str(BOLT), str(VOLT), "-f", "csv").stdout)))
    assert header == expected
    # The same columns for cases with no eras, metrics or themes in common.
    beta = Path(__file__).parent / "fixtures" / "search" / "beta.yaml"
    other = next(csv.reader(io.StringIO(run("compare", str(BOLT), str(beta), "-f", "csv").stdout)))
    assert other == [c.replace("values.volt", "values.beta") for c in expected]


def test_cli_md_has_one_column_per_case_holding_the_text_the_table_shows(run):
    result = run("compare", str(BOLT), str(VOLT), "-f", "md")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "| group | attribute | values.bolt | values.volt |"
    by_attribute = {line.split(" | ")[1]: line for line in lines[2:]}
    assert (
        by_attribute["timeline span"] == "| case | timeline span | 2017 – 2022 (6 years) | 2020 – 2024-Q2 (5 years) |"
    )
    assert by_attribute["eras"] == "| eras | eras | 2017/2019 Launch years<br>2020/.. Profit push |  |"
    assert by_attribute["Revenue"] == (
        "| metrics | Revenue | \\$40M (2022) · CAGR +59%/yr | \\$20M (2024) · CAGR +41%/yr |"
    )
    assert by_attribute["top risks"] == "| risks | top risks | high City bans<br>low Theft | critical Battery fires |"
    assert by_attribute["tags"] == "| tags | tags | mobility, platform, hardware | platform, mobility |"
    assert by_attribute["theme: data"] == "| themes | theme: data | 1. Own the fleet data | 1. Fleet data is the moat |"
    assert "\u00a0" not in result.stdout and "{" not in result.stdout


def test_cases_named_like_the_record_keys_lose_nothing(run, tmp_path):
    # Case ids `group` and `attribute` cannot overwrite the record's own keys.
    for name, source in (("group", BOLT), ("attribute", VOLT)):
        (tmp_path / f"{name}.yaml").write_text(source.read_text().replace(f"id: {source.stem}\n", f"id: {name}\n", 1))
    result = run("compare", str(tmp_path / "group.yaml"), str(tmp_path / "attribute.yaml"), "-f", "json")
    assert result.exit_code == 0, result.output
    company = json.loads(result.stdout)[0]
    assert company == {
        "group": "case",
        "attribute": "company",
        "values": {"group": "Bolt Scooters", "attribute": "Volt Bikes"},
    }
    rows_ = list(
        csv.DictReader(
            io.StringIO(
                run("compare", str(tmp_path / "group.yaml"), str(tmp_path / "attribute.yaml"), "-f", "csv").stdout
            )
        )
    )
    assert {k: v for k, v in rows_[0].items() if v} == {
        "group": "case",
        "attribute": "company",
        "values.group": "Bolt Scooters",
        "values.attribute": "Volt Bikes",
    }


@pytest.mark.parametrize("fmt", ["csv", "md", "yaml"])
def test_cli_every_machine_format(run, fmt):
    result = run("compare", str(BOLT), str(VOLT), "-f", fmt)
    assert result.exit_code == 0, result.output
    assert "Bolt Scooters" in result.stdout and "\x1b" not in result.stdout


def test_cli_table_puts_cases_side_by_side(run):
    result = run("compare", str(BOLT), str(VOLT))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["bolt", "volt"]
    company = next(line for line in lines if line.startswith("company"))
    assert company.index("Bolt Scooters") < company.index("Volt Bikes")
    assert any(line.startswith("theme: fleet") for line in lines)


def test_cli_says_when_no_metric_is_shared(run):
    result = run("compare", str(BOLT), str(Path(__file__).parent / "fixtures" / "search" / "beta.yaml"))
    assert result.exit_code == 0
    assert "--metric" in result.stderr


def test_cli_needs_two_cases(run):
    result = run("compare", str(BOLT))
    assert result.exit_code == 2
    assert "at least two cases" in result.stderr


@pytest.mark.parametrize("second", ["bolt", str(BOLT), str(FIXTURES / ".." / "compare" / "bolt.yaml")])
def test_cli_says_when_both_operands_are_one_case(second):
    result = CliRunner().invoke(app, ["--cases-dir", str(FIXTURES), "compare", "bolt", second], env=ENV)
    assert result.exit_code == 2 and result.stdout == ""
    if second == "bolt":
        assert "`bolt` is named twice" in result.stderr
    else:
        assert f"`bolt` and `{second}` are the same case file" in result.stderr
    assert "at least two" not in result.stderr


def complete(words: str) -> list[str]:
    env = {**ENV, "_CASEKIT_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
    result = CliRunner().invoke(app, [], prog_name="casekit", env=env)
    return result.stdout.split()


def test_case_ids_complete_for_every_command_that_takes_a_case():
    where = f"casekit --cases-dir {FIXTURES}"
    assert complete(f"{where} compare bolt v") == ["volt"]
    assert complete(f"{where} search fleet -c b") == ["bolt"]
    assert complete(f"{where} export -c v") == ["volt"]
    assert complete("casekit search x --section ri") == ["risks"]


def test_compare_needs_two_different_case_files():
    library = Library(cases_dirs=[FIXTURES], env={})
    check_different(library, ["bolt", str(VOLT)])
    with pytest.raises(UsageError, match="at least two cases"):
        check_different(library, ["bolt"])
    with pytest.raises(UsageError, match="`bolt` is named twice; compare needs different cases"):
        check_different(library, ["bolt", "volt", "bolt"])
    with pytest.raises(UsageError) as info:
        check_different(library, ["bolt", str(BOLT)])
    assert info.value.message.startswith(f"`bolt` and `{BOLT}` are the same case file")


# --- the table at any width ------------------------------------------------------------

LAB = FIXTURES / "artificial_intelligence_lab.yaml"
LONG_WORDS = ("artificial_intelligence_lab", "artificial-intelligence", "machine-learning-operations")


def test_tags_and_ids_are_never_broken_mid_word_at_any_width(cases):
    four = [*cases, load_case(FIXTURES / "cargo.yaml"), load_case(LAB)]
    comparison = compare(four, TODAY)
    ids = [c.id for c in four]
    layouts = set()
    for width in range(60, 201, 2):
        lines = table_text(comparison, width).splitlines()
        assert all(len(line) <= width for line in lines)
        words = {word.rstrip(",") for line in lines for word in line.split()}
        assert set(LONG_WORDS) | {"mobility", "platform", "hardware"} <= words, width
        assert {"Bolt", "Volt", "Cargo", "Lab"} <= words  # nothing lost
        if lines[0].split() == ids:
            layouts.add("side by side")
            continue
        assert lines[0].split() == ["case", "value"]
        if "company" in lines:  # the attribute on a line of its own, its cases under it
            layouts.add("narrow")
            company = lines.index("company") + 1
            assert [line.split()[0] for line in lines[company : company + 4]] == ids
        else:  # the attribute beside its cases, one under the other
            layouts.add("stacked")
            company = next(i for i, line in enumerate(lines) if line.startswith("company"))
            assert lines[company].split()[:2] == ["company", "bolt"]
            assert [line.split()[0] for line in lines[company + 1 : company + 4]] == ids[1:]
    assert layouts == {"side by side", "stacked", "narrow"}


def test_cli_table_at_a_narrow_terminal_keeps_tags_whole():
    result = CliRunner().invoke(app, ["compare", str(BOLT), str(VOLT), str(LAB)], env={**ENV, "COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "artificial-intelligence," in result.stdout.split()
    assert "machine-learning-operations," in result.stdout.split()
