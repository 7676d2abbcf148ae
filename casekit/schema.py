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


# What an editor shows on hover over a key: the same words wherever the key stands.
_DESCRIPTIONS = {
    "as_of": "the date the case tells its story up to",
    "timeline": "what happened, event by event, each with its date",
    "metrics": "figures over time, each an id, a name, a unit and dated observations",
    "eras": "the periods the story falls into",
    "quotes": "words people said, exactly, with who said them",
    "moats": "what protects the business, ranked",
    "flywheel": "the loop of steps that drive each other: each step from one node to the next",
    "segments": "parts of the business, with their figures",
    "competitors": "who else plays, and where",
    "drivers": "forces outside the company that move its market",
    "lessons": "what the case teaches",
    "author": "who wrote the source",
    "benefit": "what following the principle gains",
    "category": (
        "what kind of event: funding, product, customer, government, market, leadership, people, deal, other, "
        "or one the case declares in `categories`"
    ),
    "categories": "timeline categories this case uses beyond casekit's own (funding, product, …), each a slug",
    "company": "the company the case is about",
    "confidence": "how sure the sources are: official, reported, estimated or disputed",
    "context": "where and when it was said",
    "cost": "what copying the moat would cost a rival",
    "date": "when it happened, as a partial date",
    "description": "a longer account, in your own words",
    "detail": "what happened, at more length than the title",
    "era": "the id of the era the event belongs to",
    "evidence": "ids of the timeline events that show the principle at work",
    "file": "a path to a local copy of the source",
    "from": "the node this flywheel step starts from",
    "growth": "the segment's growth over its period",
    "horizon": "when it may come to bear",
    "kind": "what sort of source: article, blog, memo, filing, interview, dataset, book or other",
    "likelihood": "how likely the risk is: low, medium or high (leave it out when no source says)",
    "margin": "the segment's margin",
    "mitigations": "what the company does or could do about the risk",
    "n": "the principle's number, from 1",
    "name": "the name as written",
    "note": "a caveat: where sources disagree, what a figure leaves out",
    "notes": "what sets this competitor apart",
    "observations": "the metric's values, each with its date and sources",
    "people": "ids of the people involved",
    "period": "the span it covers, as a partial date such as 2016/2020",
    "position": "where the competitor stands",
    "principles": "ids of the principles this one answers to",
    "rank": "the moat's rank, 1 the strongest",
    "revenue": "the segment's revenue in its period",
    "risks": "ids of the risks this principle runs",
    "roles": "the person's roles, each with its period",
    "scale": "how large the competitor is",
    "segment": "the market segment the competitor plays in",
    "severity": "how bad it would be, from low to critical",
    "share": "the segment's share of the whole",
    "sources": "ids of the sources this rests on",
    "speaker": "the id of the person quoted, or a name",
    "summary": "a short account, in your own words",
    "tactic": "how the principle was put into practice",
    "tags": "free labels, each a slug",
    "text": "the words quoted, exactly",
    "time_to_replicate": "how long a rival would need to copy the moat",
    "title": "a one-line title",
    "to": "the node this flywheel step leads to",
    "tradeoff": "what following the principle costs",
    "unit": "what the metric counts: USD, percent, count, people …",
    "url": "where the source can be read",
    "value": "the value as analysts write it: $13.8B, ~45%, 300,000+",
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
        for slugs in ("tags", "categories"):
            if slugs in properties:
                properties[slugs]["items"] = dict(slug)
        for whole in ("n", "rank"):
            if properties.get(whole, {}).get("type") == "integer":
                properties[whole].update(minimum=1, maximum=MAX_WHOLE_NUMBER)
    for definition in defs.values():
        for name, prop in definition.get("properties", {}).items():
            if prop.get("type") == "array":  # `tags:` with nothing after it reads as an empty list
                prop["type"] = ["array", "null"]
            if name in _DESCRIPTIONS and "description" not in prop:
                prop["description"] = _DESCRIPTIONS[name]
    case = defs["Case"]["properties"]
    case["casekit"] = {"const": 1, "description": "the format version"}
    case["sources"]["minItems"] = 1
