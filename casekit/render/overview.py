"""The library table, a case at a glance, and the whole case as a tree."""

from __future__ import annotations

import os
from datetime import date
from typing import TYPE_CHECKING

from rich.console import Group
from rich.panel import Panel
from rich.text import Text

from casekit.model import Case
from casekit.registry import SECTIONS
from casekit.render.fit import NBSP, Capped, ForWidth, Wrapped, first_fitting, fixed, longest_word, wrapped
from casekit.render.listing import Listing
from casekit.render.text import clean, clean_inline, safe

if TYPE_CHECKING:
    from rich.tree import Tree  # imported by `show --tree` alone

SEVERITY_STYLE = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium-high": "dark_orange",
    "medium": "yellow",
    "low": "green",
}


def severity_text(severity: str | None) -> Text:
    """A severity, coloured by how bad it is."""
    return Text(severity or "—", style=SEVERITY_STYLE.get(severity or "", ""))


def cases_table(rows: list[dict]) -> ForWidth:
    """`casekit cases`: one row per case in the library: id, company, as of, counts, path; on a
    narrow terminal all but the id under the company."""
    cells = []
    for row in rows:
        if row["bundled"]:
            where = "bundled example"
        else:
            relative = os.path.relpath(row["path"])
            where = row["path"] if relative.startswith("..") else relative
        ident = safe(row["id"])
        if row.get("stem") not in (None, row["id"]):  # the file is named otherwise: -c takes either
            ident.append(f" ({clean_inline(row['stem'])})", style="dim")
        if row["error"]:
            cells.append(
                (ident, safe("invalid: run casekit validate", "red"), Text(""), Text(""), Text(clean_inline(where)))
            )
            continue
        # A number never leaves its noun; the lines break only after a `·`.
        contents = Text(
            f"{_count(row['events'], 'event')}{NBSP}· {_count(row['metrics'], 'metric')}\n"
            f"{_count(row['principles'], 'principle')}{NBSP}· {_count(row['risks'], 'risk')}"
        )
        cells.append((ident, safe(row["company"]), safe(row["as_of"]), contents, Text(clean_inline(where))))

    def table(stacked: bool) -> Listing:
        listing = Listing(leading=int(stacked))
        listing.add_column("id", style="bold cyan")
        if stacked:
            listing.add_column("case")
            for case_id, company, as_of, contents, where in cells:
                cell = wrapped(company)
                cell.stylize("bold")
                if as_of.plain:
                    cell.append(f"\nas of {as_of.plain}", style="dim")
                if contents.plain:
                    cell.append("\n")
                    cell.append_text(contents)
                cell.append("\n" + where.plain, style="dim")
                listing.add_row(case_id, cell)
            return fixed(listing, 0)
        listing.add_column("company", min_width=longest_word("company", *(c[1] for c in cells)))
        listing.add_column("as of")
        listing.add_column("contents", min_width=longest_word("contents", *(c[3] for c in cells)))
        listing.add_column("path", style="dim", min_width=PATH_FLOOR)
        for row in cells:
            listing.add_row(*row)
        return fixed(listing, 0, 2)

    return ForWidth(lambda width: first_fitting(width, (lambda: table(False), lambda: table(True))))


PATH_FLOOR = 20  # a path narrower than this is mostly line breaks


def _count(n: int, noun: str) -> str:
    return f"{n}{NBSP}{noun}" + ("" if n == 1 else "s")


def _heading(case: Case) -> Wrapped:
    """Company — title, without saying the company twice when the title starts with it; bold as a
    span, so text appended after it is not."""
    heading = Wrapped()
    if case.title.startswith(case.company):
        heading.append(clean(case.title), style="bold")
    else:
        heading.append(clean(case.company), style="bold")
        heading.append(" — " + clean(case.title))
    return heading


def overview(case: Case, today: date, summary_written: str | None = None) -> Group:
    """`casekit show`: the case at a glance. With `summary_written` (the date the case's summary
    was written as of, later than the view's), the summary is left out and a line says why: it
    would tell of what came after."""
    from casekit.sections import key_metrics, listing_order, top_risks

    # The tags and the counts wrap under their first word, not under the label before them.
    as_of = f"as of {clean(case.as_of.text)}"
    dated = Wrapped(hang=len(as_of) + 3 if case.tags else None)
    dated.append(as_of, style="dim")
    if case.tags:
        dated.append("   ")
        dated.append(" ".join("#" + clean(t) for t in case.tags), style="cyan")
    header: list = [_heading(case), dated]
    if summary_written:
        header += [
            Text(""),
            Wrapped(
                f"(summary hidden: written as of {clean(summary_written)}, it tells of later events)",
                style="dim italic",
            ),
        ]
    elif case.summary:
        header += [Text(""), Wrapped(clean(case.summary))]
    parts: list = [Capped(Panel(Group(*header), title=safe(case.id), title_align="left", border_style="blue"))]

    if case.metrics:
        metrics = Listing()
        metrics.add_column("metric")
        metrics.add_column("latest", justify="right", style="bold")
        metrics.add_column("as of")
        for metric, obs in key_metrics(case):
            metrics.add_row(safe(metric.name), safe(obs.value.display()), safe(obs.date.text))
        parts += [Text("\nKey metrics", style="bold blue"), fixed(metrics, 1, 2)]

    if case.eras:
        eras = Listing()
        eras.add_column("period")
        eras.add_column("era")
        for era in listing_order("eras", case.eras, today):
            eras.add_row(safe(era.period.text), safe(era.title))
        parts += [Text("\nEras", style="bold blue"), fixed(eras, 0)]

    counts = Wrapped(hang=len("Counts  "))
    counts.append("Counts  ", style="bold blue")
    counts.append("  ".join(f"{name}{NBSP}{len(getattr(case, name))}" for name in SECTIONS if getattr(case, name)))
    parts += [Text(""), counts]

    if case.risks:
        risks = Listing()
        risks.add_column("severity")
        risks.add_column("risk")
        for risk in top_risks(case):
            risks.add_row(severity_text(risk.severity), safe(risk.title))
        parts += [Text("\nTop risks", style="bold blue"), fixed(risks, 0)]
    return Group(*parts)


def case_tree(case: Case, today: date) -> Capped:
    """`casekit show --tree`: the whole case, every field of every item, each section in the order
    its listing shows it; cross-references (declared on either side) shown by title."""
    from rich.tree import Tree

    from casekit.sections import listing_order

    ordered = {name: listing_order(name, getattr(case, name), today) for name in SECTIONS}
    titles = {
        "eras": {e.id: e.title for e in case.eras},
        "timeline": {e.id: f"{e.date.text} {e.title}" for e in case.timeline},
        "risks": {r.id: r.title for r in case.risks},
        "principles": {p.id: f"{p.n}. {p.title}" for p in case.principles},
        "people": {p.id: p.name for p in case.people},
        "sources": {s.id: s.title for s in case.sources},
    }

    def named(section: str, ids) -> str:
        return "; ".join(clean(titles[section].get(i, i)) for i in ids)

    root = Tree(Text.assemble(_heading(case), (f"  (as of {clean(case.as_of.text)})", "dim")))
    _add_details(root, [("summary", case.summary), ("tags", _tags(case.tags)), ("id", case.id)])
    for name in SECTIONS:
        items = ordered[name]
        if not items:
            continue
        branch = root.add(Text(f"{name} ({len(items)})", style="bold cyan"))
        for item in items:
            node = branch.add(_label(name, item))
            _add_details(node, _details(case, name, item, named, ordered))
            if name == "metrics" and item.observations:
                _add_observations(node, item, named)
            _add_details(node, [("id", item.id)])
    return Capped(root)


def _add_details(node: Tree, details: list[tuple[str, str | None]]) -> None:
    """A `label: text` node under `node` for each detail that holds something."""
    for label, text in details:
        if text:
            node.add(Text.assemble((label + ": ", "dim"), clean(text)))


def _add_observations(node: Tree, metric, named) -> None:
    """A metric's observations in date order (as `casekit metric` lists them), each with its note,
    sources and confidence."""
    from casekit.query import sort_by_date
    from casekit.render.timeline import date_text

    series = sort_by_date(metric.observations)
    branch = node.add(Text(f"observations ({len(series)})", style="dim"))
    for obs in series:
        value = (clean(obs.value.display()), "bold")
        point = branch.add(Text.assemble(date_text(obs.date, obs.confidence), "  ", value))
        _add_details(
            point, [("note", obs.note), ("confidence", obs.confidence), ("sources", named("sources", obs.sources))]
        )


def _tags(tags) -> str:
    return " ".join("#" + t for t in tags)


def _label(section: str, item) -> Text:
    if section == "timeline":
        from casekit.render.timeline import date_text

        return Text.assemble(date_text(item.date, item.confidence), "  ", clean(item.title))
    if section == "principles":
        return Text.assemble((f"{item.n}. ", "bold"), clean(item.title))
    if section == "risks":
        return Text.assemble(severity_text(item.severity), "  ", clean(item.title))
    if section == "metrics":
        from casekit.sections import latest_observation

        obs = latest_observation(item)
        latest = f"  {obs.value.display()} ({obs.date.text})" if obs else ""
        return Text.assemble(clean(item.name), (clean(latest), "bold"))
    if section == "segments" and item.period:
        return Text.assemble(clean(item.name), (f"  {clean(item.period.text)}", "green"))
    if section == "flywheel":
        return Text(f"{clean(item.from_)} → {clean(item.to)}")
    if section == "moats":
        return Text.assemble((f"#{item.rank} ", "bold"), clean(item.title))
    for attr in ("title", "name", "text"):
        if getattr(item, attr, None):
            return Text(clean(getattr(item, attr)))
    return Text(clean(item.id))


# The fields each section's label shows, so its details do not repeat them.
LABELLED = {
    "timeline": ("date", "title"),
    "principles": ("n", "title"),
    "risks": ("severity", "title"),
    "metrics": ("name", "observations"),
    "segments": ("name", "period"),
    "flywheel": ("from_", "to"),
    "moats": ("rank", "title"),
    "quotes": ("text",),
    "people": ("name",),
    "sources": ("title",),
    "eras": ("title",),
    "competitors": ("name",),
    "drivers": ("title",),
    "lessons": ("title",),
}
DETAIL_NAMES = {"time_to_replicate": "to replicate"}
COMMON = ("note", "confidence", "sources")  # every item's own keys, after its section's


def _details(case: Case, section: str, item, named, ordered) -> list[tuple[str, str | None]]:
    """Every field of `item` its label does not show, as (label, text): its section's fields in the
    format's order, then note, confidence and sources (the caller adds the id last); references by
    title."""
    import msgspec

    from casekit.dates import PartialDate
    from casekit.sections import linked_principles, related_risks
    from casekit.values import Value

    def evidence() -> list[str]:
        known = {e.id for e in ordered["timeline"]}  # in date order, any unknown id last
        return [e.id for e in ordered["timeline"] if e.id in item.evidence] + [
            i for i in item.evidence if i not in known
        ]

    references = {
        ("timeline", "era"): lambda: named("eras", [item.era]) if item.era else None,
        ("timeline", "people"): lambda: named("people", item.people),
        ("principles", "evidence"): lambda: named("timeline", evidence()),
        ("principles", "risks"): lambda: named("risks", [r.id for r in related_risks(case, item)]),
        ("risks", "principles"): lambda: named("principles", [p.id for p in linked_principles(case, item)]),
        ("quotes", "speaker"): lambda: named("people", [item.speaker]),
        ("people", "roles"): lambda: "; ".join(
            clean(r.title) + (f" ({clean(r.period.text)})" if r.period else "") for r in item.roles
        ),
    }
    skip = set(LABELLED.get(section, ())) | {"id", *COMMON}
    rows: list[tuple[str, str | None]] = []
    names = [f.name for f in msgspec.structs.fields(item) if f.name not in skip]
    for name in [*names, *COMMON]:
        label = DETAIL_NAMES.get(name, name.rstrip("_").replace("_", " "))
        if name == "sources":
            rows.append((label, named("sources", item.sources)))
            continue
        if (section, name) in references:
            rows.append((label, references[(section, name)]()))
            continue
        value = getattr(item, name)
        if isinstance(value, (PartialDate, Value)):
            text = value.text if isinstance(value, PartialDate) else value.display()
        elif isinstance(value, list):
            text = _tags(value) if name == "tags" else "; ".join(str(v) for v in value)
        else:
            text = None if value is None else str(value)
        rows.append((label, text))
    return rows
