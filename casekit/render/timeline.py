"""The timeline as a table, a tree (era → year → event) and a chart of eras and events."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.table import Table
from rich.text import Text

from casekit.dates import PartialDate
from casekit.model import Case, Event
from casekit.render.fit import (
    NBSP,
    READING_WIDTH,
    Capped,
    ForWidth,
    Wrapped,
    first_fitting,
    fixed,
    lead,
    longest_piece,
    longest_word,
    offsets,
    unbroken,
)
from casekit.render.listing import GAP, Listing
from casekit.render.text import clean, safe

if TYPE_CHECKING:
    from rich.tree import Tree  # imported by the tree view alone

CATEGORY_STYLE = {
    "funding": "green",
    "product": "cyan",
    "customer": "blue",
    "government": "magenta",
    "market": "yellow",
    "leadership": "red",
    "people": "bright_red",
    "deal": "bright_green",
    "other": "white",
}

Rows = Sequence[tuple[str | None, Event]]


def date_text(d: PartialDate, confidence: str | None = None) -> Text:
    """A date as written; approximate (~), uncertain (?) and disputed (‡) visibly marked."""
    text = Text(clean(d.text), style="green")
    written = d.text
    if d.approximate and "~" not in written and "c." not in written and "circa" not in written.lower():
        text.append("~", style="yellow")
    if d.uncertain and "?" not in written:
        text.append("?", style="yellow")
    if confidence == "disputed":
        text.append(" ‡", style="bold yellow")
    return text


# What the marks on a date mean, in the order a legend lists them.
MARKS = {
    "~": "~ approximate",
    "?": "? uncertain",
    "‡": "‡ sources disagree",
    "[": "[a..b] one moment, somewhere from a to b",
}


def marks_legend(dates: Iterable[Text]) -> Wrapped | None:
    """The key to the marks the shown `dates` carry, on one line; None when they carry none."""
    shown = "".join(d.plain for d in dates)
    keys = [key for mark, key in MARKS.items() if mark in shown]
    if not keys:
        return None
    return Wrapped("   ".join(key.replace(" ", NBSP, 1) for key in keys), style="dim")  # a mark keeps its word


def _era_titles(cases: dict[str, Case]) -> dict[tuple[str, str], str]:
    return {(c.id, e.id): e.title for c in cases.values() for e in c.eras}


def timeline_table(rows: Rows, cases: dict[str, Case], long: bool = False) -> ForWidth | Group:
    """Date as written, title, category, era; a case column when several. Short columns keep their
    natural width and the titles wrap; narrower, category and era go under the title, and then the
    date too. Under the table, the note of each event its sources disagree on (‡); with `long`,
    every event's detail, note, sources and confidence under its title instead."""
    table = ForWidth(TimelineTable(rows, cases, long).layout)
    notes = [] if long else disputed_notes(event for _, event in rows)
    # However wide the terminal, a note reads as a paragraph: its lines no wider than READING_WIDTH.
    return Group(table, Text(""), *(Capped(note) for note in notes)) if notes else table


def disputed_notes(events: Iterable[Event]) -> list[Wrapped]:
    """`‡ Title (date)` and, under it, the note saying how the sources disagree, for each event
    marked ‡ that has a note."""
    notes = []
    for event in events:
        if event.confidence != "disputed" or not event.note:
            continue
        text = Wrapped(hang=2)
        text.append("‡ ", style="bold yellow")
        text.append(clean(event.title), style="bold")
        text.append(unbroken(f" ({clean(event.date.text)})"), style="green")
        text.append("\n  " + clean(event.note))
        notes.append(text)
    return notes


def provenance_lines(event: Event) -> Text:
    """An event's detail, note, sources and confidence, a line each (those it has), for `--long`."""
    from casekit.render.provenance import provenance_lines as lines

    return lines(event, [("", event.detail)])


class TimelineTable:
    """The timeline table in its three shapes: a column each ("wide"), category and era under the
    title ("narrow"), everything but the case under the title ("stacked").

    When the table must be squeezed, the date column is as wide as the dates most rows have
    (DATES_MOST of them), never narrower than a date's longest piece: a rare long date (a range)
    breaks after its `/` rather than take room from every title. In the wide shape the era
    column then gets at most ERA_SHARE of what it and the titles share.
    """

    EVENT_FLOOR = 24  # the least room a title gets beside the other columns
    LONG_FLOOR = 44  # with --long, a title holds paragraphs: narrower, category and era go under it
    NARROW_FLOOR = 30  # beside the date alone, with two lines to a row, titles need more to read well
    DATES_MOST = 0.9
    ERA_SHARE = 1 / 3

    def __init__(self, rows: Rows, cases: dict[str, Case], long: bool = False) -> None:
        self.several = any(cid for cid, _ in rows)
        self.long = long
        eras = _era_titles(cases)
        self.rows = []
        self.heads: list[Text] = []  # each title alone, without what --long adds under it
        for cid, event in rows:
            case_id = cid or next(iter(cases))
            era = eras.get((case_id, event.era or ""), event.era or "")
            when = date_text(event.date, event.confidence)
            when.plain = unbroken(when.plain)  # a date breaks only after a `/`, never at a space
            title = lead(event.title, "bold")
            self.heads.append(title.copy())
            if long:
                title.append_text(provenance_lines(event))
            self.rows.append(
                (
                    safe(cid or "", "bold cyan"),
                    when,
                    title,
                    safe(event.category or "", CATEGORY_STYLE.get(event.category or "", "")),
                    safe(era, "dim"),
                )
            )
        self.categories = any(row[3].plain for row in self.rows)
        self.eras = any(row[4].plain for row in self.rows)
        self.caption = marks_legend(row[1] for row in self.rows)
        # The widths the shapes need, measured once: a long timeline is not laid out three times.
        self.case_width = max([len("case")] + [row[0].cell_len for row in self.rows]) if self.several else 0
        self.date_width = max([len("date")] + [row[1].cell_len for row in self.rows])
        dates = sorted(row[1].cell_len for row in self.rows)
        most = dates[max(0, math.ceil(len(dates) * self.DATES_MOST) - 1)] if dates else 0
        self.date_compact = max(len("date"), most, longest_piece(*(row[1] for row in self.rows)))
        self.era_width = max([len("era")] + [row[4].cell_len for row in self.rows]) if self.eras else 0
        self.era_texts = {row[4].plain for row in self.rows}
        self.title_width = max([len("event")] + [row[2].cell_len for row in self.rows])
        self.category_width = max([len("category")] + [row[3].cell_len for row in self.rows])
        self.era_floor = longest_word("era", *(row[4] for row in self.rows)) if self.eras else 0
        # The widest line under a title in the narrow shape (category · era) and the stacked one.
        self.under_width = {
            "narrow": max((_line_width([row[3], row[4]]) for row in self.rows), default=0),
            "stacked": max((_line_width([row[1], row[3], row[4]]) for row in self.rows), default=0),
        }

    def natural(self, shape: str) -> int:
        """The width `shape` takes with nothing wrapped."""
        columns = [self.case_width] if self.several else []
        if shape != "stacked":
            columns.append(self.date_width)
        columns.append(max(self.title_width, self.under_width.get(shape, 0)))
        if shape == "wide":
            columns += ([self.category_width] if self.categories else []) + ([self.era_width] if self.eras else [])
        return sum(columns) + len(GAP) * (len(columns) - 1)

    def needed(self, shape: str) -> int:
        """The least width `shape` fits in: its fixed columns whole (the date as most are), the title
        at its floor."""
        floor = (self.LONG_FLOOR if self.long else self.EVENT_FLOOR) if shape == "wide" else self.NARROW_FLOOR
        columns = [self.case_width] if self.several else []
        if shape != "stacked":
            columns.append(self.date_compact)
        columns.append(min(floor, max(self.title_width, self.under_width.get(shape, 0))))
        if shape == "wide":
            columns += ([self.category_width] if self.categories else []) + ([self.era_floor] if self.eras else [])
        return sum(columns) + len(GAP) * (len(columns) - 1)

    def layout(self, width: int) -> Listing:
        """The widest shape that fits `width`."""
        shape = next((s for s in ("wide", "narrow") if self.needed(s) <= width), "stacked")
        return first_fitting(width, [lambda: self.table(shape, width)])

    def table(self, shape: str, width: int = 80) -> Listing:
        """The listing in `shape`: "wide", "narrow" or "stacked", laid out for `width`."""
        squeezed = self.natural(shape) > width
        date_width = self.date_compact if squeezed else self.date_width
        # What the title column is left with beside the columns that do not wrap.
        room = width
        if self.several:
            room -= self.case_width + len(GAP)
        if shape != "stacked":
            room -= date_width + len(GAP)
        table = Listing(leading=0 if shape == "wide" and not self.long else 1, caption=self.caption)
        if self.several:
            table.add_column("case", style="bold cyan")
        if shape != "stacked":
            table.add_column("date", min_width=date_width, max_width=date_width)
        # With --long the titles carry paragraphs, which read badly wider than READING_WIDTH.
        table.add_column(
            "event",
            min_width=self.EVENT_FLOOR if shape == "wide" else self.NARROW_FLOOR,
            max_width=READING_WIDTH if self.long else None,
        )
        if shape == "wide" and self.categories:
            table.add_column("category")
            room -= self.category_width + len(GAP)
        if shape == "wide" and self.eras:
            # Beside titles that wrap, an era wraps too rather than take the room they need.
            shared = room - len(GAP)
            era_cap = (
                _wrapped_width(self.era_texts, max(self.era_floor, int(shared * self.ERA_SHARE))) if squeezed else None
            )
            table.add_column("era", min_width=self.era_floor, max_width=era_cap)
        for (case, when, title, category, era), head in zip(self.rows, self.heads):
            cells = [case] if self.several else []
            if shape == "wide":
                cells += [when, title] + ([category] if self.categories else []) + ([era] if self.eras else [])
            else:
                # The line of category and era goes right under the title, before what --long adds.
                under = [category, era] if shape == "narrow" else [when, category, era]
                cell = _under(head, under, room)
                cell.append_text(title[len(head) :])
                cells += ([when] if shape == "narrow" else []) + [cell]
            table.add_row(*cells)
        # Ids and categories are never wrapped: they are what a reader scans and copies.
        figures = [0] if self.several else []
        if shape == "wide" and self.categories:
            figures.append(len(figures) + 2)
        return fixed(table, *figures)


def _wrapped_width(texts: Iterable[str], width: int) -> int:
    """The widest line of `texts` wrapped at `width`: a column no wider than its cells need."""
    widest = 1
    for text in texts:
        starts = [0, *offsets(text, width, width), len(text)]
        widest = max(widest, *(cell_len(text[a:b].rstrip()) for a, b in zip(starts, starts[1:])))
    return min(widest, width)


def _line_width(parts: list[Text]) -> int:
    """The width of the non-empty `parts` as `_under` lays them on one line."""
    shown = [part.cell_len for part in parts if part.plain]
    return sum(shown) + len(" · ") * max(0, len(shown) - 1)


def _under(title: Text, parts: list[Text], room: int) -> Text:
    """The title with the non-empty `parts` on a line under it, `a · b · c`. The line breaks after
    a `·`; a part no wider than `room` is not broken."""
    cell = title.copy()
    shown = [part for part in parts if part.plain]
    if not shown:
        return cell
    cell.append("\n")
    for i, part in enumerate(shown):
        if i:
            cell.append(f"{NBSP}· ", style="dim")
        if part.cell_len <= room:
            part = part.copy()
            part.plain = unbroken(part.plain)
        cell.append_text(part)
    return cell


def _year_of(d: PartialDate, today: date) -> int:
    """The year an event is listed under: that of the day it sorts by (a moment known only within a
    span by its anchor day, see `PartialDate.anchor`), so the years stay in order."""
    return (d.anchor() or d.start or d.latest(today)).year


def timeline_tree(
    rows: Rows, cases: Sequence[Case], today: date, eras: Sequence[str] = (), long: bool = False
) -> Tree | Group:
    """Era → year → event; each event once, under its era (see `query.era_of`) among those `eras`
    names if any; the key to the dates' marks under it. Under an event its sources disagree on,
    the note saying how; with `long`, every event's detail, note, sources and confidence."""
    from rich.tree import Tree

    from casekit.query import era_of, matching_eras

    trees: list = []
    periods: list[Text] = []  # the eras' periods shown, whose marks the key explains too
    by_case: dict[str, list[Event]] = {}
    for cid, event in rows:
        by_case.setdefault(cid or cases[0].id, []).append(event)
    for case in cases:
        events = by_case.get(case.id)
        if not events:
            continue
        if case.title.startswith(case.company):  # say the company once
            root = Tree(Text(clean(case.title), style="bold"))
        else:
            root = Tree(Text.assemble((clean(case.company), "bold"), "  ", (clean(case.title), "dim")))
        shown = matching_eras(case, eras) if eras else case.eras
        home = {id(e): era_of(e, shown, today) for e in events}
        placed: set[int] = set()
        for era in sorted(shown, key=lambda e: e.period.sort_key(today)):
            members = [e for e in events if home[id(e)] is era]
            if not members:
                continue
            placed.update(id(e) for e in members)
            periods.append(Text(era.period.text))
            branch = root.add(Text.assemble((clean(era.title), "bold magenta"), "  ", (clean(era.period.text), "dim")))
            _add_years(branch, members, today, long)
        rest = [e for e in events if id(e) not in placed]
        if rest:
            _add_years(root.add(Text("(no era)", style="dim italic")) if placed else root, rest, today, long)
        trees.append(root)
    legend = marks_legend([*periods, *(date_text(e.date, e.confidence) for _, e in rows)])
    if legend is not None:
        trees.append(legend)
    return trees[0] if len(trees) == 1 else Group(*trees)


def _add_years(branch: Tree, events: list[Event], today: date, long: bool = False) -> None:
    years: dict[int, Tree] = {}
    for event in events:
        year = _year_of(event.date, today)
        if year not in years:
            years[year] = branch.add(Text(str(year), style="bold green"))
        # The date is never broken and the title's lines hang under its first word; the category,
        # set off by a `·` that shows without colour, goes to a new line only with the title's
        # last word: a wrapped label never leaves either alone.
        when = date_text(event.date, event.confidence)
        when.plain = unbroken(when.plain)
        label = Wrapped(hang=when.cell_len + 2)
        label.append_text(when)
        label.append("  ")
        label.append_text(safe(event.title))
        if event.category:
            label.append(f"{NBSP}·{NBSP}", style="dim")
            label.append(unbroken(clean(event.category)), style=CATEGORY_STYLE.get(event.category, "dim"))
        node = years[year].add(label)
        if long:
            node.add(Capped(Wrapped(provenance_lines(event).plain.lstrip("\n"), style="dim")))
        elif event.confidence == "disputed" and event.note:
            node.add(Capped(Wrapped(clean(event.note), style="dim")))


class TimelineChart:
    """Eras as bars across a year axis, each category's events marked on a track below.

    With `eras` (names, as `--era` takes them) only the eras they name are drawn. An open end
    runs to today, but a case is drawn only as far as it goes: an ongoing era's bar (or an
    open-ended event) stops at the case's as_of when that comes first, the bar ending in an
    arrow, and the years run no further for it.
    """

    def __init__(self, rows: Rows, cases: Sequence[Case], today: date, eras: Sequence[str] = ()) -> None:
        from casekit.query import matching_eras

        self.rows = rows
        self.cases = cases
        self.today = today
        self.now = {c.id: min(today, c.as_of.latest(today)) for c in cases}  # where each case's open ends stop
        self.eras = {
            c.id: sorted(matching_eras(c, eras) if eras else c.eras, key=lambda e: e.period.sort_key(today))
            for c in cases
        }
        self.first, self.last = self._span()

    def _events(self) -> dict[str, list[Event]]:
        by_case: dict[str, list[Event]] = {}
        for cid, event in self.rows:
            by_case.setdefault(cid or self.cases[0].id, []).append(event)
        return by_case

    def _span(self) -> tuple[int, int]:
        years: list[int] = []
        for cid, event in self.rows:
            now = self.now[cid or self.cases[0].id]
            years += [_year_of(event.date, now), event.date.latest(now).year]
        for case in self.cases:
            now = self.now[case.id]
            for era in self.eras[case.id]:
                end = era.period.latest(now).year
                years += [era.period.earliest().year if era.period.start else end, end]
        if not years:
            return self.today.year, self.today.year
        return min(years), max(years)

    # Labels are laid out whole when the years keep TRACK_ROOM cells beside them; else they take at
    # most LABEL_SHARE of the width, but never less than their longest word.
    TRACK_ROOM = 40
    LABEL_SHARE = 0.4
    MIN_TRACK = 10
    ONGOING = "►"  # after an era's bar: the era runs on after the case ends

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        first, last = self.first, self.last
        width = options.max_width
        several = len(self.cases) > 1
        rows = self._rows(several)
        labels = [label for label, _ in rows]
        natural = max((label.cell_len for label in labels), default=0)
        if width - natural - 1 >= self.TRACK_ROOM:
            label_width = natural
        else:
            label_width = min(natural, max(longest_word(*labels), int(width * self.LABEL_SHARE)))
        label_width = max(1, min(label_width, width - self.MIN_TRACK - 1))
        track = max(self.MIN_TRACK, width - label_width - 1)
        span_days = (date(last, 12, 31) - date(first, 1, 1)).days or 1

        def col(day: date) -> int:
            offset = (day - date(first, 1, 1)).days
            return max(0, min(track - 1, round(offset / span_days * (track - 1))))

        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=label_width)
        grid.add_column(width=track, no_wrap=True, overflow="crop")
        grid.add_row(Text(""), self._axis(first, last, col, track))
        for label, draw in rows:
            grid.add_row(label, draw(col, track) if draw else Text(""))
        yield grid
        keys = ["● an event", "2–9 several in one spot", "█ an era"]
        if any(era.period.end is None for eras in self.eras.values() for era in eras):
            keys.append(f"{self.ONGOING} ongoing")
        legend = Wrapped(style="dim")
        legend.append("   ".join(unbroken(key) for key in keys))
        yield legend

    def _rows(self, several: bool) -> list:
        """(label, draw) per row: with several cases a heading per case, then each case's eras and
        its events per category; `draw(col, track)` is the row's track, None for a heading."""
        by_case = self._events()
        indent = "  " if several else ""
        rows: list = []
        for case in self.cases:
            events = by_case.get(case.id, [])
            eras = self.eras[case.id]
            if several:
                if not events and not eras:
                    continue
                rows.append((safe(case.id, "bold cyan"), None))
            for era in eras:
                rows.append((_chart_label(indent, era.title, "magenta"), self._era_bar(era, self.now[case.id])))
            categories: dict[str, list[Event]] = {}
            for event in events:
                categories.setdefault(event.category or "other", []).append(event)
            for category, members in categories.items():
                style = CATEGORY_STYLE.get(category, "white")
                label = _chart_label(indent, f"{category} {unbroken(f'({len(members)})')}", style)
                rows.append((label, self._event_track(members, style, self.now[case.id])))
        return rows

    def _era_bar(self, era, now: date):
        def draw(col, track: int) -> Text:
            start = col(era.period.start or date(self.first, 1, 1))
            end = col(era.period.latest(now))
            bar = Text(" " * start) + Text("█" * max(1, end - start + 1), style="magenta")
            if era.period.end is None:  # it runs on: an arrow after the bar, or as its last cell
                if end + 1 < track:
                    bar.append(self.ONGOING, style="magenta")
                else:
                    bar = bar[:-1] + Text(self.ONGOING, style="magenta") if end > start else bar
            return bar

        return draw

    def _event_track(self, events: list[Event], style: str, now: date):
        def draw(col, track: int) -> Text:
            cells = [0] * track
            for event in events:
                lo, hi = event.date.earliest(), event.date.latest(now)
                mid = lo + (hi - lo) / 2 if event.date.start else hi
                cells[col(mid)] += 1
            line = Text()
            for count in cells:
                line.append(
                    "·" if count == 0 else ("●" if count == 1 else str(min(count, 9))),
                    style="dim" if count == 0 else style,
                )
            return line

        return draw

    def _axis(self, first: int, last: int, col, track: int) -> Text:
        axis = [" "] * track
        years = list(range(first, last + 1))
        step = 1
        while len(years[::step]) * 6 > track:
            step += 1
        for year in years[::step]:
            at = col(date(year, 1, 1))
            label = str(year)
            if at + len(label) <= track and all(c == " " for c in axis[at : at + len(label)]):
                axis[at : at + len(label)] = list(label)
        return Text("".join(axis), style="bold")


def _chart_label(indent: str, text: str, style: str) -> Wrapped:
    """A chart row's label (case text made safe), wrapped lines hanging under its indent."""
    label = Wrapped(indent)
    label.append(clean(text), style=style)
    return label


def timeline_chart(rows: Rows, cases: Sequence[Case], today: date, eras: Sequence[str] = ()) -> TimelineChart:
    """The chart view: eras as bars (only those `eras` names, if any), events marked per category."""
    return TimelineChart(rows, cases, today, eras)
