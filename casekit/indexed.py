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

import functools
from collections.abc import Callable, Sequence
from datetime import date
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import msgspec

from casekit.model import Case, Event

if TYPE_CHECKING:
    from casekit.index import Index
    from casekit.library import CaseRef, Library, Loaded, Progress
    from casekit.query import TimelineQuery

__all__ = ["library_cases", "library_choices", "library_timeline"]


# An event selected, as read from the index: its place in date order (`casekit.index.place_key`),
# its case's rank in the listing, its record (JSON) with its case's id put first, its date's form
# (read only when events are made), and the event once decoded.
_Row = tuple[bytes, int, bytes, "bytes | None", "Event | None"]


class LibraryTimeline:
    """What `timeline --all` shows: the cases' heads (every case's with `all_heads`, else those of
    the cases with events selected), the events in order, and the files that do not load.

    Only what is asked for is decoded: the JSON records are written as the index holds them, each
    after its case's id; heads and events are made when a table or a filter needs them."""

    def __init__(self, heads: dict[int, bytes], wanted: list[int], rows: list[_Row], broken: list[Loaded]) -> None:
        self._heads, self._wanted = heads, wanted  # head blobs by rank; the ranks whose heads are shown
        self._decoded: dict[int, Case] = {}
        self.rows, self.broken = rows, broken

    def __len__(self) -> int:
        return len(self.rows)

    def head(self, rank: int) -> Case:
        """The head of the case of rank `rank`."""
        head = self._decoded.get(rank)
        if head is None:
            head = self._decoded[rank] = _head_decoder()(self._heads[rank])
        return head

    @property
    def heads(self) -> list[Case]:
        """The heads of the cases shown, in order (decoded now)."""
        return [self.head(rank) for rank in self._wanted]

    def events(self) -> list[tuple[Case, Event]]:
        """(head, event) of each event, in order, as `casekit.query.timeline` gives them."""
        decode = _event_decoder()
        head = self.head
        return [(head(r), e if e is not None else decode(record, form)) for _, r, record, form, e in self.rows]

    def records(self):
        """The events' records, each naming its case first, as `listing_records` makes them: each
        one's JSON (`msgspec.Raw`), which `casekit.render.machine` writes as it is."""
        from casekit.records import Records, section_shape

        return Records(map(msgspec.Raw, map(itemgetter(2), self.rows)), section_shape("timeline", True))


@functools.cache
def _stored_event() -> type[msgspec.Struct]:
    """An event's record as the index keeps it, in JSON: a Struct of `records.EventRecord`'s keys,
    so that its fields are read as attributes (made when a listing first needs events)."""
    import typing

    from casekit.records import EventRecord

    return msgspec.defstruct("StoredEvent", list(typing.get_type_hints(EventRecord).items()))


def _event_decoder() -> Callable[[bytes, bytes | None], Event]:
    """Decodes an event as the index keeps it (`casekit.index.file_rows`) back into the Event: every
    field is in its record; its date is made from the record's text and days and the date's form
    (precision and flags) or, for a set of dates, read again from its text."""
    from casekit.dates import PartialDate

    decode = msgspec.json.Decoder(_stored_event()).decode
    form_of = msgspec.msgpack.Decoder(tuple[str, bool, bool]).decode
    day = date.fromisoformat

    def event(record: bytes, form: bytes | None) -> Event:
        r: Any = decode(record)
        if form is not None:
            start, end = r.start, r.end
            when = PartialDate(r.date, day(start) if start else None, day(end) if end else None, *form_of(form))
        else:
            when = PartialDate.parse(r.date)
        return Event(
            id=r.id,
            date=when,
            title=r.title,
            detail=r.detail,
            category=r.category,
            era=r.era,
            tags=r.tags,
            sources=r.sources,
            confidence=r.confidence,
            note=r.note,
            people=r.people,
        )

    return event


def _head_decoder() -> Callable[[bytes], Case]:
    global _HEAD_DECODE
    if _HEAD_DECODE is None:
        _HEAD_DECODE = msgspec.msgpack.Decoder(Case).decode
    return _HEAD_DECODE


_HEAD_DECODE: Callable[[bytes], Case] | None = None


def library_timeline(
    library: Library,
    refs: Sequence[CaseRef],
    q: TimelineQuery,
    today: date,
    *,
    all_heads: bool = False,
    records_only: bool = False,
    progress: Progress | None = None,
    skipped: Callable[[list[Loaded]], None] | None = None,
) -> LibraryTimeline | None:
    """The events of the cases `refs` that `q` selects, as `casekit.query.timeline` gives them.
    With `records_only` only their records are read (no heads, no events: nothing is decoded).
    `skipped` is told of the files that do not load before the query is checked."""
    from casekit.index import with_index

    return with_index(
        library,
        lambda index: _timeline(index, library, refs, q, today, all_heads, not records_only, progress, skipped),
    )


def _timeline(
    index: Index,
    library: Library,
    refs: Sequence[CaseRef],
    q: TimelineQuery,
    today: date,
    all_heads: bool,
    with_heads: bool,
    progress: Progress | None,
    skipped: Callable[[list[Loaded]], None] | None,
) -> LibraryTimeline:
    current, broken = index.sync(refs, progress)
    broken = _broken(index, library, refs, current, broken)
    if skipped is not None:
        skipped(broken)
    with index.reading():
        found = index.file_ids(refs, current)
        _list_files(index, found)
        _check_query(index, found, q, today)
        rows = _candidate_events(index, q, with_heads or not _exact(q))
        ranked = range(len(found)) if all_heads else sorted(set(map(itemgetter(1), rows)))
        heads = _head_blobs(index, ranked) if with_heads or not _exact(q) else {}
    timeline = LibraryTimeline(heads, list(ranked), [], broken)
    rows = _selected(timeline, rows, q, today)
    rows.sort(key=itemgetter(0))  # stable: in case order, then file order, as sort_by_date
    if q.reverse:
        rows.reverse()
    timeline.rows = rows if q.limit is None else rows[: q.limit]
    return timeline


def _exact(q: TimelineQuery) -> bool:
    """True when SQL selects exactly the events `q` asks for (by category alone): no event is decoded."""
    return q.since is None and q.until is None and not (q.tags or q.sources or q.eras or q.grep)


def _selected(timeline: LibraryTimeline, rows: list[_Row], q: TimelineQuery, today: date) -> list[_Row]:
    """Those of the candidate `rows` (in case order, then file order) that `q` selects, each with its
    place in order. Only the category and --grep narrow what SQL gives, and the category exactly:
    with no other filter, an event whose place in order is stored is never decoded."""
    from casekit.index import place_key
    from casekit.query import case_events

    decode = _event_decoder()
    if not _exact(q):
        kept: list[_Row] = []
        start = 0
        while start < len(rows):
            rank = rows[start][1]
            end = start
            while end < len(rows) and rows[end][1] == rank:
                end += 1
            events = [decode(record, form) for _, _, record, form, _ in rows[start:end]]
            chosen = {id(e) for e in case_events(timeline.head(rank), events, q, today)}
            kept += [(*row[:4], e) for row, e in zip(rows[start:end], events) if id(e) in chosen]
            start = end
        rows = kept
    if None in map(itemgetter(0), rows):  # an open end: its place depends on the day
        rows = [row if row[0] is not None else _placed(row, decode, place_key, today) for row in rows]
    return rows


def _placed(row: _Row, decode, place_key, today: date) -> _Row:
    _, rank, record, form, event = row
    event = event or decode(record, form)
    return (place_key(event.date.sort_key(today)), rank, record, form, event)


def _list_files(index: Index, found: list[tuple[CaseRef, int]]) -> None:
    """Put the found files in `temp.listed`, each with its rank (its place in the listing) and what
    its events' records start with: `{"case":` and its case's id, in JSON."""
    conn = index.conn
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS listed(rank INTEGER PRIMARY KEY, file INTEGER NOT NULL, prefix BLOB NOT NULL)"
    )
    conn.execute("DELETE FROM temp.listed")
    ids = dict(conn.execute("SELECT id, case_id FROM files"))
    encode = msgspec.json.encode
    conn.executemany(
        "INSERT INTO temp.listed VALUES (?, ?, ?)",
        ((r, fid, b'{"case":' + encode(ids[fid]) + b",") for r, (_, fid) in enumerate(found)),
    )


def _check_query(index: Index, found: list[tuple[CaseRef, int]], q: TimelineQuery, today: date) -> None:
    """A usage error, as over the parsed cases, when `q` names a category, tag, source or era none of
    the files has. A query naming categories alone is checked in SQL, each category found among the
    listed files' events; any other reads every file's choices."""
    from casekit.index import DOCS_PER_FILE
    from casekit.query import check_timeline_query

    if not (q.tags or q.sources or q.eras) and all(c.casefold() for c in q.categories):
        sql = (
            "SELECT EXISTS (SELECT 1 FROM events WHERE category = ?"
            f" AND id / {DOCS_PER_FILE} IN (SELECT file FROM temp.listed))"
        )
        if all(index.conn.execute(sql, (c.casefold(),)).fetchone()[0] for c in dict.fromkeys(q.categories)):
            known: dict[str, list] = {key: list(q.categories) if key == "category" else [] for key in _TIMELINE_CHOICES}
            check_timeline_query(q, known, {}, today)  # the period
            return
    choices = _choices(index, found)
    known = {key: list(dict.fromkeys(v for c in choices for v in c[key])) for key in _TIMELINE_CHOICES}
    check_timeline_query(q, known, {i: t for c in choices for i, t in c["era_titles"]}, today)


_TIMELINE_CHOICES = ("category", "tag", "source", "era")


def _choices(index: Index, found: list[tuple[CaseRef, int]]) -> list[dict[str, list]]:
    """Each found file's choices (`casekit.index.choices_of`), in order."""
    wanted = {fid for _, fid in found}
    blobs = {fid: blob for fid, blob in index.conn.execute("SELECT file, choices FROM cases") if fid in wanted}
    decode = msgspec.msgpack.Decoder(dict[str, list]).decode
    return [decode(blobs[fid]) for _, fid in found]


def _candidate_events(index: Index, q: TimelineQuery, forms: bool) -> list[_Row]:
    """The events of the listed files (`temp.listed`) that the category and grep of `q` may select,
    in case order, then file order, each record after its case's id (SQLite joins the two: the
    record's `{` gives way to the case's); the filters decide on each afterwards. With `forms`,
    what makes each event's date again too."""
    from casekit.index import DOCS_PER_FILE

    where, params = [], []
    if q.categories:
        categories = list(dict.fromkeys(c.casefold() for c in q.categories))
        where.append(f"e.category IN ({','.join('?' * len(categories))})")
        params += categories
    if q.grep:
        from casekit.search import folded

        where.append("instr(e.text, ?) > 0")
        params.append(folded(q.grep))
    sql = (
        f"SELECT e.place, l.rank, CAST(l.prefix || substr(e.record, 2) AS BLOB), {'e.form' if forms else 'NULL'}, NULL"
        " FROM temp.listed AS l CROSS JOIN events AS e"
        f" ON e.id BETWEEN l.file * {DOCS_PER_FILE} AND l.file * {DOCS_PER_FILE} + {DOCS_PER_FILE - 1}"
    )
    sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY l.rank, e.id"
    return index.conn.execute(sql, params).fetchall()


def _head_blobs(index: Index, ranks: Sequence[int]) -> dict[int, bytes]:
    """{rank: head, encoded} of the listed files of those `ranks`."""
    if not ranks:
        return {}
    wanted = set(ranks)
    sql = "SELECT l.rank, c.head FROM temp.listed AS l JOIN cases AS c ON c.file = l.file"
    return {rank: head for rank, head in index.conn.execute(sql) if rank in wanted}


def _broken(
    index: Index, library: Library, refs: Sequence[CaseRef], current: dict[str, int], broken: list[Loaded]
) -> list[Loaded]:
    """The files of `refs` that do not load, in order: those `sync` found broken, and any it could
    not even stat (gone since the library was listed), loaded to say why."""
    from casekit.index import absolute_paths

    paths = index.paths(refs)
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
    bad = _broken(index, library, refs, current, broken)
    for loaded, path in zip(bad, absolute_paths([loaded.ref for loaded in bad])):
        by_path[path] = library_record(loaded.ref, None, loaded.error.message if loaded.error else None)
    return [by_path[p] for p in index.paths(refs) if p in by_path]


def library_choices(library: Library, refs: Sequence[CaseRef]) -> list[dict[str, list]] | None:
    """The choices (`casekit.index.choices_of`) of each of `refs` that loads, in order."""
    from casekit.index import with_index

    def work(index: Index) -> list[dict[str, list]]:
        current, _ = index.sync(refs)
        with index.reading():
            return _choices(index, index.file_ids(refs, current))

    return with_index(library, work)
