"""A case as pandas DataFrames, for notebooks and analysis across cases.

`frames(case)` gives one DataFrame per section (`timeline`, `metrics`,
`principles` …), one row per item in file order, plus `case` (one row: the
case's own fields), `observations` (one row per observation of a metric,
with its `metric` id) and `roles` (one row per role of a person, with its
`person` id). Columns follow the format's keys (`from_` is `from`):

- a date is an interval: `date` as written, `date_start` and `date_end`
  (datetime64, NaT for an open side: `2019/..` has no end);
- a figure is its bounds: `value` as written, `value_low`, `value_high`
  (floats, NaN for an open side: `300K+` has no high) and `value_qualifier`;
- lists (sources, tags, evidence …) are lists; missing text is None.

pandas is imported here, by the first call, and only here.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from casekit.dates import PartialDate
from casekit.model import SECTIONS, Case
from casekit.values import Value

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["frames"]

# Nested lists of records that get a frame of their own, keyed by their parent's id.
_CHILDREN = {"metrics": ("observations", "metric"), "people": ("roles", "person")}


def frames(case: Case) -> dict[str, pd.DataFrame]:
    """The case as DataFrames: `case`, then one per section in the format's order, `observations`, `roles`."""
    import pandas as pd

    tables: dict[str, tuple[list[str], list[dict[str, Any]]]] = {
        "case": (_columns(Case, skip=set(SECTIONS)), [_row(case, skip=set(SECTIONS))])
    }
    for section, struct in SECTIONS.items():
        items = getattr(case, section)
        child = _CHILDREN.get(section)
        skip = {child[0]} if child else set()
        tables[section] = (_columns(struct, skip), [_row(item, skip) for item in items])
        if child:
            name, parent = child
            part = typing.get_args(typing.get_type_hints(struct)[name])[0]  # list[Observation]: Observation
            rows = [{parent: item.id, **_row(p)} for item in items for p in getattr(item, name)]
            tables[name] = ([parent, *_columns(part)], rows)
    return {name: _frame(pd, columns, rows) for name, (columns, rows) in tables.items()}


@functools.cache
def _fields(struct: type) -> tuple[tuple[str, str, str], ...]:
    """(field, column, kind) for each field of a struct; kind is `date`, `value` or `plain`."""
    hints = typing.get_type_hints(struct)
    out = []
    for name in struct.__struct_fields__:  # type: ignore[attr-defined]
        kinds = typing.get_args(hints[name]) or (hints[name],)
        kind = "date" if PartialDate in kinds else "value" if Value in kinds else "plain"
        out.append((name, name.rstrip("_"), kind))
    return tuple(out)


def _columns(struct: type, skip: Collection[str] = ()) -> list[str]:
    out: list[str] = []
    for name, key, kind in _fields(struct):
        if name not in skip:
            out += [key, *(f"{key}_{end}" for end in _ENDS[kind])]
    return out


_ENDS = {"date": ("start", "end"), "value": ("low", "high", "qualifier"), "plain": ()}


def _row(item: Any, skip: Collection[str] = ()) -> dict[str, Any]:
    """One item's cells: dates as text and ends, figures as text and bounds."""
    row: dict[str, Any] = {}
    for name, key, kind in _fields(type(item)):
        if name in skip:
            continue
        value = getattr(item, name)
        if kind == "plain":
            row[key] = list(value) if isinstance(value, list) else value
        elif value is None:
            row.update(dict.fromkeys([key, *(f"{key}_{end}" for end in _ENDS[kind])]))
        elif kind == "date":
            row.update({key: value.text, f"{key}_start": value.start, f"{key}_end": value.end})
        else:
            row.update({key: value.text, f"{key}_low": value.low, f"{key}_high": value.high})
            row[f"{key}_qualifier"] = value.qualifier
    return row


def _frame(pd: Any, columns: list[str], rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns:
        if column.endswith(("_start", "_end")):
            frame[column] = pd.to_datetime(frame[column])
        elif column.endswith(("_low", "_high")):
            frame[column] = frame[column].astype(float)
    return frame
