"""The command line: parses options, calls the library, picks a renderer, prints."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casekit.render.term import Terminal


# The module that defines each command, so that a run imports only the one it
# needs. A command missing here still works: every module is then imported.
COMMAND_MODULES = {
    **dict.fromkeys(("validate", "cases", "show", "schema"), "inspect"),
    "timeline": "timeline",
    **dict.fromkeys(
        (
            "principles",
            "principle",
            "risks",
            "people",
            "eras",
            "sources",
            "quotes",
            "moats",
            "competitors",
            "drivers",
            "lessons",
            "flywheel",
        ),
        "sections",
    ),
    **dict.fromkeys(("metrics", "metric", "segments"), "metrics"),
    "diff": "diff",
    "log": "log",
    **dict.fromkeys(("search", "compare", "export", "new"), "library_cmds"),
}
MODULES = ("inspect", "timeline", "sections", "metrics", "diff", "log", "library_cmds")

# How `casekit --help` groups the commands, in this order.
HELP_PANELS = {
    "Read a case": (
        "show",
        "timeline",
        "principles",
        "principle",
        "risks",
        "metrics",
        "metric",
        "segments",
        "people",
        "eras",
        "sources",
        "quotes",
        "moats",
        "flywheel",
        "competitors",
        "drivers",
        "lessons",
    ),
    "Across cases": ("cases", "search", "compare", "diff", "log"),
    "Write and check": ("validate", "new", "export", "schema"),
}

# Set by `main` before the app is imported: the command modules to register.
wanted: tuple[str, ...] = MODULES


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `casekit` console script."""
    global wanted

    args = sys.argv[1:] if argv is None else list(argv)
    if sys.stdout is None or sys.stderr is None:  # started with a standard stream closed (`>&-`)
        _reopen_closed_streams()
    command = _command_word(args)
    if command in COMMAND_MODULES:
        wanted = (COMMAND_MODULES[command],)
    with colourless_help(args):
        try:
            from casekit.cli.app import app

            if command in COMMAND_MODULES:
                _only(app, command)
            code = app(args=args, prog_name="casekit", standalone_mode=False)
        except BrokenPipeError:
            code = quiet_pipe()
        except KeyboardInterrupt:
            code = 130
        except Exception as exc:  # raised outside the commands' boundary: the parser's errors, and any other
            code = _startup_error(exc, args)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = quiet_pipe()
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


@contextmanager
def colourless_help(args: list[str]) -> Iterator[None]:
    """With --no-color anywhere among the options, Typer's help and usage errors are printed
    without escape codes too, as NO_COLOR would have them (they use consoles of their own)."""
    if not colour_refused(args):
        yield
        return
    from typer import rich_utils

    saved = rich_utils.COLOR_SYSTEM
    rich_utils.COLOR_SYSTEM = None
    try:
        yield
    finally:
        rich_utils.COLOR_SYSTEM = saved


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
    if any(k.endswith("_COMPLETE") for k in os.environ):
        return None
    words = iter(args)
    for word in words:
        if word in GLOBAL_VALUED:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


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


def _startup_error(exc: Exception, args: list[str]) -> int:
    """The exit code for an error raised outside the commands' boundary (`CasekitGroup.invoke`),
    after saying what it was: the parser's usage errors as click shows them, the rest as the
    boundary would."""
    # Parser errors are click's ClickException (vendored inside newer typer):
    # recognise them by shape rather than by a private import path.
    if hasattr(exc, "show") and isinstance(getattr(exc, "exit_code", None), int):
        try:
            from typer import rich_utils

            rich_utils.rich_format_error(exc)
        except Exception:
            exc.show()
        return exc.exit_code
    if type(exc).__name__ == "Abort":
        sys.stderr.write("Aborted.\n")
        return 1
    from casekit.errors import CasekitError

    options = args[: args.index("--")] if "--" in args else args
    if isinstance(exc, CasekitError):
        terminal(no_color=colour_refused(args)).error(exc.message, exc.hint)
        return int(exc.exit_code)
    if "--debug" in options or debugging():
        raise exc
    return internal_error(exc, terminal(no_color=colour_refused(args)))


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
