"""Commands about cases as wholes: validate, cases, show, schema."""

from typing import Annotated

import typer

from casekit.cli import complete
from casekit.cli.app import app, state
from casekit.cli.options import AsOfOpt, Format, FormatOpt, GrepOpt, LimitOpt, OneCaseOpt
from casekit.errors import ExitCode


@app.command()
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PATH…",
            show_default=False,
            autocompletion=complete.cases_or_paths,
            help="Case files, directories or ids, or - for standard input (default: the whole library).",
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Check case files: syntax, types, unknown keys, dates, values, references.

    Takes files, directories (every .yaml below), ids, or - for standard
    input. Every problem is reported at once as path:line:column. Exit 1
    when there are errors (or warnings, with --strict), 2 when a file cannot
    be read or a directory (or the configured library) holds no case file.
    """
    import sys

    from casekit.cli.common import open_library, write_records
    from casekit.loader import check_stream

    st = state(ctx)
    if "-" in (paths or []) and sys.stdin is None:
        from casekit.errors import UsageError

        raise UsageError("-: no standard input to read a case from")
    problems = check_stream(sys.stdin.buffer)[1] if "-" in (paths or []) else []
    passed_over: list = []
    targets = st.library.case_files([p for p in paths if p != "-"] if paths else None, passed_over)
    problems += passed_over
    # Unchanged valid files come from the parsed-case cache, with their warnings.
    checked = open_library(st, targets, warn=False)
    problems += [problem for loaded in checked for problem in loaded.problems]
    unreadable = any(p.code == "unreadable" for p in problems)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if fmt is Format.table:
        from casekit.render.problems import render_problems

        if problems:
            st.term.out.print(render_problems(problems), soft_wrap=True)
        checked_count = len(targets) + ("-" in (paths or []))
        summary = f"{checked_count} file{'s' * (checked_count != 1)} checked: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        st.term.err.print(summary, style="red" if errors else ("yellow" if warnings else "green"))
    else:
        from casekit.records import Records, shape_of

        write_records(st, Records([p.record() for p in problems], shape_of(PROBLEM_KEYS)), fmt)
    if unreadable:
        raise typer.Exit(int(ExitCode.TROUBLE))
    if errors or (strict and warnings):
        raise typer.Exit(int(ExitCode.NEGATIVE))


PROBLEM_KEYS = ("path", "line", "column", "severity", "code", "message")


@app.command()
def cases(
    ctx: typer.Context,
    grep: GrepOpt = None,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The library: every case found, with its counts and path.

    A case is shown by its id, with its file's stem beside it when the two
    differ; -c takes either.
    """
    from casekit.cli.common import ParseProgress, emit, loading_many, open_library
    from casekit.query import select
    from casekit.records import LIBRARY_KEYS, Records, library_record, shape_of

    st = state(ctx)
    from casekit.indexed import library_cases

    refs = st.library.refs()
    with loading_many(len(refs)):
        records = library_cases(st.library, refs, ParseProgress(st))
    if records is None:  # no index: every case read
        records = [
            library_record(loaded.ref, loaded.case, loaded.error.message if loaded.error else None)
            for loaded in open_library(st, warn=False)
        ]
    rows = select(records, grep, limit)

    def render():
        from casekit.render.overview import cases_table

        return cases_table(rows)

    if fmt is Format.table and not rows:
        st.term.err.print("no cases match" if grep else "no cases found", style="dim")
        return
    emit(st, fmt, lambda: Records(rows, shape_of(LIBRARY_KEYS)), render)


@app.command()
def show(
    ctx: typer.Context,
    ref: Annotated[
        str | None,
        typer.Argument(
            metavar="[REF]",
            show_default=False,
            autocompletion=complete.item_refs,
            help="An item's id (SECTION/ID when another section uses it too): that item in full.",
        ),
    ] = None,
    case: OneCaseOpt = None,
    as_of: AsOfOpt = None,
    tree: Annotated[
        bool, typer.Option("--tree", help="The whole case as a tree (with -f json|yaml: the whole case, normalised).")
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """The case at a glance: header, key metrics, eras, counts, top risks; or one item in full.

    With REF (`casekit show series_e`, `casekit show timeline/series_e`),
    the item with every field, its note and confidence, its sources by
    title, and what it links to and what links to it, each with the REF
    that shows it. -f json|yaml gives its record, with `links` and
    `backlinks`.

    Without REF, -f json|csv|md|yaml gives one record of what is shown: the
    header, the counts of each section, the key metrics' latest values, the
    eras and the top risks.
    """
    from casekit.cli.common import emit, open_one_case, view
    from casekit.errors import UsageError

    st = state(ctx)
    if tree and ref is not None:
        raise UsageError("--tree shows the whole case; give it or a REF, not both")
    if tree and fmt in (Format.csv, Format.md):
        raise UsageError(
            f"{fmt.value} holds one table and the whole case is many; use -f json or -f yaml",
            hint="or casekit show -f csv for the case at a glance, casekit SECTION -f csv for one section",
        )
    full = open_one_case(st, case, None, "show").case
    seen = view(st, full, as_of)
    data, today = seen.case, seen.today
    if ref is not None:
        return _show_item(st, seen, full, ref, fmt)
    # A summary written at the case's as_of tells of what came after an earlier --as-of date.
    later = data is not full and data.as_of.latest(today) < full.as_of.latest(today)
    hidden = full.as_of.text if later and data.summary else None

    def records():
        from casekit.records import case_record, overview_record

        if tree:
            return case_record(data)
        record = overview_record(data, today)
        if hidden:
            record["summary"] = None
        return record

    def render():
        from casekit.render import overview

        if tree:
            return overview.case_tree(data, today)
        return overview.overview(data, today, summary_written=hidden)

    from casekit.records import overview_shape

    emit(st, fmt, records, render, shape=None if tree else overview_shape())


def _show_item(st, seen, full, ref: str, fmt: Format) -> None:
    """`casekit show REF`: the item in full (of the case `seen` as of a date, if one was given), or its record."""
    from casekit.cli.common import emit
    from casekit.errors import UsageError
    from casekit.links import resolve_ref

    data, today = seen.case, seen.today
    try:
        section, item = resolve_ref(data, ref)
    except UsageError:
        if data is full or not _resolves(full, ref):
            raise
        raise UsageError(
            f"`{ref}` is not in {data.id} as of {seen.as_of.text}: it is dated later, or cites only later sources",
            hint="without --as-of it is shown",
        ) from None

    def records():
        from casekit.records import item_full_record

        return item_full_record(data, section, item, today)

    def render():
        from casekit.render.item import item_view

        return item_view(data, section, item, today)

    emit(st, fmt, records, render)


def _resolves(case, ref: str) -> bool:
    from casekit.errors import UsageError
    from casekit.links import resolve_ref

    try:
        resolve_ref(case, ref)
    except UsageError:
        return False
    return True


@app.command()
def schema(ctx: typer.Context) -> None:
    """The JSON Schema of the case format, for editors and other tools."""
    import json

    from casekit.schema import case_schema

    st = state(ctx)
    st.term.write(json.dumps(case_schema(), indent=2, ensure_ascii=False))
