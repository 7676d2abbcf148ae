"""What `casekit browse` shows, as data: sections, rows, columns and the links between items.

No Textual here: the app reads these and draws them, and tests read them
without an app. Cell texts are Rich `Text` made safe (case text is data,
never markup or terminal control).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rich.text import Text

from casekit.library import Loaded
from casekit.model import SECTIONS, Case, likelihood_rank, severity_rank
from casekit.problems import Problem
from casekit.registry import references
from casekit.render.text import clean, safe

CASES = "cases"  # the cases themselves, shown as `casekit show` shows each
PROBLEMS = "problems"  # what validate found in the files: warnings, and the files that did not load


@dataclass(frozen=True, slots=True)
class Ref:
    """Where an item is: its case (an index into `Browsed.cases`), its section and its id."""

    case: int
    section: str
    id: str


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a section's table: where the item is, and the item."""

    ref: Ref
    item: Any


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a section's table: its header, its cell, and the key it sorts by."""

    label: str
    cell: Callable[[Case, Any], Text]
    key: Callable[[Case, Any], Any]


@dataclass(frozen=True, slots=True)
class Link:
    """A reference between two items: `label` says how they relate, from the item in view."""

    label: str
    ref: Ref
    title: Text


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _date_key(today: date) -> Callable[[Any], Any]:
    def key(d) -> Any:
        return (1,) if d is None else (0, *d.sort_key(today))

    return key


def _folded(value: object) -> str:
    return _text(value).casefold()


def _value_key(value) -> tuple:
    mid = value.midpoint if value is not None else None
    return (1, 0.0) if mid is None else (0, mid)


def columns(section: str, today: date) -> list[Column]:
    """The columns of `section`'s table (without the case column a library view adds)."""
    from casekit.render.overview import severity_text
    from casekit.render.timeline import date_text

    on_date = _date_key(today)

    def plain(attr: str, label: str | None = None, style: str = "") -> Column:
        return Column(label or attr, lambda c, i: safe(getattr(i, attr), style), lambda c, i: _folded(getattr(i, attr)))

    def when(attr: str, label: str) -> Column:
        def cell(c, i) -> Text:
            d = getattr(i, attr)
            return date_text(d, getattr(i, "confidence", None)) if d is not None else Text("")

        return Column(label, cell, lambda c, i: on_date(getattr(i, attr)))

    def number(attr: str, label: str) -> Column:
        return Column(label, lambda c, i: Text(str(getattr(i, attr)), style="bold"), lambda c, i: getattr(i, attr))

    def value(attr: str) -> Column:
        def cell(c, i) -> Text:
            v = getattr(i, attr)
            return safe(v.display() if v is not None else "", "bold")

        return Column(attr, cell, lambda c, i: _value_key(getattr(i, attr)))

    severity = Column("severity", lambda c, i: severity_text(i.severity), lambda c, i: -severity_rank(i.severity))
    likelihood = Column(
        "likelihood", lambda c, i: safe(i.likelihood or "—"), lambda c, i: -likelihood_rank(i.likelihood)
    )
    table: dict[str, list[Column]] = {
        CASES: [plain("id", style="cyan"), plain("company", style="bold"), when("as_of", "as of"), _counted()],
        PROBLEMS: [
            Column("severity", _problem_severity, lambda c, p: p.severity),
            Column("where", lambda c, p: safe(p.location, "cyan"), lambda c, p: (p.path, p.line or 0, p.column or 0)),
            Column("problem", lambda c, p: safe(p.message), lambda c, p: _folded(p.message)),
        ],
        "sources": [when("date", "date"), plain("kind"), plain("title", style="bold")],
        "people": [plain("name", style="bold"), _roles()],
        "eras": [when("period", "period"), plain("title", style="bold")],
        "timeline": [
            when("date", "date"),
            plain("title", style="bold"),
            plain("category", style="magenta"),
            plain("era", style="cyan"),
        ],
        "metrics": [plain("name", style="bold"), *_latest(on_date)],
        "principles": [number("n", "#"), plain("title", style="bold")],
        "risks": [severity, likelihood, plain("title", style="bold")],
        "quotes": [_speaker(), plain("text"), when("date", "date")],
        "moats": [number("rank", "rank"), plain("title", style="bold"), plain("time_to_replicate", "to replicate")],
        "flywheel": [plain("from_", "from", style="bold"), plain("to", style="bold")],
        "segments": [plain("name", style="bold"), when("period", "period"), value("revenue"), value("share")],
        "competitors": [plain("name", style="bold"), plain("segment", style="cyan"), plain("position")],
        "drivers": [plain("title", style="bold"), plain("horizon")],
        "lessons": [plain("title", style="bold")],
    }
    return table[section]


def _problem_severity(case: Case, p: Problem) -> Text:
    return Text(p.severity, style="bold red" if p.severity == "error" else "bold yellow")


def _counted() -> Column:
    def count(c: Case) -> int:
        return sum(len(getattr(c, name)) for name in SECTIONS)

    return Column("items", lambda c, i: Text(str(count(i)), style="dim"), lambda c, i: count(i))


def _roles() -> Column:
    def roles(p) -> str:
        return "; ".join(r.title for r in p.roles)

    return Column("roles", lambda c, p: safe(roles(p)), lambda c, p: _folded(roles(p)))


def _speaker() -> Column:
    from casekit.sections import speaker_name

    return Column(
        "speaker",
        lambda c, q: safe(speaker_name(c, q.speaker), "bold"),
        lambda c, q: _folded(speaker_name(c, q.speaker)),
    )


def _latest(on_date) -> list[Column]:
    """A metric's latest value, its date, and the sparkline of its series (as `casekit metrics` draws it)."""
    from casekit.query import sort_by_date
    from casekit.render.metrics import sparkline
    from casekit.sections import latest_observation

    def latest(m):
        return latest_observation(m)

    def figure(c, m) -> Text:
        obs = latest(m)
        return safe(obs.value.display() if obs else "", "bold")

    def when(c, m) -> Text:
        obs = latest(m)
        return safe(obs.date.text if obs else "", "green")

    def trend(c, m) -> Text:
        return sparkline([o.value for o in sort_by_date(m.observations)])

    return [
        Column("latest", figure, lambda c, m: _value_key(latest(m).value if latest(m) else None)),
        Column("as of", when, lambda c, m: on_date(latest(m).date if latest(m) else None)),
        Column("trend", trend, lambda c, m: len(m.observations)),
    ]


# --- links between items -------------------------------------------------------------

# (section, field) -> the section whose ids the field holds (a quote's speaker: or a name), as
# `casekit.registry` declares them. `sources` is every item's and is added apart.
REFERENCES: dict[tuple[str, str], str] = {(s, f): target for s, f, target in references(sources=False)}
# How a link reads from the item it starts at, and from the item it points to (one for each of
# `REFERENCES`, which a test checks).
LINK_NAMES: dict[tuple[str, str], tuple[str, str]] = {
    ("timeline", "era"): ("era", "event"),
    ("timeline", "people"): ("person", "event"),
    ("principles", "evidence"): ("evidence", "evidence for"),
    ("principles", "risks"): ("risk", "principle"),
    ("risks", "principles"): ("principle", "risk"),
    ("quotes", "speaker"): ("speaker", "quote"),
    ("*", "sources"): ("source", "cited by"),
}


def _link_name(section: str, name: str) -> tuple[str, str]:
    return LINK_NAMES.get((section, name)) or LINK_NAMES[("*", name)]


def _ids(value: object) -> list[str]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _referenced(section: str, item: Any) -> list[tuple[str, str, str]]:
    """(field, target section, target id) of every reference `item` holds, sources last."""
    out = [
        (name, target, i)
        for (sec, name), target in REFERENCES.items()
        if sec == section
        for i in _ids(getattr(item, name, None))
    ]
    out += [("sources", "sources", s) for s in getattr(item, "sources", ())]
    for obs in getattr(item, "observations", ()):
        out += [("sources", "sources", s) for s in obs.sources if s not in item.sources]
    return out


def item_title(section: str, item: Any) -> Text:
    """A one-line title for an item, as the listings would name it."""
    if section == CASES:
        return Text.assemble((clean(item.company), "bold"), " — ", clean(item.title))
    if section == PROBLEMS:
        return Text.assemble((clean(item.location), "cyan"), " ", clean(item.message))
    from casekit.render.overview import _label

    return _label(section, item)


@dataclass
class Browsed:
    """The cases the app shows, with the problems their files have, looked up by `Ref`."""

    cases: list[Case]
    labels: list[str]
    problems: list[Problem] = field(default_factory=list)
    today: date = field(default_factory=date.today)

    def __post_init__(self) -> None:
        self._index: dict[tuple[int, str], dict[str, Any]] = {}

    @classmethod
    def from_loaded(cls, checked: Sequence[Loaded], today: date, view: Callable[[Case], Case] | None = None) -> Browsed:
        """The cases that loaded among `checked` (each through `view`, an as-of view), labelled as
        `casekit search` labels them, with every file's problems (a file that did not load among them)."""
        from casekit.compare import case_labels

        ok = [entry for entry in checked if entry.case is not None]
        cases = [view(entry.case) if view else entry.case for entry in ok]
        labels = case_labels(cases, [str(entry.ref.path) for entry in ok])
        return cls(cases, labels, [p for entry in checked for p in entry.problems], today)

    @property
    def several(self) -> bool:
        """True when more than one case is shown: tables get a case column."""
        return len(self.cases) > 1

    def sections(self) -> list[tuple[str, int]]:
        """The sidebar: the cases, each section that holds items, then the problems, with counts."""
        out = [(CASES, len(self.cases))]
        out += [(name, n) for name in SECTIONS if (n := sum(len(getattr(c, name)) for c in self.cases))]
        if self.problems:
            out.append((PROBLEMS, len(self.problems)))
        return out

    def rows(self, section: str) -> list[Row]:
        """The items of `section` over every case, case by case, each in its listing's order."""
        from casekit.sections import listing_order

        if section == CASES:
            return [Row(Ref(k, CASES, c.id), c) for k, c in enumerate(self.cases)]
        if section == PROBLEMS:
            return [Row(Ref(-1, PROBLEMS, str(n)), p) for n, p in enumerate(self.problems)]
        return [
            Row(Ref(k, section, item.id), item)
            for k, c in enumerate(self.cases)
            for item in listing_order(section, getattr(c, section), self.today)
        ]

    def case_of(self, ref: Ref) -> Case | None:
        """The case `ref` is in (None for a problem)."""
        return self.cases[ref.case] if 0 <= ref.case < len(self.cases) else None

    def item(self, ref: Ref) -> Any:
        """The item `ref` names, or None when there is none."""
        if ref.section == CASES:
            return self.case_of(ref)
        if ref.section == PROBLEMS:
            n = int(ref.id)
            return self.problems[n] if 0 <= n < len(self.problems) else None
        key = (ref.case, ref.section)
        if key not in self._index:
            c = self.case_of(ref)
            self._index[key] = {i.id: i for i in getattr(c, ref.section)} if c is not None else {}
        return self._index[key].get(ref.id)

    def reference(self, ref: Ref) -> str:
        """How a user names the item: `section/id`, with its case first over several cases."""
        if ref.section == CASES:
            return self.labels[ref.case]
        where = f"{ref.section}/{ref.id}"
        return f"{self.labels[ref.case]}:{where}" if self.several and ref.case >= 0 else where

    def links(self, ref: Ref) -> list[Link]:
        """What the item refers to, then what refers to it (within its case), each one followable."""
        c, item = self.case_of(ref), self.item(ref)
        if c is None or item is None or ref.section == CASES:
            return []
        out: list[Link] = []
        for name, target, i in _referenced(ref.section, item):
            to = Ref(ref.case, target, i)
            found = self.item(to)
            if found is not None:
                label = _link_name(ref.section, name)[0]
                out.append(Link(label, to, item_title(target, found)))
        out += self._links_in(ref, c)
        return list({(link.label, link.ref): link for link in out}.values())

    def _links_in(self, ref: Ref, c: Case) -> list[Link]:
        out = []
        for section in SECTIONS:
            for other in getattr(c, section):
                for name, target, i in _referenced(section, other):
                    if target == ref.section and i == ref.id:
                        label = _link_name(section, name)[1]
                        out.append(Link(label, Ref(ref.case, section, other.id), item_title(section, other)))
        return out
