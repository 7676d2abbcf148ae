"""The case format (SPEC §1) as typed, immutable-by-convention msgspec structs.

No I/O and no Rich here. Dates and values arrive already parsed
(`PartialDate`, `Value`); the loader does that and reports positions.

The annotations are evaluated as the module is imported (no `from
__future__ import annotations`): msgspec and the loader read every field's
type, and evaluating a hundred annotation strings on first use cost more
than writing them as types does here.
"""

from typing import Literal, get_args

import msgspec

from casekit.dates import PartialDate
from casekit.values import Value

FORMAT_VERSION = 1

Confidence = Literal["official", "reported", "estimated", "disputed"]
Severity = Literal["low", "medium", "medium-high", "high", "critical"]
Likelihood = Literal["low", "medium", "high"]
SourceKind = Literal["article", "blog", "memo", "filing", "interview", "dataset", "book", "other"]

SEVERITIES: tuple[str, ...] = get_args(Severity)  # in rising order
LIKELIHOODS: tuple[str, ...] = get_args(Likelihood)
# The timeline's categories casekit knows; a case declares any others it uses (`Case.categories`).
CATEGORIES: tuple[str, ...] = (
    "funding",
    "product",
    "customer",
    "government",
    "market",
    "leadership",
    "people",
    "deal",
    "other",
)


class _Struct(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    pass


class Item(_Struct, kw_only=True):
    """Keys every item of every list section may carry."""

    id: str
    sources: list[str] = []
    note: str | None = None
    confidence: Confidence | None = None


class Source(Item, kw_only=True):
    """Where facts come from: an article, a filing, an interview…"""

    title: str
    kind: SourceKind
    date: PartialDate | None = None
    author: str | None = None
    url: str | None = None
    file: str | None = None


class Role(_Struct, kw_only=True):
    """A title a person held, and when."""

    title: str
    period: PartialDate | None = None


class Person(Item, kw_only=True):
    """Someone in the case, with the roles they held."""

    name: str
    roles: list[Role] = []


class Era(Item, kw_only=True):
    """A named phase of the case over a period."""

    title: str
    period: PartialDate
    summary: str | None = None


class Event(Item, kw_only=True):
    """Something that happened: an item of the timeline."""

    date: PartialDate
    title: str
    detail: str | None = None
    category: str | None = None
    era: str | None = None
    tags: list[str] = []
    people: list[str] = []


class Observation(_Struct, kw_only=True):
    """One value of a metric at a date (matched by date, so it has no id)."""

    date: PartialDate
    value: Value
    sources: list[str] = []
    note: str | None = None
    confidence: Confidence | None = None


class Metric(Item, kw_only=True):
    """A figure measured over time: its unit and its observations."""

    name: str
    unit: str
    description: str | None = None
    observations: list[Observation] = []


class Principle(Item, kw_only=True):
    """What the case teaches: numbered, with what it buys (benefit) and what it costs (tradeoff)."""

    n: int
    title: str
    summary: str
    benefit: str
    tradeoff: str
    tactic: str | None = None
    evidence: list[str] = []
    risks: list[str] = []
    tags: list[str] = []


class Risk(Item, kw_only=True):
    """What could go wrong: severity, likelihood, mitigations."""

    title: str
    severity: Severity
    likelihood: Likelihood | None = None
    horizon: str | None = None
    description: str | None = None
    mitigations: list[str] = []
    principles: list[str] = []


class Quote(Item, kw_only=True):
    """Something said, by a person id or a name."""

    text: str
    speaker: str
    date: PartialDate | None = None
    context: str | None = None


class Moat(Item, kw_only=True):
    """A competitive advantage, ranked (1 = most durable)."""

    rank: int
    title: str
    time_to_replicate: str | None = None
    cost: str | None = None
    description: str | None = None


class FlywheelEdge(Item, kw_only=True):
    """One step of the flywheel: `from` drives `to`."""

    from_: str = msgspec.field(name="from")
    to: str
    description: str | None = None


class Segment(Item, kw_only=True):
    """A part of the business over a period, with its figures."""

    name: str
    period: PartialDate | None = None
    revenue: Value | None = None
    share: Value | None = None
    growth: Value | None = None
    margin: Value | None = None
    description: str | None = None


class Competitor(Item, kw_only=True):
    """A rival: its segment, position and scale."""

    name: str
    segment: str | None = None
    position: str | None = None
    scale: Value | None = None
    notes: str | None = None


class Driver(Item, kw_only=True):
    """A force behind the growth, and its horizon."""

    title: str
    description: str | None = None
    horizon: str | None = None


class Lesson(Item, kw_only=True):
    """A takeaway drawn from a source."""

    title: str
    summary: str | None = None


class Case(_Struct, kw_only=True):
    """One case study: the whole file."""

    casekit: int
    id: str
    company: str
    title: str
    as_of: PartialDate
    sources: list[Source]
    timeline: list[Event]
    metrics: list[Metric]
    principles: list[Principle]
    risks: list[Risk]
    summary: str | None = None
    tags: list[str] = []
    categories: list[str] = []  # timeline categories beyond CATEGORIES that the case uses on purpose
    people: list[Person] = []
    eras: list[Era] = []
    quotes: list[Quote] = []
    moats: list[Moat] = []
    flywheel: list[FlywheelEdge] = []
    segments: list[Segment] = []
    competitors: list[Competitor] = []
    drivers: list[Driver] = []
    lessons: list[Lesson] = []


def section(case: Case, name: str) -> list:
    """The items of one list section of `case`."""
    from casekit.registry import SECTIONS

    if name not in SECTIONS:
        raise KeyError(name)
    return getattr(case, name)


def __getattr__(name: str):
    # `SECTIONS` (section name -> item type) is derived from `casekit.registry`, where each section is declared.
    if name == "SECTIONS":
        from casekit.registry import SECTIONS

        return {key: spec.type for key, spec in SECTIONS.items()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def severity_rank(severity: str | None) -> int:
    """0 for low … 4 for critical; -1 when unknown."""
    try:
        return SEVERITIES.index(severity)  # type: ignore[arg-type]
    except ValueError:
        return -1


def likelihood_rank(likelihood: str | None) -> int:
    """0 for low … 2 for high; -1 when not given."""
    try:
        return LIKELIHOODS.index(likelihood)  # type: ignore[arg-type]
    except ValueError:
        return -1
