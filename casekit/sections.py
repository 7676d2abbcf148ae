"""Ordering, listings and cross-reference resolution for the sections of a case.

Principles, risks, metrics, moats, the flywheel and the rest, as data:
sorted, filtered and limited as their listings show them, and with their
references to other items resolved. No Rich here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import msgspec

from casekit.errors import UsageError
from casekit.model import (
    SEVERITIES,
    Case,
    Competitor,
    Event,
    FlywheelEdge,
    Metric,
    Moat,
    Observation,
    Principle,
    Risk,
    likelihood_rank,
    severity_rank,
)
from casekit.query import grep as grep_items
from casekit.query import in_era, select, sort_by_date
from casekit.registry import SECTIONS

# --- principles -------------------------------------------------------------


def filter_principles(
    principles: Iterable[Principle], grep: str | None = None, tags: Sequence[str] = ()
) -> list[Principle]:
    """Principles whose text contains `grep` (ignoring case) and that carry every tag in `tags`
    (ignoring case, as the timeline's `--tag` does)."""
    wanted = {t.casefold() for t in tags}
    kept = [p for p in principles if wanted <= {t.casefold() for t in p.tags}]
    return grep_items(kept, grep)


def principle_rows(
    cases: Sequence[Case], *, grep: str | None = None, tags: Sequence[str] = (), limit: int | None = None
) -> list[tuple[Case, Principle]]:
    """The principles `casekit principles` lists over `cases`, each with its case: case by case, by
    number, filtered as `filter_principles`, at most `limit` in all. A tag no principle of the
    cases carries is a `UsageError`, as the timeline's is: a typo more often than a question."""
    from casekit.query import check_known

    check_known("tag", tags, {t for c in cases for p in c.principles for t in p.tags})
    rows = [(c, p) for c in cases for p in filter_principles(listing_order("principles", c.principles), grep, tags)]
    return select(rows, limit=limit)


def principles_listing(
    case: Case, *, grep: str | None = None, tags: Sequence[str] = (), limit: int | None = None
) -> list[Principle]:
    """The principles `casekit principles` lists for one case (see `principle_rows`)."""
    return [p for _, p in principle_rows([case], grep=grep, tags=tags, limit=limit)]


def resolve_principle(case: Case, ref: str) -> Principle:
    """The principle whose number or id is `ref`; a `UsageError` listing the numbers otherwise."""
    text = ref.strip()
    for p in case.principles:
        if p.id == text or str(p.n) == text.lstrip("#"):
            return p
    folded = text.casefold()
    for p in case.principles:
        if p.id.casefold() == folded:
            return p
    numbers = ", ".join(str(p.n) for p in sorted(case.principles, key=lambda p: p.n))
    if not numbers:
        raise UsageError(f"no principle `{ref}`: {case.id} has no principles")
    from casekit.problems import did_you_mean

    hint = did_you_mean(text, [p.id for p in case.principles], names={p.id: p.title for p in case.principles})
    listing = f"principles of {case.id}: {numbers}"
    raise UsageError(
        f"no principle `{ref}` in {case.id}; {listing}",
        hint=hint or "give a principle's number or its id (`casekit principles --brief` lists them)",
    )


def related_risks(case: Case, principle: Principle) -> list[Risk]:
    """Risks the principle names and risks that name the principle, most severe first."""
    return risks_by_severity(r for r in case.risks if r.id in principle.risks or principle.id in r.principles)


def linked_principles(case: Case, risk: Risk) -> list[Principle]:
    """Principles the risk names and principles that name the risk, by number."""
    found = [p for p in case.principles if p.id in risk.principles or risk.id in p.risks]
    return sorted(found, key=lambda p: p.n)


class Relation(msgspec.Struct):
    """Another principle and what it shares with the one in view."""

    principle: Principle
    risks: list[Risk] | None = None  # None: none
    tags: list[str] | None = None

    def __post_init__(self) -> None:
        if self.risks is None:
            self.risks = []
        if self.tags is None:
            self.tags = []


class PrincipleDetail(msgspec.Struct):
    """A principle with its references resolved: evidence events, risks, kin."""

    principle: Principle
    evidence: list[Event]
    missing_evidence: list[str]
    risks: list[Risk]
    related: list[Relation]


def principle_detail(case: Case, principle: Principle, today: date | None = None) -> PrincipleDetail:
    """`principle` with its evidence in date order, its risks (back-links too) and the
    principles that share a risk or a tag with it."""
    events = {e.id: e for e in case.timeline}
    evidence = sort_by_date((events[i] for i in principle.evidence if i in events), today=today)
    missing = [i for i in principle.evidence if i not in events]
    risks = related_risks(case, principle)
    risk_ids = {r.id for r in risks}
    related: list[Relation] = []
    for other in sorted(case.principles, key=lambda p: p.n):
        if other.id == principle.id:
            continue
        shared_risks = [r for r in related_risks(case, other) if r.id in risk_ids]
        shared_tags = [t for t in other.tags if t in principle.tags]
        if shared_risks or shared_tags:
            related.append(Relation(other, shared_risks, shared_tags))
    return PrincipleDetail(principle, evidence, missing, risks, related)


# --- metrics ----------------------------------------------------------------


def resolve_metric(case: Case, ref: str) -> Metric:
    """The metric with id `ref`, else the one whose id or name matches it ignoring case; a
    `UsageError` with a hint otherwise."""
    for m in case.metrics:
        if m.id == ref:
            return m
    folded = ref.casefold()
    for m in case.metrics:
        if folded in (m.id.casefold(), m.name.casefold()):
            return m
    from casekit.problems import did_you_mean

    ids = [m.id for m in case.metrics]
    hint = did_you_mean(ref, ids, names={m.id: m.name for m in case.metrics})
    raise UsageError(
        f"no metric `{ref}` in {case.id}",
        hint=hint or ("`casekit metrics` lists them" if ids else f"{case.id} has no metrics"),
    )


def metric_rows(
    cases: Sequence[Case], *, grep: str | None = None, limit: int | None = None, observed_only: bool = False
) -> tuple[list[tuple[Case, Metric]], int]:
    """The metrics `casekit metrics` lists over `cases`, each with its case (as written, case by
    case, those whose text contains `grep`, at most `limit` in all), and how many matching ones
    `observed_only` left out for having no observation: in a view as of a date, a metric with
    nothing observed by then was not known then."""
    found = [(c, m) for c in cases for m in grep_items(c.metrics, grep)]
    unknown = 0
    if observed_only:
        kept = [(c, m) for c, m in found if m.observations]
        unknown, found = len(found) - len(kept), kept
    return select(found, limit=limit), unknown


def metrics_listing(
    case: Case, *, grep: str | None = None, limit: int | None = None, observed_only: bool = False
) -> tuple[list[Metric], int]:
    """The metrics `casekit metrics` lists for one case, and how many `observed_only` left out
    (see `metric_rows`)."""
    rows, unknown = metric_rows([case], grep=grep, limit=limit, observed_only=observed_only)
    return [m for _, m in rows], unknown


# --- risks ------------------------------------------------------------------


def risks_by_severity(risks: Iterable[Risk], min_severity: str | None = None) -> list[Risk]:
    """Most severe first; among equals the more likely first, then file order.
    With `min_severity`, risks below it are left out."""
    if min_severity is not None and min_severity not in SEVERITIES:
        raise UsageError(f"`{min_severity}` is not a severity", hint="one of " + ", ".join(SEVERITIES))
    floor = severity_rank(min_severity) if min_severity else -1
    kept = [r for r in risks if severity_rank(r.severity) >= floor]
    return sorted(kept, key=lambda r: (-severity_rank(r.severity), -likelihood_rank(r.likelihood)))


def risk_rows(
    cases: Sequence[Case], *, min_severity: str | None = None, grep: str | None = None, limit: int | None = None
) -> list[tuple[Case, Risk]]:
    """The risks `casekit risks` lists over `cases`, each with its case: case by case by severity
    (see `risks_by_severity`), those whose text contains `grep`, at most `limit` in all."""
    rows = [(c, r) for c in cases for r in grep_items(risks_by_severity(c.risks, min_severity), grep)]
    return select(rows, limit=limit)


def risks_listing(
    case: Case, *, min_severity: str | None = None, grep: str | None = None, limit: int | None = None
) -> list[Risk]:
    """The risks `casekit risks` lists for one case (see `risk_rows`)."""
    return [r for _, r in risk_rows([case], min_severity=min_severity, grep=grep, limit=limit)]


UNRATED = "unrated"


def risk_matrix(risks: Iterable[Risk], min_severity: str | None = None) -> dict[str, dict[str, list[Risk]]]:
    """severity → likelihood (or `unrated`) → risks, every cell present, most severe row first;
    with `min_severity`, the rows stop at it."""
    from casekit.model import LIKELIHOODS

    floor = severity_rank(min_severity) if min_severity else -1
    matrix = {s: {lk: [] for lk in (*LIKELIHOODS, UNRATED)} for s in reversed(SEVERITIES) if severity_rank(s) >= floor}
    for risk in risks_by_severity(risks, min_severity):
        matrix[risk.severity][risk.likelihood or UNRATED].append(risk)
    return matrix


# --- a case at a glance -----------------------------------------------------

KEY_METRICS = 8  # `show` lists the first this many metrics, as the case orders them
TOP_RISKS = 3


def latest_observation(metric: Metric) -> Observation | None:
    """The observation with the latest date (the last written among equals), or None."""
    if not metric.observations:
        return None
    return max(enumerate(metric.observations), key=lambda io: (io[1].date.sort_key(), io[0]))[1]


def key_metrics(case: Case) -> list[tuple[Metric, Observation]]:
    """What `show` leads with: the first `KEY_METRICS` metrics as the case orders them, each with
    its latest observation (a metric with none is left out)."""
    found = [(m, latest_observation(m)) for m in case.metrics[:KEY_METRICS]]
    return [(m, obs) for m, obs in found if obs is not None]


def top_risks(case: Case, n: int = TOP_RISKS) -> list[Risk]:
    """The `n` most severe risks, as `casekit risks` lists them."""
    return risks_by_severity(case.risks)[:n]


# --- the other sections -----------------------------------------------------


def moats_by_rank(moats: Iterable[Moat], today: date | None = None) -> list[Moat]:
    """Most durable (rank 1) first; equal ranks in file order."""
    return sorted(moats, key=lambda m: m.rank)


def by_segment(competitors: Iterable[Competitor]) -> list[tuple[str | None, list[Competitor]]]:
    """Competitors grouped by segment, segments in the order they first appear."""
    groups: dict[str | None, list[Competitor]] = {}
    for c in competitors:
        groups.setdefault(c.segment, []).append(c)
    return list(groups.items())


def by_date(items: list, today: date | None = None) -> list:
    """Items in date order (the timeline)."""
    return sort_by_date(items, today=today)


def by_date_undated_last(items: list, today: date | None = None) -> list:
    """Dated items in date order, then the undated ones as written (quotes)."""
    return sort_by_date([q for q in items if q.date is not None], today=today) + [q for q in items if q.date is None]


def by_period(items: list, today: date | None = None) -> list:
    """Items in the order of their periods (eras)."""
    return sort_by_date(items, key=lambda e: e.period, today=today)


def by_number(items: list, today: date | None = None) -> list:
    """Principles by number."""
    return sorted(items, key=lambda p: p.n)


def by_severity(items: list, today: date | None = None) -> list:
    """Risks most severe first (see `risks_by_severity`)."""
    return risks_by_severity(items)


def by_segment_group(items: list, today: date | None = None) -> list:
    """Competitors grouped by segment (see `by_segment`)."""
    return [c for _, members in by_segment(items) for c in members]


def listing_order(section: str, items: Iterable, today: date | None = None) -> list:
    """A section's items in the order its listing shows them (each section's `order` in
    `casekit.registry`): the timeline and quotes by date (undated quotes last), eras by period,
    principles by number, risks by severity, moats by rank, competitors grouped by segment; the
    rest as written."""
    return SECTIONS[section].ordered(items, today)


def listing(
    section: str, cases: Sequence[Case], *, grep: str | None = None, limit: int | None = None, today: date | None = None
) -> list[tuple[Case, object]]:
    """The items of `section` that `casekit SECTION` lists over `cases`, each with its case: case by
    case in `listing_order`, those whose text contains `grep`, at most `limit` in all."""
    rows = [(c, item) for c in cases for item in grep_items(listing_order(section, getattr(c, section), today), grep)]
    return select(rows, limit=limit)


def citations(case: Case) -> dict[str, int]:
    """How many facts (items and metric observations) cite each source id."""
    counts = {s.id: 0 for s in case.sources}
    for name in SECTIONS:
        if name == "sources":
            continue
        for item in getattr(case, name):
            for sid in item.sources:
                counts[sid] = counts.get(sid, 0) + 1
            for obs in getattr(item, "observations", ()):
                for sid in obs.sources:
                    counts[sid] = counts.get(sid, 0) + 1
    return counts


def era_events(case: Case, today: date) -> dict[str, int]:
    """How many timeline events belong to each era (the era they name, or one holding them)."""
    return {era.id: sum(in_era(e, era, today) for e in case.timeline) for era in case.eras}


def person_events(case: Case) -> dict[str, int]:
    """How many timeline events name each person."""
    return {p.id: sum(p.id in e.people for e in case.timeline) for p in case.people}


def speaker_name(case: Case, speaker: str) -> str:
    """A quote's speaker: the person's name when it is a person id, else as written."""
    for person in case.people:
        if person.id == speaker:
            return person.name
    return speaker


# --- the flywheel -----------------------------------------------------------


class Flywheel(msgspec.Struct):
    """The flywheel's edges as loops: each loop a list of node labels, first node not repeated.

    `open_edges` are the edges that lie on no cycle, decided on the graph itself (its strongly
    connected components), never on the loops listed; `loops` is for display, and `cut` says
    that there were more than were listed."""

    loops: list[list[str]]
    open_edges: list[FlywheelEdge]
    edges: list[FlywheelEdge]
    cut: bool = False

    @property
    def closed(self) -> bool:
        """True when the edges make loops and every edge lies on one."""
        return bool(self.loops) and not self.open_edges

    def problems(self) -> list[str]:
        """Why the loop does not close, one sentence per open edge."""
        starts = {e.from_ for e in self.edges}
        ends = {e.to for e in self.edges}
        out = []
        for edge in self.open_edges:
            why = []
            if edge.to not in starts:
                why.append(f"nothing leads on from `{edge.to}`")
            if edge.from_ not in ends:
                why.append(f"nothing leads into `{edge.from_}`")
            reason = " and ".join(why) or "it lies on no cycle"
            out.append(f"flywheel edge `{edge.id}` ({edge.from_} → {edge.to}) is in no loop: {reason}")
        return out


MAX_LOOPS = 50  # loops listed at most
_LOOP_STEPS = 20_000  # path extensions tried while listing them: the number of simple cycles can be exponential


def components(succ: dict[str, list[str]]) -> dict[str, int]:
    """Each node's strongly connected component, numbered (Tarjan's algorithm, iterative, linear time)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in succ:
        if root in index:
            continue
        work = [(root, iter(succ.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(succ.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                number = len(set(component.values()))
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = number
                    if member == node:
                        break
    return component


def flywheel_loops(edges: Sequence[FlywheelEdge]) -> Flywheel:
    """The simple cycles the edges make, each starting at its earliest-mentioned node (at most
    `MAX_LOOPS` of them), and the edges that lie on no cycle."""
    order: dict[str, int] = {}
    for e in edges:
        order.setdefault(e.from_, len(order))
        order.setdefault(e.to, len(order))
    succ: dict[str, list[str]] = {node: [] for node in order}
    for e in edges:
        if e.to not in succ[e.from_]:
            succ[e.from_].append(e.to)
    component = components(succ)
    # An edge lies on a cycle exactly when both its ends are in one component (a self-loop too).
    open_edges = [e for e in edges if component[e.from_] != component[e.to]]
    loops, cut = _simple_cycles(order, succ, component)
    loops.sort(key=lambda loop: [order[n] for n in loop])
    return Flywheel(loops, open_edges, list(edges), cut)


def _simple_cycles(order, succ, component) -> tuple[list[list[str]], bool]:
    """Simple cycles, each found once from its earliest-mentioned node, walking only later nodes of
    its own component; stops at `MAX_LOOPS` loops or `_LOOP_STEPS` steps, and says whether it did."""
    loops: list[list[str]] = []
    steps = 0
    for start in order:
        stack = [(start, [start])]
        while stack:
            if steps >= _LOOP_STEPS:
                return loops, True
            node, path = stack.pop()
            for nxt in reversed(succ[node]):
                steps += 1
                if nxt == start:
                    if len(loops) == MAX_LOOPS:
                        return loops, True
                    loops.append(path)
                elif component[nxt] == component[start] and order[nxt] > order[start] and nxt not in path:
                    stack.append((nxt, path + [nxt]))
    return loops, False


class FlywheelShown(msgspec.Struct):
    """One case's flywheel in a listing: the whole wheel and the edges kept."""

    case: Case
    wheel: Flywheel
    edges: list[FlywheelEdge]

    def warnings(self) -> list[str]:
        """What is wrong with the whole wheel: each edge on no loop, or no loop at all."""
        found = self.wheel.problems()
        if self.case.flywheel and not self.wheel.loops:
            found.append("the flywheel's edges make no loop")
        return found


def flywheel_listing(
    cases: Sequence[Case], *, grep: str | None = None, limit: int | None = None
) -> list[FlywheelShown]:
    """Each case's flywheel as `casekit flywheel` shows it: its loops, and the edges whose text
    contains `grep`, at most `limit` in all (the first cases' first)."""
    shown = []
    left = limit
    for c in cases:
        kept = grep_items(c.flywheel, grep)
        if left is not None:
            kept, left = kept[:left], max(0, left - len(kept))
        shown.append(FlywheelShown(c, flywheel_loops(c.flywheel), kept))
    return shown


def flywheel_edge(flywheel: Flywheel, a: str, b: str) -> FlywheelEdge | None:
    """The first edge from `a` to `b`."""
    return next((e for e in flywheel.edges if e.from_ == a and e.to == b), None)
