"""The screens pushed over the browser's main one: search, the timeline view, help."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from casekit.browse.app import VIM_KEYS, ItemTable
from casekit.browse.data import CASES, Browsed, Ref
from casekit.render.text import clean, safe

HITS = 100  # hits listed; `casekit search` shows 20 by default


class HitList(OptionList):
    """Search hits, best first; Enter opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *VIM_KEYS,
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
        Binding("enter", "select", "Open"),
    ]


class SearchScreen(ModalScreen[tuple[list[Ref], int] | None]):
    """`/`: search every case shown, ranked as `casekit search` ranks; the hits update as you type."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_search", "Close")]
    INLINE_MAX = 50  # cases searched between two keystrokes; more are searched in a thread, after a pause
    PAUSE = 0.2  # seconds of no typing before a search in a thread starts

    def __init__(self, browsed: Browsed) -> None:
        super().__init__()
        self.browsed = browsed
        self.refs: list[Ref] = []
        self._timer = None

    def compose(self) -> ComposeResult:
        """The query, a status line, the hits."""
        with Vertical(id="search-box"):
            yield Input(placeholder='search every case: words, or "a phrase"', id="query")
            yield Static(Text("type to search; ↓ to the hits, Enter opens one", style="dim"), id="search-status")
            yield HitList(id="hits")

    def on_mount(self) -> None:
        """Ready to type."""
        self.query_one("#search-box").border_title = "search"
        self.query_one("#query", Input).focus()

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        if len(self.browsed.cases) <= self.INLINE_MAX:
            self.show_hits(event.value, self.find(event.value))
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.PAUSE, lambda: self.search_in_thread(event.value))

    def find(self, text: str) -> list:
        """The hits for `text` as `casekit search` ranks them, the best `HITS` of them."""
        from casekit.search import search

        return search(self.browsed.cases, text, limit=HITS, labels=self.browsed.labels) if text.strip() else []

    @work(thread=True, exclusive=True, group="search")
    def search_in_thread(self, text: str) -> None:
        """Search a large library without freezing the screen; a newer search supersedes this one."""
        hits = self.find(text)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_hits, text, hits)

    def show_hits(self, text: str, hits: list) -> None:
        """List `hits` (for the query `text`), each as `section/id`, its title and a snippet."""
        from casekit.render.search import HIGHLIGHT, highlighted

        if text != self.query_one("#query", Input).value:
            return  # typed on since
        index = {label: k for k, label in enumerate(self.browsed.labels)}
        listing = self.query_one(HitList)
        listing.clear_options()
        self.refs = []
        for hit in hits:
            k = index.get(hit.case, 0)
            ref = Ref(k, CASES, self.browsed.cases[k].id) if hit.section == "case" else Ref(k, hit.section, hit.id)
            self.refs.append(ref)
            where = Text(clean(self.browsed.reference(ref)), style="cyan")
            prompt = Text.assemble(where, "  ", highlighted(hit.title, hit.title_spans, "bold"))
            if not hit.snippet.in_title:
                prompt.append("\n  ")
                prompt.append_text(highlighted(hit.snippet.text, hit.snippet.spans, "dim", HIGHLIGHT + " not dim"))
            listing.add_option(Option(prompt))
        status = self.query_one("#search-status", Static)
        if not text.strip():
            status.update(Text("type to search; ↓ to the hits, Enter opens one", style="dim"))
        elif not hits:
            status.update(Text(f"no matches for {clean(text)}", style="yellow"))
        else:
            more = " (the best shown)" if len(hits) == HITS else ""
            status.update(Text(f"{len(hits)} hits{more}; ↓ to them, Enter opens one, n/N later the next", style="dim"))
        if hits:
            listing.highlighted = 0

    def on_key(self, event) -> None:
        """↓ in the query goes to the hits."""
        if event.key == "down" and self.focused is self.query_one("#query", Input) and self.refs:
            self.query_one(HitList).focus()
            event.stop()

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.refs:
            self.dismiss((self.refs, self.query_one(HitList).highlighted or 0))

    @on(OptionList.OptionSelected, "#hits")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss((self.refs, event.option_index))

    def action_dismiss_search(self) -> None:
        """Close the search, opening nothing."""
        self.dismiss(None)


class TimelineScreen(Screen[Ref | None]):
    """`t`: the eras chart and the events, filtered by era, category and period; Enter opens an event."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Back")]
    CHART_MAX = 12  # cases charted at once; beyond that the chart says to narrow

    def __init__(self, browsed: Browsed) -> None:
        super().__init__()
        self.browsed = browsed
        self.refs: list[Ref] = []

    def compose(self) -> ComposeResult:
        """The filters, a status line, the chart, the events."""
        from casekit.query import timeline_choices

        cases = self.browsed.cases
        eras = list({e.id: e.title for c in cases for e in c.eras}.items())
        categories = timeline_choices(cases)["category"]
        yield Static(Text("Timeline", style="bold"), id="top")
        with Horizontal(id="timeline-filters"):
            yield Select([(clean(t), i) for i, t in eras], prompt="every era", id="era", compact=True)
            yield Select([(clean(c), c) for c in categories], prompt="every category", id="category", compact=True)
            yield Input(placeholder="period: 2019/2022, 2021, by 2020", id="period")
        yield Static(id="timeline-status")
        with VerticalScroll(id="chart"):
            yield Static(id="chart-body")
        yield ItemTable(id="events", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Every event, to begin with."""
        self.refilter()
        self.query_one("#events", ItemTable).focus()

    def timeline_query(self):
        """The timeline query the filters make; a `CasekitError` for a period that is not a date."""
        from casekit.dates import DateError, PartialDate
        from casekit.errors import UsageError
        from casekit.query import TimelineQuery

        era = self.query_one("#era", Select).value
        category = self.query_one("#category", Select).value
        text = self.query_one("#period", Input).value.strip()
        try:
            period = PartialDate.parse(text) if text else None
        except DateError as exc:
            raise UsageError(f"period: {exc}") from None
        return TimelineQuery(
            since=period,
            until=period,
            eras=[era] if isinstance(era, str) else (),
            categories=[category] if isinstance(category, str) else (),
        )

    def refilter(self) -> None:
        """Redraw the chart and the events for the filters as they are now."""
        from casekit.errors import CasekitError
        from casekit.query import timeline
        from casekit.render.timeline import date_text, timeline_chart

        status = self.query_one("#timeline-status", Static)
        try:
            q = self.timeline_query()
            rows = timeline(self.browsed.cases, q, self.browsed.today)
        except CasekitError as exc:
            status.update(Text(clean(exc.message), style="bold red"))
            return
        several = self.browsed.several
        index = {id(c): k for k, c in enumerate(self.browsed.cases)}
        label = self.browsed.labels
        table = self.query_one("#events", ItemTable)
        table.clear(columns=True)
        table.add_columns(*(["case"] if several else []), "date", "event", "category")
        self.refs = []
        for c, e in rows:
            k = index[id(c)]
            self.refs.append(Ref(k, "timeline", e.id))
            cells = [date_text(e.date, e.confidence), safe(e.title, "bold"), safe(e.category or "", "magenta")]
            table.add_row(*([safe(label[k], "cyan")] if several else []), *cells)
        chart = self.query_one("#chart-body", Static)
        if not rows:
            chart.update(Text("no events match", style="dim"))
        elif len({id(c) for c, _ in rows}) > self.CHART_MAX:
            chart.update(Text(f"the chart draws at most {self.CHART_MAX} cases at once", style="dim"))
        else:
            cases = [c for c in self.browsed.cases if any(rc is c for rc, _ in rows)]
            events = [(label[index[id(c)]] if several else None, e) for c, e in rows]
            chart.update(timeline_chart(events, cases, self.browsed.today, eras=q.eras))
        shown = f"{len(rows)} event{'s' * (len(rows) != 1)}"
        status.update(Text(f"{shown}; Enter opens one, Escape goes back", style="dim"))

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        self.refilter()

    @on(Input.Changed, "#period")
    def _period_changed(self, event: Input.Changed) -> None:
        self.refilter()

    @on(Input.Submitted, "#period")
    def _period_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#events", ItemTable).focus()

    @on(DataTable.RowSelected, "#events")
    def _event_chosen(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.refs):
            self.dismiss(self.refs[event.cursor_row])

    def action_close(self) -> None:
        """Back to where the timeline was opened from."""
        self.dismiss(None)


KEYS = (
    ("↑ ↓  j k", "move in a list or table"),
    ("g G", "first, last row"),
    ("← → h l  Tab", "move between the panes"),
    ("Enter", "open: a section's items, an item's links, a link's item"),
    ("Esc  Backspace", "back to where the last link was followed from"),
    ("f", "filter the table as you type (Esc clears)"),
    ("s", "sort by a column (again: reversed, then the next)"),
    ("/", "search every case; n N the next, previous hit"),
    ("t", "the timeline: eras chart, events by era, category, period"),
    ("?", "this help"),
    ("q", "quit"),
)


class HelpScreen(ModalScreen[None]):
    """`?`: the keys; any key closes it."""

    def compose(self) -> ComposeResult:
        """The keys, one a line."""
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold cyan", no_wrap=True)
        grid.add_column()
        for keys, what in KEYS:
            grid.add_row(keys, what)
        note = Text("\nThe mouse works too: click a section, a row, a link, a column header to sort.", style="dim")
        with Vertical(id="help-box"):
            yield Static(Group(grid, note))

    def on_mount(self) -> None:
        """Titled."""
        self.query_one("#help-box").border_title = "keys"

    def on_key(self, event) -> None:
        """Any key closes the help."""
        event.stop()
        self.dismiss(None)

    def on_click(self) -> None:
        """A click closes it too."""
        self.dismiss(None)
