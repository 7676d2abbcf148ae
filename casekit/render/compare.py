"""A comparison as a table: one row per attribute, one column per case.

Cases sit side by side while every column has room for its longest word
(a tag such as `artificial-intelligence`, a case id); when they do not fit
the terminal, each attribute lists its cases one under the other instead
(beside it, else below it), so that no tag, id or word is broken to
squeeze a column.
"""

from __future__ import annotations

from rich.text import Text

from casekit.compare import Comparison, MetricCell, Row, Span
from casekit.dates import PartialDate
from casekit.model import Era, Principle
from casekit.render.fit import NBSP, ForWidth, Wrapped, first_fitting, longest_word, unbroken
from casekit.render.listing import Listing
from casekit.render.overview import SEVERITY_STYLE
from casekit.render.text import clean

GROUP_STYLE = {"tags": "cyan", "themes": "green"}
LABEL_WIDTH = 28  # the attribute column wraps beyond this


def metric_text(cell: MetricCell) -> str:
    """`~$60M (2023) · CAGR ≈+44%/yr`: the latest value, its date and the growth rate of the series
    (a line breaks only between the three, after the `·`)."""
    latest = cell.latest
    if latest is None:
        return "no observations"
    text = f"{latest.value.display()} {unbroken(f'({latest.date.text})')}"
    rate = cell.cagr
    if rate is not None:
        mark = "≈" if rate.approximate else ""
        sign = "+" if rate.value >= 0 else "-"
        text += f"{NBSP}· " + unbroken(f"CAGR {mark}{sign}{abs(rate.value):.0f}%/yr")
    return text


def span_text(span: Span) -> str:
    """`2017 – 2022 (6 years)`: the first and last events' dates and the years between (a line
    breaks only after the `–` or before the years)."""
    first, last = span.first, span.last
    text = f"{unbroken(first.text)}{NBSP}– {unbroken(last.text)}" if first != last else unbroken(first.text)
    return text + (f" ({span.years}{NBSP}years)" if span.years and span.years > 1 else "")


def _cell(group: str, value: object) -> Text:
    if value is None or value == "" or value == ():
        return Text("—", style="dim")
    if isinstance(value, int):
        return Text(str(value))
    out = Wrapped(style=GROUP_STYLE.get(group, ""))
    if isinstance(value, PartialDate):
        out.append(clean(value.text))
    elif isinstance(value, Span):
        out.append(clean(span_text(value)))
    elif isinstance(value, MetricCell):
        out.append(clean(metric_text(value)))
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            if group != "tags" and i:
                out.append("\n")
            if isinstance(item, Era):
                out.append(clean(f"{item.period.text} {item.title}"))
            elif isinstance(item, Principle):
                out.append(clean(f"{item.n}. {item.title}"))
            elif group == "risks":
                out.append(clean(item.severity), style=SEVERITY_STYLE.get(item.severity, ""))  # type: ignore[attr-defined]
                out.append(" " + clean(item.title))  # type: ignore[attr-defined]
            else:  # a tag
                out.append((", " if i else "") + clean(item))
    else:
        out.append(clean(value))
    return out


def _groups(comparison: Comparison) -> list[list[Row]]:
    groups: list[list[Row]] = []
    for row in comparison.rows:
        if not groups or groups[-1][0].group != row.group:
            groups.append([])
        groups[-1].append(row)
    return groups


def _floor(*texts: Text | str) -> int:
    """The room a column needs so that none of its words is broken."""
    return max(1, longest_word(*texts, underscores=False))


def comparison_table(comparison: Comparison) -> ForWidth:
    """Attributes down, cases across, a blank line between groups (case, counts, eras, metrics, …).
    On a terminal too narrow for that without breaking a word, the cases of each attribute one
    under the other beside it; narrower still, each attribute on a line of its own above them."""
    labels = comparison.labels
    groups = _groups(comparison)
    cells = [[(row, [_cell(row.group, row.values.get(label)) for label in labels]) for row in group]
             for group in groups]
    names = [Wrapped(clean(row.label)) for row in comparison.rows]
    headers = [Text(clean(label)) for label in labels]

    def side_by_side() -> Listing:
        listing = Listing()
        listing.add_column("", style="bold", min_width=_floor(*names), max_width=LABEL_WIDTH)
        for k, header in enumerate(headers):
            column = [row_cells[k] for group in cells for _, row_cells in group]
            listing.add_column(header, header_style="bold cyan", min_width=_floor(header, *column))
        for i, group in enumerate(cells):
            if i:
                listing.add_row()
            for row, row_cells in group:
                listing.add_row(Wrapped(clean(row.label)), *row_cells)
        return listing

    def stacked() -> Listing:
        listing = Listing()
        values = [cell for group in cells for _, row_cells in group for cell in row_cells]
        listing.add_column("", style="bold", min_width=_floor(*names), max_width=LABEL_WIDTH)
        listing.add_column("case", header_style="bold cyan", style="bold cyan", min_width=_floor(*headers))
        listing.add_column("value", min_width=_floor(*values))
        for i, group in enumerate(cells):
            if i:
                listing.add_row()
            for row, row_cells in group:
                for k, (header, cell) in enumerate(zip(headers, row_cells)):
                    listing.add_row(Wrapped(clean(row.label)) if k == 0 else None, header.copy(), cell)
        return listing

    def narrow() -> Listing:
        listing = Listing()
        values = [cell for group in cells for _, row_cells in group for cell in row_cells]
        indented = max(2 + header.cell_len for header in headers)
        listing.add_column("case", header_style="bold cyan", min_width=max(_floor(*names), indented))
        listing.add_column("value", min_width=_floor(*values))
        for i, group in enumerate(cells):
            if i:
                listing.add_row()
            for row, row_cells in group:
                listing.add_row(Wrapped(clean(row.label), style="bold"))
                for header, cell in zip(headers, row_cells):
                    listing.add_row(Text("  ") + Text(header.plain, style="cyan"), cell)
        return listing

    return ForWidth(lambda width: first_fitting(width, (side_by_side, stacked, narrow)))
