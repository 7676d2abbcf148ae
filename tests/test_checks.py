"""The checks' own rules: slugs, a figure read in its metric's unit, what a broken item stops."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit.checks import Gaps, check_case, in_metric_unit, slug_hint, slugify, unit_template
from casekit.loader import load_case
from casekit.values import Value

ACME = Path(__file__).parent / "fixtures" / "library" / "acme.yaml"


@pytest.mark.parametrize(("text", "slug"), [
    ("Big Tag", "big-tag"), ("Machine Learning/AI", "machine-learning-ai"), ("  T1 ", "t1"),
    ("café_au-lait", "cafe_au-lait"), ("--x--", "x"), ("日本", ""),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_slug_hint_falls_back_to_the_rule():
    assert slug_hint("日本").startswith("use lowercase letters")


@pytest.mark.parametrize(("unit", "written", "read"), [
    ("USD", "1000000", ("USD", None)),
    ("USD/hour", "$30", ("USD", "hour")),      # the per-hour left out
    ("USD/hour", "30/hr", ("USD", "hour")),    # the currency left out
    ("USD/hour", "30", ("USD", "hour")),
    ("USD/hour", "$30/day", ("USD", "day")),   # says something else: kept as written
    ("USD/hour", "A$30", ("AUD", None)),
    ("USD", "45%", (None, "percent")),
    ("percent", "45", (None, "percent")),
    ("percent", "$5", ("USD", None)),
    ("widgets", "5", (None, None)),            # a unit that is not a figure's: nothing to take
])
def test_a_figure_takes_what_it_leaves_out_from_its_metric(unit, written, read):
    value = in_metric_unit(Value.parse(written), unit_template(unit))
    assert (value.currency, value.unit) == read
    assert value.text == written


def test_without_gaps_the_checks_see_a_whole_case():
    case = load_case(ACME)
    assert check_case(case, lambda where, at_key=False: (1, 1, ""), path="acme.yaml", stem="acme") == []


def test_gaps_say_which_sections_are_whole_and_whose_ids_are_known():
    gaps = Gaps(frozenset({"eras"}), {}, {"timeline": {2: "seed"}, "risks": {0: None}})
    assert not gaps.complete("timeline") and gaps.ids_known("timeline")
    assert not gaps.ids_known("risks") and not gaps.ids_known("eras")
    assert gaps.complete("people") and gaps.ids_known("people")
