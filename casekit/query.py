"""Filters and views over a case: as-of views, period filters, grep, era membership, the timeline."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Sequence
from datetime import date

import msgspec

from casekit import dates
from casekit.dates import PartialDate
from casekit.errors import FieldError, UnknownChoice, braced
from casekit.model import Case, Era, Event
from casekit.values import Value


def as_of(case: Case, when: PartialDate, today: date) -> Case:
    """The case as known at `when` (SPEC §5): what is dated later is dropped, wherever it is dated.

    - Events, quotes, segments, sources, people's roles and eras dated after
      `when` are dropped: those that start later, and those with an open
      start that end later (`by late 2024` was not known in 2020).
    - An era or a role that runs past `when` is ongoing then: its end is
      opened (`2016/2025` becomes `2016/..`), and open ends in the view run
      until `when` (evaluate it with `as_of_today`).
    - A metric observation dated later is kept only when it cites sources
      and every one is dated by `when`: a forecast published by then. A
      metric left with none of its observations did not exist yet.
    - A person is dated by their roles: one whose every dated role was
      dropped is dropped.
    - An item with no date of its own (a principle, risk, lesson, driver,
      moat, competitor, flywheel edge, an undated quote or segment, a person
      without dated roles, a metric without observations) is dated by its
      sources: it is dropped when every source it cites came out later. One
      citing no source, or any source out by then or undated, stays.
    - References to what was dropped go too: cited sources, evidence, an
      event's era and people, a principle's risks and a risk's principles.

    Each section's rule is its `dated_by` or `as_of_rule` in `casekit.registry`,
    and the references it prunes its `refs`.
    """
    from casekit.registry import SECTIONS

    view = AsOf(case, when.latest(today))
    kept = {name: view.keep(spec, getattr(case, name)) for name, spec in SECTIONS.items()}
    dropped = {name: {i.id for i in getattr(case, name)} - {i.id for i in kept[name]} for name in SECTIONS}
    for name, spec in SECTIONS.items():
        kept[name] = [view.cite(_prune(item, spec.refs, dropped)) for item in kept[name]]
    new_as_of = when if view.limit < case.as_of.latest(today) else case.as_of
    return msgspec.structs.replace(case, as_of=new_as_of, **kept)


def _prune(item, refs: dict[str, str], dropped: dict[str, set[str]]):
    """`item` without its references (`refs`: field → section) to the items `dropped` from each section."""
    changes: dict = {}
    for field_name, target in refs.items():
        value, gone = getattr(item, field_name), dropped[target]
        if isinstance(value, list):
            if gone.intersection(value):
                changes[field_name] = [ref for ref in value if ref not in gone]
        elif value is not None and value in gone:
            changes[field_name] = None
    return msgspec.structs.replace(item, **changes) if changes else item


class AsOf:
    """How `as_of` keeps a case's items as known by `limit`: each section by its rule."""

    def __init__(self, case: Case, limit: date) -> None:
        self.limit = limit
        out = self.sources(case.sources)
        self.cited = {s.id for s in out}
        self.later = {s.id for s in case.sources} - self.cited  # published after `when`
        self.dated_by = {s.id for s in out if s.date is not None}  # known to be out by then

    def keep(self, spec, items: list) -> list:
        """The items of the section `spec` known by the limit (by its rule; references not yet pruned)."""
        if spec.as_of_rule:
            return getattr(self, spec.as_of_rule)(items)
        if spec.dated_by:
            return self.dated(items, spec.dated_by)
        return [item for item in items if self.sourced(item)]

    def known(self, d: PartialDate | None) -> bool:
        """True when `d` had begun by the limit, or there is no date."""
        return d is None or known_by(d, self.limit)

    def cite(self, item):
        """`item` citing only the sources out by the limit."""
        kept = [s for s in item.sources if s in self.cited]
        return item if len(kept) == len(item.sources) else msgspec.structs.replace(item, sources=kept)

    def sourced(self, item) -> bool:
        """An undated item was known when it cites nothing, or something not published later."""
        return not item.sources or not self.later.issuperset(item.sources)

    def observed(self, o) -> bool:
        """An observation dated by the limit, or a forecast whose every source was out by then."""
        return known_by(o.date, self.limit) or (bool(o.sources) and all(s in self.dated_by for s in o.sources))

    def dated(self, items: list, field_name: str) -> list:
        """Items dated by their `field_name` (those without a date by their sources)."""
        out = []
        for item in items:
            own = getattr(item, field_name)
            if known_by(own, self.limit) if own is not None else self.sourced(item):
                out.append(item)
        return out

    # --- the sections with rules of their own -------------------------------------------

    def sources(self, items: list) -> list:
        """Sources out by the limit (an undated one is taken to be)."""
        return [s for s in items if self.known(s.date)]

    def eras(self, items: list) -> list:
        """Eras begun by the limit, those running past it opened."""
        return [
            msgspec.structs.replace(e, period=e.period.open_after(self.limit)) for e in items if self.known(e.period)
        ]

    def people(self, items: list) -> list:
        """People dated by their roles (their roles running past the limit opened), else by their sources."""
        people = []
        for person in items:
            roles = [
                msgspec.structs.replace(r, period=r.period.open_after(self.limit)) if r.period is not None else r
                for r in person.roles
                if self.known(r.period)
            ]
            if any(r.period is not None for r in person.roles):
                if not any(r.period is not None for r in roles):
                    continue  # every role that dates them came later
            elif not self.sourced(person):
                continue
            people.append(msgspec.structs.replace(person, roles=roles))
        return people

    def metrics(self, items: list) -> list:
        """Metrics with the observations known by the limit; one observed only later did not exist yet."""
        metrics = []
        for m in items:
            observations = [self.cite(o) for o in m.observations if self.observed(o)]
            if not observations if m.observations else not self.sourced(m):
                continue
            metrics.append(msgspec.structs.replace(m, observations=observations))
        return metrics


def known_by(d: PartialDate, day: date) -> bool:
    """True when what `d` dates had begun by `day`; a date that stands for one moment known only
    within its interval (`by 2024`, `between 2016 and 2019`) once its anchor day has come."""
    anchor = d.anchor()
    if anchor is not None:
        return anchor <= day
    return d.start is not None and d.start <= day


def as_of_today(when: PartialDate, today: date) -> date:
    """The day open ends run to in the view as of `when`: its last day, or today if that comes first."""
    return min(today, when.latest(today))


def texts(obj: object, skip: frozenset[str] = frozenset()) -> list[str]:
    """Every piece of text in an item, in order: strings, dates and values as written, nested items
    (fields named in `skip` left out, at any depth)."""
    out: list[str] = []
    _texts(obj, skip, out)
    return out


_WRITTEN = (PartialDate, Value)


def _texts(obj: object, skip: frozenset[str], out: list[str]) -> None:
    # Most values are strings or lists of strings: those are taken here, without a call.
    if obj.__class__ is str:
        out.append(obj)  # type: ignore[arg-type]
    elif isinstance(obj, _WRITTEN):
        out.append(obj.text)
    elif isinstance(obj, msgspec.Struct):
        for value in _fields_of(obj.__class__, skip)(obj):
            if value.__class__ is str:
                out.append(value)
            elif value is not None:
                _texts(value, skip, out)
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            if x.__class__ is str:
                out.append(x)
            else:
                _texts(x, skip, out)
    elif isinstance(obj, dict):  # a record
        for name, value in obj.items():
            if name not in skip:
                _texts(value, skip, out)
    elif isinstance(obj, str):  # a subclass of str
        out.append(obj)


@functools.cache
def _fields_of(struct: type, skip: frozenset[str]) -> Callable[[object], tuple]:
    """A getter for the fields of `struct` not in `skip`, as one tuple."""
    names = [name for name in struct.__struct_fields__ if name not in skip]
    if len(names) > 1:
        return operator.attrgetter(*names)
    return lambda obj: tuple(getattr(obj, name) for name in names)


def contains_text(item: object, needle: str) -> bool:
    """True when some text of `item` contains `needle`, ignoring case and accents as search does."""
    from casekit.search import folded

    wanted = folded(needle)
    return any(wanted in folded(t) for t in texts(item))


def grep(items: Iterable, needle: str | None) -> list:
    """Items any of whose text contains `needle`, ignoring case and accents (`societe` finds `Société`)."""
    items = list(items)
    if not needle:
        return items
    return [item for item in items if contains_text(item, needle)]


def select(items: Iterable, grep_text: str | None = None, limit: int | None = None) -> list:
    """The items whose text contains `grep_text` (as `grep` finds them), at most `limit` of them."""
    kept = grep(items, grep_text)
    return kept if limit is None else kept[:limit]


def sort_by_date(items: Iterable, key=lambda item: item.date, today: date | None = None) -> list:
    """Items in SPEC §2 order: by earliest day, wider first on ties, then file order."""
    return sorted(items, key=lambda item: key(item).sort_key(today))


def in_era(event: Event, era: Era, today: date) -> bool:
    """An event belongs to the era it names; one that names none, to any era whose period holds it."""
    if event.era is not None:
        return event.era == era.id
    return event.date.within(era.period, today)


def era_of(event: Event, eras: Sequence[Era], today: date) -> Era | None:
    """The one era an event is shown under: the era it names, else the narrowest that holds it."""
    if event.era is not None:
        return next((e for e in eras if e.id == event.era), None)
    holding = [e for e in eras if event.date.within(e.period, today)]
    if not holding:
        return None
    return min(holding, key=lambda e: (e.period.latest(today) - e.period.earliest()).days)


class EventFilter(msgspec.Struct):
    """The timeline's filters; an empty filter keeps everything."""

    since: PartialDate | None = None
    until: PartialDate | None = None
    strict: bool = False
    eras: Sequence[Era] = ()
    categories: Sequence[str] = ()
    tags: Sequence[str] = ()
    sources: Sequence[str] = ()
    grep: str | None = None
    today: date | None = None  # None: today, looked up when made (so it can be fixed)

    def __post_init__(self) -> None:
        if self.today is None:
            self.today = dates.today()

    def period(self) -> PartialDate | None:
        """The period `since` and `until` describe (from since's first day to until's last),
        or None when it holds no day at all."""
        start = self.since.earliest() if self.since is not None else date.min
        end = self.until.latest(self.today) if self.until is not None else date.max
        return PartialDate("period", start, end, "range") if start <= end else None

    def period_matches(self, d: PartialDate) -> bool:
        """True when `d` falls in the period as `PartialDate.in_period` reads it: a span that
        overlaps it, a moment whose anchor day lies in it (`by late 2022` by its end, `between
        2016 and 2019` by its middle); with `strict`, all of it inside (open ends run to today)."""
        period = self.period()
        if period is None:
            return False
        return d.in_period(period, self.today, self.strict)

    def matches(self, event: Event) -> bool:
        """True when the event passes every filter."""
        if (self.since is not None or self.until is not None) and not self.period_matches(event.date):
            return False
        if self.categories and (event.category or "").casefold() not in {c.casefold() for c in self.categories}:
            return False
        if self.tags and not {t.casefold() for t in self.tags} <= {t.casefold() for t in event.tags}:
            return False
        if self.sources and not {s.casefold() for s in self.sources} & {s.casefold() for s in event.sources}:
            return False
        if self.eras and not any(in_era(event, era, self.today) for era in self.eras):
            return False
        return not (self.grep and not contains_text(event, self.grep))

    def apply(self, events: Iterable[Event]) -> list[Event]:
        """The events that pass every filter, in their order."""
        return [e for e in events if self.matches(e)]


class TimelineQuery(msgspec.Struct):
    """What `casekit timeline` asks of one or more cases: the filters (eras by id or title), the
    order and how many."""

    since: PartialDate | None = None
    until: PartialDate | None = None
    strict: bool = False
    eras: Sequence[str] = ()
    categories: Sequence[str] = ()
    tags: Sequence[str] = ()
    sources: Sequence[str] = ()
    grep: str | None = None
    reverse: bool = False
    limit: int | None = None


def timeline(cases: Sequence[Case], query: TimelineQuery, today: date) -> list[tuple[Case, Event]]:
    """The events of `cases` that `query` selects, each with its case, merged in date order
    (newest first with `reverse`), at most `limit` of them.

    A usage error when the period ends before it begins, or when a category, tag, source or era
    is one no case has: a typo more often than a question with no answer.
    """
    check_timeline_query(query, timeline_choices(cases), {e.id: e.title for c in cases for e in c.eras}, today)
    rows = [(c, e) for c in cases for e in case_events(c, c.timeline, query, today)]
    return ordered_events(rows, query, today)


def check_timeline_query(
    q: TimelineQuery, known: dict[str, list[str]], era_titles: dict[str, str], today: date
) -> None:
    """A usage error when the period of `q` ends before it begins, or when it names a category,
    tag, source or era that none of `known` (as `timeline_choices` gives them) is."""
    if q.since is not None and q.until is not None and q.since.earliest() > q.until.latest(today):
        raise FieldError(
            f"{{since}} {braced(q.since.text)} begins after {{until}} {braced(q.until.text)} ends", ("since", "until")
        )
    for name, values in (("category", q.categories), ("tag", q.tags), ("source", q.sources)):
        check_known(name, values, set(known[name]))
    check_known("era", q.eras, set(known["era"]), names=era_titles)


def case_events(case: Case, events: Iterable[Event], q: TimelineQuery, today: date) -> list[Event]:
    """Those of `events` (of `case`, in its order) that pass the filters of `q`."""
    eras = matching_eras(case, q.eras)
    if q.eras and not eras:
        return []
    f = EventFilter(
        since=q.since,
        until=q.until,
        strict=q.strict,
        eras=eras,
        categories=q.categories,
        tags=q.tags,
        sources=q.sources,
        grep=q.grep,
        today=today,
    )
    return f.apply(events)


def ordered_events(rows: list[tuple[Case, Event]], q: TimelineQuery, today: date) -> list[tuple[Case, Event]]:
    """`rows` (in case order, each case's events in file order) merged in date order as `q` asks."""
    rows = sort_by_date(rows, key=lambda row: row[1].date, today=today)
    if q.reverse:
        rows.reverse()
    return rows if q.limit is None else rows[: q.limit]


def matching_eras(case: Case, names: Sequence[str]) -> list[Era]:
    """The eras of `case` that `names` name, by id or by title (both ignoring case, as every filter
    does), in the case's order."""
    folded = {name.casefold() for name in names}
    return [e for e in case.eras if e.id.casefold() in folded or e.title.casefold() in folded]


def timeline_choices(cases: Sequence[Case]) -> dict[str, list[str]]:
    """What `timeline`'s filters accept over `cases`, each value once in the cases' order:
    `category`, `tag` (the events' tags), `source` and `era` (ids; an era's title is taken too)."""
    return {
        "category": list(dict.fromkeys(e.category for c in cases for e in c.timeline if e.category)),
        "tag": list(dict.fromkeys(t for c in cases for e in c.timeline for t in e.tags)),
        "source": list(dict.fromkeys(s.id for c in cases for s in c.sources)),
        "era": list(dict.fromkeys(e.id for c in cases for e in c.eras)),
    }


def check_known(field: str, values: Sequence[str], known: set[str], names: dict[str, str] | None = None) -> None:
    """An `UnknownChoice` for the first value that is none of `known` (nor one of their `names`), with a hint."""
    from casekit.problems import did_you_mean

    folded = {k.casefold() for k in known} | {n.casefold() for n in (names or {}).values()}
    for value in values:
        if value.casefold() not in folded:
            choices = ", ".join(sorted(known)) if known else "none in this case"
            raise UnknownChoice(
                field,
                value,
                sorted(known),
                hint=did_you_mean(value, sorted(known), names=names) or f"known: {choices}",
            )
