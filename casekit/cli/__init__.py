"""The command line: parses options, calls the library, picks a renderer, prints."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `casekit` console script."""
    from casekit.cli.app import app

    try:
        code = app(args=argv, prog_name="casekit", standalone_mode=False)
    except BrokenPipeError:
        code = _quiet_pipe()
    except KeyboardInterrupt:
        code = 130
    except Exception as exc:  # usage errors from the parser, and typer's Abort
        code = _parser_error(exc)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = _quiet_pipe()
    sys.exit(code if isinstance(code, int) else 0)


def _quiet_pipe() -> int:
    # The reader went away (`casekit … | head`): stop quietly, and keep Python
    # from complaining again when it flushes stdout at exit.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0


def _parser_error(exc: Exception) -> int:
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
    raise exc
