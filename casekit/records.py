"""Sections → the flat records of SPEC §7, the one shape every machine format is written from.

Dates are normalised wherever they occur: the text as written, then ISO
`start` and `end` days (None on an open side). Values are `{text, low,
high, qualifier}`. A list of records knows its `shape` (its keys, with
nested mappings and lists of mappings spelled out), so an empty listing
still has columns.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Sequence
from datetime import date as Date
from typing import Any, TypedDict

import msgspec

from casekit.dates import PartialDate
from casekit.values import Value

VALUE_KEYS = ("text", "low", "high", "qualifier")


# --- the records' types: their keys are the columns of an empty listing too --------------


class ValueRecord(TypedDict):
    """A figure: as written, its bounds and how they hold (SPEC §7)."""

    text: str
    low: float | None
    high: float | None
    qualifier: str


class EventRecord(TypedDict):
    """SPEC §7 `timeline -f json`."""

    id: str
    date: str
    start: str | None
    end: str | None
    edtf: str | None
    title: str
    detail: str | None
    category: str | None
    era: str | None
    tags: list[str]
    sources: list[str]
    confidence: str | None
    note: str | None
    people: list[str]


class PrincipleRecord(TypedDict):
    """SPEC §7 `principles -f json`."""

    n: int
    id: str
    title: str
    summary: str
    benefit: str
    tradeoff: str
    tactic: str | None
    evidence: list[str]
    risks: list[str]
    tags: list[str]
    sources: list[str]
    confidence: str | None
    note: str | None


class RiskRecord(TypedDict):
    """SPEC §7 `risks -f json`."""

    id: str
    title: str
    severity: str
    likelihood: str | None
    horizon: str | None
    description: str | None
    mitigations: list[str]
    principles: list[str]
    sources: list[str]
    confidence: str | None
    note: str | None


class SourceRecord(TypedDict):
    """`sources -f json`: every field of the source, then `cited_by`, each item citing it as
    `SECTION/ID` (a REF `casekit show` takes)."""

    id: str
    title: str
    kind: str
    date: str | None
    start: str | None
    end: str | None
    edtf: str | None
    author: str | None
    url: str | None
    file: str | None
    sources: list[str]
    note: str | None
    confidence: str | None
    cited_by: list[str]


class ObservationRecord(TypedDict):
    """One observation of a metric record."""

    date: str
    start: str | None
    end: str | None
    edtf: str | None
    value: ValueRecord | None
    note: str | None
    sources: list[str]
    confidence: str | None


class MetricRecord(TypedDict):
    """SPEC §7 `metrics -f json`."""

    id: str
    name: str
    unit: str
    description: str | None
    observations: list[ObservationRecord]
    sources: list[str]
    confidence: str | None
    note: str | None


def typed_shape(record_type: type) -> dict:
    """The shape of records of the TypedDict `record_type`: its keys in order, a nested record's
    (alone, optional, or in a list) spelled out."""
    out: dict[str, Any] = {}
    for key, hint in typing.get_type_hints(record_type).items():
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        inner = args[0] if typing.get_origin(hint) is not None and len(args) == 1 else hint
        if typing.is_typeddict(inner):
            out[key] = [typed_shape(inner)] if typing.get_origin(hint) is list else typed_shape(inner)
        else:
            out[key] = None
    return out


class Records(list):
    """A list of records of one kind, with the `shape` of one (None when unknown)."""

    def __init__(self, items: Iterable[dict] = (), shape: dict | None = None) -> None:
        super().__init__(items)
        self.shape = shape


def date_fields(date: PartialDate | None, name: str = "date") -> dict[str, Any]:
    """`{date, start, end, edtf}`: as written, then ISO days (None when open or absent), then
    the date in EDTF (ISO 8601-2), which reads back as the same interval and flags.

    A date named other than `date` or `period` gets `<name>_start`, `<name>_end` and `<name>_edtf`.
    """
    start, end, edtf = _bound_names(name)
    if date is None:
        return {name: None, start: None, end: None, edtf: None}
    return {
        name: date.text,
        start: date.start.isoformat() if date.start else None,
        end: date.end.isoformat() if date.end else None,
        edtf: date.edtf(),
    }


def _bound_names(name: str) -> tuple[str, str, str]:
    if name in ("date", "period"):
        return ("start", "end", "edtf")
    return (f"{name}_start", f"{name}_end", f"{name}_edtf")


def value_record(value: Value | None) -> ValueRecord | None:
    """`{text, low, high, qualifier}` of a value."""
    if value is None:
        return None
    return {"text": value.text, "low": value.low, "high": value.high, "qualifier": value.qualifier}


_COMMON = ("sources", "note", "confidence")


def item_record(item: msgspec.Struct) -> dict[str, Any]:
    """The normalised record of any item (or of anything nested in one): its own fields, each
    date with its ISO start and end, then the keys every item shares (`sources`, `note`,
    `confidence`), so tables read id, title, …"""
    return plain(item)


def normalised(obj: Any) -> Any:
    """Any model object as the records write it (see `plain`)."""
    return plain(obj)


def plain(obj: Any, *, as_written: bool = False, set_only: bool = False) -> Any:
    """Any model object as JSON-ready builtins: the one converter of casekit's data.

    By default as the records write it: a struct as a mapping of its own fields then the keys
    every item shares, each date with its ISO start and end (and EDTF) beside it, a figure as
    `{text, low, high, qualifier}`. With `as_written`, dates and figures are their text alone (as
    the diff shows a value); with `set_only`, a struct's fields left unset (None, []) are left out.
    """
    return _plain(obj, as_written, set_only)


_SCALARS = (str, int, float, bool, type(None))


def _plain(obj: Any, as_written: bool, set_only: bool) -> Any:
    if isinstance(obj, _SCALARS):
        return obj
    if isinstance(obj, msgspec.Struct):
        out: dict[str, Any] = {}
        for name, written, is_date in _field_table(type(obj)):
            value = getattr(obj, name)
            if set_only and (value is None or value == []):
                continue
            if is_date and not as_written:
                out.update(date_fields(value, written))
            else:
                out[written] = value if isinstance(value, _SCALARS) else _plain(value, as_written, set_only)
        return out
    if isinstance(obj, Value):
        return obj.text if as_written else value_record(obj)
    if isinstance(obj, PartialDate):
        return obj.text
    if isinstance(obj, (list, tuple)):
        return [_plain(x, as_written, set_only) for x in obj]
    return obj


_FIELD_TABLES: dict[type, tuple[tuple[str, str, bool], ...]] = {}


def _field_table(tp: type) -> tuple[tuple[str, str, bool], ...]:
    """(attribute, name in the file, holds a date) of a struct type's fields, its own first and the
    keys every item may carry last; msgspec's lookup is slow, so once per type."""
    table = _FIELD_TABLES.get(tp)
    if table is None:
        fields = msgspec.structs.fields(tp)
        ordered = [f for f in fields if f.name not in _COMMON] + [f for f in fields if f.name in _COMMON]
        table = _FIELD_TABLES[tp] = tuple((f.name, f.encode_name, f.type in _DATE_TYPES) for f in ordered)
    return table


# The keys of an event's record, in order: the library index keeps a record as its values alone.
EVENT_RECORD_KEYS = tuple(EventRecord.__annotations__)


def event_record(event, case=None) -> EventRecord:
    """SPEC §7 `timeline -f json`."""
    return {
        "id": event.id,
        **date_fields(event.date),
        "title": event.title,
        "detail": event.detail,
        "category": event.category,
        "era": event.era,
        "tags": list(event.tags),
        "sources": list(event.sources),
        "confidence": event.confidence,
        "note": event.note,
        "people": list(event.people),
    }


def _provenance(item) -> dict[str, Any]:
    """The keys every item may carry that say what it rests on: `sources`, `confidence`, `note`."""
    return {"sources": list(item.sources), "confidence": item.confidence, "note": item.note}


def principle_record(p, case=None) -> PrincipleRecord:
    """SPEC §7 `principles -f json`."""
    return {
        "n": p.n,
        "id": p.id,
        "title": p.title,
        "summary": p.summary,
        "benefit": p.benefit,
        "tradeoff": p.tradeoff,
        "tactic": p.tactic,
        "evidence": list(p.evidence),
        "risks": list(p.risks),
        "tags": list(p.tags),
        **_provenance(p),
    }


def principle_detail_record(detail) -> dict[str, Any]:
    """`principle REF -f json`: the principle record (SPEC §7) plus the `evidence_events`,
    `related_risks` and `related_principles` of its `casekit.sections.PrincipleDetail`."""
    return {
        **principle_record(detail.principle),
        "evidence_events": [
            {"id": e.id, **date_fields(e.date), "title": e.title, "category": e.category} for e in detail.evidence
        ],
        "related_risks": [_risk_brief(r) for r in detail.risks],
        "related_principles": [
            {
                "n": rel.principle.n,
                "id": rel.principle.id,
                "title": rel.principle.title,
                "shared_risks": [r.id for r in rel.risks],
                "shared_tags": list(rel.tags),
            }
            for rel in detail.related
        ],
    }


_RISK_BRIEF = ("id", "title", "severity", "likelihood")


def _risk_brief(r) -> dict[str, Any]:
    """A risk named by another record: its id, title, severity and likelihood."""
    return {key: getattr(r, key) for key in _RISK_BRIEF}


def risk_record(r, case=None) -> RiskRecord:
    """SPEC §7 `risks -f json`. `principles` are linked either way, as `casekit risks` shows them:
    the ids the risk names, as written, then (given the risk's `case`) the principles that name
    the risk, by number."""
    return {
        "id": r.id,
        "title": r.title,
        "severity": r.severity,
        "likelihood": r.likelihood,
        "horizon": r.horizon,
        "description": r.description,
        "mitigations": list(r.mitigations),
        "principles": linked_principle_ids(r, case),
        **_provenance(r),
    }


def linked_principle_ids(risk, case=None) -> list[str]:
    """The principles `risk` names, as written, then those of `case` that name it, by number."""
    ids = list(dict.fromkeys(risk.principles))
    if case is not None:
        naming = sorted((p for p in case.principles if risk.id in p.risks and p.id not in ids), key=lambda p: p.n)
        ids += [p.id for p in naming]
    return ids


def source_record(s, case=None) -> SourceRecord:
    """`sources -f json`: every field of the source, then `cited_by`: the items of its `case`
    citing it (a metric also when only its observations do), as `SECTION/ID`, in the case's
    order of sections; empty without the case."""
    from casekit.links import links_to

    cited_by = [f"{link.section}/{link.item.id}" for link in links_to(case, "sources", s)] if case is not None else []
    return {**item_record(s), "cited_by": cited_by}  # type: ignore[typeddict-item]


def observation_record(o) -> ObservationRecord:
    """One observation of a SPEC §7 metric record."""
    return {
        **date_fields(o.date),
        "value": value_record(o.value),
        "note": o.note,
        "sources": list(o.sources),
        "confidence": o.confidence,
    }


def metric_record(m, case=None) -> MetricRecord:
    """SPEC §7 `metrics -f json`, the observations in date order (SPEC §2)."""
    from casekit.query import sort_by_date

    return {
        "id": m.id,
        "name": m.name,
        "unit": m.unit,
        "description": m.description,
        "observations": [observation_record(o) for o in sort_by_date(m.observations)],
        **_provenance(m),
    }


def _record(section: str, item, case=None) -> dict[str, Any]:
    """The SPEC §7 record of `item` of `section` (its `record` in `casekit.registry`), from its
    `case` where the record needs it (a risk's principles include those that name it)."""
    from casekit.registry import SECTIONS

    return SECTIONS[section].record_of(item, case)


def records(section: str, items: Iterable, case_id: str | None = None, *, case=None) -> Records:
    """The records of `items` of `section`; with `case_id`, each starts with `case`. `case` is the
    case the items are from: a risk's record then links the principles that name it too."""
    return _records(section, ((case_id, case, item) for item in items), several=case_id is not None)


def listing_records(section: str, rows: Iterable[tuple[Any, Any]], several: bool = False) -> Records:
    """The records of a listing's `(case, item)` rows of `section`; with `several`, each starts with
    `case`, its case's id."""
    return _records(section, ((case.id, case, item) for case, item in rows), several)


def _records(section: str, rows: Iterable[tuple[str | None, Any, Any]], several: bool) -> Records:
    return Records(
        (
            {"case": case_id, **_record(section, item, case)} if several else _record(section, item, case)
            for case_id, case, item in rows
        ),
        section_shape(section, several),
    )


# --- the whole case ----------------------------------------------------------------------


def full_record(section: str, item, case=None) -> dict[str, Any]:
    """The SPEC §7 record of `item` (from its `case`, see `records`), then every field of it that
    record leaves out: nothing lost."""
    return _extend(_record(section, item, case), item_record(item))


def _extend(record: Any, full: Any) -> Any:
    """`record` with the keys of `full` it lacks added, also inside lists of records of the same length."""
    if isinstance(record, dict) and isinstance(full, dict):
        out = {k: _extend(v, full[k]) if k in full else v for k, v in record.items()}
        out.update((k, v) for k, v in full.items() if k not in out)
        return out
    if isinstance(record, list) and isinstance(full, list) and len(record) == len(full):
        return [_extend(r, f) for r, f in zip(record, full)]
    return record


def case_record(case) -> dict[str, Any]:
    """The whole case normalised (`export -f json`): the header, then each section as its
    SPEC §7 records (with every other field of the items too)."""
    from casekit.registry import SECTIONS

    return {
        "casekit": case.casekit,
        "id": case.id,
        "company": case.company,
        "title": case.title,
        **date_fields(case.as_of, "as_of"),
        "summary": case.summary,
        "tags": list(case.tags),
        "categories": list(case.categories),
        **{name: [full_record(name, item, case) for item in getattr(case, name)] for name in SECTIONS},
    }


# --- a case at a glance ------------------------------------------------------------------


def overview_record(case, today: Date) -> dict[str, Any]:
    """`show -f json`: what `show` displays — the header, counts, key metrics, eras and top risks."""
    from casekit.registry import SECTIONS
    from casekit.sections import key_metrics, listing_order, top_risks

    metrics = [
        {"id": m.id, "name": m.name, "unit": m.unit, **date_fields(obs.date), "value": value_record(obs.value)}
        for m, obs in key_metrics(case)
    ]
    eras = [
        {"id": e.id, "title": e.title, **date_fields(e.period, "period")}
        for e in listing_order("eras", case.eras, today)
    ]
    return {
        "id": case.id,
        "company": case.company,
        "title": case.title,
        **date_fields(case.as_of, "as_of"),
        "summary": case.summary,
        "tags": list(case.tags),
        "counts": {name: len(getattr(case, name)) for name in SECTIONS},
        "key_metrics": metrics,
        "eras": eras,
        "top_risks": [_risk_brief(r) for r in top_risks(case)],
    }


def overview_shape() -> dict:
    """The shape of `overview_record`."""
    from casekit.registry import SECTIONS

    return {
        "id": None,
        "company": None,
        "title": None,
        **date_fields(None, "as_of"),
        "summary": None,
        "tags": None,
        "counts": dict.fromkeys(SECTIONS),
        "key_metrics": [
            {
                "id": None,
                "name": None,
                "unit": None,
                **date_fields(None),
                "value": dict.fromkeys(VALUE_KEYS),
            }
        ],
        "eras": [{"id": None, "title": None, **date_fields(None, "period")}],
        "top_risks": [dict.fromkeys(_RISK_BRIEF)],
    }


# --- the library -------------------------------------------------------------------------

LIBRARY_KEYS = (
    "id",
    "stem",
    "company",
    "title",
    "as_of",
    "events",
    "metrics",
    "principles",
    "risks",
    "path",
    "bundled",
    "error",
)


def library_record(ref, case, error: str | None = None, counts: Sequence[int] | None = None) -> dict[str, Any]:
    """`cases -f json`: one case file of the library — the case's id (`stem`, the file's, may differ),
    what it holds, where it is; `error` when it does not load. `counts` (events, metrics,
    principles, risks) stand for the case's own when it is only a head (`casekit.index`)."""
    if case is None:
        return {
            **dict.fromkeys(LIBRARY_KEYS),
            "id": ref.id,
            "stem": ref.id,
            "path": str(ref.path),
            "bundled": ref.bundled,
            "error": error,
        }
    return {
        "id": case.id,
        "stem": ref.id,
        "company": case.company,
        "title": case.title,
        "as_of": case.as_of.text,
        **dict(zip(("events", "metrics", "principles", "risks"), counts or _counts(case))),
        "path": str(ref.path),
        "bundled": ref.bundled,
        "error": None,
    }


def _counts(case) -> tuple[int, int, int, int]:
    return len(case.timeline), len(case.metrics), len(case.principles), len(case.risks)


# --- shapes ------------------------------------------------------------------------------

_DATE_TYPES = (PartialDate, typing.Optional[PartialDate])  # noqa: UP045 -- the annotation objects fields carry
_VALUE_TYPES = (Value, typing.Optional[Value])  # noqa: UP045


def struct_shape(struct: type) -> dict:
    """The shape of `item_record` for items of type `struct`."""
    out: dict[str, Any] = {}
    fields = msgspec.structs.fields(struct)
    for f in fields:
        if f.name in _COMMON:
            continue
        if f.type in _DATE_TYPES:
            out.update(date_fields(None, f.encode_name))
        elif f.type in _VALUE_TYPES:
            out[f.encode_name] = dict.fromkeys(VALUE_KEYS)
        elif typing.get_origin(f.type) is list and _is_struct(typing.get_args(f.type)[0]):
            out[f.encode_name] = [struct_shape(typing.get_args(f.type)[0])]
        else:
            out[f.encode_name] = None
    out.update((name, None) for name in _COMMON if any(f.name == name for f in fields))
    return out


def _is_struct(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, msgspec.Struct)


def section_shape(section: str, several: bool = False) -> dict:
    """The shape of a record of `section` (with `case` first when the listing spans several cases)."""
    from casekit.registry import SECTIONS

    spec = SECTIONS[section]
    shape = typed_shape(spec.record_class()) if spec.record_type else struct_shape(spec.type)
    return {"case": None, **shape} if several else dict(shape)


def shape_of(keys: Sequence[str]) -> dict:
    """The shape of flat records with `keys`."""
    return dict.fromkeys(keys)


# --- one item ----------------------------------------------------------------------------


def _link_record(case, link) -> dict[str, Any]:
    from casekit.links import item_title, ref_of

    return {
        "section": link.section,
        "id": link.item.id,
        "ref": ref_of(case, link.section, link.item),
        "title": item_title(link.section, link.item),
        "via": link.via,
    }


def item_full_record(case, section: str, item, today: Date | None = None) -> dict[str, Any]:
    """`show REF -f json`: where the item is (`case`, `section`, `ref`), its record with every field
    (as `export -f json` holds it), then `links` (what it names) and `backlinks` (what names it),
    each `{section, id, ref, title, via}`, `via` the field of the naming item that makes the link."""
    from casekit.links import links_from, links_to, ref_of

    return {
        "case": case.id,
        "section": section,
        "ref": ref_of(case, section, item),
        **full_record(section, item, case),
        "links": [_link_record(case, link) for link in links_from(case, section, item, today)],
        "backlinks": [_link_record(case, link) for link in links_to(case, section, item, today)],
    }
