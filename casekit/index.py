"""The library index: every item's words in SQLite FTS5, kept in step with the case files.

One database, `index.sqlite3` in the cache directory (`casekit.cache.cache_root`),
holds for each case file its stamp (path, size, mtime, inode, ctime, as the
parsed-case cache keys entries) and, for each of its documents (the case
itself and every item of every section, as `casekit.search` defines them),
its words as search reads them: folded (case, accents), plural-folded, one
token each, in a full-text table with four columns, the title's words, the
body's words, and the title's and the body's hyphenated words written as
one (`e-commerce` as `ecommerce`). A token that is no word (`§`) stands
between two fields, so that no phrase runs from one into the next.

Ranking is BM25F exactly as `casekit.search` defines it, computed by SQLite
from where FTS5 holds each word (`words`, its every occurrence: document,
column and offset), never from the documents' text: a query unit's
occurrences are those of its word, or runs of its words at consecutive
offsets in one column, the title's weighted four times a body word's, each
column normalised by its length (`places`) against the average over the
documents searched (whose counts are kept per case file and section). Only
the hits shown are read, from what the index keeps of them.

The index is a cache, never trusted: a file whose stamp differs from the one
recorded (edited, replaced, renamed, deleted) is indexed again or dropped
before a query; a database of another schema or made by other parsing code
is emptied; one that SQLite finds corrupt is deleted and built again; and
when none can be opened or written (a read-only cache, a full disk),
searches run over an index built in memory for the one command. Several
processes may update it at once: WAL, a busy timeout, and one short
transaction per batch of files, each deleting what it replaces.
"""

from __future__ import annotations

import logging
import math
import os
import posixpath
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

import msgspec

if TYPE_CHECKING:
    from casekit.cache import Stamp
    from casekit.library import CaseRef, Library, Loaded, Progress
    from casekit.model import Case
    from casekit.search import Query

__all__ = ["Index", "Ranked", "open_index", "open_memory_index", "search_library"]

SCHEMA = 6
FILE_NAME = "index.sqlite3"
DOCS_PER_FILE = 1 << 20  # a document's rowid is its file's id times this, plus its number in the file
PARSE_BATCH = 500  # case files parsed at once (by the library's process pool): the memory they take is bounded
WRITE_BATCH = 50  # case files written per transaction, so that other processes wait little
BUSY_MS = 10_000

_log = logging.getLogger("casekit.index")
T = TypeVar("T")

_TABLES = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(
    id INTEGER PRIMARY KEY, path BLOB NOT NULL UNIQUE, size INTEGER, mtime_ns INTEGER, inode INTEGER,
    ctime_ns INTEGER, racy INTEGER NOT NULL, case_id TEXT NOT NULL, docs INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS stats(
    file INTEGER NOT NULL, sect INTEGER NOT NULL, n INTEGER NOT NULL, title_words INTEGER NOT NULL,
    body_words INTEGER NOT NULL, PRIMARY KEY (file, sect)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cases(
    file INTEGER PRIMARY KEY, head BLOB NOT NULL, choices BLOB NOT NULL, events INTEGER NOT NULL,
    metrics INTEGER NOT NULL, principles INTEGER NOT NULL, risks INTEGER NOT NULL);
-- An event's id is its file's id times DOCS_PER_FILE plus its place in the timeline. Keyed by
-- category first, the events of one category lie together, and are read as one run. Its record
-- is JSON, as `timeline -f json` writes it, `form` makes its date again (`_event_form`), `place`
-- is its place in date order (`place_key`), NULL when an open end makes it hang on the day.
CREATE TABLE IF NOT EXISTS events(
    category TEXT NOT NULL, id INTEGER NOT NULL, text TEXT NOT NULL, record BLOB NOT NULL,
    form BLOB, place BLOB, PRIMARY KEY (category, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS events_by_id ON events(id);
CREATE TABLE IF NOT EXISTS shown(id INTEGER PRIMARY KEY, doc BLOB NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(
    title, body, title_joined, body_joined, tokenize='ascii', detail='full');
-- Each document's section, place and word counts, apart from its text: ranking reads them for
-- every document found, and a row here is a few bytes where a row of `docs` is all its words.
CREATE TABLE IF NOT EXISTS places(
    id INTEGER PRIMARY KEY, sect INTEGER NOT NULL, idx INTEGER NOT NULL, ord INTEGER NOT NULL,
    title_words INTEGER NOT NULL, body_words INTEGER NOT NULL);
-- Every occurrence of every word in `docs`: (term, doc, col, offset), offsets counted in words.
CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5vocab(docs, instance);
"""


class _Batches:
    """A `Progress` over files parsed a batch at a time: started once for them all, stopped by its
    owner; each batch's own start and stop are not passed on."""

    def __init__(self, progress: Progress, files: int, size: int) -> None:
        self.progress = progress
        progress.start(files, size)

    def start(self, files: int, size: int) -> None:
        pass

    def advance(self) -> None:
        self.progress.advance()

    def stop(self) -> None:
        pass


class Ranked(NamedTuple):
    """A document found, ranked: which file, section and item, its order and its score."""

    file: int
    section: str
    index: int  # the item's position in its section (0 for the case itself)
    order: int
    score: float
    doc: int = 0  # the document's rowid: what `Index.shown` reads


# --- the database ------------------------------------------------------------------------


def _version() -> str:
    from casekit.cache import code_key

    here = os.path.dirname(os.path.abspath(__file__))
    parts = [f"schema {SCHEMA}", code_key()]
    for name in ("index.py", "search.py", "records.py"):
        with suppress(OSError):
            st = os.stat(os.path.join(here, name))
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return "/".join(parts)


def _connect(target: str) -> sqlite3.Connection:
    conn = sqlite3.connect(target, timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
    if target != ":memory:":
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA temp_store=MEMORY")
    return conn


def _prepare(conn: sqlite3.Connection) -> None:
    """Create the tables, made again when they were made by another version of casekit. An index
    of this version is only read: opening it takes no lock another process would wait on."""
    version = _version()
    if _made_by(conn) == version:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        if _made_by(conn) != version:
            for table in _TABLE_NAMES:
                conn.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in _TABLES.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT INTO meta VALUES ('version', ?)", (version,))
        conn.execute("COMMIT")
    except BaseException:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


_TABLE_NAMES = ("meta", "files", "stats", "words", "docs", "places", "cases", "events", "shown")


def _made_by(conn: sqlite3.Connection) -> str | None:
    """The version of casekit that made the index; None when it has no tables yet."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise
        return None
    return row[0] if row else None


def open_index(library: Library) -> Index:
    """The library's index on disk, or one in memory when the cache is off or cannot be used."""
    from casekit.cache import cache_root, disabled

    if library.use_cache and not disabled(library.env):
        path = cache_root(library.env) / FILE_NAME
        for _ in range(2):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                conn = _connect(str(path))
                try:
                    _prepare(conn)
                except BaseException:
                    conn.close()
                    raise
                return Index(conn, library, str(path))
            except sqlite3.OperationalError as exc:  # cannot open or write it: read-only, locked too long
                _log.debug("index %s not used: %s", path, exc)
                break
            except sqlite3.DatabaseError as exc:  # corrupt, or not a database at all: made again
                _log.debug("index %s is corrupt, made again: %s", path, exc)
                remove(path)
            except OSError as exc:  # no cache directory can be made
                _log.debug("no index in %s: %s", path.parent, exc)
                break
    return Index(_memory(), library, None)


def _memory() -> sqlite3.Connection:
    conn = _connect(":memory:")
    _prepare(conn)
    return conn


def remove(path: str | Path) -> None:
    """Delete the index at `path` with its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        with suppress(OSError):
            os.unlink(f"{path}{suffix}")


class Unwritable(Exception):
    """The index on disk cannot be written (read-only, full, or locked too long)."""


class Index:
    """A connection to the index, and what it needs to bring files up to date."""

    def __init__(self, conn: sqlite3.Connection, library: Library | None, path: str | None) -> None:
        self.conn = conn
        self.library = library
        self.path = path  # None: in memory, for this process only
        self._paths: tuple[Sequence[CaseRef], list[str]] | None = None

    def paths(self, refs: Sequence[CaseRef]) -> list[str]:
        """The absolute path of each of `refs` (`absolute_paths`), made once for the refs of a query."""
        if self._paths is None or self._paths[0] is not refs or len(self._paths[1]) != len(refs):
            self._paths = (refs, absolute_paths(refs))
        return self._paths[1]

    # --- keeping it current ---

    def sync(self, refs: Sequence[CaseRef], progress: Progress | None = None) -> tuple[dict[str, int], list[Loaded]]:
        """Bring the files `refs` name up to date (see `_sync`); an index on disk that cannot be
        written is left alone, and the files are indexed in memory for this process instead."""
        try:
            return self._sync(refs, progress)
        except Unwritable:
            self.close()
            self.conn, self.path = _memory(), None
            return self._sync(refs, progress)

    def _sync(self, refs: Sequence[CaseRef], progress: Progress | None) -> tuple[dict[str, int], list[Loaded]]:
        """Bring the files `refs` name up to date: {absolute path: file id} of those holding a valid
        case, and the files that do not load.

        A file that does not load is not recorded: it is read again next
        time, as the library reads it, so that its problems are seen.
        """
        from casekit.cache import Stamp

        decode, encoding, errors = bytes.decode, sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()
        known = {  # paths are kept as bytes (a name need not be UTF-8), decoded as os.fsdecode does
            decode(path, encoding, errors): (fid, (size, mtime, inode, ctime), racy)
            for fid, path, size, mtime, inode, ctime, racy in self.conn.execute(
                "SELECT id, path, size, mtime_ns, inode, ctime_ns, racy FROM files"
            )
        }
        current: dict[str, int] = {}
        stale: list[tuple[CaseRef, Stamp]] = []
        paths = self.paths(refs)
        stat = os.stat
        for ref, path in zip(refs, paths):
            try:
                st = stat(path)
            except (OSError, ValueError):
                continue
            row = known.get(path)
            if row is not None and not row[2] and row[1] == (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns):
                current[path] = row[0]
            else:
                stale.append((ref, Stamp(path, st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)))
        self._drop_missing(known, set(paths))
        broken: list[Loaded] = []
        whole = progress
        if progress is not None and len(stale) > PARSE_BATCH:  # one bar for every batch
            whole = _Batches(progress, len(stale), sum(stamp.size for _, stamp in stale))
        try:
            for start in range(0, len(stale), PARSE_BATCH):
                current.update(self._index_batch(stale[start : start + PARSE_BATCH], broken, whole))
        finally:
            if whole is not progress:
                progress.stop()
        return current, broken

    def _drop_missing(self, known: dict, wanted: set[str]) -> None:
        """Forget files that are gone (deleted, renamed): their rows would only take room."""
        gone = [fid for path, (fid, _, _) in known.items() if path not in wanted and not os.path.exists(path)]
        if gone:
            self._write(lambda: [self._delete(fid) for fid in gone])

    def _index_batch(
        self, batch: list[tuple[CaseRef, Stamp]], broken: list[Loaded], progress: Progress | None
    ) -> dict[str, int]:
        """Index the files of `batch`, written a few at a time as the workers parse them (each file's
        rows are made where it is parsed); those that do not load are added to `broken`, in order."""
        assert self.library is not None
        ids: dict[str, int] = {}
        bad: list[tuple[int, Loaded]] = []
        pending: list[tuple[Stamp, list]] = []

        def write() -> None:
            for stamp, rows in pending:
                ids[stamp.path] = self._put(stamp, rows)

        decode = msgspec.msgpack.Decoder(list).decode
        for k, loaded, rows in self.library.check_each([ref for ref, _ in batch], file_rows, progress=progress):
            if loaded.case is None or rows is None:
                bad.append((k, loaded))
                continue
            pending.append((batch[k][1], decode(rows)))
            if len(pending) >= WRITE_BATCH:
                self._write(write)
                pending.clear()
        if pending:
            self._write(write)
        broken += [loaded for _, loaded in sorted(bad, key=lambda b: b[0])]
        return ids

    def _write(self, work) -> None:
        """Run `work` in one transaction; `Unwritable` when the database cannot be written."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                work()
                self.conn.execute("COMMIT")
            except BaseException:
                with suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as exc:  # read-only, full, locked past the timeout
            _log.debug("index not updated: %s", exc)
            raise Unwritable(str(exc)) from exc

    def _delete(self, fid: int) -> None:
        lo = fid * DOCS_PER_FILE
        self.conn.execute("DELETE FROM docs WHERE rowid BETWEEN ? AND ?", (lo, lo + DOCS_PER_FILE - 1))
        self.conn.execute("DELETE FROM events WHERE id BETWEEN ? AND ?", (lo, lo + DOCS_PER_FILE - 1))
        self.conn.execute("DELETE FROM shown WHERE id BETWEEN ? AND ?", (lo, lo + DOCS_PER_FILE - 1))
        self.conn.execute("DELETE FROM places WHERE id BETWEEN ? AND ?", (lo, lo + DOCS_PER_FILE - 1))
        self.conn.execute("DELETE FROM stats WHERE file = ?", (fid,))
        self.conn.execute("DELETE FROM cases WHERE file = ?", (fid,))
        self.conn.execute("DELETE FROM files WHERE id = ?", (fid,))

    def _put(self, stamp: Stamp, rows: list) -> int:
        """Record one file's rows (`file_rows`) in place of what was recorded for its path."""
        conn = self.conn
        case_id, docs, case_row, events = rows
        old = conn.execute(
            "SELECT id, size, mtime_ns, inode, ctime_ns, racy FROM files WHERE path = ?", (os.fsencode(stamp.path),)
        ).fetchone()
        if old is not None:
            if not old[5] and not stamp.racy and tuple(old[1:5]) == _stamp_row(stamp)[1:]:
                return old[0]  # another process indexed the same file meanwhile: its rows and id stand
            self._delete(old[0])
        cur = conn.execute(
            "INSERT INTO files(path, size, mtime_ns, inode, ctime_ns, racy, case_id, docs) VALUES (?,?,?,?,?,?,?,?)",
            (*_stamp_row(stamp), int(stamp.racy), case_id, len(docs)),
        )
        fid = cur.lastrowid
        assert fid is not None
        base = fid * DOCS_PER_FILE
        conn.executemany(
            "INSERT INTO docs(rowid, title, body, title_joined, body_joined) VALUES (?,?,?,?,?)",
            ((base + k, *row[3:7]) for k, row in enumerate(docs)),
        )
        conn.executemany(
            "INSERT INTO places VALUES (?,?,?,?,?,?)", ((base + k, *row[:3], *row[7:9]) for k, row in enumerate(docs))
        )
        conn.executemany("INSERT INTO shown VALUES (?,?)", ((base + k, row[-1]) for k, row in enumerate(docs)))
        totals: dict[int, list[int]] = {}
        for sect, *_, title_words, body_words, _ in docs:
            t = totals.setdefault(sect, [0, 0, 0])
            t[0] += 1
            t[1] += title_words
            t[2] += body_words
        conn.executemany("INSERT INTO stats VALUES (?,?,?,?,?)", ((fid, s, *t) for s, t in totals.items()))
        conn.execute("INSERT INTO cases VALUES (?,?,?,?,?,?,?)", (fid, *case_row))
        conn.executemany(
            "INSERT INTO events VALUES (?,?,?,?,?,?)",
            ((category, base + k, *rest) for k, (category, *rest) in enumerate(events)),
        )
        return fid

    def add_cases(self, cases: Sequence[Case]) -> list[int]:
        """Index cases held in memory (an index in memory only); their file ids, in order."""
        from casekit.cache import Stamp

        ids = []
        decode = msgspec.msgpack.Decoder(list).decode
        self.conn.execute("BEGIN")
        for k, case in enumerate(cases):
            ids.append(self._put(Stamp(f"\0memory/{k}", 0, 0, 0, 0), decode(file_rows(case))))
        self.conn.execute("COMMIT")
        return ids

    # --- reading ---

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One read transaction: what is read inside it is one state of the index, whatever other
        processes write meanwhile."""
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            with suppress(sqlite3.Error):
                self.conn.execute("COMMIT")

    def file_ids(self, refs: Sequence[CaseRef], current: dict[str, int]) -> list[tuple[CaseRef, int]]:
        """(ref, file id) of each of `refs` that `sync` found current, in order, its id read again
        from the index: another process may have indexed the file again since (with the same text,
        when its stamp was racy) and so given it a new id."""
        now = dict(self.conn.execute("SELECT path, id FROM files"))  # paths as bytes, encoded as os.fsencode does
        encoding, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()
        return [
            (ref, now[key])
            for ref, path in zip(refs, self.paths(refs))
            if path in current and (key := path.encode(encoding, errors)) in now
        ]

    # --- searching ---

    def rank(
        self, q: Query, files: dict[int, str], sections: Sequence[str] = (), limit: int | None = None
    ) -> list[Ranked]:
        """The documents of `files` ({file id: label}) matching `q`, best first, as `casekit.search` ranks them."""
        from casekit.search import K1, MAX_UNITS, SEARCH_SECTIONS, B, Matcher

        # The command line refuses a longer query; a caller searching as the user types (browse)
        # is given the first MAX_UNITS words and phrases.
        units = [u for u in q.units if Matcher(u).possible][:MAX_UNITS]
        if not units or not files:
            return []
        conn = self.conn
        # Equal scores are ordered by label, then place in the case. When the labels come in the
        # order of the files' ids, a document's rowid gives that order; when every file of the
        # index is searched too, no file need be looked up for each document found.
        by_id = sorted(files)
        ranks = {label: r for r, label in enumerate(sorted(set(files.values())))}
        in_order = all(ranks[files[a]] < ranks[files[b]] for a, b in zip(by_id, by_id[1:]))
        every = in_order and conn.execute("SELECT count(*) FROM files").fetchone()[0] == len(files)
        if not every:
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS wanted(file INTEGER PRIMARY KEY, rank INTEGER NOT NULL)")
            conn.execute("DELETE FROM temp.wanted")
            conn.executemany("INSERT INTO temp.wanted VALUES (?, ?)", ((f, ranks[files[f]]) for f in by_id))
        wanted = "" if every else f" CROSS JOIN temp.wanted ON temp.wanted.file = doc / {DOCS_PER_FILE}"
        # Every section searched: no filter, which would cost a look-up per file and section.
        in_sects = f" AND sect IN ({','.join(str(SEARCH_SECTIONS.index(s)) for s in sections)})" if sections else ""
        n, title_words, body_words = conn.execute(
            "SELECT total(n), total(title_words), total(body_words) FROM stats"
            + ("" if every else " CROSS JOIN temp.wanted ON temp.wanted.file = stats.file")
            + f" WHERE 1{in_sects}"
        ).fetchone()
        n = int(n)
        avg_title = (title_words / (n or 1)) or 1.0
        avg_body = (body_words / (n or 1)) or 1.0
        _count(conn, units)
        try:
            # Each unit's document frequency, over the documents searched.
            places = " CROSS JOIN places ON places.id = doc"
            dfs = conn.execute(
                "SELECT " + ", ".join(f"total(t{k} + b{k} > 0)" for k in range(len(units))) + " FROM temp.counts"
                f"{wanted}{places if sections else ''} WHERE 1{in_sects}"
            ).fetchone()
            idf = [math.log(1 + (n - df + 0.5) / (df + 0.5)) for df in dfs]
            # Each unit's weighted frequency (`w`) in each document found, its title and body normalised
            # by their lengths against the averages; read once each (OFFSET keeps the query apart).
            nt = f"(1 - {B!r} + {B!r} * title_words / :avg_title)"
            nb = f"(1 - {B!r} + {B!r} * body_words / :avg_body)"
            weighted = ", ".join(
                f"{_weight(0)} * t{k} / {nt} + {_weight(1)} * b{k} / {nb} AS w{k}" for k in range(len(units))
            )
            score = " + ".join(f"(:idf{k} * w{k} / ({K1!r} + w{k}))" for k in range(len(units)))
            required = "".join(f" AND t{k} + b{k} > 0" for k, u in enumerate(units) if u in q.required)
            params: dict[str, float] = {
                "avg_title": avg_title,
                "avg_body": avg_body,
                **{f"idf{k}": v for k, v in enumerate(idf)},
            }
            if limit:
                params["limit"] = min(limit, _MAX_INTEGER)  # more than SQLite counts to is no limit
            rank = "0" if every else "temp.wanted.rank"
            rows = conn.execute(
                f"SELECT doc, sect, idx, ord, 0.0 + {score} AS score FROM"
                f" (SELECT doc, sect, idx, ord, {rank} AS file_rank, {weighted} FROM temp.counts{wanted}"
                f"{places} WHERE 1{in_sects}{required} LIMIT -1 OFFSET 0)"
                f" ORDER BY score DESC, {'doc' if in_order else 'file_rank, sect, ord'}"
                + (" LIMIT :limit" if limit else ""),
                params,
            ).fetchall()
        finally:
            conn.execute("DROP TABLE IF EXISTS temp.counts")
        return [Ranked(r // DOCS_PER_FILE, SEARCH_SECTIONS[sect], idx, order, s, r) for r, sect, idx, order, s in rows]

    def shown(self, docs: Sequence[int]) -> dict[int, list]:
        """{rowid: the document's fields as a hit shows them} of the documents `docs`."""
        if not docs:
            return {}
        decode = msgspec.msgpack.Decoder(list).decode
        marks = ",".join("?" * len(docs))
        return {
            r: decode(blob) for r, blob in self.conn.execute(f"SELECT id, doc FROM shown WHERE id IN ({marks})", docs)
        }

    def close(self) -> None:
        """Close the connection (a database on disk stays; one in memory is gone)."""
        with suppress(sqlite3.Error):
            self.conn.close()


# --- what library-wide listings read --------------------------------------------------

HEAD_SECTIONS = ("sources", "eras")  # what a case's head keeps of its sections: what filters and tables name


def file_rows(case: Case) -> bytes:
    """What the index records of one case, encoded (made where the case is parsed, in a worker
    process when there are many): [its id, each document's row of `docs` followed by its fields as
    a hit shows them (`search.shown_form`), its row of `cases`, each event's row of `events`].

    Listings over the library read its head (the case with only its sources and eras), the choices
    its filters take, its counts, and each event on its own, with its folded category and texts,
    its record as the JSON `timeline -f json` writes, what else makes its date again, and its
    place in date order when that does not hang on the day (an open end runs to today)."""
    from casekit.query import texts
    from casekit.records import event_record
    from casekit.registry import SECTIONS
    from casekit.search import document_row, documents, folded, item_refs, shown_form

    encode = _encoder().encode
    json = msgspec.json.encode
    refs = item_refs(case)
    docs = [
        (sect, i, order, *document_row(doc), encode(shown_form(doc, refs.get((doc.section, doc.id)))))
        for sect, i, order, doc in documents(case)
    ]
    head = msgspec.structs.replace(case, **{name: [] for name in SECTIONS if name not in HEAD_SECTIONS})
    case_row = (
        encode(head),
        encode(choices_of(case)),
        len(case.timeline),
        len(case.metrics),
        len(case.principles),
        len(case.risks),
    )
    events = [
        (
            (e.category or "").casefold(),
            GREP_GAP.join(folded(t) for t in texts(e)),
            json(event_record(e)),
            _event_form(e.date),
            place_key(e.date.sort_key()) if e.date.end is not None or e.date.start is None else None,
        )
        for e in case.timeline
    ]
    return encode((case.id, docs, case_row, events))


def _event_form(when) -> bytes | None:
    """What an event's record leaves out of its date: its precision and flags (encoded), so that the
    date is made again from the record without reading its text; None for a set of dates, which is
    read again from its text."""
    if when.members:
        return None
    return _encoder().encode((when.precision, when.approximate, when.uncertain))


_PLACE_BITS = 23  # each part of a sort key fits: days are below 2**22 (date.max is day 3,652,059)


def place_key(key: tuple[int, int, int, int]) -> bytes:
    """A date's sort key (`PartialDate.sort_key`) as bytes that sort as the key does: its four
    parts, the third (a negated day) made positive, packed big-endian."""
    a, b, c, d = key
    packed = (((a << 1 | b) << _PLACE_BITS | (c + (1 << 22))) << _PLACE_BITS) | d
    return packed.to_bytes(9, "big")


GREP_GAP = "\0"  # between an event's texts as its `text` column holds them


def choices_of(case: Case) -> dict[str, list]:
    """What filters and completion take of one case, each value once in the case's order
    (`era_titles`: each era's [id, title])."""
    return {
        "category": list(dict.fromkeys(e.category for e in case.timeline if e.category)),
        "tag": list(dict.fromkeys(t for e in case.timeline for t in e.tags)),
        "source": list(dict.fromkeys(s.id for s in case.sources)),
        "era": list(dict.fromkeys(e.id for e in case.eras)),
        "era_titles": [[e.id, e.title] for e in case.eras],
        "principle_tag": [t for p in case.principles for t in p.tags],
        "metric": [m.id for m in case.metrics],
    }


_ENCODER: msgspec.msgpack.Encoder | None = None


def _encoder() -> msgspec.msgpack.Encoder:
    global _ENCODER
    if _ENCODER is None:
        _ENCODER = msgspec.msgpack.Encoder()
    return _ENCODER


def _weight(which: int) -> str:
    """SQL for a document's title (0) or body (1) weight, which its section sets."""
    from casekit.search import _WEIGHTS, SEARCH_SECTIONS

    weights = [_WEIGHTS[section][which] for section in SEARCH_SECTIONS]
    if len(set(weights)) == 1:
        return repr(weights[0])
    return "(CASE sect " + " ".join(f"WHEN {k} THEN {w!r}" for k, w in enumerate(weights)) + " END)"


def absolute_paths(refs: Sequence[CaseRef]) -> list[str]:
    """`os.path.abspath` of each ref's path, as a stamp keeps it, computed only for a path that
    needs normalising: one with no `.` or `..` part, no doubled or trailing slash, is already
    normal, and absolute once the working directory is put before it."""
    abspath = os.path.abspath
    if os.path is not posixpath:
        return [abspath(ref.path) for ref in refs]
    fspath = os.fspath
    cwd = os.getcwd().rstrip("/") + "/"
    out = []
    for ref in refs:
        path = fspath(ref.path)
        if not isinstance(path, str) or not path or "/." in path or "//" in path or path[0] == "." or path[-1] == "/":
            out.append(abspath(path))
        elif path[0] == "/":
            out.append(path)
        else:
            out.append(cwd + path)
    return out


def _stamp_row(stamp: Stamp) -> tuple:
    return (os.fsencode(stamp.path), stamp.size, stamp.mtime_ns, stamp.inode, stamp.ctime_ns)


def _count(conn: sqlite3.Connection, units: Sequence[tuple[str, ...]]) -> None:
    """Make `temp.counts`: a row for each document where one of `units` occurs, with how often each
    occurs in its title (`t0`, `t1`, …) and in its body (`b0`, `b1`, …).

    A unit of one word occurs wherever that word is, also written as one with hyphens (in the
    `*_joined` columns) when it is longer than one letter; a phrase wherever its first word is
    followed, offset after offset in the same column, by the others. Every run counts, runs that
    overlap too (`a b a` twice in `a b a b a`), as `casekit.search.Matcher.spans` finds them. The
    words after a phrase's first are looked up in a table each, by where they occur."""
    conn.execute("DROP TABLE IF EXISTS temp.counts")
    conn.execute(
        "CREATE TEMP TABLE counts(doc INTEGER PRIMARY KEY, "
        + ", ".join(f"t{k} INTEGER NOT NULL DEFAULT 0, b{k} INTEGER NOT NULL DEFAULT 0" for k in range(len(units)))
        + ")"
    )
    tables: dict[str, str] = {}
    try:
        for k, unit in enumerate(units):
            joins = []
            for i, term in enumerate(unit[1:], 1):
                if term not in tables:
                    table = tables[term] = f"temp.phrase_word{len(tables)}"
                    conn.execute(f"DROP TABLE IF EXISTS {table}")
                    conn.execute(
                        f"CREATE TABLE {table}(doc INTEGER, col TEXT, at INTEGER, PRIMARY KEY (doc, col, at))"
                        " WITHOUT ROWID"
                    )
                    conn.execute(
                        f'INSERT INTO {table} SELECT doc, col, "offset" FROM words'
                        " WHERE term = ? AND col IN ('title', 'body')",
                        (term,),
                    )
                joins.append(
                    f" CROSS JOIN {tables[term]} AS w{i}"
                    f' ON w{i}.doc = w0.doc AND w{i}.col = w0.col AND w{i}.at = w0."offset" + {i}'
                )
            columns = "" if len(unit) == 1 and len(unit[0]) > 1 else " AND w0.col IN ('title', 'body')"
            # The occurrences come in the order of their documents: each row is added at the end.
            conn.execute(
                f"INSERT INTO temp.counts(doc, t{k}, b{k})"
                f" SELECT w0.doc, w0.col NOT GLOB 'b*', w0.col GLOB 'b*' FROM words AS w0{''.join(joins)}"
                f" WHERE w0.term = ?{columns}"
                f" ON CONFLICT(doc) DO UPDATE SET t{k} = t{k} + excluded.t{k}, b{k} = b{k} + excluded.b{k}",
                (unit[0],),
            )
    finally:
        for table in tables.values():
            conn.execute(f"DROP TABLE IF EXISTS {table}")


def open_memory_index() -> Index:
    """An empty index in memory, for cases that are not files of a library."""
    return Index(_memory(), None, None)


def search_library(
    library: Library,
    refs: Sequence[CaseRef],
    q: Query,
    *,
    sections: Sequence[str] = (),
    limit: int | None = None,
    progress: Progress | None = None,
) -> tuple[list, list[Loaded], int]:
    """Search the case files `refs` through the index: (hits, files that do not load, files searched)."""
    result = with_index(library, lambda index: _search(index, refs, q, sections, limit, progress), memory=True)
    assert result is not None
    return result


_MAX_INTEGER = (1 << 63) - 1


def _damaged(exc: Exception) -> str | None:
    """What to do about `exc`, met while reading the index: "corrupt" when SQLite finds the file
    corrupt (it is deleted), "stale" when a table of this version is missing or a row does not
    decode as it was written (its tables are made again, in a transaction, as for another
    version's index), None for anything else: a lock, a full disk, or a fault of casekit's own."""
    if type(exc) is sqlite3.DatabaseError:  # SQLITE_CORRUPT, SQLITE_NOTADB; not its subclasses
        return "corrupt"
    if isinstance(exc, sqlite3.OperationalError):
        return "stale" if str(exc).startswith(("no such table", "no such column")) else None
    return "stale" if isinstance(exc, msgspec.DecodeError) else None


def _forget_version(conn: sqlite3.Connection) -> None:
    """Make the next open rebuild the tables (`_prepare`), as for an index of another version."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM meta WHERE key = 'version'")
        conn.execute("COMMIT")
    except BaseException:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


def with_index(library: Library, work: Callable[[Index], T], *, memory: bool = False) -> T | None:
    """`work(index)` on the library's index, and what it gives; None when the index cannot be kept
    on disk (the cache is off or unusable), unless `memory` asks for an index in memory then.

    An index found damaged while it is read (`_damaged`) is deleted and made again, once.
    """
    for attempt in (1, 2):
        index = open_index(library)
        try:
            if index.path is None and not memory:
                return None
            return work(index)
        except (sqlite3.DatabaseError, msgspec.DecodeError) as exc:
            damage = _damaged(exc)
            if attempt == 2 or index.path is None or damage is None:
                raise
            _log.debug("index %s is %s, made again: %s", index.path, damage, exc)
            if damage == "stale":
                try:  # in place: another process may have the file open
                    _forget_version(index.conn)
                    continue
                except sqlite3.Error:
                    pass
            remove(index.path)
        finally:
            index.close()
    raise AssertionError("unreachable")


def _search(
    index: Index,
    refs: Sequence[CaseRef],
    q: Query,
    sections: Sequence[str],
    limit: int | None,
    progress: Progress | None,
) -> tuple[list, list[Loaded], int]:
    """Bring the index up to date, then rank and read the hits inside one read transaction, each
    file's id read again by its path: another process indexing a file again meanwhile (a young
    file is indexed by every process that finds it) gives it a new id, which the ranking sees."""
    from casekit.search import Matcher, hit_from_shown, labels_for

    current, broken = index.sync(refs, progress)
    with index.reading():
        found = index.file_ids(refs, current)
        if not found:
            return [], broken, 0
        wanted = {fid for _, fid in found}
        ids = {fid: case_id for fid, case_id in index.conn.execute("SELECT id, case_id FROM files") if fid in wanted}
        labels = labels_for([ids[fid] for _, fid in found], [str(ref.path) for ref, _ in found])
        label_of = {fid: label for (_, fid), label in zip(found, labels)}
        ranked = index.rank(q, label_of, sections, limit)
        shown = index.shown([r.doc for r in ranked])
    matchers = [m for m in map(Matcher, q.units) if m.possible]
    hits = [hit_from_shown(r, ids[r.file], label_of[r.file], shown[r.doc], matchers) for r in ranked]
    return hits, broken, len(found)
