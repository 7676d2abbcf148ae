"""The review session: a small Textual app showing one card at a time.

Space shows the answer of a recall card; 1–4 grade it (Again, Hard, Good, Easy). A checked card
takes a typed answer (Enter), says whether it was right and suggests a grade, which Enter accepts
and 1–4 override. `q` ends the session; every grade is saved as it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input, Static

from casekit.render.text import clean
from casekit.study.cards import RECALL, Card, grade
from casekit.study.store import Store

GRADES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


class StudyApp(App):
    """Reviews `cards` in order, saving each grade to `store`; `reviewed` counts them."""

    CSS = """
    #progress { color: $text-muted; height: 1; }
    #front { padding: 1 1; }
    #back { padding: 0 1 1 1; color: $success; }
    #verdict { padding: 0 1; height: auto; }
    Input { margin: 0 1; }
    """
    BINDINGS: ClassVar = [
        Binding("space", "reveal", "Show"),
        Binding("1", "grade(1)", "Again"),
        Binding("2", "grade(2)", "Hard"),
        Binding("3", "grade(3)", "Good"),
        Binding("4", "grade(4)", "Easy"),
        Binding("enter", "accept", "Suggested", show=False),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, cards: Sequence[Card], store: Store, clock: Callable[[], datetime], today: date) -> None:
        super().__init__()
        self.cards = list(cards)
        self.store = store
        self.clock = clock
        self.today = today
        self.at = 0
        self.revealed = False
        self.suggested: int | None = None
        self.answer: str | None = None
        self.reviewed = 0

    def compose(self) -> ComposeResult:
        """The card's place, question, answer box, answer and verdict."""
        yield Static(id="progress")
        yield Static(id="front")
        yield Input(placeholder="your answer, then Enter", id="answer")
        yield Static(id="back")
        yield Static(id="verdict")
        yield Footer()

    def on_mount(self) -> None:
        """Show the first card."""
        self.show_card()

    @property
    def card(self) -> Card | None:
        """The card shown, or None when the session is over."""
        return self.cards[self.at] if self.at < len(self.cards) else None

    def show_card(self) -> None:
        """Show the current card, answer hidden; end the session after the last."""
        card = self.card
        if card is None:
            self.exit(self.reviewed)
            return
        self.revealed, self.suggested, self.answer = False, None, None
        where = f"{card.case} · {card.section}" if card.case else card.section
        self.query_one("#progress", Static).update(Text(f"{self.at + 1}/{len(self.cards)}  {clean(where)}"))
        self.query_one("#front", Static).update(Text(clean(card.front)))
        self.query_one("#back", Static).update("")
        self.query_one("#verdict", Static).update(
            Text("Space shows the answer" if card.check == RECALL else "", style="dim")
        )
        box = self.query_one("#answer", Input)
        box.value = ""
        box.display = card.check != RECALL
        box.disabled = card.check == RECALL
        if card.check != RECALL:
            box.focus()
        else:
            self.set_focus(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Check a typed answer: show the answer, whether it was right and the suggested grade."""
        card = self.card
        if card is None or self.revealed:
            return
        self.answer = event.value
        right = grade(card, event.value, self.today)
        self.suggested = 3 if right else 1
        verdict = Text("right" if right else "wrong", style="bold green" if right else "bold red")
        verdict.append(f" · Enter: {GRADES[self.suggested]}, or 1–4", style="dim")
        self.query_one("#verdict", Static).update(verdict)
        event.input.disabled = True
        self.set_focus(None)
        self._reveal()

    def action_reveal(self) -> None:
        """Space: show the answer of a recall card."""
        if self.card is not None and self.card.check == RECALL:
            self._reveal()
            self.query_one("#verdict", Static).update(Text("1 Again · 2 Hard · 3 Good · 4 Easy", style="dim"))

    def _reveal(self) -> None:
        self.revealed = True
        self.query_one("#back", Static).update(Text(clean(self.card.back)))

    def action_accept(self) -> None:
        """Enter: grade a checked card as suggested."""
        if self.suggested is not None:
            self.action_grade(self.suggested)

    def action_grade(self, rating: int) -> None:
        """1-4: save the grade of a revealed card and go on to the next."""
        card = self.card
        if card is None or not self.revealed:
            return
        correct = None if self.suggested is None else self.suggested > 1
        self.store.review(card, rating, self.clock(), answer=self.answer, correct=correct)
        self.reviewed += 1
        self.at += 1
        self.show_card()
