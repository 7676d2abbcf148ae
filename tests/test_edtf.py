"""casekit.dates against the EDTF specification (Library of Congress, ISO 8601-2): every example of
Levels 0 and 1, and the Level 2 forms casekit reads (sets, qualified parts, sub-year groupings),
each with the interval it means written out by hand; and EDTF written back (`PartialDate.edtf`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_dates import d, date_texts, fields

from casekit.dates import DateError, PartialDate

P = PartialDate.parse
ROOT = Path(__file__).resolve().parent.parent


# text, start, end, precision, approximate, uncertain — the specification's examples
LEVEL_0 = [
    ("1985-04-12", "1985-04-12", "1985-04-12", "day", False, False),
    ("1985-04", "1985-04-01", "1985-04-30", "month", False, False),
    ("1985", "1985-01-01", "1985-12-31", "year", False, False),
    # a date and time is kept to its day, as written (no time zone moves it)
    ("1985-04-12T23:20:30", "1985-04-12", "1985-04-12", "day", False, False),
    ("1985-04-12T23:20:30Z", "1985-04-12", "1985-04-12", "day", False, False),
    ("1985-04-12T23:20:30-04", "1985-04-12", "1985-04-12", "day", False, False),
    ("1985-04-12T23:20:30+04:30", "1985-04-12", "1985-04-12", "day", False, False),
    ("1964/2008", "1964-01-01", "2008-12-31", "range", False, False),
    ("2004-06/2006-08", "2004-06-01", "2006-08-31", "range", False, False),
    ("2004-02-01/2005-02-08", "2004-02-01", "2005-02-08", "range", False, False),
    ("2004-02-01/2005-02", "2004-02-01", "2005-02-28", "range", False, False),
    ("2004-02-01/2005", "2004-02-01", "2005-12-31", "range", False, False),
    ("2005/2006-02", "2005-01-01", "2006-02-28", "range", False, False),
]

LEVEL_1 = [
    # seasons: spring, summer, autumn, winter (into the next year)
    ("2001-21", "2001-03-01", "2001-05-31", "season", False, False),
    ("2001-22", "2001-06-01", "2001-08-31", "season", False, False),
    ("2001-23", "2001-09-01", "2001-11-30", "season", False, False),
    ("2001-24", "2001-12-01", "2002-02-28", "season", False, False),
    # qualification
    ("1984?", "1984-01-01", "1984-12-31", "year", False, True),
    ("2004-06~", "2004-06-01", "2004-06-30", "month", True, False),
    ("2004-06-11%", "2004-06-11", "2004-06-11", "day", True, True),
    # unspecified digits
    ("201X", "2010-01-01", "2019-12-31", "decade", False, False),
    ("20XX", "2000-01-01", "2099-12-31", "century", False, False),
    ("2004-XX", "2004-01-01", "2004-12-31", "year", False, False),
    ("1985-04-XX", "1985-04-01", "1985-04-30", "month", False, False),
    ("1985-XX-XX", "1985-01-01", "1985-12-31", "year", False, False),
    # extended intervals: open (`..`) and unknown (empty) ends, qualified ends
    ("1985-04-12/..", "1985-04-12", None, "range", False, False),
    ("1985-04/..", "1985-04-01", None, "range", False, False),
    ("1985/..", "1985-01-01", None, "range", False, False),
    ("../1985-04-12", None, "1985-04-12", "range", False, False),
    ("../1985-04", None, "1985-04-30", "range", False, False),
    ("../1985", None, "1985-12-31", "range", False, False),
    ("1985-04-12/", "1985-04-12", None, "range", False, False),
    ("1985-04/", "1985-04-01", None, "range", False, False),
    ("1985/", "1985-01-01", None, "range", False, False),
    ("/1985-04-12", None, "1985-04-12", "range", False, False),
    ("/1985-04", None, "1985-04-30", "range", False, False),
    ("/1985", None, "1985-12-31", "range", False, False),
    ("1984~/2004-06", "1984-01-01", "2004-06-30", "range", True, False),
    ("1984/2004-06~", "1984-01-01", "2004-06-30", "range", True, False),
    ("1984~/2004~", "1984-01-01", "2004-12-31", "range", True, False),
    ("1984?/2004%", "1984-01-01", "2004-12-31", "range", True, True),
    ("1984-06?/2004-08?", "1984-06-01", "2004-08-31", "range", False, True),
    ("1984-06-02?/2004-08-08~", "1984-06-02", "2004-08-08", "range", True, True),
    ("1984-06-02?/..", "1984-06-02", None, "range", False, True),
]

LEVEL_2 = [
    # one of a set: one moment, somewhere among its members
    ("[1667,1668,1670..1672]", "1667-01-01", "1672-12-31", "one-of", False, False),
    ("[..1760-12-03]", None, "1760-12-03", "one-of", False, False),
    ("[1760-12..]", "1760-12-01", None, "one-of", False, False),
    ("[1760-01,1760-02,1760-12..]", "1760-01-01", None, "one-of", False, False),
    ("[1667,1760-12]", "1667-01-01", "1760-12-31", "one-of", False, False),
    ("[..1984]", None, "1984-12-31", "one-of", False, False),
    # all of a set
    ("{1667,1668,1670..1672}", "1667-01-01", "1672-12-31", "all-of", False, False),
    ("{1960,1961-12}", "1960-01-01", "1961-12-31", "all-of", False, False),
    ("{..1984}", None, "1984-12-31", "all-of", False, False),
    # a qualifier on one part flags the date
    ("2004-06~-11", "2004-06-11", "2004-06-11", "day", True, False),
    ("2004-06?-11", "2004-06-11", "2004-06-11", "day", False, True),
    ("2004?-06-11", "2004-06-11", "2004-06-11", "day", False, True),
    ("?2004-06-~11", "2004-06-11", "2004-06-11", "day", True, True),
    ("2004-%06-11", "2004-06-11", "2004-06-11", "day", True, True),
    # sub-year groupings: quarters, quadrimesters (casekit's early/mid/late), semestrals (halves)
    ("2001-33", "2001-01-01", "2001-03-31", "quarter", False, False),
    ("2001-34", "2001-04-01", "2001-06-30", "quarter", False, False),
    ("2001-35", "2001-07-01", "2001-09-30", "quarter", False, False),
    ("2001-36", "2001-10-01", "2001-12-31", "quarter", False, False),
    ("2001-37", "2001-01-01", "2001-04-30", "third", False, False),
    ("2001-38", "2001-05-01", "2001-08-31", "third", False, False),
    ("2001-39", "2001-09-01", "2001-12-31", "third", False, False),
    ("2001-40", "2001-01-01", "2001-06-30", "half", False, False),
    ("2001-41", "2001-07-01", "2001-12-31", "half", False, False),
]


@pytest.mark.parametrize(("text", "start", "end", "precision", "approximate", "uncertain"), LEVEL_0 + LEVEL_1 + LEVEL_2)
def test_the_specification_examples_mean_their_intervals(text, start, end, precision, approximate, uncertain):
    got = P(text)
    assert fields(got) == (d(start), d(end), precision, approximate, uncertain)
    assert got.text == text
    assert P(got.edtf()) == got


def test_a_set_keeps_its_members():
    gapped = P("[1667,1668,1670..1672]")
    assert [m.edtf() for m in gapped.members] == ["1667", "1668", "1670/1672"]
    assert gapped.edtf() == "[1667,1668,1670..1672]"
    assert P("[1667,1668,1672]") != P("[1667,1668,1670..1672]")  # same span, other members
    assert P("{1960,1961-12}") != P("[1960,1961-12]")  # all of them is not one of them


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2001-13", "month 13 is out of range in `2001-13`"),
        ("2001-20", "month 20 is out of range"),
        ("2001-25", "a season of one hemisphere"),
        ("2001-42", "month 42 is out of range"),
        ("-1985", "`-1985` is a year before the common era; casekit handles years 1 to 9999"),
        ("Y-170000002", "before the common era"),
        ("Y170000002", "year 170000002 in `Y170000002` is out of range; casekit handles years 1 to 9999"),
        ("Y17E7", "year 170000000 in `Y17E7` is out of range"),
        ("0000", "year 0 is out of range in `0000`: EDTF's year 0 is 1 BCE"),
        ("00XX", "reaches back to year 0"),
        ("1XXX", "leaves digits unspecified where casekit cannot read them"),
        ("1985-XX-12", "leaves digits unspecified"),
        ("1985-04-12T24:61:00", "a time of day that does not exist"),
        ("1985-02-30T10:00:00", "day 30 is out of range"),
        ("[]", "has an empty member"),
        ("[1667,,1668]", "has an empty member"),
        ("[1667..,1668]", "only the first member may be open at its start and the last at its end"),
        ("[1667,[1668]]", "`[1667,[1668]]` has a set inside a set"),
        ("[1667,1668-13]", "month 13 is out of range in `1668-13`"),
        ("[1667,1668-13]", "(in `[1667,1668-13]`)"),
        ("{1670..1667}", "ends before it starts"),
        ("/", "`/` has an empty end"),
    ],
)
def test_what_casekit_cannot_read_is_refused_clearly(raw, message):
    with pytest.raises(DateError) as info:
        P(raw)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("written", "edtf"),
    [
        ("2024-Q1", "2024-33"),
        ("Q4 2023", "2023-36"),
        ("2024-H2", "2024-41"),
        ("early 2022", "2022-37"),
        ("mid-2022", "2022-38"),
        ("late 2022", "2022-39"),
        ("spring 2024", "2024-21"),
        ("fall 2024", "2024-23"),
        ("winter 2023", "2023-24"),
        ("~2015", "2015~"),
        ("c. 2015", "2015~"),
        ("2015?", "2015?"),
        ("~2015?", "2015%"),
        ("Aug 2019", "2019-08"),
        ("Nov 30, 2022", "2022-11-30"),
        ("2010s", "201X"),
        ("2016–2020", "2016/2020"),
        ("2019-08/2020-Q1", "2019-08/2020-33"),
        ("~2016/2020", "2016~/2020"),
        ("2019–present", "2019/.."),
        ("since Aug 2019", "2019-08/.."),
        ("after 2019", "2020-01-01/.."),
        ("../2024-12", "../2024-12"),
        ("by late 2024", "../2024-39"),
        ("before 2024", "../2023-12-31"),
        ("between 2016 and 2019", "[2016..2019]"),
        ("between mid 2016 and Aug 2019", "[2016-38..2019-08]"),
        ("1985-04-12T23:20:30Z", "1985-04-12"),
        ("19XX", "19XX"),
        ("1985-04-XX", "1985-04"),
    ],
)
def test_every_notation_is_written_in_edtf(written, edtf):
    date_ = P(written)
    assert date_.edtf() == edtf
    assert P(edtf) == date_


def test_a_range_made_without_text_is_written_from_its_days_and_flags():
    made = PartialDate("a stretch", date(2016, 3, 1), date(2018, 12, 31), "range", approximate=True)
    assert made.edtf() == "2016-03~/2018~"
    assert P(made.edtf()) == made


@st.composite
def edtf_texts(draw) -> str:
    """Dates as EDTF writes them that casekit's own notations do not produce."""
    y = draw(st.integers(1, 9998))
    members = sorted(draw(st.lists(st.integers(1, 9999), min_size=1, max_size=4, unique=True)))
    qualifier = draw(st.sampled_from(["", "~", "?", "%"]))
    forms = [
        f"{y:04d}-{draw(st.sampled_from([21, 22, 23, 24, *range(33, 42)]))}{qualifier}",
        f"{y:04d}-{draw(st.integers(1, 12)):02d}-XX",
        f"{max(y // 100, 1):02d}XX",
        f"{y:04d}-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}T{draw(st.integers(0, 23)):02d}:15:00Z",
        f"{y:04d}{qualifier}-{draw(st.integers(1, 12)):02d}-11",
        "[" + ",".join(f"{m:04d}" for m in members) + "]",
        "{" + ",".join(f"{m:04d}" for m in members) + "}",
        f"[{members[0]:04d}..{members[-1]:04d}]",
        f"[..{members[-1]:04d}]",
        f"[{members[0]:04d}..]",
        f"between {members[0]:04d} and {members[-1]:04d}",
        f"{y:04d}/",
        f"/{y:04d}",
    ]
    return draw(st.sampled_from(forms))


@settings(max_examples=200, deadline=None)
@given(st.one_of(date_texts(), edtf_texts()))
def test_edtf_reads_back_as_the_same_date(text):
    date_ = P(text)
    back = P(date_.edtf())
    assert back == date_  # interval, precision, flags, and a set's members
    assert back.edtf() == date_.edtf()


def _case_dates(path: Path) -> list[PartialDate]:
    from casekit.loader import load_case

    case = load_case(path)
    found: list[PartialDate] = []

    def walk(obj):
        if isinstance(obj, PartialDate):
            found.append(obj)
        elif isinstance(obj, (list, tuple)):
            for x in obj:
                walk(x)
        elif hasattr(obj, "__struct_fields__"):
            for name in obj.__struct_fields__:
                walk(getattr(obj, name))

    walk(case)
    return found


def _loadable_cases() -> list[Path]:
    from casekit.errors import CasekitError
    from casekit.loader import load_case

    paths = sorted((ROOT / "tests" / "fixtures").rglob("*.y*ml")) + [ROOT / "cases" / "scale_ai.yaml"]
    good = []
    for path in paths:
        try:
            load_case(path)
        except (CasekitError, OSError, ValueError):
            continue
        good.append(path)
    return good


def test_every_date_of_every_fixture_and_the_bundled_case_reads_back_from_edtf():
    paths = _loadable_cases()
    assert ROOT / "cases" / "scale_ai.yaml" in paths and len(paths) > 20
    checked = 0
    for path in paths:
        for date_ in _case_dates(path):
            assert P(date_.edtf()) == date_, f"{path.name}: {date_.text} -> {date_.edtf()}"
            checked += 1
    assert checked > 500
