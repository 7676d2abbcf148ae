"""Problems and how their messages quote case text."""

from __future__ import annotations

from casekit.problems import Problem, did_you_mean, one_line, shown


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
