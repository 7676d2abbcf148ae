"""One item in full, as `casekit show REF` prints it: every field, the note and confidence, the
sources by title, and the items it links to or that link to it (each with the REF that shows it).

`item_view(case, section, item, today)` returns a Rich renderable; the CLI prints it and other
front ends (a TUI) can reuse it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import msgspec
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from casekit.dates import PartialDate
from casekit.links import Link, item_title, links_from, links_to, ref_of
from casekit.model import Case, Metric, Source
from casekit.registry import references
from casekit.render.fit import NBSP, Capped, Wrapped, unbroken
from casekit.render.text import clean, link_style, safe
from casekit.values import Value

# Fields shown elsewhere: the heading (id and the title fields), the provenance block, and the
# cross-references the registry declares, which are shown resolved under "Links" (a quote's
# speaker, which may be a name, is shown as written too).
_SHOWN_APART = frozenset(
    {"id", "sources", "note", "confidence"} | {f for _s, f, _t in references(sources=False, names=False)}
)

CONFIDENCE_MEANS = {
    "official": "from the company or a filing",
    "reported": "by the press",
    "estimated": "by analysts",
    "disputed": "sources disagree; see the note",
}

# How a link reads under "Links", by the field that makes it (each of the registry's references,
# and `period`, an era found by date): as the item in view points (`links_from`) and as another
# item points at it (`links_to`).
_FROM_LABELS = {
    "era": "era",
    "period": "era",
    "people": "people",
    "evidence": "evidence",
    "risks": "risks",
    "principles": "principles",
    "speaker": "speaker",
}
_TO_LABELS = {
    "evidence": "evidence for",
    "era": "events",
    "period": "events",
    "people": "events",
    "speaker": "quotes",
    "risks": "principles",
    "principles": "risks",
}


def item_view(case: Case, section: str, item: object, today: date | None = None) -> RenderableType:
    """`casekit show REF`: `item` of `section` in full, no wider than a reading width."""
    parts: list[RenderableType] = [heading(case, section, item), Text("")]
    fields = field_rows(case, section, item)
    if fields:
        parts.append(_grid(fields))
    if isinstance(item, Metric) and item.observations:
        parts += [_heading("Observations", len(item.observations)), Padding(observations(case, item), (0, 0, 0, 2))]
    outgoing = links_from(case, section, item, today)
    cited = [link.item for link in outgoing if link.section == "sources"]
    if cited:
        parts += [_heading("Sources", len(cited)), Padding(sources_block(case, cited), (0, 0, 0, 2))]
    incoming = links_to(case, section, item, today)
    groups = link_groups(case, outgoing, [link for link in incoming if link.via != "sources"])
    if groups:
        count = sum(len(links) for _, links in groups)
        parts += [_heading("Links", count), Padding(_links_grid(case, groups), (0, 0, 0, 2))]
    citing = [link for link in incoming if link.via == "sources"]
    if citing:
        by_section: dict[str, list[Link]] = {}
        for link in citing:
            by_section.setdefault(link.section, []).append(link)
        parts += [_heading("Cited by", len(citing)), Padding(_links_grid(case, list(by_section.items())), (0, 0, 0, 2))]
    return Group(*(Capped(part) for part in parts))


def heading(case: Case, section: str, item: object) -> Text:
    """The item's title (a principle's with its number), then its section and REF, dim."""
    title = Wrapped()
    number = getattr(item, "n", None) if section == "principles" else None
    if number is not None:
        title.append(f"{number}. ", style="bold")
    title.append(clean(item_title(section, item)), style="bold")
    title.append("\n")
    title.append(clean(section), style="magenta")
    title.append("  ")
    title.append(unbroken(clean(ref_of(case, section, item))), style="cyan")
    return title


def field_rows(case: Case, section: str, item: object) -> list[tuple[Text, RenderableType]]:
    """(label, value) for each field the item has, as written, then its confidence and note."""
    from casekit.registry import SECTIONS

    titled = set(SECTIONS[section].title_fields) if section in SECTIONS else set()
    confidence = getattr(item, "confidence", None)
    rows: list[tuple[Text, RenderableType]] = []
    for f in msgspec.structs.fields(item):  # type: ignore[arg-type]
        if f.name in _SHOWN_APART or f.name in titled or f.name == "observations" or f.name == "n":
            continue
        shown = _value(case, f.name, getattr(item, f.name), confidence)
        if shown is not None:
            rows.append((Text(f.encode_name.replace("_", " "), style="dim"), shown))
    if confidence:
        rows.append((Text("confidence", style="dim"), confidence_text(confidence)))
    note = getattr(item, "note", None)
    if note:
        rows.append((Text("note", style="dim"), safe(note)))
    return rows


def confidence_text(confidence: str) -> Text:
    """A confidence with what it means: `disputed — sources disagree; see the note`."""
    text = Text(clean(confidence), style="bold yellow" if confidence == "disputed" else "")
    means = CONFIDENCE_MEANS.get(confidence)
    if means:
        text.append(f" — {means}", style="dim")
    return text


def _value(case: Case, name: str, value: object, confidence: str | None) -> RenderableType | None:
    """A field's value as shown, or None when it is empty."""
    from casekit.render.timeline import CATEGORY_STYLE, date_text

    if value is None or value == [] or value == "":
        return None
    if isinstance(value, PartialDate):
        return date_text(value, confidence if name == "date" else None)
    if isinstance(value, Value):
        return safe(value.display())
    if name == "severity":
        from casekit.render.overview import severity_text

        return severity_text(str(value))
    if name == "category":
        return safe(value, CATEGORY_STYLE.get(str(value), ""))
    if name == "url":
        return Text(clean(value), style=link_style(str(value)))
    if name == "speaker":
        from casekit.sections import speaker_name

        return safe(speaker_name(case, str(value)), "bold")
    if name == "tags":
        return Text(" ".join("#" + clean(t) for t in value), style="cyan")  # type: ignore[union-attr]
    if name == "roles":
        return _roles(value)  # type: ignore[arg-type]
    if isinstance(value, list):
        return _bullets([clean(v) for v in value])
    return safe(value)


def _roles(roles: Sequence) -> Wrapped:
    text = Wrapped()
    for i, role in enumerate(roles):
        text.append(("\n" if i else "") + "• " + clean(role.title))
        if role.period is not None:
            text.append("  " + clean(role.period.text), style="green")
    return text


def _bullets(lines: Sequence[str]) -> Wrapped:
    text = Wrapped()
    for i, line in enumerate(lines):
        text.append(("\n" if i else "") + "• " + line)
    return text


def _grid(rows: Sequence[tuple[Text, RenderableType]]) -> Table:
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def _heading(title: str, count: int) -> Text:
    return Text.assemble("\n", (title, "bold underline"), (f" ({count})", "dim"))


def source_number(case: Case, source: object) -> int | None:
    """A source's number, as the listings cite it: its place in the case's sources."""
    return next((i for i, s in enumerate(case.sources, 1) if s is source), None)


def source_lines(source: Source) -> Text:
    """A source by title (a link where it has a url), then its kind, date and author, then its url
    (a link too) and file."""
    text = Wrapped()
    text.append(clean(source.title), style=link_style(source.url, "bold"))
    about = " · ".join(clean(x) for x in (source.kind, source.date.text if source.date else None, source.author) if x)
    if about:
        text.append("\n" + about, style="dim")
    if source.url:
        text.append("\n")
        text.append(clean(source.url), style=link_style(source.url, "dim"))
    if source.file:
        text.append("\nfile " + clean(source.file), style="dim")
    return text


def sources_block(case: Case, sources: Sequence) -> Table:
    """Each source numbered as the listings cite it, by title, with what is known of it."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(overflow="fold")
    for source in sources:
        n = source_number(case, source)
        grid.add_row(f"[{n}]" if n else "", source_lines(source))
    return grid


def observations(case: Case, metric: Metric) -> Table:
    """A metric's observations in date order: date, value, sources by number, then the
    confidence and note under the value."""
    from casekit.query import sort_by_date
    from casekit.render.timeline import date_text

    numbers = {s.id: i for i, s in enumerate(case.sources, 1)}
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for obs in sort_by_date(metric.observations):
        value = Wrapped()
        value.append(clean(obs.value.display()), style="bold")
        cites = [str(numbers.get(s, clean(s))) for s in obs.sources]
        if cites:
            value.append(unbroken(f"  [{', '.join(cites)}]"), style="dim")
        if obs.confidence:
            value.append("\n")
            value.append_text(confidence_text(obs.confidence))
        if obs.note:
            value.append("\n" + clean(obs.note), style="dim")
        grid.add_row(date_text(obs.date, obs.confidence), value)
    return grid


def link_groups(case: Case, outgoing: Sequence[Link], incoming: Sequence[Link]) -> list[tuple[str, list[Link]]]:
    """The links under a label each, in order: what the item names (its sources apart), then what
    names it; an item linked both ways is listed once."""
    groups: dict[str, list[Link]] = {}
    seen: set[tuple[str, int]] = set()
    for links, labels in ((outgoing, _FROM_LABELS), (incoming, _TO_LABELS)):
        for link in links:
            if link.section == "sources" and links is outgoing:
                continue
            key = (link.section, id(link.item))
            if key in seen:
                continue
            seen.add(key)
            groups.setdefault(labels.get(link.via, link.via), []).append(link)
    return list(groups.items())


def link_line(case: Case, link: Link) -> Text:
    """The linked item as a line: its date, number or severity, its title, and its REF (dim)."""
    item = link.item
    text = Wrapped()
    if link.section == "timeline":
        from casekit.render.timeline import date_text

        text.append_text(date_text(item.date, item.confidence))  # type: ignore[attr-defined]
        text.append("  ")
    elif link.section == "principles":
        text.append(f"{item.n}. ", style="bold")  # type: ignore[attr-defined]
    elif link.section == "risks":
        from casekit.render.overview import severity_text

        text.append_text(severity_text(item.severity))  # type: ignore[attr-defined]
        text.append("  ")
    elif link.section == "eras":
        text.append(clean(item.period.text) + "  ", style="green")  # type: ignore[attr-defined]
    text.plain = unbroken(text.plain)
    text.hang = text.cell_len  # a wrapped title hangs under its first word
    text.append(clean(item_title(link.section, item)))
    text.append(f"{NBSP}·{NBSP}", style="dim")  # the REF that shows it, never alone on a line
    text.append(unbroken(clean(ref_of(case, link.section, item))), style="cyan")
    return text


def _links_grid(case: Case, groups: Sequence[tuple[str, list[Link]]]) -> Table:
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(overflow="fold")
    for label, links in groups:
        for i, link in enumerate(links):
            grid.add_row(label if i == 0 else "", link_line(case, link))
    return grid
