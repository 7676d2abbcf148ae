"""What commands share after parsing: opening cases, emitting records."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from casekit.cli.app import State, parse_date_option
from casekit.cli.options import Format
from casekit.dates import PartialDate
from casekit.errors import UsageError
from casekit.library import CaseRef, Loaded, Progress
from casekit.model import Case


class Opened(list):
    """The cases a command opened, each as known `as_of` a date when one was given, and `today`: the
    day open ends run to in that view (the real day, or --today's, but no later than the as-of date's
    last day: as known then, "until today" ran until then). `several`: the command shows more than
    one case (or was asked for every case), so its listings name each item's case."""

    def __init__(self, cases, today: date, as_of: PartialDate | None = None, *, several: bool = False) -> None:
        super().__init__(cases)
        self.today = today
        self.as_of = as_of
        self.several = several

    @property
    def case(self) -> Case:
        """The one case of a command that shows one."""
        return self[0]


def view(st: State, cases: Case | Sequence[Case], as_of: str | None, *, several: bool = False) -> Opened:
    """`cases` (or one case), as known `as_of` the date that option gives (as they are without it)."""
    cases = [cases] if isinstance(cases, Case) else list(cases)
    if as_of is None:
        return Opened(cases, st.today, several=several)
    from casekit.query import as_of as as_of_view
    from casekit.query import as_of_today

    when = parse_date_option(as_of, "--as-of")
    return Opened(
        [as_of_view(case, when, st.today) for case in cases], as_of_today(when, st.today), when, several=several
    )


def open_case(st: State, spec: str | None, as_of: str | None = None) -> Opened:
    """The case named by `spec` (or the default case), viewed as of `as_of`: `.case`, `.today`."""
    library = st.library
    ref = library.find(spec) if spec else library.default()
    return view(st, library.load(ref), as_of)


def open_one_case(
    st: State, specs: Sequence[str] | None, as_of: str | None, command: str, several: str | None = None
) -> Opened:
    """The one case a single-case command was given (each file once however often it is named), or
    the default one, viewed as of `as_of` (`.case`, `.today`); a `UsageError` naming the cases when
    `-c` names several, with a hint at `several`, the listing that takes them (else at `compare`)."""
    if not specs:
        return open_case(st, None, as_of)
    refs = find_cases(st, specs)
    if len(refs) > 1:
        named = " ".join(f"-c {s}" for s in dict.fromkeys(specs))
        raise UsageError(
            f"`casekit {command}` shows one case; -c names {len(refs)}: " + ", ".join(ref.id for ref in refs),
            hint=f"`casekit {several} {named}` lists them over several cases"
            if several
            else f"`casekit compare {' '.join(dict.fromkeys(specs))}` sets them side by side",
        )
    return view(st, st.library.load(refs[0]), as_of)


def open_cases(st: State, specs: Sequence[str] | None, all_cases: bool = False, as_of: str | None = None) -> Opened:
    """Several cases, viewed as of `as_of`: those named (each file once), every case with `all_cases`,
    else the default one."""
    library = st.library
    if all_cases:
        if specs:
            raise UsageError("give either --all or -c CASE, not both")
        return view(st, [loaded.case for loaded in open_library(st) if loaded.case is not None], as_of, several=True)
    refs = find_cases(st, specs) if specs else [library.default()]
    with loading_many(len(refs)):
        cases = library.load_all(refs, progress=ParseProgress(st))
    return view(st, cases, as_of, several=len(cases) > 1)


def say_nothing(st: State, what: str, cases: Sequence[Case], section: str | None = None) -> None:
    """Say on stderr why a listing of `what` (the items of `section`, by default `what`) over
    `cases` is empty: nothing matched, or there was nothing to list (as of their date)."""
    if any(getattr(c, section or what) for c in cases):
        message = f"no {what} match"
    else:
        message = f"{', '.join(c.id for c in cases)} {'has' if len(cases) == 1 else 'have'} no {what}"
        as_of = getattr(cases, "as_of", None)
        if as_of is not None:  # the view left out what came later
            message += f" as of {as_of.text}"
    st.term.err.print(message, style="dim")


def listing_command(
    st: State,
    fmt: Format,
    section: str,
    opened: Opened,
    rows: Sequence[tuple[Case, Any]],
    render: Callable[[], Any],
    *,
    what: str | None = None,
) -> bool:
    """The end every listing command shares: `rows` ((case, item) pairs of `section` from `opened`)
    as a table `render()` draws, or as their records in a machine format; with no rows to show in a
    table, why on stderr (nothing of `what`, by default the section, matched or was there). False
    when there was nothing to show."""
    if fmt is Format.table and not rows:
        say_nothing(st, what or section, opened, section)
        return False

    def records():
        from casekit.records import listing_records

        return listing_records(section, rows, opened.several)

    emit(st, fmt, records, render)
    return True


def find_cases(st: State, specs: Sequence[str]) -> list[CaseRef]:
    """The case files `specs` name, each once however often (or however spelled) it is named."""
    return list({ref.path.resolve(): ref for ref in (st.library.find(s) for s in specs)}.values())


def open_library(st: State, refs: Sequence[CaseRef] | None = None, *, warn: bool = True) -> list[Loaded]:
    """Every case file of the library (or of `refs`), loaded and checked, in order.

    A broken file never stops the rest: it comes back without a case, and
    with `warn` each one is named on stderr as skipped.
    """
    library = st.library
    refs = library.refs() if refs is None else refs
    # Cached cases are read back, the rest parsed in parallel.
    with loading_many(len(refs)):
        checked = library.check_all(refs, progress=ParseProgress(st))
    if warn:
        for loaded in checked:
            if loaded.case is None:
                st.term.warn(f"skipping {skipped_reason(loaded)}")
    return checked


def skipped_reason(loaded: Loaded) -> str:
    """`path:line:column: message` of the first error that kept a file from loading."""
    problem = next((p for p in loaded.problems if p.severity == "error"), None)
    if problem is not None:
        return f"{problem.location}: {problem.message}"
    return f"{loaded.ref.path}: {loaded.error.message if loaded.error else 'not a valid case'}"


FREEZE_MIN = 50  # cases; fewer load in milliseconds whatever the GC does


@contextmanager
def loading_many(count: int) -> Iterator[None]:
    """Load `count` cases without the cyclic GC rescanning them: they are trees that live until the command ends.

    A thousand cases are millions of objects; each full collection while
    they load or after would walk them all again (over a second in all), so
    past a few dozen cases they are frozen out of the collector's sight. A
    CLI run is short, so this is the CLI's choice, not the library's.
    """
    import gc

    if count < FREEZE_MIN or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


class ParseProgress(Progress):
    """A progress bar on stderr while `Library.load_all` parses, only at a terminal and only for long parses."""

    # Enough work to take more than a moment (a 30 KB case takes ~15 ms to parse).
    MIN_FILES, MIN_BYTES = 50, 2_000_000

    def __init__(self, st: State) -> None:
        self.st = st
        self.bar: Any = None

    def start(self, files: int, size: int) -> None:
        """Show the bar, when `files` (of `size` bytes in all) take a while to parse and stderr is a terminal."""
        if (files <= self.MIN_FILES and size <= self.MIN_BYTES) or not self.st.term.err.is_terminal:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as Bar

        # No refresh thread: parsing may fork workers, and forking beside a thread is unsafe.
        self.bar = Bar(
            TextColumn("parsing cases"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=self.st.term.err,
            transient=True,
            auto_refresh=False,
        )
        self.task = self.bar.add_task("parse", total=files)
        self.bar.start()

    def advance(self) -> None:
        """One more file parsed."""
        if self.bar is not None:
            self.bar.advance(self.task)
            self.bar.refresh()

    def stop(self) -> None:
        """Take the bar off the screen."""
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def emit(
    st: State, fmt: Format, records: Callable[[], Any], render: Callable[[], Any], shape: dict | None = None
) -> None:
    """Print a table view, or write the records in a machine format (`shape`: see `write_records`)."""
    if fmt is Format.table:
        st.term.print(render())
    else:
        write_records(st, records(), fmt, shape)


def write_records(st: State, records: Any, fmt: Format, shape: dict | None = None) -> None:
    """Write `records` (a list of records, or one) in the machine format `fmt` to stdout.

    `shape` (else the records' own) gives the columns of csv and md.

    The formats carry case text as it is; at a terminal, control characters
    (only csv can hold them raw) are shown, not obeyed (see `write_text`).
    """
    from casekit.render.machine import write

    write_text(st, write(records, fmt.value, shape))


def write_json(st: State, records: Any) -> None:
    """`write_records` in JSON, written as the bytes msgspec makes when stdout takes them as they
    are (the text is then never made): what a listing of many records writes fastest."""
    from casekit.render.machine import json_bytes

    try:
        data = json_bytes(records)
    except UnicodeEncodeError:  # text no UTF-8 holds (a path's lone surrogate): written escaped
        data = None
    if data is None or not st.term.write_bytes(data):
        write_records(st, records, Format.json)


def write_text(st: State, text: str) -> None:
    """Write machine output to stdout; at a terminal, control characters are shown, not obeyed,
    as `ls` does, whatever the format."""
    import sys

    if sys.stdout.isatty():
        from casekit.render.text import clean

        text = clean(text)
    st.term.write(text)
