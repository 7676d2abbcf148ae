"""Ranked search: BM25F order, snippets and highlighting, phrases, accent folding, the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from casekit.cli.app import app
from casekit.loader import load_case
from casekit.model import SECTIONS
from casekit.search import (
    CASE_SECTION,
    K1,
    SEARCH_SECTIONS,
    TITLE_WEIGHT,
    B,
    Matcher,
    Snippet,
    document,
    fold,
    folded,
    make_snippet,
    parse_query,
    search,
    search_query,
    stem,
    stemming_to,
    tokenize,
)

FIXTURES = Path(__file__).parent / "fixtures" / "search"
LIBRARY = Path(__file__).parent / "fixtures" / "library"
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "CASEKIT_PATH": "", "CASEKIT_CASE": ""}


@pytest.fixture(scope="module")
def cases():
    return [load_case(FIXTURES / "alpha.yaml"), load_case(FIXTURES / "beta.yaml")]


CLI_ARGS = ["--cases-dir", FIXTURES]  # before every run's arguments (tests/conftest.py: run)


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
        "risk",
        "company",
        "box",
        "business",
        "bus",
        "data",
    ]
    assert [t.term for t in tokenize("Prices rise")] == ["price", "rise"]


def test_token_spans_point_into_the_original_text():
    text = "Ａｃｍｅ’s ﬁnal Café"  # fullwidth letters, a ligature, an accent
    assert [(t.term, text[t.start : t.end]) for t in tokenize(text)] == [
        ("acme", "Ａｃｍｅ"),
        ("s", "s"),
        ("final", "ﬁnal"),
        ("cafe", "Café"),
    ]


# --- snippets --------------------------------------------------------------------------


def test_snippet_comes_from_the_body_and_wraps_matches(cases):
    hit = search(cases, "croissant", sections=["risks"])[0]
    assert hit.snippet.field == "description"
    assert hit.snippet.marked() == "Every «croissant» needs butter, and a «croissant» cannot be made without it."
    assert hit.record() == {
        "case": "alpha",
        "section": "risks",
        "id": "butter-costs",
        "ref": "butter-costs",  # the REF `casekit show` takes
        "title": "Butter costs climb",
        "score": round(hit.score, 4),
        "snippet": hit.snippet.marked(),
    }


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


# --- the fast path agrees with the plain definitions ----------------------------------

FAST = settings(max_examples=150, deadline=None)
# Text made of words, plurals, gaps and the characters that fold oddly: accents written
# both ways, ligatures, fullwidth letters, ß, dotted İ, Cherokee (whose casefold is upper
# case), fractions, `_` (not a word character), our own list separator and a NUL.
_PIECES = [
    "data",
    "Data",
    "labeling",
    "risks",
    "risk",
    "companies",
    "company",
    "boxes",
    " ",
    "  ",
    "-",
    "_",
    "da",
    "ta",
    "e-",
    "commerce",
    "ecommerce",
    "\u2011",
    "gpt",
    "3",
    "\n",
    "·",
    " · ",
    "é",
    "e\u0301",
    "İ",
    "ß",
    "ﬁ",
    "Ａ",
    "½",
    "Ꭰ",
    "ꭰ",
    "’",
    "13.8B",
    "a",
    "b",
    "\x00",
]
TEXTS = st.one_of(st.text(max_size=40), st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))


@FAST
@given(TEXTS)
def test_folding_only_the_non_ascii_stretches_folds_as_folding_each_character(text):
    assert folded(text) == "".join(c.lower() if c.isascii() else fold(c) for c in text)


@FAST
@given(st.lists(TEXTS, min_size=1, max_size=3), st.integers(0, 3))
def test_the_index_counts_words_and_holds_terms_as_tokenize_finds_them(texts, titles):
    from casekit.search import BARRIER, Document, _field, document_row

    fields = [_field(f"f{k}", text, k < titles) for k, text in enumerate(texts)]
    title, body, *_, title_words, body_words = document_row(Document("c", "timeline", "x", "", 1, fields))
    for column, words, part in ((title, title_words, texts[:titles]), (body, body_words, texts[titles:])):
        assert words == sum(len(tokenize(t)) for t in part)
        # Each field's terms in order, a barrier between fields: no phrase runs from one into the next.
        assert (
            column.split()
            == f" {BARRIER} ".join(" ".join(t.term for t in tokenize(f)) for f in part if tokenize(f)).split()
        )


@FAST
@given(st.lists(st.one_of(TEXTS, st.sampled_from(["", "\0", "a\0b", "-", "§", "e-commerce 2019-08"])), max_size=4))
def test_a_column_read_as_one_text_is_the_column_of_its_fields_read_one_by_one(texts):
    from casekit.search import _column, _columns, _tokens

    fields = [_tokens(folded(t)) for t in texts]
    expected = (
        _column(terms for terms, _ in fields),
        _column(joined for _, joined in fields),
        sum(len(terms) for terms, _ in fields),
    )
    assert _columns([folded(t) for t in texts]) == expected


def _runs(text: str, unit: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the terms of `unit` follow each other as tokens of `text`, and, for one term, where
    tokens joined by single hyphens spell a word of it (`e-commerce` for `ecommerce`): the plain definition."""
    tokens, n = tokenize(text), len(unit)
    found = [
        (tokens[i].start, tokens[i + n - 1].end)
        for i in range(len(tokens) - n + 1)
        if all(tokens[i + k].term == unit[k] for k in range(n))
    ]
    if n == 1 and len(unit[0]) > 1:
        for i in range(len(tokens)):
            for j in range(i + 1, len(tokens)):
                if folded(text[tokens[j - 1].end : tokens[j].start]) not in ("-", "\u2010"):
                    break
                if stem("".join(folded(text[t.start : t.end]) for t in tokens[i : j + 1])) == unit[0]:
                    found.append((tokens[i].start, tokens[j].end))
    return sorted(found)


@FAST
@given(TEXTS, st.data())
def test_a_unit_matches_exactly_where_its_terms_follow_each_other(text, data):
    from casekit.search import _field

    terms = [t.term for t in tokenize(text)] or ["data"]
    start = data.draw(st.integers(0, len(terms) - 1))
    unit = tuple(terms[start : start + data.draw(st.integers(1, 3))])
    assert _field("title", text, True).spans(Matcher(unit)) == _runs(text, unit)


@FAST
@given(st.text(alphabet="abeisuxyzch1", min_size=1, max_size=8))
def test_a_term_is_matched_by_every_word_that_stems_to_it_and_no_other(word):
    assert word in stemming_to(stem(word))
    assert all(stem(w) == stem(word) for w in stemming_to(stem(word)))


def test_plural_forms_and_overlapping_phrases():
    assert stemming_to("risk") == ["risk", "risks"]
    assert "companies" in stemming_to("company")
    assert Matcher(("a", "b", "a")).count("a b a b a") == 2  # overlapping phrases all count
    assert Matcher(("risk",)).count("risks, risk; brisk risky") == 2


def _documents(case):
    """Every searchable document of `case`, one by one: the case itself, then each item of each section."""
    docs = [document(case, CASE_SECTION, case, 0)]
    for section in SECTIONS:
        docs += [document(case, section, item, len(docs)) for item in getattr(case, section)]
    return docs


def _plain_search(cases, query: str) -> list[tuple[str, str, float]]:
    """BM25F as defined, every field of every document matched one by one: what the index must equal."""
    q = parse_query(query)
    matchers = [Matcher(u) for u in q.units]
    docs = [d for case in cases for d in _documents(case)]
    length = {
        id(d): {title: sum(len(tokenize(f.text)) for f in d.fields if f.title is title) for title in (True, False)}
        for d in docs
    }
    avg = {title: (sum(length[id(d)][title] for d in docs) / len(docs)) or 1.0 for title in (True, False)}
    matched = [
        (d, {m.terms: {k: m.count(f.folded) for k, f in enumerate(d.fields) if m.count(f.folded)} for m in matchers})
        for d in docs
    ]
    matched = [(d, {u: ks for u, ks in per_unit.items() if ks}) for d, per_unit in matched]
    df = {u: sum(1 for _, per_unit in matched if u in per_unit) for u in q.units}
    hits = []
    for d, per_unit in matched:
        if not per_unit or not all(u in per_unit for u in q.required):
            continue
        norm = {title: 1 - B + B * length[id(d)][title] / avg[title] for title in (True, False)}
        score = 0.0
        for unit, per_field in per_unit.items():
            weighted = sum(
                (TITLE_WEIGHT if d.fields[k].title else 1.0) * n / norm[d.fields[k].title] for k, n in per_field.items()
            )
            score += math.log(1 + (len(docs) - df[unit] + 0.5) / (df[unit] + 0.5)) * weighted / (K1 + weighted)
        hits.append((-score, d.case, SEARCH_SECTIONS.index(d.section), d.order, d.id, d.section, score))
    return [h[-3:] for h in sorted(hits)]


def _with_nul(case):
    """`case` with a NUL in the title of its first event: a gap like any other, to search."""
    first = case.timeline[0]
    return msgspec.structs.replace(
        case, timeline=[msgspec.structs.replace(first, title=first.title.replace(" ", "\x00")), *case.timeline[1:]]
    )


@pytest.fixture(scope="module")
def every_case(cases):
    return [*cases, load_case(LIBRARY / "acme.yaml")]


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_the_index_ranks_as_bm25f_over_every_field(every_case, data):
    words = sorted(
        {t.term for case in every_case for d in _documents(case) for f in d.fields for t in tokenize(f.text)}
    )
    parts = data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=3))
    query = data.draw(st.sampled_from([" ".join(parts), f'"{" ".join(parts)}"']))
    cases = data.draw(st.sampled_from([every_case, [_with_nul(c) if c.timeline else c for c in every_case]]))
    expected = _plain_search(cases, query)
    got = [(h.id, h.section, h.score) for h in search(cases, query)]
    assert [g[2] for g in got] == pytest.approx([e[2] for e in expected])

    def ranked(hits):  # equal scores may come in either order: both are the same rank
        return sorted(hits, key=lambda h: (-round(h[2], 9), h[1], h[0]))

    assert [g[:2] for g in ranked(got)] == [e[:2] for e in ranked(expected)]


def test_a_phrase_never_runs_from_one_field_or_item_into_the_next(cases):
    # The event "Croissant launch": detail "The chain adds a pastry line.", category "product";
    # the next event is titled "Prices go up".
    assert search(cases, '"launch the chain"') == []
    assert search(cases, '"line product"') == []
    assert search(cases, '"launch prices"') == []
    assert search(cases, '"pastry line"')[0].id == "croissant-launch"


def test_a_nul_in_a_text_is_a_gap_like_a_space(cases):
    nul = [_with_nul(cases[0]), cases[1]]  # "First\x00café\x00opens\x00in\x00Zürich"
    assert [(h.id, h.score) for h in search(nul, '"cafe opens"')] == [
        (h.id, h.score) for h in search(cases, '"cafe opens"')
    ]
    assert [(h.id, h.score) for h in search(nul, "croissant")] == [(h.id, h.score) for h in search(cases, "croissant")]


# Events whose words repeat, overlap, are joined by hyphens, and stand in both title and body: the
# index counts each unit's occurrences from where its words are, as `Matcher.count` counts them.
_COUNTED = [
    ("Tick tock tick tock tick", "tick tock; tick, tock tick. Tick tock tick"),
    ("Data labeling", "data labeling data-labeling data labeling labeling data"),
    ("Pro-am pro-am", "pro-am-pro-am proam pro am pro-am-pro"),
    ("E-commerce", "e-commerce-driven ecommerce e commerce"),
    ("X-ray", "x ray x-ray xray x"),
    ("Pricing power", "pricing, pricing power. Power pricing"),
    ("Risks", "risk risks brisk risky"),
    ("Go go go", "go go; go"),
]
_COUNTED_QUERIES = [
    '"tick tock tick"',
    '"tick tock tick tock"',
    '"tick tick"',
    "tick tock",
    '"data labeling"',
    "data labeling",
    "datalabeling",
    "proam",
    '"pro am"',
    "proampro",
    "ecommerce",
    '"e commerce"',
    "commerce",
    "x",
    "xray",
    '"x ray"',
    "pricing",
    '"pricing power"',
    "pricing power",
    "risk",
    '"go go"',
    '"go go go"',
]


@pytest.fixture(scope="module")
def counted(cases):
    first = cases[0].timeline[0]
    events = [
        msgspec.structs.replace(first, id=f"counted{k}", title=title, detail=detail)
        for k, (title, detail) in enumerate(_COUNTED)
    ]
    return [msgspec.structs.replace(cases[0], timeline=[*events, *cases[0].timeline]), cases[1]]


@pytest.mark.parametrize("query", _COUNTED_QUERIES)
def test_repeated_overlapping_and_joined_words_are_counted_as_the_matcher_counts_them(counted, query):
    expected = _plain_search(counted, query)
    got = [(h.id, h.section, h.score) for h in search(counted, query)]
    assert expected and any(e[0].startswith("counted") for e in expected)
    assert [g[2] for g in got] == pytest.approx([e[2] for e in expected], rel=1e-12)

    def ranked(hits):
        return sorted(hits, key=lambda h: (-round(h[2], 9), h[1], h[0]))

    assert [g[:2] for g in ranked(got)] == [e[:2] for e in ranked(expected)]


def test_equal_scores_are_ordered_by_label_whatever_order_the_cases_come_in(cases):
    twins = [cases[0], cases[0]]  # every item found twice, with equal scores
    straight = search(twins, "croissant price", labels=["alpha", "zulu"])
    swapped = search(twins, "croissant price", labels=["zulu", "alpha"])
    assert [(h.case, h.id) for h in straight[:2]] == [("alpha", straight[0].id), ("zulu", straight[0].id)]
    assert [(h.case, h.id, h.score) for h in swapped] == [(h.case, h.id, h.score) for h in straight]


# --- the command -----------------------------------------------------------------------


def test_cli_json_has_the_record_keys_best_first(run):
    result = run("search", "croissant", "-c", "alpha", "-c", "beta", "-f", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["id"] for r in records] == ["croissant-launch", "butter-costs", "menu", "pastry-deal"]
    assert list(records[0]) == ["case", "section", "id", "ref", "title", "score", "snippet"]
    assert records[3]["case"] == "beta"
    assert "«croissant»" in records[3]["snippet"]


def test_cli_table_shows_where_each_hit_is_and_its_snippet(run):
    result = run("search", "butter", "-c", "alpha")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["where", "match"]
    assert lines[2].split() == ["risks", "Butter", "costs", "climb"]
    assert lines[3].split()[0] == "butter-costs"
    assert "Every croissant needs butter" in lines[3]
    assert "«" not in result.stdout  # the table highlights with a style, not with marks


def test_cli_names_the_case_when_several_cases_are_searched(run):
    result = run("search", "croissant", "-c", "alpha", "-c", "beta")
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[2:5]] == ["alpha", "timeline", "croissant-launch"]
    single = run("search", "croissant", "-c", "alpha").stdout.splitlines()
    assert [line.split()[0] for line in single[2:4]] == ["timeline", "croissant-launch"]


def test_cli_highlights_matches_in_colour():
    result = CliRunner().invoke(
        app,
        ["--cases-dir", str(FIXTURES), "search", "zurich", "-c", "alpha"],
        env={**ENV, "NO_COLOR": "", "FORCE_COLOR": "1"},
        color=True,
    )
    assert result.exit_code == 0
    assert "\x1b[1;31mZürich\x1b[0m" in result.stdout


def test_cli_limit_and_section(run):
    result = run("search", "croissant", "-c", "alpha", "-c", "beta", "-n", "1", "-f", "json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["croissant-launch"]
    result = run("search", "croissant", "-c", "alpha", "--section", "lessons", "-f", "json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["menu"]


def test_cli_searches_the_whole_library_by_default(run):
    result = run("search", "croissant", "-f", "json")
    assert result.exit_code == 0
    assert {r["case"] for r in json.loads(result.stdout)} == {"alpha", "beta"}


def test_cli_no_hits_is_exit_1_with_a_message_on_stderr(run):
    result = run("search", "zeppelin", "-c", "alpha")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no matches for zeppelin" in result.stderr


def test_cli_bad_section_and_empty_query_are_trouble(run):
    result = run("search", "x", "--section", "risk")
    assert result.exit_code == 2
    assert "did you mean `risks`" in result.stderr
    assert run("search", "--", "...").exit_code == 2


def test_case_text_is_never_markup(tmp_path):
    text = (
        (FIXTURES / "beta.yaml")
        .read_text()
        .replace("title: Pastry deal with a bakery", 'title: "[bold]Pastry[/] deal \\e[31m"')
    )
    path = tmp_path / "beta.yaml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["search", "pastry", "-c", str(path)], env=ENV)
    assert result.exit_code == 0, result.output
    assert "[bold]Pastry[/] deal ␛[31m" in result.stdout


@pytest.mark.parametrize("columns", [30, 40, 60, 80])
def test_cli_table_wraps_at_any_width_and_never_loses_text(columns):
    from casekit.search import search as run_search

    result = CliRunner().invoke(
        app,
        ["--cases-dir", str(FIXTURES), "search", "croissant", "-c", "alpha", "-c", "beta"],
        env={**ENV, "COLUMNS": str(columns)},
    )
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert all(len(line) <= columns and line == line.rstrip() for line in out)
    column = out[0].index("match")  # read the match column down, apart from where the hits are
    shown = " ".join(" ".join(line[column:] for line in out).split())
    from casekit.loader import load_case

    hits = run_search([load_case(FIXTURES / "alpha.yaml"), load_case(FIXTURES / "beta.yaml")], "croissant")
    for hit in hits:
        assert hit.id in {w for line in out for w in line.split()}  # ids whole
        assert " ".join(hit.title.split()) in shown
        assert " ".join(hit.snippet.text.split()) in shown


def test_cli_table_puts_where_above_the_title_on_a_narrow_terminal():
    result = CliRunner().invoke(
        app, ["--cases-dir", str(FIXTURES), "search", "butter", "-c", "alpha"], env={**ENV, "COLUMNS": "30"}
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "match"
    assert lines[2:4] == ["risks · butter-costs", "Butter costs climb"]


def test_cli_snippets_stop_at_a_reading_width_on_a_wide_terminal(tmp_path):
    text = (
        (FIXTURES / "beta.yaml")
        .read_text()
        .replace("title: Pastry deal with a bakery", "title: Pastry deal with a bakery " + "and more words " * 12)
    )
    (tmp_path / "beta.yaml").write_text(text)
    result = CliRunner().invoke(
        app, ["search", "pastry", "-c", str(tmp_path / "beta.yaml")], env={**ENV, "COLUMNS": "300"}
    )
    lines = result.stdout.splitlines()
    column = lines[0].index("match")
    assert max(len(line) for line in lines[2:]) - column <= 100


# --- hyphenated words and ids ------------------------------------------------------------


def test_a_hyphenated_word_is_found_written_as_one(cases):
    first = cases[0].timeline[0]
    renamed = msgspec.structs.replace(
        cases[0],
        timeline=[
            msgspec.structs.replace(first, title="E-commerce push after GPT-3-based menus"),
            *cases[0].timeline[1:],
        ],
    )
    for query, written in (
        ("ecommerce", "E-commerce"),
        ("gpt3", "GPT-3"),
        ("e-commerce", "E-commerce"),
        ("ecommerces", "E-commerce"),
    ):
        hit = search([renamed], query)[0]
        assert hit.id == "opening", query
        assert [hit.title[s:e] for s, e in hit.title_spans] == [written], query
    assert search([renamed], "commerce")[0].id == "opening"  # each part is still a word of its own
    assert search([renamed], "pushafter") == []  # words apart are not one


def test_an_items_own_id_is_searched_by_its_parts(cases):
    # "price-freeze" says "freeze" only in its id; ids of other items (sources: [memo]) are not searched.
    hit = search(cases, "freeze")[0]
    assert (hit.id, hit.snippet.field, hit.snippet.marked()) == ("price-freeze", "id", "price-«freeze»")
    assert [h.id for h in search(cases, "pricefreeze")] == ["price-freeze"]
    assert ids(search(cases, "memo")) == [("alpha", "sources", "memo")]


# --- the library ----------------------------------------------------------------------------


def test_cli_a_case_named_twice_is_searched_once(run):
    once = json.loads(run("search", "croissant", "-c", "alpha", "-c", "beta", "-f", "json").stdout)
    twice = json.loads(
        run(
            "search",
            "croissant",
            "-c",
            "alpha",
            "-c",
            "beta",
            "-c",
            "alpha",
            "-c",
            str(FIXTURES / "alpha.yaml"),
            "-f",
            "json",
        ).stdout
    )
    assert twice == once  # the same hits, and the same scores: BM25's statistics count each case once


def test_cli_two_versions_of_a_case_are_told_apart_by_their_files(tmp_path):
    for name in ("alpha_v1", "alpha_v2"):
        (tmp_path / f"{name}.yaml").write_text((FIXTURES / "alpha.yaml").read_text())
    result = CliRunner().invoke(app, ["--cases-dir", str(tmp_path), "search", "croissant", "-f", "json"], env=ENV)
    assert result.exit_code == 0, result.output
    hits = [(r["case"], r["id"]) for r in json.loads(result.stdout)]
    assert ("alpha_v1", "croissant-launch") in hits and ("alpha_v2", "croissant-launch") in hits
    assert len(hits) == len(set(hits))
    table = CliRunner().invoke(app, ["--cases-dir", str(tmp_path), "search", "croissant", "-n", "2"], env=ENV)
    assert "alpha_v1" in table.stdout and "alpha_v2" in table.stdout


def test_cli_no_hits_in_a_machine_format_is_still_well_formed(run):
    result = run("search", "zeppelin", "-c", "alpha", "-f", "json")
    assert result.exit_code == 1 and json.loads(result.stdout) == []
    result = run("search", "zeppelin", "-c", "alpha", "-f", "csv")
    assert result.exit_code == 1 and result.stdout == "case,section,id,ref,title,score,snippet\n"


def test_a_search_query_needs_words_and_known_sections():
    from casekit.errors import UsageError

    assert search_query('"data engine" risk', ["risks"]).required == {("data", "engine")}
    with pytest.raises(UsageError, match="no words to search for"):
        search_query(' "" ')
    with pytest.raises(UsageError) as info:
        search_query("data", ["risk"])
    assert (info.value.message, info.value.hint) == ("section: no section `risk`", "did you mean `risks`?")
    assert (info.value.field, info.value.value) == ("section", "risk")
    assert "risks" in info.value.known
    assert info.value.named({"section": "--section"}).message == "--section: no section `risk`"


# --- a snippet for every match ---------------------------------------------------------

COMPANY = FIXTURES / "company" / "societe.yaml"


def test_a_match_on_the_company_shows_the_company_as_the_snippet():
    # The company is not part of the title a hit shows: the snippet shows it, marked.
    (hit,) = search([load_case(COMPANY)], "societe")
    assert (hit.section, hit.id, hit.title) == ("case", "maison", "Bakeries at scale")
    assert not hit.snippet.in_title and hit.title_spans == ()
    assert hit.snippet.marked() == "«Société» Générale des Croissants"
    # With the title matched too, the company still shows what else matched.
    (hit,) = search([load_case(COMPANY)], "societe bakeries")
    assert hit.title_spans == ((0, 8),) and hit.snippet.marked() == "«Société» Générale des Croissants"


def test_cli_shows_the_matched_company_highlighted():
    result = CliRunner().invoke(app, ["search", "societe", "-c", str(COMPANY)], env=ENV)
    assert result.exit_code == 0, result.output
    assert "Société Générale des Croissants" in result.stdout
    coloured = CliRunner().invoke(
        app, ["search", "societe", "-c", str(COMPANY)], env={**ENV, "NO_COLOR": "", "FORCE_COLOR": "1"}, color=True
    )
    assert "\x1b[1;31mSociété\x1b[0m" in coloured.stdout


@pytest.mark.parametrize("path", [FIXTURES / "alpha.yaml", FIXTURES / "beta.yaml", COMPANY])
def test_every_hit_shows_what_it_was_found_by(path):
    # For each field of each item, a word of it: the item's hit marks that word in its
    # title as shown or in a snippet shown under it, never in neither.
    from casekit.search import _STOP_WORDS, _sections, document, tokenize

    case = load_case(path)
    checked = 0
    for section, items, first in _sections(case, ()):
        for i, item in enumerate(items):
            doc = document(case, section, item, first + i)
            for f in doc.fields:
                words = [t for t in tokenize(f.text) if len(t.term) > 3 and t.term not in _STOP_WORDS]
                if not words:
                    continue
                word = f.text[words[0].start : words[0].end]
                hit = next(h for h in search([case], word, sections=[section]) if h.id == doc.id)
                assert hit.title_spans or (not hit.snippet.in_title and hit.snippet.spans), (section, f.name, word)
                checked += 1
    assert checked > 10
