"""The terminal: one object owns the consoles, so tests can swap it."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.segment import Segment


COLOR_MODES = ("auto", "always", "never")

MIN_WIDTH = 20  # columns: below this a terminal is laid out as if it had this many
MAX_WIDTH = 4096


class Terminal(msgspec.Struct):
    """stdout for data, stderr for messages; colour off when asked or not a TTY.

    `color_mode` is `--color`: `auto` colours a terminal (and git's pager,
    as git would), `always` colours whatever the output is, even with
    NO_COLOR set, and `never` (as --no-color) colours nothing."""

    no_color: bool = False
    color_mode: str = "auto"
    pager: bool = False
    pager_command: str | None = None  # a shell command (CASEKIT_PAGER); None: the system's (`system_pager`)
    _out: Console | None = None  # made when first used
    _err: Console | None = None

    @property
    def color(self) -> bool:
        """False with --no-color, --color=never or NO_COLOR (which --color=always overrides)."""
        if self.color_mode == "always":
            return True
        return not (self.no_color or self.color_mode == "never" or os.environ.get("NO_COLOR"))

    def _forced(self, stream) -> bool | None:
        """Whether `stream` is coloured as a terminal whatever it is: with --color=always, and
        under git's pager when git's settings colour a diff there; else None (Rich looks)."""
        if self.color_mode == "always":
            return True
        if self.color and _under_git_pager(stream):
            return True
        return None

    def _console(self, stream) -> Console:
        console = _console_type()(
            file=stream,
            force_terminal=self._forced(stream),
            markup=False,
            highlight=False,
            emoji=False,
            no_color=not self.color,
            # no_color alone still sends bold and dim; no colour means no escape codes at all.
            **({} if self.color else {"color_system": None}),
            soft_wrap=False,
        )
        # `COLUMNS=0` would print nothing at all, and a width of 10^20 overflows the charts:
        # whatever the environment or the terminal says, lay out within sane bounds.
        width = console.width
        if not MIN_WIDTH <= width <= MAX_WIDTH:
            console.width = min(max(width, MIN_WIDTH), MAX_WIDTH)
        return console

    @property
    def out(self) -> Console:
        """The console on stdout, for data."""
        if self._out is None:
            self._out = self._console(sys.stdout)
        return self._out

    @property
    def err(self) -> Console:
        """The console on stderr, for messages."""
        if self._err is None:
            self._err = self._console(sys.stderr)
        return self._err

    def print(self, *renderables) -> None:
        """Print to stdout, through a pager when one was asked for and stdout is a TTY; no line
        ends in spaces."""
        trimmed = [Trimmed(r) for r in renderables]
        command = (self.pager_command or system_pager()) if self.pager and self.out.is_terminal else None
        if command:
            with self.out.pager(CommandPager(command), styles=self.color):
                self.out.print(*trimmed)
        else:
            self.out.print(*trimmed)

    def write_bytes(self, data: bytes) -> bool:
        """Write machine output given as UTF-8 bytes, then a line end, straight to stdout's binary
        buffer, as `write` would write its text; False, and nothing written, when stdout is a
        terminal (whose output is cleaned first) or would not write those bytes as they are."""
        import codecs

        file = self._out.file if self._out is not None else sys.stdout
        buffer = getattr(file, "buffer", None)
        encoding = getattr(file, "encoding", None)
        if buffer is None or not encoding or os.linesep != "\n" or file.isatty():
            return False
        if codecs.lookup(encoding).name != "utf-8":
            return False
        file.flush()  # what was written as text comes first
        buffer.write(data)
        buffer.write(b"\n")
        buffer.flush()
        return True

    def write(self, text: str) -> None:
        """Write machine output (no colour, no wrapping) to stdout's console, or to stdout while
        there is none (Rich is not loaded for output it would not touch)."""
        file = self._out.file if self._out is not None else sys.stdout
        file.write(text)
        if text and not text.endswith("\n"):
            file.write("\n")

    def error(self, message: str, hint: str | None = None) -> None:
        """`casekit: error: MESSAGE` on stderr, then `hint: HINT`; case text shown harmlessly."""
        from rich.text import Text

        from casekit.render.text import clean

        line = Text("casekit: ", style="bold")
        line.append("error: ", style="bold red")
        line.append(clean(message))
        self.err.print(line, soft_wrap=True)
        if hint:
            self.err.print(Text("hint: ", style="cyan") + Text(clean(hint)), soft_wrap=True)

    def warn(self, message: str) -> None:
        """`casekit: warning: MESSAGE` on stderr; case text shown harmlessly."""
        from rich.text import Text

        from casekit.render.text import clean

        line = Text("casekit: ", style="bold")
        line.append("warning: ", style="bold yellow")
        line.append(clean(message))
        self.err.print(line, soft_wrap=True)


def _under_git_pager(stream) -> bool:
    """True when git started casekit with its pager on `stream` (GIT_PAGER_IN_USE: `git log -p`
    through the diff driver, a git alias) and git's colour settings let a diff be coloured there:
    color.pager not false, color.diff (else color.ui) not false or never."""
    if os.environ.get("GIT_PAGER_IN_USE", "").strip().lower() in ("", "0", "false", "no", "off"):
        return False
    try:
        if stream.isatty():
            return False  # a terminal: Rich sees it for itself
    except (AttributeError, ValueError, OSError):
        return False
    return git_colours_pager()


_git_colours: bool | None = None


def git_colours_pager() -> bool:
    """What git's configuration says of colouring a diff in its pager (asked once a run)."""
    global _git_colours
    if _git_colours is None:
        from casekit.errors import CasekitError
        from casekit.git import run

        try:
            done = run(["config", "--get-regexp", r"^color\.(diff|ui|pager)$"])
        except CasekitError:
            return False
        said = {}
        for line in done.stdout.decode("utf-8", "replace").splitlines():
            key, _, value = line.partition(" ")
            said[key.lower()] = value.strip().lower()
        off = ("false", "never", "no", "off", "0")
        setting = said.get("color.diff", said.get("color.ui", "auto"))
        _git_colours = said.get("color.pager", "true") not in off and setting not in off
    return _git_colours


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


class Trimmed:
    """A renderable whose lines end at their last visible cell.

    Rich pads what it lays out (tables, trees, panels, padding) to the full
    width with spaces; piped into a file or another tool those are noise.
    Spaces that show (a background colour, reverse, underline) are kept.
    """

    def __init__(self, renderable) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        renderable = self.renderable
        if isinstance(renderable, str):
            renderable = console.render_str(renderable)
        out: list[Segment] = []
        append = out.append
        start = 0  # where the current line begins in `out`
        for segment in console.render(renderable, options):
            text = segment.text
            if segment.control or "\n" not in text:
                append(segment)
            elif text == "\n":  # the common case: a line's end on its own
                _rstrip(out, start)
                append(segment)
                start = len(out)
            else:
                style = segment.style
                *ends, rest = text.split("\n")
                for end in ends:
                    if end:
                        append(Segment(end, style))
                    _rstrip(out, start)
                    append(Segment("\n", style))
                    start = len(out)
                if rest:
                    append(Segment(rest, style))
        _rstrip(out, start)
        return out


def _rstrip(line: list[Segment], start: int) -> None:
    """Drop the spaces that leave nothing on the screen from the end of the line that begins at
    `line[start]`."""
    from rich.segment import Segment

    while len(line) > start:
        segment = line[-1]
        if segment.control or _shows_blank(segment.style):
            return
        text = segment.text.rstrip(" ")
        if text:
            if len(text) != len(segment.text):
                line[-1] = Segment(text, segment.style)
            return
        line.pop()


def _shows_blank(style) -> bool:
    """Whether a space in `style` is visible."""
    return style is not None and bool(
        style.bgcolor or style.reverse or style.underline or style.strike or style.overline
    )


def system_pager() -> str | None:
    """The pager `--pager` runs when CASEKIT_PAGER names none, chosen as git chooses one: PAGER,
    else `less`, else `more`; None (print as usual) when PAGER is empty or `cat`, or on a dumb
    terminal with no PAGER, or when neither is installed."""
    import shutil

    command = os.environ.get("PAGER")
    if command is not None:
        return command if command.strip() not in ("", "cat") else None
    if os.environ.get("TERM") in ("dumb", "emacs"):
        return None
    return next((name for name in ("less", "more") if shutil.which(name)), None)


class CommandPager:
    """A pager run as a shell command (`less -S`), given the output on its standard input.

    Like git, it sets LESS=FRX when LESS is unset (quit when one screen holds
    everything, pass colours through, leave the screen as it was) and LV=-c
    when LV is unset, in the pager's environment only.
    """

    def __init__(self, command: str) -> None:
        self.command = command

    def show(self, content: str) -> None:
        """Page `content` through the command, and wait for it to quit."""
        import subprocess

        env = {**os.environ}
        env.setdefault("LESS", "FRX")
        env.setdefault("LV", "-c")
        process = subprocess.Popen(
            self.command,
            shell=True,
            stdin=subprocess.PIPE,
            env=env,
            encoding=sys.stdout.encoding or "utf-8",
            errors="replace",
        )
        try:
            assert process.stdin is not None
            with process.stdin as pipe:
                pipe.write(content)
        except BrokenPipeError:
            pass  # the reader quit before the end
        while True:
            try:
                process.wait()
                break
            except KeyboardInterrupt:
                pass  # the pager handles ^C itself; wait for it to exit, as git does
