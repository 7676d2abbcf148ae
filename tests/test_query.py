"""Tests for casekit.query: the timeline's period filters, --grep, the as-of view of a case, the timeline query."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_dates import dates, todays

from casekit.dates import PartialDate
from casekit.errors import UsageError
from casekit.loader import load_case
from casekit.model import Event
from casekit.query import EventFilter, TimelineQuery, as_of, as_of_today, grep, select, timeline

P = PartialDate.parse
TODAY = date(2025, 6, 15)
FAST = settings(max_examples=200, deadline=None)


def event(when: str, event_id: str = "e") -> Event:
    return Event(id=event_id, date=P(when), title=when)


def kept(
    dated: list[str], since: str | None = None, until: str | None = None, strict: bool = False, today: date = TODAY
) -> list[str]:
    f = EventFilter(since=P(since) if since else None, until=P(until) if until else None, strict=strict, today=today)
    return [e.title for e in f.apply(event(d) for d in dated)]


OPEN = ["2019/..", "2019–present", "since 2019", "../2018", "by late 2024", "2019", "2031"]


def test_strict_keeps_open_ends_that_end_today_inside_the_period():
    # Open ends run to today (2025-06-15), inside 2019–2030.
    assert kept(OPEN, "2019", "2030", strict=True) == ["2019/..", "2019–present", "since 2019", "2019"]
    # ... and past 2024, so not inside 2019–2024.
    assert kept(OPEN, "2019", "2024", strict=True) == ["2019"]
    assert kept(OPEN, "2019", "2030") == ["2019/..", "2019–present", "since 2019", "by late 2024", "2019"]


def test_an_open_start_period_holds_open_start_events():
    assert kept(OPEN, until="../2024", strict=True) == ["../2018", "by late 2024", "2019"]
    assert kept(OPEN, since="../2015", strict=True) == OPEN
    assert kept(OPEN, since="../2015", until="2018", strict=True) == ["../2018"]


def test_an_open_end_period_ends_today():
    assert kept(OPEN, since="2025/..", strict=True) == ["2031"]
    assert kept(OPEN, since="2025/..") == ["2019/..", "2019–present", "since 2019", "2031"]
    assert kept(OPEN, until="2025/..", strict=True) == [
        "2019/..",
        "2019–present",
        "since 2019",
        "../2018",
        "by late 2024",
        "2019",
    ]


def test_a_period_that_holds_no_day_keeps_nothing():
    assert kept(OPEN, "2024", "2020") == []


def test_today_comes_from_casekit_dates(monkeypatch):
    import casekit.dates

    monkeypatch.setattr(casekit.dates, "today", lambda: date(2001, 2, 3))
    assert EventFilter().today == date(2001, 2, 3)


# --- properties ----------------------------------------------------------------------------

maybe_dates = st.none() | dates


def _filter(since, until, strict, today_) -> EventFilter:
    return EventFilter(since=since, until=until, strict=strict, today=today_)


@FAST
@given(dates, maybe_dates, maybe_dates, todays)
def test_strict_selects_a_subset_of_overlap(d, since, until, today_):
    e = Event(id="e", date=d, title="e")
    if _filter(since, until, True, today_).matches(e):
        assert _filter(since, until, False, today_).matches(e)


@FAST
@given(dates, maybe_dates, maybe_dates, todays)
def test_filters_follow_the_rule_in_words(d, since, until, today_):
    # SPEC §2: the period runs from since's first day to until's last; an open end runs to today.
    start = since.earliest() if since else date.min
    end = until.latest(today_) if until else date.max
    lo, hi = d.earliest(), d.latest(today_)
    e = Event(id="e", date=d, title="e")
    assert _filter(since, until, True, today_).matches(e) == (start <= lo and hi <= end)
    if d.anchor() is None:  # a span: what overlaps the period
        assert _filter(since, until, False, today_).matches(e) == (lo <= end and start <= hi and start <= end)
    else:  # a moment known only within its interval (an open start): its anchor day
        assert _filter(since, until, False, today_).matches(e) == (start <= d.anchor() <= end)


@FAST
@given(dates, dates, dates, todays)
def test_strict_agrees_with_within_and_overlap_with_overlaps(d, since, until, today_):
    start, end = since.earliest(), until.latest(today_)
    if start > end:
        return
    period = PartialDate("period", start, end, "range")
    e = Event(id="e", date=d, title="e")
    assert _filter(since, until, True, today_).matches(e) == d.within(period, today_)
    overlap = d.overlaps(period, today_) if d.anchor() is None else start <= d.anchor() <= end
    assert _filter(since, until, False, today_).matches(e) == overlap


# --- as of a date ----------------------------------------------------------------------------

DATED = Path(__file__).parent / "fixtures" / "query" / "dated_everywhere.yaml"


@pytest.fixture(scope="module")
def seen():
    return as_of(load_case(DATED), P("2020"), TODAY)


def ids(items) -> list[str]:
    return [item.id for item in items]


def test_as_of_drops_sources_published_later(seen):
    assert ids(seen.sources) == ["old", "outlook", "undated"]
    # ... and every citation of them, so nothing in the view points at a missing source
    cited = {
        s
        for section in ("people", "eras", "timeline", "principles", "risks", "quotes", "segments", "lessons")
        for item in getattr(seen, section)
        for s in item.sources
    }
    cited |= {s for m in seen.metrics for o in m.observations for s in o.sources}
    assert cited <= {"old", "outlook", "undated"}
    assert next(e for e in seen.timeline if e.id == "hired").sources == ["old"]


def test_as_of_drops_later_roles_and_opens_those_still_running(seen):
    ann = next(p for p in seen.people if p.id == "ann")
    assert [(r.title, r.period.text) for r in ann.roles] == [("CEO", "2018/..")]
    # Bob's only role began in 2021; Cy has none to date him, and his one source came out in 2021
    assert ids(seen.people) == ["ann"]
    hired = next(e for e in seen.timeline if e.id == "hired")
    assert hired.people == ["ann"] and hired.era is None  # Bob and the era `last` came later


def test_as_of_drops_later_eras_and_opens_those_still_running(seen):
    assert [(e.id, e.period.text) for e in seen.eras] == [("first", "2015/2018"), ("middle", "2018/..")]


def test_as_of_drops_what_an_open_start_dates_later(seen):
    # `by 2022` may mean 2022 itself: not known in 2020; `by 2019` was.
    assert ids(seen.timeline) == ["founded", "ongoing", "by_2019", "hired"]


def test_as_of_drops_later_quotes_and_segments(seen):
    assert ids(seen.quotes) == ["q_2019", "q_undated"]
    assert ids(seen.segments) == ["s_2019"]


def test_as_of_keeps_a_forecast_published_by_then(seen):
    market = seen.metrics[0]
    # 2025 was forecast by the 2020 outlook; 2024 also cites a 2021 article, 2026 only it,
    # 2027 no source and 2028 an undated one: none of those was known to be out in 2020.
    assert [o.date.text for o in market.observations] == ["2019", "2025"]


def test_as_of_keeps_undated_items_cited_by_then_and_drops_later_evidence(seen):
    assert ids(seen.principles) == ["p"] and seen.principles[0].evidence == ["founded"]
    assert seen.principles[0].sources == ["old"]
    assert ids(seen.risks) == ["r"] and seen.risks[0].sources == ["old"]
    assert ids(seen.lessons) == []  # its one source came out in 2021
    assert seen.as_of.text == "2020"


UNDATED = Path(__file__).parent / "fixtures" / "query" / "undated_by_sources.yaml"


@pytest.fixture(scope="module")
def undated_seen():
    return as_of(load_case(UNDATED), P("2020"), TODAY)


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("principles", ["pr_both"]),
        ("risks", ["r_both", "r_unsourced"]),
        ("moats", ["mo_both"]),
        ("flywheel", ["fw_unsourced"]),
        ("competitors", ["c_undated"]),
        ("drivers", ["d_unsourced"]),
        ("lessons", ["l_both"]),
        ("quotes", ["q_dated", "q_undated"]),  # a dated quote goes by its date, whatever it cites
        ("segments", ["s_undated", "s_dated"]),
        ("people", ["p_both", "p_role"]),  # a person with a role goes by its period
        ("timeline", ["e_early", "e_dated"]),
    ],
)
def test_as_of_drops_an_undated_item_whose_every_source_came_later(undated_seen, section, expected):
    assert ids(getattr(undated_seen, section)) == expected


def test_as_of_drops_a_metric_observed_only_later(undated_seen):
    # m_both was observed in 2019, whatever its own sources say; one with no observations goes by its sources
    assert ids(undated_seen.metrics) == ["m_both", "m_unobserved"]
    assert [o.date.text for o in undated_seen.metrics[0].observations] == ["2019"]


def test_as_of_drops_references_to_undated_items_dropped(undated_seen):
    assert undated_seen.principles[0].risks == ["r_both"]
    assert undated_seen.risks[0].principles == ["pr_both"]
    assert undated_seen.risks[0].sources == ["early"]
    assert next(e for e in undated_seen.timeline if e.id == "e_dated").people == ["p_role"]


def test_as_of_view_of_undated_items_is_a_valid_case(undated_seen):
    from casekit.checks import check_case

    problems = check_case(undated_seen, lambda where, at_key: (1, 1, ""))
    assert [p.message for p in problems if p.severity == "error"] == []


def test_as_of_today_is_the_last_day_known():
    assert as_of_today(P("2020"), TODAY) == date(2020, 12, 31)
    assert as_of_today(P("2030"), TODAY) == TODAY
    assert as_of_today(P("2019/.."), TODAY) == TODAY


def test_a_view_of_the_whole_case_drops_nothing():
    case = load_case(DATED)
    assert as_of(case, P("2030"), TODAY) == case


def test_a_diff_from_the_view_shows_only_what_came_later():
    from casekit.changes import diff

    case = load_case(DATED)
    changes = diff(as_of(case, P("2020"), TODAY), case).changes
    added = {(c.section, c.id) for c in changes if c.kind == "added" and c.field is None}
    assert added == {
        ("sources", "later"),
        ("people", "bob"),
        ("people", "cy"),
        ("eras", "last"),
        ("timeline", "by_2022"),
        ("timeline", "joined"),
        ("quotes", "q_2021"),
        ("segments", "s_2021"),
        ("lessons", "l"),
    }
    observations = [(c.at, c.kind) for c in changes if c.field == "observations"]
    assert observations == [("2024", "added"), ("2026", "added"), ("2027", "added"), ("2028", "added")]


# --- grep ----------------------------------------------------------------------------------

ACME = Path(__file__).parent / "fixtures" / "library" / "acme.yaml"


@pytest.fixture(scope="module")
def accented():
    case = load_case(ACME)
    first = case.timeline[0]
    return msgspec.structs.replace(
        case, timeline=[msgspec.structs.replace(first, title="Café opens in Zürich"), *case.timeline[1:]]
    )


@pytest.mark.parametrize("needle", ["cafe", "CAFÉ", "zurich", "Zürich", "cafe opens"])
def test_grep_ignores_case_and_accents(accented, needle):
    assert [e.id for e in grep(accented.timeline, needle)] == ["founded"]
    assert [e.id for e in EventFilter(grep=needle, today=date(2024, 7, 1)).apply(accented.timeline)] == ["founded"]


def test_grep_reads_records_too():
    rows = [{"id": "acme", "company": "Société Générale", "events": 3}, {"id": "beta", "company": "Beta"}]
    assert [r["id"] for r in grep(rows, "societe")] == ["acme"]
    assert grep(rows, "3") == []  # numbers are not text


# --- the timeline over one or more cases --------------------------------------------------------

LIBRARY = Path(__file__).parent / "fixtures" / "library"
NO_ERAS = Path(__file__).parent / "fixtures" / "timeline" / "no_eras.yaml"


@pytest.fixture(scope="module")
def two_cases():
    return [load_case(LIBRARY / "acme.yaml"), load_case(NO_ERAS)]


def selected(cases, **asked) -> list[tuple[str, str]]:
    return [(c.id, e.id) for c, e in timeline(cases, TimelineQuery(**asked), TODAY)]


def test_the_timeline_merges_the_cases_in_date_order_and_reverses_before_it_limits(two_cases):
    assert selected(two_cases, since=P("2019"), until=P("2021")) == [
        ("no_eras", "founded"),
        ("acme", "os-launch"),
        ("no_eras", "launch"),
    ]
    assert selected(two_cases, reverse=True, limit=2) == [("acme", "series-b"), ("no_eras", "launch")]
    assert selected(two_cases, limit=1) == [("acme", "founded")]


def test_an_era_is_named_by_id_or_title_and_a_case_without_it_adds_nothing(two_cases):
    by_title = selected(two_cases, eras=["PLATFORM YEARS"])
    assert by_title == selected(two_cases, eras=["platform"]) == [("acme", "os-launch"), ("acme", "series-b")]


def test_every_filter_takes_its_names_in_any_case_as_the_check_does(two_cases):
    # A name the check accepts must select what it names: PLATFORM passes the check, so it may not
    # then match nothing.
    assert selected(two_cases, eras=["PLATFORM"]) == selected(two_cases, eras=["platform"])
    assert selected(two_cases, sources=["PRESS"]) == selected(two_cases, sources=["press"]) != []
    assert selected(two_cases, categories=["FUNDING"]) == selected(two_cases, categories=["funding"]) != []


@pytest.mark.parametrize(
    ("asked", "message", "hint"),
    [
        ({"categories": ["fundng"]}, "category: nothing is called `fundng` here", "did you mean `funding`?"),
        ({"tags": ["rounds"]}, "tag: nothing is called `rounds` here", "did you mean `round`?"),
        ({"sources": ["nope"]}, "source: nothing is called `nope` here", "known: press, report, s"),
        ({"eras": ["Platfrom years"]}, "era: nothing is called `Platfrom years` here", "did you mean `platform`?"),
        ({"since": P("2022"), "until": P("2019")}, "since 2022 begins after until 2019 ends", None),
    ],
)
def test_a_name_no_case_has_and_a_backwards_period_are_usage_errors(two_cases, asked, message, hint):
    with pytest.raises(UsageError) as info:
        timeline(two_cases, TimelineQuery(**asked), TODAY)
    assert (info.value.message, info.value.hint) == (message, hint)


def test_the_library_names_fields_and_the_command_line_names_options(two_cases):
    with pytest.raises(UsageError) as info:
        timeline(two_cases, TimelineQuery(since=P("2022"), until=P("2019")), TODAY)
    assert info.value.fields == ("since", "until")
    named = info.value.named({"since": "--since", "until": "--until"})
    assert named.message == str(named) == "--since 2022 begins after --until 2019 ends"
    assert info.value.message == "since 2022 begins after until 2019 ends"  # the original is left as it was
    with pytest.raises(UsageError) as info:
        timeline(two_cases, TimelineQuery(categories=["{x}"]), TODAY)  # braces in a value are text
    assert info.value.named({"category": "--category"}).message == "--category: nothing is called `{x}` here"


def test_names_are_checked_against_every_case_together(two_cases):
    # `product` is acme's and no_eras' alike; `hardware` only acme's era, yet a name known anywhere is no typo.
    assert selected(two_cases, categories=["product"], eras=["hardware"]) == []


def test_select_greps_then_limits(two_cases):
    acme = two_cases[0]
    assert [e.id for e in select(acme.timeline, "round", 2)] == ["seed", "series-a"]
    assert select(acme.timeline, limit=1) == acme.timeline[:1]
    assert select(acme.timeline) == acme.timeline


# --- a moment known only within a span ---------------------------------------------------------

STORY = ["2016", "between 2016 and 2019-08", "2018", "2019-08", "by late 2022", "../2016-06", "2016/2018"]


def test_an_open_start_is_dated_by_its_end_in_filters():
    # `by late 2022` may have happened in 2016, but it is known only by late 2022: not "until 2016".
    assert kept(STORY, until="2016") == ["2016", "../2016-06", "2016/2018"]
    assert kept(STORY, since="2022") == ["by late 2022"]
    assert kept(STORY, since="2016-06", until="2016-06") == ["2016", "../2016-06", "2016/2018"]


def test_a_moment_somewhere_in_a_span_is_dated_by_its_middle_and_strict_wants_all_of_it():
    # Its middle is 2017-10-31: after "until 2016", inside 2017, never in two periods that split the story.
    assert kept(STORY, until="2016") == ["2016", "../2016-06", "2016/2018"]
    assert kept(STORY, since="2017", until="2017") == ["between 2016 and 2019-08", "2016/2018"]
    assert kept(STORY, since="2016", until="2019", strict=True) == [
        "2016",
        "between 2016 and 2019-08",
        "2018",
        "2019-08",
        "2016/2018",
    ]
    assert kept(STORY, since="2017", until="2019", strict=True) == ["2018", "2019-08"]


@FAST
@given(dates, dates, todays)
def test_a_moment_falls_on_exactly_one_side_of_any_day(d, split, today_):
    moment = PartialDate("moment", d.start, d.end, "one-of") if d.start and d.end else d
    day = split.earliest()
    if day == date.min:
        return
    before = EventFilter(until=PartialDate("day", day, day, "day"), today=today_)
    after = EventFilter(since=PartialDate("next", day, day, "day"), today=today_)
    e = Event(id="e", date=moment, title="e")
    if moment.anchor() is not None and moment.anchor() != day:
        assert before.matches(e) != after.matches(e)


def test_as_of_knows_a_moment_once_its_anchor_day_has_come():
    from casekit.query import known_by

    between = P("between 2016 and 2019-08")
    assert between.anchor() == date(2017, 10, 31)
    assert not known_by(between, date(2017, 10, 30)) and known_by(between, date(2017, 10, 31))
    assert not known_by(P("by late 2022"), date(2022, 6, 1)) and known_by(P("by late 2022"), date(2022, 12, 31))
