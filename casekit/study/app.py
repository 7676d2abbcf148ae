"""The review session: a small Textual app showing one card at a time.

Space shows the answer of a recall card; 1–4 grade it (Again, Hard, Good, Easy). A checked card
takes a typed answer (Enter; Esc for "don't know"), says whether it was right and suggests a grade,
which Enter accepts and 1–4 override. A card graded Again comes back at the end of the session.
`q` (Ctrl+Q while typing) ends the session; every grade is saved as it is given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input, Static

from casekit.render.text import clean
from casekit.study.cards import DATE, ORDER, RECALL, VALUE, Card, grade
from casekit.study.store import Store

GRADES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}

# What the answer box asks for, by card kind (else by how the answer is checked).
PLACEHOLDERS = {
    DATE: "a year, a month (2015-03, March 2015) or a day, then Enter",
    VALUE: "a figure ($3.5M, 1.2B, 40%), then Enter",
    ORDER: "1 or 2, then Enter",
    "severity": "low, medium, medium-high, high or critical, then Enter",
    "speaker": "a name (the surname will do), then Enter",
}
TYPING_HINT = "Enter checks your answer · Esc if you don't know · Ctrl+Q ends"


class StudyApp(App):
    """Reviews `cards` in order, saving each grade to `store`; `reviewed` counts them."""

    CSS = """
    #progress { color: $text-muted; height: 1; }
    #front { padding: 1 1; }
    #back { padding: 0 1 1 1; color: $success; }
    #verdict { padding: 0 1; height: auto; }
    Input { margin: 0 1; }
    #progress, #front, #back, #verdict, Input { max-width: 100; }
    """
    BINDINGS: ClassVar = [
        Binding("space", "reveal", "Show answer"),
        Binding("escape", "give_up", "Don't know"),
        Binding("1", "grade(1)", "Again"),
        Binding("2", "grade(2)", "Hard"),
        Binding("3", "grade(3)", "Good"),
        Binding("4", "grade(4)", "Easy"),
        Binding("enter", "accept", "Suggested", show=False),
        Binding("q", "quit", "End"),
        Binding("ctrl+q", "end", "End", priority=True),
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
        self.grades: Counter[int] = Counter()

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
        hint = "Think of the answer, then Space shows it" if card.check == RECALL else TYPING_HINT
        self.query_one("#verdict", Static).update(Text(hint, style="dim"))
        box = self.query_one("#answer", Input)
        box.value = ""
        box.placeholder = PLACEHOLDERS.get(card.kind) or PLACEHOLDERS.get(card.check) or "your answer, then Enter"
        box.display = card.check != RECALL
        box.disabled = card.check == RECALL
        if card.check != RECALL:
            box.focus()
        else:
            self.set_focus(None)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer (in the footer too) only the keys that do something on the card as it stands."""
        card = self.card
        typing = card is not None and card.check != RECALL and not self.revealed
        if action == "reveal":
            return card is not None and card.check == RECALL and not self.revealed
        if action in ("give_up", "end"):
            return typing  # q types a q then: Ctrl+Q ends instead
        if action == "quit":
            return not typing
        if action in ("grade", "accept"):
            return self.revealed and (action == "grade" or self.suggested is not None)
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Check a typed answer: show the answer, whether it was right and the suggested grade."""
        card = self.card
        if card is None or self.revealed:
            return
        if not event.value.strip():
            return  # Enter on an empty box: Esc is "don't know"
        self.answer = event.value
        right = grade(card, event.value, self.today)
        self._checked(Text("right" if right else "wrong", style="bold green" if right else "bold red"), right)

    def action_give_up(self) -> None:
        """Esc: show the answer of a checked card without one typed (suggests Again)."""
        if self.card is not None and self.card.check != RECALL and not self.revealed:
            self._checked(Text("not answered", style="bold"), False)

    def _checked(self, verdict: Text, right: bool) -> None:
        self.suggested = 3 if right else 1
        verdict.append(f" · Enter grades it {GRADES[self.suggested]}, or 1 Again 2 Hard 3 Good 4 Easy", style="dim")
        self.query_one("#verdict", Static).update(verdict)
        self.query_one("#answer", Input).disabled = True
        self.set_focus(None)
        self._reveal()

    def action_reveal(self) -> None:
        """Space: show the answer of a recall card."""
        if self.card is not None and self.card.check == RECALL:
            self._reveal()
            self.query_one("#verdict", Static).update(
                Text("How well did you know it? 1 Again · 2 Hard · 3 Good · 4 Easy", style="dim")
            )

    def _reveal(self) -> None:
        self.revealed = True
        self.query_one("#back", Static).update(answer_text(self.card))
        self.refresh_bindings()

    async def action_end(self) -> None:
        """Ctrl+Q: end the session while the answer box has the keys."""
        await self.action_quit()

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
        self.grades[rating] += 1
        if rating == 1:
            self.cards.append(card)  # again before the session ends
        self.at += 1
        self.show_card()


def answer_text(card: Card) -> Text:
    """The answer as the card shows it, with what the marks of a date mean."""
    from casekit.render.timeline import MARKS

    text = Text("Answer: ", style="bold")
    text.append(clean(card.back))
    if card.kind in ("when", "order"):
        keys = [key for mark, key in MARKS.items() if mark in card.back and mark != "‡"]
        if keys:
            text.append("\n" + "   ".join(keys), style="dim")
    return text
