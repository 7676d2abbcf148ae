"""A listing: rows of text cells under a header, laid out in one pass.

Why not `rich.table.Table`: speed. A Table measures and renders every cell
through the general renderable protocol (padding, measurement, line
splitting), and for a listing that was most of a command's run time.
Listings only hold text, so this lays them out directly: natural widths,
the widest columns shrunk until the row fits, each cell wrapped as
`fit.Wrapped` text (at spaces, a long id or path after an `_` or `/`, a
marked line with a hanging indent, a no-break space holding; a word longer
than its line folded, never cut). It looks like a `Table` with
`box.SIMPLE_HEAD`, no outer edge, three spaces between columns.

Measured (CPU, the bundled case's timeline of 57 events, the same cells in
a `Table` of the same look): 12 ms against 38 ms at 100 columns, 14 against
78 at 60 (where most cells wrap); a first render in a fresh process, 13
against 45. `casekit timeline` has to start within 1.3x the import floor of
typer, rich and yaml (`python benchmarks/startup.py`: a floor of about
140 ms leaves casekit some 40 ms for everything it does), which a `Table`
alone would use up. Before replacing this with a `Table`, run that
benchmark.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from casekit.render.text import clean

GAP = "   "


class Column(msgspec.Struct):
    """One column: its header, the style under its cells, and its limits."""

    header: str | Text
    style: str = ""
    header_style: str = "bold"
    justify: str = "left"
    min_width: int = 1
    max_width: int | None = None


class Listing:
    """A header, a rule, and rows of text that wrap rather than lose anything."""

    def __init__(self, *, leading: int = 0, caption: str | Text | None = None) -> None:
        self.columns: list[Column] = []
        self.rows: list[list[Text]] = []
        self.leading = leading
        self.caption = caption

    def add_column(self, header: str | Text, **options) -> None:
        """Add a column (options as `Column`'s fields)."""
        self.columns.append(Column(header, **options))

    def add_row(self, *cells: str | Text | None) -> None:
        """Add a row; strings are taken as plain text, never markup, with control characters
        made visible."""
        row = [c if isinstance(c, Text) else Text(clean(c)) for c in cells]
        row += [Text("")] * (len(self.columns) - len(row))
        self.rows.append(row)

    def widths(self, available: int) -> list[int]:
        """Each column's width: natural, capped, then the widest shrunk until the row fits."""
        columns = self.columns
        natural = []
        for i, column in enumerate(columns):
            header = column.header.cell_len if isinstance(column.header, Text) else len(column.header)
            width = max([header, column.min_width] + [widest_line(row[i]) for row in self.rows])
            if column.max_width:
                width = min(width, max(column.max_width, column.min_width))
            natural.append(width)
        room = max(len(columns), available - len(GAP) * (len(columns) - 1))
        widths = natural[:]
        floors = [min(c.min_width, w) for c, w in zip(columns, widths)]
        excess = sum(widths) - room
        while excess > 0:
            shrinkable = [i for i in range(len(widths)) if widths[i] > floors[i]]
            if not shrinkable:
                floors = [1] * len(widths)  # narrower than the minimums: fold rather than overflow
                shrinkable = [i for i in range(len(widths)) if widths[i] > 1]
                if not shrinkable:
                    break
            widest = max(shrinkable, key=lambda i: widths[i])
            widths[widest] -= 1
            excess -= 1
        return widths

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = self.widths(options.max_width)
        total = sum(widths) + len(GAP) * (len(widths) - 1)
        headers = [(c.header.copy() if isinstance(c.header, Text) else Text(c.header)) for c in self.columns]
        for header, column in zip(headers, self.columns):
            header.stylize_before(column.header_style)
        justify = [c.justify for c in self.columns]
        yield from self._line(console, headers, widths, justify)
        yield Segment("─" * total)
        yield Segment.line()
        for index, row in enumerate(self.rows):
            if index and self.leading:
                yield from (Segment.line() for _ in range(self.leading))
            styled = []
            for cell, column in zip(row, self.columns):
                if column.style:
                    # The column's style sits under the cell's own, as in a Rich table.
                    cell = cell.copy()
                    cell.style = Style.parse(column.style) + (
                        Style.parse(cell.style) if isinstance(cell.style, str) else cell.style
                    )
                styled.append(cell)
            yield from self._line(console, styled, widths, justify)
        if self.caption:
            caption = self.caption if isinstance(self.caption, Text) else Text(self.caption, style="dim")
            yield from console.render(caption, options)

    def _line(self, console: Console, cells: list[Text], widths: list[int], justify: list[str]) -> Iterable[Segment]:
        from casekit.render.fit import NBSP, Wrapped  # fit builds on this module

        wrapped = []
        for cell, width in zip(cells, widths):
            plain = cell.plain
            if "\n" in plain or plain.endswith(" ") or NBSP in plain or "\t" in plain or cell.cell_len > width:
                wrapped.append(Wrapped.wrap(cell, console, width, justify="default", overflow="fold", no_wrap=False))
            else:  # most cells: one line that fits as it is
                wrapped.append((cell,))
        height = max((len(lines) for lines in wrapped), default=1)
        gap = Segment(GAP)
        blank = Style()
        for k in range(height):
            # Stop after the last cell with text on this line: no trailing spaces.
            used = max((i for i, lines in enumerate(wrapped) if k < len(lines) and lines[k].plain.strip()), default=0)
            for i, (lines, width) in enumerate(zip(wrapped[: used + 1], widths)):
                last = i == used
                if i:
                    yield gap
                if k < len(lines):
                    text = lines[k]
                    text.rstrip()
                    pad = width - text.cell_len
                    # Text.render leaves the base style to its caller.
                    base = console.get_style(text.style, default=blank) if text.style else None
                    segments = Segment.apply_style(text.render(console), base)
                    if justify[i] == "right" and pad > 0:
                        yield Segment(" " * pad)
                        yield from segments
                    else:
                        yield from segments
                        if pad > 0 and not last:
                            yield Segment(" " * pad, blank)
                elif not last:
                    yield Segment(" " * width)
            yield Segment.line()


def widest_line(text: Text) -> int:
    """How many cells the widest line of `text` takes."""
    plain = text.plain
    if "\n" not in plain:
        return text.cell_len
    from rich.cells import cell_len

    return max(cell_len(line) for line in plain.split("\n"))
