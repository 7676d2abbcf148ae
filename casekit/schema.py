"""The JSON Schema of the case format, generated from the model."""

from __future__ import annotations

from typing import Any

from casekit.dates import PartialDate
from casekit.values import Value

# Every date written as text names a year, in full or with its last digits unspecified (`201X`,
# `19XX`): enough for an editor to flag `yesterday`; the parser checks the rest.
_DATE_PATTERN = r"^(?=.*(?:[0-9]{4}|[0-9]{3}[Xx]|[0-9]{2}[Xx]{2})).+$"

_DATE = {
    "anyOf": [{"type": "string", "pattern": _DATE_PATTERN}, {"type": "integer", "minimum": 1, "maximum": 9999}],
    "description": (
        "A partial date, as case studies write it or in EDTF (ISO 8601-2): a year 2016; a month 2019-08, "
        "Aug 2019; a day 2022-11-30, Nov 30, 2022, 1985-04-12T23:20:30 (kept to its day); a quarter "
        "2024-Q1, Q1 2024, 2024-33; a half 2024-H2, 2024-41; a third early/mid/late 2022, 2022-37; a season "
        "spring 2024, 2024-21; a decade 2010s, 201X; a century 19XX; unspecified parts 1985-04-XX; "
        "approximate ~2015, c. 2015, 2015~; uncertain 2015?; both 2015%; a span 2016/2020, 2016–2020; open "
        "ends 2019/.., 2019–present, ../2024-12, by late 2024; one moment somewhere in a span between 2016 "
        "and 2019, [2016..2019], [1667,1668,1670..1672]; all of a set {1960,1961-12}. Years 1 to 9999."
    ),
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
