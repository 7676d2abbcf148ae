"""Problems, how their messages quote case text, and did-you-mean hints."""

from __future__ import annotations

import pytest

from casekit.errors import UnknownChoice, UsageError
from casekit.problems import Problem, check_choices, did_you_mean, one_line, shown


def test_case_text_in_a_message_stays_on_one_line():
    assert shown("found\ned\x1b[31m\u2028\t") == "`found\\ned\\x1b[31m\\u2028\\t`"
    assert one_line("a\r\nb") == "a\\r\\nb"


def test_long_case_text_is_cut():
    assert shown("x" * 100) == "`" + "x" * 59 + "…`"
    assert shown("x" * 100, None) == "`" + "x" * 100 + "`"


def test_did_you_mean_quotes_its_suggestion_safely():
    assert did_you_mean("fonded", ["founded", "seed"]) == "did you mean `founded`?"
    assert did_you_mean("a\nb", ["a\nbc"]) == "did you mean `a\\nbc`?"


def test_location_and_record():
    p = Problem("x.yaml", 3, 5, "error", "unknown-key", "unknown key `tradoff`", "did you mean `tradeoff`?")
    assert p.location == "x.yaml:3:5"
    assert p.record()["message"] == "unknown key `tradoff` (did you mean `tradeoff`?)"


# --- did you mean -----------------------------------------------------------------------------

METRICS = [
    "appen_revenue",
    "revenue_run_rate",
    "platform_revenue",
    "defense_revenue",
    "valuation",
    "funding_round_size",
    "gross_margin",
    "platform_gross_margin",
    "meta_stake",
]


@pytest.mark.parametrize(
    ("word", "hint"),
    [
        # a prefix of the choice
        ("funding", "did you mean `funding_round_size`?"),
        ("gross", "did you mean `gross_margin` or `platform_gross_margin`?"),
        # a part of it, however far in
        ("stake", "did you mean `meta_stake`?"),
        ("revenue", "did you mean `revenue_run_rate`, `appen_revenue`, `defense_revenue` or `platform_revenue`?"),
        ("gross margin", "did you mean `gross_margin` or `platform_gross_margin`?"),
        ("Platform-Revenue", "did you mean `platform_revenue`?"),
        # a typo
        ("valuaton", "did you mean `valuation`?"),
        ("VALUATION", "did you mean `valuation`?"),
        # nothing like it; too short to begin anything
        ("headcount", None),
        ("re", None),
        ("", None),
    ],
)
def test_did_you_mean_offers_prefixes_parts_and_typos(word, hint):
    assert did_you_mean(word, METRICS) == hint


def test_did_you_mean_offers_at_most_limit_choices_likeliest_first():
    assert did_you_mean("revenue", METRICS, limit=2) == "did you mean `revenue_run_rate` or `appen_revenue`?"
    # a prefix before a part, a part before a typo
    assert did_you_mean("margin", ["gross_margin", "margins", "marginal"]) == (
        "did you mean `margins`, `marginal` or `gross_margin`?"
    )
    assert did_you_mean("tradoff", ["tactic", "tradeoff", "title"]) == "did you mean `tradeoff`?"


def test_did_you_mean_matches_names_and_shows_the_choice():
    names = {"margin": "Gross margin", "price": "Price per hour"}
    assert did_you_mean("gross", ["margin", "price"], names=names) == "did you mean `margin`?"
    assert did_you_mean("hour", ["margin", "price"], names=names) == "did you mean `price`?"
    assert did_you_mean("hour", ["margin", "price"]) is None


def test_a_typo_of_a_short_word_is_a_slip_or_two_not_a_likeness():
    # difflib finds `nope` 60% like `openai`, but it is four edits away: no typo of it.
    assert did_you_mean("nope", ["openai", "meta"]) is None
    assert did_you_mean("nope", ["open"]) is None
    assert did_you_mean("opnai", ["openai", "meta"]) == "did you mean `openai`?"
    assert did_you_mean("mtea", ["openai", "meta"]) == "did you mean `meta`?"  # letters swapped: one slip
    assert did_you_mean("valutaion", ["valuation"]) == "did you mean `valuation`?"


def test_did_you_mean_offers_each_choice_once_in_a_stable_order():
    assert did_you_mean("wave", ["b_wave", "a_wave", "b_wave"]) == "did you mean `b_wave` or `a_wave`?"


def test_check_choices_names_the_field_and_hints_at_the_choice_meant_or_lists_them():
    check_choices("section", ["risks", "timeline"], ("risks", "timeline"), "section")
    with pytest.raises(UnknownChoice) as info:
        check_choices("section", ["risks", "timelin"], ("risks", "timeline"), "section")
    assert (info.value.message, info.value.hint) == ("section: no section `timelin`", "did you mean `timeline`?")
    assert (info.value.field, info.value.value, info.value.known) == ("section", "timelin", ("risks", "timeline"))
    with pytest.raises(UsageError) as info:
        check_choices("section", ["zzz"], ("risks", "timeline"), "section")
    assert info.value.hint == "sections: risks, timeline"
