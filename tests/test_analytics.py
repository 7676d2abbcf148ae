"""Tests for casekit.analytics: series frames, growth, % change, CAGR, latest vs previous, segment shares.

Expected numbers are worked out by hand in the comments. Years run between
the middles of the dates, in years of 365.25 days: the middle of 2018 is
2018-07-02 12:00 and of 2020 (a leap year) 2020-07-02 00:00, 730.5 days or
exactly 2 years apart; any two years four apart are exactly 4 years apart.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casekit.analytics import (
    cagr,
    cagr_span,
    latest_and_previous,
    metric_summary,
    metric_unit,
    segment_shares,
    series_frame,
    series_record,
    series_rows,
)
from casekit.dates import PartialDate
from casekit.loader import load_case
from casekit.model import Metric, Observation, Segment
from casekit.values import Value

FIXTURES = Path(__file__).parent / "fixtures" / "metrics"


@pytest.fixture(scope="module")
def case():
    return load_case(FIXTURES / "series.yaml")


def metric_of(case, metric_id: str) -> Metric:
    return next(m for m in case.metrics if m.id == metric_id)


def make_metric(unit: str, *points: tuple[str | int, str | int]) -> Metric:
    observations = [Observation(date=PartialDate.parse(d), value=Value.parse(v)) for d, v in points]
    return Metric(id="m", name="M", unit=unit, observations=observations)


# --- the frame ---------------------------------------------------------------


def test_series_frame_is_in_date_order_with_the_documented_columns(case):
    frame = series_frame(metric_of(case, "revenue"))  # written 2020 first, then 2018
    for column in (
        "date",
        "start",
        "end",
        "mid_date",
        "low",
        "high",
        "mid",
        "qualifier",
        "change",
        "pct_change",
        "approximate",
    ):
        assert column in frame.columns
    assert list(frame["date"]) == ["2018", "2020"]
    assert str(frame.at[0, "mid_date"]) == "2018-07-02 12:00:00"
    assert str(frame.at[1, "mid_date"]) == "2020-07-02 00:00:00"  # 2020 has 366 days
    assert str(frame.at[0, "start"].date()) == "2018-01-01" and str(frame.at[0, "end"].date()) == "2018-12-31"


def test_exact_values_give_exact_growth(case):
    frame = series_frame(metric_of(case, "revenue"))
    # $10M -> $40M: +$30M, +300%
    assert math.isnan(frame.at[0, "change"]) and frame.at[0, "approximate"] is pd_na()
    assert frame.at[1, "change"] == 30e6
    assert frame.at[1, "pct_change"] == pytest.approx(300.0)
    assert not frame.at[1, "approximate"]
    assert frame.at[1, "growth"].display() == "+$30M (+300%)"


def pd_na():
    import pandas as pd

    return pd.NA


def test_about_values_give_approximate_growth(case):
    frame = series_frame(metric_of(case, "users"))
    # ~10K -> 14,641: about +4,641, about +46.41%
    assert frame.at[1, "change"] == pytest.approx(4641)
    assert frame.at[1, "pct_change"] == pytest.approx(46.41)
    assert frame.at[1, "approximate"] and pd_isna(frame.at[1, "bound"])
    assert frame.at[1, "growth"].display().startswith("≈+")


def test_bounds_give_only_a_floor_or_a_ceiling(case):
    frame = series_frame(metric_of(case, "annotators"))
    # 300,000+ -> 500,000: at most +200,000 (≤ +66.67%): the old value may have been higher.
    assert frame.at[1, "bound"] == "at_most"
    assert frame.at[1, "change"] == 200_000
    assert frame.at[1, "pct_change"] == pytest.approx(200 / 3)
    # 500,000 -> <400,000: at most -100,000 (≤ -20%).
    assert frame.at[2, "bound"] == "at_most"
    assert frame.at[2, "change"] == -100_000
    assert frame.at[2, "pct_change"] == pytest.approx(-20.0)
    assert all(frame["approximate"][1:])
    # <$4B -> $13.8B: at least +$9.8B, at least +245%.
    valuation = series_frame(metric_of(case, "valuation"))
    assert valuation.at[1, "bound"] == "at_least"
    assert valuation.at[1, "change"] == pytest.approx(9.8e9)
    assert valuation.at[1, "pct_change"] == pytest.approx(245.0)
    assert valuation.at[1, "growth"].display() == "≥+$9.8B (≥+245%)"


def test_ranges_compare_their_middles_approximately(case):
    frame = series_frame(metric_of(case, "price"))
    # $15–$25/hr (middle 20) -> $20–$40/hr (middle 30): about +$10/hr, about +50%.
    assert list(frame["mid"]) == [20.0, 30.0]
    assert frame.at[1, "change"] == pytest.approx(10.0)
    assert frame.at[1, "pct_change"] == pytest.approx(50.0)
    assert frame.at[1, "approximate"]
    assert frame.at[1, "growth"].display() == "≈+$10/hr (≈+50%)"


def test_percentages_change_in_points(case):
    frame = series_frame(metric_of(case, "margin"))
    # 30–33% (31.5) -> 44–46% (45): about +13.5 points, about +42.86%.
    assert frame.at[1, "change"] == pytest.approx(13.5)
    assert frame.at[1, "pct_change"] == pytest.approx(13.5 / 31.5 * 100)
    assert frame.at[1, "growth"].display(with_pct=False) == "≈+13.5pp"


def test_a_bare_number_takes_the_metric_unit(case):
    m = metric_of(case, "bookings")  # 1000000 in a USD metric, then $2M
    frame = series_frame(m)
    assert list(frame["unit"]) == ["USD", "USD"]
    assert frame.at[0, "value"].display() == "$1M"
    assert frame.at[1, "change"] == 1e6 and frame.at[1, "pct_change"] == pytest.approx(100.0)
    assert not frame.at[1, "approximate"]


def test_currencies_are_never_compared_with_each_other(case):
    frame = series_frame(metric_of(case, "reported_revenue"))
    # A$100M, $80M, A$150M, $120M: each compared only with the previous one in its own currency.
    assert list(frame["unit"]) == ["AUD", "USD", "AUD", "USD"]
    assert [None if pd_isna(p) else int(p) for p in frame["previous"]] == [None, None, 0, 1]
    assert frame.at[2, "change"] == 50e6 and frame.at[2, "pct_change"] == pytest.approx(50.0)
    assert frame.at[3, "change"] == 40e6 and frame.at[3, "pct_change"] == pytest.approx(50.0)
    assert math.isnan(frame.at[1, "change"])


def test_no_growth_between_observations_that_overlap():
    case = load_case(FIXTURES / "overlapping_observations.yaml")
    # Two of 2024: each is compared with 2023, the latest wholly before it, never with the other.
    frame = series_frame(metric_of(case, "same_year"))
    assert [None if pd_isna(p) else int(p) for p in frame["previous"]] == [None, 0, 0]
    assert list(frame["change"][1:]) == [2e6, 4e6]
    # 2024-03 lies inside 2024: no change at all.
    frame = series_frame(metric_of(case, "inside_year"))
    assert frame["previous"].isna().all() and frame["change"].isna().all()
    assert latest_and_previous(metric_of(case, "inside_year"))[1] is None
    summary = metric_summary(metric_of(case, "inside_year"))
    assert summary.previous is None and summary.growth is None
    # 2016/2019 sorts first; 2016 overlaps it; 2018 is compared with 2016, 2020 with 2018.
    frame = series_frame(metric_of(case, "span_of_years"))
    assert list(frame["date"]) == ["2016/2019", "2016", "2018", "2020"]
    assert [None if pd_isna(p) else frame.at[int(p), "date"] for p in frame["previous"]] == [None, None, "2016", "2018"]
    assert list(frame["pct_change"][2:]) == [100.0, 100.0]


def test_an_open_end_is_wholly_before_only_once_today_is_known():
    m = make_metric("USD", ("2020/..", "$1M"), ("2026", "$2M"))
    assert series_frame(m)["previous"].isna().all()
    frame = series_frame(m, today=date(2025, 6, 15))
    assert int(frame.at[1, "previous"]) == 0 and frame.at[1, "change"] == 1e6


def test_an_open_start_is_measured_from_what_ends_before_its_end():
    # "Below $4B by late 2022": where the series stood then, after the 2021 peak.
    frame = series_frame(make_metric("USD", ("2021-07", "$7.3B"), ("by late 2022", "<$4B"), ("2022-11", "$3B")))
    assert list(frame["date"]) == ["2021-07", "2022-11", "by late 2022"]
    assert int(frame.at[2, "previous"]) == 0  # not 2022-11, which ends inside late 2022
    assert frame.at[2, "bound"] == "at_most" and frame.at[2, "change"] == pytest.approx(-3.3e9)


def test_cagr_runs_between_the_earliest_and_latest_middles():
    case = load_case(FIXTURES / "overlapping_observations.yaml")
    # 2016 ($4M, middle 2016-07-02) to 2020 ($16M): 4 times in 4 years, +41.4% a year; the
    # 2016/2019 span sorts first but its middle is 2018-01-01.
    span = cagr_span(metric_of(case, "span_of_years"))
    frame = series_frame(metric_of(case, "span_of_years"))
    assert (frame.at[span.first, "date"], frame.at[span.last, "date"]) == ("2016", "2020")
    assert span.years == pytest.approx(4.0)
    assert span.value == pytest.approx((4**0.25 - 1) * 100)
    assert not span.approximate


def test_cagr_ends_prefer_points_on_a_tie():
    # The range and the point of 2016 share a middle: the point starts the span.
    m = make_metric("USD", (2016, "$1M–$3M"), (2016, "$4M"), (2020, "$16M"), (2020, "$10M–$30M"))
    span = cagr_span(m)
    frame = series_frame(m)
    assert (frame.at[span.first, "value"].text, frame.at[span.last, "value"].text) == ("$4M", "$16M")
    assert not span.approximate


def pd_isna(x) -> bool:
    import pandas as pd

    return bool(pd.isna(x))


def test_metric_unit_reads_the_unit_as_values_do():
    assert metric_unit(make_metric("USD/hr")) == "USD/hour"
    assert metric_unit(make_metric("percent")) == "percent"
    assert metric_unit(make_metric("years")) == "years"


# --- CAGR --------------------------------------------------------------------


def test_cagr_of_exact_values(case):
    # $10M (2018) -> $40M (2020), 2 years: 4 ** (1/2) - 1 = +100% a year, exactly.
    value, approximate = cagr(metric_of(case, "revenue"))
    assert value == pytest.approx(100.0)
    assert approximate is False
    span = cagr_span(metric_of(case, "revenue"))
    assert span.years == pytest.approx(2.0)


def test_cagr_of_approximate_values(case):
    # ~10K (2019) -> 14,641 (2023), 4 years: 1.4641 ** (1/4) = 1.1, so about +10% a year.
    value, approximate = cagr(metric_of(case, "users"))
    assert value == pytest.approx(10.0)
    assert approximate is True


def test_cagr_of_ranges_uses_their_middles(case):
    # $20/hr (2020) -> $30/hr (2024), 4 years: 1.5 ** (1/4) - 1 = 10.668%, approximate.
    value, approximate = cagr(metric_of(case, "price"))
    assert value == pytest.approx((1.5**0.25 - 1) * 100)
    assert value == pytest.approx(10.668, abs=1e-3)
    assert approximate is True


def test_cagr_leaves_out_open_bounds(case):
    # 300,000+, 500,000, <400,000: only one value with both ends known.
    assert cagr(metric_of(case, "annotators")) is None
    assert cagr_span(metric_of(case, "annotators")).reason == "needs two values with both ends known"
    # <$4B then $13.8B: same.
    assert cagr(metric_of(case, "valuation")) is None
    # A bound at the start is skipped, and said so: $100M+ (2019), ~$300M (2020), ~$1.2B (2022).
    m = make_metric("USD", (2019, "$100M+"), (2020, "~$300M"), (2022, "~$1.2B"))
    span = cagr_span(m)
    assert span.skipped == ("2019 ($100M+)",)
    # ~$300M -> ~$1.2B over 2022-07-02 12:00 - 2020-07-02 00:00 = 730.5 days = 2 years: 4 ** 0.5 - 1.
    assert span.value == pytest.approx(100.0) and span.approximate


def test_cagr_is_not_compounded_for_percentages(case):
    assert cagr(metric_of(case, "margin")) is None
    assert "points" in cagr_span(metric_of(case, "margin")).reason


def test_cagr_follows_the_metric_unit_and_else_the_latest(case):
    # "local currency" is no value's unit, so the latest's (USD) leads:
    # $80M (2020) -> $120M (2022), 2 years: 1.5 ** 0.5 - 1 = 22.474%.
    span = cagr_span(metric_of(case, "reported_revenue"))
    assert span.unit == "USD"
    assert span.value == pytest.approx((1.5**0.5 - 1) * 100)
    assert not span.approximate


def test_cagr_needs_a_year_and_a_positive_start():
    assert cagr(make_metric("USD", ("2024-01", "$1M"), ("2024-06", "$2M"))) is None
    assert cagr_span(make_metric("USD", ("2024-01", "$1M"), ("2024-06", "$2M"))).reason.startswith(
        "the values are less"
    )
    assert cagr(make_metric("USD", (2020, "$0"), (2022, "$2M"))) is None
    # Consecutive years are a year apart though their middles are 365 days, not 365.25, apart.
    assert cagr(make_metric("USD", (2022, "$1M"), (2023, "$2M"))).value == pytest.approx(100, rel=1e-2)
    assert cagr(make_metric("USD", ("2022-H1", "$1M"), ("2022-12", "$2M"))) is None
    assert cagr(make_metric("USD", (2020, "$1M"))) is None
    assert cagr(make_metric("USD")) is None


@pytest.mark.parametrize(
    ("first", "last", "reason"),
    [
        ("-$10M", "$5M", "undefined: the series starts at zero or changes sign"),
        ("$5M", "-$10M", "undefined: the series starts at zero or changes sign"),
        ("$0", "$5M", "undefined: the series starts at zero or changes sign"),
        ("$5M", "$0", "undefined: the series ends at zero"),
        ("-$2M", "-$1M", "not compounded: both values are negative"),
    ],
)
def test_no_cagr_across_zero_or_between_losses(first, last, reason):
    span = cagr_span(make_metric("USD", (2020, first), (2024, last)))
    assert span.value is None and span.reason == reason
    assert cagr(make_metric("USD", (2020, first), (2024, last))) is None


def test_cagr_from_a_date_range_is_approximate():
    # 2016/2019 has its middle at 2018-01-01; exact values, but the date is a span of years.
    _, approximate = cagr(make_metric("USD", ("2016/2019", "$1M"), (2022, "$4M")))
    assert approximate is True


@settings(max_examples=60, deadline=None)
@given(first=st.integers(1, 10**9), ratio=st.floats(0.01, 100), years=st.integers(1, 30))
def test_compounding_the_cagr_gives_back_the_last_value(first, ratio, years):
    last = first * ratio
    m = make_metric("USD", (2000, str(first)), (2000 + years, repr(last)))
    span = cagr_span(m)
    assert span.value is not None
    assert first * (1 + span.value / 100) ** span.years == pytest.approx(last, rel=1e-9)


# --- latest and previous -----------------------------------------------------


def test_latest_and_previous(case):
    latest, previous = latest_and_previous(metric_of(case, "revenue"))
    assert (latest.date.text, latest.value.text) == ("2020", "$40M")
    assert (previous.date.text, previous.value.text) == ("2018", "$10M")
    # Previous in the same currency: the A$150M of 2021 is skipped.
    latest, previous = latest_and_previous(metric_of(case, "reported_revenue"))
    assert latest.value.text == "$120M" and previous.value.text == "$80M"
    latest, previous = latest_and_previous(metric_of(case, "headcount"))
    assert latest.value.text == "250" and previous is None
    assert latest_and_previous(make_metric("USD")) == (None, None)


def test_metric_summary_names_the_units_left_out(case):
    s = metric_summary(metric_of(case, "reported_revenue"))
    assert [v.text for v in s.trend] == ["$80M", "$120M"]
    assert s.other_units == ("AUD",)
    assert s.growth.display() == "+$40M (+50%)"
    assert metric_summary(make_metric("USD")).latest is None


# --- records -----------------------------------------------------------------


def test_series_record_adds_growth_and_cagr_to_the_metric_record(case):
    record = series_record(metric_of(case, "revenue"))
    assert list(record) == [
        "id",
        "name",
        "unit",
        "description",
        "observations",
        "sources",
        "confidence",
        "note",
        "growth",
        "cagr",
    ]
    assert [o["date"] for o in record["observations"]] == ["2018", "2020"]
    assert record["growth"] == [
        {
            "date": "2020",
            "previous": "2018",
            "unit": "USD",
            "change": 30e6,
            "pct_change": 300.0,
            "approximate": False,
            "bound": None,
            "text": "+$30M (+300%)",
        }
    ]
    assert record["cagr"]["value"] == pytest.approx(100.0)
    assert (record["cagr"]["from"], record["cagr"]["to"]) == ("2018", "2020")
    assert series_record(metric_of(case, "annotators"))["cagr"] is None


def test_series_rows_are_flat(case):
    rows = series_rows(metric_of(case, "valuation"))
    assert [r["value"] for r in rows] == ["<$4B", "$13.8B"]
    assert rows[1]["bound"] == "at_least" and rows[0]["change"] is None
    assert all(not isinstance(v, (dict, list)) or k == "sources" for r in rows for k, v in r.items())


# --- segments ----------------------------------------------------------------


def test_segment_shares_add_up_per_period():
    segments = load_case(FIXTURES / "segments_partial.yaml").segments
    recent, earlier = segment_shares(segments)
    # 2023: ~46% + 18% = ~64%; Platform states no share.
    assert recent.period == "2023" and recent.total == pytest.approx(64.0)
    assert recent.approximate and not recent.adds_up
    assert recent.missing == ("platform",)
    # ~$460M / 46% = $180M / 18% = $1B, so Platform's $100M is about 10%.
    assert recent.implied["platform"].display() == "~10%"
    assert recent.implied_total.midpoint == pytest.approx(1e9)
    assert earlier.period == "2022" and earlier.total == 100.0 and earlier.adds_up and not earlier.implied


def test_shares_shown_for_some_segments_are_still_added_up_over_all():
    segments = load_case(FIXTURES / "segments_partial.yaml").segments
    (recent,) = segment_shares(segments, shown=["platform"])
    assert [s.id for s in recent.segments] == ["platform"]
    assert recent.total == pytest.approx(64.0) and recent.implied["platform"].display() == "~10%"
    assert segment_shares(segments, shown=[]) == []


def test_implied_share_of_a_bound_is_a_bound():
    segments = [
        Segment(id="a", name="A", revenue=Value.parse("$500M"), share=Value.parse("50%")),
        Segment(id="b", name="B", revenue=Value.parse("$100M+")),
        Segment(id="c", name="C", revenue=Value.parse("€100M")),  # another currency: no share implied
    ]
    (group,) = segment_shares(segments)
    assert group.implied["b"].display() == "10%+"
    assert "c" not in group.implied


def test_a_bare_currency_in_a_per_hour_metric_is_per_hour():
    case = load_case(FIXTURES / "bare-currency-per-hour.yaml")  # $30, $35/hr, 40 in a USD/hour metric
    frame = series_frame(metric_of(case, "rate"))
    assert list(frame["unit"]) == ["USD/hour"] * 3
    assert [g.display() for g in frame["growth"][1:]] == ["+$5/hr (+16.7%)", "+$5/hr (+14.3%)"]
