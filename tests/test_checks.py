"""casekit.checks: duplicate ids and numbers, dangling references, units and currencies, each
warning, slugs, a figure read in its metric's unit, and what a broken item stops."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit.checks import Gaps, check_case, in_metric_unit, slug_hint, slugify, unit_conflict, unit_template
from casekit.loader import check_bytes, check_file, load_case
from casekit.values import Value

FIXTURES = Path(__file__).parent / "fixtures"
BAD = FIXTURES / "bad"
ACME = FIXTURES / "library" / "acme.yaml"


def found(path: Path) -> list[tuple[int | None, int | None, str, str]]:
    _, problems = check_file(path)
    return [(p.line, p.column, p.severity, p.code) for p in problems]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("duplicate-id", [(28, 10, "error", "duplicate-id")]),
        ("dangling-reference", [(24, 16, "error", "dangling-reference")]),
        ("currency-mismatch", [(16, 29, "error", "unit-mismatch")]),
        ("unsourced-warning", [(9, 5, "warning", "unsourced")]),
        ("open-flywheel-warning", [(29, 19, "warning", "flywheel-open"), (30, 31, "warning", "flywheel-open")]),
        ("contradiction-warning", [(17, 29, "warning", "contradiction")]),
        ("no-evidence-warning", [(18, 5, "warning", "no-evidence")]),
        ("after-as-of-warning", [(25, 26, "warning", "after-as-of")]),
        (
            "no-sources",
            [(6, 1, "error", "no-sources")] + [(line, 5, "warning", "unsourced") for line in (8, 10, 16, 24)],
        ),
        ("duplicate-principle-number", [(27, 8, "error", "duplicate-number")]),
        ("contradiction-currency-warning", [(17, 29, "warning", "contradiction")]),
        (
            "unknown-category-warning",
            [(13, 63, "warning", "unknown-category"), (14, 62, "warning", "unknown-category")],
        ),
    ],
)
def test_each_fixture_reports_its_problem_at_its_position(name, expected):
    assert found(BAD / f"{name}.yaml") == expected


@pytest.mark.parametrize(
    ("name", "message", "hint"),
    [
        ("duplicate-id", "duplicate id `churn` in risks (first on line 27)", None),
        (
            "dangling-reference",
            "principles `focus`: evidence `fonded` is not an id in timeline",
            "did you mean `founded`?",
        ),
        ("currency-mismatch", "metric `revenue` (USD): A$10M is in AUD, not USD", None),
        ("unsourced-warning", "timeline `founded` names no source", "add `sources: [source id]`"),
        (
            "contradiction-warning",
            "metric `revenue`: 2023 is $12M here but $10M in an earlier observation",
            "mark both `confidence: disputed` with a note, or fix one",
        ),
        (
            "contradiction-currency-warning",
            "metric `revenue`: 2023 is A$1M here but $1M in an earlier observation",
            "mark both `confidence: disputed` with a note, or fix one",
        ),
        ("no-evidence-warning", "principle 1 `focus` cites no evidence", "add `evidence: [timeline ids]`"),
        (
            "after-as-of-warning",
            "timeline `series-b` is dated 2026, after the case's as_of 2024-06",
            "fix the date, or move as_of on",
        ),
        (
            "duplicate-principle-number",
            "duplicate principle number 1 (first on line 19)",
            "give each principle its own number",
        ),
    ],
)
def test_each_problem_says_what_is_wrong_and_how_to_fix_it(name, message, hint):
    _, [problem] = check_file(BAD / f"{name}.yaml")
    assert (problem.message, problem.hint) == (message, hint)


def test_an_open_flywheel_names_the_node_each_way():
    _, problems = check_file(BAD / "open-flywheel-warning.yaml")
    assert [p.message for p in problems] == [
        "flywheel: nothing leads into `data`, so the loop does not close",
        "flywheel: nothing leads on from `customers`, so the loop does not close",
    ]


def _checked(name: str, *replacements: tuple[str, str], stem: str | None = None):
    text = (BAD / f"{name}.yaml").read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return check_bytes(text.encode(), f"{name}.yaml", stem=stem or name)


def test_an_id_other_than_the_file_name_is_a_warning():
    case, [problem] = _checked(
        "unsourced-warning",
        ("{id: founded, date: 2015, title: Founded}", "{id: founded, date: 2015, title: Founded, sources: [press]}"),
        stem="acme_v2",
    )
    assert case is not None
    assert (problem.line, problem.severity, problem.code) == (2, "warning", "id-mismatch")
    assert problem.message == "case id `unsourced-warning` differs from the file name `acme_v2`"


def test_a_blank_title_name_or_company_is_a_warning_at_its_value():
    case, problems = _checked(
        "unsourced-warning",
        ("company: Acme", 'company: "  "'),
        ("{id: founded, date: 2015, title: Founded}", '{id: founded, date: 2015, title: "", sources: [press]}'),
        ("name: Revenue", 'name: " "'),
    )
    assert case is not None  # a warning: the case is read, and validate --strict fails on it
    assert [(p.line, p.column, p.code, p.message) for p in problems] == [
        (3, 10, "blank-text", "the case's `company` is blank"),
        (9, 38, "blank-text", "event `founded`: `title` is blank"),
        (12, 11, "blank-text", "metric `revenue`: `name` is blank"),
    ]


def test_a_missing_title_is_an_error_once_not_also_blank():
    case, problems = _checked("unsourced-warning", ("title: A small case\n", ""))
    assert case is None
    assert "blank-text" not in [p.code for p in problems] and "missing-key" in [p.code for p in problems]


def test_ids_repeat_only_within_a_section():
    # `churn` as an event id and a risk id: two sections, no duplicate.
    _, problems = _checked(
        "unsourced-warning",
        ("{id: founded, date: 2015, title: Founded}", "{id: churn, date: 2015, title: Founded, sources: [press]}"),
        ("evidence: [founded]", "evidence: [churn]"),
    )
    assert problems == []


def test_a_reference_to_nothing_like_any_id_has_no_hint():
    _, [problem] = _checked("dangling-reference", ("evidence: [fonded]", "evidence: [zzzz]"))
    assert problem.code == "dangling-reference" and problem.hint is None


def test_disputed_observations_may_disagree():
    _, problems = _checked(
        "contradiction-warning", ("{date: 2023, value: $12M}", "{date: 2023, value: $12M, confidence: disputed}")
    )
    assert problems == []


@pytest.mark.parametrize(
    ("second", "codes"),
    [
        ("{date: 2023, value: 10000000}", []),  # a bare number in a USD metric is $10M: the same figure
        ("{date: 2023-01/2023-12, value: $12M}", ["contradiction"]),  # the same interval, written otherwise
        ("{date: 2023-03, value: $12M}", []),  # a month of 2023 is another interval
        ("{date: 2023, value: A$10M}", ["unit-mismatch"]),  # an error of its own, not also a contradiction
    ],
)
def test_contradictions_compare_figures_as_their_metric_reads_them(second, codes):
    _, problems = _checked("contradiction-warning", ("{date: 2023, value: $12M}", second))
    assert [p.code for p in problems] == codes


@pytest.mark.parametrize(
    ("unit", "written", "conflict"),
    [
        ("USD", "A$10M", "A$10M is in AUD, not USD"),
        ("usd", "€5", "€5 is in EUR, not USD"),
        ("USD", "45%", "45% is a percentage, not an amount in USD"),
        ("USD/hour", "$30/hr", None),
        ("USD", "10000000", None),
        ("percent", "$5", "$5 is an amount in USD, not a percentage"),
        ("%", "45%", None),
        ("count", "$5", "$5 is an amount in USD, not a count"),
        ("count", "45%", "45% is a percentage, not a count"),
        ("ratio", "45%", None),
        ("ratio", "€5", "€5 is an amount in EUR, not a ratio"),
        ("widgets", "$5", None),  # a unit casekit does not know: nothing to contradict
        # Every currency a figure may be written in is one a metric may be measured in.
        ("MXN", "$5M", "$5M is in USD, not MXN"),
        ("ZAR", "45%", "45% is a percentage, not an amount in ZAR"),
        ("MXN", "MXN 5M", None),
        ("RMB", "CNY 5M", None),  # an alias of the code
        ("CNY", "5M RMB", None),
    ],
)
def test_unit_conflicts(unit, written, conflict):
    assert unit_conflict(unit, Value.parse(written)) == conflict


def test_a_figure_in_another_currency_than_its_mxn_metric_is_a_unit_mismatch():
    # MXN was a currency to the parser but not to the check, so `$5M` in an MXN metric passed.
    _, problems = _checked("currency-mismatch", ("unit: USD", "unit: MXN"), ("value: A$10M", "value: $5M"))
    assert [(p.code, p.message) for p in problems] == [
        ("unit-mismatch", "metric `revenue` (MXN): $5M is in USD, not MXN")
    ]
    _, problems = _checked("currency-mismatch", ("unit: USD", "unit: MXN"), ("value: A$10M", "value: MXN 5M"))
    assert problems == []


def test_one_list_of_currencies_is_read_by_the_parser_and_the_checks():
    from casekit import checks
    from casekit.values import CURRENCIES, currency_code

    assert not hasattr(checks, "CURRENCIES")
    for code in CURRENCIES:
        assert Value.parse(f"{code} 5").currency == code
        assert currency_code(code.lower()) == code
        assert unit_conflict(f"{code}/year", Value.parse("45%")) is not None
    assert currency_code("XYZ") is None and currency_code("RMB") == "CNY"


def test_an_observation_without_a_source_is_named_when_its_metric_has_none_but_others_do():
    case, problems = _checked(
        "unsourced-warning",
        ("{id: founded, date: 2015, title: Founded}", "{id: founded, date: 2015, title: Founded, sources: [press]}"),
        (
            "    sources: [press]\n    observations:\n      - {date: 2023, value: $10M}",
            "    observations:\n      - {date: 2022, value: $8M, sources: [press]}\n      - {date: 2023, value: $10M}",
        ),
    )
    assert case is not None
    assert [(p.line, p.code, p.message) for p in problems] == [
        (11, "unsourced", "metrics `revenue` names no source"),
        (16, "unsourced", "metric `revenue`: the 2023 observation names no source"),
    ]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Big Tag", "big-tag"),
        ("Machine Learning/AI", "machine-learning-ai"),
        ("  T1 ", "t1"),
        ("café_au-lait", "cafe_au-lait"),
        ("--x--", "x"),
        ("日本", ""),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_slug_hint_falls_back_to_the_rule():
    assert slug_hint("日本").startswith("use lowercase letters")


@pytest.mark.parametrize(
    ("unit", "written", "read"),
    [
        ("USD", "1000000", ("USD", None)),
        ("USD/hour", "$30", ("USD", "hour")),  # the per-hour left out
        ("USD/hour", "30/hr", ("USD", "hour")),  # the currency left out
        ("USD/hour", "30", ("USD", "hour")),
        ("USD/hour", "$30/day", ("USD", "day")),  # says something else: kept as written
        ("USD/hour", "A$30", ("AUD", None)),
        ("USD", "45%", (None, "percent")),
        ("percent", "45", (None, "percent")),
        ("percent", "$5", ("USD", None)),
        ("widgets", "5", (None, None)),  # a unit that is not a figure's: nothing to take
    ],
)
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


# --- what a broken item stops -------------------------------------------------------


def test_dangling_reference_suggests_the_id_meant():
    _, problems = check_file(BAD / "dangling-reference.yaml")
    assert problems[0].hint == "did you mean `founded`?"


def test_a_structural_error_does_not_hide_the_cross_checks():
    _, problems = check_file(BAD / "every-problem-at-once.yaml")
    dangling = [p for p in problems if p.code == "dangling-reference"]
    # `founded` has a bad date but exists: only `launch` is dangling.
    assert [p.message for p in dangling] == ["principles `focus`: evidence `launch` is not an id in timeline"]


def test_a_broken_item_without_a_readable_id_stops_only_the_references_into_its_section():
    text = (
        (BAD / "dangling-reference.yaml")
        .read_text()
        .replace(
            "  - {id: founded, date: 2015, title: Founded, sources: [press]}",
            "  - {id: [founded], date: 2015, title: Founded, sources: [press]}",
        )
    )
    text = text.replace("principles: [focus], sources: [press]}", "principles: [focus], sources: [pres]}")
    _, problems = check_bytes(text.encode(), "x.yaml", stem="dangling-reference")
    # `fonded` might be the event whose id cannot be read; `pres` is surely not a source.
    assert [(p.code, p.message) for p in problems] == [
        ("wrong-type", "`id`: expected text, got a list"),
        ("dangling-reference", "source `pres` is not an id in sources"),
    ]


def test_an_open_looking_flywheel_with_a_broken_edge_is_not_reported():
    text = (
        (FIXTURES / "library" / "acme.yaml")
        .read_text()
        .replace("{id: f2, from: data, to: software,", "{id: f2, from: data, too: software,")
    )
    _, problems = check_bytes(text.encode(), "acme.yaml", stem="acme")
    assert [p.code for p in problems] == ["unknown-key"]  # `too`, meant as the edge's missing `to`


def test_broken_observations_leave_the_others_checked_in_place():
    text = (
        (BAD / "currency-mismatch.yaml")
        .read_text()
        .replace(
            "      - {date: 2023, value: A$10M}", "      - {date: 2022, value: [1]}\n      - {date: 2023, value: A$10M}"
        )
    )
    _, problems = check_bytes(text.encode(), "x.yaml", stem="currency-mismatch")
    assert [(p.line, p.column, p.code) for p in problems] == [(16, 29, "wrong-type"), (17, 29, "unit-mismatch")]


def test_a_duplicated_section_is_not_cross_checked_from_its_first_copy():
    text = (BAD / "dangling-reference.yaml").read_text().replace("evidence: [fonded]", "evidence: [later]")
    text += "timeline:\n  - {id: later, date: 2016, title: Later, sources: [press]}\n"
    _, problems = check_bytes(text.encode(), "x.yaml", stem="dangling-reference")
    assert [p.code for p in problems] == ["duplicate-key"]


def test_sources_must_name_at_least_one_even_when_bare():
    text = (BAD / "no-sources.yaml").read_text().replace("sources: []", "sources:")
    case, problems = check_bytes(text.encode(), "x.yaml", stem="no-sources")
    assert case is None
    assert [(p.line, p.code) for p in problems if p.severity == "error"] == [(6, "no-sources")]


def test_duplicate_principle_numbers_name_the_first():
    _, [problem] = check_file(BAD / "duplicate-principle-number.yaml")
    assert problem.message == "duplicate principle number 1 (first on line 19)"


def test_equal_moat_ranks_are_ties_not_errors():
    text = (
        (FIXTURES / "library" / "acme.yaml")
        .read_text()
        .replace(
            "  - {id: data, rank: 1, title: Fleet data, sources: [report]}",
            "  - {id: data, rank: 1, title: Fleet data, sources: [report]}\n"
            "  - {id: brand, rank: 1, title: Brand, sources: [report]}",
        )
    )
    case, problems = check_bytes(text.encode(), "acme.yaml", stem="acme")
    assert case is not None and problems == []


# --- categories ---------------------------------------------------------------------------------


def test_an_unknown_category_says_what_was_meant_or_how_to_declare_it():
    _, (typo, undeclared) = check_file(BAD / "unknown-category-warning.yaml")
    assert "`markets`" in typo.message and typo.hint == "did you mean `market`?"
    assert "`legal`" in undeclared.message
    assert undeclared.hint.startswith("use one of funding, product,")
    assert undeclared.hint.endswith("add it to the case's `categories`")


def test_a_declared_category_is_known_and_one_more_declared_clears_the_warning():
    text = (BAD / "unknown-category-warning.yaml").read_text()
    text = text.replace("categories: [regulation]", "categories: [regulation, legal, markets]")
    case, problems = check_bytes(text.encode(), "declared.yaml", stem="unknown-category-warning")
    assert problems == []
    assert case.categories == ["regulation", "legal", "markets"]


def test_without_categories_the_hint_shows_the_key_to_add():
    text = (BAD / "unknown-category-warning.yaml").read_text().replace("categories: [regulation]\n", "")
    _, problems = check_bytes(text.encode(), "x.yaml", stem="unknown-category-warning")
    hints = {p.message.split("`")[1]: p.hint for p in problems}
    assert hints["sued"].endswith("`categories: [legal]`")
    assert hints["ruled"].endswith("`categories: [regulation]`")


def test_a_declared_category_must_be_a_slug():
    text = (BAD / "unknown-category-warning.yaml").read_text().replace("[regulation]", "[Regulation Affairs]")
    _, problems = check_bytes(text.encode(), "x.yaml", stem="unknown-category-warning")
    bad = [p for p in problems if p.code == "bad-category"]
    assert len(bad) == 1 and bad[0].severity == "error" and bad[0].line == 8


def test_every_valid_fixture_and_the_bundled_case_use_known_or_declared_categories():
    root = FIXTURES.parent.parent
    paths = [root / "cases" / "scale_ai.yaml", *(p for p in FIXTURES.rglob("*.yaml") if "bad" not in p.parts)]
    for path in paths:
        _, problems = check_file(path)
        assert not [p for p in problems if p.code == "unknown-category"], path


def test_validate_strict_fails_on_an_unknown_category(run):
    result = run("validate", "--strict", str(BAD / "unknown-category-warning.yaml"))
    assert result.exit_code == 1
    assert "[unknown-category]" in result.stdout + result.stderr
    assert run("validate", str(BAD / "unknown-category-warning.yaml")).exit_code == 0


def test_the_schema_takes_declared_categories_as_slugs(run):
    import json

    import jsonschema
    import yaml

    schema = json.loads(run("schema").stdout)
    categories = schema["$defs"]["Case"]["properties"]["categories"]
    assert "beyond casekit's own" in categories["description"]
    data = yaml.safe_load((BAD / "unknown-category-warning.yaml").read_text())
    jsonschema.validate(data, schema)
    data["categories"] = ["Not A Slug"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_diff_reports_a_changed_categories_list(tmp_path, run):
    import json

    old = tmp_path / "unknown-category-warning.yaml"
    old.write_text((BAD / "unknown-category-warning.yaml").read_text())
    new = tmp_path / "new.yaml"
    new.write_text(old.read_text().replace("[regulation]", "[regulation, legal]"))
    result = run("diff", str(old), str(new), "-f", "json")
    assert result.exit_code == 1
    (change,) = json.loads(result.stdout)["changes"]
    assert (change["section"], change["field"]) == ("case", "categories")
