"""The command line: parses options, calls the library, picks a renderer, prints."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casekit.render.term import Terminal


READ, ACROSS, WRITE, LEARN = "Read a case", "Across cases", "Write and check", "Learn"

# Every command, in the order `casekit --help` lists them: its name → (the module of
# `casekit.cli` that defines it, the panel `--help` shows it under). A run imports only the
# module of the command it runs. Adding a command is one line here (and its module).
#
# A section's listing command (`casekit moats`) is declared with the section in
# `casekit.registry` (`command`, `panel`, `help`): here it is `SECTION`, which only places it
# among the others. A section left out of this table still has its command, at the end of its panel.
SECTION = None
COMMANDS: dict[str, tuple[str, str] | None] = {
    "browse": ("browse", READ),
    "show": ("inspect", READ),
    "timeline": SECTION,
    "principles": SECTION,
    "principle": ("sections", READ),
    "risks": SECTION,
    "metrics": SECTION,
    "metric": ("metrics", READ),
    "segments": SECTION,
    "people": SECTION,
    "eras": SECTION,
    "sources": SECTION,
    "quotes": SECTION,
    "moats": SECTION,
    "flywheel": SECTION,
    "competitors": SECTION,
    "drivers": SECTION,
    "lessons": SECTION,
    "cases": ("inspect", ACROSS),
    "search": ("library_cmds", ACROSS),
    "compare": ("library_cmds", ACROSS),
    "diff": ("diff", ACROSS),
    "log": ("log", ACROSS),
    "validate": ("inspect", WRITE),
    "new": ("library_cmds", WRITE),
    "add": ("writing", WRITE),
    "set": ("writing", WRITE),
    "edit": ("writing", WRITE),
    "rename": ("writing", WRITE),
    "rm": ("writing", WRITE),
    "import": ("writing", WRITE),
    "fmt": ("writing", WRITE),
    "export": ("library_cmds", WRITE),
    "schema": ("inspect", WRITE),
    "study": ("study", LEARN),
}


def command_table() -> dict[str, tuple[str, str]]:
    """Every command → (module, panel), in `--help` order: `COMMANDS` with each section's listing
    command filled in from `casekit.registry` (and any section `COMMANDS` leaves out added after the
    last command of its panel)."""
    from casekit.registry import SECTIONS

    table = {name: entry or (SECTIONS[name].command, SECTIONS[name].panel) for name, entry in COMMANDS.items()}
    for name, spec in SECTIONS.items():
        if name not in table:
            last = [i for i, entry in enumerate(table.values()) if entry[1] == spec.panel]
            items = list(table.items())
            at = last[-1] + 1 if last else len(items)
            table = dict([*items[:at], (name, (spec.command, spec.panel)), *items[at:]])
    return table


def command_module(command: str | None) -> str | None:
    """The module of `casekit.cli` defining `command`, or None when it is no command."""
    entry = COMMANDS.get(command) if command else None
    if entry is not None:
        return entry[0]
    if command is None:
        return None
    from casekit.registry import SECTIONS

    spec = SECTIONS.get(command)
    return spec.command if spec is not None else None


# Set by `main` before the app is imported: the command modules to register (None: every one),
# and whether the run names no command (help, the version, a usage error), which then lists the
# commands from `SUMMARIES` and the registry without importing their modules.
wanted: tuple[str, ...] | None = None
listing = False

# What `casekit --help` says of each command that is not a section's listing (the registry holds
# those): the first paragraph of the command's help. tests/test_cli.py holds each to its docstring.
SUMMARIES: dict[str, str] = {
    "browse": "Read cases as an app: sections, items in full, the links between them, search, the timeline.",
    "show": "The case at a glance: header, key metrics, eras, counts, top risks; or one item in full.",
    "principle": "One principle in full: its evidence events, related risks and kindred principles.",
    "metric": "One metric's series in date order: change, % change, CAGR and a bar chart.",
    "cases": "The library: every case found, with its counts and path.",
    "search": "Ranked full-text search across the library (or the cases named with -c).",
    "compare": "Cases side by side: company, span, counts, eras, shared metrics, top risks, shared tags and themes.",
    "diff": "Semantic diff of two cases: items added, removed, changed, renamed, refined.",
    "log": "A case's history: each commit that changed its file, newest first, and what it changed.",
    "validate": "Check case files: syntax, types, unknown keys, dates, values, references.",
    "new": "Start a case: write DIR/ID.yaml, a commented skeleton that validates.",
    "add": "Add an item: fields as key=value arguments, lists as a,b or repeated keys.",
    "set": "Change, add or remove fields of an item, or of the case itself.",
    "edit": "Open the case in $VISUAL (or $EDITOR, else vi), at the item's line when REF names one.",
    "rename": "Rename an item and every reference to it.",
    "rm": "Remove an item, with the comments above and inside it.",
    "import": "Add items from a spreadsheet's CSV (a header row names the fields) or JSON/YAML records.",
    "fmt": "Put case files in canonical layout, keeping every comment.",
    "export": "The whole case as a Markdown report, JSON, or a self-contained HTML page.",
    "schema": "The JSON Schema of the case format, for editors and other tools.",
    "study": "Learn the cases with spaced repetition: flash cards, graded, scheduled by FSRS.",
}


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `casekit` console script."""
    global wanted, listing

    args = sys.argv[1:] if argv is None else list(argv)
    if sys.stdout is None or sys.stderr is None:  # started with a standard stream closed (`>&-`)
        _reopen_closed_streams()
    _forgiving_streams()
    command = _command_word(args)
    module = command_module(command)
    if module is not None:
        wanted = (module,)
    listing = command is None and not _completing()
    if command is None or any(word in ("--help", "-h") for word in _options(args)):
        defer_help_extras()
    with colourless_help(args):
        try:
            from casekit.cli.app import app

            if module is not None:
                _only(app, command)
            elif listing:
                _listed_only(app)
            code = app(args=args, prog_name="casekit", standalone_mode=False)
        except BaseException as exc:  # raised outside the commands' boundary: the parser's errors, and any other
            if isinstance(exc, SystemExit):
                raise
            options = args[: args.index("--")] if "--" in args else args
            code = exit_code(exc, terminal(no_color=colour_refused(args)), debug="--debug" in options)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = quiet_pipe()
    if code == 130:
        # Ctrl-C: workers still parsing are stopped (they leave Ctrl-C to this process), what was
        # written is flushed, and the process ends now, without the interpreter's exit handlers,
        # which would wait on those workers.
        library = sys.modules.get("casekit.library")
        with suppress(Exception):
            if library is not None:
                library.stop_workers()
            sys.stderr.flush()
        os._exit(130)
    sys.exit(code if isinstance(code, int) else 0)


# Global options, which a user may write before or after the command.
GLOBAL_FLAGS = frozenset({"--no-color", "--pager", "--no-cache", "--debug"})
GLOBAL_VALUED = frozenset({"--today", "--cases-dir", "--color"})


def hoist_global_options(args: list[str]) -> list[str]:
    """`casekit timeline --no-color` as `casekit --no-color timeline`: global options
    written after the command move before it, so each is defined once, on the app."""
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in GLOBAL_VALUED else 1
    if i >= len(args):
        return list(args)
    moved: list[str] = []
    kept: list[str] = []
    rest = args[i + 1 :]
    j = 0
    while j < len(rest):
        word = rest[j]
        if word == "--":
            kept += rest[j:]
            break
        if word in GLOBAL_FLAGS:
            moved.append(word)
        elif word in GLOBAL_VALUED and j + 1 < len(rest):
            moved += [word, rest[j + 1]]
            j += 1
        elif word.split("=", 1)[0] in GLOBAL_VALUED:
            moved.append(word)
        else:
            kept.append(word)
        j += 1
    return list(args[:i]) + moved + [args[i]] + kept


def _options(args: list[str]) -> list[str]:
    return args[: args.index("--")] if "--" in args else args


# Modules typer's help imports for what casekit's help never shows: Markdown (markdown-it) and
# tracebacks (pygments); about a third of the cost of `casekit --help`.
_HELP_EXTRAS = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}


def defer_help_extras() -> None:
    """Put stand-ins for `_HELP_EXTRAS` in place, so that help imports them only if it uses them:
    the stand-in class, and any other name of the module, loads the real one."""
    import functools
    import types

    import rich

    for name, attr in _HELP_EXTRAS.items():
        if name in sys.modules:
            continue
        stand_in = types.ModuleType(name)
        setattr(stand_in, attr, _DeferredMeta(attr, (), {"_module": name, "_attr": attr}))
        stand_in.__getattr__ = functools.partial(_module_attribute, name)  # type: ignore[method-assign]
        sys.modules[name] = stand_in
        setattr(rich, name.rpartition(".")[2], stand_in)


def _module_attribute(name: str, key: str):
    if key.startswith("__"):  # what the import system asks of any module (`__path__`)
        raise AttributeError(key)
    return getattr(_load(name), key)


def _load(name: str):
    """The real module `name`, in place of its stand-in."""
    import importlib

    import rich

    current = sys.modules.get(name)
    if current is not None and "__file__" not in vars(current):  # the stand-in
        del sys.modules[name]
    module = importlib.import_module(name)
    setattr(rich, name.rpartition(".")[2], module)
    return module


class _DeferredMeta(type):
    """A stand-in class: made, or asked for an attribute, it is the real class."""

    def __call__(cls, *args, **kwargs):
        return getattr(_load(cls._module), cls._attr)(*args, **kwargs)

    def __getattr__(cls, key: str):
        if key.startswith("_"):
            raise AttributeError(key)
        return getattr(getattr(_load(cls._module), cls._attr), key)


# The colour system of help and usage errors (`casekit.cli.help`): None with --no-color.
help_color_system: str | None = "auto"


@contextmanager
def colourless_help(args: list[str]) -> Iterator[None]:
    """With --no-color anywhere among the options, help and usage errors are printed without
    escape codes too, as NO_COLOR would have them (they use consoles of their own). Typer's
    help module, which draws usage errors when the app is run by click's test runner, is told
    too when something imported it."""
    global help_color_system

    if not colour_refused(args):
        yield
        return
    typer_help = sys.modules.get("typer.rich_utils")
    saved = help_color_system, getattr(typer_help, "COLOR_SYSTEM", None)
    help_color_system = None
    if typer_help is not None:
        typer_help.COLOR_SYSTEM = None
    try:
        yield
    finally:
        help_color_system = saved[0]
        if typer_help is not None:
            typer_help.COLOR_SYSTEM = saved[1]


def colour_refused(args: list[str]) -> bool:
    """True when the options ask for no colour: --no-color, or --color never (its last word)."""
    options = args[: args.index("--")] if "--" in args else args
    asked = None
    for i, word in enumerate(options):
        if word == "--no-color":
            asked = "never"
        elif word == "--color" and i + 1 < len(options):
            asked = options[i + 1]
        elif word.startswith("--color="):
            asked = word.partition("=")[2]
    return (asked or "").strip().lower() in ("never", "no", "false")


def _command_word(args: list[str]) -> str | None:
    """The command a run asks for, or None (help, completion, no command)."""
    if _completing():
        return None
    words = iter(args)
    for word in words:
        if word in GLOBAL_VALUED:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _completing() -> bool:
    """True when the shell asks for completions (its variable `_CASEKIT_COMPLETE` is set)."""
    return any(k.endswith("_COMPLETE") for k in os.environ)


def _listed_only(app) -> None:
    """Each command as the app's help lists it (name, help, panel), when the run names none.

    Such a run shows the app's help, its version or a usage error, and runs no command; typer
    would still read every command's parameters from its signature (over a millisecond each).
    """
    import copy
    import inspect

    def listed(info):
        stand_in = copy.copy(info)
        stand_in.name = info.name or info.callback.__name__.replace("_", "-")
        stand_in.help = info.help if info.help is not None else inspect.getdoc(info.callback)
        stand_in.callback = lambda: None
        return stand_in

    app.registered_commands = [listed(info) for info in app.registered_commands]


def _only(app, command: str) -> None:
    """Keep just the invoked command on the app before typer builds it.

    Typer turns every registered command into a click command on each run
    (about 2 ms a command); a run needs one.
    """

    def name(info) -> str:
        return info.name or info.callback.__name__.replace("_", "-")

    chosen = [info for info in app.registered_commands if name(info) == command]
    if chosen:
        app.registered_commands = chosen


def _forgiving_streams() -> None:
    """Standard output and error that never fail on a character they cannot encode.

    A path is bytes on POSIX, and one that is not UTF-8 reaches Python with lone surrogates
    in it; casekit shows those escaped, and this is the net under anything that slips past.
    A stream in an encoding that is not UTF-8 (`PYTHONIOENCODING=latin-1`, a Windows code page
    when redirected) gets `?` for what it cannot hold, and Rich draws its rules in ASCII there.
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        errors = "backslashreplace" if encoding in ("utf8", "utf8sig") else "replace"
        try:
            stream.reconfigure(errors=errors)
        except (AttributeError, ValueError, OSError):  # not a TextIOWrapper (a test's capture)
            pass
    if not isinstance(sys.stderr, _Unfailing):
        sys.stderr = _Unfailing(sys.stderr)


class _Unfailing:
    """Standard error that never raises: a message that cannot be written (`2>/dev/full`, a
    closed pipe) is lost, and the exit code still says what happened."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except (OSError, ValueError):
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except (OSError, ValueError):
            pass

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _reopen_closed_streams() -> None:
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")
        sys.stderr.write("casekit: error: standard output is closed\n")
        sys.exit(2)


def quiet_pipe() -> int:
    """The exit code when the reader went away (`casekit … | head`): 0, with stdout pointed at
    /dev/null so that Python does not complain again when it flushes it at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0


def exit_code(exc: BaseException, term: Terminal, *, debug: bool = False) -> int:
    """What `exc` means to the user, said on `term`'s stderr, and the exit code: the one place an
    exception becomes a message and an `ExitCode`, for errors inside a command (`CasekitGroup.invoke`)
    and outside one (`main`: the parser's, and any other).

    - casekit's own errors: their message and hint; a field of the library (`category`) is
      called by its option (`--category`);
    - the reader went away (`casekit … | head`): nothing, 0; Ctrl-C: 130;
    - the parser's usage errors as click shows them; writing stdout failed (a full disk): said;
    - anything else is a bug: said as one, or raised with `debug` (or CASEKIT_DEBUG).
    """
    from casekit.errors import CasekitError, ExitCode, FieldError

    if isinstance(exc, CasekitError):
        if isinstance(exc, FieldError):
            exc = exc.named({name: option_name(name) for name in exc.fields})
        if exc.message:
            term.error(exc.message, exc.hint)
        return int(exc.exit_code)
    if isinstance(exc, BrokenPipeError):
        return quiet_pipe()
    if isinstance(exc, KeyboardInterrupt) or isinstance(exc.__context__, KeyboardInterrupt):
        return 130  # click turns Ctrl-C outside a command into its Abort
    # Parser errors are click's ClickException (vendored inside newer typer):
    # recognise them by shape rather than by a private import path.
    if hasattr(exc, "show") and isinstance(getattr(exc, "exit_code", None), int):
        try:
            from casekit.cli.help import format_error

            format_error(exc)
        except Exception:
            exc.show()
        return exc.exit_code
    if type(exc).__name__ == "Abort":
        sys.stderr.write("Aborted.\n")
        return int(ExitCode.NEGATIVE)
    if isinstance(exc, OSError) and exc.filename is None and not isinstance(exc, ConnectionError):
        # Writing to stdout failed (a full disk); a file a command opens, it reports itself.
        term.error(f"cannot write the output: {exc.strerror or exc}")
        return int(ExitCode.TROUBLE)
    if debug or debugging():
        raise exc
    return internal_error(exc, term)


# Fields of the library whose option is not `--FIELD`.
OPTION_NAMES: dict[str, str] = {}


def option_name(field: str) -> str:
    """The option that sets the library's `field` (`category` → `--category`)."""
    if field.startswith("-"):  # named as an option already
        return field
    return OPTION_NAMES.get(field) or "--" + field.replace("_", "-")


INTERNAL_ERROR_HINT = "this is a bug in casekit; run again with --debug (or CASEKIT_DEBUG=1) for the traceback"


def debugging() -> bool:
    """True when CASEKIT_DEBUG asks for tracebacks."""
    return os.environ.get("CASEKIT_DEBUG", "") not in ("", "0")


def internal_error(exc: BaseException, term: Terminal) -> int:
    """Say on `term`'s stderr that `exc` is a bug in casekit, the one way every unexpected error is
    reported; the exit code."""
    from casekit.errors import ExitCode

    term.error(f"internal error: {type(exc).__name__}: {exc}", hint=INTERNAL_ERROR_HINT)
    return int(ExitCode.TROUBLE)


def terminal(no_color: bool = False) -> Terminal:
    """A terminal for messages when no command's state has one."""
    from casekit.render.term import Terminal

    return Terminal(no_color=no_color)
