"""The report's outline: what `casekit export` shows of a case, in reading order, worked out once.

The Markdown report and the HTML page are both rendered from one `Outline`, so
they hold the same things in the same order: header and summary, key metrics,
timeline (eras, then events), principles with their tradeoffs, risks, then
every other section, and the sources.

Each `Block` is a section with its items already in reading order (moats by
rank, risks by severity, events by date); the outline also holds what the
renderers look items up in (events by id, era titles, …), so neither renderer
walks the case itself.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, NamedTuple

from casekit.model import Case, Metric
from casekit.registry import SECTIONS
from casekit.render.markdown import one_line

__all__ = ["SECTION_TITLES", "Block", "MetricRow", "Outline", "dispute", "outline"]

# Each section's heading (its `title` in `casekit.registry`); the report leads with the key metrics.
SECTION_TITLES = {**{name: spec.title for name, spec in SECTIONS.items()}, "metrics": "Key metrics"}
_FIRST = ("metrics", "timeline", "principles", "risks")


class Block(NamedTuple):
    """One section of the report: `name` is the case's section (and the page's anchor)."""

    name: str
    title: str
    items: list[Any]


class MetricRow(NamedTuple):
    """A metric with what the report says of it: the latest and previous figures and the change."""

    metric: Metric
    latest: Any  # an Observation, or None
    previous: Any
    change: str  # "+150%", or "" when there is nothing to compare
    direction: str  # "up", "down" or ""
    sources: list[str]  # the metric's and its observations', each once
    notes: list[str]  # why the sources disagree, when they do


class Outline(NamedTuple):
    """A case as the report shows it: its blocks in reading order, and what they refer to by id."""

    case: Case
    today: date
    summary: list[str]  # paragraphs, each on one line
    blocks: list[Block]
    eras: list[Any]  # in date order
    era_titles: dict[str, str]
    categories: list[str]  # the events' categories ("other" for none) in the case's order
    events: dict[str, Any]  # by id
    principles: dict[str, Any]
    risks: dict[str, Any]
    loops: list[list[str]]  # the flywheel's loops


def outline(case: Case, today: date) -> Outline:
    """The case as the report shows it, in reading order."""
    from casekit.render.charts import sorted_eras, sorted_events
    from casekit.sections import flywheel_loops, moats_by_rank, risks_by_severity

    ordered = {
        "metrics": lambda: [_metric_row(m) for m in case.metrics],
        "timeline": lambda: sorted_events(case, today),
        "principles": lambda: sorted(case.principles, key=lambda p: p.n),
        "risks": lambda: risks_by_severity(case.risks),
        "moats": lambda: moats_by_rank(case.moats),
    }
    blocks = []
    for name in [*_FIRST, *(s for s in SECTIONS if s not in (*_FIRST, "eras", "sources")), "sources"]:
        items = getattr(case, name)
        if items or (name == "timeline" and case.eras):
            blocks.append(Block(name, SECTION_TITLES[name], ordered[name]() if name in ordered else list(items)))
    return Outline(
        case=case,
        today=today,
        summary=[one_line(p) for p in re.split(r"\n\s*\n", case.summary or "") if p.strip()],
        blocks=blocks,
        eras=sorted_eras(case, today),
        era_titles={e.id: e.title for e in case.eras},
        categories=list(dict.fromkeys(e.category or "other" for e in case.timeline)),
        events={e.id: e for e in case.timeline},
        principles={p.id: p for p in case.principles},
        risks={r.id: r for r in case.risks},
        loops=flywheel_loops(case.flywheel).loops if case.flywheel else [],
    )


def dispute(item: Any) -> str | None:
    """The note of an item its sources disagree on ("" when it has none), else None."""
    if getattr(item, "confidence", None) != "disputed":
        return None
    return one_line(item.note or "")


def _metric_row(metric: Metric) -> MetricRow:
    from casekit.analytics import latest_and_previous
    from casekit.values import growth

    latest, previous = latest_and_previous(metric)
    g = growth(previous.value, latest.value) if latest is not None and previous is not None else None
    direction = ""
    if g is not None and g.change:
        direction = "up" if g.change > 0 else "down"
    sources = list(metric.sources)
    for obs in metric.observations:
        sources += obs.sources
    notes = [n for n in (dispute(x) for x in (metric, latest, previous) if x is not None) if n is not None]
    return MetricRow(metric, latest, previous, g.display() if g else "", direction, list(dict.fromkeys(sources)), notes)
