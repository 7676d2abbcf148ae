"""Sections → the flat records of SPEC §7, the one shape every machine format is written from.

Dates are normalised wherever they occur: the text as written, then ISO
`start` and `end` days (None on an open side). Values are `{text, low,
high, qualifier}`.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable
from typing import Any

import msgspec

from casekit.dates import PartialDate
from casekit.values import Value

def date_fields(date: PartialDate | None, name: str = "date") -> dict[str, Any]:
    """`{date, start, end}`: as written, then ISO days (None when open or absent).

    A date named other than `date` or `period` gets `<name>_start` and `<name>_end`.
    """
    start, end = _bound_names(name)
    if date is None:
        return {name: None, start: None, end: None}
    return {
        name: date.text,
        start: date.start.isoformat() if date.start else None,
        end: date.end.isoformat() if date.end else None,
    }


def _bound_names(name: str) -> tuple[str, str]:
    return ("start", "end") if name in ("date", "period") else (f"{name}_start", f"{name}_end")


def value_record(value: Value | None) -> dict[str, Any] | None:
    """`{text, low, high, qualifier}` of a value."""
    if value is None:
        return None
    return {"text": value.text, "low": value.low, "high": value.high, "qualifier": value.qualifier}


_COMMON = ("sources", "note", "confidence")


def item_record(item: msgspec.Struct) -> dict[str, Any]:
    """The normalised record of any item (or of anything nested in one): its own fields, each
    date with its ISO start and end, then the keys every item shares (`sources`, `note`,
    `confidence`), so tables read id, title, …"""
    out: dict[str, Any] = {}
    for f in msgspec.structs.fields(item):
        if f.name in _COMMON:
            continue
        value = getattr(item, f.name)
        if f.type in _DATE_TYPES:
            out.update(date_fields(value, f.encode_name))
        else:
            out[f.encode_name] = normalised(value)
    for name in _COMMON:
        if hasattr(item, name):
            out[name] = normalised(getattr(item, name))
    return out


def normalised(obj: Any) -> Any:
    """Any model object as JSON-ready builtins: structs as their records, values as
    `{text, low, high, qualifier}`, dates as written (their start and end sit beside them
    in the struct's record)."""
    if isinstance(obj, Value):
        return value_record(obj)
    if isinstance(obj, PartialDate):
        return obj.text
    if isinstance(obj, msgspec.Struct):
        return item_record(obj)
    if isinstance(obj, (list, tuple)):
        return [normalised(x) for x in obj]
    return obj


def event_record(event) -> dict[str, Any]:
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
    }


def principle_record(p) -> dict[str, Any]:
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
    }


def risk_record(r) -> dict[str, Any]:
    """SPEC §7 `risks -f json`."""
    return {
        "id": r.id,
        "title": r.title,
        "severity": r.severity,
        "likelihood": r.likelihood,
        "horizon": r.horizon,
        "description": r.description,
        "mitigations": list(r.mitigations),
        "principles": list(r.principles),
    }


def observation_record(o) -> dict[str, Any]:
    """One observation of a SPEC §7 metric record."""
    return {**date_fields(o.date), "value": value_record(o.value), "note": o.note, "sources": list(o.sources)}


def metric_record(m) -> dict[str, Any]:
    """SPEC §7 `metrics -f json`, the observations in date order (SPEC §2)."""
    from casekit.query import sort_by_date

    return {
        "id": m.id,
        "name": m.name,
        "unit": m.unit,
        "observations": [observation_record(o) for o in sort_by_date(m.observations)],
    }


RECORDS = {
    "timeline": event_record,
    "principles": principle_record,
    "risks": risk_record,
    "metrics": metric_record,
}


def records(section: str, items: Iterable, case_id: str | None = None) -> list[dict[str, Any]]:
    """The records of `items` of `section`; with `case_id`, each starts with `case`."""
    make = RECORDS.get(section, item_record)
    if case_id is None:
        return [make(item) for item in items]
    return [{"case": case_id, **make(item)} for item in items]


# --- the whole case ----------------------------------------------------------------------

def full_record(section: str, item) -> dict[str, Any]:
    """The SPEC §7 record of `item`, then every field of it that record leaves out: nothing lost."""
    return _extend(RECORDS.get(section, item_record)(item), item_record(item))


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
    from casekit.model import SECTIONS

    return {
        "casekit": case.casekit,
        "id": case.id,
        "company": case.company,
        "title": case.title,
        **date_fields(case.as_of, "as_of"),
        "summary": case.summary,
        "tags": list(case.tags),
        **{name: [full_record(name, item) for item in getattr(case, name)] for name in SECTIONS},
    }


_DATE_TYPES = (PartialDate, typing.Optional[PartialDate])
