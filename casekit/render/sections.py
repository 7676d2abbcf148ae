"""Risks (table and severity × likelihood matrix) and the listing of every other section.

Each listing takes rows of `(case, item)`; `case` is shown in a first column
when `several` is true (by default: when the rows come from several cases). Sources are cited by number, with a
legend of the sources cited under the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from casekit.model import Case
from casekit.render.overview import severity_text
from casekit.render.text import clean, safe

Rows = Sequence[tuple[Case, object]]


def _table(several: bool = False, **kwargs) -> Table:
    """A listing table. It spans the terminal so the `ratio` columns (the prose) take the room
    left by the short ones; Rich ignores ratios otherwise and squeezes every wide column alike."""
    kwargs.setdefault("expand", True)
    table = _FoldingTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, **kwargs)
    if several:
        table.add_column("case", style="bold cyan", no_wrap=False)
    return table


class _FoldingTable(Table):
    """A table whose columns fold a word too long for them instead of cutting it with `…`, and
    whose short wrapping columns (names, horizons) give way to the prose on narrow terminals:
    Rich gives a column without a ratio all the width its content asks for."""

    def add_column(self, *args, **kwargs) -> None:
        kwargs.setdefault("overflow", "fold")
        super().add_column(*args, **kwargs)
        self.columns[-1].meta = {"max_width": kwargs.get("max_width")}  # type: ignore[attr-defined]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        cap = max(10, options.max_width // 5)
        for column in self.columns:
            if column.ratio is None and not column.no_wrap:
                wanted = getattr(column, "meta", {}).get("max_width")
                column.max_width = min(wanted or cap, cap)
        yield from super().__rich_console__(console, options)


def _several(rows: Rows) -> bool:
    return len({case.id for case, _ in rows}) > 1


def _titled(title: str, body: str | None, title_style: str = "bold") -> Text:
    """A title with an optional dim paragraph under it."""
    text = safe(title, title_style)
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
        for sid in ids:
            self.used[(case.id, sid)] = None
        numbers = sorted((self._number(case, sid) for sid in ids), key=lambda n: (not n.isdigit(), n.zfill(6)))
        return Text(",".join(f"[{clean(n)}]" for n in numbers), style="dim")

    def legend(self) -> Table | None:
        """The cited sources, numbered, each on its own line (wrapped lines hang under the title)."""
        if not self.used:
            return None
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(no_wrap=True, style="dim")
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


def _with_legend(table: Table, notes: SourceNotes) -> Table | Group:
    """The table with the legend of the sources it cites under it."""
    legend = notes.legend()
    if legend is None:
        return table
    return Group(table, Text(""), legend)


# --- risks ------------------------------------------------------------------


def _principle_lines(principles) -> Text:
    text = Text()
    for i, p in enumerate(principles):
        if i:
            text.append("\n")
        text.append(f"{p.n}. ", style="bold")
        text.append(clean(p.title))
    return text


def risks_table(case: Case, risks: Sequence, brief: bool = False) -> RisksTable:
    """Severity (coloured), likelihood, the risk (with its description unless `brief`), horizon,
    linked principles."""
    return RisksTable(case, risks, brief)


class RisksTable:
    """The risks table; below 100 columns likelihood and horizon move into the cells beside them
    so the risk and its principles keep room to be read."""

    NARROW = 100

    def __init__(self, case: Case, risks: Sequence, brief: bool = False) -> None:
        self.case = case
        self.risks = risks
        self.brief = brief

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.table(narrow=options.max_width < self.NARROW)

    def table(self, narrow: bool = False) -> Table:
        from casekit.sections import linked_principles

        table = _table(leading=1)
        table.add_column("severity", no_wrap=True)
        if not narrow:
            table.add_column("likely", no_wrap=True)
        table.add_column("risk", ratio=2 if self.brief else 3, min_width=20)
        if not narrow:
            table.add_column("horizon", max_width=16)
        table.add_column("principles", ratio=2, min_width=14)
        for r in self.risks:
            likely = safe(r.likelihood or "—", "" if r.likelihood else "dim")
            risk = safe(r.title, "bold")
            horizon = safe(r.horizon or "", "green")
            principles = _principle_lines(linked_principles(self.case, r))
            if narrow:
                severity = severity_text(r.severity)
                if r.likelihood:
                    severity.append(f"\nlikely {clean(r.likelihood)}", style="dim")
                if r.horizon:
                    risk.append("\nhorizon ", style="dim")
                    risk.append_text(horizon)
                if not self.brief and r.description:
                    risk.append("\n" + clean(r.description), style="dim")
                table.add_row(severity, risk, principles)
            else:
                if not self.brief and r.description:
                    risk.append("\n" + clean(r.description), style="dim")
                table.add_row(severity_text(r.severity), likely, risk, horizon, principles)
        return table


LIKELIHOOD_STYLE = {"high": "bold", "medium": "", "low": "dim"}


def risks_matrix(matrix: dict[str, dict[str, list]]) -> Table:
    """Severity rows × likelihood columns (low → high), risk titles in the cells; an `unrated`
    column when some risks have no likelihood. Empty columns stay, narrow, to keep the grid."""
    from casekit.sections import UNRATED

    columns = ["low", "medium", "high"]
    if any(cells[UNRATED] for cells in matrix.values()):
        columns.append(UNRATED)
    table = Table(box=box.SQUARE, show_lines=True, expand=True)
    table.add_column(Text("severity ╲ likelihood", style="dim"), no_wrap=True)
    for lk in columns:
        filled = any(cells[lk] for cells in matrix.values())
        table.add_column(lk, header_style="bold" if lk != UNRATED else "dim", ratio=1 if filled else None)
    for severity, cells in matrix.items():
        row: list = [severity_text(severity)]
        for lk in columns:
            if not cells[lk]:
                row.append(Text(""))
                continue
            bullets = Table.grid()
            bullets.add_column(no_wrap=True)
            bullets.add_column()
            for r in cells[lk]:
                bullets.add_row("• ", safe(r.title))
            row.append(bullets)
        table.add_row(*row)
    return table


# --- people, eras, sources, quotes ------------------------------------------


def people_table(rows: Rows, several: bool | None = None) -> Table | Group:
    """Name, roles with their periods, how many events name them, sources."""
    from casekit.sections import person_events

    several = _several(rows) if several is None else several
    notes = SourceNotes(rows)
    counts = {case.id: person_events(case) for case, _ in rows}
    table = _table(several)
    table.add_column("person", style="bold", max_width=28)
    table.add_column("roles", ratio=1, min_width=16)
    table.add_column("events", justify="right")
    table.add_column("src", no_wrap=True)
    for case, p in rows:
        roles = Text()
        for i, role in enumerate(p.roles):
            if i:
                roles.append("\n")
            roles.append(clean(role.title))
            if role.period:
                roles.append(f"  {clean(role.period.text)}", style="green")
        cells = [safe(p.name), roles, str(counts[case.id].get(p.id, 0)), notes.cite(case, p.sources)]
        table.add_row(*([safe(case.id)] if several else []), *cells)
    return _with_legend(table, notes)


def eras_table(rows: Rows, today: date, several: bool | None = None) -> Table | Group:
    """Period, era with its summary, events in it, sources."""
    from casekit.sections import era_events

    several = _several(rows) if several is None else several
    notes = SourceNotes(rows)
    counts = {case.id: era_events(case, today) for case, _ in rows}
    table = _table(several)
    table.add_column("period", style="green", no_wrap=True)
    table.add_column("era", ratio=1, min_width=20)
    table.add_column("events", justify="right")
    table.add_column("src", no_wrap=True)
    for case, era in rows:
        cells = [safe(era.period.text), _titled(era.title, era.summary), str(counts[case.id].get(era.id, 0)),
                 notes.cite(case, era.sources)]
        table.add_row(*([safe(case.id)] if several else []), *cells)
    return _with_legend(table, notes)


def sources_table(rows: Rows, several: bool | None = None) -> Table:
    """Number (as other listings cite it), id, title (with author and where to find it), kind, date,
    how many facts cite it."""
    from casekit.sections import citations

    several = _several(rows) if several is None else several
    counts = {case.id: citations(case) for case, _ in rows}
    table = _table(several)
    table.add_column("#", style="dim", no_wrap=True)
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("source", ratio=1, min_width=20)
    table.add_column("kind", no_wrap=True)
    table.add_column("date", style="green", no_wrap=True)
    table.add_column("cited", justify="right")
    for case, s in rows:
        title = safe(s.title, "bold")
        for extra in (s.author, s.url, s.file):
            if extra:
                title.append("\n" + clean(extra), style="dim")
        number = next((i for i, x in enumerate(case.sources, 1) if x is s), None)
        cells = [Text(f"[{number}]" if number else ""), safe(s.id), title, safe(s.kind), safe(s.date.text if s.date else ""),
                 str(counts[case.id].get(s.id, 0))]
        table.add_row(*([safe(case.id)] if several else []), *cells)
    return table


def quotes_table(rows: Rows, several: bool | None = None) -> Table | Group:
    """Date, the quote with its context, who said it (by name), sources."""
    from casekit.sections import speaker_name

    several = _several(rows) if several is None else several
    notes = SourceNotes(rows)
    table = _table(several, leading=1)
    table.add_column("date", style="green", no_wrap=True)
    table.add_column("quote", ratio=3, min_width=24)
    table.add_column("speaker", style="bold", max_width=24)
    table.add_column("src", no_wrap=True)
    for case, q in rows:
        text = Text("“" + clean(q.text) + "”", style="italic")
        if q.context:
            text.append("\n" + clean(q.context), style="dim")
        cells = [safe(q.date.text if q.date else ""), text, safe(speaker_name(case, q.speaker)),
                 notes.cite(case, q.sources)]
        table.add_row(*([safe(case.id)] if several else []), *cells)
    return _with_legend(table, notes)


# --- moats, competitors, drivers, lessons -----------------------------------


def moats_table(rows: Rows, several: bool | None = None) -> Table | Group:
    """Rank (1 = most durable), the moat with its description, time to replicate, cost."""
    several = _several(rows) if several is None else several
    notes = SourceNotes(rows)
    table = _table(several, leading=1)
    table.add_column("rank", justify="right", no_wrap=True)
    table.add_column("moat", ratio=3, min_width=20)
    table.add_column("to replicate", ratio=1, min_width=10)
    table.add_column("cost", ratio=1, min_width=10)
    table.add_column("src", no_wrap=True)
    for case, m in rows:
        cells = [Text(f"#{m.rank}", style="bold"), _titled(m.title, m.description),
                 safe(m.time_to_replicate or ""), safe(m.cost or ""), notes.cite(case, m.sources)]
        table.add_row(*([safe(case.id)] if several else []), *cells)
    return _with_legend(table, notes)


def competitors_table(rows: Rows, several: bool | None = None) -> Table | Group:
    """Competitors grouped by segment (a heading row per segment): name, position, scale, notes."""
    from casekit.sections import by_segment

    several = _several(rows) if several is None else several
    notes = SourceNotes(rows)
    table = _table(several)
    table.add_column("competitor", max_width=26)
    table.add_column("position", ratio=1, min_width=16)
    table.add_column("scale", justify="right", no_wrap=True)
    table.add_column("notes", style="dim", ratio=1, min_width=16)
    table.add_column("src", no_wrap=True)
    cases: dict[str, tuple[Case, list]] = {}
    for case, c in rows:
        cases.setdefault(case.id, (case, []))[1].append(c)
    first = True
    for case, items in cases.values():
        for segment, members in by_segment(items):
            if not first:
                table.add_row()
            first = False
            heading = safe(segment, "bold magenta") if segment else Text("(no segment)", style="dim italic")
            table.add_row(*([safe(case.id)] if several else []), heading)
            for c in members:
                cells = [Padding(safe(c.name, "bold"), (0, 0, 0, 2)), safe(c.position or ""),
                         safe(c.scale.display() if c.scale else ""), safe(c.notes or ""),
                         notes.cite(case, c.sources)]
                table.add_row(*([Text("")] if several else []), *cells)
    return _with_legend(table, notes)


def drivers_table(rows: Rows, several: bool | None = None) -> Table | Group:
    """The driver with its description, and its horizon."""
    several = _several(rows) if several is None else several
    notes = SourceNotes(rows)
    table = _table(several, leading=1)
    table.add_column("driver", ratio=3, min_width=24)
    table.add_column("horizon", style="green", max_width=24)
    table.add_column("src", no_wrap=True)
    for case, d in rows:
        cells = [_titled(d.title, d.description), safe(d.horizon or ""), notes.cite(case, d.sources)]
        table.add_row(*([safe(case.id)] if several else []), *cells)
    return _with_legend(table, notes)


def lessons_table(rows: Rows, several: bool | None = None) -> Table | Group:
    """The lesson with its summary, and the source it was drawn from."""
    several = _several(rows) if several is None else several
    notes = SourceNotes(rows)
    table = _table(several, leading=1)
    table.add_column("lesson", ratio=1, min_width=24)
    table.add_column("src", no_wrap=True)
    for case, lesson in rows:
        cells = [_titled(lesson.title, lesson.summary), notes.cite(case, lesson.sources)]
        table.add_row(*([safe(case.id)] if several else []), *cells)
    return _with_legend(table, notes)


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
        parts.append(Text.assemble((clean(case.company), "bold"), "  ", (clean(case.id), "dim")))
    several = len(flywheel.loops) > 1
    for k, loop in enumerate(flywheel.loops, 1):
        if not kept((a, loop[(i + 1) % len(loop)]) for i, a in enumerate(loop)):
            continue
        if len(parts) > int(heading):
            parts.append(Text(""))
        pieces = [Text(f"Loop {k}  ", style="bold")] if several else []
        pieces += [Text.assemble((clean(node), "bold cyan"), (" → ", "yellow")) for node in loop]
        pieces.append(Text.assemble((clean(loop[0]), "bold cyan"), (" ↺", "yellow")))
        parts.append(Chain(pieces))
        for i, node in enumerate(loop):
            nxt = loop[(i + 1) % len(loop)]
            parts.append(_step(node, nxt, flywheel_edge(flywheel, node, nxt), "yellow"))
    open_edges = [e for e in flywheel.open_edges if kept([(e.from_, e.to)])]
    if open_edges:
        if len(parts) > int(heading):
            parts.append(Text(""))
        parts.append(Text("Not in any loop", style="bold red"))
        for edge in open_edges:
            parts.append(_step(edge.from_, edge.to, edge, "red"))
    return Group(*parts)


class Chain:
    """Pieces laid out left to right, a line broken only between pieces where one can be,
    continuation lines indented: a loop's nodes are never split across lines."""

    def __init__(self, pieces: list[Text], indent: int = 4) -> None:
        self.pieces = pieces
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.cells import cell_len

        width = options.max_width
        line = Text()
        for piece in self.pieces:
            if line.plain.strip() and line.cell_len + cell_len(piece.plain.rstrip()) > width:
                yield line
                line = Text(" " * self.indent)
            line.append_text(piece)
        yield line


def _step(a: str, b: str, edge, arrow_style: str):
    """One edge, `a → b`, with its description indented under it."""
    line = Padding(Text.assemble((clean(a), "cyan"), (" → ", arrow_style), (clean(b), "cyan")), (0, 0, 0, 2))
    if edge is None or not edge.description:
        return line
    return Group(line, Padding(safe(edge.description, "dim"), (0, 0, 0, 6)))
