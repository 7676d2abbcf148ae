"""The Typer app, the global options and the one error boundary."""

import os
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import msgspec
import typer
from typer.core import TyperCommand, TyperGroup

from casekit import __version__
from casekit.cli.options import GLOBAL, CasesDirOpt, ColorOpt, NoCacheOpt, NoColorOpt, PagerOpt, TodayOpt
from casekit.errors import CasekitError
from casekit.render.term import Terminal


def _format_help(command, ctx, formatter, typer_format_help) -> None:
    """The help of `command`, drawn by `casekit.cli.help` as Typer would draw it (Typer's own,
    `typer_format_help`, for any markup mode but Rich's)."""
    if command.rich_markup_mode != "rich":
        return typer_format_help(ctx, formatter)
    from casekit.cli.help import format_help

    format_help(command, ctx)


class CasekitCommand(TyperCommand):
    """A command whose help `casekit.cli.help` draws."""

    def format_help(self, ctx, formatter) -> None:
        """Print the command's help."""
        _format_help(self, ctx, formatter, super().format_help)


class CasekitGroup(TyperGroup):
    """Runs every command inside the boundary that turns errors into messages and exit codes."""

    def format_help(self, ctx, formatter) -> None:
        """Print the app's help: its options and every command, in panels."""
        _format_help(self, ctx, formatter, super().format_help)

    def list_commands(self, ctx) -> list[str]:
        """The commands in the order they were defined in (the help's), not alphabetical."""
        return list(self.commands)

    def main(self, args=None, *rest, **options) -> Any:
        """Run the app; with --no-color, Typer's own help and usage errors come without colour too."""
        from casekit.cli import colourless_help

        with colourless_help(list(args or [])):
            return super().main(args, *rest, **options)

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        """Parse `args` with the global options written after the command moved before it."""
        from casekit.cli import hoist_global_options

        return super().parse_args(ctx, hoist_global_options(args))

    def invoke(self, ctx) -> Any:
        """Run the command; what it raises becomes a message on stderr and an exit code
        (`casekit.cli.exit_code`). The parser's own errors and exits go on to click."""
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            from casekit.cli import exit_code

            if type(exc).__module__.startswith(("typer", "click")):
                raise
            state = ctx.obj if isinstance(ctx.obj, State) else State()
            raise typer.Exit(exit_code(exc, state.term, debug=state.debug)) from None


class State(msgspec.Struct):
    """What every command shares: the library, the terminal, today."""

    cases_dirs: list[Path] | None = None  # None: none
    debug: bool = False
    term: Terminal | None = None  # None: a new one
    _library: Any = None  # (its key, the library), made when first used
    no_cache: bool = False
    fixed_today: date | None = None

    def __post_init__(self) -> None:
        if self.cases_dirs is None:
            self.cases_dirs = []
        if self.term is None:
            self.term = Terminal()

    def update(self, *, cases_dir=None, no_color=False, color=None, today=None, pager=False) -> "State":
        """Fold a command's own copies of the global options into the state."""
        if cases_dir:
            self.cases_dirs = list(cases_dir) + self.cases_dirs
        if no_color:
            self.term.no_color = True
        if color is not None:
            self.term.color_mode = parse_color_option(color)
        if pager or os.environ.get("CASEKIT_PAGER"):
            self.term.pager = True
            self.term.pager_command = os.environ.get("CASEKIT_PAGER") or None
        if today is not None:
            self.fixed_today = parse_day_option(today, "--today")  # checked now, whether or not a command asks
        return self

    @property
    def library(self):
        """The library, made once per run; a configured directory that is missing is warned about."""
        from casekit.library import Library

        key = (tuple(self.cases_dirs), self.no_cache)
        if self._library is None or self._library[0] != key:
            library = Library(cases_dirs=self.cases_dirs, use_cache=not self.no_cache)
            for missing in library.missing_dirs():
                self.term.warn(f"{missing}: no such directory of cases")
            self._library = (key, library)
        return self._library[1]

    @property
    def today(self) -> date:
        """The day `--today` fixes, else the real date. (A view as of a date has a today of its own:
        `casekit.cli.common.Opened.today`.)"""
        if self.fixed_today is not None:
            return self.fixed_today
        from casekit.dates import today as real_today

        return real_today()


def parse_date_option(text: str, option: str):
    """A SPEC §2 date from an option, or a usage error naming the option."""
    from casekit.dates import DateError, PartialDate

    try:
        return PartialDate.parse(text)
    except DateError as exc:
        raise CasekitError(f"{option}: {exc}") from None


def parse_color_option(text: str) -> str:
    """`--color`'s value: auto, always or never (git's synonyms too), or a usage error."""
    from casekit.errors import UsageError
    from casekit.render.term import COLOR_MODES

    word = text.strip().lower()
    word = {"true": "always", "yes": "always", "false": "never", "no": "never", "tty": "auto"}.get(word, word)
    if word not in COLOR_MODES:
        raise UsageError(f"--color: `{text}` is not auto, always or never", hint="as in --color=never")
    return word


def parse_day_option(text: str, option: str) -> date:
    """One day from an option (`2025-06-15`, `Jun 15, 2025`), or a usage error naming the option."""
    from casekit.errors import UsageError

    day = parse_date_option(text, option)
    if day.precision != "day" or day.approximate or day.uncertain:
        raise UsageError(f"{option}: `{text.strip()}` is not one day", hint="write a day, as in 2025-06-15")
    assert day.start is not None
    return day.start


def state(ctx: typer.Context) -> State:
    """The state the global options made, shared by every command."""
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    ctx.obj = root.obj
    return root.obj


app = typer.Typer(
    cls=CasekitGroup,
    name="casekit",
    help="Study business strategy cases from the terminal.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"casekit {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    cases_dir: CasesDirOpt = None,
    no_color: NoColorOpt = False,
    color: ColorOpt = None,
    today: TodayOpt = None,
    pager: PagerOpt = False,
    no_cache: NoCacheOpt = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.", rich_help_panel=GLOBAL)] = False,
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = None,
) -> None:
    """Study business strategy cases from the terminal.

    Cases are YAML files: a timeline, metrics, principles with their tradeoffs,
    risks and more, every fact tied to its source. Global options may also be
    written after the command (casekit timeline --no-color).
    """
    ctx.obj = State(debug=debug, no_cache=no_cache)
    ctx.obj.update(cases_dir=cases_dir, no_color=no_color, color=color, today=today, pager=pager)


def _register_commands() -> None:
    # Command modules register themselves on `app` when imported; `main` narrows
    # `wanted` to the one module a run needs. `casekit.cli.command_table` gives each
    # command its place and panel, and a section's command its help from the registry.
    import importlib
    import inspect

    import casekit.cli
    from casekit.registry import SECTIONS

    table = casekit.cli.command_table()
    if casekit.cli.listing and all(name in casekit.cli.SUMMARIES or name in SECTIONS for name in table):
        _register_summaries(table)
        return
    modules = casekit.cli.wanted or tuple(dict.fromkeys(module for module, _ in table.values()))
    for module in modules:
        importlib.import_module(f"casekit.cli.{module}")
    order = list(table)

    def name(info) -> str:
        return info.name or info.callback.__name__.replace("_", "-")

    for info in app.registered_commands:
        entry = table.get(name(info))
        info.rich_help_panel = entry[1] if entry else info.rich_help_panel
        spec = SECTIONS.get(name(info))
        if spec is not None and info.help is None:  # the section's summary, then what its command adds
            details = inspect.getdoc(info.callback) if info.callback.__doc__ else None
            info.help = inspect.cleandoc(spec.help) + (f"\n\n{details}" if details else "")
        if info.cls in (None, TyperCommand):  # typer's own: its help as casekit draws it
            info.cls = CasekitCommand
        info.epilog = info.epilog or (
            "Global options work here too: --cases-dir DIR, --today DAY, --color WHEN, --no-color, "
            "--pager, --no-cache, --debug (see casekit --help)."
        )
    app.registered_commands.sort(key=lambda info: order.index(name(info)) if name(info) in order else len(order))


def _register_summaries(table: dict[str, tuple[str, str]]) -> None:
    """Each command as a run that names none shows it (name, summary, panel), its module not imported."""
    import inspect

    from typer.models import CommandInfo

    import casekit.cli
    from casekit.registry import SECTIONS

    for name, (_, panel) in table.items():
        summary = casekit.cli.SUMMARIES.get(name)
        if summary is None:
            summary = inspect.cleandoc(SECTIONS[name].help)
        app.registered_commands.append(CommandInfo(name=name, callback=_nothing, help=summary, rich_help_panel=panel))


def _nothing() -> None:
    """Stands in for a command that a run naming none lists but never runs."""


_register_commands()
