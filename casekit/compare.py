"""Cases side by side: what they are, how much they hold, their eras, shared metrics, risks and themes.

A comparison is a list of rows, one per compared attribute, each with one
value per case (None where a case has nothing to say). The values are data
(dates, a metric's latest figure and growth rate, eras, risks, tags,
principles), so the records carry them as data and the table formats them.
Metrics are matched
across cases by id, else by name ignoring case; principle themes are the
principle tags and title words the cases share. The growth rate of a shared
metric (CAGR, from `casekit.analytics`, which uses pandas) makes cases of
very different size comparable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from casekit.dates import PartialDate
from casekit.errors import UnknownChoice, UsageError
from casekit.model import Case, Era, Metric, Observation, Principle
from casekit.registry import SECTIONS

if TYPE_CHECKING:
    from casekit.analytics import Cagr
    from casekit.library import Library

__all__ = [
    "Comparison",
    "MetricCell",
    "Row",
    "Span",
    "TopRisk",
    "case_labels",
    "check_different",
    "compare",
    "metric_groups",
    "principle_themes",
]

# Words that say nothing about what a principle is about.
_TITLE_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "which",
        "with",
        "not",
        "your",
        "you",
        "yours",
        "own",
        "just",
        "make",
        "makes",
        "every",
        "same",
        "before",
        "after",
        "into",
        "over",
        "under",
        "when",
        "what",
        "how",
        "why",
        "than",
        "then",
        "more",
        "less",
        "most",
        "much",
        "many",
        "very",
        "only",
        "also",
        "even",
        "ever",
        "never",
        "always",
        "don",
        "t",
        "s",
        "vs",
        "via",
        "one",
        "two",
        "first",
        "last",
        "new",
        "old",
        "keep",
        "get",
        "let",
        "use",
        "do",
        "does",
        "all",
        "any",
        "each",
        "their",
        "them",
        "they",
        "we",
        "our",
        "us",
    ]
)


class TopRisk(NamedTuple):
    """One of a case's most severe risks, as the `risks` row holds them."""

    id: str
    severity: str
    title: str


class Span(NamedTuple):
    """The dates of a case's first and last events, and how many calendar years they cover
    (None when the first date has an open start)."""

    first: PartialDate
    last: PartialDate
    years: int | None


class MetricCell(NamedTuple):
    """A case's metric in a `metrics` row: its latest observation (None when it has none) and the
    growth rate (CAGR) of its series (None when it cannot be computed)."""

    metric: Metric
    latest: Observation | None
    cagr: Cagr | None


@dataclass(frozen=True)
class Row:
    """One compared attribute: `group` (case, counts, eras, metrics, risks, tags, themes), a label,
    and a value per case label, None where the case has nothing to say.

    The values by group: `case` text, the `as of` date (a `PartialDate`) and
    the `timeline span` (a `Span`); `counts` numbers; `eras` tuples of
    `Era`; `metrics` a `MetricCell`; `risks` tuples of `TopRisk`; `tags`
    tuples of tags; `themes` tuples of `Principle`.
    """

    group: str
    label: str
    values: dict[str, object]

    def record(self) -> dict:
        """`{group, attribute, values: {<case>: value, …}}`: the cases' values apart from the row's own
        keys, so no case id (`group`, say) can clash with them. Each value is data: see `plain`."""
        return {
            "group": self.group,
            "attribute": self.label,
            "values": {label: plain(value) for label, value in self.values.items()},
        }


def plain(value: object) -> object:
    """A compared value as JSON-ready data: a date as `{date, start, end}`; a span as `{from, to,
    start, end, years}`; a metric as `{id, value: {text, low, high, qualifier}, date, start, end,
    cagr: {value, approximate} | null}`; eras as `[{id, title, period, start, end}]`; top risks as
    `[{id, severity, title}]`; principles as `[{n, id, title}]`; tags as a list."""
    from casekit.records import date_fields, value_record

    if isinstance(value, PartialDate):
        return date_fields(value)
    if isinstance(value, Span):
        return {
            "from": value.first.text,
            "to": value.last.text,
            "start": value.first.start.isoformat() if value.first.start else None,
            "end": value.last.end.isoformat() if value.last.end else None,
            "edtf": _span_edtf(value),
            "years": value.years,
        }
    if isinstance(value, MetricCell):
        latest = value.latest
        return {
            "id": value.metric.id,
            "value": value_record(latest.value if latest else None),
            **date_fields(latest.date if latest else None),
            "cagr": None if value.cagr is None else {"value": value.cagr.value, "approximate": value.cagr.approximate},
        }
    if isinstance(value, tuple):
        return [_plain_item(item) for item in value]
    return value


def _span_edtf(span: Span) -> str:
    """The span from one date's first end to another's last, in EDTF."""
    first, last = span.first.ends()[0], span.last.ends()[1]
    return f"{'..' if first is None else first.edtf()}/{'..' if last is None else last.edtf()}"


def _plain_item(item: object) -> object:
    from casekit.records import date_fields

    if isinstance(item, TopRisk):
        return item._asdict()
    if isinstance(item, Era):
        return {"id": item.id, "title": item.title, **date_fields(item.period, "period")}
    if isinstance(item, Principle):
        return {"n": item.n, "id": item.id, "title": item.title}
    return item


@dataclass
class Comparison:
    """The rows comparing `cases` (their labels in order), plus what they share."""

    labels: list[str]
    rows: list[Row]
    shared_tags: list[str] = field(default_factory=list)
    shared_themes: list[str] = field(default_factory=list)

    def records(self) -> list[dict]:
        """One record per row (see `Row.record`), with a shape that gives csv and md the same
        columns for these cases whatever their rows hold, each case's together."""
        from casekit.records import VALUE_KEYS, Records

        cell = {
            "date": None,
            "from": None,
            "to": None,
            "start": None,
            "end": None,
            "edtf": None,
            "years": None,
            "id": None,
            "value": dict.fromkeys(VALUE_KEYS),
            "cagr": {"value": None, "approximate": None},
        }
        shape = {"group": None, "attribute": None, "values": {label: dict(cell) for label in self.labels}}
        return Records([row.record() for row in self.rows], shape)


def case_labels(cases: Sequence[Case], names: Sequence[str] | None = None) -> list[str]:
    """A distinct label per case: its id, or the name it was given by when ids repeat (two versions)."""
    from casekit.search import labels_for

    return labels_for([c.id for c in cases], names)


# --- metrics ---------------------------------------------------------------------------


def metric_groups(cases: Sequence[Case]) -> list[list[Metric | None]]:
    """Metrics matched across cases (by id, else by name ignoring case), one list per metric with
    one entry per case (None where the case lacks it), in order of first appearance."""
    groups: list[list[Metric | None]] = []
    for k, case in enumerate(cases):
        for metric in case.metrics:
            found = next(
                (g for g in groups if g[k] is None and any(m is not None and m.id == metric.id for m in g)), None
            )
            if found is None:
                name = metric.name.casefold().strip()
                found = next(
                    (
                        g
                        for g in groups
                        if g[k] is None and any(m is not None and m.name.casefold().strip() == name for m in g)
                    ),
                    None,
                )
            if found is None:
                found = [None] * len(cases)
                groups.append(found)
            found[k] = metric
    return groups


def _metric_cell(metric: Metric | None) -> MetricCell | None:
    """The latest value of `metric` and the growth rate of its series (None for a case without it)."""
    if metric is None:
        return None
    from casekit.analytics import cagr, latest_and_previous

    latest, _ = latest_and_previous(metric)
    return MetricCell(metric, latest, cagr(metric) if latest is not None else None)


def _pick_metrics(cases: Sequence[Case], wanted: Sequence[str]) -> list[list[Metric | None]]:
    """One group per metric asked for: in each case, the metric with that id, else with that name
    (ignoring case), so one figure named differently by each case is still one row."""
    picked: list[list[Metric | None]] = []
    for name in wanted:
        folded = name.casefold().strip()
        group = [
            next((m for m in c.metrics if m.id == name), None)
            or next((m for m in c.metrics if m.name.casefold().strip() == folded), None)
            for c in cases
        ]
        if not any(group):
            from casekit.problems import did_you_mean

            known = sorted({m.id for c in cases for m in c.metrics})
            raise UnknownChoice(
                "metric",
                name,
                known,
                message=f"no metric `{name}` in any of the cases",
                hint=did_you_mean(name, known) or ("metrics: " + ", ".join(known) if known else None),
            )
        # Asked for twice (by id, then by name), a metric is still one row: the rows merge.
        same = next((p for p in picked if any(m is not None and m is q for m, q in zip(group, p))), None)
        if same is None:
            picked.append(group)
        else:
            same[:] = [q if q is not None else m for m, q in zip(group, same)]
    return picked


# --- principles ------------------------------------------------------------------------


def _title_words(principle: Principle) -> set[str]:
    from casekit.search import tokenize

    return {
        t.term
        for t in tokenize(principle.title)
        if len(t.term) > 3 and t.term not in _TITLE_STOP and not t.term.isdigit()
    }


def principle_themes(cases: Sequence[Case]) -> dict[str, list[list[Principle]]]:
    """Themes every case shares, each with the principles of each case that carry it.

    A theme is a principle tag or a word of a principle's title, folded the
    way search folds words (case, accents, plurals), so the tag `pricing`
    and the title word "Pricing" are one theme. Alphabetical.
    """
    from casekit.search import fold, stem

    def themes(case: Case) -> dict[str, list[Principle]]:
        out: dict[str, list[Principle]] = {}
        for p in sorted(case.principles, key=lambda p: p.n):
            words = {stem(fold(t)) for t in p.tags} | _title_words(p)
            for word in sorted(words):
                out.setdefault(word, []).append(p)
        return out

    per_case = [themes(c) for c in cases]
    shared = set(per_case[0]) if per_case else set()
    for t in per_case[1:]:
        shared &= set(t)
    return {t: [pc[t] for pc in per_case] for t in sorted(shared)}


# --- the comparison --------------------------------------------------------------------


def _span(case: Case, today: date) -> Span | None:
    from casekit.query import sort_by_date

    events = sort_by_date(case.timeline, today=today)
    if not events:
        return None
    first, last = events[0].date, events[-1].date
    years = last.latest(today).year - first.earliest().year + 1 if first.start else None
    return Span(first, last, years)


def _eras(case: Case, today: date) -> tuple[Era, ...] | None:
    from casekit.sections import listing_order

    return tuple(listing_order("eras", case.eras, today)) or None


def _risks(case: Case) -> tuple[TopRisk, ...] | None:
    from casekit.sections import top_risks

    return tuple(TopRisk(r.id, r.severity, r.title) for r in top_risks(case)) or None


def check_different(library: Library, specs: Sequence[str]) -> None:
    """A usage error unless `specs` name two or more different case files (two versions of one
    case are two files)."""
    if len(specs) < 2:
        raise UsageError("compare needs at least two cases", hint="casekit compare CASE CASE …")
    named: dict[Path, str] = {}
    for spec in specs:
        path = library.find(spec).path.resolve()
        if path in named:
            same = (
                f"`{spec}` is named twice"
                if named[path] == spec
                else f"`{named[path]}` and `{spec}` are the same case file ({path})"
            )
            raise UsageError(
                f"{same}; compare needs different cases",
                hint="two versions of one case are two files: casekit compare acme_v1.yaml acme_v2.yaml",
            )
        named[path] = spec


def compare(
    cases: Sequence[Case], today: date, *, metrics: Sequence[str] = (), names: Sequence[str] | None = None
) -> Comparison:
    """Compare `cases` (two or more) attribute by attribute.

    Metrics shown are those at least two cases share, or the ones named in
    `metrics` (ids or names). `names` are the specs the cases were given by,
    used to label two versions of one case apart.
    """
    if len(cases) < 2:
        raise UsageError("compare needs at least two cases", hint="casekit compare CASE CASE …")
    labels = case_labels(cases, names)

    def row(group: str, label: str, values: Sequence[object]) -> Row:
        return Row(group, label, dict(zip(labels, values)))

    rows = [
        row("case", "company", [c.company for c in cases]),
        row("case", "title", [c.title for c in cases]),
        row("case", "as of", [c.as_of for c in cases]),
        row("case", "timeline span", [_span(c, today) for c in cases]),
    ]
    for name in SECTIONS:
        counts = [len(getattr(c, name)) for c in cases]
        if any(counts):
            rows.append(row("counts", name, counts))
    if any(c.eras for c in cases):
        rows.append(row("eras", "eras", [_eras(c, today) for c in cases]))

    if metrics:
        chosen = _pick_metrics(cases, metrics)
    else:
        chosen = [g for g in metric_groups(cases) if sum(m is not None for m in g) >= 2]
    for group in chosen:
        first = next(m for m in group if m is not None)
        rows.append(row("metrics", first.name, [_metric_cell(m) for m in group]))

    if any(c.risks for c in cases):
        rows.append(row("risks", "top risks", [_risks(c) for c in cases]))

    tag_sets = [set(c.tags) for c in cases]
    shared_tags = sorted(set.intersection(*tag_sets))
    rows.append(row("tags", "tags", [tuple(c.tags) or None for c in cases]))
    rows.append(row("tags", "shared tags", [tuple(shared_tags) or None] * len(cases)))

    themes = principle_themes(cases)
    for theme, per_case in themes.items():
        rows.append(row("themes", f"theme: {theme}", [tuple(principles) for principles in per_case]))
    return Comparison(labels, rows, shared_tags, list(themes))
