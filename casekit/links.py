"""What links to what inside a case: item references, and the links between items.

An item is named by a REF: its id when no other section of the case uses
that id, else `SECTION/ID` (`series_e`, `timeline/series_e`). The links are
the case's cross-references read both ways:

- `links_from(case, section, item)`: what the item points at — its sources,
  an event's era (the one it names, else the narrowest holding its date) and
  people, a principle's evidence and risks, a risk's principles, a quote's
  speaker, a metric's sources and its observations'.
- `links_to(case, section, item)`: what points at it — a source's citing
  items, an event's principles (as evidence), an era's events, a person's
  events and quotes, a principle's risks, a risk's principles.

Each link is a `Link(section, item, via)`: the other item, its section, and
the field that makes the link (`via` is always a field of the item that
points: `evidence` for a principle's evidence, whichever way it is read).
No Rich here; `casekit.render.item` draws an item with its links.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from casekit.errors import UsageError
from casekit.model import Case, Event
from casekit.registry import SECTIONS

__all__ = ["Link", "item_title", "links_from", "links_to", "ref_of", "resolve_ref"]


class Link:
    """Another item and how it is linked: `via` is the field of the pointing item that names the other."""

    __slots__ = ("section", "item", "via")

    def __init__(self, section: str, item: object, via: str) -> None:
        self.section = section
        self.item = item
        self.via = via

    def __repr__(self) -> str:
        return f"Link({self.section!r}, {getattr(self.item, 'id', None)!r}, via={self.via!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Link)
            and (self.section, self.via) == (other.section, other.via)
            and self.item is other.item
        )

    def __hash__(self) -> int:
        return hash((self.section, id(self.item), self.via))


def title_fields(section: str) -> tuple[str, ...]:
    """The field(s) that name an item of `section`: its `title_fields` in `casekit.registry`
    (`id` for anything else)."""
    spec = SECTIONS.get(section)
    return spec.title_fields if spec is not None else ("id",)


def item_title(section: str, item: object) -> str:
    """What an item is called: its title or name, a quote's text, a flywheel edge as `a → b`."""
    return " → ".join(str(getattr(item, name, "") or "") for name in title_fields(section))


def _items(case: Case) -> Iterator[tuple[str, object]]:
    for section in SECTIONS:
        for item in getattr(case, section):
            yield section, item


def ref_of(case: Case, section: str, item: object) -> str:
    """The shortest REF that names `item` in `case`: its id, or `SECTION/ID` when another section
    has an item with that id too."""
    item_id = item.id  # type: ignore[attr-defined]
    shared = any(s != section and any(i.id == item_id for i in getattr(case, s)) for s in SECTIONS)
    return f"{section}/{item_id}" if shared else item_id


def resolve_ref(case: Case, ref: str) -> tuple[str, object]:
    """The `(section, item)` that `ref` names: `ID` (unique across the case) or `SECTION/ID`, matched
    exactly, else ignoring case. An unknown or ambiguous ref is a `UsageError` whose hint says what
    was likely meant or lists the candidates."""
    text = ref.strip()
    section, sep, item_id = text.rpartition("/")
    if sep:
        return section_name(section), _in_section(case, section_name(section), item_id, ref)
    found = _matching(case, text)
    if len(found) == 1:
        return found[0]
    if found:
        candidates = ", ".join(f"{s}/{item.id}" for s, item in found)  # type: ignore[attr-defined]
        raise UsageError(
            f"`{ref}` names {len(found)} items in {case.id}; say which with SECTION/ID",
            hint=f"one of {candidates}",
        )
    raise UsageError(f"no item `{ref}` in {case.id}", hint=_meant(case, text, list(SECTIONS)))


def section_name(text: str) -> str:
    """The section `text` names (its name, ignoring case); a `UsageError` with a hint otherwise."""
    folded = text.strip().casefold()
    if folded in SECTIONS:
        return folded
    from casekit.problems import did_you_mean

    raise UsageError(
        f"no section `{text}`",
        hint=did_you_mean(folded, list(SECTIONS)) or "sections: " + ", ".join(SECTIONS),
    )


def _matching(case: Case, item_id: str, sections=SECTIONS) -> list[tuple[str, object]]:
    exact = [(s, i) for s in sections for i in getattr(case, s) if i.id == item_id]
    if exact:
        return exact
    folded = item_id.casefold()
    return [(s, i) for s in sections for i in getattr(case, s) if i.id.casefold() == folded]


def _in_section(case: Case, section: str, item_id: str, ref: str) -> object:
    found = _matching(case, item_id, (section,))
    if found:
        return found[0][1]
    raise UsageError(f"no item `{ref}` in {case.id}", hint=_meant(case, item_id, [section]))


def _meant(case: Case, item_id: str, sections: list[str]) -> str:
    """A did-you-mean hint among the ids of `sections` (by id or title), else how to list them."""
    from casekit.problems import likely_meant, meant_hint

    items = [(s, i) for s in sections for i in getattr(case, s)]
    names = {i.id: item_title(s, i) for s, i in items}  # type: ignore[attr-defined]
    meant = likely_meant(item_id, [i.id for _, i in items], names=names)  # type: ignore[attr-defined]
    if meant:
        refs = {i.id: ref_of(case, s, i) for s, i in items}  # type: ignore[attr-defined]
        return meant_hint([refs[m] for m in meant]) or ""
    if len(sections) == 1:
        return f"`casekit {sections[0]}` lists them" if items else f"{case.id} has no {sections[0]}"
    return "`casekit search TEXT` finds an item by its words; search results show the REF to give"


# --- links ---------------------------------------------------------------------------------


def _by_id(case: Case, section: str) -> dict[str, object]:
    return {item.id: item for item in getattr(case, section)}


def _named(case: Case, section: str, ids, via: str) -> list[Link]:
    """Links to the items of `section` whose ids are `ids` (in that order; unknown ids left out)."""
    known = _by_id(case, section)
    return [Link(section, known[i], via) for i in dict.fromkeys(ids) if i in known]


def _sources_of(item: object) -> list[str]:
    """The source ids an item cites, its metric observations' too."""
    ids = list(getattr(item, "sources", ()))
    for obs in getattr(item, "observations", ()):
        ids += obs.sources
    return ids


def links_from(case: Case, section: str, item: object, today: date | None = None) -> list[Link]:
    """What `item` (of `section`) links to, in this order: an event's era and people, a principle's
    evidence (in date order) and risks, a risk's principles, a quote's speaker, then the sources
    it cites (a metric: and its observations cite). `today` closes open periods (default: today)."""
    out: list[Link] = []
    if section == "timeline":
        out += _event_era(case, item, today)  # type: ignore[arg-type]
        out += _named(case, "people", item.people, "people")  # type: ignore[attr-defined]
    elif section == "principles":
        from casekit.query import sort_by_date

        evidence = _named(case, "timeline", item.evidence, "evidence")  # type: ignore[attr-defined]
        out += sort_by_date(evidence, key=lambda link: link.item.date, today=today)
        out += _named(case, "risks", item.risks, "risks")  # type: ignore[attr-defined]
    elif section == "risks":
        out += _named(case, "principles", item.principles, "principles")  # type: ignore[attr-defined]
    elif section == "quotes":
        out += _named(case, "people", [item.speaker], "speaker")  # type: ignore[attr-defined]
    if section != "sources":
        out += _named(case, "sources", _sources_of(item), "sources")
    return out


def _event_era(case: Case, event: Event, today: date | None) -> list[Link]:
    """The era an event names, else (`via` "period") the narrowest era whose period holds it."""
    from casekit import dates
    from casekit.query import era_of

    if event.era is not None:
        return _named(case, "eras", [event.era], "era")
    era = era_of(event, case.eras, today or dates.today())
    return [Link("eras", era, "period")] if era is not None else []


def links_to(case: Case, section: str, item: object, today: date | None = None) -> list[Link]:
    """What links to `item` (of `section`), each with the field of the other item that names it:
    principles citing an event as evidence; an era's events (those naming it, then those it holds
    by date, `via` "period"); a person's events and quotes; risks naming a principle; principles
    naming a risk; every item citing a source (a metric too when only its observations do)."""
    item_id = item.id  # type: ignore[attr-defined]
    if section == "sources":
        return [
            Link(s, other, "sources") for s, other in _items(case) if s != "sources" and item_id in _sources_of(other)
        ]
    if section == "timeline":
        return [Link("principles", p, "evidence") for p in case.principles if item_id in p.evidence]
    if section == "eras":
        return _era_events(case, item, today)
    if section == "people":
        return [Link("timeline", e, "people") for e in case.timeline if item_id in e.people] + [
            Link("quotes", q, "speaker") for q in case.quotes if q.speaker == item_id
        ]
    if section == "principles":
        return [Link("risks", r, "principles") for r in case.risks if item_id in r.principles]
    if section == "risks":
        return [
            Link("principles", p, "risks") for p in sorted(case.principles, key=lambda p: p.n) if item_id in p.risks
        ]
    return []


def _era_events(case: Case, era: object, today: date | None) -> list[Link]:
    from casekit import dates
    from casekit.query import era_of, sort_by_date

    day = today or dates.today()
    events = sort_by_date(case.timeline, today=day)
    named = [Link("timeline", e, "era") for e in events if e.era == era.id]  # type: ignore[attr-defined]
    held = [Link("timeline", e, "period") for e in events if e.era is None and era_of(e, case.eras, day) is era]
    return named + held
