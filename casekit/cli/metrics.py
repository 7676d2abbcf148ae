"""`casekit metrics`, `casekit metric ID` and `casekit segments`: figures over time and by segment.

None of them loads pandas: `casekit.analytics` computes series, changes and
CAGR in plain Python.
"""

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
    OneCaseOpt,
)

LongOpt = Annotated[
    bool,
    typer.Option(
        "--long", "-l", help="Each metric's description, note, sources and confidence, and its latest value's."
    ),
]


@app.command()
def metrics(
    ctx: typer.Context,
    case: CasesOpt = None,
    all_cases: AllOpt = False,
    grep: GrepOpt = None,
    limit: LimitOpt = None,
    as_of: AsOfOpt = None,
    long: LongOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Values are shown as analysts write them (~$1.4B, 300K+, $15–$50/hr).
    Growth from an estimate or a range is marked ≈; from a bound such as
    <$4B it is only a floor (≥) or a ceiling (≤). With --as-of, the latest
    value is the latest known at that date, and metrics with nothing
    observed by then are left out. With several cases (-c repeated, or
    --all) each case's metrics are a table under its name. `casekit metric
    ID` shows one series in full.
    """
    from casekit.cli.common import listing_command, open_cases
    from casekit.sections import metric_rows

    st = state(ctx)
    cases = open_cases(st, case, all_cases, as_of)
    several = cases.several
    rows, unknown = metric_rows(cases, grep=grep, limit=limit, observed_only=as_of is not None)

    def render():
        from casekit.analytics import metric_summary
        from casekit.render.metrics import metrics_table
        from casekit.render.sections import by_case

        return by_case(
            [
                (c, metrics_table([metric_summary(m, cases.today) for mc, m in rows if mc is c], long))
                for c in _with_rows(cases, rows)
            ],
            several=several,
        )

    if listing_command(st, fmt, "metrics", cases, rows, render) and fmt is Format.table and unknown:
        import sys

        sys.stdout.flush()  # the note follows the table, also when both go to one terminal
        noun = "metric has" if unknown == 1 else "metrics have"
        st.term.err.print(f"{unknown} more {noun} no observation by {as_of}", style="dim")


def _with_rows(cases, rows) -> list:
    """The cases some of `rows` (`(case, item)`) come from, in order."""
    return [c for c in cases if any(rc is c for rc, _ in rows)]


@app.command()
def metric(
    ctx: typer.Context,
    metric_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            autocompletion=complete.metric_ids,
            show_default=False,
            help="The metric's id (or its name); `casekit metrics` lists them.",
        ),
    ],
    case: OneCaseOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """One metric's series in date order: change, % change, CAGR and a bar chart.

    Each observation is compared with the latest earlier one in the same
    unit whose date lies wholly before its own (dates that overlap describe
    the same time, so no growth is measured between them: — in the table;
    values in different currencies are charted apart, never compared).
    CAGR runs between the values with both ends known whose dates' middles
    come first and last, over the years between those middles. Bars: █ a
    value, ░ a range or an open side, ▶ "or more", ◀ "below".
    """
    from casekit.cli.common import emit, open_one_case
    from casekit.sections import resolve_metric

    st = state(ctx)
    opened = open_one_case(st, case, as_of, "metric", "metrics")
    c, today = opened.case, opened.today
    m = resolve_metric(c, metric_id)

    def records():
        from casekit.analytics import series_record, series_rows

        if fmt in (Format.csv, Format.md):
            return series_rows(m, today)  # flat formats: one row per observation, growth beside it
        return series_record(m, today)

    def render():
        from casekit.analytics import cagr_span, series_table
        from casekit.render.metrics import metric_view

        rows = series_table(m, today)
        return metric_view(m, rows, cagr_span(m, rows))

    emit(st, fmt, records, render)


@app.command()
def segments(
    ctx: typer.Context,
    case: CasesOpt = None,
    all_cases: AllOpt = False,
    grep: GrepOpt = None,
    limit: LimitOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """A note says when a period's stated shares do not add up to about 100%.
    A share a segment does not state is worked out from its revenue (marked
    *) when other segments of the period state both. With several cases
    (-c repeated, or --all) each case's segments are a table under its name.
    """
    from casekit.cli.common import listing_command, open_cases
    from casekit.sections import listing

    st = state(ctx)
    cases = open_cases(st, case, all_cases, as_of)
    several = cases.several
    rows = listing("segments", cases, grep=grep, limit=limit)

    def render():
        from casekit.analytics import segment_shares
        from casekit.render.metrics import segments_view
        from casekit.render.sections import by_case

        return by_case(
            [
                (c, segments_view(segment_shares(c.segments, shown=[s.id for sc, s in rows if sc is c])))
                for c in _with_rows(cases, rows)
            ],
            several=several,
        )

    listing_command(st, fmt, "segments", cases, rows, render)
