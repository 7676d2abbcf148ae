"""What commands share after parsing: opening cases, emitting records."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from casekit.cli.app import State, parse_date_option
from casekit.cli.options import Format
from casekit.errors import UsageError
from casekit.model import Case


def open_case(st: State, spec: str | None, as_of: str | None = None) -> Case:
    """The case named by `spec` (or the default case), viewed as of `as_of`."""
    library = st.library
    ref = library.find(spec) if spec else library.default()
    case = library.load(ref)
    return view(st, case, as_of)


def open_cases(st: State, specs: Sequence[str] | None, all_cases: bool = False,
               as_of: str | None = None) -> list[Case]:
    """Several cases: those named, every case with `all_cases`, else the default one."""
    library = st.library
    if all_cases:
        if specs:
            raise UsageError("give either --all or -c CASE, not both")
        refs = library.refs()
    elif specs:
        refs = [library.find(s) for s in specs]
    else:
        refs = [library.default()]
    return [view(st, library.load(ref), as_of) for ref in refs]


def view(st: State, case: Case, as_of: str | None) -> Case:
    """`case`, or its as-of view."""
    if not as_of:
        return case
    from casekit.query import as_of as as_of_view

    return as_of_view(case, parse_date_option(as_of, "--as-of"), st.today)


def limit(items: list, n: int | None) -> list:
    """The first `n` items (all when `n` is None)."""
    return items if n is None else items[:n]


def emit(st: State, fmt: Format, records: Callable[[], Any], render: Callable[[], Any]) -> None:
    """Print a table view, or write the records in a machine format."""
    if fmt is Format.table:
        st.term.print(render())
    else:
        from casekit.render.machine import write

        st.term.write(write(records(), fmt.value))
