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
    "people": 4,
    "eras": 6,
    "timeline": 59,
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


def _event(case, event_id):
    return next(e for e in case.timeline if e.id == event_id)


def test_a_round_known_only_between_two_others_reads_in_story_order(case):
    from casekit.query import sort_by_date

    order = [e.id for e in sort_by_date(case.timeline)]
    series_b = _event(case, "series_b")
    assert series_b.date.precision == "one-of" and series_b.date.edtf() == "[2016..2019-08]"
    assert order.index("seed_round") < order.index("series_b") < order.index("series_a") < order.index("series_c")
    assert order.index("founding") < order.index("series_b")


def test_until_a_year_leaves_out_what_was_known_only_later(case):
    from casekit.dates import PartialDate
    from casekit.query import EventFilter

    kept = {e.id for e in EventFilter(until=PartialDate.parse("2016")).apply(case.timeline)}
    assert "valuation_markdown" not in kept  # by late 2022
    assert "series_b" not in kept and {"founding", "seed_round"} <= kept


def test_every_event_has_the_era_its_subject_gives_it(case):
    # A line of business (Scale's or the market's) gives its wave; the company as a whole, its
    # leadership era; nothing before the founding has an era.
    eras = {e.id: e.era for e in case.timeline}
    funding = [e for e in case.timeline if e.category == "funding"]
    assert funding and all(e.era == "founder_led" for e in funding)
    assert {eras[i] for i in ("gpt3_release", "instructgpt_paper", "chatgpt_launch", "rlhf_vendor")} == {"genai_wave"}
    assert {eras[i] for i in ("revenue_300m", "revenue_750m", "revenue_1_4b", "arr_100m")} == {"founder_led"}
    assert {eras[i] for i in ("meta_investment", "wang_to_meta", "droege_interim_ceo")} == {"interim_ceo"}
    assert eras["wang_joins_quora"] is None
    assert sum(era is None for era in eras.values()) == 1


def test_corrections_from_the_audit_against_the_sources(case):
    assert "trump" not in {p.id for p in case.people}
    assert _event(case, "trump_endorsement").people == ["wang"]
    assert _event(case, "openai_phase_out").confidence == "reported"
    assert _event(case, "ten_billion_labels").confidence == "reported"
    counter = next(m for m in case.metrics if any(o.value.text == "10B+" for o in m.observations))
    assert {o.confidence for o in counter.observations} == {"reported"}
    assert "without saying when" in _event(case, "google_steps_back").note
    pay = next(m for m in case.metrics if m.id == "annotator_pay").observations[0]
    assert pay.date.precision == "one-of" and "present tense" in pay.note
    evidence = {p.n: p.evidence for p in case.principles}
    assert {"pre_labelling_layer", "margin_rise"} <= set(evidence[4])
    assert "pre_labelling_layer" in evidence[7] and "first_av_customers" not in evidence[7]
    assert "pre_labelling_layer" in evidence[10] and "transform_keynote" not in evidence[10]


@pytest.mark.parametrize(
    ("where", "words"),
    [
        (lambda c: _event(c, "founding").detail, ["Mechanical Turk", "name"]),
        (lambda c: _event(c, "rlhf_vendor").detail, ["millions of human preference comparisons"]),
        (lambda c: next(p for p in c.principles if p.n == 7).benefit, ["$10M", "$5M"]),
        (lambda c: next(r for r in c.risks if r.id == "labor_reputation").description, ["Nairobi"]),
        (lambda c: next(m for m in c.metrics if m.id == "gross_margin").description, ["per platform seat"]),
        (lambda c: next(p for p in c.people if p.id == "wang").note, ["allergic", "cynical", "generous"]),
        (lambda c: next(x for x in c.competitors if x.id == "weights_biases").notes, ["cut off"]),
    ],
)
def test_facts_the_sources_give_are_carried_over(case, where, words):
    text = where(case)
    assert all(word in text for word in words), text


def test_one_spelling_of_labelling():
    text = (bundled_dir() / "scale_ai.yaml").read_text(encoding="utf-8")
    quoted = "We started as a data labeling company."  # a quotation keeps its own spelling
    assert "labeling" not in text.replace(quoted, "") and "labeled" not in text.replace(quoted, "")
