"""Semantic diff of two cases (SPEC §6): what changed, item by item, not line by line.

Items are matched by section and id, never by position, so reordering a
file is no change. Of the items left unmatched on each side, pairs whose
text is nearly the same are one item renamed (token-set Jaccard, paired
greedily best-first; candidates come from a prefix-filtered token index, so
big inputs are never compared all-pairs). Matched items are compared field
by field: dates by meaning (`Aug 2019` is `2019-08`; `2019` → `2019-08` is a
refinement; a period, a duration, is refined only end by end), figures by
quantity (`$13.8B` is `13,800,000,000 USD`; a metric's bare number is in its
unit), prose word by word, metric observations by date (an observation
redated within its old interval is the same one), and lists of mappings
inside an item (a person's roles) as sets.

    result = diff(old_case, new_case)
    result.summary()   # {"timeline": {"added": 2, ...}, ...}
    result.record()    # SPEC §7 `diff -f json`

Operands as the CLI takes them (a path, an id, `CASE@DATE`, `REV:PATH`,
`:PATH`, `-`) become cases through `Library.resolve`.
"""

from __future__ import annotations

import functools
import math
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import msgspec

from casekit.dates import PartialDate
from casekit.model import Case, likelihood_rank, severity_rank
from casekit.records import _plain as _plain_data
from casekit.registry import SECTIONS
from casekit.values import Value, growth

__all__ = [
    "CASE_SECTION",
    "KINDS",
    "Change",
    "DiffResult",
    "diff",
    "diff_items",
    "refines",
    "refines_period",
    "word_diff",
]

KINDS = ("added", "removed", "changed", "renamed", "moved", "refined")
# The summary's keys: SPEC §7's four, then the two it allows on top.
SUMMARY_KEYS = ("added", "removed", "changed", "refined", "renamed", "moved")
# Every change record has SPEC §7's keys (null where they do not apply), then whichever of these are set.
CHANGE_KEYS = ("section", "id", "kind", "field", "old", "new")
EXTRA_KEYS = ("new_id", "at", "entry", "detail", "label", "growth")
# The columns of `diff -f csv`, the same whatever the changes hold.
ROW_SHAPE: dict = {
    **dict.fromkeys((*CHANGE_KEYS, *EXTRA_KEYS)),
    "growth": dict.fromkeys(("change", "pct", "approximate", "bound", "since")),
}
# The columns of `diff --stat -f csv`.
SUMMARY_SHAPE: dict = dict.fromkeys(("section", *SUMMARY_KEYS))
# Top-level fields (as_of, title, …) are reported under this pseudo-section.
CASE_SECTION = "case"
SECTION_NAMES = (CASE_SECTION, *SECTIONS)
CASE_FIELDS = ("casekit", "id", "company", "title", "as_of", "summary", "tags", "categories")

# Fields shown as a word-level diff rather than old → new (any long text is too): each section's
# `prose_fields` in `casekit.registry`, the case's summary, and the note any item or observation carries.
PROSE_FIELDS = frozenset({"summary", "note", *(field for spec in SECTIONS.values() for field in spec.prose_fields)})
_LONG_TEXT = 60
# Fields that say what an item is about least: ids, references, tags, enums.
# They are left out when judging whether two items are the same one renamed,
# or two different events of the same category and era would look alike.
_NOT_CONTENT = frozenset(
    {
        "id",
        "sources",
        "confidence",
        "category",
        "era",
        "tags",
        "people",
        "evidence",
        "risks",
        "principles",
        "kind",
        "severity",
        "likelihood",
        "n",
        "rank",
        "horizon",
    }
)
RENAME_THRESHOLD = 0.6
# The rename search's work per unmatched item, so that it stays near-linear: index entries read
# (the rarest tokens' first), and candidates scored (those sharing the most rare tokens).
MAX_POSTINGS = 200
MAX_CANDIDATES = 20

# Redated observations of one metric are paired by trying every leftover pair; past this many
# (hundreds of observations redated at once) they are reported as removed and added instead.
MAX_NESTING_PAIRS = 250_000

_WORD = re.compile(r"\w+")
_MARK = re.compile(r"\w+|[^\w\s]")  # words and punctuation marks
_ID_ONLY = frozenset({"id"})
_second = operator.itemgetter(1)


# Keys any item may carry: compared and shown after the item's own fields.
_COMMON_FIELDS = ("sources", "note", "confidence")


@functools.cache
def _fields(tp: type) -> tuple[tuple[str, str], ...]:
    """(attribute, name in the file) of a struct type's fields, its own first and the keys every
    item may carry last; msgspec's lookup is slow, so once per type."""
    fields = msgspec.structs.fields(tp)
    ordered = [f for f in fields if f.name not in _COMMON_FIELDS] + [f for f in fields if f.name in _COMMON_FIELDS]
    return tuple((f.name, f.encode_name) for f in ordered)


# --- results -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """One difference. Every change of one item carries that item's (old) id.

    `old`/`new` are JSON-ready: dates and figures as written, an added or
    removed item (or entry of a list) as a mapping of its fields. Extras:
    `new_id` (a renamed item's new id, on all its changes), `at` (the item's
    date, or that of the observation or entry changed), `entry` (which entry
    of a list of mappings: a role's title), `detail` ("escalated",
    "+$25M (+50%)", "similarity 87%"), `label` (what the item is called),
    `growth` (`{change, pct, approximate, bound}` between two figures) and
    `words` (a prose field's word diff: pairs of "=", "-" or "+" and text).
    """

    section: str
    id: str
    kind: str
    field: str | None = None
    old: Any = None
    new: Any = None
    new_id: str | None = None
    at: str | None = None
    detail: str | None = None
    label: str | None = None
    words: tuple[tuple[str, str], ...] | None = None
    growth: dict[str, Any] | None = None
    entry: str | None = None

    def record(self) -> dict[str, Any]:
        """SPEC §7's change record, plus whichever extras are set (not `words`)."""
        out = {
            "section": self.section,
            "id": self.id,
            "kind": self.kind,
            "field": self.field,
            "old": self.old,
            "new": self.new,
        }
        for name in EXTRA_KEYS:
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


@dataclass
class DiffResult:
    """The changes between two cases, grouped by section in SECTION_NAMES order."""

    changes: list[Change]
    a: str = "a"
    b: str = "b"

    @property
    def same(self) -> bool:
        """True when nothing differs."""
        return not self.changes

    def sections(self) -> list[str]:
        """Sections with at least one change, in display order."""
        present = {c.section for c in self.changes}
        return [s for s in SECTION_NAMES if s in present]

    def in_section(self, name: str) -> list[Change]:
        """The changes in section `name`, in order."""
        return [c for c in self.changes if c.section == name]

    def only(self, sections: Iterable[str]) -> DiffResult:
        """The same diff limited to `sections`."""
        keep = set(sections)
        return DiffResult([c for c in self.changes if c.section in keep], self.a, self.b)

    def summary(self) -> dict[str, dict[str, int]]:
        """Per section, items counted by what happened to them.

        An item counts once: renamed, else added or removed, else changed
        (any field, an observation added or removed included), else refined
        (only dates made more precise). `moved` is counted on its own, since
        a moved item may also have changed.
        """
        kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
        for c in self.changes:
            bucket = kinds[(c.section, c.id)]
            if c.kind in ("renamed", "moved", "refined") or (c.kind in ("added", "removed") and c.field is None):
                bucket.add(c.kind)
            else:
                bucket.add("changed")
        out: dict[str, dict[str, int]] = {}
        for name in self.sections():
            out[name] = dict.fromkeys(SUMMARY_KEYS, 0)
        for (name, _), found in kinds.items():
            counts = out[name]
            for kind in ("renamed", "added", "removed", "changed", "refined"):
                if kind in found:
                    counts[kind] += 1
                    break
            if "moved" in found:
                counts["moved"] += 1
        return out

    def record(self) -> dict[str, Any]:
        """SPEC §7 `diff -f json`: `{a, b, changes, summary}`."""
        return {"a": self.a, "b": self.b, "changes": [c.record() for c in self.changes], "summary": self.summary()}

    def summary_record(self) -> dict[str, Any]:
        """`diff --stat -f json`: `{a, b, summary}`, the counts without the changes."""
        return {"a": self.a, "b": self.b, "summary": self.summary()}

    def summary_rows(self) -> list[dict[str, Any]]:
        """`diff --stat -f csv`: a row per section that changed, its counts in SUMMARY_KEYS order."""
        return [{"section": name, **counts} for name, counts in self.summary().items()]

    def rows(self) -> list[dict[str, Any]]:
        """The change records as rows of one table (csv): every key on every row, in one order,
        and an added or removed item (a mapping, or a list of them) as its JSON text in a cell."""
        import json

        out = []
        for change in self.changes:
            record = change.record()
            row = {}
            for key in (*CHANGE_KEYS, *EXTRA_KEYS):
                value = record.get(key)
                if key in ("old", "new") and (
                    isinstance(value, dict)
                    or (isinstance(value, list) and any(isinstance(x, (dict, list)) for x in value))
                ):
                    value = json.dumps(value, ensure_ascii=False)
                row[key] = value
            out.append(row)
        return out


# --- the diff ------------------------------------------------------------------------------


def diff(
    a: Case | None,
    b: Case | None,
    *,
    order: bool = False,
    sections: Iterable[str] = (),
    threshold: float = RENAME_THRESHOLD,
) -> DiffResult:
    """The changes from case `a` to case `b`; None stands for no case (a file added or deleted).

    With `order`, items whose relative position changed are reported as moved.
    With `sections` (names in SECTION_NAMES), only those sections are compared.
    `threshold` is the similarity (0–1) above which an unmatched pair is a rename.
    """
    wanted = set(sections) or set(SECTION_NAMES)
    changes: list[Change] = _case_fields(a, b) if CASE_SECTION in wanted else []
    for name in SECTIONS:
        if name not in wanted:
            continue
        old = getattr(a, name) if a is not None else []
        new = getattr(b, name) if b is not None else []
        changes.extend(diff_items(name, old, new, order=order, threshold=threshold))
    return DiffResult(changes, a.id if a is not None else "/dev/null", b.id if b is not None else "/dev/null")


def _case_fields(a: Case | None, b: Case | None) -> list[Change]:
    if a is None and b is None:
        return []
    if a is None or b is None:
        case = a or b
        assert case is not None
        kind = "added" if a is None else "removed"
        plain = _plain_case(case)
        return [
            Change(
                CASE_SECTION,
                case.id,
                kind,
                None,
                plain if a is not None else None,
                plain if b is not None else None,
                at=case.as_of.text,
                label=case.title,
            )
        ]
    out = []
    for name in CASE_FIELDS:
        found = compare_field(name, getattr(a, name), getattr(b, name))
        if found:
            out.append(Change(CASE_SECTION, a.id, label=b.title, **found))
    return out


def _plain_case(case: Case) -> dict[str, Any]:
    return {name: plain(getattr(case, name)) for name in CASE_FIELDS if getattr(case, name) not in (None, [])}


def diff_items(
    section: str, old: Sequence, new: Sequence, *, order: bool = False, threshold: float = RENAME_THRESHOLD
) -> list[Change]:
    """The changes between two lists of one section's items, matched by id."""
    a_keys = _keyed(old)
    b_keys = _keyed(new)
    b_index = {key: j for j, key in enumerate(b_keys)}
    a_index = {key: i for i, key in enumerate(a_keys)}
    pairs = [(i, b_index[key]) for i, key in enumerate(a_keys) if key in b_index]
    removed = [i for i, key in enumerate(a_keys) if key not in b_index]
    added = [j for j, key in enumerate(b_keys) if key not in a_index]
    renames: list[tuple[int, int, float]] = []
    if removed and added:
        found = similar_pairs([old[i] for i in removed], [new[j] for j in added], threshold)
        renames = [(removed[x], added[y], score) for x, y, score in found]
        paired_a = {i for i, _, _ in renames}
        paired_b = {j for _, j, _ in renames}
        removed = [i for i in removed if i not in paired_a]
        added = [j for j in added if j not in paired_b]

    out: list[Change] = []
    for i in removed:
        item = old[i]
        out.append(
            Change(section, a_keys[i], "removed", None, plain(item), None, at=_item_date(item), label=item_label(item))
        )
    for j in added:
        item = new[j]
        out.append(
            Change(section, b_keys[j], "added", None, None, plain(item), at=_item_date(item), label=item_label(item))
        )
    for i, j, _ in sorted(renames, key=lambda r: r[1]):
        before, after = old[i], new[j]
        base = {"new_id": b_keys[j], "at": _item_date(after), "label": item_label(after)}
        changed = compare_items(section, a_keys[i], before, after, base)
        out.append(
            Change(
                section,
                a_keys[i],
                "renamed",
                "id",
                a_keys[i],
                b_keys[j],
                detail=f"similarity {rename_similarity(before, after, changed)}%",
                **base,
            )
        )
        out.extend(changed)
    for i, j in pairs:
        before, after = old[i], new[j]
        if before == after:  # the common case, decided in C
            continue
        base = {"at": _item_date(after), "label": item_label(after)}
        out.extend(compare_items(section, a_keys[i], before, after, base))
    if order:
        matched = sorted([(j, i, a_keys[i]) for i, j in pairs] + [(j, i, a_keys[i]) for i, j, _ in renames])
        stay = set(longest_increasing([i for _, i, _ in matched]))
        for j, i, key in matched:
            if i not in stay:
                item = new[j]
                new_id = b_keys[j] if b_keys[j] != key else None
                out.append(
                    Change(
                        section,
                        key,
                        "moved",
                        None,
                        i + 1,
                        j + 1,
                        new_id=new_id,
                        at=_item_date(item),
                        label=item_label(item),
                        detail=f"position {i + 1} → {j + 1}",
                    )
                )
    return out


def _keyed(items: Sequence) -> list[str]:
    """Each item's id; a repeated id (only in an unchecked case) gets `#2`, `#3`…"""
    seen: Counter[str] = Counter()
    keys = []
    for item in items:
        ident = item.id
        seen[ident] += 1
        keys.append(ident if seen[ident] == 1 else f"{ident}#{seen[ident]}")
    return keys


def compare_items(
    section: str, key: str, old: msgspec.Struct, new: msgspec.Struct, base: dict[str, Any]
) -> list[Change]:
    """Field-by-field changes between two versions of one item (the id aside)."""
    out: list[Change] = []
    for name, written in _fields(type(new)):
        if name == "id":
            continue
        before, after = getattr(old, name, None), getattr(new, name, None)
        if before == after:
            continue
        if name == "observations":
            out.extend(_observations(section, key, old, new, base))
            continue
        if _is_entries(before) and _is_entries(after):
            out.extend(_entries(section, key, written, before, after, base))
            continue
        found = compare_field(written, before, after)
        if found:
            out.append(Change(section, key, **found, **base))
    return out


def compare_field(name: str, old: Any, new: Any) -> dict[str, Any] | None:
    """How one field changed, as Change keyword arguments; None when it did not (in meaning)."""
    if old == new:
        return None
    if isinstance(old, PartialDate) or isinstance(new, PartialDate):
        return _date_change(name, old, new)
    if isinstance(old, Value) or isinstance(new, Value):
        return _value_change(name, old, new)
    if isinstance(old, str) or isinstance(new, str):
        return _text_change(name, old, new)
    if isinstance(old, list) and isinstance(new, list) and all(isinstance(x, str) for x in old + new):
        gone = [x for x in old if x not in new]
        came = [x for x in new if x not in old]
        if not gone and not came and sorted(old) == sorted(new):
            return None  # the same entries in another order
        parts = [f"−{x}" for x in gone] + [f"+{x}" for x in came]
        return {
            "kind": "changed",
            "field": name,
            "old": list(old),
            "new": list(new),
            "detail": ", ".join(parts) or None,
        }
    return {"kind": "changed", "field": name, "old": plain(old), "new": plain(new)}


# Fields that hold a duration (an era, a segment's figures, a role held): moving an end is a change.
PERIOD_FIELDS = frozenset({"period"})


def _date_change(name: str, old: PartialDate | None, new: PartialDate | None) -> dict[str, Any]:
    kind, detail = "changed", None
    if old is not None and new is not None:
        more_precise = refines_period if name.rpartition(".")[2] in PERIOD_FIELDS else refines
        if more_precise(old, new):
            kind = "refined"
        elif more_precise(new, old):
            detail = "less precise"
    return {"kind": kind, "field": name, "old": plain(old), "new": plain(new), "detail": detail}


def _value_change(name: str, old: Value | None, new: Value | None) -> dict[str, Any] | None:
    if old is not None and new is not None and old.same_quantity(new):
        return None  # written differently, means the same
    out: dict[str, Any] = {"kind": "changed", "field": name, "old": plain(old), "new": plain(new)}
    g = growth(old, new) if old is not None and new is not None else None
    if g is not None and (g.change is not None or g.pct is not None):
        out["detail"] = g.display() or None
        out["growth"] = {"change": g.change, "pct": g.pct, "approximate": g.approximate, "bound": g.bound}
    return out


def _text_change(name: str, old: Any, new: Any) -> dict[str, Any] | None:
    if isinstance(old, str) and isinstance(new, str) and old.split() == new.split():
        return None  # only line breaks or spacing differ (YAML folding, say)
    out: dict[str, Any] = {"kind": "changed", "field": name, "old": plain(old), "new": plain(new)}
    if name in ("severity", "likelihood") and old is not None and new is not None:
        rank = severity_rank if name == "severity" else likelihood_rank
        if rank(new) != rank(old):
            out["detail"] = "escalated" if rank(new) > rank(old) else "de-escalated"
    elif (
        isinstance(old, str) and isinstance(new, str) and (name in PROSE_FIELDS or max(len(old), len(new)) > _LONG_TEXT)
    ):
        out["words"] = word_diff(old, new)
    return out


# --- entries: a person's roles, and any other list of mappings inside an item -------------------


def _is_entries(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, msgspec.Struct) for x in value)


def _entry_changes(old: msgspec.Struct, new: msgspec.Struct) -> list[dict[str, Any]]:
    """How two entries of a list differ, field by field (in meaning)."""
    out = []
    for name, written in _fields(type(new)):
        found = compare_field(written, getattr(old, name, None), getattr(new, name, None))
        if found:
            out.append(found)
    return out


def _pair_entries(old: Sequence, new: Sequence, *keys) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs (i, j) of old and new entries, one to one: entries alike in meaning first, then entries
    with the same value under each of `keys` in turn (in order); and the old and new left over."""
    pairs: list[tuple[int, int]] = []
    left_old, left_new = list(range(len(old))), list(range(len(new)))
    tests = [lambda a, b: not _entry_changes(a, b)] + [
        (lambda a, b, k=k: k(a) is not None and k(a) == k(b)) for k in keys
    ]
    for test in tests:
        for i in list(left_old):
            j = next((j for j in left_new if test(old[i], new[j])), None)
            if j is not None:
                pairs.append((i, j))
                left_old.remove(i)
                left_new.remove(j)
    return pairs, left_old, left_new


def _entries(section: str, key: str, name: str, old: list, new: list, base: dict[str, Any]) -> list[Change]:
    """A list of mappings in an item (a person's roles) as a set: the entries added, removed or changed.

    Order means nothing (roles are read by period); an entry whose label (a role's title) or date
    stayed is the same entry edited.
    """
    pairs, gone, came = _pair_entries(old, new, entry_label, _entry_date)
    rest = {k: v for k, v in base.items() if k != "at"}
    found: list[tuple[tuple, Change]] = []  # (where the entry falls in date order, change)

    def where(entry: Any) -> tuple:
        when = _entry_date(entry)
        return (0, when.sort_key()) if when is not None else (1,)

    for i in gone:
        found.append(
            (
                where(old[i]),
                Change(
                    section,
                    key,
                    "removed",
                    name,
                    plain(old[i]),
                    None,
                    at=_entry_date_text(old[i]),
                    entry=entry_label(old[i]),
                    **rest,
                ),
            )
        )
    for j in came:
        found.append(
            (
                where(new[j]),
                Change(
                    section,
                    key,
                    "added",
                    name,
                    None,
                    plain(new[j]),
                    at=_entry_date_text(new[j]),
                    entry=entry_label(new[j]),
                    **rest,
                ),
            )
        )
    for i, j in pairs:
        for change in _entry_changes(old[i], new[j]):
            change["field"] = f"{name}.{change['field']}"
            found.append(
                (
                    where(new[j]),
                    Change(section, key, at=_entry_date_text(new[j]), entry=entry_label(old[i]), **change, **rest),
                )
            )
    found.sort(key=lambda pair: pair[0])
    return [change for _, change in found]


def entry_label(entry: Any) -> str | None:
    """What an entry of a list is called: a role's title (its name or text, for other kinds)."""
    for name in ("title", "name", "text"):
        value = getattr(entry, name, None)
        if isinstance(value, str):
            return value
    return None


def _entry_date(entry: Any) -> PartialDate | None:
    for name in ("date", "period"):
        value = getattr(entry, name, None)
        if isinstance(value, PartialDate):
            return value
    return None


def _entry_date_text(entry: Any) -> str | None:
    when = _entry_date(entry)
    return when.text if when is not None else None


# --- a metric's observations ------------------------------------------------------------------


def _observations(section: str, key: str, old_metric: Any, new_metric: Any, base: dict[str, Any]) -> list[Change]:
    """A metric's observations, matched by date (as an interval, however it is written).

    Figures are compared as the metric reads them (a bare number takes its
    unit: `100000000` in a USD metric is `$100M`). Observations of the same
    date pair first; then an observation whose date was made more precise or
    vaguer (one interval inside the other) pairs with its other version.
    """
    from casekit.analytics import series

    old = [obs for obs, _ in series(old_metric)]  # date order; a bare number in the metric's unit
    new = [obs for obs, _ in series(new_metric)]
    pairs, unmatched_old, unmatched_new = _pair_observations(old, new)
    rest = {k: v for k, v in base.items() if k != "at"}
    found: list[tuple[tuple, Change]] = []  # (where in the series, change)
    for i in unmatched_old:
        obs = old[i]
        found.append(
            (
                obs.date.sort_key(),
                Change(section, key, "removed", "observations", obs.value.text, None, at=obs.date.text, **rest),
            )
        )
    for j in unmatched_new:
        obs = new[j]
        found.append(
            (
                obs.date.sort_key(),
                Change(
                    section,
                    key,
                    "added",
                    "observations",
                    None,
                    obs.value.text,
                    at=obs.date.text,
                    **_since_previous(obs, new),
                    **rest,
                ),
            )
        )
    for i, j in pairs:
        before, after = old[i], new[j]
        if before == after:
            continue
        where = after.date.sort_key()
        value = compare_field("value", before.value, after.value)
        if before.date != after.date:
            dated = _date_change("date", before.date, after.date)
            if value is None and dated["kind"] == "refined":
                dated["detail"] = after.value.text  # which figure was dated more precisely
            dated["field"] = "observations.date"
            found.append((where, Change(section, key, at=after.date.text, **dated, **rest)))
        if value is not None:
            value["field"] = "observations"
            found.append((where, Change(section, key, at=after.date.text, **value, **rest)))
        for name, _ in _fields(type(after)):
            if name in ("date", "value"):
                continue
            other = compare_field(name, getattr(before, name), getattr(after, name))
            if other:
                other["field"] = f"observations.{name}"
                found.append((where, Change(section, key, at=after.date.text, **other, **rest)))
    found.sort(key=lambda pair: pair[0])  # stable: a pair's changes stay together, date first
    return [change for _, change in found]


def _pair_observations(old: list, new: list) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs (i, j) of old and new observations, one to one, and those left unpaired on each side.

    First by date (several observations of one date, sources disagreeing:
    equal figures first, the rest in order); then, among the rest, dates
    that nest (one interval inside the other: `2021` and `2021-H1`), equal
    figures first, then the closest intervals.
    """
    at_date: dict[PartialDate, list[int]] = defaultdict(list)
    for j, obs in enumerate(new):
        at_date[obs.date].append(j)
    pairs: list[tuple[int, int]] = []
    unmatched_old = list(range(len(old)))
    for same_only in (True, False):
        rest = []
        for i in unmatched_old:
            free = at_date.get(old[i].date)
            j = next((j for j in free or () if not same_only or new[j].value.same_quantity(old[i].value)), None)
            if j is None:
                rest.append(i)
                continue
            free.remove(j)
            pairs.append((i, j))
        unmatched_old = rest
    used = {j for _, j in pairs}
    unmatched_new = [j for j in range(len(new)) if j not in used]
    if unmatched_old and unmatched_new and len(unmatched_old) * len(unmatched_new) <= MAX_NESTING_PAIRS:
        candidates = []
        for i in unmatched_old:
            for j in unmatched_new:
                a, b = old[i].date, new[j].date
                if _nest(a, b):
                    same = a == b or old[i].value.same_quantity(new[j].value)
                    candidates.append((not same, abs(_span(a) - _span(b)), i, j))
        candidates.sort()
        taken_old: set[int] = set()
        taken_new: set[int] = set()
        for _, _, i, j in candidates:
            if i not in taken_old and j not in taken_new:
                taken_old.add(i)
                taken_new.add(j)
                pairs.append((i, j))
        unmatched_old = [i for i in unmatched_old if i not in taken_old]
        unmatched_new = [j for j in unmatched_new if j not in taken_new]
    return pairs, unmatched_old, unmatched_new


def _bounds(when: PartialDate) -> tuple[date, date]:
    return when.start or date.min, when.end or date.max


def _nest(a: PartialDate, b: PartialDate) -> bool:
    """True when one interval lies inside the other."""
    (a0, a1), (b0, b1) = _bounds(a), _bounds(b)
    return (a0 <= b0 and b1 <= a1) or (b0 <= a0 and a1 <= b1)


def _span(when: PartialDate) -> int:
    lo, hi = _bounds(when)
    return hi.toordinal() - lo.toordinal()


def _since_previous(obs: Any, series: list) -> dict[str, Any]:
    """For a new observation: the growth from the one before it in the series, if comparable."""
    key = obs.date.sort_key()
    earlier = [
        o
        for o in series
        if o.date.sort_key() < key
        and o.date.end is not None
        and obs.date.start is not None
        and o.date.end < obs.date.start
    ]
    if not earlier:
        return {}
    previous = max(earlier, key=lambda o: o.date.sort_key())
    g = growth(previous.value, obs.value)
    if g is None or (g.change is None and g.pct is None):
        return {}
    return {
        "detail": f"since {previous.date.text}: {g.display()}",
        "growth": {
            "change": g.change,
            "pct": g.pct,
            "approximate": g.approximate,
            "bound": g.bound,
            "since": previous.date.text,
        },
    }


def refines(old: PartialDate, new: PartialDate) -> bool:
    """True when `new` says more precisely what `old` said: inside it and narrower, or surer.

    `2019` → `2019-08`, `2019/..` → `2019/2021`, `~2015` → `2015`.
    """
    lo_old, hi_old = old.start or date.min, old.end or date.max
    lo_new, hi_new = new.start or date.min, new.end or date.max
    if not (lo_old <= lo_new and hi_new <= hi_old):
        return False
    if (lo_new, hi_new) != (lo_old, hi_old):
        return not (new.uncertain and not old.uncertain)
    flags_old = (old.approximate, old.uncertain)
    flags_new = (new.approximate, new.uncertain)
    return flags_new != flags_old and all(o or not n for o, n in zip(flags_old, flags_new))


def refines_period(old: PartialDate, new: PartialDate) -> bool:
    """True when period `new` says more precisely what `old` said, end by end: each end the same
    or refined (`refines`), and one refined.

    A period is a duration, so `2016/2020` → `2016-03/2020` refines its
    start, while `2019/..` → `2019/2024` (an ongoing era ended) and
    `2016/2020` → `2016/2019` (an end moved) are changes.
    """
    refined = False
    for before, after in zip(old.ends(), new.ends()):
        if before is None or after is None:
            if before is not after:
                return False  # an end opened or closed
            continue
        if before == after:
            continue
        if not refines(before, after):
            return False
        refined = True
    return refined


def word_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """A word-level diff: runs of ("=", text), ("-", removed text), ("+", added text)."""
    import difflib

    a, b = old.split(), new.split()
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", " ".join(b[j1:j2])))
    return tuple(out)


def longest_increasing(seq: Sequence[int]) -> list[int]:
    """One longest strictly increasing subsequence of `seq` (O(n log n), patience sorting)."""
    import bisect

    tails: list[int] = []  # tails[k]: the smallest last value of an increasing run of length k+1
    tail_at: list[int] = []  # index in seq of that value
    back = [-1] * len(seq)
    for n, x in enumerate(seq):
        k = bisect.bisect_left(tails, x)
        if k == len(tails):
            tails.append(x)
            tail_at.append(n)
        else:
            tails[k] = x
            tail_at[k] = n
        back[n] = tail_at[k - 1] if k else -1
    out = []
    n = tail_at[-1] if tail_at else -1
    while n != -1:
        out.append(seq[n])
        n = back[n]
    return out[::-1]


# --- renames: similar items among the unmatched -------------------------------------------


def content_tokens(item: Any) -> frozenset[str]:
    """The lower-cased words of an item's content (ids, references and tags left out)."""
    from casekit.query import texts

    words: set[str] = set()
    for text in texts(item, _NOT_CONTENT):
        words.update(_WORD.findall(text.casefold()))
    return frozenset(words)


def rename_similarity(before: Any, after: Any, changed: Sequence[Change]) -> int:
    """How alike a renamed item is to what it was, in percent: 100 when nothing but its id
    changed (`changed` is empty), else how much of the sequence of its words and marks (every
    field but the id, in order, case kept) survived, at most 99.

    Pairing goes by sets of words, which cannot see a word repeated, reordered or moved
    between fields: this shows what the rename carries with it."""
    if not changed:
        return 100
    import difflib

    from casekit.query import texts

    def marks(item: Any) -> list[str]:
        return [m for text in texts(item, _ID_ONLY) for m in _MARK.findall(text)]

    ratio = difflib.SequenceMatcher(None, marks(before), marks(after), autojunk=False).ratio()
    return min(99, math.floor(ratio * 100))


def similar_pairs(old: Sequence, new: Sequence, threshold: float = RENAME_THRESHOLD) -> list[tuple[int, int, float]]:
    """Pairs (i, j, similarity) of old and new items with token-set Jaccard ≥ `threshold`,
    each item in at most one pair, best pairs first.

    Items with identical words pair first, through a hash. Candidates for
    the rest come from a prefix filter (tokens ordered rarest first: two
    sets with Jaccard ≥ t must share one of the first |x| − ⌈t·|x|⌉ + 1
    tokens of each), so only pairs sharing a rare word are ever looked at.
    The work per item is bounded, so the search stays near-linear however
    many items are unmatched: at most MAX_POSTINGS index entries are read
    (the rarest tokens' first), and when they name more than MAX_CANDIDATES
    items, only those sharing the most of its rare tokens are scored. Below
    both bounds (any case written by hand) the search is exact.
    """
    a_sets = [content_tokens(x) for x in old]
    b_sets = [content_tokens(x) for x in new]
    out: list[tuple[int, int, float]] = []
    # Items with the very same words pair first, in order, through a hash: templated
    # items (hundreds alike) would otherwise all land in one candidate bucket.
    same: dict[frozenset[str], list[int]] = defaultdict(list)
    for j, tokens in enumerate(b_sets):
        if tokens:
            same[tokens].append(j)
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    for i, tokens in enumerate(a_sets):
        free = same.get(tokens)
        if free:
            j = free.pop(0)
            taken_a.add(i)
            taken_b.add(j)
            out.append((i, j, 1.0))
    freq: Counter[str] = Counter()
    for s in a_sets + b_sets:
        freq.update(s)
    # One global order, rarest first (ties by text), as the prefix filter needs; by rank it sorts in C.
    rank = {t: n for n, t in enumerate(sorted(freq, key=lambda t: (freq[t], t)))}.__getitem__

    def prefix(tokens: frozenset[str]) -> list[str]:
        ranked = sorted(tokens, key=rank)
        keep = len(ranked) - math.ceil(threshold * len(ranked) - 1e-9) + 1
        return ranked[: max(1, keep)]

    index: dict[str, list[int]] = defaultdict(list)
    for j, tokens in enumerate(b_sets):
        if tokens and j not in taken_b:
            for t in prefix(tokens):
                index[t].append(j)
    scored: list[tuple[float, int, int]] = []
    for i, tokens in enumerate(a_sets):
        if not tokens or i in taken_a:
            continue
        shared: Counter[int] = Counter()  # candidate → how many of the item's rare tokens it has
        budget = MAX_POSTINGS
        for t in prefix(tokens):
            postings = index.get(t)
            if not postings:
                continue
            if len(postings) > budget:
                if not shared:  # even the rarest token is common: look-alikes, the first of them
                    shared.update(postings[:budget])
                break
            shared.update(postings)
            budget -= len(postings)
        candidates = (
            shared
            if len(shared) <= MAX_CANDIDATES
            else [j for j, _ in sorted(shared.items(), key=_second, reverse=True)[:MAX_CANDIDATES]]
        )
        size = len(tokens)
        low, high = threshold * size, size / threshold
        for j in candidates:
            other = b_sets[j]
            if not low <= len(other) <= high:
                continue  # too different in size to reach the threshold
            common = len(tokens & other)
            score = common / (size + len(other) - common)
            if score >= threshold:
                scored.append((-score, i, j))
    scored.sort()
    for neg, i, j in scored:
        if i in taken_a or j in taken_b:
            continue
        taken_a.add(i)
        taken_b.add(j)
        out.append((i, j, -neg))
    return out


# --- labels and plain values ----------------------------------------------------------------


def item_label(item: Any) -> str:
    """What an item is called: its title, name or text (a principle with its number)."""
    from casekit.model import FlywheelEdge, Principle

    if isinstance(item, Principle):
        return f"{item.n}. {item.title}"
    if isinstance(item, FlywheelEdge):
        return f"{item.from_} → {item.to}"
    for name in ("title", "name", "text"):
        value = getattr(item, name, None)
        if isinstance(value, str):
            return value
    return item.id


def _item_date(item: Any) -> str | None:
    for name in ("date", "period"):
        value = getattr(item, name, None)
        if isinstance(value, PartialDate):
            return value.text
    return None


def plain(obj: Any) -> Any:
    """JSON-ready as the diff shows a value: dates and figures as written, items as mappings of
    their set fields (`casekit.records.plain`)."""
    return _plain_data(obj, True, True)
