"""Tests for casekit.values: parsing analysts' notation, display, growth."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from casekit.values import Growth, Value, ValueParseError, format_number, growth

N = None

# written, low, high, qualifier, currency, unit
PARSED = [
    # plain numbers and scales
    ("13800000000", 1.38e10, 1.38e10, "exact", N, N),
    ("13,800,000,000", 1.38e10, 1.38e10, "exact", N, N),
    ("1.5", 1.5, 1.5, "exact", N, N),
    (".5", 0.5, 0.5, "exact", N, N),
    ("13.8B", 1.38e10, 1.38e10, "exact", N, N),
    ("13.8bn", 1.38e10, 1.38e10, "exact", N, N),
    ("5K", 5e3, 5e3, "exact", N, N),
    ("5k", 5e3, 5e3, "exact", N, N),
    ("1T", 1e12, 1e12, "exact", N, N),
    ("5 thousand", 5e3, 5e3, "exact", N, N),
    ("2.5mm", 2.5e6, 2.5e6, "exact", N, N),
    ("1.38e10", 1.38e10, 1.38e10, "exact", N, N),
    # currencies
    ("$13.8B", 1.38e10, 1.38e10, "exact", "USD", N),
    ("$13.8 billion", 1.38e10, 1.38e10, "exact", "USD", N),
    ("$600M", 6e8, 6e8, "exact", "USD", N),
    ("$600 million", 6e8, 6e8, "exact", "USD", N),
    ("US$5M", 5e6, 5e6, "exact", "USD", N),
    ("A$600M", 6e8, 6e8, "exact", "AUD", N),
    ("C$5M", 5e6, 5e6, "exact", "CAD", N),
    ("€5M", 5e6, 5e6, "exact", "EUR", N),
    ("£5M", 5e6, 5e6, "exact", "GBP", N),
    ("¥5M", 5e6, 5e6, "exact", "JPY", N),
    ("CN¥5M", 5e6, 5e6, "exact", "CNY", N),
    ("RMB 5M", 5e6, 5e6, "exact", "CNY", N),
    ("USD 5M", 5e6, 5e6, "exact", "USD", N),
    ("USD5M", 5e6, 5e6, "exact", "USD", N),
    ("5M USD", 5e6, 5e6, "exact", "USD", N),
    ("5 million eur", 5e6, 5e6, "exact", "EUR", N),
    ("CHF 5M", 5e6, 5e6, "exact", "CHF", N),
    # about
    ("~$1.4B", 1.4e9, 1.4e9, "about", "USD", N),
    ("≈1.4B", 1.4e9, 1.4e9, "about", N, N),
    ("about $1.4B", 1.4e9, 1.4e9, "about", "USD", N),
    ("c. $1.4B", 1.4e9, 1.4e9, "about", "USD", N),
    ("c.$1.4B", 1.4e9, 1.4e9, "about", "USD", N),
    ("approx. 1.4B", 1.4e9, 1.4e9, "about", N, N),
    ("approximately 1.4B", 1.4e9, 1.4e9, "about", N, N),
    # lower bounds
    ("300,000+", 3e5, N, "at_least", N, N),
    (">=300000", 3e5, N, "at_least", N, N),
    ("≥300000", 3e5, N, "at_least", N, N),
    ("at least 300K", 3e5, N, "at_least", N, N),
    ("$600 million+", 6e8, N, "at_least", "USD", N),
    ("$60+ billion", 6e10, N, "at_least", "USD", N),
    ("~$1B+", 1e9, N, "at_least", "USD", N),
    ("100%+", 100.0, N, "at_least", N, "percent"),
    (">$1B", 1e9, N, "above", "USD", N),
    ("more than $1B", 1e9, N, "above", "USD", N),
    ("over 1B", 1e9, N, "above", N, N),
    # upper bounds
    ("<$4B", N, 4e9, "below", "USD", N),
    ("below A$300 million", N, 3e8, "below", "AUD", N),
    ("less than $2/hr", N, 2.0, "below", "USD", "hour"),
    ("<=5", N, 5.0, "at_most", N, N),
    ("≤5", N, 5.0, "at_most", N, N),
    ("up to 5", N, 5.0, "at_most", N, N),
    ("at most 5", N, 5.0, "at_most", N, N),
    # ranges
    ("$15–$50/hr", 15.0, 50.0, "range", "USD", "hour"),
    ("$15-50/hr", 15.0, 50.0, "range", "USD", "hour"),
    ("$15/hr–$50/hr", 15.0, 50.0, "range", "USD", "hour"),
    ("$1 to $10 per hour", 1.0, 10.0, "range", "USD", "hour"),
    ("44–46%", 44.0, 46.0, "range", N, "percent"),
    ("44%—46%", 44.0, 46.0, "range", N, "percent"),
    ("$1B-$2B", 1e9, 2e9, "range", "USD", N),
    ("1–2B", 1e9, 2e9, "range", N, N),
    ("$500M–$1.2B", 5e8, 1.2e9, "range", "USD", N),
    ("USD 5M–10M", 5e6, 1e7, "range", "USD", N),
    ("$500–$2K", 500.0, 2e3, "range", "USD", N),  # 500K–2K would be no range
    ("1–1K", 1e3, 1e3, "range", N, N),
    ("5–10M USD", 5e6, 1e7, "range", "USD", N),
    ("between 5 and 10", 5.0, 10.0, "range", N, N),
    ("~35–40%", 35.0, 40.0, "range", N, "percent"),
    ("-5–-3%", -5.0, -3.0, "range", N, "percent"),
    # percent, multiples, per-unit
    ("45%", 45.0, 45.0, "exact", N, "percent"),
    ("45 percent", 45.0, 45.0, "exact", N, "percent"),
    ("45 per cent", 45.0, 45.0, "exact", N, "percent"),
    ("~10x", 10.0, 10.0, "about", N, "ratio"),
    ("10×", 10.0, 10.0, "exact", N, "ratio"),
    ("$15/hr", 15.0, 15.0, "exact", "USD", "hour"),
    ("$15/hour", 15.0, 15.0, "exact", "USD", "hour"),
    ("$15 per hour", 15.0, 15.0, "exact", "USD", "hour"),
    ("$20/month", 20.0, 20.0, "exact", "USD", "month"),
    ("$20/mo", 20.0, 20.0, "exact", "USD", "month"),
    ("$1M/yr", 1e6, 1e6, "exact", "USD", "year"),
    ("$30 per user", 30.0, 30.0, "exact", "USD", "user"),
    # decades of percent
    ("mid-40s%", 44.0, 46.0, "range", N, "percent"),
    ("low-40s%", 40.0, 43.0, "range", N, "percent"),
    ("high-40s%", 47.0, 49.0, "range", N, "percent"),
    ("40s%", 40.0, 49.0, "range", N, "percent"),
    ("mid 30s %", 34.0, 36.0, "range", N, "percent"),
    # signs
    ("-5%", -5.0, -5.0, "exact", N, "percent"),
    ("−$2M", -2e6, -2e6, "exact", "USD", N),
    ("$-2M", -2e6, -2e6, "exact", "USD", N),
    ("+50%", 50.0, 50.0, "exact", N, "percent"),
    (" $13.8B ", 1.38e10, 1.38e10, "exact", "USD", N),
]


@pytest.mark.parametrize(("written", "low", "high", "qualifier", "currency", "unit"), PARSED)
def test_parse_notation(written, low, high, qualifier, currency, unit):
    v = Value.parse(written)
    assert (v.low, v.high, v.qualifier, v.currency, v.unit) == (low, high, qualifier, currency, unit)
    assert v.text == written


@pytest.mark.parametrize(
    ("written", "scale"),
    [
        ("$13.8B", "B"),
        ("13.8bn", "B"),
        ("$600 million", "M"),
        ("5k", "K"),
        ("1T", "T"),
        ("1–2B", "B"),
        ("$500M–$1.2B", "B"),
        ("13800000000", None),
        ("45%", None),
    ],
)
def test_scale_is_kept_as_written(written, scale):
    assert Value.parse(written).scale == scale


def test_yaml_numbers_are_exact_values():
    assert Value.parse(13800000000) == Value("13800000000", 1.38e10, 1.38e10, "exact", None, None, None)
    assert Value.parse(1.5) == Value("1.5", 1.5, 1.5, "exact", None, None, None)
    assert Value.parse(-3).low == -3.0


def test_scaled_numbers_are_correctly_rounded():
    # One decimal-to-float conversion, not 1.1 * 1e9 (which is 1100000000.0000002).
    assert Value.parse("1.1B").low == 1100000000.0
    assert Value.parse("$0.3M").low == 300000.0


ERRORS = [
    ("", "empty value"),
    ("   ", "empty value"),
    ("abc", "cannot read 'abc' as a value: there is no number in it"),
    ("nan", "cannot read 'nan' as a value: there is no number in it"),
    ("inf", "cannot read 'inf' as a value: there is no number in it"),
    ("12 apples", "cannot read '12 apples' as a value: unexpected 'apples'"),
    ("5–3", "range '5–3' has its low end above its high end (5 > 3)"),
    ("$2B–$1B", "range '$2B–$1B' has its low end above its high end (2B > 1B)"),
    ("1e400", "'1e400' is too large for a number"),
    ("9" * 400, "is too large for a number"),
    ("$1B–€2B", "its ends are in different currencies (EUR and USD)"),
    ("45%–5x", "its ends are in different units (percent and ratio)"),
    ("$45%", "a percent cannot be an amount in USD"),
    ("45%/yr", "percent cannot also be per year"),
    ("<5–10", "a bound such as '<' or 'at least' cannot apply to a range"),
    ("5+–6", "a range cannot end in '+'"),
    (">5+", "it has two qualifiers"),
    ("5++", "two '+' signs"),
    ("-$-5", "it has two signs"),
    ("between 5", "'between' needs two ends"),
    ("ABC 5", "'ABC' is not a currency code"),
    ("$", "there is no number in it"),
    ("1,00", "unexpected ',00'"),
]


@pytest.mark.parametrize(("written", "message"), ERRORS)
def test_parse_errors_name_the_text(written, message):
    with pytest.raises(ValueParseError) as caught:
        Value.parse(written)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_long_bad_text_is_shortened_in_the_message():
    with pytest.raises(ValueParseError) as caught:
        Value.parse("9" * 400)
    assert len(str(caught.value)) < 80
    assert str(caught.value).startswith("'9999")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (True, "True is a yes/no value, not a number"),
        (False, "False is a yes/no value, not a number"),
        (10**400, "an integer of about 401 digits is too large for a number"),
        (float("nan"), "nan is not a finite number"),
        (float("inf"), "inf is not a finite number"),
        (None, "expected a number or text such as $13.8B, got NoneType"),
        ([1], "got list"),
    ],
)
def test_non_text_errors(raw, message):
    with pytest.raises(ValueParseError) as caught:
        Value.parse(raw)
    assert str(caught.value) == message or message in str(caught.value)


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        # SPEC §3's examples, exactly
        ("~$1.4B", "~$1.4B"),
        ("300,000+", "300K+"),
        ("$15–$50/hr", "$15–$50/hr"),
        ("<$4B", "<$4B"),
        ("A$600M", "A$600M"),
        ("45%", "45%"),
        ("~10x", "~10x"),
        ("13800000000", "13.8B"),
        ("$13.8B", "$13.8B"),
        # and the other shapes
        (">$1B", ">$1B"),
        ("up to 5", "≤5"),
        ("44–46%", "44–46%"),
        ("1–2B", "1B–2B"),
        ("100%+", "100%+"),
        ("$15+/hr", "$15+/hr"),
        ("−$2M", "-$2M"),
        ("CHF 5M–10M", "CHF 5M–10M"),
        ("RMB 5M", "CN¥5M"),
        ("mid-40s%", "44–46%"),
        ("$13,812,345,678", "$13.8B"),
        ("999,950", "1M"),
        ("0.000123", "0.000123"),
        ("$500–$2K", "$500–$2K"),
        ("1–1,000", "0.001K–1K"),
        ("0–1,000", "0–1K"),
        # a range whose ends round alike gets the figures that tell them apart
        ("1,000–1,004", "1K–1.004K"),
        ("100000–100001", "100K–100.001K"),
        ("$1.234B–$1.2345B", "$1.234B–$1.2345B"),
        ("44.01–44.02%", "44.01–44.02%"),
        ("-1,000–-999", "-1K–-999"),
        ("5–5", "5–5"),
    ],
)
def test_display(written, shown):
    assert Value.parse(written).display() == shown


@pytest.mark.parametrize(
    ("x", "kwargs", "shown"),
    [
        (1.38e10, {"currency": "USD"}, "$13.8B"),
        (300000, {}, "300K"),
        (45, {"unit": "percent"}, "45%"),
        (12.345, {"unit": "percent"}, "12.3%"),
        (10, {"unit": "ratio"}, "10x"),
        (15, {"currency": "USD", "unit": "hour"}, "$15/hr"),
        (1234, {}, "1.23K"),
        (999, {}, "999"),
        (0.0, {}, "0"),
        (-0.0, {}, "0"),
        (-2e6, {"currency": "EUR"}, "-€2M"),
        (5e6, {"currency": "SEK"}, "SEK 5M"),
        (1.5e16, {"currency": "USD"}, "$15000T"),
        (12345, {"unit": "percent"}, "12300%"),
    ],
)
def test_format_number(x, kwargs, shown):
    assert format_number(x, **kwargs) == shown


@pytest.mark.parametrize(
    ("written", "point", "mid", "label"),
    [
        ("$13.8B", True, 1.38e10, "USD"),
        ("~$1.4B", True, 1.4e9, "USD"),
        ("$15–$50/hr", False, 32.5, "USD/hour"),
        ("300K+", False, 3e5, "count"),
        ("<$4B", False, 4e9, "USD"),
        ("45%", True, 45.0, "percent"),
        ("~10x", True, 10.0, "ratio"),
        ("15/hr", True, 15.0, "count/hour"),
    ],
)
def test_point_midpoint_and_unit_label(written, point, mid, label):
    v = Value.parse(written)
    assert v.is_point is point
    assert v.midpoint == mid
    assert v.unit_label() == label


def test_same_quantity_ignores_how_it_was_written():
    assert Value.parse("$13.8B").same_quantity(Value.parse("13,800,000,000 USD"))
    assert Value.parse("$13.8B") != Value.parse("13,800,000,000 USD")  # text differs
    assert not Value.parse("$13.8B").same_quantity(Value.parse("~$13.8B"))


# --- growth ----------------------------------------------------------------


def g(old: str, new: str) -> Growth | None:
    return growth(Value.parse(old), Value.parse(new))


def test_growth_exact():
    result = g("$50M", "$75M")
    assert result == Growth(25_000_000.0, 50.0, False, None, "USD", None)
    assert result.display() == "+$25M (+50%)"
    assert result.display(with_change=False) == "+50%"
    assert result.display(with_pct=False) == "+$25M"


def test_growth_about_is_approximate():
    result = g("~$50M", "$75M")
    assert (result.change, result.pct, result.approximate, result.bound) == (25e6, 50.0, True, None)
    assert result.display() == "≈+$25M (≈+50%)"


def test_growth_between_ranges_uses_midpoints():
    # $1B–$2B has midpoint 1.5e9; 3e9 - 1.5e9 = 1.5e9, +100%.
    result = g("$1B–$2B", "$3B")
    assert (result.change, result.pct, result.approximate, result.bound) == (1.5e9, 100.0, True, None)
    assert result.display() == "≈+$1.5B (≈+100%)"


def test_growth_from_an_upper_bound_is_a_floor():
    # below $4B -> $13.8B: at least 13.8 - 4 = 9.8B, at least 13.8/4 - 1 = 245%.
    result = g("<$4B", "$13.8B")
    assert result.bound == "at_least" and result.approximate
    assert result.change == pytest.approx(9.8e9)
    assert result.pct == pytest.approx(245.0)
    assert result.display() == "≥+$9.8B (≥+245%)"


def test_growth_to_a_lower_bound_is_a_floor():
    result = g("$4B", ">$10B")  # at least +6B, +150%
    assert (result.change, result.pct, result.bound) == (6e9, 150.0, "at_least")


def test_growth_to_an_upper_bound_is_a_ceiling():
    result = g("$4B", "<$3B")  # at most -1B, -25%
    assert (result.change, result.pct, result.bound) == (-1e9, -25.0, "at_most")
    assert result.display() == "≤-$1B (≤-25%)"


def test_growth_from_a_lower_bound_is_a_ceiling():
    result = g("300K+", "400K")  # at most +100K, +33.3%
    assert result.bound == "at_most"
    assert result.change == 1e5
    assert result.pct == pytest.approx(100 / 3)
    assert result.display() == "≤+100K (≤+33.3%)"


def test_growth_between_bounds_open_the_same_way_is_none():
    assert g("300K+", "500K+") is None
    assert g("<$4B", "<$5B") is None


def test_growth_of_incomparable_values_is_none():
    assert g("$1B", "€2B") is None
    assert g("$1B", "2B") is None
    assert g("45%", "$2") is None
    assert g("$15/hr", "$20/month") is None


def test_growth_of_percent_metric_is_in_points():
    # 40% -> 45%: +5 points, 5/40 = +12.5% relative.
    result = g("40%", "45%")
    assert (result.change, result.pct, result.approximate) == (5.0, 12.5, False)
    assert result.display() == "+5pp (+12.5%)"


def test_percent_below_a_bound_may_be_negative_so_no_pct_bound():
    result = g("<5%", "10%")
    assert (result.change, result.pct, result.bound) == (5.0, None, "at_least")
    assert result.display() == "≥+5pp"


def test_growth_from_zero_has_no_pct():
    result = g("0", "5")
    assert (result.change, result.pct) == (5.0, None)
    assert result.display() == "+5"


def test_growth_of_a_shrinking_loss_is_positive():
    result = g("-$2M", "-$1M")
    assert (result.change, result.pct) == (1e6, 50.0)


def test_cagr():
    # $50M -> $112.5M in 2 years: ratio 2.25, sqrt = 1.5, +50%/year.
    assert g("$50M", "$112.5M").cagr(2) == pytest.approx(50.0)
    assert g("$50M", "$112.5M").cagr(0) is None
    assert g("0", "5").cagr(2) is None


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("-1", "1"),  # +200% against |old|, but no rate compounds across zero
        ("-$10M", "$5M"),
        ("$5M", "-$10M"),
        ("-$2M", "-$1M"),  # a shrinking loss: +50%, yet no growth rate
        ("-$1M", "-$2M"),
        ("$1M", "$0"),
        ("<$4B", "-$1B"),
        ("-$1M", "~$2M"),
    ],
)
def test_cagr_needs_two_figures_above_zero(old, new):
    result = g(old, new)
    assert result is not None
    assert result.cagr(1) is None and result.cagr(4) is None


def test_cagr_of_a_bound_is_the_bound_of_the_rate():
    # <$4B -> $13.8B: at least 13.8/4 = 3.45 times in 2 years, sqrt = 1.857..., at least +85.7% a year.
    result = g("<$4B", "$13.8B")
    assert result.cagr(2) == pytest.approx((3.45**0.5 - 1) * 100)
    assert result.bound == "at_least"


def test_growth_equality_ignores_the_ratio_it_carries():
    assert g("$50M", "$75M") == Growth(25_000_000.0, 50.0, False, None, "USD", None)
    assert g("$50M", "$75M").ratio == 1.5


def test_growth_is_a_frozen_value_hashed_like_it_compares():
    a = Growth(1.0, 2.0, False, ratio=3.0)
    b = Growth(1.0, 2.0, False, None, None, None, 4.0)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != Growth(1.0, 2.0, True) and a != (1.0, 2.0, False, None, None, None)
    assert repr(a) == (
        "Growth(change=1.0, pct=2.0, approximate=False, bound=None, currency=None, unit=None, ratio=3.0)"
    )
    with pytest.raises(AttributeError):
        a.pct = 5.0  # type: ignore[misc]
    match a:
        case Growth(change, pct, approximate):
            assert (change, pct, approximate) == (1.0, 2.0, False)


def test_growth_copies_and_pickles_with_every_field():
    import copy
    import pickle

    a = Growth(1.0, 2.0, True, "at_least", "USD", None, 3.0)
    for twin in (copy.copy(a), copy.deepcopy(a), pickle.loads(pickle.dumps(a))):
        assert twin == a and twin.ratio == 3.0 and twin.bound == "at_least"


points = st.floats(min_value=1e-3, max_value=1e12, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(points, points, st.booleans(), st.floats(min_value=0.5, max_value=50))
def test_opposite_signs_never_compound(a, b, negative_first, years):
    old, new = (-a, b) if negative_first else (a, -b)
    result = growth(Value("", old, old, "exact"), Value("", new, new, "exact"))
    assert result is not None and result.cagr(years) is None


@settings(max_examples=200, deadline=None)
@given(points, points, st.floats(min_value=0.5, max_value=50))
def test_two_negatives_never_compound(a, b, years):
    result = growth(Value("", -a, -a, "exact"), Value("", -b, -b, "exact"))
    assert result is not None and result.cagr(years) is None


@settings(max_examples=200, deadline=None)
@given(points, st.floats(min_value=0.01, max_value=100), st.floats(min_value=0.5, max_value=50))
def test_compounding_the_cagr_gives_back_the_last_value(a, ratio, years):
    b = a * ratio
    result = growth(Value("", a, a, "exact"), Value("", b, b, "exact"))
    rate = result.cagr(years)
    assert rate is not None
    assert a * (1 + rate / 100) ** years == pytest.approx(b, rel=1e-9)


# --- round trip ------------------------------------------------------------

CURRENCIES = [None, "USD", "AUD", "CAD", "EUR", "GBP", "JPY", "CNY", "CHF"]
UNITS = [None, "percent", "ratio", "hour", "month", "year", "user"]

three_digits = st.builds(
    lambda m, e: float(f"{m}e{e}"),
    st.integers(min_value=-999, max_value=999),
    st.integers(min_value=-4, max_value=14),
)


@st.composite
def values(draw) -> Value:
    unit = draw(st.sampled_from(UNITS))
    currency = None if unit in ("percent", "ratio") else draw(st.sampled_from(CURRENCIES))
    qualifier = draw(st.sampled_from(["exact", "about", "at_least", "above", "at_most", "below", "range"]))
    a = draw(three_digits)
    if qualifier == "range":
        b = draw(three_digits)
        low, high = min(a, b), max(a, b)
    else:
        low = a if qualifier in ("exact", "about", "at_least", "above") else None
        high = a if qualifier in ("exact", "about", "at_most", "below") else None
    return Value("", low, high, qualifier, currency, None, unit)


@settings(max_examples=400, deadline=None)
@given(values())
def test_display_round_trips(v):
    back = Value.parse(v.display())
    assert back.same_quantity(v), (v.display(), back)


@st.composite
def close_ranges(draw) -> Value:
    """A range whose ends may agree to many significant figures."""
    unit = draw(st.sampled_from(UNITS))
    currency = None if unit in ("percent", "ratio") else draw(st.sampled_from(CURRENCIES))
    low = draw(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
    gap = draw(
        st.one_of(
            st.floats(min_value=1e-12, max_value=1.0).map(lambda f: abs(low) * f),
            st.floats(min_value=1e-6, max_value=1e6),
        )
    )
    high = low + gap
    assume(low < high)
    return Value("", low, high, "range", currency, None, unit)


@settings(max_examples=400, deadline=None)
@given(close_ranges())
def test_a_range_never_displays_with_equal_ends(v):
    shown = v.display()
    low, high = shown.split("–")
    assert low.rstrip("%x") != high.rstrip("%x"), shown
    back = Value.parse(shown)
    assert back.qualifier == "range" and back.low < back.high, (shown, back)


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_any_float_displays_and_parses_back_within_3_significant_figures(x):
    back = Value.parse(Value.parse(x).display())
    assert back.low == pytest.approx(x, rel=5e-3, abs=1e-300)


def test_module_needs_only_the_standard_library():
    # Loaded by path so casekit/__init__.py (other modules' imports) is not measured.
    code = (
        "import importlib.util, sys; before = set(sys.modules);"
        "spec = importlib.util.spec_from_file_location('values', 'casekit/values.py');"
        "module = sys.modules['values'] = importlib.util.module_from_spec(spec);"
        "spec.loader.exec_module(module);"
        "new = {m.partition('.')[0] for m in set(sys.modules) - before};"
        "print(sorted(new - set(sys.stdlib_module_names) - {'values'}))"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"


def test_parsing_compiles_each_pattern_once(monkeypatch):
    # A figure is a few dozen pattern steps; none of them goes back to `re` once compiled.
    from casekit import values

    written = ["~$1.4B", "between 5 and 10 percent", "$500–$2K", "300,000+", "USD 20/hour", "3x", "mid-90s"]
    first = [Value.parse(text) for text in written]
    with pytest.raises(ValueParseError):
        Value.parse("no number")

    class NoRe:
        def __getattr__(self, name):
            raise AssertionError(f"re.{name} used again")

    monkeypatch.setattr(values, "re", NoRe())
    assert [Value.parse(text) for text in written] == first
    with pytest.raises(ValueParseError):
        Value.parse("no number")


def _parsed_or_refused(text: str, lowered: bool | None) -> object:
    from casekit.values import _Parser

    try:
        return _Parser(text, lowered=lowered).parse()
    except ValueParseError as exc:
        return ("refused", str(exc), exc.text)


# Pieces of analysts' notation, in both cases, so that generated text is often a figure.
_PIECES = st.sampled_from(
    [
        *"0123456789.,+-$%/~<> xXkKmMbBtT",
        "USD",
        "usd",
        "Eur",
        "CHF",
        "xyz",
        "US$",
        "Per",
        "hour",
        "Pct",
        "percent",
        "Million",
        "bn",
        "about",
        "At Least",
        "UP TO",
        "Between",
        " and ",
        " to ",
        "1990s",
        "Mid-80S",
        "p.a.",
        "CA. ",
        "e3",
        "E-2",
        "'s",
        "≈",
        "–",
        "€",
        "¥",
        "\u00a0",
        "\t",
        "ſ",
        "K",
        "İ",
    ]
)


@given(st.lists(_PIECES, min_size=1, max_size=8).map("".join))
@settings(max_examples=400, deadline=None)
def test_ascii_text_matched_lowered_reads_as_the_case_insensitive_patterns_read_it(text):
    # Text whose only cased letters are ASCII is matched lowered, by patterns compiled without
    # IGNORECASE (cheaper to compile); the figure, or the refusal and its message, is the same
    # as the case-insensitive patterns give. Text with other cased letters is matched as written.
    assert _parsed_or_refused(text, None) == _parsed_or_refused(text, False)


def test_the_patterns_matched_against_lowered_text_write_no_capital_letter():
    import re

    from casekit import values

    for text in ("$13.8B", "~US$1.4B+", "between 5 and 10 per hour", "mid-1990s", "≥ 45 pct", "XYZ 5", "5 p.a."):
        _parsed_or_refused(text, None)
    assert values._COMPILED_LOWER  # the lowered path was taken
    capitals = [p for p in values._COMPILED_LOWER if re.search(r"(?<![\\?])[A-Z]", p)]
    assert capitals == []
    # Nor a letter with a case outside ASCII, which IGNORECASE would have matched in other forms.
    assert [p for p in values._COMPILED_LOWER if not values._folds_plainly(p)] == []


def test_the_first_characters_of_the_qualifiers_are_all_in_the_set_that_lets_them_be_tried():
    from casekit import values

    firsts = set()
    for pattern, _ in values._PREFIXES:
        for first in (chr(c) for c in range(0x2A00)):
            if re_match(pattern, first):
                firsts.add(first)
    assert firsts <= values._PREFIX_FIRST


def test_lowered_text_tried_against_the_qualifiers_for_its_first_character_gets_what_all_of_them_give():
    import re

    from casekit import values

    def taken(patterns, text):
        for pattern, name in patterns:
            m = re.compile(pattern).match(text)
            if m:
                return name, m.end()
        return None

    tried = 0
    for first in (chr(c) for c in range(0x2A00)):
        for rest in _RESTS:
            text = first + rest
            expected = taken(values._PREFIXES, text)
            assert taken(values._PREFIXES_BY_FIRST.get(first, ()), text) == expected, text
            tried += expected is not None
    assert tried > 40


def re_match(pattern: str, first: str) -> bool:
    """True when `pattern` can begin a match with `first`: it matches `first` followed by some rest."""
    import re

    return any(re.compile(pattern).match(first + rest) for rest in _RESTS)


_RESTS = [
    "",
    " ",
    "t least 5",
    "o more than 5",
    "inimum 5",
    "p to 5",
    "ver 5",
    "bove 5",
    "ess than 5",
    "ewer than 5",
    "nder 5",
    "elow 5",
    "bout 5",
    "pprox 5",
    "round 5",
    "oughly 5",
    "irca 5",
    ". 5",
    "a. 5",
    "etween 5",
    "reater than 5",
    "aximum 5",
    "ore than 5",
    "ot less than 5",
    "= 5",
    "> 5",
    "=",
    "=5",
    "<",
    "<5",
    "etween5",
    "bout5",
    "ca.",
    "pproximately 5",
    "pprox. 5",
    "pproxx",
    "o more than 5",
    "o less than 5",
    "ot more than 5",
    "ess  than",
    "ndertaking",
    "irca.",
    "t  most 5",
]


def test_a_pattern_is_skipped_only_at_a_character_it_cannot_match_at():
    import re

    from casekit import values

    rests = ["", " ", "5", " 5", "-5", ".5", "+", " +", "b", "illion", "housand", "n", "%", "ercent", "er cent"]
    rests += ["ct", "er hour", " per hour", "hour", "/hour", ".a.", " p.a.", "sd", "sd 5", "x", " x", "o", "o 5"]
    rests += ["nd", "nd 5", " usd", "usd", "usd5", "p.a.", "per hour"]
    for pattern, firsts in values._TAKE_FIRSTS.items():
        compiled = re.compile(pattern)
        for first in map(chr, range(0x2A00)):
            if any(compiled.match(first + rest) for rest in rests):
                assert first in firsts, (pattern, first)
        assert all(any(compiled.match(first + rest) for rest in rests) for first in firsts), pattern


def test_the_patterns_skipped_by_their_first_character_are_the_ones_the_parser_takes():
    import inspect

    from casekit import values

    source = inspect.getsource(values._Parser)
    for pattern in values._TAKE_FIRSTS:
        assert pattern == values._SCALE or repr(pattern) in source or f'r"{pattern}"' in source, pattern
