"""The listing renderer: widths, wrapping without loss, styles, justification."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from casekit.render.listing import Listing


def render(listing: Listing, width: int) -> list[str]:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(listing)
    return console.file.getvalue().splitlines()


def sample() -> Listing:
    listing = Listing()
    listing.add_column("n", justify="right")
    listing.add_column("title")
    listing.add_column("note", max_width=10)
    listing.add_row("1", "A short title", "brief")
    listing.add_row("10", "A much longer title that will have to wrap somewhere", "supercalifragilistic")
    return listing


def test_natural_widths_when_everything_fits():
    assert render(sample(), 100) == [
        " n   title                                                  note",
        "──────────────────────────────────────────────────────────────────────",
        " 1   A short title                                          brief",
        "10   A much longer title that will have to wrap somewhere   supercalif",
        "                                                            ragilistic",
    ]


def test_the_widest_column_shrinks_and_wraps_at_words():
    lines = render(sample(), 40)
    assert all(len(line) <= 40 for line in lines)
    assert lines[3:] == [
        "10   A much longer title      supercalif",
        "     that will have to wrap   ragilistic",
        "     somewhere",
    ]


def test_nothing_is_lost_even_far_too_narrow():
    lines = render(sample(), 12)
    assert all(len(line) <= 12 for line in lines)
    shown = sorted("".join(lines).replace(" ", "").replace("─", ""))
    written = sorted("ntitlenote1Ashorttitlebrief10Amuchlongertitlethatwillhavetowrapsomewheresupercalifragilistic")
    assert shown == written
    # The last column, read down, spells its words unbroken.
    assert "".join(line.ljust(12)[-2:] for line in lines[4:]).replace(" ", "") == "briefsupercalifragilistic"


def test_cell_styles_sit_over_column_styles_and_markup_is_text():
    listing = Listing()
    listing.add_column("x", style="red")
    listing.add_row(Text("[bold]plain[/]", style="green"))
    console = Console(file=io.StringIO(), width=40, color_system="standard", force_terminal=True)
    console.print(listing)
    out = console.file.getvalue()
    assert "[bold]plain[/]" in out
    assert "\x1b[32m" in out  # the cell's green wins over the column's red


def test_leading_and_caption():
    listing = Listing(leading=1, caption="‡ a note")
    listing.add_column("a")
    listing.add_row("one")
    listing.add_row("two")
    assert render(listing, 20) == ["a", "───", "one", "", "two", "‡ a note"]


def test_plain_string_cells_pass_through_the_safe_text_helper():
    listing = Listing()
    listing.add_column("x")
    listing.add_row("\x1b[31mred\x07 [bold]")
    console = Console(file=io.StringIO(), width=40, color_system="standard", force_terminal=True)
    console.print(listing)
    out = console.file.getvalue()
    assert "\x1b[31m" not in out and "\x07" not in out
    assert "\u241b[31mred\u2407 [bold]" in out
