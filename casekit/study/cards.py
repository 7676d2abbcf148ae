"""Flashcards made from a case, and the checking of typed answers.

A card's id is `section/item_id/kind`: stable while the item keeps its id. Its `hash` is taken over
the text it asks about and the answer, so an edited fact becomes a new card (with no history) while
an unchanged one keeps its schedule. Recall cards are graded by the learner; checked cards compare a
typed answer with the case (dates by interval, values by bounds, the rest by name).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from casekit.dates import DateError, PartialDate
from casekit.model import SEVERITIES, Case
from casekit.values import Value, ValueParseError

# How far a typed value may fall outside the case's bounds and still count as right.
TOLERANCE = 0.10

RECALL, DATE, ORDER, VALUE, CHOICE = "recall", "date", "order", "value", "choice"


@dataclass(frozen=True)
class Card:
    """One question about one case. `check` says how a typed answer is graded (`recall`: it is
    not typed, the learner grades themself); `expected` is what `grade` compares with."""

    case: str
    id: str
    kind: str
    front: str
    back: str
    check: str
    expected: tuple[str, ...] = ()

    @property
    def section(self) -> str:
        """The section the card asks about."""
        return self.id.split("/", 1)[0]

    @property
    def hash(self) -> str:
        """A digest of what the card asks and answers: it changes when the fact does."""
        text = "\x1f".join((self.kind, self.front, self.back, *self.expected))
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    @property
    def key(self) -> tuple[str, str, str]:
        """The card in the database: case, id, hash."""
        return (self.case, self.id, self.hash)


def cards_for(case: Case, today: date) -> list[Card]:
    """Every card `case` gives, in the order of its sections."""
    return [
        *_principle_cards(case),
        *_event_cards(case),
        *_order_cards(case, today),
        *_value_cards(case, today),
        *_risk_cards(case),
        *_quote_cards(case),
    ]


def _principle_cards(case: Case) -> list[Card]:
    out = []
    for p in case.principles:
        head = f"Principle {p.n}: {p.title}"
        out.append(
            Card(case.id, f"principles/{p.id}/tradeoff", "tradeoff", f"{head}\nIts tradeoff?", p.tradeoff, RECALL)
        )
        out.append(Card(case.id, f"principles/{p.id}/benefit", "benefit", f"{head}\nIts benefit?", p.benefit, RECALL))
    return out


def _event_cards(case: Case) -> list[Card]:
    return [
        Card(case.id, f"timeline/{e.id}/when", "when", f"When: {e.title}?", e.date.text, DATE, (e.date.text,))
        for e in case.timeline
    ]


def _order_cards(case: Case, today: date) -> list[Card]:
    """Neighbouring events (in date order) whose dates do not overlap: which came first."""
    events = sorted(case.timeline, key=lambda e: e.date.sort_key(today))
    out = []
    for a, b in zip(events, events[1:], strict=False):
        if a.date.overlaps(b.date, today):
            continue
        first, second = sorted((a, b), key=lambda e: e.title.casefold())  # not shown in date order
        right = "1" if first is a else "2"
        front = f"Which came first?\n1. {first.title}\n2. {second.title}"
        back = f"{right}. {a.title} ({a.date.text}), then {b.title} ({b.date.text})"
        out.append(Card(case.id, f"timeline/{a.id}+{b.id}/order", "order", front, back, ORDER, (right,)))
    return out


def _value_cards(case: Case, today: date) -> list[Card]:
    """Each metric's latest observation with a figure: the one the case's argument rests on (a card
    for every earlier figure asked the same question again and again, mostly trivia)."""
    out = []
    for m in case.metrics:
        figures = [o for o in m.observations if o.value.low is not None or o.value.high is not None]
        if not figures:
            continue
        obs = max(figures, key=lambda o: o.date.sort_key(today))
        front = f"{m.name} ({m.unit}) at {obs.date.text}?"
        item = f"{m.id}@{obs.date.text}"
        out.append(Card(case.id, f"metrics/{item}/value", "value", front, obs.value.text, VALUE, (obs.value.text,)))
    return out


def _risk_cards(case: Case) -> list[Card]:
    levels = ", ".join(SEVERITIES)
    return [
        Card(
            case.id,
            f"risks/{r.id}/severity",
            "severity",
            f"Risk: {r.title}\nSeverity ({levels})?",
            r.severity,
            CHOICE,
            (r.severity,),
        )
        for r in case.risks
    ]


def _quote_cards(case: Case) -> list[Card]:
    names = {p.id: p.name for p in case.people}
    out = []
    for q in case.quotes:
        if q.speaker not in names:  # "Unattributed (…)": no one to name
            continue
        name = names[q.speaker]
        accepted = tuple(dict.fromkeys((name, q.speaker, name.split()[-1] if name.split() else name)))
        out.append(Card(case.id, f"quotes/{q.id}/speaker", "speaker", f"Who said:\n“{q.text}”", name, CHOICE, accepted))
    return out


def grade(card: Card, answer: str, today: date) -> bool:
    """Whether the typed `answer` is right for a checked card (False for an answer that cannot be read)."""
    answer = answer.strip()
    if not answer or card.check == RECALL:
        return False
    if card.check == DATE:
        return date_right(answer, card.expected[0], today)
    if card.check == VALUE:
        return value_right(answer, card.expected[0])
    if card.check == ORDER:
        return answer.rstrip(".") == card.expected[0]
    wanted = {_words(e) for e in card.expected}
    return _words(answer) in wanted


def date_right(answer: str, expected: str, today: date) -> bool:
    """A date answer is right when its interval overlaps the event's (`2019` for `2019-05`, and
    `2019-05` for `2019`, both are)."""
    try:
        said, event = PartialDate.parse(answer), PartialDate.parse(expected)
    except DateError:
        return False
    return said.overlaps(event, today)


def value_right(answer: str, expected: str) -> bool:
    """A value answer is right when it lies within the case's bounds widened by `TOLERANCE`. A bare
    number takes the case value's scale (`5` for `$5M`)."""
    try:
        want = Value.parse(expected)
        said = Value.parse(answer)
        if said.scale is None and want.scale is not None and re.fullmatch(r"[~$€£]?[\d.,]+", answer):
            said = Value.parse(f"{answer}{want.scale}")
    except ValueParseError:
        return False
    said_low = said.low if said.low is not None else said.high
    said_high = said.high if said.high is not None else said.low
    if said_low is None or said_high is None or (want.low is None and want.high is None):
        return False
    low = want.low if want.low is not None else float("-inf")  # `<1%`: anything up to its bound
    high = want.high if want.high is not None else float("inf")  # `$600M+`: anything from its bound
    slack = TOLERANCE * max(abs(b) for b in (want.low, want.high) if b is not None)
    return low - slack <= said_low and said_high <= high + slack


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))
