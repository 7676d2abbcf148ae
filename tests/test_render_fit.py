"""casekit.render.fit: hanging indents, breaks after `_`, and choosing a layout by width."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text

from casekit.render.fit import (
    ForWidth,
    Wrapped,
    first_fitting,
    fits,
    fixed,
    longest_word,
    offsets,
    unbroken,
    wrapped,
)
from casekit.render.listing import Listing


def wrap(text: str, width: int) -> list[str]:
    console = Console(file=io.StringIO(), width=80)
    return [line.plain.rstrip() for line in Wrapped(text).wrap(console, width)]


def render(renderable, width: int) -> list[str]:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return [line.rstrip() for line in console.file.getvalue().splitlines()]


def test_a_numbered_line_hangs_under_its_text():
    assert wrap("1. Sell the constraint, not the aspiration", 20) == [
        "1. Sell the",
        "   constraint, not",
        "   the aspiration",
    ]
    assert wrap("10. Invest in your own obsolescence", 20) == ["10. Invest in your", "    own obsolescence"]
    assert wrap("• Automation outruns the move", 14) == ["• Automation", "  outruns the", "  move"]
    assert wrap("  In-house teams at Big Tech", 12) == ["  In-house", "  teams at", "  Big Tech"]


def test_a_plain_line_wraps_at_spaces_without_an_indent():
    assert wrap("Synthetic data displaces human annotation", 20) == ["Synthetic data", "displaces human", "annotation"]


def test_too_narrow_for_a_hanging_indent_wraps_flush():
    assert wrap("1. abc defghij", 9) == ["1. abc", "defghij"]


def test_a_long_id_breaks_after_an_underscore_before_it_is_folded():
    assert wrap("army_contract_ceiling", 20) == ["army_contract_", "ceiling"]
    assert wrap("Army contract\narmy_contract_ceiling", 15) == ["Army contract", "army_contract_", "ceiling"]
    assert wrap("supercalifragilistic", 6) == ["superc", "alifra", "gilist", "ic"]
    # A word that fits on a line of its own moves there whole rather than breaking at `_`.
    assert wrap("the gross_margin", 14) == ["the", "gross_margin"]


def test_wrapping_never_loses_a_character():
    text = "enterprise_platform_penetration of the 1. numbered words and supercalifragilistic"
    for width in range(1, 40):
        assert "".join("".join(wrap(text, width)).split()) == "".join(text.split())
        assert all(len(line) <= width for line in wrap(text, width))


def test_offsets_break_at_spaces_then_after_underscores():
    assert offsets("aa bb cc", 5, 5) == [6]
    assert offsets("aa_bb_cc", 5, 5) == [3]
    assert offsets("aa bb_cc", 4, 4) == [3, 6]
    assert offsets("aa bb cc", 2, 5) == [3]  # a first line of its own width


def test_wrapped_keeps_styles_and_its_class_when_copied():
    text = wrapped(Text("name", style="bold"))
    text.append("\nid_here", style="cyan")
    copied = text.copy()
    assert isinstance(copied, Wrapped) and copied.plain == "name\nid_here"
    assert copied.style == "bold" and copied.spans == text.spans


def test_wrapped_text_in_a_rich_table_hangs_and_folds():
    table = Table.grid()
    table.add_column(overflow="fold")
    table.add_row(Wrapped("• Loss of perceived neutrality after the Meta stake"))
    assert render(table, 24) == ["• Loss of perceived", "  neutrality after the", "  Meta stake"]


def test_longest_word_counts_pieces_of_ids():
    assert longest_word("a bb", Text("ccc d")) == 3
    assert longest_word("army_contract_ceiling") == len("contract_")
    assert longest_word("army_contract_ceiling", underscores=False) == 21
    assert longest_word(None, "") == 0


def listing(value: str = "$13.8B") -> Listing:
    table = Listing()
    table.add_column("metric", min_width=10)
    table.add_column("latest", justify="right")
    table.add_row("Annualised revenue (run rate)", value)
    return fixed(table, 1)


def test_fits_needs_the_minimums_and_the_fixed_widths():
    table = listing()
    assert table.columns[1].min_width == 6
    assert fits(table, 10 + 3 + 6) and not fits(table, 18)


@pytest.mark.parametrize("width", [19, 40])
def test_fixed_figures_are_never_wrapped(width):
    lines = render(listing(), width)
    assert any(line.endswith("$13.8B") for line in lines)
    assert all(len(line) <= width for line in lines)


def test_first_fitting_takes_the_first_layout_that_fits_else_the_last():
    wide, narrow = listing(), Listing()
    narrow.add_column("metric")
    assert first_fitting(40, [lambda: wide, lambda: narrow]) is wide
    assert first_fitting(12, [lambda: wide, lambda: narrow]) is narrow
    assert first_fitting(12, [lambda: wide]) is wide


def test_for_width_lays_out_for_the_width_given():
    assert render(ForWidth(lambda width: Text(f"{width} columns")), 33) == ["33 columns"]


def test_a_floor_for_prose_does_not_widen_short_text():
    table = Listing()
    table.add_column("moat", min_width=24)
    table.add_column("cost")
    table.add_row("Data", "$10M+")
    assert fits(table, 4 + 3 + 5)  # "moat"/"Data" hold 4 cells: the floor of 24 is not needed
    assert render(first_fitting(40, [lambda: table]), 40)[2] == "Data   $10M+"


def test_no_break_spaces_hold_words_together_and_print_as_spaces():
    text = f"{unbroken('12 events')} · {unbroken('2 metrics')}"
    assert wrap(text, 14) == ["12 events ·", "2 metrics"]
    assert wrap(text, 30) == ["12 events · 2 metrics"]
    assert all("\u00a0" not in line for line in wrap(text, 14) + wrap(text, 30))
    assert longest_word(text) == len("12 events")


def test_listing_cells_wrap_as_wrapped_text():
    table = Listing()
    table.add_column("when")
    table.add_column("what", min_width=6)
    table.add_row(unbroken("spring 2024"), "gross_margin_of_annotation")
    lines = render(table, 26)
    assert lines[2:] == ["spring 2024   gross_", "              margin_of_", "              annotation"]


def test_a_path_too_long_for_its_line_breaks_after_a_slash():
    assert wrap("tests/fixtures/library/acme.yaml", 20) == ["tests/fixtures/", "library/acme.yaml"]
    assert longest_word("2016/2019") == 9  # a floor still counts a date whole


def test_a_given_hang_indents_the_continuations_under_the_text_after_a_label():
    console = Console(file=io.StringIO(), width=80)

    def hung(text: str, width: int, hang: int) -> list[str]:
        return [line.plain.rstrip() for line in Wrapped(text, hang=hang).wrap(console, width)]

    assert hung("Counts  sources 3 people 5 eras 6", 24, 8) == ["Counts  sources 3 people", "        5 eras 6"]
    # a word the hang would leave no room for: the lines wrap flush rather than fold it
    assert hung("as of 2024   #robotics #warehouse-automation", 30, 13) == [
        "as of 2024   #robotics",
        "#warehouse-automation",
    ]
    assert Wrapped("a b", hang=2).copy().hang == 2 and wrapped(Text("a b"), 3).hang == 3


def test_a_hyphenated_word_too_long_for_its_line_breaks_after_the_hyphen():
    assert wrap("early access and integration-driven switching costs", 16) == [
        "early access and",
        "integration-",
        "driven switching",
        "costs",
    ]
