"""Sections → the flat records of SPEC §7, the one shape every machine format is written from."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from casekit.dates import PartialDate
from casekit.values import Value


def date_fields(date: PartialDate | None, name: str = "date") -> dict[str, Any]:
    """`{date, start, end}`: as written, then ISO days (None when open or absent)."""
    if date is None:
        return {name: None, "start": None, "end": None}
    return {
        name: date.text,
        "start": date.start.isoformat() if date.start else None,
        "end": date.end.isoformat() if date.end else None,
    }


def value_record(value: Value | None) -> dict[str, Any] | None:
    """`{text, low, high, qualifier}` of a value."""
    if value is None:
        return None
    return {"text": value.text, "low": value.low, "high": value.high, "qualifier": value.qualifier}


def plain(obj: Any) -> Any:
    """Any model object as JSON-ready builtins, dates and values in their record shapes."""
    if isinstance(obj, PartialDate):
        return obj.text
    if isinstance(obj, Value):
        return value_record(obj)
    if isinstance(obj, msgspec.Struct):
        out = {}
        for f in msgspec.structs.fields(obj):
            out[f.encode_name] = plain(getattr(obj, f.name))
        return out
    if isinstance(obj, (list, tuple)):
        return [plain(x) for x in obj]
    return obj


_COMMON = ("sources", "note", "confidence")


def item_record(item: msgspec.Struct) -> dict[str, Any]:
    """The generic record of any section item: its own fields (dates with ISO start/end),
    then the keys every item shares (`sources`, `note`, `confidence`), so tables read id, title, …"""
    out: dict[str, Any] = {}
    for f in msgspec.structs.fields(item):
        if f.name in _COMMON:
            continue
        value = getattr(item, f.name)
        if isinstance(value, PartialDate) and f.name in ("date", "period"):
            out.update(date_fields(value, f.encode_name))
        else:
            out[f.encode_name] = plain(value)
    for name in _COMMON:
        if hasattr(item, name):
            out[name] = plain(getattr(item, name))
    return out


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


def metric_record(m) -> dict[str, Any]:
    """SPEC §7 `metrics -f json`, the observations in date order (SPEC §2)."""
    from casekit.query import sort_by_date

    return {
        "id": m.id,
        "name": m.name,
        "unit": m.unit,
        "observations": [
            {
                **date_fields(o.date),
                "value": value_record(o.value),
                "note": o.note,
                "sources": list(o.sources),
            }
            for o in sort_by_date(m.observations)
        ],
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
