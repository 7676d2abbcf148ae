"""Risks (table and severity × likelihood matrix) and the listing of every other section.

Each listing takes rows of `(case, item)`; `case` is shown in a first column
when `several` is true (by default: when the rows come from several cases). Sources are cited by number, with a
legend of the sources cited under the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import msgspec
from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from casekit.model import Case
from casekit.render.fit import (
    MIN_HANGING,
    READING_WIDTH,
    ForWidth,
    Wrapped,
    first_fitting,
    fixed,
    lead,
    longest_word,
    natural,
    unbroken,
    wrapped,
)
from casekit.render.listing import GAP, Listing, widest_line
from casekit.render.overview import severity_text
from casekit.render.text import clean, safe

Rows = Sequence[tuple[Case, object]]


class Field(msgspec.Struct):
    """One column of a listing, and how it reads when stacked under the main column."""

    header: str
    cells: list[Text]
    main: bool = False  # the prose column the others stack under on a narrow terminal
    keep: bool = False  # stays a column of its own even then (the case, the sources cited)
    figure: bool = False  # a number, date or id: never wrapped
    label: str | None = None  # its label when stacked (None: the header; "": none)
    # at most 1/share of the terminal (the main column: unless stacked), never less than its longest word
    share: int = 0
    indent: int = 0  # its lines' indent when stacked
    options: dict | None = None  # justify, header_style, min_width, max_width (None: none)

    def __post_init__(self) -> None:
        if self.options is None:
            self.options = {}

    def under(self, k: int) -> Text | None:
        """Row `k`'s cell as a line under the main column, or None when it is empty."""
        cell = self.cells[k]
        if not cell.plain.strip():
            return None
        label = self.header if self.label is None else self.label
        if label:
            cell = Text.assemble((label + " ", "dim"), cell)
        if self.indent:
            cell = Text("\n").join(Text(" " * self.indent) + line for line in cell.split(allow_blank=True))
        return cell


def stackable(fields: Sequence[Field], *, leading: int = 0) -> ForWidth:
    """A listing of `fields`: a column each where the main one keeps room to be read (its
    min_width, 24 by default), else the others (but the kept ones) stacked under it."""

    def table(width: int, stacked: bool) -> Listing:
        shown = [f for f in fields if f.main or f.keep or not stacked]
        listing = Listing(leading=1 if stacked else leading)
        for f in shown:
            options = dict(f.options)
            words = longest_word(f.header, *f.cells)
            if f.main:
                options.setdefault("min_width", 24)
                if stacked:  # the others under it: its limits were for it alone
                    options["max_width"] = READING_WIDTH
                options.setdefault("max_width", READING_WIDTH)  # paragraphs read badly much wider
            elif not f.figure:
                options.setdefault("min_width", words)
            if f.share and not f.figure and not (f.main and stacked):
                options["max_width"] = max(words, min(width // f.share, options.get("max_width") or width))
            listing.add_column(f.header, **options)
        main = next(i for i, f in enumerate(fields) if f.main)
        for k in range(len(fields[main].cells)):
            row = []
            for f in shown:
                cell = f.cells[k]
                if f.main and stacked:
                    cell = wrapped(cell)
                    for other in fields:
                        line = other.under(k) if other not in shown else None
                        if line is not None:
                            cell.append("\n")
                            cell.append_text(line)
                row.append(cell)
            listing.add_row(*row)
        listing = fixed(listing, *(i for i, f in enumerate(shown) if f.figure))
        # A share only keeps a side column from crowding the main one: room the main column does
        # not use (it stops at READING_WIDTH) goes to the side columns, up to their natural width.
        capped = [i for i, f in enumerate(shown) if f.share and not f.main]
        if capped:
            spare = width - sum(listing.widths(width)) - len(GAP) * (len(listing.columns) - 1)
            for i in capped:
                column = listing.columns[i]
                cap = column.max_width
                column.max_width = shown[i].options.get("max_width")
                wanted = natural(listing)[i]
                column.max_width = min(wanted, cap + max(0, spare))
                spare -= column.max_width - cap
        return listing

    def layout(width: int) -> Listing:
        return first_fitting(width, (lambda: table(width, False), lambda: table(width, True)))

    return ForWidth(layout)


def _several(rows: Rows) -> bool:
    return len({case.id for case, _ in rows}) > 1


def _titled(title: str, body: str | None, title_style: str = "bold") -> Text:
    """A title with an optional dim paragraph under it."""
    text = lead(title, title_style)
    if body:
        text.append("\n")
        text.append(clean(body), style="dim")
    return text


class SourceNotes:
    """Numbers for cited sources (their position in the case's `sources`), and a legend."""

    def __init__(self, rows: Rows) -> None:
        self.cases = {case.id: case for case, _ in rows}
        self.several = len(self.cases) > 1
        self.used: dict[tuple[str, str], None] = {}

    def _number(self, case: Case, sid: str) -> str:
        for i, s in enumerate(case.sources, 1):
            if s.id == sid:
                return str(i)
        return sid

    def cite(self, case: Case, ids: Sequence[str]) -> Text:
        """The sources `ids` of `case` by number (`[1, 3]`, as papers cite), remembered for the legend."""
        for sid in ids:
            self.used[(case.id, sid)] = None
        numbers = sorted((self._number(case, sid) for sid in ids), key=lambda n: (not n.isdigit(), n.zfill(6)))
        return Text(unbroken(f"[{', '.join(clean(n) for n in numbers)}]") if numbers else "", style="dim")

    def legend(self) -> Table | None:
        """The cited sources, numbered, each on its own line (wrapped lines hang under the title)."""
        if not self.used:
            return None
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(style="dim", overflow="fold")
        grid.add_column(style="dim", overflow="fold")
        for case_id, case in self.cases.items():
            known = {s.id for s in case.sources}
            prefix = f"{clean(case_id)} " if self.several else ""
            for i, s in enumerate(case.sources, 1):
                if (case_id, s.id) not in self.used:
                    continue
                extra = ", ".join(clean(x) for x in (s.kind, s.date.text if s.date else None) if x)
                grid.add_row(f"{prefix}[{i}]", clean(s.title) + (f" ({extra})" if extra else ""))
            for cid, sid in self.used:
                if cid == case_id and sid not in known:
                    grid.add_row(f"{prefix}[{clean(sid)}]", "not among the case's sources")
        return grid


def _case_column(listing: Listing, rows: Rows, several: bool) -> None:
    """The first column, naming each row's case, when the rows come from several cases."""
    if several:
        listing.add_column("case", style="bold cyan", min_width=longest_word(*(case.id for case, _ in rows)))


def _with_legend(table, notes: SourceNotes):
    """The table with the legend of the sources it cites under it."""
    legend = notes.legend()
    if legend is None:
        return table
    return Group(table, Text(""), legend)


def case_heading(case: Case) -> Text:
    """A case's name over what is shown of it: its company, then its id."""
    return Wrapped.assemble((clean(case.company), "bold"), "  ", (clean(case.id), "dim"))


def by_case(parts: Sequence[tuple[Case, RenderableType]], several: bool = True) -> RenderableType:
    """Each case's renderable under its heading, a blank line between cases; with one case and
    not `several`, the renderable alone."""
    if not several and len(parts) == 1:
        return parts[0][1]
    out: list = []
    for case, part in parts:
        if out:
            out.append(Text(""))
        out += [case_heading(case), part]
    return Group(*out)


# --- risks ------------------------------------------------------------------


def _principle_lines(principles, indent: str = "") -> Wrapped:
    """`1. Title` per line, a wrapped title hanging under its first word."""
    text = Wrapped()
    for i, p in enumerate(principles):
        if i:
            text.append("\n")
        text.append(f"{indent}{p.n}. ", style="bold")
        text.append(clean(p.title))
    return text


def risks_table(rows: Rows, brief: bool = False, several: bool | None = None, long: bool = False) -> ForWidth:
    """Severity (coloured), likelihood, the risk (with its description unless `brief`), horizon,
    linked principles; the case first when the rows come from several cases. With `long`, each
    risk's mitigations, note, sources and confidence under its description."""
    return ForWidth(RisksTable(rows, brief, _several(rows) if several is None else several, long).layout)


class RisksTable:
    """The risks table. Below 100 columns likelihood and horizon move into the cells beside them so
    the risk and its principles keep room to be read; narrower still the principles go under the
    risk."""

    NARROW = 100
    RISK_FLOOR = 24
    PRINCIPLES_FLOOR = 20

    def __init__(self, rows: Rows, brief: bool = False, several: bool = False, long: bool = False) -> None:
        from casekit.sections import linked_principles

        self.rows = rows
        self.brief = brief
        self.long = long
        self.several = several
        self.principles = [linked_principles(case, r) for case, r in rows]
        # A column no risk fills is left out.
        self.likely = any(r.likelihood for _, r in rows)
        self.horizon = any(r.horizon for _, r in rows)
        self.linked = any(self.principles)

    def layout(self, width: int) -> Listing:
        """The widest shape that fits `width`."""
        shapes = ["wide", "narrow", "stacked"] if width >= self.NARROW else ["narrow", "stacked"]
        return first_fitting(width, [lambda shape=shape: self.table(shape, width) for shape in shapes])

    def table(self, shape: str = "wide", width: int = NARROW) -> Listing:
        """`shape`: "wide" (a column each), "narrow" (likelihood under severity, horizon under the
        title) or "stacked" (the principles under the risk too)."""
        table = Listing(leading=1)
        # Stacked, the case goes under the risk's title: a column of its own would squeeze the risk.
        in_column = self.several and shape != "stacked"
        _case_column(table, self.rows, in_column)
        first = int(in_column)  # the severity column
        table.add_column("severity")
        if shape == "wide" and self.likely:
            table.add_column("likely")
        table.add_column("risk", min_width=self.RISK_FLOOR, max_width=READING_WIDTH)
        if shape == "wide" and self.horizon:
            table.add_column("horizon", max_width=16)
        if shape != "stacked" and self.linked:
            table.add_column("principles", min_width=self.PRINCIPLES_FLOOR)
        for (case, r), principles in zip(self.rows, self.principles):
            named = [safe(case.id)] if in_column else []
            severity = severity_text(r.severity)
            risk = lead(r.title, "bold")
            if self.several and not in_column:
                risk.append("\ncase ", style="dim")
                risk.append(clean(case.id), style="cyan")
            horizon = safe(r.horizon or "", "green")
            if shape != "wide":
                if r.likelihood:
                    severity.append(f"\nlikely {clean(r.likelihood)}", style="dim")
                if r.horizon:
                    risk.append("\nhorizon ", style="dim")
                    risk.append_text(horizon)
            if not self.brief and r.description:
                risk.append("\n" + clean(r.description), style="dim")
            if self.long:
                from casekit.render.provenance import bullets, provenance_lines

                risk.append_text(provenance_lines(r, bullets("mitigations", r.mitigations)))
            linked = [_principle_lines(principles)] if self.linked else []
            if shape == "stacked":
                if principles:
                    risk.append("\nprinciples\n", style="dim")
                    risk.append_text(_principle_lines(principles, indent="  "))
                table.add_row(*named, severity, risk)
            elif shape == "narrow":
                table.add_row(*named, severity, risk, *linked)
            else:
                likely = [safe(r.likelihood or "—", "" if r.likelihood else "dim")] if self.likely else []
                table.add_row(*named, severity, *likely, risk, *([horizon] if self.horizon else []), *linked)
        for i, column in enumerate(table.columns):
            floor = longest_word(column.header, *(row[i] for row in table.rows))
            column.min_width = max(column.min_width, min(floor, column.max_width or floor))
        fixed(table, *range(first + 1))  # the case, and `likely medium` on one line
        widths = natural(table)
        if shape != "stacked" and self.linked and sum(widths) + len(GAP) * (len(widths) - 1) > width:
            # Short of room, the risk takes three parts of what is left and the principles two.
            risk = first + (2 if shape == "wide" and self.likely else 1)
            others = sum(w for i, w in enumerate(widths[:-1]) if i != risk)
            room = width - others - len(GAP) * (len(widths) - 1)
            principles = table.columns[-1]
            principles.max_width = max(principles.min_width, room * 2 // 5)
        return table


SEVERITY_HEADER = "severity ╲ likelihood"


def risks_matrices(matrices: Sequence[tuple[Case, dict[str, dict[str, list]]]], several: bool = False):
    """A risk matrix (see `risks_matrix`) for each case, under the case's name when there are several."""
    return by_case([(case, risks_matrix(matrix)) for case, matrix in matrices], several)


def risks_matrix(matrix: dict[str, dict[str, list]]) -> ForWidth:
    """Severity rows (those `matrix` holds, most severe first) × likelihood columns (low → high),
    risk titles in the cells; an `unrated` column when some risks have no likelihood. Every
    likelihood stays a column, whatever the width, an empty one narrow, so the grid always means
    the same; cells stop at a reading width. Where the grid does not fit, each severity lists its
    risks by likelihood. When no risk has a likelihood, the severities alone, with a line that
    says so."""
    return ForWidth(lambda width: _matrix(matrix, width))


MATRIX_CELL = 12  # the least room a likelihood column with risks in it is given
MATRIX_COMFORT = 16  # cells get this much before the corner header gets room for one line
MATRIX_CELL_MAX = 40  # titles read badly in wider cells, and the grid spreads too far to scan
BULLET = 2  # `• ` before each title, and the hanging indent of its wrapped lines


def _matrix(matrix: dict[str, dict[str, list]], width: int):
    from casekit.model import LIKELIHOODS
    from casekit.sections import UNRATED

    if not any(cells[lk] for cells in matrix.values() for lk in LIKELIHOODS):
        return _severity_axis(matrix, width)
    columns = [*LIKELIHOODS]
    if any(cells[UNRATED] for cells in matrix.values()):
        columns.append(UNRATED)
    # The corner header wraps at its words, never inside one: its column is at least as wide.
    severity = max([longest_word(SEVERITY_HEADER), *(len(s) for s in matrix)])
    floors, wants = [], []
    for lk in columns:
        risks = [r for cells in matrix.values() for r in cells[lk]]
        if not risks:
            floors.append(len(lk))
            wants.append(len(lk))
            continue
        titles = [clean(r.title) for r in risks]
        floor = min(MATRIX_CELL_MAX, max(MATRIX_CELL, len(lk), longest_word(*titles) + BULLET))
        floors.append(floor)
        wants.append(max(floor, min(MATRIX_CELL_MAX, max(cell_len(t) for t in titles) + BULLET)))

    def needed(cells: list[int], first: int) -> int:
        """Each column's cells, and its padding and border: `│ x │ y │`."""
        return first + sum(cells) + 3 * len(cells) + 4

    if needed(floors, severity) > width:
        return _matrix_stacked(matrix, columns, width)
    widths = floors[:]
    spare = _grow(
        widths, [min(w, max(f, MATRIX_COMFORT)) for f, w in zip(floors, wants)], width - needed(widths, severity)
    )
    first = len(SEVERITY_HEADER) if spare >= len(SEVERITY_HEADER) - severity else severity
    _grow(widths, wants, width - needed(widths, first))
    table = Table(box=box.SQUARE, show_lines=True)
    table.add_column(Text(SEVERITY_HEADER, style="dim"), width=first, overflow="fold")
    for lk, cell in zip(columns, widths):
        table.add_column(lk, header_style="bold" if lk != UNRATED else "dim", width=cell, overflow="fold")
    for name, cells in matrix.items():
        table.add_row(severity_text(name), *(_bullets(cells[lk]) for lk in columns))
    return table


def _grow(widths: list[int], targets: Sequence[int], spare: int) -> int:
    """Widen `widths` toward `targets`, the narrowest first, with up to `spare` cells; what is left."""
    while spare > 0:
        growing = [i for i, (w, t) in enumerate(zip(widths, targets)) if w < t]
        if not growing:
            break
        widths[min(growing, key=lambda i: widths[i])] += 1
        spare -= 1
    return spare


def _severity_axis(matrix: dict[str, dict[str, list]], width: int) -> Group:
    """The severities alone, each with its risks: no risk has a likelihood to draw a matrix with."""
    titles = [clean(r.title) for cells in matrix.values() for risks in cells.values() for r in risks]
    severity = max((len(s) for s in matrix), default=8)
    room = width - severity - 7  # `│ severity │ risks │`
    cell = max(1, min(READING_WIDTH, room, max((cell_len(t) for t in titles), default=1) + BULLET))
    table = Table(box=box.SQUARE, show_lines=True)
    table.add_column("severity", width=severity, overflow="fold")
    table.add_column("risks", width=cell, overflow="fold")
    for name, cells in matrix.items():
        table.add_row(severity_text(name), _bullets([r for risks in cells.values() for r in risks]))
    note = Text("no risk has a likelihood: the risks by severity alone", style="dim")
    return Group(note, table)


def _bullets(risks: Sequence) -> Wrapped:
    """Risk titles, one a line after a bullet, wrapped titles hanging under their first word."""
    text = Wrapped()
    for i, r in enumerate(risks):
        text.append(("\n" if i else "") + "• ")
        text.append(clean(r.title))
    return text


def _matrix_stacked(matrix: dict[str, dict[str, list]], columns: list[str], width: int) -> Table:
    """The matrix for a narrow terminal: a row per severity listing its risks by likelihood."""
    from casekit.sections import UNRATED

    severity = max((len(s) for s in matrix), default=8)
    texts = []
    for cells in matrix.values():
        text = Wrapped()
        for lk in columns:
            if not cells[lk]:
                continue
            if text.plain:
                text.append("\n")
            text.append(lk if lk == UNRATED else f"{lk} likelihood", style="dim" if lk == UNRATED else "bold")
            text.append("\n")
            text.append_text(_bullets(cells[lk]))
        texts.append(text)
    widest = max([len("risks by likelihood"), *(widest_line(t) for t in texts)])
    table = Table(box=box.SQUARE, show_lines=True)
    table.add_column("severity", width=severity, no_wrap=True)
    table.add_column(Text("risks by likelihood"), width=max(1, min(widest, width - severity - 7)), overflow="fold")
    for name, text in zip(matrix, texts):
        table.add_row(severity_text(name), text)
    return table


# --- people, eras, sources, quotes ------------------------------------------


def _case_field(rows: Rows, several: bool) -> list[Field]:
    """The case column, when the rows come from several cases."""
    if not several:
        return []
    return [Field("case", [safe(case.id, "bold cyan") for case, _ in rows], keep=True, figure=True)]


def _with_provenance(cells: list[Text], rows: Rows, long: bool) -> list[Text]:
    """With `long` (`--long`), each row's cell with its item's note and confidence under it (its
    sources are cited in a column of their own)."""
    if not long:
        return cells
    from casekit.render.provenance import provenance_lines

    out = []
    for cell, (_, item) in zip(cells, rows):
        cell = wrapped(cell)
        cell.append_text(provenance_lines(item, sources=False))
        out.append(cell)
    return out


def _src_field(rows: Rows, notes: SourceNotes) -> Field:
    return Field("src", [notes.cite(case, item.sources) for case, item in rows], keep=True, figure=True)


def people_table(
    rows: Rows, several: bool | None = None, *, today: date | None = None, long: bool = False
) -> ForWidth | Group:
    """Name, roles with their periods, how many events name them, sources."""
    from casekit.sections import person_events

    several = _several(rows) if several is None else several
    notes = SourceNotes(rows)
    counts = {case.id: person_events(case) for case, _ in rows}
    roles = []
    for _, p in rows:
        text = Wrapped()
        for i, role in enumerate(p.roles):
            if i:
                text.append("\n")
            if len(p.roles) > 1:  # a bullet each, so a wrapped role reads as one
                text.append("• ", style="dim")
            text.append(clean(role.title))
            if role.period:
                text.append(f"  {clean(role.period.text)}", style="green")
        roles.append(text)
    fields = [
        *_case_field(rows, several),
        # Names are short and wrap well; the roles are the prose, and get the room.
        Field(
            "person",
            [lead(p.name, "bold") for _, p in rows],
            main=True,
            share=4,
            options={"min_width": 12, "max_width": 28},
        ),
        Field(
            "roles",
            _with_provenance(roles, rows, long),
            label="",
            indent=2,
            options={"min_width": 28, **({"max_width": READING_WIDTH} if long else {})},
        ),
        Field(
            "events",
            [Text(str(counts[case.id].get(p.id, 0))) for case, p in rows],
            figure=True,
            options={"justify": "right"},
        ),
        _src_field(rows, notes),
    ]
    return _with_legend(stackable(fields, leading=int(long)), notes)


def eras_table(rows: Rows, today: date, several: bool | None = None, *, long: bool = False) -> ForWidth | Group:
    """Period, era with its summary, events in it, sources."""
    from casekit.sections import era_events

    several = _several(rows) if several is None else several
    notes = SourceNotes(rows)
    counts = {case.id: era_events(case, today) for case, _ in rows}
    fields = [
        *_case_field(rows, several),
        Field("period", [safe(era.period.text, "green") for _, era in rows], figure=True),
        Field("era", _with_provenance([_titled(era.title, era.summary) for _, era in rows], rows, long), main=True),
        Field(
            "events",
            [Text(str(counts[case.id].get(era.id, 0))) for case, era in rows],
            figure=True,
            options={"justify": "right"},
        ),
        _src_field(rows, notes),
    ]
    return _with_legend(stackable(fields, leading=int(long)), notes)


def sources_table(
    rows: Rows, several: bool | None = None, *, today: date | None = None, long: bool = False
) -> ForWidth:
    """Number (as other listings cite it), id, title (with author and where to find it), kind, date,
    how many facts cite it; with `long`, its note and confidence and, by section, the REF of each
    item citing it."""
    from casekit.sections import citations

    several = _several(rows) if several is None else several
    counts = {case.id: citations(case) for case, _ in rows}
    titles, numbers = [], []
    for case, s in rows:
        title = lead(s.title, "bold")
        for extra in (s.author, s.url, s.file):
            if extra:
                title.append("\n" + clean(extra), style="dim")
        titles.append(title)
        number = next((i for i, x in enumerate(case.sources, 1) if x is s), None)
        numbers.append(Text(f"[{number}]" if number else "", style="dim"))
    titles = _with_provenance(titles, rows, long)
    if long:
        for title, (case, s) in zip(titles, rows):
            title.append_text(_cited_by(case, s))
    fields = [
        *_case_field(rows, several),
        Field("#", numbers, keep=True, figure=True),
        Field("id", [safe(s.id, "cyan") for _, s in rows], figure=True),
        # With --long a source holds its note: where that cannot get 36 cells, kind and date go under it.
        Field("source", titles, main=True, options={"min_width": 36 if long else 20}),
        Field("kind", [safe(s.kind) for _, s in rows], figure=True),
        Field("date", [safe(s.date.text if s.date else "", "green") for _, s in rows], figure=True),
        Field(
            "cited",
            [Text(str(counts[case.id].get(s.id, 0))) for case, s in rows],
            figure=True,
            options={"justify": "right"},
        ),
    ]
    return stackable(fields, leading=int(long))


def _cited_by(case: Case, source) -> Text:
    """`cited by` and, a line per section, the REFs (as `casekit show` takes them) of the items
    citing `source`; `cited by nothing` when none does."""
    from casekit.links import links_to, ref_of

    by_section: dict[str, list[str]] = {}
    for link in links_to(case, "sources", source):
        by_section.setdefault(link.section, []).append(ref_of(case, link.section, link.item))
    text = Wrapped()
    text.append("\ncited by" + ("" if by_section else " nothing"), style="dim")
    for section, refs in by_section.items():
        text.append("\n  ")
        text.append(section + " ", style="dim")
        text.append(", ".join(clean(ref) for ref in refs), style="cyan")
    return text


def quotes_table(
    rows: Rows, several: bool | None = None, *, today: date | None = None, long: bool = False
) -> ForWidth | Group:
    """Date, the quote with its context, who said it (by name), sources."""
    from casekit.sections import speaker_name

    several = _several(rows) if several is None else several
    notes = SourceNotes(rows)
    quotes = []
    for _, q in rows:
        text = lead(f"“{q.text}”", "italic")
        if q.context:
            text.append("\n" + clean(q.context), style="dim")
        quotes.append(text)
    fields = [
        *_case_field(rows, several),
        Field("date", [safe(q.date.text if q.date else "", "green") for _, q in rows], figure=True, label=""),
        Field("quote", _with_provenance(quotes, rows, long), main=True),
        Field(
            "speaker",
            [safe(speaker_name(case, q.speaker), "bold") for case, q in rows],
            label="—",
            share=5,
            options={"max_width": 24},
        ),
        _src_field(rows, notes),
    ]
    return _with_legend(stackable(fields, leading=1), notes)


# --- moats, competitors, drivers, lessons -----------------------------------


def moats_table(
    rows: Rows, several: bool | None = None, *, today: date | None = None, long: bool = False
) -> ForWidth | Group:
    """Rank (1 = most durable), the moat with its description, time to replicate, cost; on a
    narrow terminal the time and cost go under the description."""
    several = _several(rows) if several is None else several
    notes = SourceNotes(rows)
    fields = [
        *_case_field(rows, several),
        Field(
            "rank",
            [Text(f"#{m.rank}", style="bold") for _, m in rows],
            keep=True,
            figure=True,
            options={"justify": "right"},
        ),
        Field("moat", _with_provenance([_titled(m.title, m.description) for _, m in rows], rows, long), main=True),
        # The moat takes most of the room; time and cost each up to a sixth, never less than a word.
        Field("time to replicate", [safe(m.time_to_replicate or "") for _, m in rows], share=6),
        Field("cost", [safe(m.cost or "") for _, m in rows], share=6),
        _src_field(rows, notes),
    ]
    return _with_legend(stackable(fields, leading=1), notes)


def competitors_table(
    rows: Rows, several: bool | None = None, *, today: date | None = None, long: bool = False
) -> ForWidth | Group:
    """Competitors grouped by segment (a heading row per segment): name, position, scale, notes. On
    a narrow terminal position and notes go under the name, and then the scale too."""
    from casekit.sections import by_segment

    several = _several(rows) if several is None else several
    notes = SourceNotes(rows)
    cases: dict[str, tuple[Case, list]] = {}
    for case, c in rows:
        cases.setdefault(case.id, (case, []))[1].append(c)
        notes.cite(case, c.sources)
    groups = [(case, segment, members) for case, items in cases.values() for segment, members in by_segment(items)]

    def table(shape: str) -> Listing:
        listing = Listing()
        _case_column(listing, rows, several)
        listing.add_column("competitor")
        if shape == "wide":
            listing.add_column("position", min_width=20)
        if shape != "narrowest":
            listing.add_column("scale", justify="right")
        if shape == "wide":
            listing.add_column("notes", style="dim", min_width=20)
        listing.add_column("src")
        width = len(listing.columns)
        for k, (case, segment, members) in enumerate(groups):
            if k:
                listing.add_row()
            heading = safe(segment, "bold magenta") if segment else Text("(no segment)", style="dim italic")
            listing.add_row(*([safe(case.id)] if several else []), wrapped(heading))
            for c in members:
                name = Wrapped("  ")
                name.append(clean(c.name), style="bold")
                scale = safe(c.scale.display() if c.scale else "")
                if shape == "wide":
                    cells = [
                        name,
                        safe(c.position or ""),
                        scale,
                        *_with_provenance([safe(c.notes or "")], [(case, c)], long),
                    ]
                else:
                    if shape == "narrowest" and scale.plain:
                        name.append("\n    scale ", style="dim")
                        name.append_text(scale)
                    for text, style in ((c.position, ""), (c.notes, "dim")):
                        if text:
                            name.append("\n    " + clean(text), style=style)
                    if long:
                        for line in _with_provenance([Text("")], [(case, c)], long)[0].split()[1:]:
                            name.append("\n    ")
                            name.append_text(line)
                    cells = [name] + ([scale] if shape != "narrowest" else [])
                row = [Text("")] if several else []
                listing.add_row(*row, *cells, notes.cite(case, c.sources))
        first = int(several)
        # Beside the position and notes a name needs its longest word; with them under it, room to read.
        words = longest_word(*(row[first] for row in listing.rows)) + 2
        listing.columns[first].min_width = max(16, min(20, words)) if shape == "wide" else max(24, words + 2)
        figures = [first + 2, width - 1] if shape == "wide" else range(first + 1, width)  # scale, src
        return fixed(listing, *([0] if several else []), *figures)

    def layout(width: int) -> Listing:
        return first_fitting(width, [lambda shape=shape: table(shape) for shape in ("wide", "narrow", "narrowest")])

    return _with_legend(ForWidth(layout), notes)


def drivers_table(
    rows: Rows, several: bool | None = None, *, today: date | None = None, long: bool = False
) -> ForWidth | Group:
    """The driver with its description, and its horizon."""
    several = _several(rows) if several is None else several
    notes = SourceNotes(rows)
    fields = [
        *_case_field(rows, several),
        Field("driver", _with_provenance([_titled(d.title, d.description) for _, d in rows], rows, long), main=True),
        Field("horizon", [safe(d.horizon or "", "green") for _, d in rows], share=6, options={"max_width": 24}),
        _src_field(rows, notes),
    ]
    return _with_legend(stackable(fields, leading=1), notes)


def lessons_table(
    rows: Rows, several: bool | None = None, *, today: date | None = None, long: bool = False
) -> ForWidth | Group:
    """The lesson with its summary, and the source it was drawn from."""
    several = _several(rows) if several is None else several
    notes = SourceNotes(rows)
    fields = [
        *_case_field(rows, several),
        Field(
            "lesson",
            _with_provenance([_titled(lesson.title, lesson.summary) for _, lesson in rows], rows, long),
            main=True,
        ),
        _src_field(rows, notes),
    ]
    return _with_legend(stackable(fields, leading=1), notes)


def section_listing(
    section: str, rows: Rows, today: date, *, several: bool | None = None, long: bool = False
) -> ForWidth | Group:
    """The listing of `casekit SECTION` for `section`'s rows: the `view` `casekit.registry` names
    for it, called as `view(rows, today=today, several=several, long=long)` (an era's events are
    counted as of `today`; a view that dates nothing takes `today` and leaves it; `long` is
    `--long`: each item's note and confidence under it)."""
    from casekit.registry import SECTIONS

    return SECTIONS[section].listing_view()(rows, today=today, several=several, long=long)


# --- the flywheel -----------------------------------------------------------


def flywheel_view(case: Case, flywheel, heading: bool = False, keep: set | None = None) -> Group:
    """Each loop drawn as A → B → … → A, then each step with what drives it. With `keep` (a set
    of `(from, to)` pairs), only the loops and open edges through one of those edges, still
    numbered as in the whole flywheel."""
    from casekit.sections import flywheel_edge

    def kept(pairs) -> bool:
        return keep is None or any(pair in keep for pair in pairs)

    parts: list = []
    if heading:
        parts.append(case_heading(case))
    several = len(flywheel.loops) > 1
    for k, loop in enumerate(flywheel.loops, 1):
        if not kept((a, loop[(i + 1) % len(loop)]) for i, a in enumerate(loop)):
            continue
        if len(parts) > int(heading):
            parts.append(Text(""))
        label = Text(f"Loop {k}  ", style="bold") if several else Text("")
        pieces = [Text.assemble((clean(node), "bold cyan"), (" → ", "yellow")) for node in loop]
        pieces.append(Text.assemble((clean(loop[0]), "bold cyan"), (" ↺", "yellow")))
        parts.append(Chain(pieces, label))
        for i, node in enumerate(loop):
            nxt = loop[(i + 1) % len(loop)]
            parts.append(_step(node, nxt, flywheel_edge(flywheel, node, nxt), "yellow"))
    if getattr(flywheel, "cut", False):
        parts.append(Text(""))
        parts.append(Text(f"The first {len(flywheel.loops)} loops are shown; the edges make more.", style="dim"))
    open_edges = [e for e in flywheel.open_edges if kept([(e.from_, e.to)])]
    if open_edges:
        if len(parts) > int(heading):
            parts.append(Text(""))
        parts.append(Text("Not in any loop", style="bold red"))
        for edge in open_edges:
            parts.append(_step(edge.from_, edge.to, edge, "red"))
    return Group(*parts)


class Chain:
    """Pieces laid out left to right after a label, a line broken only between pieces where one
    can be, continuation lines starting under the first piece: a loop's nodes are never split
    across lines, unless one is longer than a line."""

    def __init__(self, pieces: list[Text], label: Text | None = None) -> None:
        self.pieces = pieces
        self.label = label or Text("")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        label = self.label
        if width - label.cell_len < MIN_HANGING:  # too little room beside the label: it takes a line
            if label.plain:
                yield Text(label.plain.rstrip(), style=label.style)
            label = Text("")
        room = width - label.cell_len
        lines: list[Text] = []
        line = Text()
        for piece in self.pieces:
            if line.plain and line.cell_len + cell_len(piece.plain.rstrip()) > room:
                lines.append(line)
                line = Text()
            line.append_text(piece)
        lines.append(line)
        first = True
        for line in lines:
            line.rstrip()
            # A piece too long for any line wraps, its lines under its start too.
            for part in wrapped(line).wrap(console, room) if line.cell_len > room else [line]:
                yield Text.assemble(label if first else " " * label.cell_len, part)
                first = False


def _step(a: str, b: str, edge, arrow_style: str):
    """One edge, `a → b`, with its description indented under it."""
    line = Padding(Text.assemble((clean(a), "cyan"), (" → ", arrow_style), (clean(b), "cyan")), (0, 0, 0, 2))
    if edge is None or not edge.description:
        return line
    return Group(line, Padding(safe(edge.description, "dim"), (0, 0, 0, 6)))
