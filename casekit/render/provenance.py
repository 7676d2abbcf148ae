"""What an item rests on, as the `--long` listings show it under the item: its detail, note,
sources and confidence, a line each (those it has)."""

from __future__ import annotations

from collections.abc import Sequence

from casekit.render.fit import Wrapped, unbroken
from casekit.render.text import clean

# A source list shorter than this stays on one line; a longer one may wrap between ids.
_UNBROKEN = 40


def provenance_lines(item: object, details: Sequence[tuple[str, str | None]] = (), *, sources: bool = True) -> Wrapped:
    """Each of `details` (`(label, text)`; an empty label shows the text alone, text "" the label
    alone, as a heading, and text None nothing), then the item's note, and its sources (unless `sources` is false:
    a listing that cites them in a column of its own) and confidence on one line; each line
    starts with a newline, to go under a title."""
    text = Wrapped()
    for label, value in details:
        if value is None or not (label or value):
            continue
        text.append("\n")
        if label:
            text.append(label + (" " if value else ""), style="dim")
        if value:
            text.append(clean(value))
    note = getattr(item, "note", None)
    if note:
        text.append("\nnote ", style="dim")
        text.append(clean(note))
    about = []
    cited = getattr(item, "sources", ())
    if sources and cited:
        about.append(("sources ", ", ".join(clean(s) for s in cited)))
    confidence = getattr(item, "confidence", None)
    if confidence:
        about.append(("confidence ", clean(confidence)))
    for i, (label, value) in enumerate(about):
        text.append("\n" if i == 0 else "  ")
        text.append(label, style="dim")
        text.append(unbroken(value) if len(value) < _UNBROKEN else value, style="cyan" if label.startswith("s") else "")
    return text


def bullets(label: str, entries: Sequence[str]) -> list[tuple[str, str | None]]:
    """`label` as a heading, then each entry as a `• ` line (wrapped lines hang under its text),
    for `provenance_lines`' details; nothing when there are no entries."""
    if not entries:
        return []
    return [(label, ""), *(("", "• " + entry) for entry in entries)]
