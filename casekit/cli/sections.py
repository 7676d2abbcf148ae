"""`casekit principles`, `principle`, `risks` and a listing command for each analysis section."""

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
    LongOpt,
    OneCaseOpt,
)


class PrinciplesView(str, Enum):
    """How `casekit principles` lays the principles out."""

    table = "table"
    cards = "cards"


class RisksView(str, Enum):
    """How `casekit risks` lays the risks out."""

    table = "table"
    matrix = "matrix"


class Severity(str, Enum):
    """The severities `--min-severity` takes, lowest first."""

    low = "low"
    medium = "medium"
    medium_high = "medium-high"
    high = "high"
    critical = "critical"


TagOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        "-t",
        metavar="TAG",
        show_default=False,
        autocompletion=complete.principle_tags,
        help="Principles with this tag (repeatable: all must match).",
    ),
]


@app.command()
def principles(
    ctx: typer.Context,
    case: CasesOpt = None,
    all_cases: AllOpt = False,
    brief: Annotated[
        bool, typer.Option("--brief", "-b", help="Numbers and titles only (a table of its own: not with --view cards).")
    ] = False,
    view: Annotated[
        PrinciplesView,
        typer.Option("--view", "-v", case_sensitive=False, help="table (side by side) or cards (one panel each)."),
    ] = PrinciplesView.table,
    grep: GrepOpt = None,
    tag: TagOpt = None,
    limit: LimitOpt = None,
    as_of: AsOfOpt = None,
    long: Annotated[
        bool,
        typer.Option("--long", "-l", help="Each principle's summary, tactic, evidence, note, sources and confidence."),
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """`casekit principle N` shows one in full, with its evidence and risks.
    With several cases (-c repeated, or --all) a first column names each
    principle's case.
    """
    from casekit.cli.common import listing_command, open_cases
    from casekit.errors import UsageError
    from casekit.sections import principle_rows

    if brief and view is PrinciplesView.cards:
        raise UsageError(
            "--brief and --view cards are two views: give one",
            hint="--brief lists numbers and titles; --view cards shows each principle in a panel",
        )
    if brief and long:
        raise UsageError("--brief and --long ask for less and more: give one", hint="--brief lists numbers and titles")
    st = state(ctx)
    cases = open_cases(st, case, all_cases, as_of)
    several = cases.several
    rows = principle_rows(cases, grep=grep, tags=tag or (), limit=limit)

    def render():
        from casekit.render import principles as views

        items = [p for _, p in rows]
        ids = [c.id for c, _ in rows] if several else None
        if brief:
            return views.principles_brief(items, ids)
        if view is PrinciplesView.cards:
            from casekit.render.sections import by_case

            return by_case(
                [
                    (c, views.principle_cards([p for pc, p in rows if pc is c], long))
                    for c in cases
                    if any(pc is c for pc, _ in rows)
                ],
                several,
            )
        return views.principles_table(items, ids, long)

    listing_command(st, fmt, "principles", cases, rows, render)


@app.command()
def principle(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar="REF",
            help="The principle's number or id.",
            autocompletion=complete.principle_refs,
            show_default=False,
        ),
    ],
    case: OneCaseOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """One principle in full: its evidence events, related risks and kindred principles.

    Related risks include those whose `principles` name this one; kindred
    principles share a risk or a tag with it.
    """
    from casekit.cli.common import emit, open_one_case
    from casekit.records import principle_detail_record
    from casekit.sections import principle_detail, resolve_principle

    st = state(ctx)
    opened = open_one_case(st, case, as_of, "principle", "principles")
    detail = principle_detail(opened.case, resolve_principle(opened.case, ref), opened.today)

    def render():
        from casekit.render.principles import principle_full

        return principle_full(detail)

    emit(st, fmt, lambda: principle_detail_record(detail), render)


@app.command()
def risks(
    ctx: typer.Context,
    case: CasesOpt = None,
    all_cases: AllOpt = False,
    min_severity: Annotated[
        Severity | None,
        typer.Option(
            "--min-severity",
            "-s",
            case_sensitive=False,
            show_default=False,
            metavar="SEVERITY",
            help="Leave out risks less severe than SEVERITY: low, medium, medium-high, high or critical.",
        ),
    ] = None,
    view: Annotated[
        RisksView, typer.Option("--view", "-v", case_sensitive=False, help="table, or matrix (severity × likelihood).")
    ] = RisksView.table,
    brief: Annotated[bool, typer.Option("--brief", "-b", help="Titles without descriptions.")] = False,
    grep: GrepOpt = None,
    limit: LimitOpt = None,
    as_of: AsOfOpt = None,
    long: Annotated[
        bool, typer.Option("--long", "-l", help="Each risk's mitigations, note, sources and confidence too.")
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Severity runs low < medium < medium-high < high < critical. Each risk
    lists its principles: those it names and those that name it. With
    several cases (-c repeated, or --all) the table names each risk's case
    in a first column, and the matrix is drawn for each case under its name.
    """
    from casekit.cli.common import listing_command, open_cases
    from casekit.errors import UsageError
    from casekit.sections import risk_rows

    if long and brief:
        raise UsageError("--brief and --long ask for less and more: give one", hint="--brief lists titles alone")
    if long and view is RisksView.matrix:
        raise UsageError("--long lists each risk in full: not with --view matrix", hint="the table view takes --long")
    st = state(ctx)
    cases = open_cases(st, case, all_cases, as_of)
    several = cases.several
    floor = min_severity.value if min_severity else None
    rows = risk_rows(cases, min_severity=floor, grep=grep, limit=limit)

    def render():
        from casekit.render import sections as views

        if view is RisksView.matrix:
            from casekit.sections import risk_matrix

            shown = [c for c in cases if any(rc is c for rc, _ in rows)]
            matrices = [(c, risk_matrix([r for rc, r in rows if rc is c], floor)) for c in shown]
            return views.risks_matrices(matrices, several=several)
        return views.risks_table(rows, brief=brief, several=several, long=long)

    listing_command(st, fmt, "risks", cases, rows, render)


# --- one listing per remaining section --------------------------------------


def _listing(section: str) -> None:
    """Register `casekit SECTION`: the section's items from one or more cases, filtered (its help
    comes from `casekit.registry`)."""
    long_opt = (
        Annotated[
            bool,
            typer.Option(
                "--long", "-l", help="Each source's note and confidence, and the items citing it (their REFs)."
            ),
        ]
        if section == "sources"
        else LongOpt
    )

    def command(
        ctx: typer.Context,
        case: CasesOpt = None,
        all_cases: AllOpt = False,
        grep: GrepOpt = None,
        limit: LimitOpt = None,
        as_of: AsOfOpt = None,
        long: long_opt = False,  # type: ignore[valid-type]
        fmt: FormatOpt = Format.table,
    ) -> None:
        from casekit.cli.common import listing_command, open_cases
        from casekit.sections import listing

        st = state(ctx)
        cases = open_cases(st, case, all_cases, as_of)
        rows = listing(section, cases, grep=grep, limit=limit, today=cases.today)

        def render():
            from casekit.render.sections import section_listing

            return section_listing(section, rows, cases.today, several=cases.several, long=long)

        listing_command(st, fmt, section, cases, rows, render)

    command.__name__ = section
    app.command(section)(command)


def _register_listings() -> None:
    """A listing command for each section `casekit.registry` gives this module and a view of its own."""
    from casekit.registry import SECTIONS

    for spec in SECTIONS.values():
        if spec.command == "sections" and spec.view is not None:
            _listing(spec.name)


_register_listings()


@app.command()
def flywheel(
    ctx: typer.Context,
    case: CasesOpt = None,
    all_cases: AllOpt = False,
    grep: GrepOpt = None,
    limit: LimitOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Warns on stderr when an edge lies on no loop. With --grep, the loops
    through a matching edge are shown.
    """
    from casekit.cli.common import listing_command, open_cases
    from casekit.sections import flywheel_listing

    st = state(ctx)
    cases = open_cases(st, case, all_cases, as_of)
    several = cases.several
    shown = flywheel_listing(cases, grep=grep, limit=limit)
    for wheel in shown:
        for warning in wheel.warnings():
            st.term.warn((f"{wheel.case.id}: " if several else "") + warning)

    def render():
        from rich.console import Group
        from rich.text import Text

        from casekit.render.sections import flywheel_view

        parts = []
        for wheel in shown:
            if not wheel.edges:
                continue
            if parts:
                parts.append(Text(""))
            parts.append(
                flywheel_view(wheel.case, wheel.wheel, heading=several, keep={(e.from_, e.to) for e in wheel.edges})
            )
        return Group(*parts)

    rows = [(wheel.case, edge) for wheel in shown for edge in wheel.edges]
    listing_command(st, fmt, "flywheel", cases, rows, render, what="flywheel edges")
