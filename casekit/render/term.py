"""The terminal: one object owns the consoles, so tests can swap it."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


@dataclass
class Terminal:
    """stdout for data, stderr for messages; colour off when asked or not a TTY."""

    no_color: bool = False
    pager: bool = False
    _out: Console | None = field(default=None, repr=False)
    _err: Console | None = field(default=None, repr=False)

    @property
    def color(self) -> bool:
        return not (self.no_color or os.environ.get("NO_COLOR"))

    def _console(self, stream) -> Console:
        return _console_type()(
            file=stream,
            markup=False,
            highlight=False,
            emoji=False,
            no_color=not self.color,
            # no_color alone still sends bold and dim; no colour means no escape codes at all.
            **({} if self.color else {"color_system": None}),
            soft_wrap=False,
        )

    @property
    def out(self) -> Console:
        if self._out is None:
            self._out = self._console(sys.stdout)
        return self._out

    @property
    def err(self) -> Console:
        if self._err is None:
            self._err = self._console(sys.stderr)
        return self._err

    def print(self, *renderables) -> None:
        """Print to stdout, through a pager when one was asked for and stdout is a TTY."""
        if self.pager and self.out.is_terminal:
            with self.out.pager(styles=self.color):
                self.out.print(*renderables)
        else:
            self.out.print(*renderables)

    def write(self, text: str) -> None:
        """Write machine output (no colour, no wrapping) to stdout."""
        sys.stdout.write(text)
        if text and not text.endswith("\n"):
            sys.stdout.write("\n")

    def error(self, message: str, hint: str | None = None) -> None:
        from rich.text import Text

        from casekit.render.text import clean

        line = Text("casekit: ", style="bold")
        line.append("error: ", style="bold red")
        line.append(clean(message))
        self.err.print(line, soft_wrap=True)
        if hint:
            self.err.print(Text("hint: ", style="cyan") + Text(clean(hint)), soft_wrap=True)

    def warn(self, message: str) -> None:
        from rich.text import Text

        from casekit.render.text import clean

        line = Text("casekit: ", style="bold")
        line.append("warning: ", style="bold yellow")
        line.append(clean(message))
        self.err.print(line, soft_wrap=True)


_CONSOLE_TYPE: type | None = None


def _console_type() -> type:
    """Rich's Console, except that a closed pipe raises BrokenPipeError rather than exiting with 1.

    Rich ends the program with status 1 when the reader goes away; the CLI's
    boundary treats that as the quiet success SPEC §8 asks of `casekit … | head`
    (and a git diff driver must exit 0 for git to carry on).
    """
    global _CONSOLE_TYPE
    if _CONSOLE_TYPE is None:
        from rich.console import Console

        class _Console(Console):
            def on_broken_pipe(self) -> None:
                self.quiet = True  # nothing more to write to a reader that left
                raise BrokenPipeError(32, "the reader closed the pipe")

        _CONSOLE_TYPE = _Console
    return _CONSOLE_TYPE
