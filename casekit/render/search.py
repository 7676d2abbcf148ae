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
    """One row per hit, best first; a case column when several cases were searched."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, leading=1)
    if several:
        table.add_column("case", style="bold cyan", overflow="fold")
    table.add_column("section", style="magenta", no_wrap=True)
    table.add_column("id", style="cyan", overflow="fold", max_width=24)
    table.add_column("match", ratio=1, min_width=24)
    for hit in hits:
        cell = highlighted(hit.title, hit.title_spans, "bold")
        if not hit.snippet.in_title:
            cell.append("\n")
            cell.append_text(highlighted(hit.snippet.text, hit.snippet.spans, "dim", HIGHLIGHT + " not dim"))
        row = [clean(hit.section), clean(hit.id), cell]
        if several:
            row.insert(0, clean(hit.case))
        table.add_row(*row)
    return table
