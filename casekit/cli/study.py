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
    """Learn the cases with spaced repetition: flash cards, graded, scheduled by FSRS.

    Cards are made from the case: a principle's tradeoff and benefit (you grade
    yourself), an event's date, which of two events came first, a metric's latest
    value, a risk's severity, who said a quote (your typed answer is checked; Esc
    if you do not know). Due cards come first, then new ones; a card graded Again
    comes back before the end. Space shows the answer, 1-4 grade it (Again, Hard,
    Good, Easy), q ends (Ctrl+Q while typing). --today DAY studies as on that day.
    Progress is kept in $XDG_DATA_HOME/casekit/study.db.
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
        _session(st, store, cards, new, clock, cases.today)
    finally:
        store.close()


def _session(st, store, cards, new_limit, clock, today) -> None:
    from casekit.study.app import GRADES, StudyApp

    chosen = store.session(cards, clock(), new_limit)
    if not chosen:
        st.term.print("nothing to study today")
    else:
        session = StudyApp(chosen, store, clock, today)
        session.run()
        graded = ", ".join(f"{session.grades[n]} {name}" for n, name in GRADES.items() if session.grades[n])
        n = session.reviewed
        st.term.print(f"reviewed {n} card{'s' * (n != 1)}" + (f": {graded}" if graded else ""))
    for line in outlook_lines(store.outlook(cards, clock(), new_limit)):
        st.term.print(line)


def outlook_lines(outlook: dict) -> list[str]:
    """What is left for today and when cards next fall due, in words."""
    lines = []
    left = [f"{outlook[k]} {k}" for k in ("due", "new") if outlook[k]]
    if left:
        lines.append(f"left for today: {' and '.join(left)} (run casekit study again)")
    if outlook["next"] is not None:
        count = outlook["next_count"]
        lines.append(f"next due: {outlook['next']:%a %Y-%m-%d}, {count} card{'s' * (count != 1)}")
    elif not left:
        lines.append("next due: none scheduled")
    return lines


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
