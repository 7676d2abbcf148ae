"""Search hits as a table: where each hit is, its title, a snippet with the matches highlighted."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.table import Table
from rich.text import Text

from casekit.render.text import clean
from casekit.search import Hit

HIGHLIGHT = "bold red"  # as grep --color and ripgrep mark matches


def highlighted(text: str, spans: Sequence[tuple[int, int]], style: str = "", match_style: str = HIGHLIGHT) -> Text:
    """`text` with `spans` in `match_style`; each piece made safe on its own so spans stay aligned."""
    out = Text(style=style)
    at = 0
    for start, end in spans:
        out.append(clean(text[at:start]))
        out.append(clean(text[start:end]), style=match_style)
        at = end
    out.append(clean(text[at:]))
    return out


def hits_table(hits: Sequence[Hit], several: bool) -> Table:
    """One row per hit, best first: where it is (case when several were searched, section, id),
    then its title and a snippet with the matches highlighted."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, leading=1)
    table.add_column("where", overflow="fold", max_width=30)
    table.add_column("match", ratio=1, min_width=24)
    for hit in hits:
        where = Text()
        if several:
            where.append(clean(hit.case) + "\n", style="bold cyan")
        where.append(clean(hit.section) + "\n", style="magenta")
        where.append(clean(hit.id), style="cyan")
        cell = highlighted(hit.title, hit.title_spans, "bold")
        if not hit.snippet.in_title:
            cell.append("\n")
            cell.append_text(highlighted(hit.snippet.text, hit.snippet.spans, "dim", HIGHLIGHT + " not dim"))
        table.add_row(where, cell)
    return table
