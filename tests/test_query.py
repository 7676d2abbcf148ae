"""Tests for casekit.query: the timeline's period filters and the as-of view."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_dates import dates, todays

from casekit.dates import PartialDate
from casekit.model import Event
from casekit.query import EventFilter

P = PartialDate.parse
TODAY = date(2025, 6, 15)
FAST = settings(max_examples=200, deadline=None)


def event(when: str, event_id: str = "e") -> Event:
    return Event(id=event_id, date=P(when), title=when)


def kept(dated: list[str], since: str | None = None, until: str | None = None, strict: bool = False,
         today: date = TODAY) -> list[str]:
    f = EventFilter(since=P(since) if since else None, until=P(until) if until else None, strict=strict,
                    today=today)
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
    assert kept(OPEN, until="2025/..", strict=True) == ["2019/..", "2019–present", "since 2019", "../2018",
                                                        "by late 2024", "2019"]


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
    assert _filter(since, until, False, today_).matches(e) == (lo <= end and start <= hi and start <= end)


@FAST
@given(dates, dates, dates, todays)
def test_strict_agrees_with_within_and_overlap_with_overlaps(d, since, until, today_):
    start, end = since.earliest(), until.latest(today_)
    if start > end:
        return
    period = PartialDate("period", start, end, "range")
    e = Event(id="e", date=d, title="e")
    assert _filter(since, until, True, today_).matches(e) == d.within(period, today_)
    assert _filter(since, until, False, today_).matches(e) == d.overlaps(period, today_)
