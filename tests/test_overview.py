"""casekit.render.overview: `show` (the case at a glance) and `show --tree` (the whole case)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from casekit.loader import load_case
from casekit.render.overview import case_tree, overview
from casekit.sections import KEY_METRICS

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2024, 6, 30)


def render(renderable, width: int = 100, **console) -> str:
    out = Console(file=io.StringIO(), width=width, color_system=console.pop("color_system", None), **console)
    out.print(renderable)
    return out.file.getvalue()


def nodes(tree: str) -> list[str]:
    """The tree's lines without their guides."""
    return [line.lstrip("│├└─ ") for line in tree.splitlines()]


@pytest.fixture(scope="module")
def crossrefs():
    return load_case(FIXTURES / "sections" / "crossrefs.yaml")


def branch(lines: list[str], name: str) -> list[str]:
    """The top-level items of one section's branch (the lines two guides deep)."""
    start = next(i for i, line in enumerate(lines) if line[4:].startswith(f"{name} ("))
    items = []
    for line in lines[start + 1 :]:
        if line.startswith(("├── ", "└── ")):
            break
        if line[4:8] in ("├── ", "└── "):
            items.append(line[8:])
    return items


def test_the_tree_shows_each_section_in_its_listings_order(crossrefs):
    lines = render(case_tree(crossrefs, TODAY)).splitlines()
    assert branch(lines, "timeline") == ["2019  Founded", "2022-05  Product launch", "2023-Q1  Big deal"]
    assert branch(lines, "risks") == ["high  Customer concentration", "medium  A price war"]
    assert branch(lines, "quotes") == ["They focus too much.", "We focus."]


def test_the_tree_shows_links_declared_on_either_side(crossrefs):
    shown = nodes(render(case_tree(crossrefs, TODAY)))
    # `price_war` names `price_high`, which does not name it back.
    price_high = shown.index("2. Price high")
    assert "risks: A price war" in shown[price_high : price_high + 6]
    price_war = shown.index("medium  A price war")
    assert "principles: 2. Price high" in shown[price_war : price_war + 4]


def test_the_tree_shows_segment_figures_event_details_and_date_marks():
    acme = load_case(FIXTURES / "library" / "acme.yaml")
    shown = nodes(render(case_tree(acme, TODAY)))
    hardware = shown.index("Hardware  2023")
    assert shown[hardware + 1 : hardware + 3] == ["revenue: $20M", "share: 33%"]
    labels = load_case(FIXTURES / "timeline" / "long_labels.yaml")
    shown = nodes(render(case_tree(labels, TODAY)))
    stake = shown.index("2024-06/2025-06? ‡  A large investor takes a minority stake after months of talks")
    assert "note: Sources give different months." in shown[stake : stake + 6]
    assert "category: deal" in shown[stake : stake + 6]


def test_show_caps_the_header_at_a_reading_width_and_lists_the_key_metrics():
    acme = load_case(FIXTURES / "library" / "acme.yaml")
    lines = render(overview(acme, TODAY), width=200).splitlines()
    assert len(lines[0]) == 100 and lines[0].startswith("╭─ acme ")
    assert KEY_METRICS == 8


def test_the_summary_under_the_heading_is_not_bold():
    import msgspec

    acme = load_case(FIXTURES / "library" / "acme.yaml")
    acme = msgspec.structs.replace(acme, title="Acme Robotics: robots, then software")  # said once, bold
    out = render(overview(acme, TODAY), color_system="standard", force_terminal=True)
    heading = out.index("Acme Robotics:")
    summary = out.index("Acme sold robots")
    assert "\x1b[1m" in out[heading - 6 : heading]
    assert "\x1b[1m" not in out[summary - 6 : summary] and "\x1b[1m" not in out[summary : out.index("\n", summary)]


def test_the_tree_lists_a_metrics_series_in_date_order():
    series = load_case(FIXTURES / "metrics" / "series.yaml")  # revenue is written 2020, then 2018
    shown = nodes(render(case_tree(series, TODAY), width=200))
    revenue = shown.index("Revenue  $40M (2020)")
    observations = shown.index("observations (2)", revenue)
    assert shown[observations + 1] == "2018  $10M"
    assert shown[observations + 2 : observations + 6] == [
        "sources: Annual reports",
        "2020  $40M",
        "note: Doubled twice.",
        "sources: Annual reports",
    ]


def leaves(value) -> list[str]:
    """Every scalar in a YAML document, as text."""
    if isinstance(value, dict):
        return [text for v in value.values() for text in leaves(v)]
    if isinstance(value, list):
        return [text for v in value for text in leaves(v)]
    return [str(value)]


def test_the_tree_shows_every_field_of_every_item():
    import yaml

    path = FIXTURES / "overview" / "every_field.yaml"  # every field written as the tree shows it
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    del raw["casekit"]
    shown = nodes(render(case_tree(load_case(path), TODAY)))
    missing = [text for text in leaves(raw) if not any(text in line for line in shown)]
    assert missing == []
    # References are shown by title, under the item that makes them.
    observation = shown.index("2021  $5M")
    assert shown[observation + 1 : observation + 4] == [
        "note: Observation note",
        "confidence: estimated",
        "sources: Observation source title",
    ]
    principle = shown.index("1. Principle title")
    assert "evidence: 2020-05 Event title" in shown[principle : principle + 12]
    assert "tags: #principle-tag" in shown[principle : principle + 12]
    assert shown[1:4] == ["summary: The case summary.", "tags: #case-tag-one #case-tag-two", "id: every_field"]


def test_the_bundled_cases_tree_holds_all_its_prose():
    import yaml

    from casekit.library import bundled_dir

    path = bundled_dir() / "scale_ai.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    # Wrapped prose is whole again once the guides are gone and the lines rejoined.
    tree = " ".join(line.strip() for line in nodes(render(case_tree(load_case(path), TODAY))))
    prose = {" ".join(text.split()) for text in leaves(raw) if " " in text.strip()}
    missing = sorted(text for text in prose if text not in tree)
    assert missing == [], missing[:5]


def test_show_wraps_the_tags_and_the_counts_under_their_first_word():
    import msgspec

    acme = load_case(FIXTURES / "library" / "acme.yaml")
    acme = msgspec.structs.replace(
        acme, tags=["robotics", "warehouse-automation", "platform", "software", "hardware", "subscriptions"]
    )
    lines = render(overview(acme, TODAY), width=50).splitlines()
    dated = next(i for i, line in enumerate(lines) if "as of 2024-06" in line)
    column = lines[dated].index("#robotics")
    end = next(i for i in range(dated, len(lines)) if not lines[i].strip("│ "))  # the line before the summary
    tags = lines[dated + 1 : end]
    assert tags and all(line.index("#") == column for line in tags), lines[dated:end]
    assert " ".join(line.strip("│ ") for line in tags).split()[-1] == "#subscriptions"
    counts = next(i for i, line in enumerate(lines) if line.startswith("Counts  "))
    assert lines[counts].startswith("Counts  sources 2  people 1")
    rest = lines[counts + 1 : lines.index("", counts)]
    assert rest and all(line.startswith(" " * 8) and line[8] != " " for line in rest), rest
    assert "lessons 1" in rest[-1]
