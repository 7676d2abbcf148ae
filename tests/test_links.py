"""`casekit.links`: REFs, and the links between a case's items read both ways."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from casekit.errors import UsageError
from casekit.links import item_title, links_from, links_to, ref_of, resolve_ref
from casekit.loader import load_case

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2025, 1, 1)


@pytest.fixture(scope="module")
def case():
    return load_case(FIXTURES / "items" / "provenance.yaml")


def _ids(links):
    return [(link.section, link.item.id, link.via) for link in links]


def test_a_unique_id_is_its_own_ref_and_a_shared_one_needs_its_section(case):
    assert resolve_ref(case, "founded") == ("timeline", case.timeline[0])
    assert ref_of(case, "timeline", case.timeline[0]) == "founded"
    assert resolve_ref(case, "timeline/launch") == ("timeline", case.timeline[1])
    assert resolve_ref(case, "lessons/launch") == ("lessons", case.lessons[0])
    assert ref_of(case, "lessons", case.lessons[0]) == "lessons/launch"


def test_refs_match_ignoring_case_when_nothing_matches_exactly(case):
    assert resolve_ref(case, "FOUNDED")[1].id == "founded"
    assert resolve_ref(case, "Timeline/Launch")[0] == "timeline"


def test_an_ambiguous_ref_lists_its_candidates(case):
    with pytest.raises(UsageError) as raised:
        resolve_ref(case, "launch")
    assert "names 2 items" in raised.value.message
    assert raised.value.hint == "one of timeline/launch, lessons/launch"


def test_an_unknown_ref_says_what_was_meant(case):
    with pytest.raises(UsageError) as raised:
        resolve_ref(case, "fouded")
    assert raised.value.message == "no item `fouded` in provenance"
    assert "founded" in raised.value.hint
    with pytest.raises(UsageError) as raised:
        resolve_ref(case, "timelines/founded")
    assert raised.value.message == "no section `timelines`"
    assert "timeline" in raised.value.hint
    with pytest.raises(UsageError) as raised:
        resolve_ref(case, "risks/founded")
    assert "`casekit risks` lists them" in raised.value.hint


def test_an_event_links_to_its_era_people_and_sources(case):
    founded = resolve_ref(case, "founded")[1]
    # No era named: the era whose period holds the date.
    assert _ids(links_from(case, "timeline", founded, TODAY)) == [
        ("eras", "early", "period"),
        ("people", "ann", "people"),
        ("sources", "memo", "sources"),
    ]
    sale = resolve_ref(case, "sale")[1]
    assert _ids(links_from(case, "timeline", sale, TODAY))[0] == ("eras", "later", "era")


def test_a_principle_links_to_its_evidence_in_date_order_and_its_risks(case):
    focus = resolve_ref(case, "focus")[1]
    assert _ids(links_from(case, "principles", focus, TODAY)) == [
        ("timeline", "launch", "evidence"),
        ("timeline", "sale", "evidence"),
        ("risks", "concentration", "risks"),
        ("sources", "memo", "sources"),
    ]
    # A risk that names the principle links to it from the other side.
    assert _ids(links_to(case, "principles", focus, TODAY)) == [("risks", "churn", "principles")]


def test_what_links_to_an_event_an_era_a_person_and_a_risk(case):
    launch = resolve_ref(case, "timeline/launch")[1]
    assert _ids(links_to(case, "timeline", launch, TODAY)) == [("principles", "focus", "evidence")]
    later = resolve_ref(case, "later")[1]
    assert _ids(links_to(case, "eras", later, TODAY)) == [
        ("timeline", "sale", "era"),
        ("timeline", "launch", "period"),
    ]
    ann = resolve_ref(case, "ann")[1]
    assert _ids(links_to(case, "people", ann, TODAY)) == [("timeline", "founded", "people")]
    concentration = resolve_ref(case, "concentration")[1]
    assert _ids(links_to(case, "risks", concentration, TODAY)) == [("principles", "focus", "risks")]


def test_a_source_is_linked_from_every_item_citing_it_a_metric_by_its_observations_too(case):
    memo = resolve_ref(case, "memo")[1]
    assert _ids(links_to(case, "sources", memo, TODAY)) == [
        ("people", "ann", "sources"),
        ("eras", "early", "sources"),
        ("timeline", "founded", "sources"),
        ("timeline", "launch", "sources"),
        ("metrics", "revenue", "sources"),
        ("principles", "focus", "sources"),
    ]
    revenue = resolve_ref(case, "revenue")[1]
    assert _ids(links_from(case, "metrics", revenue, TODAY)) == [
        ("sources", "memo", "sources"),
        ("sources", "press", "sources"),
    ]


def test_item_titles():
    from casekit.model import FlywheelEdge, Quote

    assert item_title("flywheel", FlywheelEdge(id="e", from_="data", to="models")) == "data → models"
    assert item_title("quotes", Quote(id="q", text="We focus.", speaker="ann")) == "We focus."
