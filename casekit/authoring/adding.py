"""A new item from `key=value` arguments (and answers to prompts), and the text with it added."""

from __future__ import annotations

import typing
from collections.abc import Callable, Sequence
from typing import Any

from casekit.authoring.edits import Layout, add_entry, add_item, item_ids
from casekit.authoring.facts import ENTRY_LISTS, Field, fields, item_type, referred_section
from casekit.authoring.fields import ordered, parse_fields
from casekit.authoring.layout import mapping_get, scalar_value
from casekit.errors import UsageError
from casekit.model import CATEGORIES, SECTIONS

# Asks for one field: (field, suggested value, words to complete) -> the answer ("" to leave it out).
Ask = Callable[[Field, "str | None", list[str]], str]

# Words an id leaves out of a title.
_SMALL_WORDS = frozenset(
    {"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "by", "with", "from", "as", "its"}
)


def split_target(spec: str) -> tuple[str, str | None]:
    """`timeline` -> (timeline, None); `metrics/revenue` -> (metrics, revenue)."""
    section, _, parent = spec.partition("/")
    if section not in SECTIONS:
        from casekit.problems import did_you_mean

        raise UsageError(f"no section `{section}`", hint=did_you_mean(section, list(SECTIONS)) or ", ".join(SECTIONS))
    if parent and section not in ENTRY_LISTS:
        raise UsageError(
            f"{section} items hold no entries to add to",
            hint="SECTION/ID adds to metrics/ID (observations) or people/ID (roles)",
        )
    return section, parent or None


def suggest_id(label: str, taken: Sequence[str | None], style: str = "_") -> str:
    """An id made from a title or name (its first few words), not one of `taken`."""
    from casekit.checks import slugify

    words = [w for w in slugify(label).replace("_", "-").split("-") if w]
    words = [w for w in words if w not in _SMALL_WORDS] or words
    base = style.join(words[:4]) or "item"
    if not base[0].isalnum():
        base = "item" + base
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{style}{n}", n + 1
    return candidate


def _id_style(ids: Sequence[str | None]) -> str:
    hyphens = sum("-" in (i or "") for i in ids)
    underscores = sum("_" in (i or "") for i in ids)
    return "-" if hyphens > underscores else "_"


def next_number(lay: Layout, section: str) -> str:
    """The number after the highest `n` of a section's items (1 for the first)."""
    numbers = []
    for block in lay.items(section):
        value = scalar_value(mapping_get(block.node, "n"))
        if value is not None and str(value).isdigit():
            numbers.append(int(value))
    return str(max(numbers, default=0) + 1)


def completion_words(lay: Layout, field: Field, section: str) -> list[str]:
    """What a prompt for `section`'s `field` offers: ids of the section it refers to (an entry's
    sources, those of sources), categories."""
    target = "sources" if field.name == "sources" else referred_section(section, field.name)
    if target is not None:
        return [i for i in item_ids(lay, target) if i]
    if field.name == "category":
        used = [scalar_value(mapping_get(b.node, "category")) for b in lay.items("timeline")]
        return list(dict.fromkeys(list(CATEGORIES) + [u for u in used if u]))
    return []


def choice_words(tp: type, name: str) -> list[str]:
    """The values a choice field accepts (kind, severity, likelihood, confidence)."""
    import msgspec

    for f in msgspec.structs.fields(tp):
        if f.encode_name == name:
            args = [a for a in typing.get_args(f.type) if a is not type(None)]
            inner = args[0] if args and typing.get_origin(f.type) is not typing.Literal else f.type
            return list(typing.get_args(inner))
    return []


def build_item(
    text: str, spec: str, args: Sequence[str], *, ask: Ask | None = None, path: str = "<case>"
) -> tuple[str | None, dict[str, Any]]:
    """The parent id (for an entry) and the item that `args` (and, with `ask`, the answers) describe."""
    section, parent = split_target(spec)
    tp = item_type(section, entry=parent is not None)
    noun = f"an entry of {section}/{parent}" if parent else f"a {section} item"
    item = parse_fields(tp, args, noun)
    lay = Layout(text, path)
    known = fields(tp)
    suggestion = None
    if "id" in known and "id" not in item:
        label = item.get("title") or item.get("name") or item.get("text")
        ids = item_ids(lay, section)
        suggestion = suggest_id(str(label), ids, _id_style(ids)) if label else None
    # The id is asked for last, so that it can be suggested from the title given just before.
    missing = sorted((f for f in known.values() if f.required and f.name not in item), key=lambda f: f.name == "id")
    if ask is not None and any(f.name != "id" for f in missing):  # asking anyway: offer what completes
        missing = _with_optional(missing, known, item, lay, tp, section)
    if ask is not None:
        for f in missing:
            words = completion_words(lay, f, section) or choice_words(tp, f.name)
            if f.name == "id" and suggestion is None:
                label = item.get("title") or item.get("name") or item.get("text")
                ids = item_ids(lay, section)
                suggestion = suggest_id(str(label), ids, _id_style(ids)) if label else None
            default = suggestion if f.name == "id" else next_number(lay, section) if f.name == "n" else None
            answer = ask(f, default, words).strip()
            if answer:
                item.update(parse_fields(tp, [f"{f.name}={answer}"], noun))
    else:  # no one to ask: the suggested id, and the next number for a principle
        if suggestion is not None:
            item["id"] = suggestion
        if "n" in known and "n" not in item:
            item["n"] = int(next_number(lay, section))
    still = [f.name for f in known.values() if f.required and f.name not in item]
    if still:
        raise UsageError(
            f"{noun} needs {', '.join(still)}",
            hint=f"casekit add {spec} " + " ".join(f"{n}=…" for n in still) + " (at a terminal, casekit asks)",
        )
    return parent, ordered(tp, item)


# Optional fields a terminal session does not offer: rarely wanted when adding an item.
_NOT_OFFERED = frozenset({"confidence"})


def _with_optional(
    missing: list[Field], known: dict[str, Field], item: dict, lay: Layout, tp: type, section: str
) -> list[Field]:
    """`missing` (required fields, the id last) with the optional fields not given that the case can
    complete (sources, category, era, people, evidence, …) before the id: a session that asks at
    all also asks for these, each skipped with Enter."""
    offered = [
        f
        for f in known.values()
        if not f.required
        and f.name not in item
        and f.name not in _NOT_OFFERED
        and (completion_words(lay, f, section) or choice_words(tp, f.name))
    ]
    head = [f for f in missing if f.name != "id"]
    return head + offered + [f for f in missing if f.name == "id"]


def new_text(text: str, spec: str, parent: str | None, item: dict[str, Any], path: str = "<case>") -> str:
    """`text` with `item` added to `spec`'s section (or to item `parent`'s entries)."""
    section = spec.partition("/")[0]
    if parent is not None:
        return add_entry(text, section, parent, item, path)
    return add_item(text, section, item, path)
