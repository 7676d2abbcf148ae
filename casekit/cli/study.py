"""`casekit study`: learn a case with spaced repetition (FSRS), or show or export its cards."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from casekit.cli.app import app, state
from casekit.cli.options import AllOpt, CasesOpt, Format, FormatOpt


class ExportFormat(str, Enum):
    """What `--export` writes."""

    anki = "anki"


@app.command()
def study(
    ctx: typer.Context,
    case: CasesOpt = None,
    all_cases: AllOpt = False,
    new: Annotated[int, typer.Option("--new", min=0, metavar="N", help="New cards a day at most.")] = 20,
    stats: Annotated[bool, typer.Option("--stats", help="Show cards, due, reviews and retention; no session.")] = False,
    export: Annotated[
        ExportFormat | None,
        typer.Option("--export", help="Write the cards for another tool (anki) to -o FILE.", case_sensitive=False),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help="File --export writes.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Cards are made from the case: a principle's tradeoff and benefit (you grade
    yourself), an event's date, which of two events came first, a metric's value,
    a risk's severity, who said a quote (your typed answer is checked). Due cards
    come first, then new ones. Space shows the answer, 1-4 grade it (Again, Hard,
    Good, Easy), q ends. Progress is kept in $XDG_DATA_HOME/casekit/study.db.
    """
    from casekit.cli.common import open_cases
    from casekit.errors import UsageError
    from casekit.study.cards import cards_for

    if export is not None and output is None:
        raise UsageError("--export needs -o FILE")
    if export is None and not stats and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "casekit study needs a terminal", hint="use --stats or --export anki -o FILE when not at a terminal"
        )
    st = state(ctx)
    cases = open_cases(st, case, all_cases)
    cards = [card for c in cases for card in cards_for(c, cases.today)]
    if export is not None:
        _export(st, cards, output, force)
        return
    from casekit.study.store import Store, clock_for

    clock = clock_for(st.fixed_today)  # --today DAY: study as on that day
    store = Store()
    try:
        now = clock()
        store.add(cards, now)
        if stats:
            _stats(st, store.stats(cards, now), fmt)
            return
        _session(st, store, store.session(cards, now, new), clock, cases.today, [c.id for c in cases])
    finally:
        store.close()


def _session(st, store, chosen, clock, today, case_ids) -> None:
    from casekit.study.app import StudyApp

    reviewed = 0
    if chosen:
        session = StudyApp(chosen, store, clock, today)
        session.run()
        reviewed = session.reviewed
    upcoming = store.next_due(case_ids)
    when = f"{upcoming:%Y-%m-%d %H:%M} UTC" if upcoming else "when a card has been reviewed"
    left = len(chosen) - reviewed
    st.term.print(f"reviewed {reviewed} card{'s' * (reviewed != 1)}" + (f", {left} left for later" if left else ""))
    st.term.print(f"next due: {when}")


def _stats(st, stats: dict, fmt: Format) -> None:
    from casekit.cli.common import write_records

    if fmt is not Format.table:
        write_records(st, stats, fmt)
        return
    retention = "–" if stats["retention"] is None else f"{stats['retention']:.0%}"
    st.term.print(
        f"{stats['cards']} cards, {stats['due']} due, {stats['new']} new, {stats['reviews']} reviews, retention {retention}"
    )
    for name, s in stats["sections"].items():
        st.term.print(
            f"  {name:<12} {s['cards']:>4} cards {s['due']:>4} due {s['new']:>4} new {s['reviews']:>5} reviews"
        )


def _export(st, cards, output: Path, force: bool) -> None:
    from casekit import atomic
    from casekit.render.text import clean

    lines = ["#separator:tab", "#html:false", "#tags column:3"]
    for card in cards:
        tags = f"casekit {card.case} {card.section} {card.kind}"
        lines.append("\t".join(_field(f) for f in (card.front, card.back, tags)))
    written = atomic.write_text(output, "\n".join(lines) + "\n", overwrite=force, at_terminal=clean)
    st.term.err.print(f"wrote {len(cards)} cards to {clean(str(written))}", style="dim")


def _field(text: str) -> str:
    """A field of the tab-separated file: no tab or newline inside (Anki reads one note a line)."""
    return " ".join(text.replace("\t", " ").splitlines())
