"""A comparison as a table: one row per attribute, one column per case.

Cases sit side by side while every column has room for its longest word
(a tag such as `artificial-intelligence`, a case id); when they do not fit
the terminal, each attribute lists its cases one under the other instead
(beside it, else below it), so that no tag, id or word is broken to
squeeze a column. The same wording, as plain text, makes the Markdown
records (`readable_records`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from casekit.compare import Comparison, MetricCell, Row, Span
from casekit.dates import PartialDate
from casekit.model import Era, Principle
from casekit.render.fit import NBSP, ForWidth, Wrapped, first_fitting, longest_word, unbroken
from casekit.render.listing import Listing
from casekit.render.overview import SEVERITY_STYLE
from casekit.render.text import clean

if TYPE_CHECKING:
    from casekit.records import Records

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


def _parts(group: str, value: object) -> list[tuple[str, str]]:
    """A present value as the pieces of text the table shows, each with its style (list items
    apart by newlines, tags by commas); the one wording of the table and of `readable_records`."""
    if isinstance(value, PartialDate):
        return [(value.text, "")]
    if isinstance(value, Span):
        return [(span_text(value), "")]
    if isinstance(value, MetricCell):
        return [(metric_text(value), "")]
    if not isinstance(value, tuple):
        return [(str(value), "")]
    parts: list[tuple[str, str]] = []
    for i, item in enumerate(value):
        if group != "tags" and i:
            parts.append(("\n", ""))
        if isinstance(item, Era):
            parts.append((f"{item.period.text} {item.title}", ""))
        elif isinstance(item, Principle):
            parts.append((f"{item.n}. {item.title}", ""))
        elif group == "risks":
            parts.append((item.severity, SEVERITY_STYLE.get(item.severity, "")))  # type: ignore[attr-defined]
            parts.append((" " + item.title, ""))  # type: ignore[attr-defined]
        else:  # a tag
            parts.append(((", " if i else "") + str(item), ""))
    return parts


def _missing(value: object) -> bool:
    return value is None or value == "" or value == ()


def _cell(group: str, value: object) -> Text:
    if _missing(value):
        return Text("—", style="dim")
    if isinstance(value, int):
        return Text(str(value))
    out = Wrapped(style=GROUP_STYLE.get(group, ""))
    for text, style in _parts(group, value):
        out.append(clean(text), style=style or None)
    return out


def readable_records(comparison: Comparison) -> Records:
    """The comparison as `{group, attribute, values: {<case>: text}}`, each value the text its table
    cell shows (list items on lines of their own, None where the case has nothing): for Markdown,
    which is read by people, one column per case."""
    from casekit.records import Records

    def text(group: str, value: object) -> str | None:
        if _missing(value):
            return None
        return "".join(part for part, _ in _parts(group, value)).replace(NBSP, " ")

    records = [
        {
            "group": row.group,
            "attribute": row.label,
            "values": {label: text(row.group, row.values.get(label)) for label in comparison.labels},
        }
        for row in comparison.rows
    ]
    shape = {"group": None, "attribute": None, "values": dict.fromkeys(comparison.labels)}
    return Records(records, shape)


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
    cells = [
        [(row, [_cell(row.group, row.values.get(label)) for label in labels]) for row in group] for group in groups
    ]
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
