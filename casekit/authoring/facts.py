"""What writing needs to know about each section: its fields, their kinds and order, where a new
item goes, and which fields refer to which section's ids. All of it is read off the model."""

from __future__ import annotations

import functools
import types
import typing
from dataclasses import dataclass

import msgspec

from casekit.dates import PartialDate
from casekit.model import SECTIONS, Case, Observation, Role
from casekit.registry import references
from casekit.values import Value

# Sections whose items hold a list of entries that `add SECTION/ID` appends to.
ENTRY_LISTS: dict[str, tuple[str, type[msgspec.Struct]]] = {
    "metrics": ("observations", Observation),
    "people": ("roles", Role),
}
# Keys every item may carry, written after the item's own keys (before a metric's observations).
COMMON_TAIL = ("sources", "confidence", "note")
# How a new item is placed: by this key's date, or by this number; otherwise at the end.
SORTED_BY = {"timeline": ("date", "date"), "principles": ("n", "number")}


@dataclass(frozen=True, slots=True)
class Field:
    """One key of an item: its name, whether it must be given, and its kind."""

    name: str
    required: bool
    kind: str  # text, int, date, value, choice, ids, texts, entries

    @property
    def is_list(self) -> bool:
        """True for the kinds written as lists."""
        return self.kind in ("ids", "texts", "entries")


def _kind(name: str, tp: typing.Any) -> str:
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return _kind(name, args[0])
    if tp is PartialDate:
        return "date"
    if tp is Value:
        return "value"
    if tp is int:
        return "int"
    if typing.get_origin(tp) is typing.Literal:
        return "choice"
    if typing.get_origin(tp) is list:
        (inner,) = typing.get_args(tp)
        if isinstance(inner, type) and issubclass(inner, msgspec.Struct):
            return "entries"
        return "texts" if name == "mitigations" else "ids"
    return "text"


@functools.cache
def fields(tp: type[msgspec.Struct]) -> dict[str, Field]:
    """The fields of an item type in the order a reader expects them: id, the type's own keys,
    then sources, confidence and note (a metric's observations last)."""
    found = {
        f.encode_name: Field(f.encode_name, f.required, _kind(f.encode_name, f.type))
        for f in msgspec.structs.fields(tp)
    }
    own = [n for n in found if n not in COMMON_TAIL and n not in ("id", "observations")]
    order = (["id"] if "id" in found else []) + own + [n for n in COMMON_TAIL if n in found]
    order += [n for n in found if n not in order]
    return {n: found[n] for n in order}


def key_order(tp: type[msgspec.Struct]) -> list[str]:
    """The keys of an item type in their canonical order."""
    return list(fields(tp))


# The top level of a case in SPEC order.
TOP_ORDER = (
    "casekit",
    "id",
    "company",
    "title",
    "as_of",
    "summary",
    "tags",
    "categories",
    "sources",
    "people",
    "eras",
    "timeline",
    "metrics",
    "principles",
    "risks",
    "quotes",
    "moats",
    "flywheel",
    "segments",
    "competitors",
    "drivers",
    "lessons",
)
REQUIRED_SECTIONS = frozenset(
    f.encode_name for f in msgspec.structs.fields(Case) if f.required and f.encode_name in SECTIONS
)


def references_to(section: str) -> list[tuple[str, str]]:
    """The (section, field) pairs whose values are ids of `section`'s items (`casekit.registry.references`)."""
    return [(s, f) for s, f, target in references() if target == section]


def referred_section(section: str, field: str) -> str | None:
    """The section whose ids `section`'s `field` holds, or None for a field holding none."""
    return next((target for s, f, target in references() if (s, f) == (section, field)), None)


def item_type(section: str, entry: bool = False) -> type[msgspec.Struct]:
    """The type of an item of `section` (of one of its entries, with `entry`)."""
    return ENTRY_LISTS[section][1] if entry else SECTIONS[section]
