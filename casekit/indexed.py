"""Listings over the whole library read from its index (`casekit.index`) instead of every case.

The index holds, for each case file it keeps, the case's head (its header,
sources and eras), the choices its filters and completion take, its
counts, and each event of its timeline on its own, with its folded
category and texts. `timeline --all` reads only the events its category
and `--grep` may select (SQL narrows; `casekit.query` then applies every
filter exactly as it does to a parsed case), `cases` reads the heads and
counts, completion the choices. The answers are those the parsed cases
give, in the same order: the index is only a faster way to the same rows.

Each function gives None when there is no index on disk to use (the cache
is off or cannot be written): the caller then reads the cases.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import msgspec

from casekit.model import Case, Event

if TYPE_CHECKING:
    from casekit.index import Index
    from casekit.library import CaseRef, Library, Loaded, Progress
    from casekit.query import TimelineQuery

__all__ = ["library_cases", "library_choices", "library_timeline"]


class _Row:
    """An event selected: its case's head, its place in date order, its record and the event
    (decoded only when something needs it)."""

    __slots__ = ("head", "key", "record", "event")

    def __init__(self, head: Case, key: tuple, record: bytes, event: Event | None) -> None:
        self.head, self.key, self.record, self.event = head, key, record, event


class LibraryTimeline:
    """What `timeline --all` shows: the cases' heads (every case's with `all_heads`, else those of
    the cases with events selected), the events in order, and the files that do not load."""

    def __init__(self, heads: list[Case], rows: list[_Row], broken: list[Loaded]) -> None:
        self.heads, self.rows, self.broken = heads, rows, broken

    def __len__(self) -> int:
        return len(self.rows)

    def events(self) -> list[tuple[Case, Event]]:
        """(head, event) of each event, in order, as `casekit.query.timeline` gives them."""
        decode = _event_decoder()
        return [(row.head, row.event if row.event is not None else decode(row.record)) for row in self.rows]

    def records(self):
        """The events' records, each naming its case, as `listing_records` makes them."""
        from casekit.records import EVENT_RECORD_KEYS, Records, section_shape

        decode = msgspec.msgpack.Decoder(list).decode
        keys = ("case", *EVENT_RECORD_KEYS)
        return Records(
            (dict(zip(keys, (row.head.id, *decode(row.record)))) for row in self.rows), section_shape("timeline", True)
        )


def _event_decoder() -> Callable[[bytes], Event]:
    """Decodes an event as the index keeps it (`casekit.index._event_values`) back into the Event:
    every field is in its record; its date is made from the record's text, days, precision and
    flags, or, for a set of dates, read again from its text."""
    from casekit.dates import PartialDate

    decode = msgspec.msgpack.Decoder(list).decode
    day = date.fromisoformat

    def event(record: bytes) -> Event:
        values = decode(record)
        i, text, start, end, _, title, detail, category, era, tags, sources, confidence, note, people = values[:14]
        if len(values) > 14:
            precision, approximate, uncertain = values[14:]
            when = PartialDate(
                text, day(start) if start else None, day(end) if end else None, precision, approximate, uncertain
            )
        else:
            when = PartialDate.parse(text)
        return Event(
            id=i,
            date=when,
            title=title,
            detail=detail,
            category=category,
            era=era,
            tags=tags,
            sources=sources,
            confidence=confidence,
            note=note,
            people=people,
        )

    return event


def library_timeline(
    library: Library,
    refs: Sequence[CaseRef],
    q: TimelineQuery,
    today: date,
    *,
    all_heads: bool = False,
    progress: Progress | None = None,
    skipped: Callable[[list[Loaded]], None] | None = None,
) -> LibraryTimeline | None:
    """The events of the cases `refs` that `q` selects, as `casekit.query.timeline` gives them.
    `skipped` is told of the files that do not load before the query is checked."""
    from casekit.index import with_index

    return with_index(library, lambda index: _timeline(index, library, refs, q, today, all_heads, progress, skipped))


def _timeline(
    index: Index,
    library: Library,
    refs: Sequence[CaseRef],
    q: TimelineQuery,
    today: date,
    all_heads: bool,
    progress: Progress | None,
    skipped: Callable[[list[Loaded]], None] | None,
) -> LibraryTimeline:
    from casekit.query import check_timeline_query

    current, broken = index.sync(refs, progress)
    broken = _broken(library, refs, current, broken)
    if skipped is not None:
        skipped(broken)
    with index.reading():
        found = index.file_ids(refs, current)
        choices = _choices(index, found)
        known = {key: list(dict.fromkeys(v for c in choices for v in c[key])) for key in _TIMELINE_CHOICES}
        check_timeline_query(q, known, {i: t for c in choices for i, t in c["era_titles"]}, today)
        candidates = _candidate_events(index, q)
        wanted = [fid for _, fid in found] if all_heads else [fid for _, fid in found if fid in candidates]
        heads = _heads(index, wanted)
    rows = []
    for _, fid in found:
        if fid in candidates:
            rows += _selected(heads[fid], candidates[fid], q, today)
    rows.sort(key=lambda row: row.key)  # stable: in case order, then file order, as sort_by_date
    if q.reverse:
        rows.reverse()
    rows = rows if q.limit is None else rows[: q.limit]
    return LibraryTimeline([heads[fid] for fid in wanted], rows, broken)


def _selected(head: Case, candidates: list[tuple], q: TimelineQuery, today: date) -> list[_Row]:
    """The rows of those `candidates` (one case's: sort key, record, event) that `q` selects. Only
    the category and --grep narrow what SQL gives, and the category exactly: with no other filter,
    an event whose place in order is stored is never decoded."""
    from casekit.query import case_events

    decode = _event_decoder()
    exact = q.since is None and q.until is None and not (q.tags or q.sources or q.eras or q.grep)
    if not exact:
        events = [decode(record) for _, record in candidates]
        kept = {id(e) for e in case_events(head, events, q, today)}
        candidates = [(key, record, e) for (key, record), e in zip(candidates, events) if id(e) in kept]
    rows = []
    for key, record, *decoded in candidates:
        event = decoded[0] if decoded else None
        if key[0] is None:  # an open end: its place depends on the day
            event = event or decode(record)
            key = event.date.sort_key(today)
        rows.append(_Row(head, key, record, event))
    return rows


_TIMELINE_CHOICES = ("category", "tag", "source", "era")


def _choices(index: Index, found: list[tuple[CaseRef, int]]) -> list[dict[str, list]]:
    """Each found file's choices (`casekit.index.choices_of`), in order."""
    wanted = {fid for _, fid in found}
    blobs = {fid: blob for fid, blob in index.conn.execute("SELECT file, choices FROM cases") if fid in wanted}
    decode = msgspec.msgpack.Decoder(dict[str, list]).decode
    return [decode(blobs[fid]) for _, fid in found]


def _candidate_events(index: Index, q: TimelineQuery) -> dict[int, list[tuple]]:
    """{file id: (sort key, record, event) of each, encoded, in order} of the events the category and grep of `q`
    may select; the filters decide on each afterwards."""
    from casekit.index import DOCS_PER_FILE

    where, params = [], []
    if q.categories:
        where.append(f"category IN ({','.join('?' * len(q.categories))})")
        params += [c.casefold() for c in q.categories]
    if q.grep:
        from casekit.search import folded

        where.append("instr(text, ?) > 0")
        params.append(folded(q.grep))
    sql = "SELECT id, k0, k1, k2, k3, record FROM events"
    sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
    out: dict[int, list[tuple]] = {}
    for eid, k0, k1, k2, k3, record in index.conn.execute(sql, params):
        fid = eid // DOCS_PER_FILE
        events = out.get(fid)
        if events is None:
            events = out[fid] = []
        events.append(((k0, k1, k2, k3), record))
    return out


def _heads(index: Index, fids: Sequence[int]) -> dict[int, Case]:
    wanted = set(fids)
    decode = msgspec.msgpack.Decoder(Case).decode
    return {fid: decode(head) for fid, head in index.conn.execute("SELECT file, head FROM cases") if fid in wanted}


def _broken(library: Library, refs: Sequence[CaseRef], current: dict[str, int], broken: list[Loaded]) -> list[Loaded]:
    """The files of `refs` that do not load, in order: those `sync` found broken, and any it could
    not even stat (gone since the library was listed), loaded to say why."""
    from casekit.index import absolute_paths

    paths = absolute_paths(refs)
    named = set(absolute_paths([loaded.ref for loaded in broken]))
    lost = [ref for ref, p in zip(refs, paths) if p not in current and p not in named]
    out = broken + [loaded for loaded in library.check_all(lost) if loaded.case is None] if lost else list(broken)
    if not out:
        return out
    place = {p: k for k, p in enumerate(paths)}
    where = absolute_paths([loaded.ref for loaded in out])
    order = sorted(range(len(out)), key=lambda k: place.get(where[k], len(place)))
    return [out[k] for k in order]


def library_cases(
    library: Library, refs: Sequence[CaseRef], progress: Progress | None = None
) -> list[dict[str, Any]] | None:
    """The `cases` record (`casekit.records.library_record`) of each of `refs`, in order."""
    from casekit.index import with_index

    return with_index(library, lambda index: _cases(index, library, refs, progress))


def _cases(index: Index, library: Library, refs: Sequence[CaseRef], progress: Progress | None) -> list[dict[str, Any]]:
    from casekit.index import absolute_paths
    from casekit.records import library_record

    current, broken = index.sync(refs, progress)
    with index.reading():
        found = index.file_ids(refs, current)
        wanted = {fid for _, fid in found}
        rows = {
            fid: (head, counts)
            for fid, head, *counts in index.conn.execute(
                "SELECT file, head, events, metrics, principles, risks FROM cases"
            )
            if fid in wanted
        }
    decode = msgspec.msgpack.Decoder(Case).decode
    by_path = {
        path: library_record(ref, decode(rows[fid][0]), counts=rows[fid][1])
        for (ref, fid), path in zip(found, absolute_paths([ref for ref, _ in found]))
    }
    bad = _broken(library, refs, current, broken)
    for loaded, path in zip(bad, absolute_paths([loaded.ref for loaded in bad])):
        by_path[path] = library_record(loaded.ref, None, loaded.error.message if loaded.error else None)
    return [by_path[p] for p in absolute_paths(refs) if p in by_path]


def library_choices(library: Library, refs: Sequence[CaseRef]) -> list[dict[str, list]] | None:
    """The choices (`casekit.index.choices_of`) of each of `refs` that loads, in order."""
    from casekit.index import with_index

    def work(index: Index) -> list[dict[str, list]]:
        current, _ = index.sync(refs)
        with index.reading():
            return _choices(index, index.file_ids(refs, current))

    return with_index(library, work)
