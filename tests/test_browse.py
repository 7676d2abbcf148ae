"""`casekit browse`, driven by Textual's pilot: what the screen shows after each key."""

from __future__ import annotations

import asyncio
import functools
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("textual")

from textual.widgets import DataTable, OptionList, Select, Static

from casekit.browse.app import BrowseApp, MainScreen
from casekit.browse.data import Browsed, Ref
from casekit.library import CaseRef, Library

FIXTURES = Path(__file__).parent / "fixtures" / "browse"
TODAY = date(2024, 6, 30)


def synchronously(test):
    """An async pilot test run to its end as a plain test (no asyncio plugin needed)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run


async def until(pilot, holds, seconds: float = 30.0) -> None:
    """Let the app work until `holds()` is true: a key's effects arrive as messages, and a busy
    machine (the suite runs on every core) delivers them later."""
    for _ in range(int(seconds / 0.02)):
        if holds():
            return
        await pilot.pause(0.02)
    assert holds()


def browsed(*names: str) -> Browsed:
    """The fixture cases `names`, loaded as `casekit browse` loads them, on a fixed day."""
    refs = [CaseRef(name, FIXTURES / f"{name}.yaml") for name in names or ("northwind",)]
    return Browsed.from_loaded(Library(use_cache=False).check_all(refs), TODAY)


def shown(widget: Static) -> str:
    """The plain text a Static shows."""
    from rich.console import Console

    console = Console(width=200, no_color=True, record=True, file=open(os.devnull, "w"))
    console.print(widget.content)
    return console.export_text()


def rows(table: DataTable) -> list[list[str]]:
    """The cells of a table as plain text, row by row."""
    return [[str(getattr(cell, "plain", cell)) for cell in table.get_row_at(n)] for n in range(table.row_count)]


def top(app: BrowseApp) -> str:
    return shown(app.main.query_one("#top", Static))


@synchronously
async def test_the_sidebar_lists_sections_with_counts_and_moving_in_it_shows_each():
    app = BrowseApp(browsed())
    async with app.run_test(size=(80, 24)) as pilot:
        sidebar = app.main.query_one("#sections", OptionList)
        labels = [str(sidebar.get_option_at_index(n).prompt) for n in range(sidebar.option_count)]
        assert labels == [
            "cases 1",
            "sources 2",
            "people 2",
            "eras 2",
            "timeline 6",
            "metrics 2",
            "principles 2",
            "risks 2",
            "quotes 1",
        ]
        await until(pilot, lambda: app.focused is app.main.query_one("#table"))
        await pilot.press("h")  # to the sidebar
        await until(pilot, lambda: app.focused is sidebar)
        await pilot.press("j", "j")  # down to people
        table = app.main.query_one("#table", DataTable)
        assert [r[0] for r in rows(table)] == ["Ada Lind", "Ben Ortiz"]
        assert "people/ada" in top(app)
        await pilot.press("j", "j")  # timeline: in date order, dates as written
        assert [r[0] for r in rows(table)][:3] == ["2012-04", "2016", "2018-05 ‡"]
        await pilot.press("G")
        assert app.main.section == "quotes"
        await pilot.press("l")  # into the table
        await until(pilot, lambda: app.focused is table)
        await pilot.press("j")  # the next row's item in full
        assert app.main.shown == Ref(0, "quotes", "empty_miles")


@synchronously
async def test_following_a_principles_evidence_to_an_event_and_back():
    app = BrowseApp(browsed())
    async with app.run_test(size=(80, 24)) as pilot:
        app.main.show_section("principles")
        links = app.main.query_one("#links", OptionList)
        await until(pilot, lambda: app.focused is app.main.query_one("#table"))
        await pilot.press("enter")  # the principle's links
        await until(pilot, lambda: app.focused is links)
        texts = [str(links.get_option_at_index(n).prompt) for n in range(links.option_count)]
        assert texts[0].split() == ["evidence", "→", "2016", "In-house", "routing", "software", "written"]
        assert any("risk → high Shippers see a competitor" in " ".join(t.split()) for t in texts)
        await pilot.press("enter")  # follow the first: the event, in the timeline
        await until(pilot, lambda: app.main.section == "timeline")
        assert app.main.shown == Ref(0, "timeline", "router")
        item = shown(app.main.query_one("#item", Static))
        assert "In-house routing software written" in item
        assert "Built to cut empty miles" in item
        assert "← 1 back" in top(app)
        await pilot.press("escape")  # back where the link was followed from
        await until(pilot, lambda: app.main.section == "principles" and app.focused is links)
        assert app.main.shown == Ref(0, "principles", "sell_the_tool")
        await pilot.press("j", "enter")
        await until(pilot, lambda: app.main.section == "timeline")
        await pilot.press("backspace")  # Backspace goes back too
        await until(pilot, lambda: app.main.section == "principles")
        assert app.main.shown == Ref(0, "principles", "sell_the_tool")
        assert app.main.history == []


@synchronously
async def test_an_item_shows_its_note_confidence_and_sources_with_links():
    app = BrowseApp(browsed())
    async with app.run_test(size=(120, 40)):
        app.main.open(Ref(0, "timeline", "series_a"))
        item = shown(app.main.query_one("#item", Static))
        assert "‡ The press profile gives $18M; the annual report $20M." in item
        assert "confidence  disputed" in item
        assert "Northwind annual report 2023  filing, Northwind, 2024-03" in item
        assert "https://example.com/northwind/2023" in item
        assert "Trade press profile  article, Jo Reporter, 2023-09" in item
        links = app.main.query_one("#links", OptionList)
        texts = [" ".join(str(links.get_option_at_index(n).prompt).split()) for n in range(links.option_count)]
        assert "era → Routing platform" in texts
        assert "source → Northwind annual report 2023" in texts


@synchronously
async def test_search_lists_hits_as_you_type_ranked_as_casekit_search_and_enter_opens_one():
    from casekit.search import search

    cases = browsed()
    ranked = [f"{hit.section}/{hit.id}" for hit in search(cases.cases, "series")]
    assert sorted(ranked) == ["timeline/series_a", "timeline/series_b"]
    app = BrowseApp(cases)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.focused is app.main.query_one("#table"))
        await pilot.press("slash")
        await until(pilot, lambda: getattr(app.focused, "id", None) == "query")
        await pilot.press(*"series")
        hits = app.screen.query_one("#hits", OptionList)
        texts = [str(hits.get_option_at_index(n).prompt) for n in range(hits.option_count)]
        assert [t.split()[0] for t in texts] == ranked
        await pilot.press("down")
        await until(pilot, lambda: app.focused is hits)
        await pilot.press("j", "enter")  # the second hit
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        second, first = (Ref(0, "timeline", ref.split("/")[1]) for ref in ranked[::-1])
        assert app.main.shown == second
        await pilot.press("n")  # the next hit wraps round to the first
        assert app.main.shown == first
        await pilot.press("N")
        assert app.main.shown == second


@synchronously
async def test_search_in_a_thread_for_a_large_library_shows_the_same_hits(monkeypatch):
    from casekit.browse.screens import SearchScreen
    from casekit.search import search

    monkeypatch.setattr(SearchScreen, "INLINE_MAX", 0)
    monkeypatch.setattr(SearchScreen, "PAUSE", 0.01)
    app = BrowseApp(browsed())
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.focused is app.main.query_one("#table"))
        await pilot.press("slash")
        await until(pilot, lambda: getattr(app.focused, "id", None) == "query")
        await pilot.press(*"shipper")
        await pilot.pause(0.1)
        await app.workers.wait_for_complete()
        await pilot.pause()
        ranked = [(hit.section, hit.id) for hit in search(app.browsed.cases, "shipper")]
        assert [(ref.section, ref.id) for ref in app.screen.refs] == ranked
        assert ("timeline", "first_shipper") in ranked
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.main.shown == Ref(0, *ranked[0])


@synchronously
async def test_the_timeline_view_filters_by_category_and_period_and_opens_an_event():
    app = BrowseApp(browsed())
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: app.focused is app.main.query_one("#table"))
        await pilot.press("t")
        await until(pilot, lambda: not isinstance(app.screen, MainScreen))
        events = app.screen.query_one("#events", DataTable)
        assert events.row_count == 6
        assert "Regional trucking" in shown(app.screen.query_one("#chart-body", Static))
        app.screen.query_one("#category", Select).value = "funding"
        await pilot.pause()
        assert [r[1] for r in rows(events)] == ["$20M Series A", "$60M Series B"]
        app.screen.query_one("#period").focus()
        await until(pilot, lambda: app.focused is app.screen.query_one("#period"))
        await pilot.press(*"2022")
        assert [r[1] for r in rows(events)] == ["$60M Series B"]
        assert "1 event" in shown(app.screen.query_one("#timeline-status", Static))
        await pilot.press("backspace", *"1x")
        assert "period:" in shown(app.screen.query_one("#timeline-status", Static))  # says what is wrong
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        app.screen.query_one("#era", Select).value = "trucks"
        app.screen.query_one("#category", Select).clear()
        await pilot.pause()
        assert [r[1] for r in rows(events)] == ["Ada Lind founds Northwind", "In-house routing software written"]
        events.focus()
        await until(pilot, lambda: app.focused is events)
        await pilot.press("j", "enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.main.shown == Ref(0, "timeline", "router")


@synchronously
async def test_filter_as_you_type_and_sort_by_a_column():
    app = BrowseApp(browsed())
    async with app.run_test(size=(100, 30)) as pilot:
        app.main.show_section("timeline")
        await until(pilot, lambda: app.focused is app.main.query_one("#table"))
        await pilot.press("f")
        await until(pilot, lambda: app.focused is app.main.query_one("#filter"))
        await pilot.press(*"series")
        table = app.main.query_one("#table", DataTable)
        assert [r[1] for r in rows(table)] == ["$20M Series A", "$60M Series B"]
        assert "2 of 6 match series" in shown(app.main.query_one("#status", Static))
        await pilot.press("escape")  # clears the filter
        await until(pilot, lambda: table.row_count == 6)
        assert table.row_count == 6
        app.main.sort_by = (1, False)  # by title
        app.main.fill()
        assert [r[1] for r in rows(table)][:2] == ["$20M Series A", "$60M Series B"]
        await pilot.press("s")  # again: reversed
        assert [r[1] for r in rows(table)][0] == "Trucking fleet sold"


@synchronously
async def test_metrics_show_sparklines_and_the_selected_series_with_its_growth():
    app = BrowseApp(browsed())
    async with app.run_test(size=(120, 40)):
        app.main.show_section("metrics")
        table = app.main.query_one("#table", DataTable)
        assert rows(table)[0] == ["Revenue", "~$55M", "2023", "▁▄█"]
        item = shown(app.main.query_one("#item", Static))
        assert "+$18M" in item  # 2019 → 2021, as `casekit metric revenue` shows it
        assert "CAGR" in item


@synchronously
async def test_a_case_with_warnings_opens_with_its_problems_listed():
    app = BrowseApp(browsed("unsourced"))
    async with app.run_test(size=(80, 24)):
        app.main.show_section("problems")
        table = app.main.query_one("#table", DataTable)
        assert rows(table)[0][0] == "warning"
        assert "names no source" in rows(table)[0][2]


@synchronously
async def test_several_cases_share_the_sections_with_a_case_column():
    app = BrowseApp(browsed("northwind", "unsourced"))
    async with app.run_test(size=(100, 30)):
        app.main.show_section("timeline")
        table = app.main.query_one("#table", DataTable)
        assert {r[0] for r in rows(table)} == {"northwind", "unsourced"}
        assert table.row_count == 8
        assert "northwind:timeline/founding" in top(app)


@synchronously
async def test_help_lists_the_keys_and_q_quits():
    app = BrowseApp(browsed())
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.focused is app.main.query_one("#table"))
        await pilot.press("question_mark")
        await until(pilot, lambda: not isinstance(app.screen, MainScreen))
        assert "search every case" in shown(app.screen.query_one(Static))
        await pilot.press("x")  # any key closes it
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running)
        assert app.return_code == 0
        assert not app.is_running


@synchronously
async def test_case_text_is_shown_as_data_not_markup_or_control():
    from casekit.browse.data import columns

    app = BrowseApp(browsed())
    async with app.run_test(size=(80, 24)):
        title = columns("timeline", TODAY)[1]
        from types import SimpleNamespace

        cell = title.cell(None, SimpleNamespace(title="[bold]x[/] \x1b[31mred"))
        assert cell.plain == "[bold]x[/] ␛[31mred"


def test_browse_needs_a_terminal():
    from typer.testing import CliRunner

    from casekit.cli.app import app

    result = CliRunner().invoke(app, ["browse"])
    assert result.exit_code == 2
    assert "casekit browse needs a terminal" in result.output


def test_a_case_with_errors_is_refused_as_validate_reports_it():
    from casekit.cli.app import State
    from casekit.cli.browse import open_browsed
    from casekit.errors import InvalidCase

    with pytest.raises(InvalidCase) as caught:
        open_browsed(State(), [str(FIXTURES / "broken.yaml")], False, None)
    assert caught.value.message.endswith("broken.yaml:10:52: unknown key `categroy`")


def test_over_the_library_a_broken_file_is_a_problem_not_a_refusal():
    from casekit.cli.app import State
    from casekit.cli.browse import open_browsed

    shown_cases = open_browsed(State(cases_dirs=[FIXTURES]), None, True, None)
    ids = [c.id for c in shown_cases.cases]
    assert ids[:2] == ["northwind", "unsourced"]
    assert "broken" not in ids
    assert {p.code for p in shown_cases.problems} == {"unknown-key", "unsourced"}


@pytest.mark.parametrize("command", ["timeline", "show", "search data"])
def test_other_commands_do_not_import_textual(command):
    code = (
        "import sys\nfrom casekit.cli import main\nsys.argv = ['casekit', *%r.split()]\n"
        "status = 0\ntry:\n    main()\nexcept SystemExit as exc:\n    status = exc.code or 0\n"
        "sys.stderr.write(('TEXTUAL' if 'textual' in sys.modules else 'LIGHT') + f' {status}')\n" % command
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEKIT_")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.stderr.endswith("LIGHT 0")
