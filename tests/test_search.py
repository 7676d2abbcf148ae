"""Ranked search: BM25F order, snippets and highlighting, phrases, accent folding, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casekit.cli.app import app
from casekit.loader import load_case
from casekit.search import Snippet, fold, make_snippet, parse_query, search, stem, tokenize

FIXTURES = Path(__file__).parent / "fixtures" / "search"
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "CASEKIT_PATH": "", "CASEKIT_CASE": ""}


@pytest.fixture(scope="module")
def cases():
    return [load_case(FIXTURES / "alpha.yaml"), load_case(FIXTURES / "beta.yaml")]


def run(*args: str):
    return CliRunner().invoke(app, ["--cases-dir", str(FIXTURES), *args], env=ENV)


def ids(hits) -> list[tuple[str, str, str]]:
    return [(h.case, h.section, h.id) for h in hits]


# --- ranking ---------------------------------------------------------------------------

def test_title_match_ranks_above_body_matches_and_more_mentions_above_fewer(cases):
    # By hand: "Croissant launch" has the word in its title; the butter risk says
    # it twice in its description; the menu lesson once in 16 words; beta's deal
    # once in 19 words (a longer body weighs a single mention less).
    assert ids(search(cases, "croissant")) == [
        ("alpha", "timeline", "croissant-launch"),
        ("alpha", "risks", "butter-costs"),
        ("alpha", "lessons", "menu"),
        ("beta", "timeline", "pastry-deal"),
    ]


def test_scores_are_best_first_and_limit_keeps_the_best(cases):
    hits = search(cases, "croissant")
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert ids(search(cases, "croissant", limit=2)) == ids(hits)[:2]


def test_a_rarer_word_outweighs_a_common_one(cases):
    # "price" is in three items, "rise" in two: the item with both ranks first.
    hits = search(cases, "price rise")
    assert hits[0].id == "price-rise"
    assert {h.id for h in hits} == {"price-rise", "price-freeze", "price-for-margin"}


def test_sections_limit_the_search(cases):
    assert ids(search(cases, "croissant", sections=["risks", "lessons"])) == [
        ("alpha", "risks", "butter-costs"),
        ("alpha", "lessons", "menu"),
    ]


def test_the_case_itself_is_searchable(cases):
    hits = search(cases, "bakeries")
    assert hits[0].section == "case" and hits[0].id == "alpha"


def test_reference_fields_are_not_searched(cases):
    # Every item cites the source `memo`; only the source itself is titled "Internal memo".
    assert ids(search(cases, "memo")) == [("alpha", "sources", "memo")]


def test_common_words_alone_still_search_but_do_not_widen_a_query(cases):
    assert parse_query("the croissant").units == (("croissant",),)
    assert parse_query("the").units == (("the",),)


# --- phrases ---------------------------------------------------------------------------

def test_a_quoted_phrase_must_appear_in_order(cases):
    # "A rise in price" has both words, but not as the phrase.
    assert ids(search(cases, '"price rise"')) == [("alpha", "timeline", "price-rise")]


def test_a_phrase_and_a_word_require_the_phrase(cases):
    assert {h.id for h in search(cases, '"price rise" croissant')} == {"price-rise"}


def test_a_word_made_of_several_tokens_is_a_phrase():
    assert parse_query("data-labeling 13.8B").units == (("data", "labeling"), ("13", "8b"))
    assert parse_query('"human feedback" data').required == frozenset({("human", "feedback")})
    assert parse_query('"unclosed phrase').required == frozenset({("unclosed", "phrase")})


# --- folding ---------------------------------------------------------------------------

def test_accents_and_case_fold():
    assert fold("Zürich CAFÉ Straße") == "zurich cafe strasse"


def test_an_unaccented_query_finds_accented_text_and_marks_it_as_written(cases):
    hit = search(cases, "zurich")[0]
    assert hit.id == "opening"
    assert hit.title == "First café opens in Zürich"
    assert [hit.title[s:e] for s, e in hit.title_spans] == ["Zürich"]
    upper = search(cases, "CAFÉ")[0]
    assert [upper.title[s:e] for s, e in upper.title_spans] == ["café"]


def test_plurals_fold_to_the_singular():
    assert [stem(w) for w in ("risks", "companies", "boxes", "business", "bus", "data")] == [
        "risk", "company", "box", "business", "bus", "data"]
    assert [t.term for t in tokenize("Prices rise")] == ["price", "rise"]


def test_token_spans_point_into_the_original_text():
    text = "Ａｃｍｅ’s ﬁnal Café"  # fullwidth letters, a ligature, an accent
    assert [(t.term, text[t.start:t.end]) for t in tokenize(text)] == [
        ("acme", "Ａｃｍｅ"), ("s", "s"), ("final", "ﬁnal"), ("cafe", "Café")]


# --- snippets --------------------------------------------------------------------------

def test_snippet_comes_from_the_body_and_wraps_matches(cases):
    hit = search(cases, "croissant", sections=["risks"])[0]
    assert hit.snippet.field == "description"
    assert hit.snippet.marked() == "Every «croissant» needs butter, and a «croissant» cannot be made without it."
    assert hit.record() == {"case": "alpha", "section": "risks", "id": "butter-costs",
                            "title": "Butter costs climb", "score": round(hit.score, 4),
                            "snippet": hit.snippet.marked()}


def test_a_title_only_match_gives_the_title_as_snippet(cases):
    hit = search(cases, "croissant")[0]
    assert hit.snippet.in_title
    assert hit.snippet.marked() == "«Croissant» launch"


def test_long_text_is_cut_around_the_matches_on_word_boundaries():
    from casekit.search import _field

    words = " ".join(f"word{i}" for i in range(100))
    text = f"{words} the needle is here {words}"
    f = _field("detail", text, False)
    start = text.index("needle")
    snippet = make_snippet(f, [(start, start + 6)], width=80)
    assert snippet.text.startswith("…") and snippet.text.endswith("…")
    assert len(snippet.text) <= 82
    assert "«needle»" in snippet.marked()
    inner = snippet.text.strip("…")
    assert inner.split(" ")[0].startswith("word") and inner.split(" ")[-1].startswith("word")
    assert text.find(inner) >= 0  # whole words from the text, unchanged


def test_marked_wraps_each_span():
    assert Snippet("x", "a b c", ((0, 1), (4, 5))).marked("[", "]") == "[a] b [c]"


# --- the command -----------------------------------------------------------------------

def test_cli_json_has_the_record_keys_best_first():
    result = run("search", "croissant", "-c", "alpha", "-c", "beta", "-f", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["id"] for r in records] == ["croissant-launch", "butter-costs", "menu", "pastry-deal"]
    assert list(records[0]) == ["case", "section", "id", "title", "score", "snippet"]
    assert records[3]["case"] == "beta"
    assert "«croissant»" in records[3]["snippet"]


def test_cli_table_shows_where_each_hit_is_and_its_snippet():
    result = run("search", "butter", "-c", "alpha")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["where", "match"]
    assert lines[2].split() == ["risks", "Butter", "costs", "climb"]
    assert lines[3].split()[0] == "butter-costs"
    assert "Every croissant needs butter" in lines[3]
    assert "«" not in result.stdout  # the table highlights with a style, not with marks


def test_cli_names_the_case_when_several_cases_are_searched():
    result = run("search", "croissant", "-c", "alpha", "-c", "beta")
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[2:5]] == ["alpha", "timeline", "croissant-launch"]
    single = run("search", "croissant", "-c", "alpha").stdout.splitlines()
    assert [line.split()[0] for line in single[2:4]] == ["timeline", "croissant-launch"]


def test_cli_highlights_matches_in_colour():
    result = CliRunner().invoke(app, ["--cases-dir", str(FIXTURES), "search", "zurich", "-c", "alpha"],
                                env={**ENV, "NO_COLOR": "", "FORCE_COLOR": "1"}, color=True)
    assert result.exit_code == 0
    assert "\x1b[1;31mZürich\x1b[0m" in result.stdout


def test_cli_limit_and_section():
    result = run("search", "croissant", "-c", "alpha", "-c", "beta", "-n", "1", "-f", "json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["croissant-launch"]
    result = run("search", "croissant", "-c", "alpha", "--section", "lessons", "-f", "json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["menu"]


def test_cli_searches_the_whole_library_by_default():
    result = run("search", "croissant", "-f", "json")
    assert result.exit_code == 0
    assert {r["case"] for r in json.loads(result.stdout)} == {"alpha", "beta"}


def test_cli_no_hits_is_exit_1_with_a_message_on_stderr():
    result = run("search", "zeppelin", "-c", "alpha")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no matches for zeppelin" in result.stderr


def test_cli_bad_section_and_empty_query_are_trouble():
    result = run("search", "x", "--section", "risk")
    assert result.exit_code == 2
    assert "did you mean `risks`" in result.stderr
    assert run("search", "--", "...").exit_code == 2


def test_case_text_is_never_markup(tmp_path):
    text = (FIXTURES / "beta.yaml").read_text().replace("title: Pastry deal with a bakery",
                                                        'title: "[bold]Pastry[/] deal \\e[31m"')
    path = tmp_path / "beta.yaml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["search", "pastry", "-c", str(path)], env=ENV)
    assert result.exit_code == 0, result.output
    assert "[bold]Pastry[/] deal ␛[31m" in result.stdout
