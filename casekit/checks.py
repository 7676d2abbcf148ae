"""Cross-reference and consistency checks on a typed case (SPEC §1).

Each check yields problems located through a `locate(path, at_key)` callback
that turns a path of keys and indexes into (line, column, source line).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from casekit.model import SECTIONS, Case
from casekit.problems import Problem, did_you_mean

if TYPE_CHECKING:
    from casekit.values import Value

Locate = Callable[..., tuple]

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")


def is_slug(text: str) -> bool:
    """True for ids like `series_f` or `2024-round`."""
    return bool(_SLUG.match(text))


# (section, field, target section): fields that hold ids of other items.
REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("timeline", "era", "eras"),
    ("timeline", "people", "people"),
    ("principles", "evidence", "timeline"),
    ("principles", "risks", "risks"),
    ("risks", "principles", "principles"),
)


CURRENCIES = frozenset(
    {"USD", "AUD", "EUR", "GBP", "CAD", "JPY", "CNY", "CHF", "INR", "SGD", "HKD", "KRW", "SEK", "NZD", "BRL"}
)


def unit_template(unit: str) -> Value | None:
    """A metric's unit read as a figure's (`USD/hour` -> currency USD per hour), or None."""
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
    head = unit.partition("/")[0].strip()
    upper = head.upper()
    if upper in CURRENCIES:
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


def check_case(case: Case, locate: Locate, *, path: str = "", stem: str | None = None) -> list[Problem]:
    """Every cross-reference and consistency problem of `case`."""
    checker = _Checker(case, locate, path)
    return list(checker.run(stem))


class _Checker:
    def __init__(self, case: Case, locate: Locate, path: str) -> None:
        self.case = case
        self.locate = locate
        self.path = path
        self.ids = {name: {item.id for item in getattr(case, name)} for name in SECTIONS}

    def problem(self, where: tuple, severity: str, code: str, message: str,
                hint: str | None = None, at_key: bool = False) -> Problem:
        line, column, text = self.locate(where, at_key)
        return Problem(self._path(), line, column, severity, code, message, hint, text)

    def _path(self) -> str:
        return self.path

    def run(self, stem: str | None) -> Iterator[Problem]:
        yield from self.duplicate_ids()
        yield from self.references()
        yield from self.currencies()
        yield from self.unsourced()
        yield from self.flywheel()
        yield from self.contradictions()
        yield from self.evidence()
        yield from self.after_as_of()
        if stem is not None and stem != self.case.id:
            yield self.problem(("id",), "warning", "id-mismatch",
                               f"case id `{self.case.id}` differs from the file name `{stem}`")

    def duplicate_ids(self) -> Iterator[Problem]:
        for name in SECTIONS:
            seen: dict[str, int] = {}
            for index, item in enumerate(getattr(self.case, name)):
                if item.id in seen:
                    line, _, _ = self.locate((name, seen[item.id], "id"))
                    yield self.problem((name, index, "id"), "error", "duplicate-id",
                                       f"duplicate id `{item.id}` in {name} (first on line {line})")
                else:
                    seen[item.id] = index

    def references(self) -> Iterator[Problem]:
        for section, field, target in REFERENCES:
            known = self.ids[target]
            for index, item in enumerate(getattr(self.case, section)):
                value = getattr(item, field)
                refs = value if isinstance(value, list) else ([value] if value else [])
                for k, ref in enumerate(refs):
                    if ref not in known:
                        where = (section, index, field, k) if isinstance(value, list) else (section, index, field)
                        yield self.problem(where, "error", "dangling-reference",
                                           f"{section} `{item.id}`: {field} `{ref}` is not an id in {target}",
                                           hint=did_you_mean(ref, known))
        known_sources = self.ids["sources"]
        for where, refs in self._source_refs():
            for k, ref in enumerate(refs):
                if ref not in known_sources:
                    yield self.problem(where + ("sources", k), "error", "dangling-reference",
                                       f"source `{ref}` is not an id in sources",
                                       hint=did_you_mean(ref, known_sources))

    def _source_refs(self) -> Iterator[tuple[tuple, list[str]]]:
        for name in SECTIONS:
            for index, item in enumerate(getattr(self.case, name)):
                yield (name, index), item.sources
        for m, metric in enumerate(self.case.metrics):
            for o, obs in enumerate(metric.observations):
                yield ("metrics", m, "observations", o), obs.sources

    def currencies(self) -> Iterator[Problem]:
        for m, metric in enumerate(self.case.metrics):
            for o, obs in enumerate(metric.observations):
                conflict = unit_conflict(metric.unit, obs.value)
                if conflict:
                    yield self.problem(("metrics", m, "observations", o, "value"), "error",
                                       "unit-mismatch", f"metric `{metric.id}` ({metric.unit}): {conflict}")

    def unsourced(self) -> Iterator[Problem]:
        for name in SECTIONS:
            if name == "sources":
                continue
            for index, item in enumerate(getattr(self.case, name)):
                if item.sources:
                    continue
                if name == "metrics" and item.observations and all(o.sources for o in item.observations):
                    continue
                yield self.problem((name, index), "warning", "unsourced",
                                   f"{name} `{item.id}` names no source",
                                   hint="add `sources: [source id]`")
        for m, metric in enumerate(self.case.metrics):
            if metric.sources:
                continue
            for o, obs in enumerate(metric.observations):
                if not obs.sources and any(x.sources for x in metric.observations):
                    yield self.problem(("metrics", m, "observations", o), "warning", "unsourced",
                                       f"metric `{metric.id}`: the {obs.date} observation names no source")

    def flywheel(self) -> Iterator[Problem]:
        edges = self.case.flywheel
        if not edges:
            return
        starts = {e.from_ for e in edges}
        ends = {e.to for e in edges}
        for index, edge in enumerate(edges):
            if edge.to not in starts:
                yield self.problem(("flywheel", index, "to"), "warning", "flywheel-open",
                                   f"flywheel: nothing leads on from `{edge.to}`, so the loop does not close")
            if edge.from_ not in ends:
                yield self.problem(("flywheel", index, "from"), "warning", "flywheel-open",
                                   f"flywheel: nothing leads into `{edge.from_}`, so the loop does not close")

    def contradictions(self) -> Iterator[Problem]:
        # Observations of one interval (2024 and 2024-01/2024-12 alike, not 2024 and
        # 2024-03) that say different things, read in the metric's unit: $1M and
        # A$1M differ, 1000000 and $1M in a USD metric do not.
        for m, metric in enumerate(self.case.metrics):
            template = unit_template(metric.unit)
            by_date: dict[tuple, tuple[object, tuple]] = {}
            for o, obs in enumerate(metric.observations):
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
                        ("metrics", m, "observations", o, "value"), "warning", "contradiction",
                        f"metric `{metric.id}`: {obs.date} is {obs.value.text} here "
                        f"but {first.value.text} in an earlier observation",
                        hint="mark both `confidence: disputed` with a note, or fix one")

    def after_as_of(self) -> Iterator[Problem]:
        # Events and quotes are things that happened; a forecast belongs in a metric.
        limit = self.case.as_of.latest(self.case.as_of.end or self.case.as_of.earliest())
        for name in ("timeline", "quotes"):
            for index, item in enumerate(getattr(self.case, name)):
                if item.date is not None and item.date.start is not None and item.date.start > limit:
                    yield self.problem((name, index, "date"), "warning", "after-as-of",
                                       f"{name} `{item.id}` is dated {item.date.text}, after the case's "
                                       f"as_of {self.case.as_of.text}",
                                       hint="fix the date, or move as_of on")

    def evidence(self) -> Iterator[Problem]:
        for index, principle in enumerate(self.case.principles):
            if not principle.evidence:
                yield self.problem(("principles", index), "warning", "no-evidence",
                                   f"principle {principle.n} `{principle.id}` cites no evidence",
                                   hint="add `evidence: [timeline ids]`")
