"""SVG snapshots of `casekit browse`'s main screens at 80×24 and 160×48 (pytest-textual-snapshot).

A fixed case on a fixed day, so nothing depends on the clock. After a change
to what a screen shows, look at the report pytest writes, then accept the new
pictures with `pytest tests/test_browse_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

textual = pytest.importorskip("textual")
pytest.importorskip("pytest_textual_snapshot")

from test_browse import browsed, until  # noqa: E402
from textual.widgets import Input  # noqa: E402

from casekit.browse.app import BrowseApp  # noqa: E402
from casekit.browse.data import Ref  # noqa: E402

# Textual draws a little differently from one major version to the next; the
# pictures were taken with this one, and the pilot tests cover the rest.
pytestmark = pytest.mark.skipif(not textual.__version__.startswith("8."), reason="snapshots taken with Textual 8")

SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])


async def still(pilot) -> None:
    """No blinking cursor: the picture is the same whenever it is taken."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


@SIZES
def test_the_first_screen(snap_compare, size):
    assert snap_compare(BrowseApp(browsed()), terminal_size=size, run_before=still)


@SIZES
def test_a_principle_with_its_links(snap_compare, size):
    async def open_principle(pilot):
        await pilot.pause()
        pilot.app.main.open(Ref(0, "principles", "sell_the_tool"))
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: getattr(pilot.app.focused, "id", None) == "links")
        await still(pilot)

    assert snap_compare(BrowseApp(browsed()), terminal_size=size, run_before=open_principle)


@SIZES
def test_a_metric_with_its_series(snap_compare, size):
    async def open_metric(pilot):
        await pilot.pause()
        pilot.app.main.open(Ref(0, "metrics", "revenue"))
        await still(pilot)

    assert snap_compare(BrowseApp(browsed()), terminal_size=size, run_before=open_metric)


@SIZES
def test_search(snap_compare, size):
    async def search(pilot):
        await pilot.press("slash")
        await until(pilot, lambda: getattr(pilot.app.focused, "id", None) == "query")
        await pilot.press(*"shipper")
        await still(pilot)

    assert snap_compare(BrowseApp(browsed()), terminal_size=size, run_before=search)


@SIZES
def test_the_timeline(snap_compare, size):
    async def timeline(pilot):
        await pilot.press("t")
        await until(pilot, lambda: getattr(pilot.app.focused, "id", None) == "events")
        await still(pilot)

    assert snap_compare(BrowseApp(browsed()), terminal_size=size, run_before=timeline)


def test_help(snap_compare):
    assert snap_compare(BrowseApp(browsed()), press=["question_mark"], terminal_size=(80, 24))
