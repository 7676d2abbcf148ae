"""Fitting listings to the terminal: text that wraps better, and layouts chosen by width.

`Wrapped` is a Rich `Text` that wraps like any other but with three habits
listings want and Rich's wrapping lacks: a line that starts with an indent
or a marker (`1. `, `• `) continues under the text after it (a hanging
indent; `hang=N` sets one for a label such as `Counts  ` or a date), a
word too long for its line (a metric id such as
`army_contract_ceiling`, a path, `integration-driven`) breaks after an
`_`, a `/` or a `-` between letters before it is folded, and a no-break space (as `unbroken` makes them) holds its
neighbours on one line and prints as a space. Nothing is ever cut.

`fits` and `first_fitting` let a renderer try its layouts from the widest
down and take the first in which every column gets the room it needs. They
decide from widths measured on the cells, never from a trial render: a
layout that does not fit costs a sum, not a rendering. This and `Listing`
(see `casekit.render.listing` for the figures) are the layout engine the
listings use instead of `rich.table.Table`, for speed: with them the
bundled case's timeline renders in about a third of the CPU a `Table` needs
at 100 columns, a sixth at 60, which keeps one-case commands within the
start-up goal `python benchmarks/startup.py` checks. Measure with it before
replacing either.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.containers import Lines
from rich.measure import Measurement
from rich.text import Text

from casekit.render.listing import GAP, Listing, widest_line

NBSP = "\u00a0"  # glues the words either side; printed as a plain space
_WORD = re.compile(r"[^\S\u00a0]*[\S\u00a0]+[^\S\u00a0]*")  # a word, no-break spaces and all
_GLUED = re.compile(r"[\S\u00a0]+")
_PIECE = re.compile(r"[^_]*_+|[^_]+")  # a word split after each run of `_`
# Where a word too long for a line breaks: after `_` or `/`, or a `-` between letters (not in a date).
_BREAKABLE = re.compile(r".*?(?:[_/]+|(?<=[^\W\d_])-(?=[^\W\d_]))|.+")
_HANG = re.compile(r" *(?:(?:\d+\.|[•·]) +)?")  # an indent, then perhaps a number or bullet
MIN_HANGING = 8  # below this many cells a continuation line is not indented
BIG = 1_000_000


class Wrapped(Text):
    """Text wrapped with hanging indents and breaks after `_`, `/` or `-` in long words; never cut.

    `hang`, when given, is how many cells a line's continuations are indented by (the width of
    a label before the text), unless that leaves too little room: less than half the line, fewer
    than MIN_HANGING cells, or less than the longest word needs.
    """

    __slots__ = ("hang",)

    def __init__(self, text: str = "", *args, hang: int | None = None, **options) -> None:
        super().__init__(text, *args, **options)
        self.hang = hang

    def copy(self) -> Wrapped:
        """A copy that wraps as this does."""
        return wrapped(self, self.hang)

    def wrap(
        self,
        console: Console,
        width: int,
        *,
        justify=None,
        overflow=None,
        tab_size: int = 8,
        no_wrap: bool | None = None,
    ) -> Lines:
        """The text's lines at `width`, with hanging indents and breaks after `_`, `/` or `-`; nothing cut."""
        justify = justify or self.justify or "default"
        hang = getattr(self, "hang", None)  # a listing's cell is a plain Text, wrapped by this method
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            plain = line.plain
            if no_wrap or self.no_wrap or cell_len(plain) <= width:
                lines.append(_unglued(line))
                continue
            if hang is None:
                indent = cell_len(_HANG.match(plain).group())
            elif hang > width // 2 or longest_word(plain, underscores=False) > width - hang:
                indent = 0  # a narrow column of text beside a wide label reads worse than flush lines
            else:
                indent = hang
            if width - indent < MIN_HANGING or indent >= cell_len(plain.rstrip()):
                indent = 0
            pieces = line.divide(offsets(plain, width, width - indent))
            for i, piece in enumerate(pieces):
                if i and indent:
                    piece = Text(" " * indent) + piece
                piece.rstrip_end(width)
                lines.append(_unglued(piece))
        if justify != "default":
            lines.justify(console, width, justify=justify, overflow="fold")
        return lines

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        lines = self.plain.splitlines()
        widest = max((cell_len(line) for line in lines), default=0)
        return Measurement(min(widest, longest_word(self.plain)) or widest, widest)


def unbroken(text: str) -> str:
    """`text` with its spaces made no-break: `Wrapped` text never breaks it across lines."""
    return text.replace(" ", NBSP)


def _unglued(line: Text) -> Text:
    """A wrapped line with its no-break spaces printed as spaces (same length, so styles stay)."""
    if NBSP in line.plain:
        line.plain = line.plain.replace(NBSP, " ")
    return line


def lead(value: object, style: str = "") -> Wrapped:
    """Case text (made safe) styled as a span, not as the base style, so text appended after it
    (a description, an id) does not inherit it."""
    from casekit.render.text import clean

    text = Wrapped()
    text.append(clean(value), style=style or None)
    return text


def wrapped(text: Text, hang: int | None = None) -> Wrapped:
    """`text` as `Wrapped` text (styles kept), its continuation lines indented `hang` cells if given."""
    copied = Wrapped(
        text.plain,
        style=text.style,
        justify=text.justify,
        overflow=text.overflow,
        no_wrap=text.no_wrap,
        end=text.end,
        tab_size=text.tab_size,
        hang=hang,
    )
    copied._spans[:] = text._spans
    return copied


def offsets(line: str, first: int, rest: int) -> list[int]:
    """Where to break `line`: at spaces; a word too long for a line of its own after an `_`, a
    `/` or a `-` (an id, a path, a compound), and a piece still too long anywhere. The first line holds `first`
    cells, the others `rest`."""
    breaks: list[int] = []
    width, used = max(1, first), 0

    def newline(at: int) -> None:
        nonlocal width, used
        breaks.append(at)
        width, used = max(1, rest), 0

    for match in _WORD.finditer(line):
        word = match.group()
        size = cell_len(word.rstrip())
        if used and used + size > width:
            newline(match.start())
        if size <= width:
            used += cell_len(word)
            continue
        position = match.start()
        for piece in _BREAKABLE.findall(word):
            size = cell_len(piece.rstrip())
            if used and used + size > width:
                newline(position)
            if size <= width:
                used += cell_len(piece)
                position += len(piece)
                continue
            for char in piece:
                if used and not char.isspace() and used + cell_len(char) > width:
                    newline(position)
                used += cell_len(char)
                position += 1
    return breaks


def longest_word(*texts: str | Text | None, underscores: bool = True) -> int:
    """The widest word in `texts` (a word broken after `_` counts by its widest piece; words
    joined by no-break spaces count as one)."""
    widest = 0
    for text in texts:
        plain = text.plain if isinstance(text, Text) else (text or "")
        for word in _GLUED.findall(plain):
            pieces = _PIECE.findall(word) if underscores and "_" in word else [word]
            widest = max(widest, *(cell_len(p) for p in pieces))
    return widest


def longest_piece(*texts: str | Text | None) -> int:
    """The widest piece of `texts` that `Wrapped` never breaks: a word, or of a word too long for
    its line the widest part between the `_`, `/` or `-` it breaks after (no-break spaces glue)."""
    widest = 0
    for text in texts:
        plain = text.plain if isinstance(text, Text) else (text or "")
        for word in _GLUED.findall(plain):
            widest = max(widest, *(cell_len(piece) for piece in _BREAKABLE.findall(word)))
    return widest


def natural(listing: Listing) -> list[int]:
    """Each column's width when there is room for everything."""
    return listing.widths(BIG)


def fixed(listing: Listing, *columns: int) -> Listing:
    """Make the `columns` (indexes) keep their natural width: figures and dates that must not wrap."""
    widths = natural(listing)
    for i in columns:
        listing.columns[i].min_width = widths[i]
    return listing


def content_widths(listing: Listing) -> list[int]:
    """Each column's width from its header and cells alone (a min_width does not widen it)."""
    widths = []
    for i, column in enumerate(listing.columns):
        header = column.header if isinstance(column.header, Text) else Text(column.header)
        width = max([widest_line(header)] + [widest_line(row[i]) for row in listing.rows])
        widths.append(min(width, column.max_width) if column.max_width else width)
    return widths


def fits(listing: Listing, width: int) -> bool:
    """Whether every column of `listing` gets at least its min_width (or all it holds, if less)."""
    needed = sum(min(c.min_width, w) for c, w in zip(listing.columns, content_widths(listing)))
    return needed + len(GAP) * (len(listing.columns) - 1) <= width


def first_fitting(width: int, layouts: Iterable[Callable[[], Listing]]) -> Listing:
    """The first layout that fits `width`, else the last (which folds rather than loses text).
    A column's min_width is then lowered to what it holds, so a floor meant for long prose does
    not widen a column of short text."""
    listing = None
    for layout in layouts:
        listing = layout()
        if fits(listing, width):
            break
    assert listing is not None, "no layouts"
    for column, content in zip(listing.columns, content_widths(listing)):
        column.min_width = max(1, min(column.min_width, content))
    return listing


class ForWidth:
    """A renderable laid out anew for the width Rich gives it: `layout(width)` says what to draw."""

    def __init__(self, layout: Callable[[int], RenderableType]) -> None:
        self.layout = layout

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.layout(options.max_width)


# Paragraphs read badly much wider than this, however wide the terminal.
READING_WIDTH = 100


class Capped:
    """A renderable no wider than `width` columns (READING_WIDTH by default), however wide the
    terminal."""

    def __init__(self, renderable: RenderableType, width: int = READING_WIDTH) -> None:
        self.renderable = renderable
        self.width = width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from console.render(self.renderable, options.update(width=min(options.max_width, self.width)))
