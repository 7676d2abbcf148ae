"""The loader: every problem reported with its position, nothing ever run or lost."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from casekit.errors import CaseNotFound, InvalidCase, UsageError
from casekit.loader import (
    check_bytes,
    check_file,
    check_stream,
    load_case,
    max_case_bytes,
    read_bytes,
    read_stream,
)

FIXTURES = Path(__file__).parent / "fixtures"
BAD = FIXTURES / "bad"
ACME = FIXTURES / "library" / "acme.yaml"


def codes(path: Path) -> list[tuple[int | None, int | None, str, str]]:
    _, problems = check_file(path)
    return [(p.line, p.column, p.severity, p.code) for p in problems]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("duplicate-key", [(5, 1, "error", "duplicate-key")]),
        ("unknown-key", [(23, 5, "error", "unknown-key")]),
        ("python-tag", [(3, 10, "error", "unsafe-tag")]),
        ("several-documents", [(28, 1, "error", "yaml-syntax")]),
        ("tab-indent", [(12, 1, "error", "yaml-syntax")]),
        ("impossible-date", [(9, 25, "error", "bad-date")]),
        ("bad-value", [(16, 29, "error", "bad-value")]),
        ("too-large-number", [(16, 29, "error", "bad-value")]),
        ("missing-key", [(18, 5, "error", "missing-key")]),
        ("wrong-type", [(19, 8, "error", "wrong-type")]),
        ("list-top-level", [(1, 1, "error", "not-a-mapping")]),
        ("empty", [(1, 1, "error", "empty")]),
        (
            "tagged-number-text",
            [(17, 29, "error", "bad-value"), (18, 29, "error", "bad-value"), (21, 8, "error", "wrong-type")],
        ),
        (
            "yaml11-numbers",
            [
                (17, 29, "error", "bad-value"),
                (18, 29, "error", "bad-value"),
                (19, 29, "error", "bad-value"),
                (22, 8, "error", "wrong-type"),
            ],
        ),
        (
            "every-problem-at-once",
            [
                (11, 25, "error", "bad-date"),
                (12, 5, "warning", "unsourced"),
                (13, 10, "error", "duplicate-id"),
                (28, 31, "error", "dangling-reference"),
            ],
        ),
        ("tag-not-slug", [(9, 54, "error", "bad-tag")]),
        ("bad-id", [(9, 9, "error", "bad-id")]),
        ("unclosed-quote", [(3, 10, "error", "yaml-syntax")]),
        ("key-tag", [(3, 1, "error", "unsafe-tag")]),
        ("empty-value", [(3, 10, "error", "empty-value"), (4, 7, "error", "empty-value")]),
        ("over-indented-key", [(5, 10, "error", "yaml-syntax")]),
        ("line-separator", [(25, 5, "error", "unknown-key")]),
    ],
)
def test_each_bad_fixture_reports_its_problem_at_its_position(name, expected):
    assert codes(BAD / f"{name}.yaml") == expected


def test_unknown_key_suggests_the_key_meant():
    _, problems = check_file(BAD / "unknown-key.yaml")
    unknown = next(p for p in problems if p.code == "unknown-key")
    assert unknown.message == "unknown key `tradoff`"
    assert unknown.hint == "did you mean `tradeoff`?"
    assert unknown.source_line == "    tradoff: Fragility."


def test_duplicate_key_names_the_first_occurrence():
    _, problems = check_file(BAD / "duplicate-key.yaml")
    assert "first on line 4" in problems[0].message


def test_python_tag_is_refused_and_never_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case, problems = check_file(BAD / "python-tag.yaml")
    assert case is None
    assert "!!python/object/apply:os.system" in problems[0].message
    assert not (tmp_path / "pwned.txt").exists()


def test_warnings_alone_still_give_a_case():
    case, problems = check_file(BAD / "unsourced-warning.yaml")
    assert case is not None and case.id == "unsourced-warning"
    assert [p.severity for p in problems] == ["warning"]


def test_load_case_raises_with_every_problem():
    with pytest.raises(InvalidCase) as info:
        load_case(BAD / "every-problem-at-once.yaml")
    assert len(info.value.problems) == 4
    assert info.value.message.endswith("every-problem-at-once.yaml:11:25: " + info.value.problems[0].message)
    assert info.value.hint.startswith("2 more problems: casekit validate ")


def test_a_misspelt_required_key_is_one_problem_led_by_the_key_as_written():
    with pytest.raises(InvalidCase) as info:
        load_case(BAD / "unknown-key.yaml")
    [problem] = info.value.problems
    assert info.value.message.endswith("unknown-key.yaml:23:5: unknown key `tradoff`")
    assert info.value.hint.startswith("did you mean `tradeoff`?; casekit validate ")


def test_an_unknown_key_names_the_missing_key_it_likely_meant_and_only_that():
    text = (
        (BAD / "unknown-key.yaml")
        .read_text()
        .replace("tradoff:", "tradeoff:")
        .replace("{id: press, title: Press, kind: article}", "{id: press, title_: Press, kind: article, file: p.pdf}")
    )
    _, [problem] = check_bytes(text.encode(), "x.yaml", stem="unknown-key")
    assert (problem.line, problem.code, problem.message) == (7, "unknown-key", "unknown key `title_`")
    assert problem.hint == "did you mean `title`?"  # not `file`, which is there already
    text = text.replace(", file: p.pdf", "").replace("title_:", "title:").replace("kind:", "kindd:")
    _, [problem] = check_bytes(text.encode(), "x.yaml", stem="unknown-key")
    assert (problem.code, problem.hint) == ("unknown-key", "did you mean `kind`?")


def test_a_missing_key_and_an_unrelated_unknown_key_are_both_reported_in_file_order():
    text = (BAD / "unknown-key.yaml").read_text().replace("tradoff:", "xyz:")
    _, problems = check_bytes(text.encode(), "x.yaml", stem="unknown-key")
    assert [(p.line, p.code) for p in problems] == [(18, "missing-key"), (23, "unknown-key")]
    assert problems[0].message == "missing required key `tradeoff` in principle `focus`"
    assert problems[1].hint.startswith("allowed: id, sources")


def test_a_misspelt_top_level_key_is_one_problem_and_the_rest_is_still_checked():
    text = (
        (BAD / "unknown-key.yaml")
        .read_text()
        .replace("tradoff:", "tradeoff:")
        .replace("company: Acme", "compnay: Acme")
        .replace("sources: [press]}", "sources: [pres]}")
    )
    _, problems = check_bytes(text.encode(), "x.yaml", stem="unknown-key")
    assert [(p.line, p.code) for p in problems] == [
        (3, "unknown-key"),
        (9, "dangling-reference"),
        (27, "dangling-reference"),
    ]
    assert problems[0].hint == "did you mean `company`?"


def test_missing_file_and_directory_are_clear(tmp_path):
    with pytest.raises(CaseNotFound, match="no such file"):
        check_file(tmp_path / "nope.yaml")
    with pytest.raises(CaseNotFound, match="is a directory"):
        check_file(tmp_path)


def test_alias_bomb_fails_fast_without_expanding():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    text = "casekit: 1\ntags: *a9\n" + "\n".join(lines) + "\n"
    case, problems = check_bytes(text.encode(), "bomb.yaml")
    assert case is None and problems
    # Nine lists reported as wrong-typed tags, not 9**10 expanded strings.
    assert sum(len(p.message) for p in problems) < 10_000


def test_alias_revisits_are_bounded_by_what_they_expand_to(monkeypatch):
    monkeypatch.setenv("CASEKIT_MAX_CASE_MB", str(2_000 / 2**20))  # 2,000 bytes
    event = "{id: e, date: 2020, title: T}"
    text = f"casekit: 1\nx: &e {event}\ntimeline: [" + ", ".join(["*e"] * 200) + "]\n"
    _, problems = check_bytes(text.encode(), "aliases.yaml")
    assert [p.code for p in problems if p.code == "alias-bomb"] == ["alias-bomb"]


def test_alias_revisits_are_reported_at_the_alias_that_goes_too_far(monkeypatch):
    import casekit.loader as loader

    event = "{id: e, date: 2020, title: T}"  # four nodes each time it is reached again
    text = f"casekit: 1\nx: &e {event}\ntimeline:\n" + "  - *e\n" * 200
    # What each *e reaches again: the mapping and its three values, and the values' text.
    per_alias = 4 * loader._NODE_CHARS + len("e2020T")
    budget = len(text) + 13 * per_alias + 1  # room for 13 events reached again, not 14
    monkeypatch.setenv("CASEKIT_MAX_CASE_MB", str(budget / 2**20))
    _, problems = check_bytes(text.encode(), "aliases.yaml")
    [bomb] = [p for p in problems if p.code == "alias-bomb"]
    # x is an unknown key, so its value is first built through the first *e; the 15th *e is
    # the 14th time the event is reached again.
    assert (bomb.line, bomb.column, bomb.source_line) == (3 + 15, 5, "  - *e")


def test_thousands_of_aliases_of_a_short_list_are_a_benign_file():
    head = "casekit: 1\nid: x\ncompany: X\ntitle: T\nas_of: 2024\nsources: [{id: s, title: S, kind: other}]\n"
    events = "".join(f"  - {{id: e{i}, date: 2020, title: t, category: other, sources: *l}}\n" for i in range(6_000))
    text = head + "metrics: []\nprinciples: []\nrisks: []\nx: &l [s]\ntimeline:\n" + events
    _, problems = check_bytes(text.encode(), "x.yaml", stem="x")
    assert "alias-bomb" not in {p.code for p in problems}


def _long_text_aliased(length: int, aliases: int) -> str:
    events = "".join(f"  - {{id: e{i}, date: 2020, title: *big, sources: [s]}}\n" for i in range(aliases))
    return (
        "casekit: 1\nid: x\ncompany: X\ntitle: &big " + "A" * length + "\nas_of: 2024\n"
        "sources: [{id: s, title: S, kind: other}]\nmetrics: []\nprinciples: []\nrisks: []\n"
        "timeline:\n" + events
    )


def test_aliases_of_a_long_text_are_bounded_by_the_size_they_expand_to():
    # 1 MB behind each of 2,000 aliases: 2 GB of text, from a file of 1 MB.
    text = _long_text_aliased(1_000_000, 2_000)
    case, problems = check_bytes(text.encode(), "x.yaml", stem="x")
    assert case is None
    [bomb] = problems
    # Past 16 MB with the file's own 1 MB: at the 16th alias, event e15, line 10 + 16.
    assert (bomb.code, bomb.line, bomb.column) == ("alias-bomb", 26, 34)
    assert bomb.source_line.startswith("  - {id: e15, ") and bomb.source_line[33:37] == "*big"
    assert "16 MB" in bomb.message and "CASEKIT_MAX_CASE_MB" in bomb.hint


def test_aliases_may_expand_a_case_up_to_the_size_limit(monkeypatch):
    text = _long_text_aliased(10_000, 60)  # 610 KB expanded
    case, problems = check_bytes(text.encode(), "x.yaml", stem="x")
    assert problems == [] and case.timeline[59].title == "A" * 10_000
    monkeypatch.setenv("CASEKIT_MAX_CASE_MB", "0.5")
    case, [bomb] = check_bytes(text.encode(), "x.yaml", stem="x")
    assert case is None and bomb.code == "alias-bomb" and "512 KB" in bomb.message
    assert bomb.line == 10 + 52  # 52 * 10,000 characters, and the file's own 10 KB, pass 512 KB


def test_an_alias_inside_an_anchor_is_reported_where_the_outer_alias_is(monkeypatch):
    text = (
        "casekit: 1\nsummary: &t T\nx: &e {id: e, date: 2020, title: *t, tags: [a, b]}\n"
        "y: [*e]\ntimeline:\n" + "  - *e\n" * 10
    )
    monkeypatch.setenv("CASEKIT_MAX_CASE_MB", str((len(text) + 200) / 2**20))
    _, problems = check_bytes(text.encode(), "aliases.yaml")
    [bomb] = [p for p in problems if p.code == "alias-bomb"]
    # Whatever node passes the bound, the problem stands at an *e the file wrote in timeline.
    assert bomb.source_line == "  - *e" and bomb.column == 5 and bomb.line > 5


def test_deep_nesting_is_an_error_not_a_recursion_error():
    text = "casekit: " + "[" * 20000 + "]" * 20000 + "\n"
    case, problems = check_bytes(text.encode(), "deep.yaml")
    assert case is None
    assert problems[0].code == "yaml-syntax" and "depth" in problems[0].message


def test_binary_garbage_and_latin1_are_encoding_errors():
    _, problems = check_bytes(bytes(range(256)) * 4, "garbage.yaml")
    assert problems[0].code == "encoding"
    _, problems = check_bytes("company: Caf\u00e9\n".encode("latin-1"), "latin1.yaml")
    assert (problems[0].line, problems[0].column, problems[0].code) == (1, 13, "encoding")


def test_bom_and_crlf_are_fine():
    data = (FIXTURES / "library" / "acme.yaml").read_bytes()
    crlf = b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")
    case, problems = check_bytes(crlf, "acme.yaml", stem="acme")
    assert case is not None and problems == []
    assert case.timeline[2].date.text == "late 2018"


def test_dates_and_values_keep_the_text_as_written():
    case = load_case(FIXTURES / "library" / "acme.yaml")
    assert [e.date.text for e in case.timeline] == ["2015", "2016-03", "late 2018", "2020-Q2", "~2022"]
    assert [o.value.text for o in case.metrics[0].observations] == ["$10M", "$25M", "~$60M"]
    assert case.flywheel[0].from_ == "robots"


def test_oversized_file_is_refused_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEKIT_MAX_CASE_MB", "0.001")  # 1,048 bytes
    big = tmp_path / "big.yaml"
    big.write_text("x" * 2000)
    with pytest.raises(CaseNotFound, match="larger than"):
        check_file(big)


def test_large_valid_case_loads(tmp_path):
    events = "".join(
        f"  - {{id: e{i}, date: 2020-{i % 12 + 1:02d}, title: Event {i}, sources: [s]}}\n" for i in range(20_000)
    )
    text = (
        "casekit: 1\nid: big\ncompany: Big\ntitle: Big\nas_of: 2024\n"
        "sources: [{id: s, title: S, kind: other}]\nmetrics: []\nprinciples: []\nrisks: []\n"
        "timeline:\n" + events
    )
    case, problems = check_bytes(text.encode(), "big.yaml", stem="big")
    assert case is not None and len(case.timeline) == 20_000
    assert problems == []


def test_a_nul_byte_is_positioned():
    _, problems = check_bytes(b'casekit: 1\ncompany: "A\x00B"\n', "nul.yaml")
    assert [(p.line, p.column, p.code) for p in problems] == [(2, 12, "bad-character")]
    assert "U+0000" in problems[0].message and "\n" not in problems[0].message


def test_whole_numbers_are_bounded_and_named():
    text = (BAD / "wrong-type.yaml").read_text().replace("    n: first", "    n: 99999999999999999999999")
    _, problems = check_bytes(text.encode(), "big.yaml")
    assert [(p.code, p.message) for p in problems] == [
        ("out-of-range", "`n`: 99999999999999999999999 is out of range; expected 1 to 1,000,000")
    ]


def test_type_errors_name_their_key():
    _, problems = check_file(BAD / "wrong-type.yaml")
    assert problems[0].message == "`n`: expected a whole number, got `first`"


# --- numbers as written ------------------------------------------------------------------------


def test_number_tags_on_text_are_positioned_problems_not_crashes():
    with pytest.raises(InvalidCase) as info:
        load_case(BAD / "tagged-number-text.yaml")
    messages = [p.message for p in info.value.problems]
    assert messages == [
        "`value`: cannot read 'abc' as a value: there is no number in it",
        "`value`: `12x` is tagged `!!int` but is not a plain number",
        "`n`: expected a whole number, got `one`",
    ]


def test_a_tagged_format_version_is_a_problem():
    text = (BAD / "bad-value.yaml").read_text().replace("casekit: 1", 'casekit: !!int "one"')
    _, problems = check_bytes(text.encode(), "v.yaml")
    assert [(p.line, p.column, p.code) for p in problems][0] == (1, 10, "wrong-type")


def test_integers_of_thousands_of_digits_are_out_of_range_not_a_crash():
    digits = "1" + "0" * 5000
    text = (BAD / "bad-value.yaml").read_text().replace("value: lots", f"value: {digits}")
    text = text.replace("    n: 1", f"    n: {digits}")
    _, problems = check_bytes(text.encode(), "huge.yaml")
    assert [(p.line, p.code) for p in problems] == [(16, "bad-value"), (19, "out-of-range")]
    assert all(len(p.message) < 200 for p in problems)


def test_yaml11_number_forms_are_refused_with_the_values_own_message():
    _, problems = check_file(BAD / "yaml11-numbers.yaml")
    assert problems[0].message == "`value`: cannot read '3:1' as a value: unexpected ':1'"
    assert "base-60" in problems[0].hint
    assert problems[-1].message == "`n`: expected a whole number, got `1:30`"


def test_numbers_keep_the_text_as_written_and_are_read_in_decimal():
    case = load_case(FIXTURES / "loader" / "numbers-as-written.yaml")
    assert [(o.value.text, o.value.low) for o in case.metrics[0].observations] == [
        ("010", 10.0),
        ("1.38e+10", 1.38e10),
        ("13800000000", 1.38e10),
        ("+2.5", 2.5),
    ]
    assert case.principles[0].n == 7


# --- every problem at once ----------------------------------------------------------------------


def test_tags_are_slugs_and_the_hint_shows_the_slug():
    _, [problem] = check_file(BAD / "tag-not-slug.yaml")
    assert problem.message == "tag `Big Tag` is not a slug"
    assert problem.hint == "write it as `big-tag`"


def test_each_problem_through_aliases_is_reported_once():
    text = (
        (BAD / "bad-value.yaml")
        .read_text()
        .replace(
            "  - {id: founded, date: 2015, title: Founded, sources: [press]}",
            "  - {id: founded, date: 2015, title: &t {a: 1}, sources: [press]}\n"
            "  - {id: seed, date: 2016, title: *t, sources: [press]}\n"
            "  - {id: ipo, date: 2017, title: *t, sources: [press]}",
        )
    )
    _, problems = check_bytes(text.encode(), "x.yaml", stem="bad-value")
    assert [(p.line, p.column, p.code) for p in problems] == [(9, 38, "wrong-type"), (18, 29, "bad-value")]


def test_tags_on_keys_are_refused_and_the_key_is_not_also_missing():
    _, [problem] = check_file(BAD / "key-tag.yaml")
    assert problem.message == "tag `!!python/name:os.system` is not allowed in a case file"


# --- dates --------------------------------------------------------------------------------------


def test_yaml_timestamps_keep_their_day_and_the_text_as_written():
    case = load_case(FIXTURES / "loader" / "yaml-timestamps.yaml")
    days = [(e.date.text, e.date.start.isoformat(), e.date.precision) for e in case.timeline]
    assert days == [
        ("2015-03-02", "2015-03-02", "day"),
        ("2022-11-30 10:00:00", "2022-11-30", "day"),
        ("2022-11-30T23:30:00-05:00", "2022-11-30", "day"),  # the day where it was written
        ("2023-02-01t09:15:00.5Z", "2023-02-01", "day"),
    ]


def test_a_timestamp_tag_on_other_text_is_a_bad_date():
    text = (BAD / "bad-value.yaml").read_text().replace("as_of: 2024", 'as_of: !!timestamp "garbage"')
    _, problems = check_bytes(text.encode(), "x.yaml", stem="bad-value")
    assert (problems[0].line, problems[0].code) == (5, "bad-date")


# --- positions, carets and hints ------------------------------------------------------------------


def test_a_bad_id_points_at_the_value():
    _, [problem] = check_file(BAD / "bad-id.yaml")
    assert problem.source_line[problem.column - 1 :] == "T1"
    assert problem.hint == "write it as `t1`"


def test_an_unclosed_quote_points_where_it_opens_and_says_where_it_ran_out():
    _, [problem] = check_file(BAD / "unclosed-quote.yaml")
    assert problem.source_line == 'company: "Acme' and problem.source_line[problem.column - 1] == '"'
    assert problem.message == "YAML syntax: the quote here is never closed; it runs to the end of the file (line 5)"


def test_an_unclosed_bracket_points_where_it_opens():
    _, [problem] = check_bytes(b"casekit: 1\ntags: [a, b\n", "x.yaml")
    assert (problem.line, problem.column) == (2, 7)
    assert "the `[` here is never closed" in problem.message


def test_an_encoding_error_shows_the_line_and_counts_characters():
    _, [problem] = check_bytes("casekit: 1\ncompany: 日本 Caf".encode() + b"\xe9\n", "x.yaml")
    assert (problem.line, problem.column) == (2, 16)
    assert problem.source_line == "company: 日本 Caf\ufffd"


def test_utf16_is_named():
    _, [problem] = check_bytes("casekit: 1\n".encode("utf-16"), "x.yaml")
    assert problem.code == "encoding" and "UTF-16" in problem.hint


def test_lines_are_counted_as_editors_count_them():
    # U+2028 and U+0085 are line breaks to YAML 1.1 and str.splitlines(), not to editors.
    _, problems = check_file(BAD / "line-separator.yaml")
    text = (BAD / "line-separator.yaml").read_text()
    editor_line = next(n for n, line in enumerate(re.split(r"\r\n|\r|\n", text), 1) if "tradeof" in line)
    unknown = next(p for p in problems if p.code == "unknown-key")
    assert unknown.line == editor_line and unknown.source_line == "    tradeof: Fragility."


def test_a_line_separator_in_a_comment_is_named_in_the_hint():
    _, [problem] = check_bytes("casekit: 1\nas_of: 2024  # the latest\u2028date\nid: x\n".encode(), "x.yaml")
    assert problem.code == "yaml-syntax" and "line 2 holds a line separator" in problem.hint


def test_control_characters_in_an_id_are_shown_as_escapes():
    text = (BAD / "bad-value.yaml").read_text().replace("{id: founded,", '{id: "found\\ned\\e[31m",')
    _, problems = check_bytes(text.encode(), "x.yaml", stem="bad-value")
    bad = next(p for p in problems if p.code == "bad-id")
    assert bad.message == "id `found\\ned\\x1b[31m` is not a slug"


@pytest.mark.parametrize(
    ("text", "line", "hint"),
    [
        ("casekit: 1\nid: x\n\tcompany: y\n", 3, "YAML indents with spaces, not tabs"),
        ("casekit: 1\nsources:\n\t- a\n", 3, "YAML indents with spaces, not tabs"),
        ("casekit: 1\ntitle: Scale: the story\n", 2, "a value containing ': ' needs quotes"),
        (
            "casekit: 1\ntitle: t\n  company: y\n",
            3,
            "this line is indented more than the one above, so YAML reads it as part of that value",
        ),
    ],
)
def test_syntax_errors_get_the_hint_that_fits(text, line, hint):
    _, [problem] = check_bytes(text.encode(), "x.yaml")
    assert (problem.line, problem.hint) == (line, hint)


def test_empty_values_are_called_empty():
    _, problems = check_file(BAD / "empty-value.yaml")
    assert [(p.message, p.hint) for p in problems] == [
        ("`company`: the value is empty; expected text", None),
        ("`title`: the value is empty; expected text", None),
    ]


# --- reading files -------------------------------------------------------------------------------


def test_a_device_is_read_only_up_to_the_limit(monkeypatch):
    monkeypatch.setenv("CASEKIT_MAX_CASE_MB", "0.01")
    with pytest.raises(CaseNotFound, match=r"goes on past the 10\.2 KB"):
        read_bytes("/dev/zero")


def test_a_stream_is_read_only_up_to_the_limit(monkeypatch):
    monkeypatch.setenv("CASEKIT_MAX_CASE_MB", "0.01")

    class Endless(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = b"x" * len(buffer)
            return len(buffer)

    with pytest.raises(CaseNotFound, match="<stdin>: it goes on past"):
        read_stream(io.BufferedReader(Endless()), "<stdin>")
    assert read_stream(io.BytesIO(b"casekit: 1\n")) == b"casekit: 1\n"


@pytest.mark.parametrize("value", ["abc", "0", "-1", "nan", "inf", ""])
def test_the_size_limit_is_read_when_needed_and_a_bad_one_is_named(monkeypatch, value):
    monkeypatch.setenv("CASEKIT_MAX_CASE_MB", value)
    if not value:
        assert max_case_bytes() == 16 * 2**20
        return
    with pytest.raises(UsageError, match="CASEKIT_MAX_CASE_MB"):
        read_bytes(BAD / "bad-value.yaml")


def test_a_stream_is_checked_as_a_file_is_and_one_past_the_limit_is_unreadable(monkeypatch):
    data = (BAD / "unsourced-warning.yaml").read_bytes()
    case, problems = check_stream(io.BytesIO(data))
    assert case is not None and [(p.path, p.code) for p in problems] == [("<stdin>", "unsourced")]
    monkeypatch.setenv("CASEKIT_MAX_CASE_MB", "0.0001")
    case, [problem] = check_stream(io.BytesIO(data), "<pipe>")
    assert case is None and (problem.path, problem.line, problem.code) == ("<pipe>", None, "unreadable")
    assert problem.message.startswith("it goes on past") and "CASEKIT_MAX_CASE_MB" in problem.hint


def _tags(node):
    """Every node's tag and value, depth first (a mapping's keys too)."""
    import yaml

    out = [(node.tag, node.value if isinstance(node, yaml.ScalarNode) else None)]
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            out += _tags(child)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out += _tags(key) + _tags(value)
    return out


@pytest.mark.parametrize(
    "path", [FIXTURES / "loader" / "every-scalar-form.yaml", Path(__file__).parent.parent / "cases" / "scale_ai.yaml"]
)
def test_nodes_are_tagged_as_the_safe_loader_tags_them(path):
    # The loader resolves tags with its own, shorter code; it must agree with PyYAML's.
    import yaml

    from casekit.loader import _Loader

    text = path.read_text(encoding="utf-8")
    ours = _Loader(text)
    try:
        composed = _tags(ours.get_single_node())
    finally:
        ours.dispose()
    # PyYAML reads YAML 1.1; casekit reads plain scalars by YAML 1.2's core schema, as editors do:
    # they agree on every node but those whose plain form the two versions read apart.
    safe = _tags(yaml.compose(text, Loader=yaml.SafeLoader))
    assert len(composed) == len(safe) > 60
    assert [a for a, b in zip(composed, safe) if a != b and a[1] not in _READ_APART] == []


# Plain scalars that YAML 1.1 (PyYAML) and YAML 1.2's core schema read as different types.
_READ_APART = {"yes", "No", "off", "On", "y", "n", "0o17", "0b101", "1_000", "3:1", "1:30:00", "1e3", "-.5"}


def test_plain_scalars_are_read_by_the_yaml_12_core_schema():
    from casekit.loader import _Loader

    text = "[yes, No, off, On, y, n, true, FALSE, ~, null, '', 0, -1, 010, 0o17, 0x1F, 0b101, 1_000, 3:1, 1e3, .inf, .NaN, 1.5]"
    loader = _Loader(text)
    try:
        tags = [node.tag.rsplit(":", 1)[1] for node in loader.get_single_node().value]
    finally:
        loader.dispose()
    assert tags == ["str"] * 6 + ["bool"] * 2 + ["null"] * 2 + ["str"] + ["int"] * 5 + ["str"] * 3 + ["float"] * 4


def test_no_is_a_company_name_not_a_boolean():
    text = ACME.read_text().replace("company: Acme Robotics", "company: No")
    case, problems = check_bytes(text.encode(), "acme.yaml", stem="acme")
    assert problems == [] and case.company == "No"


def test_the_collector_is_off_while_a_case_loads_and_as_it_was_after(monkeypatch):
    import gc

    import casekit.loader as loader

    seen = []
    real = loader._check_bytes
    monkeypatch.setattr(loader, "_check_bytes", lambda *a: seen.append(gc.isenabled()) or real(*a))
    assert gc.isenabled()
    check_bytes(b"casekit: 1\n", "x.yaml")
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        check_bytes(b"casekit: 1\n", "x.yaml")
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()

    def fails(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(loader, "_check_bytes", fails)
    with pytest.raises(RuntimeError):
        check_bytes(b"casekit: 1\n", "x.yaml")
    assert gc.isenabled()


def test_the_walker_works_out_each_model_type_once(monkeypatch):
    # Not once per node: typing's introspection is slow Python, run for thousands of nodes.
    import typing

    case = Path(__file__).parent.parent / "cases" / "scale_ai.yaml"
    check_file(case)

    def no_introspection(tp):
        raise AssertionError(f"type {tp!r} worked out again")

    monkeypatch.setattr(typing, "get_origin", no_introspection)
    monkeypatch.setattr(typing, "get_args", no_introspection)
    loaded, problems = check_file(case)
    assert loaded is not None and not [p for p in problems if p.severity == "error"]


def test_the_walker_reads_each_model_field_as_msgspec_does():
    # The loader reads field types and defaults from the struct types themselves; msgspec's own
    # reading of them is the reference.
    import msgspec

    from casekit import model
    from casekit.loader import _fields

    types = [
        tp
        for tp in vars(model).values()
        if isinstance(tp, type) and issubclass(tp, msgspec.Struct) and tp.__module__ == model.__name__
    ]
    assert len(types) > 10
    for tp in types:
        expected = {f.encode_name: (f.type, f.required) for f in msgspec.structs.fields(tp)}
        ours = {name: (field.type, field.required) for name, field in _fields(tp).items()}
        assert list(ours) == list(expected) and ours == expected, tp.__name__


def _cases_to_compare() -> list[Path]:
    root = Path(__file__).parent
    paths = [root.parent / "cases" / "scale_ai.yaml", *sorted(FIXTURES.rglob("*.yaml"))]
    return [p for p in paths if check_file(p)[0] is not None]


def test_structs_made_by_the_walker_are_what_msgspec_convert_made_of_the_same_data(monkeypatch):
    # The walker makes each item's struct itself; msgspec.convert of the plain data it built
    # (what the loader did before) is the reference: the same case, field for field.
    import msgspec

    from casekit import loader
    from casekit.model import Case

    paths = _cases_to_compare()
    assert len(paths) > 5
    made = {p: repr(check_file(p)[0]) for p in paths}

    def keep(tp, obj):
        if isinstance(obj, tp):
            return obj
        raise TypeError(tp)

    monkeypatch.setattr(
        loader, "_make", lambda tp, built: msgspec.convert(built, Case, dec_hook=keep) if tp is Case else built
    )
    monkeypatch.setattr(loader._Walker, "gaps", _gaps_of_plain_data)
    for path in paths:
        assert repr(check_file(path)[0]) == made[path], path


def _gaps_of_plain_data(self, plain):
    from casekit.checks import Gaps
    from casekit.registry import SECTIONS

    positions, broken = {}, {}
    for name in SECTIONS:
        items = self._items.get(id(plain.get(name)))
        if items is not None:
            positions[(name,)] = items.positions
            broken[name] = items.broken
    metrics = self._items.get(id(plain.get("metrics")))
    if metrics is not None:
        for index, metric in zip(metrics.positions, metrics.built):
            observations = self._items.get(id(metric.get("observations")))
            if observations is not None:
                positions[("metrics", index, "observations")] = observations.positions
    return Gaps(frozenset(self._broken_keys), positions, broken)
