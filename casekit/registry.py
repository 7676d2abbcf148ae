"""Every list section of a case, declared once.

A `Section` says all that casekit knows about one section: its item type,
the fields that make an item's title and those holding prose, the order its
listing shows, how `--as-of` dates its items, which fields name items of
other sections, how an item becomes a record (SPEC §7), the view that lists
it, its command's help and help panel, and how search weighs it. Everything
that works section by section reads it from `SECTIONS` here:

- `casekit.sections.listing_order` (`order`), `casekit.query.as_of` (`dated_by`,
  `as_of_rule`, `refs`), `casekit.checks` and the write commands (`references`:
  `refs`, `name_refs` and every item's `sources`);
- `casekit.records` (`record`, `record_type`), `casekit.search` (`title_fields`,
  `title_weight`, `body_weight`), `casekit.changes` (`prose_fields`), the
  report's section headings (`title`);
- `casekit.render.sections.section_listing` (`view`), and the command line:
  every section is a listing command (`command` names the module defining it,
  `help` and `panel` what `casekit --help` says of it).

Functions are named as `"module:function"` and imported on first use, so
reading the registry costs no more than importing the model.

Adding a section: declare its item type in `casekit/model.py` (a `Case`
field holding a list of them), add one `Section(...)` below, in the place
it takes among the others (the order of `show`, `diff`, `export -f json`
and search), and write its listing view in `casekit/render/sections.py`.
Its command, records, search, diff, `--as-of` and validation follow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from casekit import model

__all__ = ["READ", "SECTIONS", "Section", "get", "names", "references"]

# The help panels of `casekit --help`.
READ = "Read a case"


_resolved: dict[str, Callable[..., Any]] = {}


def _resolve(path: str) -> Callable[..., Any]:
    """The function `module:name` names, imported the first time it is asked for."""
    found = _resolved.get(path)
    if found is None:
        import importlib

        module, _, name = path.partition(":")
        found = _resolved[path] = getattr(importlib.import_module(module), name)
    return found


class Section:
    """One list section of a case: what it holds and how every part of casekit treats it.

    - `name`: the `Case` field and command name (`moats`); `type`: its item type.
    - `title`: its heading (`Moats`); `singular`: one item (`moat`).
    - `title_fields`: the fields that make an item's title, in order (search
      weighs them as titles; a flywheel edge's is `from_` then `to`).
    - `prose_fields`: fields a diff shows word by word rather than old → new.
    - `order`: `"module:function"` of `(items, today) -> list`, the listing's
      order; None for as written.
    - `dated_by`: the field dating an item for `--as-of` (`date`, `period`);
      None when only its sources date it. `as_of_rule`: the name of a
      `casekit.query.AsOf` method that keeps a section's items instead (eras
      are opened, people dated by their roles, metrics by observations).
    - `refs`: field → the section whose ids it holds (`{"era": "eras"}`).
      `name_refs`: fields holding an id of that section or else a name (a
      quote's `speaker`: a person's id, or "Unattributed (…)"). Every
      item's `sources` holds source ids besides (`references` lists them all).
    - `record`: `"module:function"` of `(item, case) -> dict`, its SPEC §7
      record; None for every field of the item (`records.item_record`).
      `record_type`: the TypedDict it returns, whose keys are the columns.
    - `view`: `"module:function"` of `(rows, *, today, several)`, the
      listing; None when the section's command draws its own.
    - `command`: the `casekit.cli` module defining its listing command
      (`sections` makes the generic one); `help`, `panel`: what `--help`
      says of it and under which heading.
    - `title_weight`, `body_weight`: search's BM25F weights of a word in a
      title field and in any other.
    """

    __slots__ = (
        "as_of_rule",
        "body_weight",
        "command",
        "dated_by",
        "help",
        "name",
        "name_refs",
        "order",
        "panel",
        "prose_fields",
        "record",
        "record_type",
        "refs",
        "singular",
        "title",
        "title_fields",
        "title_weight",
        "type",
        "view",
    )

    def __init__(
        self,
        name: str,
        type: type,
        *,
        title: str,
        singular: str,
        title_fields: tuple[str, ...],
        help: str,
        prose_fields: tuple[str, ...] = (),
        order: str | None = None,
        dated_by: str | None = None,
        as_of_rule: str | None = None,
        refs: Mapping[str, str] | None = None,
        name_refs: Mapping[str, str] | None = None,
        record: str | None = None,
        record_type: str | None = None,
        view: str | None = None,
        command: str = "sections",
        panel: str = READ,
        title_weight: float = 4.0,
        body_weight: float = 1.0,
    ) -> None:
        values = dict(locals())
        del values["self"]
        for key, value in values.items():
            object.__setattr__(self, key, value)
        object.__setattr__(self, "refs", dict(refs or {}))
        object.__setattr__(self, "name_refs", dict(name_refs or {}))

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError(f"a Section is read-only: cannot set {key}")

    def __repr__(self) -> str:
        return f"Section({self.name!r}, {self.type.__name__})"

    # --- what the named functions do ----------------------------------------

    def ordered(self, items, today=None) -> list:
        """`items` in the order this section's listing shows them."""
        items = list(items)
        return _resolve(self.order)(items, today) if self.order else items

    def record_of(self, item, case=None) -> dict[str, Any]:
        """The SPEC §7 record of `item` (from its `case`, where the record links others)."""
        if self.record is None:
            from casekit.records import item_record

            return item_record(item)
        return _resolve(self.record)(item, case)

    def record_class(self) -> type | None:
        """The TypedDict of this section's records (`record_type`), or None for every field of the item."""
        return _resolve(self.record_type) if self.record_type else None

    def listing_view(self) -> Callable[..., Any]:
        """The view `casekit NAME` lists the section's rows with."""
        if self.view is None:
            raise LookupError(f"{self.name} has no listing view of its own")
        return _resolve(self.view)


def _sections(*sections: Section) -> dict[str, Section]:
    return {s.name: s for s in sections}


_BY_DATE = "casekit.sections:by_date"

# In the order sections are shown, diffed, exported and searched.
SECTIONS: dict[str, Section] = _sections(
    Section(
        "sources",
        model.Source,
        title="Sources",
        singular="source",
        title_fields=("title",),
        as_of_rule="sources",
        record="casekit.records:source_record",
        record_type="casekit.records:SourceRecord",
        view="casekit.render.sections:sources_table",
        help="""Where the facts come from, and how many facts cite each source.

         Other listings cite sources by number: [1] is the first source here.""",
    ),
    Section(
        "people",
        model.Person,
        title="People",
        singular="person",
        title_fields=("name",),
        as_of_rule="people",
        view="casekit.render.sections:people_table",
        help="""People in the case: their roles over time and how many events name them.""",
    ),
    Section(
        "eras",
        model.Era,
        title="Eras",
        singular="era",
        title_fields=("title",),
        prose_fields=("summary",),
        order="casekit.sections:by_period",
        as_of_rule="eras",
        view="casekit.render.sections:eras_table",
        help="""Named phases of the case in period order, each with the number of events in it.""",
    ),
    Section(
        "timeline",
        model.Event,
        title="Timeline",
        singular="event",
        title_fields=("title",),
        prose_fields=("detail",),
        order=_BY_DATE,
        dated_by="date",
        refs={"era": "eras", "people": "people"},
        record="casekit.records:event_record",
        record_type="casekit.records:EventRecord",
        command="timeline",
        help="""Events in date order, with fuzzy-date period filters.""",
    ),
    Section(
        "metrics",
        model.Metric,
        title="Metrics",
        singular="metric",
        title_fields=("name",),
        prose_fields=("description",),
        as_of_rule="metrics",
        record="casekit.records:metric_record",
        record_type="casekit.records:MetricRecord",
        command="metrics",
        help="""Each metric's latest value against the previous one, with the change and a sparkline.""",
    ),
    Section(
        "principles",
        model.Principle,
        title="Principles",
        singular="principle",
        title_fields=("title",),
        prose_fields=("summary", "benefit", "tradeoff", "tactic"),
        order="casekit.sections:by_number",
        refs={"evidence": "timeline", "risks": "risks"},
        record="casekit.records:principle_record",
        record_type="casekit.records:PrincipleRecord",
        help="""The case's principles: what each one buys (benefit) and what it costs (⇄ tradeoff).""",
    ),
    Section(
        "risks",
        model.Risk,
        title="Risks",
        singular="risk",
        title_fields=("title",),
        prose_fields=("description",),
        order="casekit.sections:by_severity",
        refs={"principles": "principles"},
        record="casekit.records:risk_record",
        record_type="casekit.records:RiskRecord",
        help="""What could go wrong, most severe first (then most likely, then file order).""",
    ),
    Section(
        "quotes",
        model.Quote,
        title="Quotes",
        singular="quote",
        title_fields=("text",),
        prose_fields=("text", "context"),
        order="casekit.sections:by_date_undated_last",
        dated_by="date",
        name_refs={"speaker": "people"},
        view="casekit.render.sections:quotes_table",
        help="""Quotes in date order, with who said them and in what context.""",
    ),
    Section(
        "moats",
        model.Moat,
        title="Moats",
        singular="moat",
        title_fields=("title",),
        prose_fields=("time_to_replicate", "cost", "description"),
        order="casekit.sections:moats_by_rank",
        view="casekit.render.sections:moats_table",
        help="""Competitive moats by rank, most durable (#1) first, with time and cost to replicate.""",
    ),
    Section(
        "flywheel",
        model.FlywheelEdge,
        title="Flywheel",
        singular="flywheel edge",
        title_fields=("from_", "to"),
        prose_fields=("description",),
        help="""The flywheel drawn as its loops (A → B → … → A), each step with what drives it.""",
    ),
    Section(
        "segments",
        model.Segment,
        title="Segments",
        singular="segment",
        title_fields=("name",),
        prose_fields=("description",),
        dated_by="period",
        command="metrics",
        help="""Revenue segments: revenue, share of the whole as a bar, growth and margin.""",
    ),
    Section(
        "competitors",
        model.Competitor,
        title="Competitors",
        singular="competitor",
        title_fields=("name",),
        prose_fields=("position", "notes"),
        order="casekit.sections:by_segment_group",
        view="casekit.render.sections:competitors_table",
        help="""Competitors grouped by market segment: position, scale and notes.""",
    ),
    Section(
        "drivers",
        model.Driver,
        title="Drivers",
        singular="driver",
        title_fields=("title",),
        prose_fields=("description",),
        view="casekit.render.sections:drivers_table",
        help="""Growth drivers and their horizons.""",
    ),
    Section(
        "lessons",
        model.Lesson,
        title="Lessons",
        singular="lesson",
        title_fields=("title",),
        prose_fields=("summary",),
        view="casekit.render.sections:lessons_table",
        help="""Takeaways drawn from the sources.""",
    ),
)


def get(name: str) -> Section:
    """The section called `name`; a `KeyError` for any other name."""
    return SECTIONS[name]


def names() -> tuple[str, ...]:
    """Every section's name, in order."""
    return tuple(SECTIONS)


def references(*, sources: bool = True, names: bool = True) -> tuple[tuple[str, str, str], ...]:
    """Every (section, field, target section) whose field holds ids of the target's items: each
    section's `refs`; with `sources`, every section's `sources` (a metric's observations carry
    theirs too); with `names`, the `name_refs` that hold an id or else a name."""
    out = [(name, field, target) for name, spec in SECTIONS.items() for field, target in spec.refs.items()]
    if sources:
        out += [(name, "sources", "sources") for name in SECTIONS]
    if names:
        out += [(name, field, target) for name, spec in SECTIONS.items() for field, target in spec.name_refs.items()]
    return tuple(out)
