"""`casekit study`: cards made from a case, the grading of typed answers, the FSRS schedule kept in
SQLite (across runs, by two writers at once), the Anki export, the stats and a review session."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from casekit.loader import load_case
from casekit.study.cards import cards_for, date_right, grade, value_right
from casekit.study.store import SCHEMA_VERSION, Store, StudyDbError, default_path

FIXTURES = Path(__file__).parent / "fixtures"
EVERY = FIXTURES / "overview" / "every_field.yaml"
TWO_EVENTS = FIXTURES / "timeline" / "no_eras.yaml"
TODAY = date(2024, 6, 30)
NOW = datetime(2024, 6, 30, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


def _cards(path=EVERY):
    return cards_for(load_case(path), TODAY)


def test_every_kind_of_card_comes_from_its_section():
    cards = _cards()
    assert Counter(c.kind for c in cards) == {
        "tradeoff": 1, "benefit": 1, "when": 1, "value": 1, "severity": 1, "speaker": 1,
    }  # fmt: skip
    by_id = {c.id: c for c in cards}
    assert set(by_id) == {
        "principles/p1/tradeoff",
        "principles/p1/benefit",
        "timeline/ev1/when",
        "metrics/m1@2021/value",
        "risks/r1/severity",
        "quotes/q1/speaker",
    }
    assert by_id["principles/p1/tradeoff"].back == "Principle tradeoff"
    assert by_id["quotes/q1/speaker"].back == "Pat Doe"  # the person's name, not their id
    assert by_id["risks/r1/severity"].back == "high"


def test_order_cards_pair_events_that_do_not_overlap():
    order = [c for c in _cards(TWO_EVENTS) if c.kind == "order"]
    assert [c.id for c in order] == ["timeline/founded+launch/order"]
    assert "1. Founded" in order[0].front and "2. Product launch" in order[0].front
    assert grade(order[0], "1", TODAY) and not grade(order[0], "2", TODAY)


def test_ids_and_hashes_are_stable_and_a_changed_fact_is_a_new_card(tmp_path):
    first, again = _cards(), _cards()
    assert [c.key for c in first] == [c.key for c in again]
    edited = tmp_path / "every_field.yaml"
    edited.write_text(EVERY.read_text().replace("severity: high", "severity: low"))
    changed = {c.id: c for c in _cards(edited)}
    before = {c.id: c for c in first}
    assert changed["risks/r1/severity"].hash != before["risks/r1/severity"].hash
    assert changed["timeline/ev1/when"].hash == before["timeline/ev1/when"].hash


@pytest.mark.parametrize(
    ("answer", "expected", "right"),
    [
        ("2020", "2020-05", True),  # the year holds the month
        ("2020-05-17", "2020-05", True),
        ("May 2020", "2020-05", True),
        ("2020-06", "2020-05", False),
        ("2019", "2020-05", False),
        ("2021-03", "2021", True),
        ("2018", "2019/..", False),
        ("2023", "2019/..", True),
        ("not a date", "2020", False),
    ],
)
def test_dates_are_graded_against_the_event_interval(answer, expected, right):
    assert date_right(answer, expected, TODAY) is right


@pytest.mark.parametrize(
    ("answer", "expected", "right"),
    [
        ("$5M", "$5M", True),
        ("5", "$5M", True),  # a bare number takes the value's scale
        ("5.4M", "$5M", True),  # within 10%
        ("6M", "$5M", False),
        ("$3.5B", "$3-4B", True),
        ("$4.6B", "$3-4B", False),
        ("700M", "$600M+", True),
        ("400M", "$600M+", False),
        ("0.5%", "<1%", True),
        ("5%", "<1%", False),
        ("lots", "$5M", False),
    ],
)
def test_values_are_graded_against_the_bounds_with_a_tolerance(answer, expected, right):
    assert value_right(answer, expected) is right


def test_choices_are_graded_by_words_not_case_or_punctuation():
    cards = {c.kind: c for c in _cards()}
    assert grade(cards["severity"], " High ", TODAY) and not grade(cards["severity"], "low", TODAY)
    assert grade(cards["speaker"], "pat doe", TODAY) and grade(cards["speaker"], "Doe.", TODAY)
    assert not grade(cards["speaker"], "someone else", TODAY)
    assert not grade(cards["tradeoff"], "Principle tradeoff", TODAY)  # recall cards are not checked


def test_good_comes_back_later_than_again(data_home):
    import fsrs

    store = Store()
    cards = _cards()
    store.add(cards, NOW)
    steady = fsrs.Scheduler(enable_fuzzing=False)
    again = store.review(cards[0], 1, NOW, scheduler=steady)
    good = store.review(cards[1], 3, NOW, scheduler=steady)
    assert NOW < again < good
    later = good + timedelta(minutes=1)
    easy = store.review(cards[1], 4, later, scheduler=steady)
    assert easy - later > timedelta(days=1)  # graduated from learning
    session = store.session(cards, later, new_limit=20)
    assert cards[0] in session and cards[1] not in session  # due again; not yet due


def test_state_persists_across_runs_and_new_cards_are_limited_per_day(data_home):
    cards = _cards()
    store = Store()
    store.add(cards, NOW)
    assert len(store.session(cards, NOW, new_limit=2)) == 2
    store.review(cards[0], 3, NOW)
    store.close()
    assert default_path() == data_home / "casekit" / "study.db"
    reopened = Store()
    reopened.add(cards, NOW)  # known cards keep their state
    again = reopened.session(cards, NOW, new_limit=2)
    assert again[0] == cards[0] and len(again) == 2  # due again later today, and one new card left today
    assert reopened.stats(cards, NOW)["reviews"] == 1
    tomorrow = NOW + timedelta(days=1)
    assert len(reopened.session(cards, tomorrow, new_limit=2)) == 3  # due again, and two new
    with sqlite3.connect(default_path()) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_two_writers_at_once_lose_no_review(data_home):
    cards = _cards()
    Store().add(cards, NOW)
    errors = []

    def write(offset):
        store = Store()
        try:
            for i in range(20):
                store.review(cards[(i + offset) % len(cards)], 1 + i % 4, NOW + timedelta(seconds=i))
        except Exception as exc:  # pragma: no cover - shown by the assertion
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
    script = (
        "import sys; from datetime import *; from casekit.study.cards import cards_for; "
        "from casekit.loader import load_case; from casekit.study.store import Store; "
        f"cards = cards_for(load_case({str(EVERY)!r}), date(2024, 6, 30)); s = Store(); "
        "[s.review(cards[i % len(cards)], 3, datetime(2024, 6, 30, 12, tzinfo=timezone.utc)) for i in range(20)]"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    other = subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.PIPE, text=True)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert other.wait(timeout=120) == 0, other.stderr.read()
    assert errors == []
    assert Store().stats(cards, NOW)["reviews"] == 60


def test_a_corrupt_database_is_reported_and_left_alone(data_home, run):
    path = default_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StudyDbError, match="not a usable study database"):
        Store()
    result = run("study", "-c", str(EVERY), "--stats")
    assert result.exit_code == 2
    assert "not a usable study database" in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == b"this is not a database at all" * 100


def test_a_newer_schema_is_reported_not_reset(data_home, run):
    Store().close()
    with sqlite3.connect(default_path()) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    result = run("study", "-c", str(EVERY), "--stats")
    assert result.exit_code == 2
    assert "newer casekit" in result.stderr
    with sqlite3.connect(default_path()) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_stats_json_has_the_documented_keys(data_home, run):
    result = run("study", "-c", str(EVERY), "--stats", "-f", "json")
    assert result.exit_code == 0, result.stderr
    stats = json.loads(result.stdout)
    assert {"cards", "due", "reviews", "retention", "sections"} <= set(stats)
    assert stats["cards"] == 6 and stats["reviews"] == 0 and stats["retention"] is None
    assert stats["sections"]["principles"]["cards"] == 2


def test_the_anki_export_reads_back_with_csv(data_home, run, tmp_path):
    out = tmp_path / "cards.txt"
    result = run("study", "-c", str(EVERY), "--export", "anki", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    lines = out.read_text().splitlines()
    assert lines[:3] == ["#separator:tab", "#html:false", "#tags column:3"]
    rows = list(csv.reader(lines[3:], delimiter="\t", quoting=csv.QUOTE_NONE))
    assert len(rows) == 6 and all(len(r) == 3 for r in rows)
    assert ["Risk: Risk title Severity (low, medium, medium-high, high, critical)?", "high"] in [r[:2] for r in rows]
    assert all(r[2].startswith("casekit every_field ") for r in rows)
    again = run("study", "-c", str(EVERY), "--export", "anki", "-o", str(out))
    assert again.exit_code == 2  # an existing file is kept without --force


def test_without_a_terminal_a_session_is_refused(data_home, run):
    result = run("study", "-c", str(EVERY))
    assert result.exit_code == 2
    assert "needs a terminal" in result.stderr
    assert not default_path().exists()


def test_a_session_reveals_grades_and_saves(data_home):
    from casekit.study.app import StudyApp

    cards = [c for c in _cards() if c.kind in ("tradeoff", "severity")]
    store = Store()
    store.add(cards, NOW)

    async def session():
        app = StudyApp(cards, store, lambda: NOW, TODAY)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("3")  # not revealed yet: no grade
            assert app.reviewed == 0
            await pilot.press("space", "3")
            assert app.reviewed == 1
            await pilot.press("h", "i", "g", "h", "enter")  # the checked card takes a typed answer
            assert "right" in str(app.query_one("#verdict").render())
            await pilot.press("enter")  # accepts the suggested grade (Good)
            await pilot.pause()
        return app.return_value

    assert asyncio.run(session()) == 2
    with sqlite3.connect(default_path()) as db:
        rows = db.execute("SELECT card_id, rating, answer, correct FROM reviews ORDER BY id").fetchall()
    assert rows == [("principles/p1/tradeoff", 3, None, None), ("risks/r1/severity", 3, "high", 1)]


def test_timeline_imports_neither_fsrs_nor_textual():
    code = (
        "import sys\nfrom casekit.cli import main\n"
        f"sys.argv = ['casekit', 'timeline', '-c', {str(EVERY)!r}]\n"
        "status = 0\ntry:\n    main()\nexcept SystemExit as exc:\n    status = exc.code or 0\n"
        "heavy = [m for m in ('fsrs', 'textual', 'sqlite3') if m in sys.modules]\n"
        "sys.stderr.write((' '.join(heavy) or 'LIGHT') + f' {status}')\n"
    )
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(Path(__file__).parent.parent)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.stderr.endswith("LIGHT 0")


def test_quitting_keeps_the_grades_given(data_home):
    from casekit.study.app import StudyApp

    cards = _cards()
    store = Store()
    store.add(cards, NOW)

    async def session():
        app = StudyApp(cards, store, lambda: NOW, TODAY)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("space", "1", "q")
        return app

    app = asyncio.run(session())
    assert app.reviewed == 1
    assert store.stats(cards, NOW + timedelta(hours=1))["due"] == 1  # graded Again: due within the hour
    assert store.stats(cards, NOW)["reviews"] == 1


def test_a_quote_whose_speaker_is_no_person_gives_no_card(tmp_path):
    edited = tmp_path / "every_field.yaml"
    edited.write_text(EVERY.read_text().replace("speaker: pat", 'speaker: "Unattributed (a memo)"'))
    assert "speaker" not in {c.kind for c in _cards(edited)}


def test_study_honours_today_for_the_schedule_and_the_stats(data_home, run):
    import fsrs

    from casekit.study.store import clock_for

    day = date(2027, 1, 10)
    clock = clock_for(day)
    assert clock().date() == day and clock().tzinfo is not None  # that day, at the real time of day
    cards = _cards()
    store = Store()
    store.add(cards, clock())
    steady = fsrs.Scheduler(enable_fuzzing=False)
    again = store.review(cards[0], 1, clock(), scheduler=steady)
    good = store.review(cards[1], 3, clock(), scheduler=steady)
    assert again < good and again.date() == day  # both still on that day: learning steps
    later = store.review(cards[1], 3, good, scheduler=steady)  # graduates: due days later
    store.close()
    due_day = later.date()
    assert due_day > day + timedelta(days=1)

    def due(on: date) -> int:
        result = run("--today", on.isoformat(), "study", "-c", str(EVERY), "--stats", "-f", "json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)["due"]

    assert due(day) == 1  # the card graded Again, not the one graded Good twice
    assert due(day - timedelta(days=1)) == 0  # before either was reviewed
    assert due(due_day - timedelta(days=1)) == 1
    assert due(due_day) == 2  # due on its day, whatever the real clock says
    reopened = Store()
    assert [c.id for c in reopened.session(cards, clock_for(due_day)(), new_limit=0)] == [cards[0].id, cards[1].id]
    assert reopened.session(cards, clock_for(due_day - timedelta(days=1))(), new_limit=0) == [cards[0]]


def test_the_table_stats_honour_today(data_home, run):
    store = Store()
    cards = _cards()
    store.add(cards, NOW)
    store.review(cards[0], 1, NOW)
    store.close()
    before = run("--today", "2024-06-29", "study", "-c", str(EVERY), "--stats")
    on = run("--today", "2024-06-30", "study", "-c", str(EVERY), "--stats")
    assert before.stdout.splitlines()[0].startswith("6 cards, 0 due, 5 new")
    assert on.stdout.splitlines()[0].startswith("6 cards, 1 due, 5 new")


def test_a_metric_gives_one_value_card_for_its_latest_figure():
    cards = [c for c in _cards(FIXTURES / "metrics" / "series.yaml") if c.kind == "value"]
    by_id = {c.id: c for c in cards}
    assert by_id["metrics/revenue@2020/value"].back == "$40M"  # written first, but the latest
    assert by_id["metrics/annotators@2024/value"].back == "<400,000"
    assert len(cards) == len({c.id.split("@")[0] for c in cards})  # one card a metric
    assert not any(i.startswith("metrics/revenue@2018") for i in by_id)


def test_a_session_offers_dont_know_and_ends_with_ctrl_q_while_typing(data_home):
    from casekit.study.app import StudyApp

    cards = [c for c in _cards() if c.kind in ("severity", "when")]
    store = Store()
    store.add(cards, NOW)

    async def session():
        app = StudyApp(cards, store, lambda: NOW, TODAY)
        async with app.run_test(size=(80, 24)) as pilot:
            box = app.query_one("#answer")
            assert "a year, a month" in box.placeholder  # the box says what it wants
            assert app.check_action("give_up", ()) and not app.check_action("grade", ())
            await pilot.press("enter")  # nothing typed: nothing checked
            assert not app.revealed
            await pilot.press("q")  # typing: q is a letter
            assert box.value == "q" and app.is_running
            await pilot.press("escape")  # don't know: the answer, and Again suggested
            assert "not answered" in str(app.query_one("#verdict").render())
            assert "Answer: 2020-05" in str(app.query_one("#back").render())
            assert app.check_action("grade", ()) and not app.check_action("give_up", ())
            await pilot.press("enter")
            assert len(app.cards) == 3 and app.cards[-1] == cards[0]  # graded Again: it comes back
            await pilot.press("ctrl+q")
        return app

    app = asyncio.run(session())
    assert app.reviewed == 1 and app.grades == {1: 1}
    with sqlite3.connect(default_path()) as db:
        assert db.execute("SELECT card_id, rating, correct FROM reviews").fetchall() == [("timeline/ev1/when", 1, 0)]


def test_a_date_answer_says_what_its_marks_mean():
    from casekit.study.app import answer_text
    from casekit.study.cards import DATE, Card

    card = Card("c", "timeline/e/when", "when", "When: e?", "[2016..2019]", DATE, ("[2016..2019]",))
    shown = answer_text(card).plain
    assert shown.startswith("Answer: [2016..2019]\n") and "one moment, somewhere from a to b" in shown
    assert answer_text(Card("c", "metrics/m@2020/value", "value", "?", "~$5M", "value")).plain == "Answer: ~$5M"


def test_the_end_of_a_session_says_what_is_left_today_and_when_cards_next_fall_due(data_home):
    import fsrs

    from casekit.cli.study import outlook_lines

    cards = _cards()
    store = Store()
    store.add(cards, NOW)
    assert store.outlook(cards, NOW, 20) == {"due": 0, "new": 6, "next": None, "next_count": 0}
    steady = fsrs.Scheduler(enable_fuzzing=False)
    store.review(cards[0], 1, NOW, scheduler=steady)  # due again within minutes
    for card in cards[1:3]:
        graduated = store.review(card, 4, NOW, scheduler=steady)  # Easy: due days later
    outlook = store.outlook(cards, NOW, 4)
    assert outlook == {"due": 1, "new": 1, "next": graduated.date(), "next_count": 2}
    assert outlook_lines(outlook) == [
        "left for today: 1 due and 1 new (run casekit study again)",
        f"next due: {graduated:%a %Y-%m-%d}, 2 cards",
    ]
    assert outlook_lines({"due": 0, "new": 0, "next": None, "next_count": 0}) == ["next due: none scheduled"]
