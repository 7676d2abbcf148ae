"""The records layer: SPEC §7 shapes, dates normalised everywhere, shapes that match the records."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from casekit.loader import load_case
from casekit.model import SECTIONS
from casekit.records import (
    case_record,
    item_record,
    listing_records,
    overview_record,
    principle_detail_record,
    records,
    section_shape,
)
from casekit.sections import principle_detail, resolve_principle

ACME = Path(__file__).parent / "fixtures" / "library" / "acme.yaml"
CROSSREFS = Path(__file__).parent / "fixtures" / "sections" / "crossrefs.yaml"
TODAY = date(2024, 7, 1)


@pytest.fixture(scope="module")
def acme():
    return load_case(ACME)


def _keys(node, prefix=""):
    """Every key path of a record, lists of records read through their first element."""
    out = []
    for key, value in node.items():
        out.append(prefix + key)
        if isinstance(value, dict):
            out += _keys(value, prefix + key + ".")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out += _keys(value[0], prefix + key + "[].")
    return out


@pytest.mark.parametrize("section", list(SECTIONS))
@pytest.mark.parametrize("several", [False, True])
def test_a_section_shape_has_the_keys_of_its_records(acme, section, several):
    made = records(section, getattr(acme, section), "acme" if several else None)
    assert made, f"the fixture has {section}"
    shape = section_shape(section, several)
    for record in made:
        # A null value (no share given) is a leaf of the shape all the same.
        assert set(_keys(record)) <= set(_keys(shape)), section
    assert list(made[0]) == list(shape)


def test_every_date_of_any_item_has_its_start_and_end(acme):
    person = item_record(acme.people[0])
    assert person["roles"][0] == {
        "title": "CEO",
        "period": "2015/..",
        "start": "2015-01-01",
        "end": None,
        "edtf": "2015/..",
    }
    source = item_record(acme.sources[0])
    assert (source["date"], source["start"], source["end"], source["edtf"]) == (
        "2024-03",
        "2024-03-01",
        "2024-03-31",
        "2024-03",
    )


def test_the_whole_case_loses_no_field_and_keeps_the_listing_keys_first(acme):
    whole = case_record(acme)
    assert list(whole)[:11] == [
        "casekit",
        "id",
        "company",
        "title",
        "as_of",
        "as_of_start",
        "as_of_end",
        "as_of_edtf",
        "summary",
        "tags",
        "categories",
    ]
    assert list(whole)[11:] == list(SECTIONS)
    event = whole["timeline"][0]
    assert list(event)[:14] == list(records("timeline", acme.timeline[:1])[0])
    assert event["people"] == ["jane"] and "note" in event
    metric = whole["metrics"][0]
    assert list(metric)[:8] == ["id", "name", "unit", "description", "observations", "sources", "confidence", "note"]
    assert "description" in metric and "sources" in metric
    assert list(metric["observations"][0]) == ["date", "start", "end", "edtf", "value", "note", "sources", "confidence"]


def test_overview_record_is_what_show_shows(acme):
    from casekit.sections import latest_observation, top_risks

    record = overview_record(acme, TODAY)
    assert [r["id"] for r in record["top_risks"]] == [r.id for r in top_risks(acme)]
    shown = [(m.id, latest_observation(m).value.text) for m in acme.metrics[:8] if m.observations]
    assert [(m["id"], m["value"]["text"]) for m in record["key_metrics"]] == shown
    assert [e["id"] for e in record["eras"]] == ["hardware", "platform"]
    assert record["counts"] == {name: len(getattr(acme, name)) for name in SECTIONS}


@pytest.fixture(scope="module")
def crossrefs():
    return load_case(CROSSREFS)


def test_principle_detail_record_adds_the_resolved_references(crossrefs):
    record = principle_detail_record(principle_detail(crossrefs, resolve_principle(crossrefs, "1"), date(2024, 6, 1)))
    assert list(record)[:10] == [
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
    ]
    assert [e["title"] for e in record["evidence_events"]] == ["Founded", "Product launch", "Big deal"]
    assert record["evidence_events"][0]["start"] == "2019-01-01"
    assert record["related_risks"] == [
        {"id": "concentration", "title": "Customer concentration", "severity": "high", "likelihood": "medium"}
    ]
    assert record["related_principles"][0]["shared_tags"] == ["sales"]


def test_listing_records_start_with_the_case_only_over_several_cases(acme, crossrefs):
    rows = [(acme, e) for e in acme.timeline[:2]] + [(crossrefs, crossrefs.timeline[0])]
    several = listing_records("timeline", rows, several=True)
    assert [(r["case"], r["id"]) for r in several] == [("acme", "founded"), ("acme", "seed"), ("crossrefs", "launch")]
    assert list(several.shape)[:2] == ["case", "id"]
    one = listing_records("moats", [(acme, m) for m in acme.moats])
    assert one == records("moats", acme.moats) and "case" not in one.shape


def test_a_risk_record_links_its_principles_both_ways_declared_first():
    case = load_case(Path(__file__).parent / "fixtures" / "sections" / "risk_named_by_principles.yaml")
    linked = ["one_vendor", "own_the_stack", "scale_fast"]  # named by the risk, then those naming it by number
    assert [r["principles"] for r in records("risks", case.risks, case=case)] == [linked]
    assert [r["principles"] for r in listing_records("risks", [(case, r) for r in case.risks], several=True)] == [
        linked
    ]
    assert case_record(case)["risks"][0]["principles"] == linked


def test_the_spec_records_shapes_come_from_their_typed_records():
    from casekit.records import MetricRecord, typed_shape
    from casekit.registry import SECTIONS as REGISTRY

    assert list(section_shape("timeline")) == [
        *("id", "date", "start", "end", "edtf", "title", "detail", "category", "era", "tags", "sources", "confidence"),
        *("note", "people"),
    ]
    assert typed_shape(MetricRecord)["observations"] == [
        {
            "date": None,
            "start": None,
            "end": None,
            "edtf": None,
            "value": {"text": None, "low": None, "high": None, "qualifier": None},
            "note": None,
            "sources": None,
            "confidence": None,
        }
    ]
    for name, spec in REGISTRY.items():  # a section with a record of its own has a type for it
        assert (spec.record is None) == (spec.record_type is None), name
        if spec.record_type:
            assert section_shape(name) == typed_shape(spec.record_class())
