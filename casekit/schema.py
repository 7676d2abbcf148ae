"""The JSON Schema of the case format, generated from the model."""

from __future__ import annotations

from typing import Any

from casekit.dates import PartialDate
from casekit.values import Value

_DATE = {
    "anyOf": [{"type": "string"}, {"type": "integer"}],
    "description": "A partial date: 2016, 2019-08, Aug 2019, 2024-Q1, late 2022, spring 2024, ~2015, 2016/2020, 2019/.. …",
}
_VALUE = {
    "anyOf": [{"type": "string"}, {"type": "number"}],
    "description": "A value as analysts write it: $13.8B, ~$1.4B, 300,000+, <$4B, $15–$50/hr, 45%, ~10x, A$600M …",
}


def _hook(tp: type) -> dict[str, Any]:
    if tp is PartialDate:
        return dict(_DATE)
    if tp is Value:
        return dict(_VALUE)
    raise NotImplementedError(tp)


def case_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) that accepts valid cases and rejects unknown keys."""
    import msgspec

    from casekit.model import Case

    schema = msgspec.json.schema(Case, schema_hook=_hook)
    # PartialDate and Value are dataclasses, which msgspec describes field by field
    # without asking the hook; in a case file they are written as text or numbers.
    defs = schema.get("$defs", {})
    for name, tp in (("PartialDate", PartialDate), ("Value", Value)):
        if name in defs:
            defs[name] = _hook(tp)
    _tighten(defs)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "casekit case"
    # Empty lists are fine to leave out; a null list (`tags:` with nothing after it) reads as empty.
    return schema


def _tighten(defs: dict[str, Any]) -> None:
    """What the structs leave to the checks but an editor can say as you type: ids and tags
    are slugs, the format version is 1, a case cites at least one source, and numbers
    and ranks are whole numbers from 1."""
    from casekit.checks import SLUG_PATTERN
    from casekit.loader import MAX_WHOLE_NUMBER

    slug = {"type": "string", "pattern": SLUG_PATTERN}
    for definition in defs.values():
        properties = definition.get("properties", {})
        if "id" in properties:
            properties["id"] = {**slug, "description": "a slug, unique within its section"}
        if "tags" in properties:
            properties["tags"]["items"] = dict(slug)
        for whole in ("n", "rank"):
            if properties.get(whole, {}).get("type") == "integer":
                properties[whole].update(minimum=1, maximum=MAX_WHOLE_NUMBER)
    case = defs["Case"]["properties"]
    case["casekit"] = {"const": 1, "description": "the format version"}
    case["sources"]["minItems"] = 1
