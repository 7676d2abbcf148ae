"""Metrics, one metric's series and revenue segments: tables, sparklines and bars.

Pure: data in (summaries, a series' rows, segment shares), Rich renderables
out. The charts measure the width Rich gives them and size their bars to
what the text columns leave; every bar of a chart shares one scale, from
zero.

Glyphs carry the meaning without colour: █ a value, ░ what a range or an
upper bound leaves open, ▶ "or more" (`300K+`), ◀ "below" (`<$4B`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from casekit.render.fit import (
    READING_WIDTH,
    ForWidth,
    first_fitting,
    fits,
    fixed,
    lead,
    longest_word,
    natural,
)
from casekit.render.listing import GAP, Listing
from casekit.render.text import clean, safe
from casekit.render.timeline import date_text
from casekit.values import Growth, Value, format_number

SPARKS = "▁▂▃▄▅▆▇█"
EIGHTHS = "▏▎▍▌▋▊▉"  # 1/8 … 7/8 of a cell, for the tip of a bar
SOLID, LIGHT, MORE, LESS = "█", "░", "▶", "◀"
BAR_STYLE, LIGHT_STYLE, ARROW_STYLE, NEGATIVE_STYLE = "cyan", "cyan", "yellow", "red"
NOT_COMPARABLE = "—"
OVERLAP = "overlap"  # the footnote of a `—` where dates overlap: no growth measured

GLYPH_LEGEND = {
    SOLID: "█ value",
    LIGHT: "░ range or open side",
    MORE: "▶ or more",
    LESS: "◀ below",
}


# --- small pieces ------------------------------------------------------------


def sparkline(values: Sequence[Value]) -> Text:
    """One character per value, ▁ to █ between the smallest and largest midpoint; `·` for a lone value."""
    mids = [v.midpoint for v in values if v.midpoint is not None]
    if len(mids) < 2:
        return Text("·" * len(mids), style="dim")
    lo, hi = min(mids), max(mids)
    # In halves: the same steps for any figure, and no overflow between figures near the float maximum.
    span = hi / 2 - lo / 2
    if not span or not math.isfinite(span):
        return Text(SPARKS[3] * len(mids), style=BAR_STYLE)
    return Text("".join(SPARKS[round((m / 2 - lo / 2) / span * (len(SPARKS) - 1))] for m in mids), style=BAR_STYLE)


def change_text(g: Growth | None, *, compared: bool) -> Text:
    """The change part of a growth (`+$6.5B`, `≈+$25M`, `≥+$3.3B`), `—` when not comparable (or,
    with `compared` true and no growth, when the dates overlap)."""
    if g is None:
        return Text(NOT_COMPARABLE if compared else "", style="dim")
    return _growth_style(g, g.display(with_pct=False) or NOT_COMPARABLE)


def pct_text(g: Growth | None, *, compared: bool) -> Text:
    """The % part of a growth (`+89%`, `≈+140%`), `—` when there is none."""
    if g is None:
        return Text(NOT_COMPARABLE if compared else "", style="dim")
    return _growth_style(g, g.display(with_change=False) or NOT_COMPARABLE)


def _growth_style(g: Growth, text: str) -> Text:
    if text == NOT_COMPARABLE:
        return Text(text, style="dim")
    sign = g.change if g.change is not None else g.pct
    style = "green" if sign and sign > 0 else "red" if sign and sign < 0 else ""
    return Text(text, style=style + (" italic" if g.approximate else ""))


def cagr_text(value: float, approximate: bool) -> str:
    """`+77.3% a year`, `≈+93.5% a year`."""
    sign = "+" if value > 0 else "-" if value < 0 else ""
    return f"{'≈' if approximate else ''}{sign}{abs(value):.1f}% a year"


def glyphs_of(values: Iterable[Value]) -> list[str]:
    """The bar glyphs `values` will be drawn with, in legend order."""
    used = set()
    for v in values:
        if v.qualifier in ("at_least", "above"):
            used |= {SOLID, MORE}
        elif v.qualifier in ("at_most", "below"):
            used |= {LIGHT, LESS}
        elif v.qualifier == "range":
            used |= {SOLID, LIGHT} if v.low else {LIGHT}
        else:
            used.add(SOLID)
    return [g for g in GLYPH_LEGEND if g in used]


def legend(glyphs: Sequence[str]) -> Text:
    """The key to the glyphs a chart uses (nothing when it uses only █)."""
    if list(glyphs) in ([], [SOLID]):
        return Text("")
    return Text("   ".join(GLYPH_LEGEND[g] for g in glyphs), style="dim")


# --- bars --------------------------------------------------------------------


class Bar:
    """A value as a horizontal bar on a shared scale, drawn to the width Rich gives it."""

    def __init__(self, value: Value, top: float, bottom: float = 0.0, min_width: int = 8, max_width: int = 64) -> None:
        self.value = value
        self.top = top
        self.bottom = min(bottom, 0.0)
        self.min_width = min_width
        self.max_width = max_width  # longer bars add no precision, only eye travel

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.min_width, max(self.min_width, min(self.max_width, options.max_width)))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.text(options.max_width)

    def text(self, width: int) -> Text:
        """The bar in `width` cells (the last one kept free for an arrow)."""
        v = self.value
        track = max(1, width - 1)
        # In halves, as the sparkline: no overflow between figures near the float maximum.
        span = (self.top / 2 - self.bottom / 2) or 0.5

        def pos(x: float) -> float:
            return max(0.0, min(track, (x / 2 - self.bottom / 2) / span * track))

        zero = round(pos(0.0))
        out = Text(" " * zero, no_wrap=True, overflow="crop")
        mid = v.midpoint
        if mid is None:
            return out
        if mid < 0:  # a loss: a whole-cell bar from the value up to zero
            start = round(pos(mid))
            return Text(" " * start) + Text(SOLID * max(1, zero - start), style=NEGATIVE_STYLE)
        q = v.qualifier
        if q in ("at_most", "below"):
            assert v.high is not None
            end = max(zero + 1, round(pos(v.high)))
            out.append(LIGHT * (end - zero - 1), style=LIGHT_STYLE + " dim")
            out.append(LESS, style=ARROW_STYLE)
            return out
        solid_to = v.low if q in ("range", "at_least", "above") else mid
        assert solid_to is not None
        solid = _solid(pos(solid_to) - zero)
        if solid or solid_to > 0:
            out.append(solid or EIGHTHS[0], style=BAR_STYLE)  # a sliver, so a tiny value still shows
        if q == "range":
            assert v.high is not None
            filled = len(out.plain)
            end = round(pos(v.high))
            out.append(LIGHT * max(1, end - filled), style=LIGHT_STYLE + " dim")
        elif q in ("at_least", "above"):
            out.append(MORE, style=ARROW_STYLE)
        return out


def _solid(cells: float) -> str:
    """A bar `cells` long in full blocks with an eighth-block tip."""
    if cells <= 0:
        return ""
    full = int(cells)
    eighths = round((cells - full) * 8)
    if eighths == 8:
        full, eighths = full + 1, 0
    return SOLID * full + (EIGHTHS[eighths - 1] if eighths else "")


def scale_of(values: Iterable[Value]) -> tuple[float, float]:
    """(top, bottom) of a chart of `values`: every bound drawn, zero always in view."""
    numbers = [x for v in values for x in (v.low, v.high) if x is not None]
    if not numbers:
        return 1.0, 0.0
    top, bottom = max(0.0, *numbers), min(0.0, *numbers)
    return (top if top > bottom else bottom + 1.0), bottom


# --- casekit metrics ---------------------------------------------------------


def metrics_table(summaries: Sequence, long: bool = False) -> ForWidth:
    """`casekit metrics`: each metric's latest value against the previous one, and its trend; with
    `long`, under each name its description, note, sources and confidence, and the latest
    observation's.

    Wide terminals get one line per metric. Narrower ones put each date
    under its value and the id under the name; narrower still, the previous
    value goes under the latest and the % change under the change, and the
    trend is left out when even that leaves the names too little room.
    Figures are never wrapped or cut.
    """
    table = MetricsTable(summaries, long)
    return ForWidth(table.layout)


class MetricsTable:
    """The metrics table in its three shapes: one line, two lines, stacked."""

    NAME_FLOOR = (12, 20)  # the metric column gets at least its longest word, within these bounds
    LONG_FLOOR = 30  # with --long it holds paragraphs too

    def __init__(self, summaries: Sequence, long: bool = False) -> None:
        self.summaries = summaries
        self.long = long

    def layout(self, width: int) -> Listing | Group:
        """The widest shape that fits `width`, and the key to its marks after a blank line."""
        table = self.table("line")
        if sum(natural(table)) + len(GAP) * (len(table.columns) - 1) > width:
            table = first_fitting(
                width,
                (lambda: self.table("two"), lambda: self.table("stacked"), lambda: self.table("stacked", trend=False)),
            )
        notes = footnotes(self.marks)
        return Group(table, Text(""), notes) if notes else table

    def table(self, shape: str, trend: bool = True) -> Listing:
        """`shape`: "line" (one line per metric), "two" (dates and ids under their values and names),
        "stacked" (latest over previous, change over % change)."""
        self.marks: set[str] = set()
        rows = [self._cells(s, shape, self.marks) for s in self.summaries]
        table = Listing(leading=0 if shape == "line" else 1)
        names = [row[0] for row in rows]
        low, high = self.NAME_FLOOR
        # Ids are what users copy into `casekit metric ID`: room for the longest on one line.
        ids = max((len(s.metric.id) for s in self.summaries), default=0)
        table.add_column(
            "metric",
            min_width=max(low, min(high, longest_word(*names)), ids, self.LONG_FLOOR if self.long else 0),
            max_width=READING_WIDTH if self.long else None,
        )
        table.add_column("latest", justify="right")
        if shape == "line":
            table.add_column("as of")
        if shape != "stacked":
            table.add_column("previous", justify="right")
            if shape == "line":
                table.add_column("as of")
            table.add_column("change", justify="right")
            table.add_column("% change", justify="right")
        else:
            table.add_column("change" if trend else "change\ntrend", justify="right")
        if trend:
            table.add_column("trend")
        for row in rows:
            if not trend and shape == "stacked" and row[-1].plain:
                # No room for a trend column: the sparkline goes under the change.
                row = [*row[:-2], Text.assemble(row[-2], "\n" if row[-2].plain else "", row[-1]), row[-1]]
            table.add_row(*(row if trend else row[:-1]))
        figures = range(1, len(table.columns))
        fixed(table, *figures)
        if shape == "stacked":  # the latest column may wrap `from $7.3B` and `spring 2024` at their spaces
            table.columns[1].min_width = longest_word(table.columns[1].header, *(row[1] for row in table.rows))
        return table

    def _cells(self, s, shape: str, marks: set[str]) -> list[Text]:
        name = lead(s.metric.name, "bold")
        name.append(("  " if shape == "line" else "\n") + clean(s.metric.id), style="dim cyan")
        if self.long:
            name.append_text(long_lines(s.metric, s.latest))
        blank = Text("")
        figures = 7 if shape == "line" else 5 if shape == "two" else 3
        if s.latest is None:
            return [name, Text("—", style="dim"), *[blank] * (figures - 1)]
        latest, prev, g = s.latest, s.previous, s.growth
        # Earlier values in the latest's unit, none wholly before it: the dates overlap.
        overlapped = prev is None and len(s.trend) > 1
        compared = prev is not None or overlapped
        _note_marks(marks, g, compared, overlapped)
        trend = sparkline(s.trend)
        if s.other_units:
            trend.append(" †", style="yellow")
            marks.add("†")
        if latest.confidence == "disputed" or (prev is not None and prev.confidence == "disputed"):
            marks.add("‡")
        value = safe(latest.value.display(), "bold")
        when = date_text(latest.date, latest.confidence)
        previous, previous_when = Text(), Text()
        if prev is not None:
            previous = safe(prev.value.display())
            previous_when = date_text(prev.date, prev.confidence)
            if shape != "line":  # the date under the value, as the latest's is
                previous.append("\n" + clean(prev.date.text), style="dim")
                if prev.confidence == "disputed":
                    previous.append(" ‡", style="bold yellow")
        change, pct = change_text(g, compared=compared), pct_text(g, compared=compared)
        if shape == "line":
            return [name, value, when, previous, previous_when, change, pct, trend]
        if shape == "two":
            return [name, Text.assemble(value, "\n", when), previous, change, pct, trend]
        latest_cell = Text.assemble(value, "\n", when)
        if prev is not None:
            latest_cell.append("\nfrom ", style="dim")
            latest_cell.append_text(previous)
        both = Text.assemble(change, "\n", pct) if prev is not None else change
        return [name, latest_cell, both, trend]


def long_lines(metric, latest) -> Text:
    """What `metrics --long` adds under a metric's name: its description, note, sources and
    confidence, then the latest observation's (indented under `latest DATE`)."""
    from casekit.render.provenance import provenance_lines

    text = provenance_lines(metric, [("", metric.description)])
    if latest is not None:
        shown = list(provenance_lines(latest).split("\n", allow_blank=True))[1:]
        if shown:
            text.append("\nlatest " + clean(latest.date.text), style="dim")
            for line in shown:
                text.append("\n  ")
                text.append_text(line)
    return text


def _note_marks(marks: set[str], g: Growth | None, compared: bool, overlapped: bool = False) -> None:
    if g is None:
        if overlapped:
            marks.add(OVERLAP)
        elif compared:
            marks.add(NOT_COMPARABLE)
        return
    if g.approximate:
        marks.add("≈" if g.bound is None else "≥≤")


FOOTNOTES = {
    "≈": "≈ estimated: from ~ figures or the middle of a range",
    "≥≤": "≥ ≤ only a floor or a ceiling: a figure is a bound such as 300K+ or <$4B",
    NOT_COMPARABLE: "— no growth can be read from the two figures",
    OVERLAP: "— dates overlap: no growth measured (they describe the same time)",
    "†": "† observations in another unit or currency are left out of the trend and growth",
    "‡": "‡ sources disagree; see the note",
}


def footnotes(marks: Iterable[str]) -> Text | None:
    """The key to the marks a table uses, one per line, in a fixed order."""
    lines = [FOOTNOTES[m] for m in FOOTNOTES if m in set(marks)]
    return Text("\n".join(lines), style="dim") if lines else None


# --- casekit metric ID -------------------------------------------------------


def metric_view(metric, rows, span) -> Group:
    """`casekit metric ID`: the series in date order with change, % change and bars, then the CAGR.

    `rows` are `casekit.analytics.series_table(metric)`, `span` their
    `cagr_span`. A metric whose values come in several units is drawn as
    one chart per unit, each on its own scale.
    """
    head = Text()
    head.append(clean(metric.name), style="bold")
    head.append(f"  {clean(metric.id)} · {clean(metric.unit)}", style="dim")
    parts: list = [head]
    if metric.description:
        parts.append(safe(metric.description, "dim"))
    if not rows:
        parts.append(Text("no observations", style="dim"))
        return Group(*parts)
    units = list(dict.fromkeys(row.unit for row in rows))
    marks: set[str] = set()
    for unit in units:
        chart = SeriesChart([row for row in rows if row.unit == unit], title=f"in {unit}" if len(units) > 1 else None)
        marks |= chart.marks()
        parts += [Text(""), chart]
    key = legend(glyphs_of(row.value for row in rows))
    if key.plain:
        parts.append(key)
    parts.append(_cagr_line(rows, span))
    if len(units) > 1:
        parts.append(
            Text(
                f"values in {', '.join(clean(u) for u in units)} are charted apart; "
                "growth is computed only between values in the same unit",
                style="dim",
            )
        )
    notes = _notes(rows)
    if notes is not None:
        parts += [Text(""), notes]
    caption = footnotes(marks)
    if caption is not None:
        parts += [Text(""), caption]
    return Group(*parts)


class SeriesChart:
    """One unit's series as a table whose last column is a bar chart as wide as the terminal allows."""

    MAX_BAR = 64  # longer bars add no precision, only eye travel
    MIN_BAR = 8

    def __init__(self, rows, title: str | None = None) -> None:
        self.rows = rows
        self.title = title

    def marks(self) -> set[str]:
        """The footnote marks the table will use."""
        marks: set[str] = set()
        for k, row in enumerate(self.rows):
            overlapped = _overlapped(row, k)
            _note_marks(marks, _growth_of(row), _compared(row) or overlapped, overlapped)
            if row.confidence == "disputed":
                marks.add("‡")
        return marks

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.title:
            yield Text(clean(self.title), style="bold")
        yield self.layout(options.max_width)

    def layout(self, width: int) -> Listing:
        """Bars get what the text columns leave (at least MIN_BAR cells); when that is too little the
        % change goes under the change, and then the bars go."""
        for stacked in (False, True):
            text_only = self.table(0, stacked)
            room = width - sum(natural(text_only)) - len(GAP) * len(text_only.columns)
            if room >= self.MIN_BAR:
                return self.table(min(self.MAX_BAR, room), stacked)
        return self.table(0, stacked=True)

    def table(self, bar_width: int, stacked: bool = False) -> Listing:
        """The series with bars `bar_width` cells long (none when 0)."""
        values = [row.value for row in self.rows]
        top, bottom = scale_of(values)
        table = Listing()
        table.add_column("date")
        table.add_column("value", justify="right")
        table.add_column("change", justify="right")
        if not stacked:
            table.add_column("% change", justify="right")
        if bar_width:
            first = values[0]
            axis = f"0 → {format_number(top, currency=first.currency, unit=first.unit)}" if bottom == 0 else ""
            table.add_column(axis if len(axis) <= bar_width else "", min_width=bar_width, max_width=bar_width)
        for k, row in enumerate(self.rows):
            g, compared = _growth_of(row), _compared(row)
            date = Text(clean(row.date), style="green")
            if row.confidence == "disputed":
                date.append(" ‡", style="bold yellow")
            shown = compared or _overlapped(row, k)
            change, pct = change_text(g, compared=shown), pct_text(g, compared=shown)
            growth = [Text.assemble(change, "\n", pct) if compared else change] if stacked else [change, pct]
            bars = [Bar(row.value, top, bottom).text(bar_width)] if bar_width else []
            table.add_row(date, safe(row.value.display(), "bold"), *growth, *bars)
        fixed(table, *range(1, 3 if stacked else 4))
        table.columns[0].min_width = longest_word(*(r[0] for r in table.rows)) or 1  # `late 2022` may wrap
        return table


def _growth_of(row) -> Growth | None:
    return row.growth if isinstance(row.growth, Growth) else None


def _compared(row) -> bool:
    return row.previous is not None


def _overlapped(row, k: int) -> bool:
    """Whether the `k`th row of one unit's series has no growth though earlier rows come before it:
    none lies wholly before it (`casekit.analytics.previous_index`), their dates overlap its own."""
    return k > 0 and not _compared(row)


def _cagr_line(rows, span) -> Text:
    line = Text("CAGR ", style="bold")
    if span.value is None:
        line.append("—  ", style="dim")
        line.append(clean(span.reason or "not available"), style="dim")
        return line
    first, last = rows[span.first].date, rows[span.last].date
    if len({row.unit for row in rows}) > 1:
        line.append(f"in {clean(span.unit)} ", style="bold")
    line.append(cagr_text(span.value, span.approximate), style="bold green" if span.value >= 0 else "bold red")
    line.append(f"  {clean(first)} → {clean(last)}, {span.years:.1f} years", style="dim")
    if span.skipped:
        line.append(
            f"\n{'; '.join(clean(d) for d in span.skipped)}: a bound, so no figure to compound from", style="dim"
        )
    return line


def _notes(rows) -> Table | None:
    noted = [(r.date, r.note, r.confidence) for r in rows if isinstance(r.note, str) and r.note]
    if not noted:
        return None
    table = Table.grid(padding=(0, 2))
    table.add_column(style="green", overflow="fold")
    table.add_column(style="dim", ratio=1, overflow="fold")
    for d, note, confidence in noted:
        table.add_row(Text(clean(d) + (" ‡" if confidence == "disputed" else "")), safe(note))
    return table


# --- casekit segments --------------------------------------------------------


def segments_view(groups: Sequence) -> Group:
    """`casekit segments`: name, period, revenue, share as a bar, growth, margin; a note when shares do not add up.

    `groups` are `casekit.analytics.SegmentShares`, one per period.
    """
    notes: list[Text] = []
    for group in groups:
        note = share_note(group)
        if note:
            notes.append(Text(note, style="yellow"))
        if group.implied_total is not None:
            notes.append(
                Text(
                    f"* share implied by revenue, against the {group.implied_total.display()} total "
                    "that the segments stating both revenue and share imply",
                    style="dim",
                )
            )
    if any(seg.confidence == "disputed" for g in groups for seg in g.segments):
        notes.append(Text(FOOTNOTES["‡"], style="dim"))
    return Group(SegmentsTable(groups), *([Text(""), *notes] if notes else []))


class SegmentsTable:
    """The segments table, each share drawn as a bar (100% = the bar's whole width): beside the
    figures when it gets room there, else under the segment's name, as wide as the name's column;
    narrower still, share under revenue, margin under growth and the period under the name."""

    NAME_ROOM = 28  # names wrap to this before a bar beside them gets less than BAR_COMFORT cells
    NAME_FLOOR = (10, 20)
    BAR_BESIDE, BAR_COMFORT, MAX_BAR = 16, 24, 40  # cells: the least beside the figures, the room wanted, the most

    def __init__(self, groups: Sequence) -> None:
        self.groups = groups

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.layout(options.max_width)

    def layout(self, width: int) -> Listing:
        """The widest shape that fits `width`."""
        plain = self.table()
        stacked = not fits(plain, width)
        if not stacked:
            widths = natural(plain)
            room = width - sum(widths[1:]) - len(GAP) * len(widths)  # for the names, the bars and a gap
            bar = room - widths[0]
            if bar < self.BAR_COMFORT:
                bar = room - min(widths[0], self.NAME_ROOM)
            if bar >= self.BAR_BESIDE:
                table = self.table(bar_width=min(self.MAX_BAR, bar))
                # Rows whose names wrap are kept apart by a blank line.
                table.leading = int(table.widths(width)[0] < widths[0])
                return table
        # The bars go under the names: with the figures paired up when that gives them more room.
        under = min(self.MAX_BAR, self.table(stacked=stacked).widths(width)[0])
        if not stacked and under < self.BAR_COMFORT:
            paired = min(self.MAX_BAR, self.table(stacked=True).widths(width)[0])
            if paired > under:
                stacked, under = True, paired
        table = self.table(stacked=stacked, under=under)
        table.leading = 1
        return table

    def table(self, bar_width: int = 0, stacked: bool = False, under: int = 0) -> Listing:
        """Segment, period, revenue, share, bar (when `bar_width`), growth, margin; `stacked` pairs
        them; with `under`, a bar that wide goes under each name instead."""
        rows = []
        names = []
        for group in self.groups:
            top = max(100.0, group.total or 0.0)
            for seg in group.segments:
                name = lead(seg.name, "bold")
                if seg.confidence == "disputed":
                    name.append(" ‡", style="bold yellow")
                names.append(name.copy())
                share, shown = Text(""), None
                if seg.share is not None:
                    share, shown = safe(seg.share.display()), seg.share
                elif seg.id in group.implied:
                    shown = group.implied[seg.id]
                    share = Text(shown.display() + "*", style="dim italic")
                period = safe(seg.period.text if seg.period else "", "green")
                if stacked and period.plain:
                    name.append("\n")
                    name.append_text(period)
                if under and shown:
                    name.append("\n")
                    name.append_text(Bar(shown, top).text(under))
                if stacked:
                    rows.append(
                        [name, _pair(_figure(seg.revenue), share), _pair(_figure(seg.growth), _figure(seg.margin))]
                    )
                    continue
                bars = [Bar(shown, top).text(bar_width) if shown else Text("")] if bar_width else []
                rows.append(
                    [name, period, _figure(seg.revenue), share, *bars, _figure(seg.growth), _figure(seg.margin)]
                )
        low, high = self.NAME_FLOOR
        floor = max(low, min(high, longest_word(*names)), under)
        if stacked:
            table = Listing(leading=1)
            table.add_column("segment", min_width=floor)
            table.add_column("revenue\nshare", justify="right")
            table.add_column("growth\nmargin", justify="right")
        else:
            table = Listing()
            table.add_column("segment", min_width=floor)
            table.add_column("period")
            table.add_column("revenue", justify="right")
            table.add_column("share", justify="right")
            if bar_width:
                table.add_column("", min_width=bar_width, max_width=bar_width)
            table.add_column("growth", justify="right")
            table.add_column("margin", justify="right")
        for row in rows:
            table.add_row(*row)
        fixed(table, *range(1, len(table.columns)))
        if stacked:  # a two-line header is measured by its longest line
            for column, width in zip(table.columns[1:], _stacked_widths(table)):
                column.min_width = column.max_width = width
        return table


def _pair(top: Text, bottom: Text) -> Text:
    """Two figures, one over the other (either may be empty)."""
    return Text.assemble(top, "\n", bottom)


def _stacked_widths(table: Listing) -> list[int]:
    from rich.cells import cell_len

    widths = []
    for i, column in enumerate(table.columns[1:], 1):
        lines = str(column.header).split("\n") + [line for row in table.rows for line in row[i].plain.split("\n")]
        widths.append(max(cell_len(line) for line in lines))
    return widths


def _figure(v: Value | None) -> Text:
    return safe(v.display()) if v is not None else Text("")


def share_note(group) -> str | None:
    """A sentence when a period's stated shares do not add up to about 100%, else None."""
    period = f"{group.period}: " if group.period else ""
    if group.total is None:
        return None
    total = f"{'~' if group.approximate else ''}{group.total:.0f}%"
    if group.adds_up:
        return None
    if group.total > 105:
        return f"{period}the stated shares add up to {total}, more than the whole: they overlap or differ in basis"
    missing = len(group.missing)
    if missing:
        noun = "segment states" if missing == 1 else "segments state"
        return f"{period}the stated shares add up to {total}; {missing} {noun} no share"
    return f"{period}the stated shares add up to {total}; the rest is not in any segment"
