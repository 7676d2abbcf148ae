"""The browser app and its main screen: sections, the section's items, the item in full.

Following a link is like following a link in a web browser: the place left
is kept in a history, and Escape (or Backspace) goes back to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from casekit.browse.data import CASES, Browsed, Column, Ref, Row, columns
from casekit.browse.view import detail
from casekit.render.text import safe

ROW_CAP = 2000  # rows a table holds at once; a filter narrows the rest down
NARROW_MAX = 24  # cells a column other than the widest takes at most
FLEX_MIN = 12  # cells the widest column keeps however little room there is
WIDE = 140
SIDEBAR = 21  # its width in browse.tcss, and its border  # columns from which the item is shown beside the table rather than under it

VIM_KEYS: list[BindingType] = [
    Binding("j", "cursor_down", "Down", show=False),
    Binding("k", "cursor_up", "Up", show=False),
]


def fitted_widths(headers: list[str], rows: list[list[Text]], room: int, sample: int = 500) -> list[int]:
    """Column widths for `room` cells: each column as wide as its widest cell (of the first `sample`
    rows) up to `NARROW_MAX`, and the widest column (a title, most often) the room left, cut with …."""
    natural = [cell_len(h) for h in headers]
    for row in rows[:sample]:
        for k, cell in enumerate(row):
            natural[k] = max(natural[k], cell.cell_len)
    widths = [min(w, NARROW_MAX) for w in natural]
    flex = max(range(len(natural)), key=lambda k: natural[k])
    room -= 2 * len(widths)  # each cell's padding
    widths[flex] = max(FLEX_MIN, min(natural[flex], room - (sum(widths) - widths[flex])))
    return widths


class SectionList(OptionList):
    """The sidebar: sections with their counts."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *VIM_KEYS,
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]


class LinkList(OptionList):
    """The item's links to other items; Enter follows one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *VIM_KEYS,
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
        Binding("enter", "select", "Follow link"),
    ]


class ItemTable(DataTable):
    """A section's items, one a row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *VIM_KEYS,
        Binding("g", "scroll_top", "First", show=False),
        Binding("G", "scroll_bottom", "Last", show=False),
        Binding("enter", "select_cursor", "Open"),
        Binding("s", "screen.sort", "Sort"),
        Binding("f", "screen.filter", "Filter"),
    ]


@dataclass(frozen=True)
class Place:
    """Where the reader is: the section, the item, the filter, and what had the focus."""

    section: str
    ref: Ref | None = None
    filter: str = ""
    focus: str = "table"
    link: int | None = None


class MainScreen(Screen):
    """Sidebar of sections, the section's items as a table, and the selected item in full."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "go_back", "Back"),
        Binding("backspace", "go_back", "Back", show=False),
        Binding("left,h", "focus_pane(-1)", "Pane left", show=False),
        Binding("right,l", "focus_pane(1)", "Pane right", show=False),
    ]

    def __init__(self, browsed: Browsed) -> None:
        super().__init__()
        self.browsed = browsed
        self.section = CASES
        self.rows: list[Row] = []  # the rows shown, in the table's order
        self.sort_by: tuple[int, bool] | None = None  # column index, reversed
        self.history: list[Place] = []
        self._shown: Ref | None = None
        self._links: list = []
        self._generation = 0  # column keys are new on each fill, so no width is kept from the last

    def compose(self) -> ComposeResult:
        """The top line, the sidebar, the table and the item in full, the footer."""
        yield Static(id="top")
        with Horizontal(id="body"):
            yield SectionList(id="sections")
            with Vertical(id="main"):
                with Vertical(id="listing"):
                    yield Input(placeholder="f to filter", id="filter")
                    yield ItemTable(id="table", cursor_type="row", zebra_stripes=True)
                    yield Static(id="status")
                with VerticalScroll(id="detail"):
                    yield Static(id="item")
                    yield LinkList(id="links")
        yield Footer()

    def on_mount(self) -> None:
        """List the sections and show the first: the cases."""
        sections = self.query_one(SectionList)
        for name, count in self.browsed.sections():
            label = Text.assemble((name, "bold"), " ", (str(count), "dim"))
            sections.add_option(Option(label, id=name))
        sections.highlighted = 0
        self.show_section(CASES)
        self.query_one(ItemTable).focus()
        self.on_resize()

    def on_resize(self, event: Any = None) -> None:
        """The item beside the table at 140 columns or more, under it below that; the columns refitted."""
        self.set_class(self.size.width >= WIDE, "wide")
        if event is not None:
            self.call_after_refresh(self.fill, self._shown)

    # --- what is shown -------------------------------------------------------------

    def columns(self) -> list[Column]:
        """The shown section's columns, with the case first over several cases."""
        cols = columns(self.section, self.browsed.today)
        if self.browsed.several and self.section != CASES:
            label = {id(c): name for c, name in zip(self.browsed.cases, self.browsed.labels)}
            cols.insert(0, Column("case", lambda c, i: safe(label[id(c)], "cyan"), lambda c, i: label[id(c)]))
        return cols

    def show_section(self, section: str, ref: Ref | None = None, filter_text: str = "") -> None:
        """Fill the table with `section`'s items (those matching `filter_text`), `ref`'s row selected."""
        if section != self.section:
            self.sort_by = None
        self.section = section
        sections = self.query_one(SectionList)
        index = sections.get_option_index(section)
        if sections.highlighted != index:
            with sections.prevent(OptionList.OptionHighlighted):
                sections.highlighted = index
        filter_input = self.query_one("#filter", Input)
        if filter_input.value != filter_text:
            with filter_input.prevent(Input.Changed):
                filter_input.value = filter_text
        self.fill(ref)

    def fill(self, ref: Ref | None = None) -> None:
        """(Re)draw the table from the section, the filter and the sort; select `ref`'s row (else the first)."""
        from casekit.query import contains_text

        cols = self.columns()
        rows = self.browsed.rows(self.section)
        total = len(rows)
        needle = self.query_one("#filter", Input).value.strip()
        if needle:
            rows = [r for r in rows if contains_text(r.item, needle)]
        if self.sort_by is not None:
            k, backwards = self.sort_by
            rows.sort(key=lambda r: cols[k].key(self.browsed.case_of(r.ref), r.item), reverse=backwards)
        matched = len(rows)
        self.rows = rows[:ROW_CAP]
        if ref is not None and ref not in [r.ref for r in self.rows]:
            self.rows += [r for r in rows if r.ref == ref]
        table = self.query_one(ItemTable)
        table.clear(columns=True)
        cases = self.browsed.cases
        cells = [
            [col.cell(cases[row.ref.case] if row.ref.case >= 0 else None, row.item) for col in cols]
            for row in self.rows
        ]
        headers = [col.label for col in cols]
        if self.sort_by is not None:
            headers[self.sort_by[0]] += " ▼" if self.sort_by[1] else " ▲"
        widths = fitted_widths(headers, cells, self.table_width())
        self._generation += 1
        for k, (header, width) in enumerate(zip(headers, widths)):
            table.add_column(header, key=f"{self._generation}.{k}", width=width)
        for n, row in enumerate(cells):
            for cell in row:
                cell.no_wrap, cell.overflow = True, "ellipsis"
            table.add_row(*row, key=str(n))
        self._status(total, matched, needle)
        index = next((n for n, r in enumerate(self.rows) if r.ref == ref), 0)
        if self.rows:
            table.move_cursor(row=index, animate=False)
        self.show_item(self.rows[index].ref if self.rows else None)

    def table_width(self) -> int:
        """The cells the table's columns may fill, worked out from the screen's width (the same
        whenever it is asked, laid out yet or not): the sidebar off, half of the rest when wide,
        and room for a scrollbar."""
        width = self.size.width - SIDEBAR
        if self.size.width >= WIDE:
            width //= 2
        return max(20, width - 3)

    def _status(self, total: int, matched: int, needle: str) -> None:
        status = Text()
        status.append(f"{self.section}: ", style="bold")
        if needle:
            status.append(f"{matched} of {total} match ")
            status.append(needle, style="bold yellow")
        else:
            status.append(f"{total}")
        if matched > len(self.rows):
            status.append(f" · first {ROW_CAP} shown; filter to narrow", style="yellow")
        if self.sort_by is not None:
            label = self.columns()[self.sort_by[0]].label
            status.append(f" · by {label}{' ▼' if self.sort_by[1] else ' ▲'}", style="dim")
        self.query_one("#status", Static).update(status)

    def show_item(self, ref: Ref | None) -> None:
        """Show `ref`'s item in full, with its links (the link highlighted kept, when it is the
        item already shown: a refill after a resize must not lose the reader's place)."""
        links = self.query_one(LinkList)
        kept = links.highlighted if ref is not None and ref == self._shown else None
        self._shown = ref
        item = self.query_one("#item", Static)
        links.clear_options()
        top = Text("casekit browse", style="bold")
        if ref is None:
            item.update(Text("nothing to show", style="dim"))
            links.display = False
            self.query_one("#top", Static).update(top)
            return
        top.append("  " + self.browsed.reference(ref), style="cyan")
        if self.history:
            top.append(f"  ← {len(self.history)} back (Esc)", style="dim")
        self.query_one("#top", Static).update(top)
        item.update(detail(self.browsed, ref))
        found = self.browsed.links(ref)
        for n, link in enumerate(found):
            label = Text.assemble((f"{link.label:>12} ", "dim"), "→ ", link.title)
            links.add_option(Option(label, id=str(n)))
        self._links = found
        links.display = bool(found)
        if kept is not None and kept < len(found):
            links.highlighted = kept
        self.query_one("#detail", VerticalScroll).scroll_home(animate=False)

    @property
    def shown(self) -> Ref | None:
        """The item in the detail pane."""
        return self._shown

    # --- moving about ------------------------------------------------------------

    def here(self) -> Place:
        """The place the reader is at now."""
        focused = self.focused.id if self.focused is not None and self.focused.id else "table"
        links = self.query_one(LinkList)
        return Place(self.section, self._shown, self.query_one("#filter", Input).value, focused, links.highlighted)

    def open(self, ref: Ref) -> None:
        """Show the item `ref` names in its section, remembering the place left (Escape goes back)."""
        self.history.append(self.here())
        self.show_section(ref.section, ref)
        self.query_one(ItemTable).focus()
        self.show_item(ref)
        self.refresh_bindings()  # Back applies now

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Back applies when there is somewhere to go back to, or a filter to clear."""
        if action == "go_back":
            return bool(self.history) or self.focused is not self.query_one(ItemTable)
        return True

    def action_go_back(self) -> None:
        """Clear the filter when typing one; else go back to the place before the last link followed."""
        if self.focused is self.query_one("#filter", Input):
            self.query_one("#filter", Input).value = ""
            self.query_one(ItemTable).focus()
            return
        if not self.history:
            if self.focused is not self.query_one(ItemTable):
                self.query_one(ItemTable).focus()
            return
        place = self.history.pop()
        self.refresh_bindings()
        self.show_section(place.section, place.ref, place.filter)
        widget = self.query_one(f"#{place.focus}") if place.focus else self.query_one(ItemTable)
        widget.focus()
        if place.focus == "links" and place.link is not None:
            self.query_one(LinkList).highlighted = place.link

    def action_focus_pane(self, step: int) -> None:
        """Move the focus to the pane left or right of the focused one."""
        panes = [self.query_one(SectionList), self.query_one(ItemTable), self.query_one(LinkList)]
        panes = [p for p in panes if p.display]
        at = panes.index(self.focused) if self.focused in panes else 1
        panes[max(0, min(len(panes) - 1, at + step))].focus()

    def action_filter(self) -> None:
        """Type to filter the table; Enter or ↓ goes back to it, Escape clears."""
        self.query_one("#filter", Input).focus()

    def action_sort(self) -> None:
        """Sort by the next column (then back to the listing's own order)."""
        count = len(self.columns())
        k = self.query_one(ItemTable).cursor_column
        if self.sort_by is None:
            self.sort_by = (k if k > 0 else 0, False)
        elif not self.sort_by[1]:
            self.sort_by = (self.sort_by[0], True)
        elif self.sort_by[0] + 1 < count:
            self.sort_by = (self.sort_by[0] + 1, False)
        else:
            self.sort_by = None
        self.fill(self._shown)

    # --- events --------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#sections")
    def _section_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.section:
            self.show_section(event.option.id)

    @on(OptionList.OptionSelected, "#sections")
    def _section_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one(ItemTable).focus()

    @on(DataTable.RowHighlighted, "#table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        n = int(event.row_key.value or 0)
        if n < len(self.rows) and self.rows[n].ref != self._shown:
            self.show_item(self.rows[n].ref)

    @on(DataTable.RowSelected, "#table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        links = self.query_one(LinkList)
        if links.display and links.option_count:
            links.focus()
            links.highlighted = 0
        else:
            self.query_one("#detail", VerticalScroll).focus()

    @on(DataTable.HeaderSelected, "#table")
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        k = event.column_index
        backwards = self.sort_by is not None and self.sort_by[0] == k and not self.sort_by[1]
        self.sort_by = (k, backwards)
        self.fill(self._shown)

    @on(OptionList.OptionSelected, "#links")
    def _link_selected(self, event: OptionList.OptionSelected) -> None:
        self.open(self._links[int(event.option.id or 0)].ref)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.fill(self._shown)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.query_one(ItemTable).focus()

    def on_key(self, event) -> None:
        """↓ in the filter goes to the table."""
        if event.key == "down" and self.focused is self.query_one("#filter", Input):
            self.query_one(ItemTable).focus()
            event.stop()


class BrowseApp(App):
    """`casekit browse`: the cases in `browsed`, read-only."""

    TITLE = "casekit browse"
    CSS_PATH = "browse.tcss"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("slash", "search", "Search"),
        Binding("t", "timeline", "Timeline"),
        Binding("n", "hit(1)", "Next hit"),
        Binding("N", "hit(-1)", "Prev hit"),
    ]

    def __init__(self, browsed: Browsed) -> None:
        super().__init__()
        self.browsed = browsed
        self.hits: list[Ref] = []  # the last search's hits, for n and N
        self.hit_at = -1

    def get_default_screen(self) -> Screen:
        """The main screen: sections, items, the item in full."""
        return MainScreen(self.browsed)

    @property
    def main(self) -> MainScreen:
        """The main screen, under whatever is pushed over it."""
        return self.screen_stack[0]  # type: ignore[return-value]

    def open(self, ref: Ref) -> None:
        """Show the item `ref` names on the main screen, closing the screens over it."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.main.open(ref)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """n and N apply once a search has hits."""
        if action == "hit":
            return bool(self.hits)
        return True

    def action_hit(self, step: int) -> None:
        """Open the next (or previous) hit of the last search."""
        if not self.hits:
            return
        self.hit_at = (self.hit_at + step) % len(self.hits)
        self.open(self.hits[self.hit_at])
        self.notify(f"hit {self.hit_at + 1} of {len(self.hits)}", timeout=2)

    def action_search(self) -> None:
        """Search the cases; Enter opens the chosen hit."""
        from casekit.browse.screens import SearchScreen

        def opened(result: tuple[list[Ref], int] | None) -> None:
            if result is not None:
                self.hits, self.hit_at = result
                self.refresh_bindings()
                self.open(self.hits[self.hit_at])

        self.push_screen(SearchScreen(self.browsed), opened)

    def action_timeline(self) -> None:
        """The timeline view: the eras chart and the events, filtered by era, category and period."""
        from casekit.browse.screens import TimelineScreen

        def opened(ref: Ref | None) -> None:
            if ref is not None:
                self.open(ref)

        self.push_screen(TimelineScreen(self.browsed), opened)

    def action_help(self) -> None:
        """The keys, and what they do."""
        from casekit.browse.screens import HelpScreen

        self.push_screen(HelpScreen())
