"""Help and usage errors, drawn as Typer draws them (`typer.rich_utils`), at less cost.

The output is Typer's own, byte for byte (tests/test_help.py compares the two for every command,
at several widths, with colour and without): the same panels, tables, styles and highlighting.
What differs is the cost, which made `casekit --help` dearer than a query:

- Typer's module imports the whole emoji table (`rich.emoji`), Markdown and tracebacks for every
  help, and its markup turns `:name:` emoji codes in every text, which loads the table again;
  this module imports only what the table views use already (console, table, text, padding,
  panel) and turns emoji codes only in a text that holds one;
- a highlighter's patterns are not run over a text none of them can match;
- the rows of a panel are drawn straight to lines (`_Rows`, `_CommandRows`), with Rich's own
  column widths, where a `Table` pads each cell, renders it, then splits and pads it again.

Help in Markdown mode, which casekit does not use, is left to Typer.
"""

from __future__ import annotations

import inspect
import os
import re
from collections import defaultdict
from typing import Any

from rich.console import Console, group
from rich.highlighter import RegexHighlighter
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.theme import Theme
from typer.core import TyperArgument, TyperGroup, TyperOption

import casekit.cli

# Typer's styles and strings (typer/rich_utils.py), which casekit keeps.
STYLE_OPTION = "bold cyan"
STYLE_SWITCH = "bold green"
STYLE_NEGATIVE_OPTION = "bold magenta"
STYLE_NEGATIVE_SWITCH = "bold red"
STYLE_TYPES = "bold yellow"
STYLE_TYPES_SEPARATOR = "dim"
STYLE_USAGE = "yellow"
STYLE_USAGE_COMMAND = "bold"
STYLE_DEPRECATED = "red"
STYLE_DEPRECATED_COMMAND = "dim"
STYLE_HELPTEXT_FIRST_LINE = ""
STYLE_HELPTEXT = "dim"
STYLE_OPTION_HELP = ""
STYLE_OPTION_DEFAULT = "dim"
STYLE_OPTION_ENVVAR = "dim yellow"
STYLE_REQUIRED_SHORT = "red"
STYLE_REQUIRED_LONG = "dim red"
STYLE_PANEL_BORDER = "dim"
STYLE_COMMANDS_TABLE_FIRST_COLUMN = "bold cyan"
STYLE_ERRORS_PANEL_BORDER = "red"
STYLE_ERRORS_SUGGESTION = "dim"

DEPRECATED_STRING = "(deprecated) "
DEFAULT_STRING = "[default: {}]"
ENVVAR_STRING = "[env var: {}]"
REQUIRED_SHORT_STRING = "*"
REQUIRED_LONG_STRING = "[required]"
RANGE_STRING = " [{}]"
ARGUMENTS_PANEL_TITLE = "Arguments"
OPTIONS_PANEL_TITLE = "Options"
COMMANDS_PANEL_TITLE = "Commands"
ERRORS_PANEL_TITLE = "Error"
RICH_HELP = "Try [blue]'{command_path} {help_option}'[/] for help."


class _Highlighter(RegexHighlighter):
    """A regex highlighter that skips a text none of its patterns can match: each needs one of
    `needs` in the text (a text with none of them comes back as it is)."""

    needs: tuple[str, ...] = ()

    def __call__(self, text):
        plain = text if isinstance(text, str) else text.plain
        if not any(needed in plain for needed in self.needs):
            return Text(text) if isinstance(text, str) else text
        return super().__call__(text)


class OptionHighlighter(_Highlighter):
    """Options, switches, types and `Usage:` in help text."""

    needs = ("-", "<", "Usage: ")

    highlights = [  # noqa: RUF012  # as RegexHighlighter declares them
        r"(^|\W)(?P<switch>\-\w+)(?![a-zA-Z0-9])",
        r"(^|\W)(?P<option>\-\-[\w\-]+)(?![a-zA-Z0-9])",
        r"(?P<types>\<[^\>]+\>)",
        r"(?P<usage>Usage: )",
    ]


class NegativeOptionHighlighter(_Highlighter):
    """The `--no-…` half of a boolean flag."""

    needs = ("-",)

    highlights = [  # noqa: RUF012
        r"(^|\W)(?P<negative_switch>\-\w+)(?![a-zA-Z0-9])",
        r"(^|\W)(?P<negative_option>\-\-[\w\-]+)(?![a-zA-Z0-9])",
    ]


class TypesHighlighter(_Highlighter):
    """The brackets and bars of a type (`[table|json]`), dim."""

    needs = ("[", "<", "|", "]", ">")

    highlights = [  # noqa: RUF012
        r"^(?P<types_sep>(\[|<))",
        r"(?P<types_sep>\|)",
        r"(?P<types_sep>(\]|>))(\.\.\.)?$",
    ]


highlighter = OptionHighlighter()
negative_highlighter = NegativeOptionHighlighter()
types_highlighter = TypesHighlighter()

# What Rich's markup takes for an emoji code (rich/_emoji_replace.py): a text without one is
# rendered the same with emoji off, and then the emoji table is not loaded.
_EMOJI_CODE = re.compile(r"(:(\S*?)(?:(?:\-)(emoji|text))?:)")


def console(stderr: bool = False) -> Console:
    """A console as Typer's help has: its theme and highlighter; colour as the environment says."""
    width = os.environ.get("TERMINAL_WIDTH")
    force = (
        True
        if os.environ.get("GITHUB_ACTIONS") or os.environ.get("FORCE_COLOR") or os.environ.get("PY_COLORS")
        else None
    )
    if os.environ.get("_TYPER_FORCE_DISABLE_TERMINAL"):
        force = False
    return Console(
        theme=Theme(
            {
                "option": STYLE_OPTION,
                "switch": STYLE_SWITCH,
                "negative_option": STYLE_NEGATIVE_OPTION,
                "negative_switch": STYLE_NEGATIVE_SWITCH,
                "types": STYLE_TYPES,
                "types_sep": STYLE_TYPES_SEPARATOR,
                "usage": STYLE_USAGE,
            }
        ),
        highlighter=highlighter,
        color_system=casekit.cli.help_color_system,  # type: ignore[arg-type]  # None with --no-color
        force_terminal=force,
        width=int(width) if width else None,
        stderr=stderr,
    )


def markup(text: str, style: str = "") -> Text:
    """Rich markup as a `Text`, as `Text.from_markup` makes it (emoji codes turned)."""
    return Text.from_markup(text, style=style, emoji=_EMOJI_CODE.search(text) is not None)


def rich_text(text: str, style: str = "") -> Text:
    """`text` (dedented) as Rich markup, highlighted."""
    text = inspect.cleandoc(text)
    if "\033[" in text:
        return highlighter(Text.from_ansi(text, style=style))
    return highlighter(markup(text, style))


def panel(renderable, title: str, border_style: str) -> Panel:
    """A panel with `title` (markup) at its top left."""
    return Panel(renderable, border_style=border_style, title=markup(title), title_align="left")


@group()
def _help_text(obj):
    if obj.deprecated:
        yield Text(DEPRECATED_STRING, style=STYLE_DEPRECATED)
    help_text = inspect.cleandoc(obj.help or "").partition("\f")[0]
    first_line, *remaining = help_text.split("\n\n")
    if not first_line.startswith("\b"):
        first_line = first_line.replace("\n", " ")
    yield rich_text(first_line.strip(), STYLE_HELPTEXT_FIRST_LINE)
    if remaining:
        yield Text("")
        yield rich_text("\n\n".join(remaining), STYLE_HELPTEXT)


def _parameter_help(param, ctx):
    """An option's or argument's help, then its env var, default and whether it is required."""
    items: list[Text] = []
    envvar = getattr(param, "envvar", None)
    var_str = ""
    if envvar is None and (
        getattr(param, "allow_from_autoenv", None)
        and getattr(ctx, "auto_envvar_prefix", None) is not None
        and param.name is not None
    ):
        envvar = f"{ctx.auto_envvar_prefix}_{param.name.upper()}"
    if envvar is not None:
        var_str = envvar if isinstance(envvar, str) else ", ".join(str(d) for d in envvar)
    help_value = getattr(param, "help", None)
    if help_value:
        paragraphs = [
            x.replace("\n", " ").strip() if not x.startswith("\b") else "{}\n".format(x.strip("\b\n"))
            for x in help_value.split("\n\n")
        ]
        items.append(rich_text("\n".join(paragraphs).strip(), STYLE_OPTION_HELP))
    if envvar and getattr(param, "show_envvar", None):
        items.append(Text(ENVVAR_STRING.format(var_str), style=STYLE_OPTION_ENVVAR))
    if isinstance(param, (TyperOption, TyperArgument)):
        default_value = param._extract_default_help_str(ctx=ctx)
        show_default_is_str = isinstance(param.show_default, str)
        if show_default_is_str or (default_value is not None and (param.show_default or ctx.show_default)):
            default_str = param._get_default_string(
                ctx=ctx, show_default_is_str=show_default_is_str, default_value=default_value
            )
            if default_str:
                items.append(Text(DEFAULT_STRING.format(default_str), style=STYLE_OPTION_DEFAULT))
    if param.required:
        items.append(Text(REQUIRED_LONG_STRING, style=STYLE_REQUIRED_LONG))
    if len(items) == 1:
        return _Cell(items[0])
    from rich.columns import Columns

    return Columns(items)


class _Cell:
    """One text in a cell of the options table, drawn as `Columns([text])` draws it, without the
    grid: it takes the cell's width when measured (a renderable with no measure of its own does)."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console, options):
        yield self.text


def _options_panel(name: str, params: list, ctx, console: Console) -> None:
    rows: list[list[Any]] = []
    required_rows: list[str | Text] = []
    for param in params:
        opt_long, opt_short, secondary_long, secondary_short = [], [], [], []
        metavar_name = None
        metavar_type = None
        metavar_str = param.make_metavar(ctx=ctx)
        if isinstance(param, TyperArgument):
            metavar_name = param.metavar if param.metavar is not None else param.name or ""
            metavar_type = param.type.get_metavar(param=param, ctx=ctx)
            if metavar_type is None:
                metavar_type = f"<{param.type.name}>"
        elif isinstance(param, TyperOption):
            metavar_type = metavar_str
        for opt in param.opts:
            if "--" in opt:
                opt_long.append(opt)
            elif metavar_name:
                opt_short.append(metavar_name)
            else:
                opt_short.append(opt)
        for opt in param.secondary_opts:
            if "--" in opt:
                secondary_long.append(opt)
            elif metavar_name:
                secondary_short.append(metavar_name)
            else:
                secondary_short.append(opt)
        types_data = Text(style=STYLE_TYPES, overflow="fold")
        if metavar_type and "bool" not in metavar_type.lower():
            types_data.append(metavar_type)
        describe_range = getattr(param.type, "_describe_range", None)  # a number range's
        if (
            describe_range is not None
            and isinstance(param, TyperOption)
            and not (param.count and param.type.min == 0 and param.type.max is None)
        ):
            range_str = describe_range()
            if range_str:
                types_data.append(RANGE_STRING.format(range_str))
        required_rows.append(Text(REQUIRED_SHORT_STRING, style=STYLE_REQUIRED_SHORT) if param.required else "")
        rows.append(
            [
                highlighter(",".join(opt_long)),
                highlighter(",".join(opt_short)),
                negative_highlighter(",".join(secondary_long)),
                negative_highlighter(",".join(secondary_short)),
                types_highlighter(types_data),
                _parameter_help(param, ctx),
            ]
        )
    if not rows:
        return
    if any(required_rows):
        rows = [[required, *row] for required, row in zip(required_rows, rows)]
    table = Table(highlight=True, show_header=False, expand=True, box=None, padding=(0, 1), pad_edge=False)
    for row in rows:
        table.add_row(*row)
    console.print(panel(_Rows(table), name, STYLE_PANEL_BORDER))


class _Rows:
    """The rows of a table with no borders, header or styles (an options panel's), drawn as
    `Table` draws them, with Rich's own column widths: each cell rendered once to lines and
    padded, where the table renders it padded and then splits and pads its lines again.
    Without `Table._calculate_column_widths` (a Rich that has none) the table draws itself."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def __rich_console__(self, console: Console, options):
        from rich.segment import Segment

        table = self.table
        widths_of = getattr(table, "_calculate_column_widths", None)
        if widths_of is None or any(column.style for column in table.columns) or not table.columns:
            yield table
            return
        widths = widths_of(console, options)
        plain = console.get_style("none")
        new_line = Segment.line()
        last = len(table.columns) - 1
        columns = []
        for index, (width, column) in enumerate(zip(widths, table.columns)):
            left, right = (0 if index == 0 else 1), (0 if index == last else 1)  # padding (0, 1), not at the edge
            cell_options = options.update(
                width=width,
                justify=column.justify,
                no_wrap=column.no_wrap,
                overflow=column.overflow,
                height=None,
                highlight=column.highlight,
            ).update_width(width - left - right)
            pads = (
                [Segment(" " * left, plain)] if left else [],
                [Segment(" " * right, plain)] if right else [],
            )
            columns.append((width, cell_options, pads, list(column.cells)))
        for index in range(table.row_count):
            cells = []
            for width, cell_options, (left, right), cells_of in columns:
                lines = console.render_lines(cells_of[index], cell_options, style=plain)
                cells.append(([[*left, *line, *right] for line in lines], width))
            height = max(len(lines) for lines, _ in cells)
            for line_no in range(height):
                for lines, width in cells:  # a shorter cell is topped up with blank lines
                    yield from lines[line_no] if line_no < len(lines) else [Segment(" " * width, plain)]
                yield new_line


def _commands_panel(name: str, commands: list, console: Console, cmd_len: int) -> None:
    table = Table(highlight=False, show_header=False, expand=True, box=None, padding=(0, 1), pad_edge=False)
    table.add_column(style=STYLE_COMMANDS_TABLE_FIRST_COLUMN, no_wrap=True, width=cmd_len)
    # A big ratio: the description takes all the room left, so that every panel's commands line up.
    table.add_column("Description", justify="left", no_wrap=False, ratio=10)
    rows = []
    deprecated_rows: list[Text | None] = []
    for command in commands:
        help_text = command.short_help or command.help or ""
        if command.deprecated:
            title = Text(command.name or "", style=STYLE_DEPRECATED_COMMAND)
            deprecated_rows.append(Text(DEPRECATED_STRING, style=STYLE_DEPRECATED))
        else:
            title = Text(command.name or "")
            deprecated_rows.append(None)
        paragraphs = inspect.cleandoc(help_text).split("\n\n")
        if paragraphs[0].startswith("\b"):
            paragraphs[0] = paragraphs[0].replace("\b\n", "")
        rows.append([title, rich_text(paragraphs[0].strip(), STYLE_OPTION_HELP)])
    if any(deprecated_rows):
        rows = [[*row, deprecated] for row, deprecated in zip(rows, deprecated_rows)]
    for row in rows:
        table.add_row(*row)
    if table.row_count:
        fast = not any(deprecated_rows) and all(str(description) for _, description in rows)
        console.print(panel(_CommandRows(table) if fast else table, name, STYLE_PANEL_BORDER))


class _CommandRows:
    """The rows of a commands table (a command's name, then its summary), drawn as `Table` draws
    them where the layout is plain: the name column as wide as the longest name, the summary in
    the rest, wrapped. Rendered straight to segments, it costs a third of what the table does;
    a table too narrow for that layout is left to Rich."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def __rich_console__(self, console: Console, options):
        from rich.segment import Segment

        name_column, text_column = self.table.columns
        name_width = name_column.width + 1  # its right padding
        text_width = options.max_width - name_width
        names_fit = all(name.plain.isascii() and len(name.plain) < name_width for name in name_column.cells)
        if text_width < 2 or not names_fit:  # Rich would collapse the columns, or crop a name
            yield self.table
            return
        name_style = console.get_style(name_column.style)
        plain = console.get_style("none")
        text_options = options.update(
            width=text_width - 1,  # its left padding
            justify=text_column.justify,
            no_wrap=text_column.no_wrap,
            overflow=text_column.overflow,
            height=None,
            highlight=text_column.highlight,
        )
        blank_name = [Segment(" " * name_width, name_style)]
        blank_text = [Segment(" " * text_width, plain)]
        left = Segment(" ", plain)
        right = Segment(" ", name_style)
        new_line = Segment.line()
        for name, text in zip(name_column.cells, text_column.cells):
            names = [[Segment(name.plain.ljust(name_width - 1), name_style), right]]
            texts = [[left, *line] for line in console.render_lines(text, text_options, style=plain)]
            for line_no in range(max(len(names), len(texts))):
                yield from names[line_no] if line_no < len(names) else blank_name
                yield from texts[line_no] if line_no < len(texts) else blank_text
                yield new_line


def format_help(obj, ctx) -> None:
    """Print the help of `obj` (a command or the app) to stdout, as Typer's does."""
    from rich.align import Align

    out = console()
    out.print(Padding(highlighter(obj.get_usage(ctx)), 1), style=STYLE_USAGE_COMMAND)
    if obj.help:
        out.print(Padding(Align(_help_text(obj), pad=False), (0, 1, 1, 1)))
    arguments: defaultdict[str, list] = defaultdict(list)
    options: defaultdict[str, list] = defaultdict(list)
    for param in obj.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        if isinstance(param, TyperArgument):
            arguments[getattr(param, "rich_help_panel", None) or ARGUMENTS_PANEL_TITLE].append(param)
        elif isinstance(param, TyperOption):
            options[getattr(param, "rich_help_panel", None) or OPTIONS_PANEL_TITLE].append(param)
    for panels, default in ((arguments, ARGUMENTS_PANEL_TITLE), (options, OPTIONS_PANEL_TITLE)):
        _options_panel(default, panels.get(default, []), ctx, out)
        for name, params in panels.items():
            if name != default:
                _options_panel(name, params, ctx, out)
    if isinstance(obj, TyperGroup):
        commands: defaultdict[str, list] = defaultdict(list)
        for name in obj.list_commands(ctx):
            command = obj.get_command(ctx, name)
            if command and not command.hidden:
                commands[getattr(command, "rich_help_panel", None) or COMMANDS_PANEL_TITLE].append(command)
        cmd_len = max((len(c.name or "") for listed in commands.values() for c in listed), default=0)
        _commands_panel(COMMANDS_PANEL_TITLE, commands.get(COMMANDS_PANEL_TITLE, []), out, cmd_len)
        for name, listed in commands.items():
            if name != COMMANDS_PANEL_TITLE:
                _commands_panel(name, listed, out, cmd_len)
    if obj.epilog:
        out.print(Padding(Align(rich_text("\n\n".join(obj.epilog.split("\n\n"))), pad=False), 1))


def format_error(error) -> None:
    """Print a usage error (click's `UsageError` and kin) to stderr, as Typer does."""
    from rich.markup import escape

    if type(error).__name__ == "NoArgsIsHelpError":  # the help was shown instead
        return
    out = console(stderr=True)
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        out.print(highlighter(ctx.get_usage()), style=STYLE_USAGE_COMMAND)
        if ctx.command.get_help_option(ctx) is not None:
            out.print(
                RICH_HELP.format(command_path=escape(ctx.command_path), help_option=ctx.help_option_names[0]),
                style=STYLE_ERRORS_SUGGESTION,
            )
    out.print(panel(highlighter(error.format_message()), ERRORS_PANEL_TITLE, STYLE_ERRORS_PANEL_BORDER))
