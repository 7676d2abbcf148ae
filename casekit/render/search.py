"""Search hits as a table: where each hit is, its title, a snippet with the matches highlighted."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from casekit.render.fit import NBSP, READING_WIDTH, ForWidth, Wrapped, first_fitting, fixed, unbroken
from casekit.render.listing import Listing
from casekit.render.text import clean, clean_inline
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


def show_hint(hits: Sequence[Hit]) -> Text | None:
    """Under the hits, how to show one in full: `casekit show -c CASE REF` for the first that has a
    REF (a hit on a case itself has none)."""
    import shlex

    first = next((hit for hit in hits if hit.ref), None)
    if first is None:
        return None
    command = f"casekit show -c {shlex.quote(clean_inline(first.case))} {shlex.quote(clean_inline(first.ref or ''))}"
    text = Wrapped("show one in full: ", style="dim")
    text.append(unbroken(command))
    return text


def hits_table(hits: Sequence[Hit], several: bool) -> ForWidth:
    """One row per hit, best first: where it is (case when several were searched, section, REF),
    then its title and a snippet with the matches highlighted, and under them how to show a hit
    in full. Where the snippet would have too little room beside it, where the hit is goes on a
    line above its title."""
    hint = show_hint(hits)
    rows = []
    for hit in hits:
        where = [(clean_inline(hit.case), "bold cyan")] if several else []
        where += [(clean(hit.section), "magenta"), (clean(hit.ref or hit.id), "cyan")]
        cell = Wrapped()  # the title's bold a span, so the snippet under it is not bold
        cell.append_text(highlighted(hit.title, hit.title_spans, "bold"))
        if not hit.snippet.in_title:
            cell.append("\n")
            cell.append_text(highlighted(hit.snippet.text, hit.snippet.spans, "dim", HIGHLIGHT + " not dim"))
        rows.append((where, cell))

    def table(stacked: bool) -> Listing:
        listing = Listing(leading=1, caption=hint)
        if not stacked:
            listing.add_column("where")
        listing.add_column("match", min_width=MATCH_FLOOR, max_width=READING_WIDTH)
        for where, cell in rows:
            if stacked:
                line = Wrapped()
                for i, (text, style) in enumerate(where):
                    line.append(f"{NBSP}· " if i else "", style="dim")
                    line.append(unbroken(text), style=style)
                listing.add_row(line + Text("\n") + cell)
            else:
                listing.add_row(Text("\n").join(Text(text, style=style) for text, style in where), cell)
        return listing if stacked else fixed(listing, 0)

    return ForWidth(lambda width: first_fitting(width, (lambda: table(False), lambda: table(True))))


MATCH_FLOOR = 24  # the least room a snippet is read in beside where its hit is
