"""Cross-reference and consistency checks on a typed case (SPEC §1).

Each check yields problems located through a `locate(path, at_key)` callback
that turns a path of keys and indexes into (line, column, source line).
Paths use the file's own indexes: when the loader had to leave broken items
out of the case, `Gaps` maps each built item back to its place in the file
and says what is missing, so that a check skips what depends on a broken
item instead of reporting a follow-on problem (a reference to an event whose
date is bad is not dangling).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import msgspec

from casekit.model import Case
from casekit.problems import Problem, did_you_mean, one_line, shown
from casekit.registry import SECTIONS, references

if TYPE_CHECKING:
    from casekit.values import Value

Locate = Callable[..., tuple]

_SLUG = "[a-z0-9][a-z0-9_-]*"
SLUG_PATTERN = f"^{_SLUG}$"  # the same rule, as JSON Schema writes it


def is_slug(text: str) -> bool:
    """True for ids like `series_f` or `2024-round`."""
    return re.fullmatch(_SLUG, text) is not None


def slugify(text: str) -> str:
    """The slug closest to `text` (`Big Tag` -> `big-tag`), or "" when nothing of it is left."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9_-]+", "-", ascii_text.lower())
    return re.sub(r"^[-_]+|-+$", "", slug)


def slug_hint(text: str) -> str:
    """How to write `text` as a slug."""
    slug = slugify(text)
    if slug:
        return f"write it as {shown(slug)}"
    return "use lowercase letters, digits, `_` and `-`, starting with a letter or digit"


# (section, field, target section): fields that must hold ids of other items (each section's `refs`;
# sources are checked apart, with a metric's observations'; a quote's speaker may be a name).
REFERENCES: tuple[tuple[str, str, str], ...] = references(sources=False, names=False)


@functools.lru_cache(maxsize=256)
def unit_template(unit: str) -> Value | None:
    """A metric's unit read as a figure's (`USD/hour` -> currency USD per hour), or None.
    Kept for each unit: a case asks for its metrics' units over and over."""
    from casekit.values import Value, ValueParseError

    try:
        v = Value.parse(f"1 {unit.strip()}")
    except ValueParseError:
        return None
    return v if (v.currency or v.unit) else None


def in_metric_unit(value: Value, template: Value | None) -> Value:
    """`value` as a figure of a metric whose unit reads as `template` (see `unit_template`).

    What the figure leaves out, it takes from the metric, as long as what it
    does say agrees: `1000000` in a USD metric is $1M, and `$30` in a
    USD/hour metric is $30/hr, as `30` is.
    """
    if template is None or (value.currency, value.unit) == (template.currency, template.unit):
        return value
    if value.currency not in (None, template.currency) or value.unit not in (None, template.unit):
        return value
    return replace(value, currency=template.currency, unit=template.unit)


def unit_conflict(unit: str, value) -> str | None:
    """Why `value` cannot be a figure of a metric measured in `unit`, or None."""
    from casekit.values import currency_code

    head = unit.partition("/")[0].strip()
    upper = currency_code(head)
    if upper is not None:
        if value.currency and value.currency != upper:
            return f"{value.text} is in {value.currency}, not {upper}"
        if value.unit == "percent":
            return f"{value.text} is a percentage, not an amount in {upper}"
    elif head.lower() in ("percent", "%"):
        if value.currency:
            return f"{value.text} is an amount in {value.currency}, not a percentage"
    elif head.lower() in ("count", "ratio"):
        if value.currency:
            return f"{value.text} is an amount in {value.currency}, not a {head.lower()}"
        if value.unit == "percent" and head.lower() == "count":
            return f"{value.text} is a percentage, not a count"
    return None


class Gaps(msgspec.Struct):
    """What the loader could not build, so the checks skip what depends on it.

    `keys`: top-level keys missing, duplicated or broken. `positions`: for a
    list that lost items, the file index of each item kept, by the list's
    path (`("timeline",)`, `("metrics", 2, "observations")`). `broken`: per
    section, the file index of each item left out and its id (None when
    even that could not be read).
    """

    keys: frozenset[str] = frozenset()
    positions: Mapping[tuple, Sequence[int]] | None = None  # None: none
    broken: Mapping[str, Mapping[int, str | None]] | None = None

    def __post_init__(self) -> None:
        if self.positions is None:
            self.positions = {}
        if self.broken is None:
            self.broken = {}

    def complete(self, section: str) -> bool:
        """True when every item of `section` built."""
        return section not in self.keys and not self.broken.get(section)

    def ids_known(self, section: str) -> bool:
        """True when the id of every item of `section` is known, built or not."""
        return section not in self.keys and None not in self.broken.get(section, {}).values()


def check_case(
    case: Case, locate: Locate, *, path: str = "", stem: str | None = None, gaps: Gaps | None = None
) -> list[Problem]:
    """Every cross-reference and consistency problem of `case`."""
    checker = _Checker(case, locate, path, gaps or Gaps())
    return list(checker.run(stem))


class _Checker:
    def __init__(self, case: Case, locate: Locate, path: str, gaps: Gaps) -> None:
        self.case = case
        self.locate = locate
        self.path = path
        self.gaps = gaps
        self.ids = {
            name: {item.id for item in getattr(case, name)}
            | {i for i in gaps.broken.get(name, {}).values() if i is not None}
            for name in SECTIONS
        }

    def problem(
        self, where: tuple, severity: str, code: str, message: str, hint: str | None = None, at_key: bool = False
    ) -> Problem:
        line, column, text = self.locate(where, at_key)
        return Problem(self.path, line, column, severity, code, one_line(message), hint and one_line(hint), text)

    def items(self, name: str) -> Iterator[tuple[int, object]]:
        """The built items of a section, each with its index in the file."""
        items = getattr(self.case, name)
        return zip(self.gaps.positions.get((name,), range(len(items))), items)

    def observations(self, m: int, metric) -> Iterator[tuple[int, object]]:
        """The built observations of the metric at file index `m`, each with its index in the file."""
        observations = metric.observations
        return zip(self.gaps.positions.get(("metrics", m, "observations"), range(len(observations))), observations)

    def run(self, stem: str | None) -> Iterator[Problem]:
        yield from self.no_sources()
        yield from self.duplicate_ids()
        yield from self.duplicate_numbers()
        yield from self.references()
        yield from self.categories()
        yield from self.currencies()
        yield from self.unsourced()
        yield from self.flywheel()
        yield from self.contradictions()
        yield from self.evidence()
        yield from self.after_as_of()
        yield from self.blank_titles()
        if stem is not None and "id" not in self.gaps.keys and stem != self.case.id:
            yield self.problem(
                ("id",),
                "warning",
                "id-mismatch",
                f"case id {shown(self.case.id)} differs from the file name {shown(stem)}",
            )

    def blank_titles(self) -> Iterator[Problem]:
        """A title (an event's title, a person's name, …) or the case's company or title that is
        there but blank: every listing would show nothing for it."""
        for key in ("company", "title"):
            if key not in self.gaps.keys and not getattr(self.case, key).strip():
                yield self.problem((key,), "warning", "blank-text", f"the case's `{key}` is blank")
        for name, section in SECTIONS.items():
            keys = _title_keys(section.type, section.title_fields)
            for i, item in self.items(name) if keys else ():
                for attr, key in keys:
                    if not getattr(item, attr).strip():
                        yield self.problem(
                            (name, i, key),
                            "warning",
                            "blank-text",
                            f"{section.singular} {shown(item.id)}: `{key}` is blank",
                        )

    def no_sources(self) -> Iterator[Problem]:
        if not self.case.sources and self.gaps.complete("sources"):
            yield self.problem(
                ("sources",),
                "error",
                "no-sources",
                "a case names at least one source",
                hint="add one: `sources: [{id: report, title: …, kind: article}]`",
                at_key=True,
            )

    def duplicate_ids(self) -> Iterator[Problem]:
        for name in SECTIONS:
            # Items that did not build still hold their ids.
            ids = sorted(
                [(index, item.id) for index, item in self.items(name)]
                + [(index, i) for index, i in self.gaps.broken.get(name, {}).items() if i is not None]
            )
            seen: dict[str, int] = {}
            for index, ident in ids:
                if ident in seen:
                    line, _, _ = self.locate((name, seen[ident], "id"))
                    yield self.problem(
                        (name, index, "id"),
                        "error",
                        "duplicate-id",
                        f"duplicate id {shown(ident)} in {name} (first on line {line})",
                    )
                else:
                    seen[ident] = index

    def duplicate_numbers(self) -> Iterator[Problem]:
        # `casekit principle N` finds a principle by its number, so two with one number hide one.
        seen: dict[int, int] = {}
        for index, principle in self.items("principles"):
            if principle.n in seen:
                line, _, _ = self.locate(("principles", seen[principle.n], "n"))
                yield self.problem(
                    ("principles", index, "n"),
                    "error",
                    "duplicate-number",
                    f"duplicate principle number {principle.n} (first on line {line})",
                    hint="give each principle its own number",
                )
            else:
                seen[principle.n] = index

    def references(self) -> Iterator[Problem]:
        for section, field_name, target in REFERENCES:
            if not self.gaps.ids_known(target):
                continue  # an item there has no readable id: any reference might be to it
            known = self.ids[target]
            for index, item in self.items(section):
                value = getattr(item, field_name)
                refs = value if isinstance(value, list) else ([value] if value else [])
                for k, ref in enumerate(refs):
                    if ref not in known:
                        where = (
                            (section, index, field_name, k) if isinstance(value, list) else (section, index, field_name)
                        )
                        yield self.problem(
                            where,
                            "error",
                            "dangling-reference",
                            f"{section} {shown(item.id)}: {field_name} {shown(ref)} is not an id in {target}",
                            hint=did_you_mean(ref, known),
                        )
        if not self.gaps.ids_known("sources"):
            return
        known_sources = self.ids["sources"]
        for where, refs in self._source_refs():
            for k, ref in enumerate(refs):
                if ref not in known_sources:
                    yield self.problem(
                        where + ("sources", k),
                        "error",
                        "dangling-reference",
                        f"source {shown(ref)} is not an id in sources",
                        hint=did_you_mean(ref, known_sources),
                    )

    def categories(self) -> Iterator[Problem]:
        # A category outside the known set is a typo (`markets`) more often than a new kind of event.
        from casekit.model import CATEGORIES

        known = [*CATEGORIES, *self.case.categories]
        for index, event in self.items("timeline"):
            if event.category is None or event.category in known:
                continue
            yield self.problem(
                ("timeline", index, "category"),
                "warning",
                "unknown-category",
                f"timeline {shown(event.id)}: category {shown(event.category)} is not one of casekit's "
                "nor among the case's `categories`",
                hint=did_you_mean(event.category, known)
                or f"use one of {', '.join(CATEGORIES)}, or declare it: "
                + (
                    "add it to the case's `categories`" if self.case.categories else f"`categories: [{event.category}]`"
                ),
            )

    def _source_refs(self) -> Iterator[tuple[tuple, list[str]]]:
        for name in SECTIONS:
            for index, item in self.items(name):
                yield (name, index), item.sources
        for m, metric in self.items("metrics"):
            for o, obs in self.observations(m, metric):
                yield ("metrics", m, "observations", o), obs.sources

    def currencies(self) -> Iterator[Problem]:
        for m, metric in self.items("metrics"):
            for o, obs in self.observations(m, metric):
                conflict = unit_conflict(metric.unit, obs.value)
                if conflict:
                    yield self.problem(
                        ("metrics", m, "observations", o, "value"),
                        "error",
                        "unit-mismatch",
                        f"metric {shown(metric.id)} ({metric.unit}): {conflict}",
                    )

    def unsourced(self) -> Iterator[Problem]:
        for name in SECTIONS:
            if name == "sources":
                continue
            for index, item in self.items(name):
                if item.sources:
                    continue
                if name == "metrics" and item.observations and all(o.sources for o in item.observations):
                    continue
                yield self.problem(
                    (name, index),
                    "warning",
                    "unsourced",
                    f"{name} {shown(item.id)} names no source",
                    hint="add `sources: [source id]`",
                )
        for m, metric in self.items("metrics"):
            if metric.sources:
                continue
            for o, obs in self.observations(m, metric):
                if not obs.sources and any(x.sources for x in metric.observations):
                    yield self.problem(
                        ("metrics", m, "observations", o),
                        "warning",
                        "unsourced",
                        f"metric {shown(metric.id)}: the {obs.date} observation names no source",
                    )

    def flywheel(self) -> Iterator[Problem]:
        edges = list(self.items("flywheel"))
        if not edges or not self.gaps.complete("flywheel"):
            return  # with an edge missing, a loop that looks open may not be
        starts = {e.from_ for _, e in edges}
        ends = {e.to for _, e in edges}
        for index, edge in edges:
            if edge.to not in starts:
                yield self.problem(
                    ("flywheel", index, "to"),
                    "warning",
                    "flywheel-open",
                    f"flywheel: nothing leads on from {shown(edge.to)}, so the loop does not close",
                )
            if edge.from_ not in ends:
                yield self.problem(
                    ("flywheel", index, "from"),
                    "warning",
                    "flywheel-open",
                    f"flywheel: nothing leads into {shown(edge.from_)}, so the loop does not close",
                )

    def contradictions(self) -> Iterator[Problem]:
        # Observations of one interval (2024 and 2024-01/2024-12 alike, not 2024 and
        # 2024-03) that say different things, read in the metric's unit: $1M and
        # A$1M differ, 1000000 and $1M in a USD metric do not.
        for m, metric in self.items("metrics"):
            template = unit_template(metric.unit)
            by_date: dict[tuple, tuple[object, tuple]] = {}
            for o, obs in self.observations(m, metric):
                if unit_conflict(metric.unit, obs.value):
                    continue  # already an error of its own
                value = in_metric_unit(obs.value, template)
                said = (value.low, value.high, value.currency, value.unit)
                key = (obs.date.start, obs.date.end)
                if key not in by_date:
                    by_date[key] = (obs, said)
                    continue
                first, first_said = by_date[key]
                disputed = "disputed" in (first.confidence, obs.confidence)
                if said != first_said and not disputed:
                    yield self.problem(
                        ("metrics", m, "observations", o, "value"),
                        "warning",
                        "contradiction",
                        f"metric {shown(metric.id)}: {obs.date} is {obs.value.text} here "
                        f"but {first.value.text} in an earlier observation",
                        hint="mark both `confidence: disputed` with a note, or fix one",
                    )

    def after_as_of(self) -> Iterator[Problem]:
        if "as_of" in self.gaps.keys:
            return
        # Events and quotes are things that happened; a forecast belongs in a metric.
        limit = self.case.as_of.latest(self.case.as_of.end or self.case.as_of.earliest())
        for name in ("timeline", "quotes"):
            for index, item in self.items(name):
                if item.date is not None and item.date.start is not None and item.date.start > limit:
                    yield self.problem(
                        (name, index, "date"),
                        "warning",
                        "after-as-of",
                        f"{name} {shown(item.id)} is dated {item.date.text}, after the case's "
                        f"as_of {self.case.as_of.text}",
                        hint="fix the date, or move as_of on",
                    )

    def evidence(self) -> Iterator[Problem]:
        for index, principle in self.items("principles"):
            if not principle.evidence:
                yield self.problem(
                    ("principles", index),
                    "warning",
                    "no-evidence",
                    f"principle {principle.n} {shown(principle.id)} cites no evidence",
                    hint="add `evidence: [timeline ids]`",
                )


@functools.cache
def _title_keys(struct: type, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(attribute, key as written) of the title fields of `struct` that are required text."""
    fields = {f.name: f for f in msgspec.structs.fields(struct)}
    return [
        (name, fields[name].encode_name)
        for name in names
        if name in fields and fields[name].required and fields[name].type is str
    ]
