"""Dates read as the reference reader (tests/reference_dates.py, the reader before it learned to skip
the notations a text cannot be written in) reads them: the same date, or the same refusal."""

from __future__ import annotations

import pytest
import reference_dates
from hypothesis import given, settings
from hypothesis import strategies as st
from test_dates import date_texts

from casekit.dates import DateError, PartialDate


def _read(parse, error, text):
    try:
        x = parse(text)
    except error as exc:
        return ("refused", str(exc))
    return _fields(x)


def _fields(x) -> tuple:
    return (x.text, x.start, x.end, x.precision, x.approximate, x.uncertain, tuple(_fields(m) for m in x.members))


def assert_read_alike(text: str) -> None:
    ours = _read(PartialDate.parse, DateError, text)
    theirs = _read(reference_dates.PartialDate.parse, reference_dates.DateError, text)
    assert ours == theirs, text
    if ours[0] != "refused":  # a range's ends, as written, come from the same reading
        ends = [None if e is None else _fields(e) for e in PartialDate.parse(text).ends()]
        expected = [None if e is None else _fields(e) for e in reference_dates.PartialDate.parse(text).ends()]
        assert ends == expected, text


# Pieces the notations are made of, in both cases, with spaces and dashes of every kind, the
# letters that case-insensitive patterns also match beyond ASCII (ſ, K, İ, ı), flags and sets.
_PIECES = st.sampled_from(
    [
        *"0123456789",
        "2019",
        "1999",
        "0000",
        "-",
        "/",
        "..",
        " ",
        "  ",
        "\t",
        "\n",
        "\x1c",
        "\u00a0",
        "\u2009",
        "–",
        "—",
        "\u2010",
        "\u2212",
        "?",
        "~",
        "%",
        "[",
        "]",
        "{",
        "}",
        ",",
        ".",
        "'",
        "s",
        "S",
        "x",
        "X",
        "XX",
        "Y",
        "E",
        "T",
        "Z",
        ":",
        "q",
        "Q",
        "h",
        "H",
        "Aug",
        "aug",
        "SEPT",
        "May",
        "early",
        "Mid",
        "late",
        "fall",
        "Winter",
        "since",
        "Since",
        "after",
        "by",
        "BY",
        "until",
        "till",
        "before",
        "from",
        "From",
        "between",
        "Between",
        "and",
        "to",
        "To",
        "through",
        "thru",
        "present",
        "now",
        "c.",
        "ca.",
        "circa",
        "approx",
        "Around",
        "ſ",
        "K",
        "İ",
        "ı",
        "th",
        "st",
    ]
)


@given(st.lists(_PIECES, min_size=1, max_size=8).map("".join))
@settings(max_examples=800, deadline=None)
def test_any_text_is_read_as_the_reference_reads_it(text):
    assert_read_alike(text)


@given(date_texts())
@settings(max_examples=300, deadline=None)
def test_dates_as_written_are_read_as_the_reference_reads_them(text):
    assert_read_alike(text)


@pytest.mark.parametrize(
    "text",
    [
        "2019",
        "0000",
        "2019-08",
        "2019-13",
        "2019-21",
        "2019-08-14",
        "2019-02-30",
        "2019-08?",
        "2019-08-14~",
        "2019~\n",
        "Aug 2019",
        "sINCE 2019",
        "ſince 2019",
        "Q1 2024",
        "q1-2024",
        "2024Q1",
        "1990s",
        "199x",
        "between 2016 and 2019",
        "BETWEEN 2016 AND 2019",
        "from 2019",
        "2019 to 2020",
        "2019\tto\t2020",
        " to ",
        "2016–2020",
        "[2016..2019]",
        "{1960,1961-12}",
        "c. 2016",
        "~2016",
        "?2016",
        "%2016",
        "Aug–Nov 2019",
        "19XX",
        "Y12345",
        "-2019",
        "2019-08-14T10:00:00Z",
    ],
)
def test_these_dates_are_read_as_the_reference_reads_them(text):
    assert_read_alike(text)
