"""casekit.sections: ordering, filtering and cross-reference resolution of the analysis sections."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import msgspec
import pytest

from casekit.dates import PartialDate
from casekit.errors import UsageError
from casekit.loader import load_case
from casekit.sections import (
    by_segment,
    citations,
    era_events,
    filter_principles,
    flywheel_listing,
    flywheel_loops,
    key_metrics,
    latest_observation,
    linked_principles,
    listing,
    listing_order,
    metrics_listing,
    moats_by_rank,
    person_events,
    principle_detail,
    principles_listing,
    related_risks,
    resolve_metric,
    resolve_principle,
    risk_matrix,
    risks_by_severity,
    risks_listing,
    speaker_name,
    top_risks,
)

FIXTURES = Path(__file__).parent / "fixtures" / "sections"
TODAY = date(2024, 6, 1)


@pytest.fixture(scope="module")
def crossrefs():
    return load_case(FIXTURES / "crossrefs.yaml")


@pytest.fixture(scope="module")
def risky():
    return load_case(FIXTURES / "risk_order.yaml")


@pytest.fixture(scope="module")
def analysis():
    return load_case(FIXTURES / "analysis.yaml")


# --- risks ------------------------------------------------------------------


def test_risks_by_severity_then_likelihood_then_file_order(risky):
    assert [r.id for r in risks_by_severity(risky.risks)] == [
        "critical",
        "high_high_a",
        "high_high_b",  # equal severity and likelihood: file order
        "high_low",
        "high_unrated",  # no likelihood ranks below low
        "mh",
        "med_high_lik",  # likelihood never lifts a risk above a more severe one
        "low",
    ]


def test_min_severity_keeps_that_severity_and_worse(risky):
    kept = risks_by_severity(risky.risks, "medium-high")
    assert {r.severity for r in kept} == {"critical", "high", "medium-high"}
    assert len(risks_by_severity(risky.risks, "low")) == len(risky.risks)


def test_an_unknown_min_severity_is_a_usage_error(risky):
    with pytest.raises(UsageError) as err:
        risks_by_severity(risky.risks, "severe")
    assert "medium-high" in err.value.hint


def test_top_risks_are_the_risks_listings_first(risky):
    assert top_risks(risky, 4) == risks_by_severity(risky.risks)[:4]
    assert top_risks(risky) == risks_by_severity(risky.risks)[:3]


def test_risk_matrix_puts_each_risk_in_its_cell_and_unrated_apart(risky):
    matrix = risk_matrix(risky.risks)
    assert list(matrix) == ["critical", "high", "medium-high", "medium", "low"]
    assert [r.id for r in matrix["high"]["high"]] == ["high_high_a", "high_high_b"]
    assert [r.id for r in matrix["high"]["unrated"]] == ["high_unrated"]
    assert [r.id for r in matrix["low"]["unrated"]] == ["low"]
    assert matrix["medium"]["low"] == []
    assert sum(len(cell) for row in matrix.values() for cell in row.values()) == len(risky.risks)


# --- principles -------------------------------------------------------------


@pytest.mark.parametrize("ref", ["2", "#2", "price_high", "PRICE_HIGH", " 2 "])
def test_resolve_principle_by_number_or_id(crossrefs, ref):
    assert resolve_principle(crossrefs, ref).id == "price_high"


def test_an_unknown_principle_lists_the_valid_numbers(crossrefs):
    with pytest.raises(UsageError) as err:
        resolve_principle(crossrefs, "9")
    assert "1, 2, 3" in err.value.message
    assert err.value.exit_code == 2


def test_an_unknown_principle_id_suggests_the_closest(crossrefs):
    with pytest.raises(UsageError) as err:
        resolve_principle(crossrefs, "price_hihg")
    assert "price_high" in err.value.hint


def test_an_unknown_principle_is_suggested_by_its_title_too(crossrefs):
    with pytest.raises(UsageError) as err:
        resolve_principle(crossrefs, "buyer")  # "Focus on one buyer"
    assert err.value.hint == "did you mean `focus`?"


def test_evidence_is_resolved_in_date_order_not_file_order(crossrefs):
    detail = principle_detail(crossrefs, resolve_principle(crossrefs, "focus"), TODAY)
    assert resolve_principle(crossrefs, "focus").evidence == ["deal", "founded", "launch"]
    assert [e.id for e in detail.evidence] == ["founded", "launch", "deal"]
    assert detail.missing_evidence == []


def test_evidence_naming_no_event_is_reported_not_dropped(crossrefs):
    focus = resolve_principle(crossrefs, "focus")
    ghost = msgspec.structs.replace(focus, evidence=["launch", "ghost"])
    detail = principle_detail(crossrefs, ghost, TODAY)
    assert [e.id for e in detail.evidence] == ["launch"]
    assert detail.missing_evidence == ["ghost"]


def test_related_risks_include_risks_that_name_the_principle(crossrefs):
    price_high = resolve_principle(crossrefs, "price_high")
    assert price_high.risks == []  # the principle names no risk…
    assert [r.id for r in related_risks(crossrefs, price_high)] == ["price_war"]  # …but a risk names it


def test_linked_principles_of_a_risk_go_both_ways(crossrefs):
    by_id = {r.id: r for r in crossrefs.risks}
    assert [p.id for p in linked_principles(crossrefs, by_id["concentration"])] == ["focus"]
    assert [p.id for p in linked_principles(crossrefs, by_id["price_war"])] == ["price_high"]


def test_related_principles_share_a_risk_or_a_tag(crossrefs):
    detail = principle_detail(crossrefs, resolve_principle(crossrefs, "focus"), TODAY)
    assert [(rel.principle.id, rel.tags, [r.id for r in rel.risks]) for rel in detail.related] == [
        ("sell_direct", ["sales"], []),
    ]


def test_principles_sharing_a_risk_are_related(crossrefs):
    concentration = next(r for r in crossrefs.risks if r.id == "concentration")
    shared = msgspec.structs.replace(concentration, principles=["focus", "price_high"])
    case = msgspec.structs.replace(crossrefs, risks=[shared])
    detail = principle_detail(case, resolve_principle(case, "price_high"), TODAY)
    assert [(rel.principle.id, [r.id for r in rel.risks]) for rel in detail.related] == [("focus", ["concentration"])]


def test_filter_principles_tags_must_all_match_and_grep_ignores_case(crossrefs):
    assert [p.id for p in filter_principles(crossrefs.principles, tags=["sales"])] == ["focus", "sell_direct"]
    assert [p.id for p in filter_principles(crossrefs.principles, tags=["sales", "market"])] == ["focus"]
    assert [p.id for p in filter_principles(crossrefs.principles, grep="QUALITY")] == ["price_high"]
    assert filter_principles(crossrefs.principles, grep="quality", tags=["sales"]) == []


# --- the other sections -----------------------------------------------------


def test_moats_by_rank(analysis):
    assert [m.id for m in analysis.moats] == ["brand", "data", "network"]
    assert [m.rank for m in moats_by_rank(analysis.moats)] == [1, 2, 3]


def test_competitors_grouped_by_segment_in_first_seen_order(analysis):
    groups = by_segment(analysis.competitors)
    assert [(segment, [c.name for c in members]) for segment, members in groups] == [
        ("Hardware", ["Alpha", "Gamma"]),
        ("Software", ["Beta"]),
        (None, ["Delta"]),
    ]


def test_citations_count_every_fact_citing_a_source(crossrefs):
    # memo: a person, an era, an event, two principles; press: the rest.
    assert citations(crossrefs) == {"memo": 5, "press": 8}


def test_citations_count_metric_observations(analysis):
    from casekit.dates import PartialDate
    from casekit.model import Metric, Observation
    from casekit.values import Value

    metric = Metric(
        id="m",
        name="M",
        unit="USD",
        sources=["memo"],
        observations=[
            Observation(date=PartialDate.parse("2023"), value=Value.parse("$1M"), sources=["blog"]),
            Observation(date=PartialDate.parse("2024"), value=Value.parse("$2M"), sources=["blog", "memo"]),
        ],
    )
    base = citations(analysis)
    counted = citations(msgspec.structs.replace(analysis, metrics=[metric]))
    assert counted["memo"] == base["memo"] + 2 and counted["blog"] == base["blog"] + 2


def test_era_and_person_event_counts(crossrefs):
    assert era_events(crossrefs, TODAY) == {"early": 1, "later": 2}
    assert person_events(crossrefs) == {"ann": 1}


def test_a_speaker_is_a_person_id_or_a_name(crossrefs):
    assert speaker_name(crossrefs, "ann") == "Ann Lee"
    assert speaker_name(crossrefs, "An analyst") == "An analyst"


# --- the flywheel -----------------------------------------------------------


def test_flywheel_loops_start_at_the_earliest_node(analysis):
    wheel = flywheel_loops(analysis.flywheel)
    assert wheel.loops == [["users", "data", "product"], ["users", "revenue"]]
    assert wheel.open_edges == [] and wheel.closed and wheel.problems() == []


def test_an_edge_on_no_loop_is_open_and_says_why():
    wheel = flywheel_loops(load_case(FIXTURES / "open_flywheel.yaml").flywheel)
    assert wheel.loops == [["users", "data"]]
    assert [e.id for e in wheel.open_edges] == ["f3"]
    assert not wheel.closed
    (problem,) = wheel.problems()
    assert "f3" in problem and "nothing leads on from `profit`" in problem


def test_a_chain_without_a_cycle_has_no_loop():
    from casekit.model import FlywheelEdge

    edges = [FlywheelEdge(id="a", from_="x", to="y"), FlywheelEdge(id="b", from_="y", to="z")]
    wheel = flywheel_loops(edges)
    assert wheel.loops == [] and len(wheel.open_edges) == 2 and not wheel.closed


def test_a_loop_is_found_once_whatever_order_its_edges_are_written_in():
    from casekit.model import FlywheelEdge

    edges = [
        FlywheelEdge(id="c", from_="c", to="a"),
        FlywheelEdge(id="a", from_="a", to="b"),
        FlywheelEdge(id="b", from_="b", to="c"),
    ]
    assert flywheel_loops(edges).loops == [["c", "a", "b"]]


def test_listing_order_is_each_listings_order(crossrefs):
    risky = load_case(FIXTURES / "risk_order.yaml")
    assert [r.id for r in listing_order("risks", risky.risks)] == [r.id for r in risks_by_severity(risky.risks)]
    assert [e.id for e in listing_order("timeline", crossrefs.timeline)] == ["founded", "launch", "deal"]
    assert [q.id for q in listing_order("quotes", crossrefs.quotes)] == ["q_guest", "q_ann"]
    assert [e.id for e in listing_order("eras", crossrefs.eras, TODAY)] == ["early", "later"]
    assert [p.n for p in listing_order("principles", reversed(crossrefs.principles))] == [1, 2, 3]
    assert [p.id for p in listing_order("people", crossrefs.people)] == ["ann"]


# --- listings -----------------------------------------------------------------


def test_principles_listing_is_by_number_then_filtered_then_limited(crossrefs):
    reordered = msgspec.structs.replace(crossrefs, principles=list(reversed(crossrefs.principles)))
    assert [p.id for p in principles_listing(reordered)] == ["focus", "price_high", "sell_direct"]
    assert [p.id for p in principles_listing(reordered, tags=["sales"], limit=1)] == ["focus"]
    assert [p.id for p in principles_listing(reordered, grep="RESELLERS")] == ["sell_direct"]


def test_risks_listing_is_by_severity_then_filtered_then_limited(risky):
    assert [r.id for r in risks_listing(risky, min_severity="high", limit=2)] == ["critical", "high_high_a"]
    assert [r.id for r in risks_listing(risky, limit=3)] == [r.id for r in risks_by_severity(risky.risks)][:3]


def test_a_listing_over_several_cases_keeps_each_cases_order_and_limits_them_together(crossrefs, analysis):
    rows = listing("eras", [crossrefs, analysis, crossrefs], today=TODAY)
    assert [(c.id, e.id) for c, e in rows] == [
        ("crossrefs", "early"),
        ("crossrefs", "later"),
        ("crossrefs", "early"),
        ("crossrefs", "later"),
    ]
    assert [(c.id, e.id) for c, e in listing("timeline", [crossrefs, analysis], limit=2)] == [
        ("crossrefs", "founded"),
        ("crossrefs", "launch"),
    ]
    assert [e.id for _, e in listing("timeline", [crossrefs], grep="DEAL")] == ["deal"]


def test_the_flywheel_listing_keeps_the_whole_wheel_and_limits_the_edges_across_cases(analysis):
    open_wheel = load_case(FIXTURES / "open_flywheel.yaml")
    shown = flywheel_listing([analysis, open_wheel], limit=6)
    assert [[e.id for e in s.edges] for s in shown] == [["f1", "f2", "f3", "f4", "f5"], ["f1"]]
    assert len(shown[1].wheel.edges) == len(open_wheel.flywheel)  # the loops are the whole wheel's
    assert shown[0].warnings() == [] and "nothing leads on from `profit`" in shown[1].warnings()[0]
    assert [[e.id for e in s.edges] for s in flywheel_listing([analysis], grep="make data")] == [["f1"]]


def test_a_flywheel_of_no_loop_says_so():
    from casekit.model import FlywheelEdge

    chain = load_case(FIXTURES / "open_flywheel.yaml")
    chain = msgspec.structs.replace(chain, flywheel=[FlywheelEdge(id="a", from_="x", to="y")])
    assert flywheel_listing([chain])[0].warnings()[-1] == "the flywheel's edges make no loop"


def test_a_metric_is_found_by_id_then_by_id_or_name_ignoring_case():
    acme = load_case(Path(__file__).parent / "fixtures" / "library" / "acme.yaml")
    assert resolve_metric(acme, "revenue").id == resolve_metric(acme, "REVENUE").id == "revenue"
    with pytest.raises(UsageError) as info:
        resolve_metric(acme, "revenu")
    assert (info.value.message, info.value.hint) == ("no metric `revenu` in acme", "did you mean `revenue`?")
    with pytest.raises(UsageError) as info:
        resolve_metric(msgspec.structs.replace(acme, metrics=[]), "revenue")
    assert info.value.hint == "acme has no metrics"


def test_metrics_listing_leaves_out_metrics_not_yet_observed_only_when_asked(crossrefs):
    from casekit.model import Metric

    metrics = [
        Metric(id="later", name="Later", unit="USD"),
        *load_case(Path(__file__).parent / "fixtures" / "library" / "acme.yaml").metrics,
    ]
    case = msgspec.structs.replace(crossrefs, metrics=metrics)
    assert [m.id for m in metrics_listing(case)[0]] == ["later", "revenue"]
    assert [m.id for m in metrics_listing(case, observed_only=True)[0]] == ["revenue"]
    assert metrics_listing(case, observed_only=True)[1] == 1
    assert metrics_listing(case, grep="revenue", observed_only=True) == ([metrics[1]], 0)
    assert metrics_listing(case, limit=1) == ([metrics[0]], 0)


def test_the_key_metrics_are_the_first_eight_with_their_latest_observation():
    from casekit.model import Metric, Observation
    from casekit.values import Value

    def observed(*dates: str) -> list:
        return [Observation(date=PartialDate.parse(d), value=Value.parse(str(i))) for i, d in enumerate(dates)]

    tied = Metric(id="tied", name="Tied", unit="count", observations=observed("2021", "2023", "2023"))
    assert latest_observation(tied) is tied.observations[2]  # the last written among equals
    assert latest_observation(Metric(id="none", name="None", unit="count")) is None
    metrics = [
        Metric(id=f"m{i}", name=f"M{i}", unit="count", observations=observed("2020") if i != 3 else [])
        for i in range(10)
    ]
    case = msgspec.structs.replace(load_case(FIXTURES / "crossrefs.yaml"), metrics=metrics)
    assert [m.id for m, _ in key_metrics(case)] == ["m0", "m1", "m2", "m4", "m5", "m6", "m7"]
