"""`casekit browse`: the cases as a keyboard-driven app in the terminal (Textual, imported here alone)."""

from collections.abc import Sequence

import typer

from casekit.cli.app import State, app, state
from casekit.cli.options import AllOpt, AsOfOpt, CasesOpt


@app.command()
def browse(ctx: typer.Context, case: CasesOpt = None, all_cases: AllOpt = False, as_of: AsOfOpt = None) -> None:
    """Read cases as an app: sections, items in full, the links between them, search, the timeline.

    A sidebar lists the sections with their counts, a table the section's
    items (f filters as you type, s or a click on a header sorts), and the
    selected item is shown in full: every field, its note, confidence and
    sources, and its links to other items. Enter follows a link and Escape
    goes back, as in a web browser. / searches every case shown (ranked as
    `casekit search` ranks), t opens the timeline with its eras chart, ?
    lists the keys, q quits. With -c repeated or --all, the sections hold
    every case's items. Warnings found in the files are listed under
    `problems`; a case with errors is refused, as other commands refuse it
    (with --all, its file is listed under `problems`). Read-only: it never
    writes a case. Needs a terminal.
    """
    import os
    import sys

    from casekit.errors import UsageError

    st = state(ctx)
    if not all(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stdout, sys.stderr)):
        raise UsageError(
            "casekit browse needs a terminal: its standard input, output and error are not all one",
            hint="in a pipe or a script, read with `casekit show`, `casekit timeline`, `casekit search` or `casekit export`",
        )
    browsed = open_browsed(st, case, all_cases, as_of)
    if not st.term.color:
        os.environ["NO_COLOR"] = "1"  # how Textual is told: --no-color as NO_COLOR
    from casekit.browse.app import BrowseApp

    BrowseApp(browsed).run()


def open_browsed(st: State, specs: Sequence[str] | None, all_cases: bool, as_of: str | None):
    """The cases to browse, with their files' problems: those named (one with errors is refused with
    its first error, as `validate` reports it), every case (broken files listed as problems), or the
    default case."""
    from casekit.browse.data import Browsed
    from casekit.cli.common import ParseProgress, find_cases, loading_many, open_library, view
    from casekit.errors import UsageError

    library = st.library
    if all_cases:
        if specs:
            raise UsageError("give either --all or -c CASE, not both")
        checked = open_library(st, warn=False)
    else:
        refs = find_cases(st, specs) if specs else [library.default()]
        with loading_many(len(refs)):
            checked = library.check_all(refs, progress=ParseProgress(st))
        for loaded in checked:
            if loaded.case is None:
                assert loaded.error is not None
                raise loaded.error
    today = view(st, [], as_of).today  # the day open ranges end, in the as-of view
    return Browsed.from_loaded(checked, today, lambda c: view(st, c, as_of).case)
