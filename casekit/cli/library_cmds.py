"""Commands over the library: search, compare, export, new."""

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from casekit.cli import complete
from casekit.cli.app import app, parse_date_option, state
from casekit.cli.options import AsOfOpt, CasesOpt, Format, FormatOpt, OneCaseOpt
from casekit.errors import ExitCode


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY", show_default=False, help='Words and "quoted phrases" (quote the phrase for the shell too).'
        ),
    ],
    case: CasesOpt = None,
    section: Annotated[
        list[str] | None,
        typer.Option(
            "--section",
            "-s",
            metavar="SECTION",
            show_default=False,
            autocompletion=complete.search_sections,
            help="Search only this section (repeatable; `case` is the case's own title and summary).",
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", metavar="N", min=1, help="Show the N best hits.")] = 20,
    fmt: FormatOpt = Format.table,
) -> None:
    """Ranked full-text search across the library (or the cases named with -c).

    Every text of every item is searched; a title counts more than body text.
    Matching ignores case and accents, and `risk` also finds `risks`. Bare
    words are alternatives ranked by relevance (BM25F); a "quoted phrase"
    must appear as written. A hyphenated word is also found written as one
    (`ecommerce` finds `E-commerce`). In -f json|csv|md|yaml the snippet is
    plain text with each match wrapped in «». Hits name their case by id, or
    by file when two files share an id. Exit 1 when nothing matches, like grep.
    """
    from casekit.cli.common import ParseProgress, emit, find_cases, loading_many, skipped_reason
    from casekit.compare import case_labels
    from casekit.records import Records, shape_of
    from casekit.search import HIT_KEYS, search_query
    from casekit.search import search as run_search

    st = state(ctx)
    text = " ".join(query)
    parsed = search_query(text, section or ())
    if case:  # a case named is a case wanted: one that does not load is an error
        refs = find_cases(st, case)
        with loading_many(len(refs)):
            cases = st.library.load_all(refs, progress=ParseProgress(st))
        labels = case_labels(cases, [str(ref.path) for ref in refs])
        hits = run_search(cases, parsed, sections=section or (), limit=limit, labels=labels)
        searched = len(cases)
    else:  # over the library, through its index; a broken file is skipped
        from casekit.index import search_library

        refs = st.library.refs()
        with loading_many(len(refs)):
            hits, broken, searched = search_library(
                st.library, refs, parsed, sections=section or (), limit=limit, progress=ParseProgress(st)
            )
        for loaded in broken:
            st.term.warn(f"skipping {skipped_reason(loaded)}")
    if not hits:
        from casekit.render.text import clean_inline

        st.term.err.print(f"no matches for {clean_inline(text)}", style="dim", markup=False, highlight=False)
        if fmt is not Format.table:  # tools still get a well-formed empty answer
            emit(st, fmt, lambda: Records([], shape_of(HIT_KEYS)), lambda: None)
        raise typer.Exit(int(ExitCode.NEGATIVE))

    def render():
        from casekit.render.search import hits_table

        return hits_table(hits, several=searched > 1)

    emit(st, fmt, lambda: Records([hit.record() for hit in hits], shape_of(HIT_KEYS)), render)


class ExportFormat(str, Enum):
    """What `casekit export` writes."""

    md = "md"
    json = "json"
    html = "html"


@app.command()
def export(
    ctx: typer.Context,
    case: OneCaseOpt = None,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="md: a report; json: the whole case, normalised; html: one page.",
        ),
    ] = ExportFormat.md,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            show_default=False,
            help="Write to FILE (atomically) instead of stdout; - is stdout.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    as_of: AsOfOpt = None,
) -> None:
    """The whole case as a Markdown report, JSON, or a self-contained HTML page.

    The report has the summary, key metrics, timeline, principles with their
    tradeoffs, risks and every other section, with sources as footnotes
    ([^source_id]). The page needs nothing but a browser: inline CSS, charts
    as inline SVG, no scripts; it reads on a phone too. The JSON is the case
    normalised for tools, not a case file (the YAML file is the case): each
    section's items are the records of `casekit SECTION -f json` with every
    other field too, each date as written with its ISO start and end, each
    value as {text, low, high, qualifier}. -o FILE never replaces an
    existing file without --force.
    """
    from casekit.cli.common import open_one_case, write_text
    from casekit.render.text import clean

    st = state(ctx)
    opened = open_one_case(st, case, as_of, "export")
    data = opened.case
    if fmt is ExportFormat.md:
        from casekit.export import markdown_report

        text = markdown_report(data, opened.today)
    elif fmt is ExportFormat.html:
        from casekit.export import html_page

        text = html_page(data, opened.today)
    else:
        from casekit.records import case_record
        from casekit.render.machine import write

        text = write(case_record(data), "json")
    if output is None or output == "-":
        write_text(st, text)
        return
    from casekit import atomic

    written = atomic.write_text(output, text, overwrite=force, at_terminal=clean)
    st.term.err.print(f"wrote {written}", style="dim", markup=False, highlight=False, soft_wrap=True)


@app.command()
def new(
    ctx: typer.Context,
    case_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID|COMPANY]",
            show_default=False,
            help="The new case's id (a slug such as acme or series_b-2024), or the company's name to make it from.",
        ),
    ] = None,
    company: Annotated[
        str | None, typer.Option("--company", metavar="NAME", show_default=False, help="Who the case is about.")
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", metavar="TEXT", show_default=False, help="The case in one line.")
    ] = None,
    summary: Annotated[
        str | None, typer.Option("--summary", metavar="TEXT", show_default=False, help="The case in a paragraph.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", metavar="DATE", show_default=False, help="The latest date it covers (default: this month)."
        ),
    ] = None,
    directory: Annotated[Path, typer.Option("--dir", metavar="DIR", help="Where to write ID.yaml.")] = Path("cases"),
    force: Annotated[bool, typer.Option("--force", help="Replace DIR/ID.yaml if it exists.")] = False,
) -> None:
    """Start a case: write DIR/ID.yaml, a commented skeleton that validates.

    `casekit new Netflix` takes Netflix as the company and suggests the id
    netflix. At a terminal, what is not given is asked for (the title and
    summary may be left for later with Enter). Never replaces an existing
    file without --force. The path written is printed on stderr, with how
    to add DIR to the library when it is not in it, and what to do next.
    """
    from casekit.atomic import write_text
    from casekit.skeleton import new_case_names, skeleton

    st = state(ctx)
    for option, given in (("ID|COMPANY", case_id), ("--company", company)):
        if any("\udc80" <= c <= "\udcff" for c in given or ""):  # bytes that were not UTF-8
            from casekit.errors import UsageError

            raise UsageError(f"{option}: not valid UTF-8 text; a case is written in UTF-8")
    ask = None
    if sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty():
        from casekit.cli.prompts import ask_text

        ask = ask_text
    case_id, company = new_case_names(case_id, company, ask)
    if ask is not None:
        title = title if title is not None else ask("title (the case in one line; Enter leaves it for later)", None)
        summary = summary if summary is not None else ask("summary (a paragraph; Enter leaves it for later)", None)
    if as_of is not None:
        parse_date_option(as_of, "--as-of")
    text = skeleton(case_id, company, st.today, title=title, summary=summary, as_of=as_of)
    written = write_text(directory / f"{case_id}.yaml", text, overwrite=force)
    st.term.err.print(str(written), markup=False, highlight=False, soft_wrap=True)
    library_dirs = {d.resolve() for d in st.library.user_dirs}
    if directory.resolve() not in library_dirs:
        st.term.err.print(
            f"{directory} is not in the library; add it with --cases-dir {directory}, "
            f"or for good: export CASEKIT_PATH={directory.resolve()}",
            style="dim",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    st.term.err.print(
        f"next: casekit add sources -c {case_id} (then casekit rm source1 -c {case_id}), "
        f"casekit add timeline -c {case_id}, casekit import timeline FILE.csv -c {case_id}",
        style="dim",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@app.command()
def compare(
    ctx: typer.Context,
    cases: Annotated[
        list[str],
        typer.Argument(
            metavar="CASE CASE…",
            show_default=False,
            autocompletion=complete.cases_or_paths,
            help="Two or more case ids or paths.",
        ),
    ],
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            "-m",
            metavar="ID",
            show_default=False,
            autocompletion=complete.compared_metrics,
            help="Compare this metric (id or name; repeatable). Default: every metric two cases share.",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Cases side by side: company, span, counts, eras, shared metrics, top risks, shared tags and themes.

    Metrics are matched by id, else by name ignoring case, and show the
    latest value with the growth rate (CAGR) of the series; a metric named
    with --metric is found in each case by id, else by name, and is one row.
    Themes are the principle tags and title words every case shares. In
    -f json|csv|yaml there is one record per attribute, {group, attribute,
    values}, with the value of each case under `values` as data: dates with
    their ISO start and end, a metric as {id, value, date, start, end, cagr},
    eras, risks and themes as lists of records, tags as lists (csv: each
    case's columns together, values.CASE, values.CASE.date, …,
    values.CASE.cagr.value). -f md has one column per case, values.CASE,
    holding the text the table shows. Cases are labelled by id, or by file
    when two versions share an id.
    """
    from casekit.cli.common import open_cases
    from casekit.compare import check_different
    from casekit.compare import compare as run_compare

    st = state(ctx)
    check_different(st.library, cases)
    opened = open_cases(st, cases, as_of=as_of)
    comparison = run_compare(opened, opened.today, metrics=metric or (), names=cases)

    def render():
        from casekit.render.compare import comparison_table

        return comparison_table(comparison)

    def records():
        if fmt is Format.md:  # for people: each case's value as the table words it
            from casekit.render.compare import readable_records

            return readable_records(comparison)
        return comparison.records()

    from casekit.cli.common import emit

    emit(st, fmt, records, render)
    if fmt is Format.table and not any(row.group == "metrics" for row in comparison.rows):
        st.term.err.print(
            "no metric is shared by two of the cases; pick some with --metric ID",
            style="dim",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
