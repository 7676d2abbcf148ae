"""Options shared by many commands, defined once as `Annotated` aliases."""

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from casekit.cli import complete

GLOBAL = "Global options"


class Format(str, Enum):
    """A listing's output: a table for people, or records in a machine format."""

    table = "table"
    json = "json"
    csv = "csv"
    md = "md"
    yaml = "yaml"


# `-c CASE` of a command that shows one case: taken as a list only so that a second -c is refused, not lost.
OneCaseOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--case",
        "-c",
        help="Case id or path (default: CASEKIT_CASE, the only case, or the bundled example).",
        metavar="CASE",
        autocompletion=complete.case_ids,
        show_default=False,
    ),
]
CasesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--case",
        "-c",
        help="Case id or path; repeat for several cases.",
        metavar="CASE",
        autocompletion=complete.case_ids,
        show_default=False,
    ),
]
AllOpt = Annotated[bool, typer.Option("--all", help="Every case in the library.")]
FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output format; all but table are plain data.", case_sensitive=False)
]
GrepOpt = Annotated[
    str | None,
    typer.Option(
        "--grep",
        "-g",
        metavar="TEXT",
        show_default=False,
        help="Keep items whose text contains TEXT (ignoring case and accents).",
    ),
]
LimitOpt = Annotated[
    int | None,
    typer.Option("--limit", "-n", help="Show at most N items (N ≥ 1).", metavar="N", min=1, show_default=False),
]
LongOpt = Annotated[bool, typer.Option("--long", "-l", help="Each item's note and confidence under it.")]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="The case as known at DATE: later facts dropped.", metavar="DATE", show_default=False),
]
TodayOpt = Annotated[
    str | None,
    typer.Option(
        "--today",
        help="Fix today's date to one day, as in 2025-06-15 (open ranges end today).",
        metavar="DAY",
        rich_help_panel=GLOBAL,
        show_default=False,
    ),
]
CasesDirOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--cases-dir",
        help="Read cases from DIR (repeatable; before CASEKIT_PATH and ./cases).",
        metavar="DIR",
        rich_help_panel=GLOBAL,
        show_default=False,
    ),
]
NoColorOpt = Annotated[
    bool, typer.Option("--no-color", help="No colour (NO_COLOR is honoured too).", rich_help_panel=GLOBAL)
]
ColorOpt = Annotated[
    str | None,
    typer.Option(
        "--color",
        help="auto (colour a terminal), always, or never (as --no-color).",
        metavar="WHEN",
        rich_help_panel=GLOBAL,
        show_default=False,
        autocompletion=lambda: ["auto", "always", "never"],
    ),
]
PagerOpt = Annotated[
    bool, typer.Option("--pager", help="Page long output at a terminal (or set CASEKIT_PAGER).", rich_help_panel=GLOBAL)
]
NoCacheOpt = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Parse every case file; neither read nor write the parsed-case cache (or set CASEKIT_NO_CACHE=1).",
        rich_help_panel=GLOBAL,
    ),
]
# `--section` of `diff` and `log`: the diff's sections, `case` (the top-level fields) among them.
ChangeSectionsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--section",
        "-s",
        metavar="SECTION",
        show_default=False,
        autocompletion=complete.diff_sections,
        help="Only this section's changes (repeatable): case, timeline, metrics, principles, risks, …",
    ),
]
