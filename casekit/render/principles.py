"""Principles as a table (benefit ⇄ tradeoff), titles only, cards, and one in full."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from casekit.model import Principle
from casekit.render.fit import (
    Capped,
    ForWidth,
    Wrapped,
    first_fitting,
    fixed,
    lead,
    longest_piece,
    longest_word,
    wrapped,
)
from casekit.render.listing import Listing
from casekit.render.overview import severity_text
from casekit.render.text import clean, safe

BENEFIT = "green"
TRADEOFF = "magenta"
TRADEOFF_MARK = "⇄ "


def number(p: Principle) -> Text:
    """A principle's number as it heads it: `4.`."""
    return Text(f"{p.n}.", style="bold")


def tradeoff_text(text: str, mark: bool = True) -> Text:
    """A tradeoff: marked with ⇄ so it stands out without colour too."""
    out = Text()
    if mark:
        out.append(TRADEOFF_MARK, style=f"bold {TRADEOFF}")
    out.append(clean(text), style=TRADEOFF)
    return out


def principles_table(
    principles: Sequence[Principle], case_ids: Sequence[str] | None = None, long: bool = False
) -> ForWidth:
    """Number, title, benefit and tradeoff side by side, a blank line between principles; where
    benefit and tradeoff would be squeezed, each goes under the title after its label. With
    `case_ids` (one per principle), a first column names each principle's case. With `long`, each
    principle's summary, tactic, evidence, note, sources and confidence under its title."""

    def layout(width: int) -> Listing:
        return first_fitting(
            width,
            [
                lambda: _principles_table(principles, case_ids, stacked=False, long=long),
                lambda: _principles_table(principles, case_ids, stacked=True, long=long),
            ],
        )

    return ForWidth(layout)


SIDE_BY_SIDE = 20  # the least room benefit and tradeoff each need to be read side by side


def long_lines(p: Principle, summary: bool = True) -> Text:
    """What `principles --long` adds under a principle's title: its summary (unless `summary` is
    false), tactic and evidence (event ids), then its note, sources and confidence."""
    from casekit.render.provenance import provenance_lines

    details = [("", p.summary if summary else None), ("tactic", p.tactic)]
    if p.evidence:
        details.append(("evidence", ", ".join(p.evidence)))
    return provenance_lines(p, details)


# With `--long` the title column holds a summary too: it gets more room beside benefit and
# tradeoff, and where it cannot have LONG_TITLE_MIN cells everything goes under the title.
LONG_TITLE_MAX = 48
LONG_TITLE_MIN = 34


def _principles_table(
    principles: Sequence[Principle], case_ids: Sequence[str] | None, stacked: bool, long: bool = False
) -> Listing:
    table = Listing(leading=1)
    # Stacked, the case goes under the title: a column of its own would squeeze the text.
    cases = _case_cells(table, None if stacked else case_ids, len(principles))
    first = len(table.columns)  # the number column
    table.add_column("#", justify="right")
    titles = [lead(p.title, "bold") for p in principles]
    floor = max(12, min(24, longest_word(*titles)))
    if stacked:
        table.add_column("principle")
        for k, (p, title, case) in enumerate(zip(principles, titles, cases)):
            cell = title.copy()
            if case_ids is not None:
                cell.append("\ncase ", style="dim")
                cell.append(clean(case_ids[k]), style="cyan")
            if long:
                cell.append("\n" + clean(p.summary))
            cell.append("\nbenefit\n", style=f"dim {BENEFIT}")
            cell.append(clean(p.benefit), style=BENEFIT)
            cell.append("\n" + TRADEOFF_MARK + "tradeoff\n", style=f"dim {TRADEOFF}")
            cell.append(clean(p.tradeoff), style=TRADEOFF)
            if long:
                cell.append_text(long_lines(p, summary=False))
            table.add_row(*case, number(p), cell)
        return fixed(table, *range(first + 1))
    if long:
        table.add_column("principle", min_width=max(floor, LONG_TITLE_MIN), max_width=LONG_TITLE_MAX)
    else:
        table.add_column("principle", min_width=floor, max_width=40)
    table.add_column("benefit", header_style=f"bold {BENEFIT}", min_width=SIDE_BY_SIDE)
    table.add_column(Text(TRADEOFF_MARK + "tradeoff"), header_style=f"bold {TRADEOFF}", min_width=SIDE_BY_SIDE)
    for p, title, case in zip(principles, titles, cases):
        if long:
            title.append_text(long_lines(p))
        table.add_row(*case, number(p), title, safe(p.benefit, BENEFIT), tradeoff_text(p.tradeoff, mark=False))
    return fixed(table, *range(first + 1))


def _case_cells(table: Listing, case_ids: Sequence[str] | None, count: int) -> list[list[Text]]:
    """With `case_ids`, a first column naming each row's case: its cells, a list per row (empty
    lists without)."""
    if case_ids is None:
        return [[] for _ in range(count)]
    table.add_column("case", style="bold cyan")
    return [[safe(c)] for c in case_ids]


def principles_brief(principles: Sequence[Principle], case_ids: Sequence[str] | None = None) -> ForWidth:
    """Numbers and titles, titles wrapping under themselves (each principle's case first, with
    `case_ids`; where a case column would leave a title too little room, the case goes on a line
    of its own above its principles)."""
    numbers = [f"{p.n}." for p in principles]
    numbered = max(map(len, numbers), default=0)
    titles = [lead(p.title, "bold") for p in principles]
    # A title is read beside its case when it gets all it needs or SIDE_BY_SIDE cells, and its
    # longest word whole.
    widest = max((t.cell_len for t in titles), default=0)
    needs = min(widest, max(SIDE_BY_SIDE, longest_piece(*titles)))

    def layout(width: int) -> RenderableType:
        if case_ids is None:
            return _numbered(numbers, numbered, titles)
        case_width = max(cell_len(clean(c)) for c in case_ids)
        room = width - case_width - numbered - 2 * len(BRIEF_GAP)
        if room >= needs:
            grid = Table.grid(padding=(0, len(BRIEF_GAP), 0, 0))
            grid.add_column(width=case_width, style="bold cyan")
            grid.add_column(width=numbered, justify="right")
            grid.add_column(width=room)
            for case, n, title in zip(case_ids, numbers, titles):
                grid.add_row(wrapped(safe(case)), Text(n, style="bold"), title)
            return grid
        parts: list = []
        for k, case in enumerate(case_ids):
            if not k or case != case_ids[k - 1]:
                parts.append(lead(case, "bold cyan"))
            parts.append(_numbered(numbers[k : k + 1], numbered, titles[k : k + 1]))
        return Group(*parts)

    return ForWidth(layout)


BRIEF_GAP = "  "  # between a brief listing's case, number and title


def _numbered(numbers: Sequence[str], numbered: int, titles: Sequence[Text]) -> Group:
    """`1.  Title` lines, the numbers right-aligned to `numbered` cells and each title's wrapped
    lines hanging under its first word (`Wrapped` hangs a line that starts with a number)."""
    lines = []
    for n, title in zip(numbers, titles):
        line = Wrapped(n.rjust(numbered), style="")
        line.stylize("bold", numbered - len(n), numbered)
        line.append(BRIEF_GAP)
        line.append_text(title)
        lines.append(line)
    return Group(*lines)


def _field(label: str, style: str = "dim") -> Text:
    return Text(label, style=style)


def _fields(rows: Sequence[tuple[Text, Text]]) -> Table:
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for label, text in rows:
        grid.add_row(label, text)
    return grid


def _tags(tags: Sequence[str]) -> Text:
    return Text(" ".join("#" + clean(t) for t in tags), style="cyan")


def principle_card(p: Principle, long: bool = False) -> ForWidth:
    """One principle as a panel: summary, benefit, tradeoff, tactic, evidence count; with `long`,
    its evidence (event ids), note, sources and confidence too."""
    rows = [
        (_field("benefit", f"bold {BENEFIT}"), safe(p.benefit, BENEFIT)),
        (_field(TRADEOFF_MARK + "tradeoff", f"bold {TRADEOFF}"), tradeoff_text(p.tradeoff, mark=False)),
    ]
    if p.tactic:
        rows.append((_field("tactic", "bold"), safe(p.tactic)))
    if long:
        rows += _provenance_rows(p)
    footer = Text(f"{len(p.evidence)} evidence event{'s' * (len(p.evidence) != 1)}", style="dim")
    footer.append(f" · {len(p.risks)} risk{'s' * (len(p.risks) != 1)}", style="dim")
    if p.tags:
        footer.append("  ")
        footer.append_text(_tags(p.tags))
    parts = [safe(p.summary), Text(""), _fields(rows), Text(""), footer]
    title = Wrapped.assemble((f"{p.n}. ", "bold"), (clean(p.title), "bold"))
    return ForWidth(lambda width: titled_panel(title, parts, width))


def _provenance_rows(p: Principle) -> list[tuple[Text, Text]]:
    """A card's rows for `--long`: evidence, note, sources and confidence (those it has)."""
    rows = []
    if p.evidence:
        rows.append((_field("evidence"), Text(", ".join(clean(e) for e in p.evidence), style="cyan")))
    if p.note:
        rows.append((_field("note"), safe(p.note)))
    if p.sources:
        rows.append((_field("sources"), Text(", ".join(clean(s) for s in p.sources), style="cyan")))
    if p.confidence:
        rows.append((_field("confidence"), safe(p.confidence)))
    return rows


def titled_panel(title: Text, parts: list, width: int, border_style: str = "blue") -> Panel:
    """A panel with `title` in its top border when it fits there whole, else (wrapped, bold) as
    its first line: a title is never cut."""
    # Rich gives a title the border less its corners and a dash each side, and a space either side.
    if title.cell_len + 2 <= width - 4:
        return Panel(Group(*parts), title=title, title_align="left", border_style=border_style, padding=(0, 1))
    return Panel(Group(wrapped(title), *parts), border_style=border_style, padding=(0, 1))


def principle_cards(principles: Sequence[Principle], long: bool = False) -> Group:
    """One card per principle (with `long`, its evidence, note, sources and confidence)."""
    return Group(*(Capped(principle_card(p, long)) for p in principles))


def principle_full(detail) -> Group:
    """`casekit principle REF`: the principle, its evidence, its risks, its kin."""
    from casekit.render.timeline import date_text

    p = detail.principle
    head = Wrapped.assemble((f"{p.n}. ", "bold"), (clean(p.title), "bold"), "\n", ("id " + clean(p.id), "dim"))
    if p.tags:
        head.append("  ")
        head.append_text(_tags(p.tags))
    rows = [
        (_field("summary", "bold"), safe(p.summary)),
        (_field("benefit", f"bold {BENEFIT}"), safe(p.benefit, BENEFIT)),
        (_field(TRADEOFF_MARK + "tradeoff", f"bold {TRADEOFF}"), tradeoff_text(p.tradeoff, mark=False)),
    ]
    if p.tactic:
        rows.append((_field("tactic", "bold"), safe(p.tactic)))
    if p.note:
        rows.append((_field("note"), safe(p.note, "dim")))
    parts: list = [head, Text(""), _fields(rows)]

    parts.append(_heading("Evidence", len(detail.evidence) + len(detail.missing_evidence)))
    if detail.evidence or detail.missing_evidence:
        grid = _list_grid()
        for e in detail.evidence:
            grid.add_row(date_text(e.date, e.confidence), safe(e.title))
        for missing in detail.missing_evidence:
            grid.add_row(
                Text("?", style="red"), Text.assemble((clean(missing), "red"), (" (not in the timeline)", "dim"))
            )
        parts.append(Padding(grid, (0, 0, 0, 2)))
    else:
        parts.append(Padding(Text("none recorded", style="dim"), (0, 0, 0, 2)))

    parts.append(_heading("Related risks", len(detail.risks)))
    if detail.risks:
        grid = _list_grid()
        for r in detail.risks:
            grid.add_row(severity_text(r.severity), safe(r.title))
        parts.append(Padding(grid, (0, 0, 0, 2)))
    else:
        parts.append(Padding(Text("none", style="dim"), (0, 0, 0, 2)))

    if detail.related:
        parts.append(_heading("Related principles", len(detail.related)))
        grid = _list_grid()
        for rel in detail.related:
            line = safe(rel.principle.title)
            if rel.risks:
                noun = "risk" if len(rel.risks) == 1 else "risks"
                line.append(f"\nshares the {noun} " + "; ".join(clean(r.title) for r in rel.risks), style="dim")
            if rel.tags:
                line.append("\nshares " + " ".join("#" + clean(t) for t in rel.tags), style="dim")
            grid.add_row(number(rel.principle), line)
        parts.append(Padding(grid, (0, 0, 0, 2)))
    return Group(*(Capped(part) for part in parts))


def _heading(title: str, count: int) -> Text:
    return Text.assemble("\n", (title, "bold underline"), (f" ({count})", "dim"))


def _list_grid() -> Table:
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(no_wrap=True, justify="left")
    grid.add_column(overflow="fold")
    return grid
