"""`casekit timeline`: the events in date order, filtered, as a table, tree or chart."""

from enum import Enum
from typing import Annotated

import typer

from casekit.cli import complete
from casekit.cli.app import app, state
from casekit.cli.options import (
    AllOpt,
    AsOfOpt,
    CasesOpt,
    Format,
    FormatOpt,
    GrepOpt,
    LimitOpt,
)


class TimelineView(str, Enum):
    """How `casekit timeline` shows the events."""

    table = "table"
    tree = "tree"
    chart = "chart"


@app.command()
def timeline(
    ctx: typer.Context,
    case: CasesOpt = None,
    all_cases: AllOpt = False,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="DATE", show_default=False, help="Events from DATE's first day on (overlapping it)."
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="DATE",
            show_default=False,
            help="Events up to DATE's last day (--until 2018 keeps all of 2018).",
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Only events wholly inside --since/--until.")] = False,
    era: Annotated[
        list[str] | None,
        typer.Option(
            "--era",
            metavar="ERA",
            show_default=False,
            autocompletion=complete.eras,
            help="Events of this era (repeatable: any).",
        ),
    ] = None,
    category: Annotated[
        list[str] | None,
        typer.Option(
            "--category",
            metavar="CATEGORY",
            show_default=False,
            autocompletion=complete.categories,
            help="Events of this category (repeatable: any).",
        ),
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            "--tag",
            "-t",
            metavar="TAG",
            show_default=False,
            autocompletion=complete.tags,
            help="Events with this tag (repeatable: all must match).",
        ),
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            metavar="SOURCE",
            show_default=False,
            autocompletion=complete.sources,
            help="Events citing this source (repeatable: any).",
        ),
    ] = None,
    grep: GrepOpt = None,
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Newest first.")] = False,
    limit: LimitOpt = None,
    as_of: AsOfOpt = None,
    view: Annotated[
        TimelineView,
        typer.Option("--view", "-v", help="table, tree (era → year → event) or chart.", case_sensitive=False),
    ] = TimelineView.table,
    long: Annotated[
        bool, typer.Option("--long", "-l", help="Each event's detail, note, sources and confidence too.")
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Dates are shown as written: ~ marks an approximate date, ? an uncertain
    one, and ‡ an event whose sources disagree (its note, saying how, is
    printed under the table and the tree's event). An event belongs to the era
    it names; one that names none, to the eras whose period holds it (--era),
    and the tree shows it once, under the narrowest of them.
    """
    from casekit.cli.app import parse_date_option
    from casekit.cli.common import Opened, emit, loading_many, open_cases
    from casekit.query import TimelineQuery
    from casekit.query import timeline as select

    st = state(ctx)
    query = TimelineQuery(
        since=parse_date_option(since, "--since") if since is not None else None,  # `--since=` is an empty date
        until=parse_date_option(until, "--until") if until is not None else None,
        strict=strict,
        eras=era or (),
        categories=category or (),
        tags=tag or (),
        sources=source or (),
        grep=grep,
        reverse=reverse,
        limit=limit,
    )
    # Over the whole library the index holds what a table or the records need; a tree or a chart
    # draws from whole cases, and --as-of views them.
    indexed = all_cases and not case and as_of is None and (fmt is not Format.table or view is TimelineView.table)
    found = _from_index(st, query, fmt is Format.table) if indexed else None
    if found is not None:
        # The records alone are written as the index holds them: no head nor event is decoded.
        cases = Opened(found.heads if fmt is Format.table else [], st.today, several=True)
        rows = found.events() if fmt is Format.table else found
    else:
        cases = open_cases(st, case, all_cases, as_of)
        rows = select(cases, query, cases.today)
    several = cases.several
    today_date = cases.today

    def records():
        from casekit.records import listing_records

        return found.records() if found is not None else listing_records("timeline", rows, several)

    def render():
        from casekit.render import timeline as views

        events = [(c.id if several else None, e) for c, e in rows]
        if view is TimelineView.tree:
            return views.timeline_tree(events, cases, today_date, eras=query.eras, long=long)
        if view is TimelineView.chart:
            return views.timeline_chart(events, cases, today_date, eras=query.eras)
        return views.timeline_table(events, {c.id: c for c in cases}, long=long)

    if fmt is Format.table and not rows:
        st.term.err.print("no events match", style="dim")
        return
    if found is not None and fmt is Format.json:
        from casekit.cli.common import write_json

        with loading_many(len(rows)):
            write_json(st, found.records())  # each record's JSON as the index holds it
        return
    with loading_many(len(rows)):  # records by the hundred thousand: the GC would rescan them as they are made
        emit(st, fmt, records, render)


def _from_index(st, query, tables: bool):
    """The events the query selects over the library, read from its index; None when there is none."""
    from casekit.cli.common import ParseProgress, loading_many, skipped_reason
    from casekit.indexed import library_timeline

    def skipped(broken) -> None:
        for loaded in broken:
            st.term.warn(f"skipping {skipped_reason(loaded)}")

    refs = st.library.refs()
    with loading_many(len(refs)):
        return library_timeline(
            st.library,
            refs,
            query,
            st.today,
            all_heads=tables,
            records_only=not tables,
            progress=ParseProgress(st),
            skipped=skipped,
        )
