"""casekit.changes: matching by id, renames, refinements, word diffs, metric deltas, operands."""

from __future__ import annotations

import random
import shutil
import subprocess
from datetime import date
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casekit.changes import (
    Change,
    diff,
    longest_increasing,
    refines,
    refines_period,
    similar_pairs,
    word_diff,
)
from casekit.dates import PartialDate
from casekit.errors import CaseNotFound, InvalidCase, UsageError
from casekit.library import Library, revision_path
from casekit.loader import load_case
from casekit.model import Case, Event, Metric, Observation, Risk
from casekit.values import Value

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
KINDS = [
    "added",
    "removed",
    "changed",
    "renamed",
    "moved",
    "refined",
    "escalated",
    "metric_delta",
    "metric_added",
    "era_ended",
    "era_refined",
    "role_added",
    "observation_redated",
]
TODAY = date(2025, 7, 1)


def fixture(name: str) -> Case:
    return load_case(FIXTURES / f"{name}.yaml")


def records(result) -> list[dict]:
    """The SPEC §7 part of each change (section, id, kind, field, old, new)."""
    keys = ("section", "id", "kind", "field", "old", "new")
    return [{k: c.record()[k] for k in keys} for c in result.changes]


# --- one kind per fixture pair ------------------------------------------------------------


def test_added_event():
    result = diff(fixture("base"), fixture("added"))
    assert records(result) == [
        {
            "section": "timeline",
            "id": "series-c",
            "kind": "added",
            "field": None,
            "old": None,
            "new": {
                "id": "series-c",
                "date": "2024-02",
                "title": "Series C at a $1B valuation",
                "category": "funding",
                "era": "platform",
                "sources": ["press"],
            },
        }
    ]
    assert result.changes[0].label == "Series C at a $1B valuation"
    assert result.changes[0].at == "2024-02"


def test_removed_event():
    result = diff(fixture("base"), fixture("removed"))
    assert [(c.section, c.id, c.kind, c.field) for c in result.changes] == [("timeline", "seed", "removed", None)]
    assert result.changes[0].old["title"] == "Seed round"
    assert result.summary() == {
        "timeline": {"added": 0, "removed": 1, "changed": 0, "refined": 0, "renamed": 0, "moved": 0}
    }


def test_changed_event_has_old_new_and_a_word_diff():
    result = diff(fixture("base"), fixture("changed"))
    title, detail = result.changes
    assert (title.section, title.id, title.kind, title.field) == ("timeline", "os-launch", "changed", "title")
    assert (title.old, title.new) == ("AcmeOS launched", "AcmeOS 1.0 launched")
    assert detail.field == "detail" and detail.kind == "changed"
    assert detail.new.endswith("sold per robot per year to existing and new customers.")
    assert [w for w in detail.words if w[0] != "="] == [("-", "month"), ("+", "year"), ("+", "and new")]


def test_renamed_event_is_one_change_not_a_removal_and_an_addition():
    result = diff(fixture("base"), fixture("renamed"))
    assert records(result) == [
        {
            "section": "timeline",
            "id": "series-b",
            "kind": "renamed",
            "field": "id",
            "old": "series-b",
            "new": "series-b-round",
        }
    ]
    change = result.changes[0]
    assert change.new_id == "series-b-round" and change.detail == "similarity 100%"
    assert result.summary()["timeline"]["renamed"] == 1


def test_a_rename_that_changed_more_than_the_id_is_not_shown_as_alike_as_a_pure_one():
    # The same set of words (a comma added), so pairing sees no difference; the similarity must.
    result = diff(fixture("base"), fixture("renamed_retitled"))
    rename, title = result.changes
    assert rename.kind == "renamed" and title.field == "title"
    assert rename.detail.startswith("similarity ") and rename.detail != "similarity 100%"
    assert 80 <= int(rename.detail.removeprefix("similarity ").rstrip("%")) <= 99


def test_moved_event_is_no_change_unless_order_is_asked_for():
    assert diff(fixture("base"), fixture("moved")).same
    result = diff(fixture("base"), fixture("moved"), order=True)
    # `founded` went from first to last: one move, not four items shifted up.
    assert records(result) == [
        {"section": "timeline", "id": "founded", "kind": "moved", "field": None, "old": 1, "new": 5}
    ]


def test_refined_date():
    result = diff(fixture("base"), fixture("refined"))
    assert records(result) == [
        {"section": "timeline", "id": "series-a", "kind": "refined", "field": "date", "old": "2018", "new": "2018-11"}
    ]
    assert result.summary()["timeline"]["refined"] == 1
    assert result.summary()["timeline"]["changed"] == 0


def test_ending_an_ongoing_era_is_a_change_not_a_refinement():
    result = diff(fixture("base"), fixture("era_ended"))
    assert records(result) == [
        {
            "section": "eras",
            "id": "platform",
            "kind": "changed",
            "field": "period",
            "old": "2020/..",
            "new": "2020/2024",
        }
    ]
    assert result.summary()["eras"]["changed"] == 1 and result.summary()["eras"]["refined"] == 0


def test_one_end_of_an_era_said_more_precisely_is_a_refinement():
    result = diff(fixture("base"), fixture("era_refined"))
    assert records(result) == [
        {
            "section": "eras",
            "id": "hardware",
            "kind": "refined",
            "field": "period",
            "old": "2015/2019",
            "new": "2015-06/2019",
        }
    ]
    back = diff(fixture("era_refined"), fixture("base"))
    assert [(c.kind, c.detail) for c in back.changes] == [("changed", "less precise")]


def test_a_role_added_is_that_role_only():
    result = diff(fixture("base"), fixture("role_added"))
    assert records(result) == [
        {
            "section": "people",
            "id": "jane-roe",
            "kind": "added",
            "field": "roles",
            "old": None,
            "new": {"title": "Chair", "period": "2024-05/.."},
        }
    ]
    assert (result.changes[0].entry, result.changes[0].at) == ("Chair", "2024-05/..")
    assert result.summary()["people"]["changed"] == 1 and result.summary()["people"]["added"] == 0


def test_an_observation_redated_and_revised_pairs_with_its_old_self():
    result = diff(fixture("base"), fixture("observation_redated"))
    assert records(result) == [
        {
            "section": "metrics",
            "id": "revenue",
            "kind": "refined",
            "field": "observations.date",
            "old": "2021",
            "new": "2021-H2",
        },
        {
            "section": "metrics",
            "id": "revenue",
            "kind": "changed",
            "field": "observations",
            "old": "$50M",
            "new": "$60M",
        },
    ]
    assert result.changes[1].growth == {"change": 10e6, "pct": 20.0, "approximate": False, "bound": None}
    assert result.summary()["metrics"]["changed"] == 1
    back = diff(fixture("observation_redated"), fixture("base"))
    assert [(c.kind, c.field, c.detail) for c in back.changes] == [
        ("changed", "observations.date", "less precise"),
        ("changed", "observations", "-$10M (-16.7%)"),
    ]


def test_escalated_risk():
    result = diff(fixture("base"), fixture("escalated"))
    assert records(result) == [
        {
            "section": "risks",
            "id": "commoditisation",
            "kind": "changed",
            "field": "severity",
            "old": "medium",
            "new": "high",
        }
    ]
    assert result.changes[0].detail == "escalated"
    back = diff(fixture("escalated"), fixture("base"))
    assert back.changes[0].detail == "de-escalated"


def test_metric_observations_matched_by_date_with_growth():
    result = diff(fixture("base"), fixture("metric_delta"))
    assert records(result) == [
        {"section": "metrics", "id": "revenue", "kind": "removed", "field": "observations", "old": "$10M", "new": None},
        {
            "section": "metrics",
            "id": "revenue",
            "kind": "changed",
            "field": "observations",
            "old": "$50M",
            "new": "$75M",
        },
        {"section": "metrics", "id": "revenue", "kind": "added", "field": "observations", "old": None, "new": "$150M"},
    ]
    assert [c.at for c in result.changes] == ["2019", "2021", "2024"]
    changed = result.changes[1]
    assert changed.detail == "+$25M (+50%)"
    assert changed.growth == {"change": 25e6, "pct": 50.0, "approximate": False, "bound": None}
    # A new observation is measured against the one before it (here an "about" figure: approximate).
    assert result.changes[2].detail == "since 2023: ≈+$30M (≈+25%)"
    assert result.changes[2].growth["since"] == "2023" and result.changes[2].growth["approximate"]
    # Observations added or removed change the metric; they do not add or remove it.
    assert result.summary()["metrics"]["changed"] == 1
    assert result.summary()["metrics"]["added"] == 0


@pytest.mark.parametrize("name", ["base", "spelled_differently", *KINDS])
def test_a_case_against_itself_is_the_same(name):
    case = fixture(name)
    assert diff(case, case).same
    assert diff(case, case, order=True).same


def test_spelling_formatting_and_order_are_not_changes():
    # Other date and figure notations, folded prose, reordered keys and items.
    assert diff(fixture("base"), fixture("spelled_differently")).same


@pytest.mark.parametrize("name", KINDS)
def test_reversed_diff_mirrors_additions_and_removals(name):
    forward = diff(fixture("base"), fixture(name)).summary()
    backward = diff(fixture(name), fixture("base")).summary()
    assert forward.keys() == backward.keys()
    for section in forward:
        assert forward[section]["added"] == backward[section]["removed"]
        assert forward[section]["removed"] == backward[section]["added"]
        assert forward[section]["renamed"] == backward[section]["renamed"]


def test_record_has_the_spec_keys():
    record = diff(fixture("base"), fixture("escalated")).record()
    assert set(record) == {"a", "b", "changes", "summary"}
    assert record["a"] == record["b"] == "acme"
    assert set(record["summary"]["risks"]) >= {"added", "removed", "changed", "renamed"}
    assert {"section", "id", "kind", "field", "old", "new"} <= set(record["changes"][0])


# --- the pieces ----------------------------------------------------------------------------


def d(text) -> PartialDate:
    return PartialDate.parse(text)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("2019", "2019-08", True),
        ("2019", "2019-08-14", True),
        ("2019-H2", "2019-08", True),
        ("2019/..", "2019/2021", True),
        ("~2015", "2015", True),  # the same year, no longer approximate
        ("2015?", "2015", True),
        ("2019", "2019", False),  # the same
        ("2019-08", "2019", False),  # coarser
        ("2019", "2020-01", False),  # elsewhere
        ("2019", "2018/2020", False),
        ("2015", "~2015", False),  # less sure
        ("2019", "2019-08?", False),  # narrower but now uncertain
    ],
)
def test_refines(old, new, expected):
    assert refines(d(old), d(new)) is expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("2016/2020", "2016-03/2020", True),  # the start said within its year
        ("2016/2020", "2016/2020-06", True),  # the end said within its year
        ("2016/2020", "2016-03/2020-06", True),
        ("~2016/2020", "2016/2020", True),  # no longer approximate
        ("../2020", "../2020-06", True),
        ("2019", "2019-08", True),  # a single date is both its ends
        ("2019/..", "2019/2024", False),  # an ongoing era ended
        ("2016/2020", "2016/2019", False),  # an end moved
        ("2016-01/2020", "2016-03/2020", False),  # the start moved from January to March
        ("2016/2020", "2016/..", False),  # reopened
        ("2016/2020", "2016", False),  # shortened to one year
        ("2016/2020", "2016–2020", False),  # the same
        ("2016-03/2020", "2016/2020", False),  # vaguer
    ],
)
def test_refines_period_end_by_end(old, new, expected):
    assert refines_period(d(old), d(new)) is expected


def test_a_coarser_date_is_a_change_said_to_be_less_precise():
    a = case_with(events=[event("x", "2019-08", "X")])
    b = case_with(events=[event("x", "2019", "X")])
    [change] = diff(a, b).changes
    assert (change.kind, change.detail) == ("changed", "less precise")


def test_word_diff():
    assert word_diff("the quick brown fox", "the slow brown fox jumps") == (
        ("=", "the"),
        ("-", "quick"),
        ("+", "slow"),
        ("=", "brown fox"),
        ("+", "jumps"),
    )
    assert word_diff("same words", "same  words") == (("=", "same words"),)


def test_longest_increasing():
    assert longest_increasing([]) == []
    assert longest_increasing([3, 1, 2]) == [1, 2]
    assert longest_increasing([1, 2, 3, 4]) == [1, 2, 3, 4]
    assert len(longest_increasing([5, 0, 1, 2, 3, 4])) == 5


def test_similar_pairs_best_first_and_above_the_threshold_only():
    old = [
        event("a", "2020", "Acme raises a Series B round from Example Ventures"),
        event("b", "2021", "Launch of the fleet software product"),
    ]
    new = [
        event("x", "2021", "Launch of the fleet software"),
        event("y", "2020", "Acme raises a Series B round from Example Ventures"),
        event("z", "2020", "Something else entirely happened"),
    ]
    pairs = similar_pairs(old, new)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1), (1, 0)]
    assert pairs[0][2] == 1.0 and 0.6 <= pairs[1][2] < 1.0


def test_different_events_of_one_category_and_era_are_not_a_rename():
    # Category, era, tags and sources say little about which event it is.
    a = case_with(
        events=[
            Event(
                id="seed",
                date=d("2016"),
                title="Seed round",
                category="funding",
                era="early",
                tags=["round"],
                sources=["press"],
            )
        ]
    )
    b = case_with(
        events=[
            Event(
                id="series-a",
                date=d("2016"),
                title="Series A round",
                category="funding",
                era="early",
                tags=["round"],
                sources=["press"],
            )
        ]
    )
    assert sorted(c.kind for c in diff(a, b).changes) == ["added", "removed"]


def test_a_renamed_item_with_edits_reports_them_under_its_old_and_new_id():
    a = case_with(events=[event("old-id", "2020", "Acme opens an office in Berlin to serve European customers")])
    b = case_with(events=[event("new-id", "2020-03", "Acme opens an office in Berlin to serve European clients")])
    result = diff(a, b)
    assert [(c.kind, c.field) for c in result.changes] == [("renamed", "id"), ("refined", "date"), ("changed", "title")]
    assert {(c.id, c.new_id) for c in result.changes} == {("old-id", "new-id")}
    assert result.summary()["timeline"] == {
        "added": 0,
        "removed": 0,
        "changed": 0,
        "refined": 0,
        "renamed": 1,
        "moved": 0,
    }


def test_list_fields_compare_as_sets_and_say_what_came_and_went():
    a = case_with(events=[Event(id="e", date=d("2020"), title="E", tags=["a", "b"])])
    same = case_with(events=[Event(id="e", date=d("2020"), title="E", tags=["b", "a"])])
    other = case_with(events=[Event(id="e", date=d("2020"), title="E", tags=["a", "c"])])
    assert diff(a, same).same
    [change] = diff(a, other).changes
    assert (change.field, change.old, change.new, change.detail) == ("tags", ["a", "b"], ["a", "c"], "−b, +c")


def test_an_observation_dated_more_precisely_is_refined():
    a = case_with(metrics=[metric("rev", ("2021", "$5M"))])
    b = case_with(metrics=[metric("rev", ("2021-06", "$5M"))])
    [change] = diff(a, b).changes
    assert (change.kind, change.field, change.old, change.new) == ("refined", "observations.date", "2021", "2021-06")


def test_an_observation_made_vaguer_pairs_with_its_old_self():
    a = case_with(metrics=[metric("rev", ("2021-H1", "$150M"))])
    b = case_with(metrics=[metric("rev", ("2021", "$150M"))])
    [change] = diff(a, b).changes
    assert (change.kind, change.field, change.old, change.new, change.detail) == (
        "changed",
        "observations.date",
        "2021-H1",
        "2021",
        "less precise",
    )


def test_nested_observations_pair_one_to_one_closest_first():
    a = case_with(metrics=[metric("rev", ("2021", "$150M"))])
    b = case_with(metrics=[metric("rev", ("2021-Q3", "$80M"), ("2021-H2", "$70M"))])
    result = diff(a, b)
    assert [(c.kind, c.field, c.old, c.new) for c in result.changes] == [
        ("refined", "observations.date", "2021", "2021-H2"),
        ("changed", "observations", "$150M", "$70M"),
        ("added", "observations", None, "$80M"),
    ]
    assert [(c.kind, c.field, c.old, c.new) for c in diff(b, a).changes] == [
        ("changed", "observations.date", "2021-H2", "2021"),
        ("changed", "observations", "$70M", "$150M"),
        ("removed", "observations", "$80M", None),
    ]


def test_an_observation_s_note_and_sources_are_compared_when_its_date_is_refined():
    a = case_with(
        metrics=[
            Metric(
                id="rev",
                name="rev",
                unit="USD",
                observations=[Observation(date=d("2021"), value=Value.parse("$5M"), note="first")],
            )
        ]
    )
    b = case_with(
        metrics=[
            Metric(
                id="rev",
                name="rev",
                unit="USD",
                observations=[Observation(date=d("2021-06"), value=Value.parse("$5M"), note="second", sources=["s"])],
            )
        ]
    )
    assert [(c.kind, c.field) for c in diff(a, b).changes] == [
        ("refined", "observations.date"),
        ("changed", "observations.sources"),
        ("changed", "observations.note"),
    ]


@pytest.mark.parametrize(
    ("unit", "old", "new", "same"),
    [
        ("USD", "$100M", "100000000", True),  # a bare number is in the metric's unit
        ("USD", "100,000,000", "US$100 million", True),
        ("USD/hour", "$30/hr", "30", True),
        ("percent", "45%", "45", True),
        ("count", "1M", "1000000", True),
        ("count", "$100M", "100000000", False),  # a count's bare number is no money
        ("USD", "$100M", "€100M", False),
        ("USD", "$100M", "~100000000", False),  # about is not exact
    ],
)
def test_figures_compare_as_the_metric_reads_them(unit, old, new, same):
    def one(value):
        return case_with(
            metrics=[
                Metric(
                    id="m", name="m", unit=unit, observations=[Observation(date=d("2021"), value=Value.parse(value))]
                )
            ]
        )

    assert diff(one(old), one(new)).same is same


def test_a_bare_number_s_change_is_measured_in_the_metric_s_unit():
    a = case_with(metrics=[metric("rev", ("2021", "100000000"))])
    b = case_with(metrics=[metric("rev", ("2021", "$120M"))])
    [change] = diff(a, b).changes
    assert (change.old, change.new, change.detail) == ("100000000", "$120M", "+$20M (+20%)")


def test_roles_compare_as_a_set_and_report_only_the_roles_that_changed():
    from casekit.model import Person, Role

    def person(*roles):
        return Case(
            casekit=1,
            id="t",
            company="T",
            title="T",
            as_of=d("2025"),
            sources=[],
            timeline=[],
            metrics=[],
            principles=[],
            risks=[],
            people=[Person(id="ann", name="Ann", roles=[Role(title=t, period=d(p)) for t, p in roles])],
        )

    a = person(("CTO", "2015/2017"), ("CEO", "2017/.."))
    assert diff(a, person(("CEO", "2017–present"), ("CTO", "2015–2017"))).same
    result = diff(a, person(("CEO", "2017/2025-05"), ("CTO", "2015/2017"), ("Interim CEO", "2025-06")))
    assert [(c.kind, c.field, c.entry, c.old, c.new) for c in result.changes] == [
        ("changed", "roles.period", "CEO", "2017/..", "2017/2025-05"),
        ("added", "roles", "Interim CEO", None, {"title": "Interim CEO", "period": "2025-06"}),
    ]
    renamed = diff(a, person(("Chief Technology Officer", "2015/2017"), ("CEO", "2017/..")))
    assert [(c.field, c.entry, c.old, c.new) for c in renamed.changes] == [
        ("roles.title", "CTO", "CTO", "Chief Technology Officer")
    ]
    refined = diff(a, person(("CTO", "2015-04/2017"), ("CEO", "2017/..")))
    assert [(c.kind, c.field) for c in refined.changes] == [("refined", "roles.period")]
    assert refined.summary()["people"]["refined"] == 1


def test_observations_of_one_date_pair_equal_figures_first():
    a = case_with(metrics=[metric("rev", ("2021", "$5M"), ("2021", "$7M"))])
    b = case_with(metrics=[metric("rev", ("2021", "$7M"), ("2021", "$6M"))])
    [change] = diff(a, b).changes
    assert (change.old, change.new) == ("$5M", "$6M")


def test_top_level_fields_are_section_case():
    base = fixture("base")
    other = msgspec.structs.replace(base, title="A new title", as_of=d("2025"), tags=["robotics"])
    result = diff(base, other)
    assert [(c.section, c.field, c.old, c.new) for c in result.changes] == [
        ("case", "title", "From warehouse robots to a platform", "A new title"),
        ("case", "as_of", "2024-06", "2025"),
        ("case", "tags", ["robotics", "platform"], ["robotics"]),
    ]
    assert result.sections() == ["case"]


def test_no_case_on_one_side_means_everything_added_or_removed():
    base = fixture("base")
    result = diff(None, base)
    kinds = {c.kind for c in result.changes}
    assert kinds == {"added"}
    assert result.summary()["timeline"]["added"] == len(base.timeline)
    assert result.summary()["case"]["added"] == 1
    gone = diff(base, None).summary()
    assert gone["risks"]["removed"] == len(base.risks)


def test_only_limits_sections():
    result = diff(fixture("base"), fixture("escalated")).only(["timeline"])
    assert result.same


@pytest.mark.parametrize("sections", [["timeline"], ["risks"], ["case", "principles"], []])
def test_diffing_some_sections_finds_what_the_whole_diff_finds_there(sections):
    for a, b in [(fixture("base"), fixture("escalated")), (fixture("base"), None), (None, fixture("base"))]:
        whole = diff(a, b)
        assert diff(a, b, sections=sections).record() == (whole.only(sections) if sections else whole).record()


# --- generated cases ----------------------------------------------------------------------

WORDS = [
    "revenue",
    "robots",
    "fleet",
    "software",
    "launch",
    "round",
    "customer",
    "margin",
    "data",
    "labour",
    "platform",
    "contract",
    "defence",
    "europe",
    "price",
    "growth",
]
DATES = ["2015", "2016-03", "2018", "late 2019", "2020-Q2", "~2022", "2023/2024", "2024-06-01"]
SEVERITIES = ["low", "medium", "medium-high", "high", "critical"]

title_st = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
events_st = st.lists(
    st.builds(lambda t, dt, det: (t, dt, det), title_st, st.sampled_from(DATES), st.none() | title_st),
    max_size=8,
)
risks_st = st.lists(st.tuples(title_st, st.sampled_from(SEVERITIES)), max_size=4)
obs_st = st.lists(st.tuples(st.sampled_from(DATES), st.integers(1, 500)), max_size=4)


def build_case(events, risks, observations) -> Case:
    return case_with(
        events=[Event(id=f"e{k}", date=d(dt), title=t, detail=det) for k, (t, dt, det) in enumerate(events)],
        risks=[Risk(id=f"r{k}", title=t, severity=s) for k, (t, s) in enumerate(risks)],
        metrics=[metric("rev", *[(dt, f"${n}M") for dt, n in observations])],
    )


@settings(max_examples=150, deadline=None)
@given(events_st, risks_st, obs_st, st.randoms(use_true_random=False))
def test_property_a_case_is_the_same_as_itself_and_as_itself_shuffled(events, risks, observations, rnd):
    case = build_case(events, risks, observations)
    assert diff(case, case).same
    shuffled = msgspec.structs.replace(
        case, timeline=rnd.sample(case.timeline, len(case.timeline)), risks=rnd.sample(case.risks, len(case.risks))
    )
    assert diff(case, shuffled).same
    moved = diff(case, shuffled, order=True)
    positions = [int(e.id[1:]) for e in shuffled.timeline]
    assert moved.summary().get("timeline", {}).get("moved", 0) == len(positions) - len(longest_increasing(positions))


roles_st = st.lists(
    st.tuples(st.sampled_from(["CEO", "CTO", "Chair", "COO"]), st.sampled_from(DATES)),
    min_size=1,
    max_size=5,
    unique=True,
)


@settings(max_examples=100, deadline=None)
@given(roles_st, st.randoms(use_true_random=False), st.data())
def test_property_roles_are_a_set(roles, rnd, data):
    from casekit.model import Person, Role

    def with_roles(pairs):
        person = Person(id="p", name="P", roles=[Role(title=t, period=d(p)) for t, p in pairs])
        return msgspec.structs.replace(case_with(), people=[person])

    assert diff(with_roles(roles), with_roles(rnd.sample(roles, len(roles)))).same
    k = data.draw(st.integers(0, len(roles) - 1))
    fewer = roles[:k] + roles[k + 1 :]
    [change] = diff(with_roles(roles), with_roles(rnd.sample(fewer, len(fewer)))).changes
    assert (change.kind, change.field, change.entry) == ("removed", "roles", roles[k][0])


@settings(max_examples=150, deadline=None)
@given(events_st, events_st, risks_st, risks_st, st.booleans())
def test_property_every_item_is_accounted_for_once(events_a, events_b, risks_a, risks_b, order):
    a = build_case(events_a, risks_a, [])
    b = build_case(events_b, risks_b, [])
    result = diff(a, b, order=order)
    for name in ("timeline", "risks"):
        old_ids = {x.id for x in getattr(a, name)}
        new_ids = {x.id for x in getattr(b, name)}
        items = [c for c in result.changes if c.section == name]
        added = {c.id for c in items if c.kind == "added" and c.field is None}
        removed = {c.id for c in items if c.kind == "removed" and c.field is None}
        renamed = {(c.id, c.new_id) for c in items if c.kind == "renamed"}
        assert added <= new_ids - old_ids and removed <= old_ids - new_ids
        assert {o for o, _ in renamed} <= old_ids - new_ids and {n for _, n in renamed} <= new_ids - old_ids
        # Every old item is kept, removed or renamed; every new one kept, added or renamed.
        assert len(old_ids) == len(old_ids & new_ids) + len(removed) + len(renamed)
        assert len(new_ids) == len(old_ids & new_ids) + len(added) + len(renamed)
        if not order:
            assert not any(c.kind == "moved" for c in items)


@settings(max_examples=100, deadline=None)
@given(events_st.filter(bool), st.data())
def test_property_one_edited_title_is_one_change(events, data):
    a = build_case(events, [], [])
    k = data.draw(st.integers(0, len(events) - 1))
    new_title = data.draw(title_st.filter(lambda t: t.split() != a.timeline[k].title.split()))
    timeline = list(a.timeline)
    timeline[k] = msgspec.structs.replace(timeline[k], title=new_title)
    result = diff(a, msgspec.structs.replace(a, timeline=timeline))
    assert records(result) == [
        {
            "section": "timeline",
            "id": f"e{k}",
            "kind": "changed",
            "field": "title",
            "old": a.timeline[k].title,
            "new": new_title,
        }
    ]


def test_big_inputs_are_matched_without_comparing_all_pairs():
    # 2,000 removed and 2,000 added items, all different: a prefix-filtered
    # index scores only pairs sharing a rare word, far fewer than 4,000,000.
    rng = random.Random(3)
    vocab = [f"w{n}" for n in range(5000)]
    old = [event(f"a{k}", "2020", " ".join(rng.sample(vocab, 8))) for k in range(2000)]
    new = [event(f"b{k}", "2020", " ".join(rng.sample(vocab, 8))) for k in range(2000)]
    new[7] = event("b7", "2020", old[3].title)
    pairs = similar_pairs(old, new)
    assert [(i, j) for i, j, _ in pairs] == [(3, 7)]


def test_the_rename_search_scores_a_bounded_number_of_candidates_per_item(monkeypatch):
    # 3,000 removed and 3,000 added items drawn from 300 common words: every rare word is in dozens
    # of items, so a prefix filter alone would score hundreds of candidates per item.
    import casekit.changes as changes

    scored = 0

    class Counted(frozenset):
        def __and__(self, other):
            nonlocal scored
            scored += 1
            return frozenset.__and__(self, other)

    real = changes.content_tokens
    monkeypatch.setattr(changes, "content_tokens", lambda item: Counted(real(item)))
    rng = random.Random(4)
    vocab = [f"w{n}" for n in range(300)]
    old = [event(f"a{k}", "2020", " ".join(rng.sample(vocab, 8))) for k in range(3000)]
    new = [event(f"b{k}", "2020", " ".join(rng.sample(vocab, 8))) for k in range(3000)]
    new[11] = event("b11", "2020", old[5].title + " again")
    pairs = similar_pairs(old, new)
    assert (5, 11) in {(i, j) for i, j, _ in pairs}
    assert scored <= 30 * len(old)  # by the prefix filter alone, some 240 per item


def test_many_look_alike_items_pair_up_without_a_quadratic_search():
    old = [event(f"a{k}", "2020", "Quarterly update") for k in range(3000)]
    new = [event(f"b{k}", "2020", "Quarterly update") for k in range(3000)]
    new[5] = event("b5", "2020", "Quarterly update, revised")
    pairs = similar_pairs(old, new)
    assert len(pairs) == 3000
    assert sorted(j for _, j, _ in pairs) == list(range(3000))


# --- operands ------------------------------------------------------------------------------


@pytest.fixture
def library(tmp_path) -> Library:
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(FIXTURES / "base.yaml", cases / "acme.yaml")
    return Library(cases_dirs=[cases], env={})


def test_operand_id_and_path(library, tmp_path):
    label, case = library.resolve("acme", TODAY)
    assert label == "acme" and case.id == "acme"
    path = str(FIXTURES / "added.yaml")
    label, case = library.resolve(path, TODAY)
    assert label == path and any(e.id == "series-c" for e in case.timeline)


def test_operand_case_at_date_is_the_case_as_of_then(library):
    label, case = library.resolve("acme@2019", TODAY)
    assert label == "acme@2019"
    assert [e.id for e in case.timeline] == ["founded", "seed", "series-a"]
    assert case.as_of.text == "2019"
    result = diff(case, library.resolve("acme", TODAY)[1])
    # The sources, both dated 2024, were not out in 2019 either, nor the principle and the risk they alone cite.
    assert {c.id for c in result.changes if c.kind == "added" and c.field is None} == {
        "os-launch",
        "series-b",
        "platform",
        "q1",
        "report",
        "press",
        "software-margin",
        "commoditisation",
    }
    assert [(c.id, c.at, c.new) for c in result.changes if c.field == "observations"] == [
        ("revenue", "2021", "$50M"),
        ("revenue", "2023", "~$120M"),
    ]


def test_operand_path_at_date(library):
    _, case = library.resolve(f"{FIXTURES / 'base.yaml'}@2016", TODAY)
    assert [e.id for e in case.timeline] == ["founded", "seed"]


def test_operand_existing_files_with_at_or_colon_are_paths(library, tmp_path):
    for name in ("acme@2019.yaml", "odd:name.yaml"):
        target = tmp_path / name
        shutil.copy(FIXTURES / "added.yaml", target)
        label, case = library.resolve(str(target), TODAY)
        assert label == str(target) and len(case.timeline) == 6


def test_operand_errors(library):
    with pytest.raises(CaseNotFound, match="no case `acm`") as found:
        library.resolve("acm@2019", TODAY)
    assert "acme" in (found.value.hint or "")
    with pytest.raises(UsageError, match="acme@2019-13"):
        library.resolve("acme@2019-13", TODAY)
    with pytest.raises(CaseNotFound, match="no such file"):
        library.resolve("C:\\cases\\acme.yaml", TODAY)
    with pytest.raises(CaseNotFound, match="no such file"):
        library.resolve("missing/acme.yaml", TODAY)


def test_operand_invalid_case_names_the_first_problem(library, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((FIXTURES / "base.yaml").read_text().replace("severity: medium", "severity: huge"))
    with pytest.raises(InvalidCase) as raised:
        library.resolve(str(bad), TODAY)
    assert "huge" in raised.value.message and "bad.yaml:" in raised.value.message


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo, check=True, capture_output=True
    )


@needs_git
def test_operand_rev_path_reads_the_file_at_a_revision(library, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "cases").mkdir(parents=True)
    git(repo, "init", "-q")
    shutil.copy(FIXTURES / "base.yaml", repo / "cases" / "acme.yaml")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    shutil.copy(FIXTURES / "escalated.yaml", repo / "cases" / "acme.yaml")
    git(repo, "commit", "-qam", "two")
    monkeypatch.chdir(repo)
    label, old = library.resolve("HEAD~1:cases/acme.yaml", TODAY)
    assert label == "HEAD~1:cases/acme.yaml"
    _, new = library.resolve("HEAD:cases/acme.yaml", TODAY)
    assert [c.detail for c in diff(old, new).changes] == ["escalated"]
    with pytest.raises(CaseNotFound, match="nope"):
        library.resolve("nope:cases/acme.yaml", TODAY)
    with pytest.raises(CaseNotFound, match="does not exist"):
        library.resolve("HEAD:cases/other.yaml", TODAY)


@needs_git
def test_operand_colon_path_is_the_staged_file(library, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "cases").mkdir(parents=True)
    git(repo, "init", "-q")
    shutil.copy(FIXTURES / "base.yaml", repo / "cases" / "acme.yaml")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    shutil.copy(FIXTURES / "escalated.yaml", repo / "cases" / "acme.yaml")
    git(repo, "add", ".")  # staged, not committed
    shutil.copy(FIXTURES / "added.yaml", repo / "cases" / "acme.yaml")  # and the working file differs again
    monkeypatch.chdir(repo)
    _, committed = library.resolve("HEAD:cases/acme.yaml", TODAY)
    for spec in (":cases/acme.yaml", ":0:cases/acme.yaml"):
        label, staged = library.resolve(spec, TODAY)
        assert label == spec
        assert [c.detail for c in diff(committed, staged).changes] == ["escalated"]
    with pytest.raises(CaseNotFound, match="stage 2"):
        library.resolve(":2:cases/acme.yaml", TODAY)


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ("HEAD~1:cases/acme.yaml", "cases/acme.yaml"),
        ("v1.0:./acme.yaml", "./acme.yaml"),
        (":cases/acme.yaml", "cases/acme.yaml"),
        (":0:cases/acme.yaml", "cases/acme.yaml"),
        (":3:acme.yaml", "acme.yaml"),
        ("HEAD:", None),
        (":", None),
        (":0:", None),
    ],
)
def test_revision_path(spec, path):
    assert revision_path(spec) == path


@pytest.mark.parametrize("spec", ["--output=/tmp/casekit-x:y", "-p:cases/acme.yaml", "--end-of-options:x"])
def test_operand_starting_with_a_dash_is_never_given_to_git(library, tmp_path, monkeypatch, spec):
    def no_git(*args, **kwargs):
        raise AssertionError(f"git ran with {args}")

    monkeypatch.setattr(subprocess, "run", no_git)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match="never starts with `-`"):
        library.resolve(spec, TODAY)


def test_git_reads_the_operand_on_standard_input_and_its_size_first(library, monkeypatch):
    calls = []
    blob = (FIXTURES / "base.yaml").read_bytes()

    def fake_run(args, **kwargs):
        calls.append((args, kwargs.get("input")))
        if args[1:] == ["cat-file", "--batch-check"]:
            return subprocess.CompletedProcess(args, 0, f"{'e' * 40} blob {len(blob)}\n".encode(), b"")
        return subprocess.CompletedProcess(args, 0, blob, b"")

    monkeypatch.setattr(subprocess, "run", fake_run)
    _, case = library.resolve("HEAD:cases/acme.yaml", TODAY)
    assert case.id == "acme"
    assert calls == [
        (["git", "cat-file", "--batch-check"], b"HEAD:cases/acme.yaml\n"),
        (["git", "cat-file", "blob", "e" * 40], None),
    ]


def test_git_explains_a_missing_file_with_its_options_ended_and_never_prints_it(library, monkeypatch):
    calls = []

    def fake_run(args, **kwargs):
        calls.append(args)
        if args[1:] == ["cat-file", "--batch-check"]:
            return subprocess.CompletedProcess(args, 0, b"HEAD:cases/acme.yaml missing\n", b"")
        if "--end-of-options" in args:  # as git before 2.24 answers
            return subprocess.CompletedProcess(args, 128, b"", b"fatal: unrecognized argument: --end-of-options\n")
        return subprocess.CompletedProcess(args, 128, b"", b"fatal: path 'cases/acme.yaml' does not exist in 'HEAD'\n")

    monkeypatch.setattr(subprocess, "run", fake_run)
    with pytest.raises(CaseNotFound, match="does not exist in 'HEAD'"):
        library.resolve("HEAD:cases/acme.yaml", TODAY)
    assert calls[1:] == [
        ["git", "cat-file", "-e", "--end-of-options", "HEAD:cases/acme.yaml"],
        ["git", "cat-file", "-e", "HEAD:cases/acme.yaml"],
    ]


@needs_git
def test_a_blob_over_the_size_limit_is_refused_before_it_is_read(library, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "cases").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "cases" / "huge.yaml").write_bytes(b"casekit: 1\n" + b"# padding\n" * 200_000)  # 2 MB
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "huge")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("CASEKIT_MAX_CASE_MB", "1")
    read = []
    real_run = subprocess.run

    def watching(args, **kwargs):
        read.append(args)
        return real_run(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", watching)
    with pytest.raises(CaseNotFound, match="larger than the 1 MB") as raised:
        library.resolve("HEAD:cases/huge.yaml", TODAY)
    assert "CASEKIT_MAX_CASE_MB" in (raised.value.hint or "")
    assert not any("blob" in args or "show" in args or "--batch" in args for args in read)


@needs_git
def test_an_invalid_case_at_a_revision_hints_at_validating_what_git_shows(library, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "cases").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "cases" / "bad.yaml").write_text(
        (FIXTURES / "base.yaml").read_text().replace("severity: medium", "severity: huge")
    )
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "bad")
    monkeypatch.chdir(repo)
    with pytest.raises(InvalidCase) as raised:
        library.resolve("HEAD:cases/bad.yaml", TODAY)
    assert "git show HEAD:cases/bad.yaml | casekit validate -" in (raised.value.hint or "")
    assert "casekit validate HEAD:" not in (raised.value.hint or "")
    with pytest.raises(CaseNotFound, match="is a directory"):
        library.resolve("HEAD:cases", TODAY)


def test_operands_load_through_the_library_cache(library, tmp_path, monkeypatch):
    import os

    import casekit.loader

    path = tmp_path / "other.yaml"
    shutil.copy(FIXTURES / "escalated.yaml", path)
    for file in (path, tmp_path / "cases" / "acme.yaml"):
        os.utime(file, ns=(1_600_000_000 * 10**9, 1_600_000_000 * 10**9))  # old enough to be cached
    parsed = []
    check_bytes = casekit.loader.check_bytes

    def counting(data, display, **kwargs):
        parsed.append(display)
        return check_bytes(data, display, **kwargs)

    monkeypatch.setattr(casekit.loader, "check_bytes", counting)
    library = Library(cases_dirs=[tmp_path / "cases"], env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    for _ in range(2):
        assert library.resolve("acme", TODAY)[1].id == "acme"
        assert library.resolve(str(path), TODAY)[1].risks[0].severity == "high"
        assert library.resolve("acme@2019", TODAY)[1].as_of.text == "2019"
    assert sorted(parsed) == sorted([str(tmp_path / "cases" / "acme.yaml"), str(path)])


def test_operand_a_pipe_is_read_not_cached(library, tmp_path):
    import os
    import threading

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes((FIXTURES / "escalated.yaml").read_bytes()))
    writer.start()
    label, case = library.resolve(str(fifo), TODAY)
    writer.join()
    assert label == str(fifo) and case.risks[0].severity == "high"


# --- helpers -------------------------------------------------------------------------------


def event(ident: str, when: str, title: str) -> Event:
    return Event(id=ident, date=d(when), title=title)


def metric(ident: str, *observations: tuple[str, str]) -> Metric:
    return Metric(
        id=ident,
        name=ident,
        unit="USD",
        observations=[Observation(date=d(dt), value=Value.parse(v)) for dt, v in observations],
    )


def case_with(events=(), risks=(), metrics=()) -> Case:
    return Case(
        casekit=1,
        id="t",
        company="T",
        title="T",
        as_of=d("2025"),
        sources=[],
        timeline=list(events),
        metrics=list(metrics),
        principles=[],
        risks=list(risks),
    )


def test_change_record_omits_unset_extras():
    assert Change("timeline", "x", "added").record() == {
        "section": "timeline",
        "id": "x",
        "kind": "added",
        "field": None,
        "old": None,
        "new": None,
    }
