"""The bundled Scale AI case: counts and facts that later edits must not silently drop."""

from __future__ import annotations

from collections import Counter

import pytest

from casekit.library import bundled_dir
from casekit.loader import check_file


@pytest.fixture(scope="module")
def case():
    loaded, problems = check_file(bundled_dir() / "scale_ai.yaml")
    assert problems == [], [p.message for p in problems]
    return loaded


# Every section's size, exactly: an edit that drops (or adds) items must change this too.
COUNTS = {
    "sources": 3,
    "people": 5,
    "eras": 6,
    "timeline": 57,
    "metrics": 28,
    "principles": 10,
    "risks": 10,
    "quotes": 12,
    "moats": 5,
    "flywheel": 8,
    "segments": 4,
    "competitors": 19,
    "drivers": 7,
    "lessons": 4,
}
OBSERVATIONS = 49


def test_sections_hold_what_the_sources_give(case):
    from casekit.model import SECTIONS

    assert {name: len(getattr(case, name)) for name in SECTIONS} == COUNTS
    assert sum(len(m.observations) for m in case.metrics) == OBSERVATIONS
    assert [p.n for p in case.principles] == list(range(1, 11))
    assert len(case.timeline) >= 35  # what the sources give at the least


def test_the_timeline_spans_founding_to_mid_2025(case):
    years = sorted(e.date.earliest().year for e in case.timeline if e.date.start)
    assert years[0] <= 2016 and years[-1] == 2025
    assert case.as_of.text == "2025-06"


def test_key_facts(case):
    events = {e.id: e for e in case.timeline}
    assert events["series_f"].date.text == "2024-03"
    assert events["chatgpt_launch"].date.text == "2022-11-30"
    assert "$14.3B" in events["meta_investment"].title and "49%" in events["meta_investment"].title
    valuation = next(m for m in case.metrics if m.id == "valuation")
    latest = max(valuation.observations, key=lambda o: o.date.sort_key())
    assert (latest.date.text, latest.value.low) == ("2024-03", 13.8e9)


def test_every_fact_names_a_source(case):
    for name in ("timeline", "metrics", "principles", "risks", "quotes", "eras", "people"):
        for item in getattr(case, name):
            assert item.sources, f"{name} {item.id}"


def test_contradictions_are_marked_disputed_with_a_note(case):
    disputed = [e for e in case.timeline if e.confidence == "disputed"]
    assert len(disputed) >= 4
    assert all(e.note for e in disputed)
    assert Counter(e.id for e in disputed)["surge_acquisition"] == 1
    # the round before the Series C: a $7.5M Series A in one passage, a $22.5M Series B in another
    assert {"series_a", "series_b"} <= {e.id for e in disputed}


def test_principles_are_linked_to_evidence_and_risks(case):
    events = {e.id for e in case.timeline}
    risks = {r.id for r in case.risks}
    for p in case.principles:
        assert p.evidence and set(p.evidence) <= events
        assert set(p.risks) <= risks
