"""A case's history for people: a commit a block, its counts per section, and with -p its changes.

a1b2c3d  2025-03-14  Ana Ruiz  Add the 2025 funding round
                               timeline +3 −1 ~2 · metrics ~1
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from casekit.changes import CASE_SECTION
from casekit.history import Entry, History
from casekit.render.diff import count_text, section_table
from casekit.render.text import clean

HASH_STYLE = "yellow"  # as git colours a commit's hash
DATE_STYLE = "green"
AUTHOR_STYLE = "cyan"
# An author's name is cut past this many cells, so the subjects keep their room.
AUTHOR_WIDTH = 20


def log_view(history: History, *, patch: bool = False, markers: bool = False) -> Group:
    """Every entry of `history`: hash, day, author and subject, then what changed per section;
    with `patch`, each section's changes as `casekit diff` shows them."""
    width = min(AUTHOR_WIDTH, max((len(clean(e.commit.author)) for e in history.entries), default=0))
    parts: list[Any] = []
    if history.item is not None:
        section, ids = history.item
        parts.append(Text(f"{section} item {' / '.join(clean(i) for i in ids)} in {clean(history.path)}", style="dim"))
    for n, entry in enumerate(history.entries):
        if n and patch:
            parts.append(Text(""))
        parts.append(entry_head(entry, width))
        if patch and entry.result is not None:
            for section in entry.result.sections():
                parts.append(Text(""))
                parts.append(Padding(Text(section, style="bold underline"), (0, 0, 0, 2)))
                parts.append(Padding(section_table(entry.result.in_section(section), markers=markers), (0, 0, 0, 2)))
    return Group(*parts)


def entry_head(entry: Entry, author_width: int) -> Table:
    """One commit's lines: `hash  day  author  subject`, and under the subject what it changed."""
    commit = entry.commit
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(min_width=author_width, max_width=author_width, overflow="fold")
    grid.add_column(overflow="fold")
    grid.add_row(
        Text(commit.short, style=HASH_STYLE),
        Text(commit.day, style=DATE_STYLE),
        Text(clean(commit.author), style=AUTHOR_STYLE),
        Text(clean(commit.subject)),
    )
    grid.add_row("", "", "", what_changed(entry))
    return grid


def what_changed(entry: Entry) -> Packed:
    """`timeline +3 −1 ~2 · metrics ~1`, after `new file`, `deleted` or `renamed from PATH` when
    the file itself came, went or moved; or why there is nothing to count."""
    return Packed(change_parts(entry))


def change_parts(entry: Entry) -> list[Text]:
    """The parts `what_changed` lays out, each kept whole on a line."""
    commit = entry.commit
    parts = []
    if commit.old_oid is None:
        parts.append(Text("new file", style="bold green"))
    elif commit.new_oid is None:
        parts.append(Text("deleted", style="bold red"))
    elif commit.old_path and commit.old_path != commit.path:
        parts.append(Text(f"renamed from {clean(commit.old_path)}", style="bold magenta"))
    if entry.problem is not None:
        parts.append(Text(f"not a valid case: {clean(short_problem(entry))}", style="yellow"))
        return parts
    if entry.repaired:
        parts.append(Text("valid again", style="bold green"))
    result = entry.result
    assert result is not None
    for section, counts in result.summary().items():
        if section == CASE_SECTION and (commit.old_oid is None or commit.new_oid is None):
            continue  # the case came or went as a whole: the label above says so
        parts.append(Text(f"{section} ") + count_text(counts))
    if not parts:
        parts.append(Text("no semantic changes (only formatting, comments or spelling)", style="dim"))
    return parts


def short_problem(entry: Entry) -> str:
    """The problem without the version's name, which the lines above give: `line 12: …`."""
    problem = entry.problem or ""
    label = f"{(entry.commit.new_oid or '')[:7]}:{entry.commit.path}:"
    if problem.startswith(label):
        line, _, rest = problem[len(label) :].partition(":")
        if line.isdigit():
            _, _, message = rest.partition(":") if rest.split(":", 1)[0].isdigit() else ("", "", rest)
            return f"line {line}: {message.strip()}"
    return problem


class Packed:
    """Parts laid out as words are, `·` between them, a line broken only between two parts (a
    part longer than the line wraps on its own)."""

    def __init__(self, parts: list[Text], separator: str = " · ") -> None:
        self.parts = parts
        self.separator = separator

    @property
    def plain(self) -> str:
        """The parts on one line, without styles."""
        return self.separator.join(p.plain for p in self.parts)

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        widest = max((p.cell_len for p in self.parts), default=0)
        return Measurement(min(widest, options.max_width), min(len(self.plain), options.max_width))

    def __rich_console__(self, console, options):
        lines: list[Text] = []
        line = Text()
        for part in self.parts:
            if line and line.cell_len + len(self.separator) + part.cell_len > options.max_width:
                lines.append(line)
                line = Text()
            if line:
                line.append(self.separator, style="dim")
            line.append_text(part)
        lines.append(line)
        yield Text("\n").join(lines)


def log_rows(history: History) -> list[dict[str, Any]]:
    """`log -f csv|md`: a row per commit, what it changed as text and the number of changes."""
    rows = []
    for entry in history.entries:
        record = entry.record()
        record["summary"] = Packed(change_parts(entry)).plain
        record["changes"] = len(record["changes"])
        rows.append(record)
    return rows


LOG_ROW_SHAPE: dict = dict.fromkeys(("commit", "date", "author", "subject", "path", "summary", "changes", "problem"))
