"""`casekit timeline`: order, fuzzy-date filters, the other filters, views and formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casekit.cli.app import app

FIXTURES = Path(__file__).parent / "fixtures"
NOTATIONS = str(FIXTURES / "timeline" / "notations.yaml")
ACME = str(FIXTURES / "library" / "acme.yaml")
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "CASEKIT_CASE": "", "CASEKIT_PATH": ""}

# Written out by hand from SPEC §2: by earliest day (an open start by its
# latest), the wider interval first on ties, then file order.
ORDER = [
    "decade",
    "bylate",
    "openstart",
    "approx",
    "approx2",
    "circa",
    "uncertain",
    "range",
    "range2",
    "y2016",
    "open",
    "present",
    "m201908",
    "aug2019",
    "august2019",
    "early2022",
    "mid2022",
    "late2022",
    "d20221130",
    "nov30",
    "winter2023",
    "q1",
    "q1b",
    "spring2024",
    "h2",
    "h2b",
]


def ids(*args: str, case: str = NOTATIONS) -> list[str]:
    result = CliRunner().invoke(app, ["timeline", "-c", case, "--today", "2026-11-25", "-f", "json", *args], env=ENV)
    assert result.exit_code == 0, result.stderr
    return [r["id"] for r in json.loads(result.stdout)]


def test_events_sort_by_earliest_day_wider_first_then_file_order():
    assert ids() == ORDER


def test_reverse_and_limit():
    assert ids("--reverse") == ORDER[::-1]
    assert ids("--limit", "3") == ORDER[:3]
    assert ids("--reverse", "--limit", "2") == ["h2b", "h2"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--since", "2022", "--until", "2022"],
            ["open", "present", "early2022", "mid2022", "late2022", "d20221130", "nov30"],
        ),
        (
            ["--since", "2022", "--until", "2022", "--strict"],
            ["early2022", "mid2022", "late2022", "d20221130", "nov30"],
        ),
        (
            ["--until", "2018"],
            ["decade", "bylate", "openstart", "approx", "approx2", "circa", "uncertain", "range", "range2", "y2016"],
        ),
        (["--until", "2018", "--strict"], ["bylate", "openstart", "approx", "approx2", "circa", "uncertain", "y2016"]),
        (["--since", "2024-03"], ["open", "present", "q1", "q1b", "spring2024", "h2", "h2b"]),
        (["--since", "spring 2024", "--strict"], ["spring2024", "h2", "h2b"]),
        (
            ["--since", "Q4 2022", "--until", "early 2024"],
            ["open", "present", "late2022", "d20221130", "nov30", "winter2023", "q1", "q1b", "spring2024"],
        ),
        # an open start is dated by its end (2014), not by every day before it
        (["--since", "2013-06", "--until", "2013-07"], ["decade"]),
        # open ends run to today (2026-11-25), inside 2019–2030
        (["--since", "2019", "--until", "2030", "--strict"], ORDER[ORDER.index("open") :]),
        (
            ["--since", "2019", "--until", "2025", "--strict"],
            [i for i in ORDER[ORDER.index("open") :] if i not in ("open", "present")],
        ),
        # an open-start period holds open-start events
        (["--since", "../2013", "--until", "2014", "--strict"], ["bylate", "openstart"]),
    ],
)
def test_period_filters_on_every_notation(args, expected):
    assert ids(*args) == expected


def test_as_of_drops_what_is_dated_later():
    assert ids("--as-of", "2015") == ["decade", "bylate", "openstart", "approx", "approx2", "circa", "uncertain"]


def test_as_of_ends_open_ends_then():
    # As known in 2020, `2019/..` and `2019–present` ran until 2020, not until today (2026-11-25).
    assert "open" in ids("--since", "2021") and "present" in ids("--since", "2021")
    assert ids("--as-of", "2020", "--since", "2021") == []
    inside = ["m201908", "aug2019", "august2019"]
    assert ids("--since", "2019", "--until", "2020", "--strict") == inside
    assert ids("--as-of", "2020", "--since", "2019", "--until", "2020", "--strict") == ["open", "present", *inside]
    result = CliRunner().invoke(
        app, ["timeline", "-c", NOTATIONS, "--today", "2026-11-25", "--as-of", "2020", "--since", "2021"], env=ENV
    )
    assert result.exit_code == 0 and "no events match" in result.stderr


def test_as_of_drops_an_open_start_that_ends_later():
    assert ids("--as-of", "2013") == ["decade", "bylate"]  # `../2014-12` may mean 2014


def test_era_filter_takes_named_events_and_those_inside_the_period():
    # 2010s runs past the era's end and an open start is not known to lie inside it.
    assert ids("--era", "early") == ["approx", "approx2", "circa", "uncertain", "y2016"]
    assert ids("--era", "hardware", case=ACME) == ["founded", "seed", "series-a"]


def test_category_tag_source_and_grep_filters():
    assert ids("--category", "funding", case=ACME) == ["seed", "series-a", "series-b"]
    assert ids("--category", "funding", "--category", "product", case=ACME) == [
        "seed",
        "series-a",
        "os-launch",
        "series-b",
    ]
    assert ids("--tag", "round", case=ACME) == ["seed", "series-a", "series-b"]
    assert ids("--tag", "round", "--tag", "growth", case=ACME) == ["series-b"]
    assert ids("--source", "report", case=ACME) == ["founded", "os-launch"]
    assert ids("--grep", "ACMEOS", case=ACME) == ["os-launch"]


def test_unknown_era_is_trouble_with_a_suggestion():
    result = CliRunner().invoke(app, ["timeline", "-c", ACME, "--era", "hardwar"], env=ENV)
    assert result.exit_code == 2
    assert "did you mean `hardware`?" in result.stderr


def test_unknown_era_is_suggested_by_its_id_once_whether_id_or_title_is_near():
    result = CliRunner().invoke(app, ["timeline", "-c", ACME, "--era", "years"], env=ENV)
    assert result.exit_code == 2
    assert "did you mean `hardware` or `platform`?" in result.stderr
    result = CliRunner().invoke(app, ["timeline", "-c", ACME, "--era", "platform years", "-f", "json"], env=ENV)
    assert result.exit_code == 0, result.stderr


def test_json_record_shape_and_key_order():
    result = CliRunner().invoke(app, ["timeline", "-c", ACME, "-f", "json"], env=ENV)
    first = json.loads(result.stdout)[0]
    assert list(first) == [
        "id",
        "date",
        "start",
        "end",
        "edtf",
        "title",
        "detail",
        "category",
        "era",
        "tags",
        "sources",
        "confidence",
        "note",
        "people",
    ]
    assert first["date"] == "2015" and first["start"] == "2015-01-01" and first["end"] == "2015-12-31"
    assert first["edtf"] == "2015"


def test_several_cases_merge_with_a_case_key(tmp_path):
    result = CliRunner().invoke(
        app, ["timeline", "-c", ACME, "-c", NOTATIONS, "--today", "2026-11-25", "-f", "json", "--limit", "4"], env=ENV
    )
    records = json.loads(result.stdout)
    assert [(r["case"], r["id"]) for r in records] == [
        ("notations", "decade"),
        ("notations", "bylate"),
        ("notations", "openstart"),
        ("acme", "founded"),
    ]
    assert list(records[0])[0] == "case"


def test_all_takes_the_whole_library():
    result = CliRunner().invoke(
        app, ["timeline", "--all", "-f", "json", "--cases-dir", str(FIXTURES / "library")], env=ENV
    )
    cases = {r["case"] for r in json.loads(result.stdout)}
    assert cases == {"acme"}  # the bundled example is not one of the user's cases


@pytest.mark.parametrize("fmt", ["csv", "md", "yaml"])
def test_machine_formats_have_no_colour_and_every_event(fmt):
    result = CliRunner().invoke(app, ["timeline", "-c", ACME, "-f", fmt], env={**ENV, "FORCE_COLOR": "1"})
    assert "\x1b" not in result.stdout
    for title in ("Acme founded", "Seed round", "AcmeOS launched"):
        assert title in result.stdout


def test_table_at_a_pinned_width():
    result = CliRunner().invoke(app, ["timeline", "-c", ACME], env={**ENV, "COLUMNS": "70"})
    assert result.stdout.splitlines() == [
        "date        event             category   era",
        "───────────────────────────────────────────────────────",
        "2015        Acme founded      other      Hardware years",
        "2016-03     Seed round        funding    Hardware years",
        "late 2018   Series A          funding    Hardware years",
        "2020-Q2     AcmeOS launched   product    Platform years",
        "~2022       Series B          funding    Platform years",
        "~ approximate",
    ]


@pytest.mark.parametrize("columns", ["60", "80", "200"])
@pytest.mark.parametrize("view", ["table", "tree", "chart"])
def test_views_wrap_and_keep_every_title(view, columns):
    result = CliRunner().invoke(app, ["timeline", "-c", ACME, "--view", view], env={**ENV, "COLUMNS": columns})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert all(len(line) <= int(columns) for line in lines)
    if view != "chart":
        flat = " ".join(" ".join(lines).split())
        for title in ("Acme founded", "Seed round", "Series A", "AcmeOS launched", "Series B"):
            assert title in flat


def test_tree_groups_by_era_then_year():
    result = CliRunner().invoke(app, ["timeline", "-c", ACME, "--view", "tree"], env=ENV)
    lines = [line.strip("│├└─ ") for line in result.stdout.splitlines()]
    assert lines[1:4] == ["Hardware years  2015/2019", "2015", "2015  Acme founded · other"]
    assert "Platform years  2020/.." in lines


def test_chart_marks_eras_and_events_per_category():
    result = CliRunner().invoke(
        app, ["timeline", "-c", ACME, "--view", "chart", "--today", "2024-06-30"], env={**ENV, "COLUMNS": "80"}
    )
    out = result.stdout
    assert "Hardware years" in out and "Platform years" in out
    assert "funding (3)" in out and "product (1)" in out
    funding = next(line for line in out.splitlines() if line.startswith("funding (3)"))
    assert funding.count("●") == 3


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (["--source", "nope"], "--source: nothing is called `nope` here", "known: press, report"),
        (["--tag", "rounds"], "--tag: nothing is called `rounds` here", "did you mean `round`?"),
        (["--category", "fundng"], "--category: nothing is called `fundng` here", "did you mean `funding`?"),
        (["--since", "2022", "--until", "2019"], "--since 2022 begins after --until 2019 ends", None),
    ],
)
def test_filter_values_no_case_knows_are_trouble(args, message, hint):
    result = CliRunner().invoke(app, ["timeline", "-c", ACME, *args], env=ENV)
    assert result.exit_code == 2
    assert message in result.stderr
    if hint:
        assert hint in result.stderr


def test_category_and_tag_ignore_case():
    assert ids("--category", "FUNDING", "--tag", "Round", case=ACME) == ["seed", "series-a", "series-b"]


LONG = str(FIXTURES / "timeline" / "long_labels.yaml")


def table_lines(case: str, columns: int, *args: str) -> list[str]:
    result = CliRunner().invoke(app, ["timeline", "-c", case, *args], env={**ENV, "COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= columns for line in lines)
    return lines


def test_with_room_the_short_columns_keep_their_width_and_the_titles_wrap():
    lines = table_lines(LONG, 140)
    assert lines[0].split() == ["date", "event", "category", "era"]
    assert "2024-06/2025-06? ‡   A large investor takes a minority stake after months of talks" in lines[4]
    assert lines[4].endswith("deal         Interim leadership after the deal")
    # header, rule, one line per event, the caption; a blank line, then the disputed event's note
    assert len(lines) == 2 + 4 + 1 + 3
    assert lines[-2:] == [
        "‡ A large investor takes a minority stake after months of talks (2024-06/2025-06?)",
        "  Sources give different months.",
    ]


@pytest.mark.parametrize("columns", [40, 50, 60])
def test_narrow_terminals_stack_the_labels_under_the_title_and_never_split_them(columns):
    lines = table_lines(LONG, columns)
    assert "category" not in lines[0] and "era" not in lines[0]
    for label in (
        "2024-06/2025-06? ‡",
        "spring 2025",
        "government",
        "leadership",
        "Founder-led growth years",
        "Interim leadership after the deal",
    ):
        assert any(label in line for line in lines), label
    for word in ("Seed", "infrastructure", "readiness", "talks"):  # titles wrap at spaces
        assert any(word in line.split() for line in lines), word


def test_stacked_rows_read_title_then_date_category_era():
    lines = table_lines(LONG, 40)
    assert lines[0] == "event"
    start = lines.index("Interim chief executive appointed")
    assert lines[start + 1 : start + 3] == ["spring 2025 · leadership ·", "Interim leadership after the deal"]


def test_the_narrow_shape_keeps_the_date_column_beside_the_title():
    lines = table_lines(LONG, 70)
    assert lines[0].split() == ["date", "event"]
    start = next(i for i, line in enumerate(lines) if line.startswith("spring 2025"))
    assert lines[start].endswith("Interim chief executive appointed")
    assert lines[start + 1].strip() == "leadership · Interim leadership after the deal"


def test_a_timeline_without_eras_has_no_era_column():
    lines = table_lines(str(FIXTURES / "timeline" / "no_eras.yaml"), 80)
    assert lines[0].split() == ["date", "event", "category"]
    assert lines[2].split() == ["2019", "Founded", "other"]


@pytest.mark.parametrize("columns", [40, 50, 60])
def test_tree_labels_wrap_without_leaving_a_category_or_a_date_alone(columns):
    lines = table_lines(LONG, columns, "--view", "tree")
    texts = [line.lstrip("│├└─ ") for line in lines]
    assert not {"funding", "government", "deal", "leadership"} & set(texts)
    for date in ("2024-06/2025-06? ‡", "spring 2025"):
        assert any(text.startswith(date + "  ") for text in texts), date


@pytest.mark.parametrize("columns", [40, 80, 200])
def test_chart_labels_wrap_at_spaces_and_take_the_room_they_need(columns):
    lines = table_lines(LONG, columns, "--view", "chart", "--today", "2025-12-31")
    words = {w for line in lines for w in line.split()}
    for label in ("Founder-led growth years", "Interim leadership after the deal"):
        assert set(label.split()) <= words, label
    for glued in ("government (1)", "● an event", "2–9 several in one spot", "█ an era"):
        assert any(glued in line for line in lines), glued
    if columns >= 80:  # room enough: every label on one line
        assert any(line.startswith("Interim leadership after the deal ") for line in lines)


def test_chart_over_several_cases_heads_each_cases_rows_with_its_id():
    result = CliRunner().invoke(
        app,
        ["timeline", "-c", ACME, "-c", LONG, "--view", "chart", "--today", "2025-12-31"],
        env={**ENV, "COLUMNS": "80"},
    )
    lines = result.stdout.splitlines()
    acme, labels = lines.index("acme"), lines.index("long_labels")
    assert acme < labels
    assert any(line.startswith("  Hardware years ") for line in lines[acme:labels])
    assert any(line.startswith("  funding (3) ") for line in lines[acme:labels])
    assert any(line.startswith("  funding (1) ") for line in lines[labels:])


ONE_LONG_DATE = str(FIXTURES / "timeline" / "one_long_date.yaml")


def test_squeezed_the_date_column_is_as_wide_as_most_dates_and_a_rare_range_breaks_after_its_slash():
    lines = table_lines(ONE_LONG_DATE, 80)
    header = lines[0]
    assert header.index("event") == len("2019-11? ‡") + 3  # the widest piece of a date, not the whole range
    talks = next(i for i, line in enumerate(lines) if line.startswith("2016-03/ "))
    assert lines[talks + 1].startswith("2019-11? ‡   merger")
    assert any(line.startswith("late 2018    ") for line in lines)  # never broken at a space
    # The titles get the room: the era column wraps beside them, at most a third of what they share.
    event = header.index("category") - header.index("event")
    era = 80 - header.index("era")
    assert event >= 2 * era and event > 30
    assert lines[-4] == "? uncertain   ‡ sources disagree"
    assert lines[-1] == "  Sources disagree on when the talks began."


def test_with_room_a_long_date_keeps_its_line():
    lines = table_lines(ONE_LONG_DATE, 200)
    assert any(line.startswith("2016-03/2019-11? ‡   Talks with a larger rival") for line in lines)
    assert len(lines) == 2 + 10 + 1 + 3  # and the note of the disputed event under the table


def test_tree_titles_hang_under_their_first_word_and_the_marks_have_a_key():
    lines = table_lines(LONG, 60, "--view", "tree", "--today", "2025-12-31")
    seed = next(i for i, line in enumerate(lines) if "2016  Seed round" in line)
    title = lines[seed].index("Seed")
    assert lines[seed + 1][title - 1] == " " and lines[seed + 1][title] != " ", lines[seed : seed + 2]
    assert lines[seed + 1].rstrip().endswith("founders · funding")  # set off without colour
    assert lines[-1] == "? uncertain   ‡ sources disagree"
    plain = table_lines(ACME, 80, "--view", "tree")
    assert plain[-1] == "~ approximate" and not any("‡" in line for line in plain)


NESTED = str(FIXTURES / "timeline" / "nested_eras.yaml")


def test_chart_with_era_draws_only_the_eras_named():
    lines = table_lines(NESTED, 80, "--view", "chart", "--era", "founder", "--today", "2026-11-25")
    assert any(line.startswith("Founder years ") for line in lines)
    assert not any("The pivot" in line for line in lines)
    lines = table_lines(ACME, 80, "--view", "chart", "--era", "Hardware years")
    assert any(line.startswith("Hardware years ") for line in lines)
    assert not any("Platform years" in line for line in lines)


def test_chart_draws_an_ongoing_era_to_the_cases_as_of_with_an_arrow():
    lines = table_lines(NESTED, 80, "--view", "chart", "--today", "2026-11-25")
    axis = lines[0].split()
    assert axis[0] == "2010" and int(axis[-1]) <= 2021  # the case ends in 2021, not today
    founder = next(line for line in lines if line.startswith("Founder years "))
    assert founder.endswith("█►")
    pivot = next(line for line in lines if line.startswith("The pivot "))
    assert pivot.endswith("█") and "►" not in pivot
    assert lines[-1].endswith("► ongoing")
    # As known in 2018 (before the case's as_of) the era runs until then.
    lines = table_lines(NESTED, 80, "--view", "chart", "--today", "2026-11-25", "--as-of", "2018")
    assert int(lines[0].split()[-1]) <= 2018


def test_tree_with_era_puts_each_event_under_an_era_named():
    lines = table_lines(NESTED, 80, "--view", "tree", "--era", "founder", "--today", "2026-11-25")
    assert not any("The pivot" in line for line in lines)
    assert any("2015-06  Pivots to software" in line for line in lines)


def test_the_tree_lists_a_moment_known_within_a_span_under_the_year_it_sorts_by():
    # `[2016..2019]` sorts by its middle (2017-12-31), after the 2017 events: it is listed under
    # 2017, so the years stay in order, not under 2016 after them.
    result = CliRunner().invoke(app, ["timeline", "-c", "scale_ai", "--view", "tree", "--era", "av_wave"], env=ENV)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    headers = {int(line.strip(" │├└─")): i for i, line in enumerate(lines) if line.strip(" │├└─").isdigit()}
    assert list(headers) == sorted(headers) and min(headers) == 2017
    moment = next(i for i, line in enumerate(lines) if "[2016..2019]" in line)
    assert headers[2017] < moment < headers[2018]


def test_the_key_explains_a_moment_known_within_a_span_only_when_one_is_shown():
    shown = CliRunner().invoke(app, ["timeline", "-c", "scale_ai", "--until", "2017"], env=ENV).stdout
    assert "[2016..2019-08]" in shown and "[a..b] one moment, somewhere from a to b" in shown
    later = CliRunner().invoke(app, ["timeline", "-c", "scale_ai", "--since", "2025"], env=ENV).stdout
    assert "one moment" not in later
