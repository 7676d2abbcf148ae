"""Ranked full-text search over cases (BM25F: titles weigh more than body text).

Every item of every section is a document with two fields: its title (the
item's title, name or quote text) and its body (every other text it holds:
summaries, details, notes, mitigations, dates and values as written). The
case itself is a document too, in the pseudo-section `case` (company and
title; summary and tags). Fields that hold ids of other items (`sources`,
`evidence`, `era` …) are not searched: they are references, not text.

Matching is case-insensitive and accent-blind (NFKD, combining marks
dropped, casefolded), and a light plural fold makes `risk` find `risks`.
A query is bare words and "quoted phrases": every phrase must match; bare
words are alternatives, ranked by BM25F. A word that splits into several
tokens (`data-labeling`, `13.8B`) is matched as a phrase of them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import msgspec

from casekit.dates import PartialDate
from casekit.model import SECTIONS, Case
from casekit.values import Value

__all__ = ["CASE_SECTION", "Hit", "Query", "Snippet", "fold", "parse_query", "search", "SEARCH_SECTIONS"]

CASE_SECTION = "case"
SEARCH_SECTIONS: tuple[str, ...] = (CASE_SECTION, *SECTIONS)

# BM25F parameters: the usual k1 and b, and a title worth four body words.
K1 = 1.2
B = 0.75
TITLE_WEIGHT = 4.0
BODY_WEIGHT = 1.0

SNIPPET_WIDTH = 160
MARK_OPEN, MARK_CLOSE = "«", "»"

# Fields naming other items, and fields that are not prose.
_SKIPPED_FIELDS = frozenset({"id", "sources", "evidence", "risks", "principles", "era", "people",
                             "confidence", "url", "file"})
# The field(s) that make an item's title, per section.
_TITLE_FIELDS: dict[str, tuple[str, ...]] = {
    "sources": ("title",),
    "people": ("name",),
    "eras": ("title",),
    "timeline": ("title",),
    "metrics": ("name",),
    "principles": ("title",),
    "risks": ("title",),
    "quotes": ("text",),
    "moats": ("title",),
    "flywheel": ("from_", "to"),
    "segments": ("name",),
    "competitors": ("name",),
    "drivers": ("title",),
    "lessons": ("title",),
}
# Short keyword fields: a snippet comes from prose when prose matched.
_KEYWORD_FIELDS = frozenset({"tags", "category", "severity", "likelihood", "kind", "date", "period", "unit",
                             "value", "revenue", "share", "growth", "margin", "scale", "segment"})
# Words too common to rank by on their own (kept when a query holds nothing else).
_STOP_WORDS = frozenset(
    "a an and are as at be but by for from has have in is it its of on or that the this to was were "
    "which with".split()
)
_TOKEN = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")


# --- text ----------------------------------------------------------------------------

def fold(text: str) -> str:
    """`text` casefolded with its accents removed: `Élan` and `elan` fold alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original one."""
    out: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        piece = fold(char) if not char.isascii() else char.lower()
        out.append(piece)
        where.extend([i] * len(piece))
    return "".join(out), where


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light plural fold: `risks` → `risk`, `companies` → `company`, `boxes` → `box`."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class Token(NamedTuple):
    term: str  # folded and stemmed
    start: int  # span in the original text
    end: int


def tokenize(text: str) -> list[Token]:
    """The words of `text` as search terms, each with its span in `text`."""
    if text.isascii():  # the common case: folding is lowercasing, offsets do not move
        return [Token(stem(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text.lower())]
    folded, where = _folded_with_offsets(text)
    return [Token(stem(m.group()), where[m.start()], where[m.end() - 1] + 1) for m in _TOKEN.finditer(folded)]


def _terms(text: str) -> tuple[str, ...]:
    return tuple(t.term for t in tokenize(text))


# --- queries -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: units are tuples of terms (one term, or a phrase); `required` must all match."""

    text: str
    units: tuple[tuple[str, ...], ...]
    required: frozenset[tuple[str, ...]] = frozenset()


_QUERY_PART = re.compile(r'"([^"]*)"?|(\S+)')


def parse_query(text: str) -> Query:
    """Bare words and "quoted phrases" (an unclosed quote runs to the end)."""
    units: list[tuple[str, ...]] = []
    required: set[tuple[str, ...]] = set()
    for m in _QUERY_PART.finditer(text):
        phrase, word = m.group(1), m.group(2)
        terms = _terms(phrase if phrase is not None else word)
        if not terms:
            continue
        if phrase is not None:
            required.add(terms)
        if terms not in units:
            units.append(terms)
    loose = [u for u in units if u not in required]
    meaningful = [u for u in loose if len(u) > 1 or u[0] not in _STOP_WORDS]
    if meaningful or required:
        units = [u for u in units if u in required or u in meaningful]
    return Query(text, tuple(units), frozenset(required))


# --- documents -----------------------------------------------------------------------

@dataclass(slots=True)
class Field:
    name: str  # the item's key, dotted for nested keys: `observations.note`
    text: str  # whitespace collapsed
    title: bool
    tokens: list[Token] = field(default_factory=list)
    title_at: int | None = None  # where this text starts in the document's shown title
    positions: dict[str, list[int]] = field(default_factory=dict)  # term -> token indexes

    def __post_init__(self) -> None:
        for i, token in enumerate(self.tokens):
            self.positions.setdefault(token.term, []).append(i)


@dataclass(slots=True)
class Document:
    case: str
    section: str
    id: str
    title: str
    order: int  # position in the case, for stable ordering of equal scores
    fields: list[Field]

    def length(self, title: bool) -> int:
        return sum(len(f.tokens) for f in self.fields if f.title is title)


def _field(name: str, text: str, title: bool, title_at: int | None = None) -> Field:
    # Titles are shown as written, so their matches must point into the same text.
    if not title:
        text = _SPACE.sub(" ", text).strip()
    return Field(name, text, title, tokenize(text), title_at)


def _body_fields(obj: object, prefix: str = "") -> Iterable[tuple[str, str]]:
    """(dotted name, text) for every searchable text inside a struct."""
    for name in obj.__struct_fields__:
        if name in _SKIPPED_FIELDS:
            continue
        yield from _texts_of(getattr(obj, name), prefix + name.rstrip("_"))


def _texts_of(value: object, name: str) -> Iterable[tuple[str, str]]:
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, (PartialDate, Value)):
        yield name, value.text
    elif isinstance(value, msgspec.Struct):
        yield from _body_fields(value, name + ".")
    elif isinstance(value, (list, tuple)):
        if value and all(isinstance(v, str) for v in value):
            yield name, " · ".join(value)
        else:
            for v in value:
                yield from _texts_of(v, name)


def documents(case: Case) -> list[Document]:
    """Every searchable document of `case`: the case itself, then each item of each section."""
    docs = [Document(case.id, CASE_SECTION, case.id, case.title, 0, [
        _field("company", case.company, True),
        _field("title", case.title, True, title_at=0),
        *([_field("summary", case.summary, False)] if case.summary else []),
        *([_field("tags", " · ".join(case.tags), False)] if case.tags else []),
    ])]
    order = 1
    for section in SECTIONS:
        title_names = _TITLE_FIELDS[section]
        for item in getattr(case, section):
            parts = [getattr(item, n) or "" for n in title_names]
            fields, at = [], 0
            for name, text in zip(title_names, parts):
                fields.append(_field(name.rstrip("_"), text, True, title_at=at))
                at += len(text) + len(" → ")
            fields += [_field(n, t, False) for n, t in _body_fields(item)
                       if n not in {t.rstrip("_") for t in title_names}]
            title = " → ".join(parts)
            docs.append(Document(case.id, section, item.id, title, order, [f for f in fields if f.text]))
            order += 1
    return docs


# --- matching and ranking ------------------------------------------------------------

def _occurrences(f: Field, unit: tuple[str, ...]) -> list[tuple[int, int]]:
    """Spans (in the field's text) where the terms of `unit` occur in a row."""
    tokens, n = f.tokens, len(unit)
    spans = []
    for i in f.positions.get(unit[0], ()):
        if i + n <= len(tokens) and all(tokens[i + k].term == unit[k] for k in range(1, n)):
            spans.append((tokens[i].start, tokens[i + n - 1].end))
    return spans


@dataclass(frozen=True, slots=True)
class Snippet:
    """A short stretch of one field, with the spans of the matched words."""

    field: str
    text: str
    spans: tuple[tuple[int, int], ...]
    in_title: bool = False

    def marked(self, open_: str = MARK_OPEN, close: str = MARK_CLOSE) -> str:
        """The snippet as plain text, each match wrapped: `the «data engine» runs…`."""
        out, at = [], 0
        for start, end in self.spans:
            out += [self.text[at:start], open_, self.text[start:end], close]
            at = end
        out.append(self.text[at:])
        return "".join(out)


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result, best first when sorted by the search."""

    case: str
    section: str
    id: str
    title: str
    score: float
    snippet: Snippet
    title_spans: tuple[tuple[int, int], ...] = ()

    def record(self) -> dict:
        """The machine record: `{case, section, id, title, score, snippet}`; matches wrapped in «»."""
        return {"case": self.case, "section": self.section, "id": self.id, "title": self.title,
                "score": round(self.score, 4), "snippet": self.snippet.marked()}


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def make_snippet(f: Field, spans: list[tuple[int, int]], width: int = SNIPPET_WIDTH) -> Snippet:
    """The stretch of `f` at most about `width` characters long holding the most matches."""
    spans = _merge(spans)
    text = f.text
    if len(text) <= width:
        return Snippet(f.name, text, tuple(spans), f.title)
    best_start, best_count = 0, -1
    for i, (start, _) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e <= start + width - width // 4)
        if count > best_count:
            best_start, best_count = start, count
    if not spans:
        best_start = 0
    # Lead in with some context before the first match, starting on a word.
    lo = max(0, best_start - width // 4)
    if lo > 0:
        space = text.find(" ", lo)
        lo = space + 1 if 0 <= space < best_start else lo
    hi = min(len(text), lo + width)
    if hi < len(text):
        space = text.rfind(" ", lo, hi)
        kept = [e for s, e in spans if s >= lo and e <= hi]
        if space > lo and (not kept or space >= max(kept)):
            hi = space
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    body = text[lo:hi].strip()
    shift = lo + (len(text[lo:hi]) - len(text[lo:hi].lstrip())) - len(prefix)
    inside = tuple((s - shift, e - shift) for s, e in spans if s >= lo and e <= hi)
    return Snippet(f.name, prefix + body + suffix, inside, f.title)


class Index:
    """BM25F statistics over a set of documents."""

    def __init__(self, docs: list[Document]) -> None:
        self.docs = docs
        n = len(docs) or 1
        self.avg = {title: (sum(d.length(title) for d in docs) / n) or 1.0 for title in (True, False)}

    def search(self, query: Query) -> list[Hit]:
        """Every matching document as a hit, best first."""
        if not query.units:
            return []
        found: list[tuple[Document, dict[tuple[str, ...], dict[int, list[tuple[int, int]]]]]] = []
        df: dict[tuple[str, ...], int] = dict.fromkeys(query.units, 0)
        for doc in self.docs:
            matches: dict[tuple[str, ...], dict[int, list[tuple[int, int]]]] = {}
            for unit in query.units:
                per_field = {}
                for k, f in enumerate(doc.fields):
                    spans = _occurrences(f, unit)
                    if spans:
                        per_field[k] = spans
                if per_field:
                    matches[unit] = per_field
                    df[unit] += 1
            if not matches or not all(u in matches for u in query.required):
                continue
            found.append((doc, matches))
        n = len(self.docs)
        idf = {u: math.log(1 + (n - df[u] + 0.5) / (df[u] + 0.5)) for u in query.units}
        hits = []
        for doc, matches in found:
            score = 0.0
            norms = {title: 1 - B + B * doc.length(title) / self.avg[title] for title in (True, False)}
            for unit, per_field in matches.items():
                weighted = 0.0
                for k, spans in per_field.items():
                    f = doc.fields[k]
                    weight = TITLE_WEIGHT if f.title else BODY_WEIGHT
                    weighted += weight * len(spans) / norms[f.title]
                score += idf[unit] * weighted / (K1 + weighted)
            hits.append((score, doc, matches))
        section_rank = {s: i for i, s in enumerate(SEARCH_SECTIONS)}
        hits.sort(key=lambda h: (-h[0], h[1].case, section_rank[h[1].section], h[1].order))
        return [self._hit(score, doc, matches) for score, doc, matches in hits]

    def _hit(self, score: float, doc: Document, matches: dict) -> Hit:
        spans_by_field: dict[int, list[tuple[int, int]]] = {}
        units_by_field: dict[int, int] = {}
        for per_field in matches.values():
            for k, spans in per_field.items():
                spans_by_field.setdefault(k, []).extend(spans)
                units_by_field[k] = units_by_field.get(k, 0) + 1
        title_spans = [(f.title_at + s, f.title_at + e)
                       for k, f in enumerate(doc.fields) if f.title_at is not None
                       for s, e in spans_by_field.get(k, [])]
        body = [k for k in spans_by_field if not doc.fields[k].title]
        if body:
            # Prose before keywords, then the field matching the most query units, the most often, first.
            def prose(k: int) -> bool:
                return doc.fields[k].name.rpartition(".")[2] not in _KEYWORD_FIELDS

            best = max(body, key=lambda k: (prose(k), units_by_field[k], len(spans_by_field[k]), -k))
            snippet = make_snippet(doc.fields[best], spans_by_field[best])
        else:
            best = min(spans_by_field)
            snippet = make_snippet(doc.fields[best], spans_by_field[best])
        return Hit(doc.case, doc.section, doc.id, doc.title, score, snippet, tuple(_merge(title_spans)))


def search(cases: Iterable[Case], query: str | Query, *, sections: Sequence[str] = (),
           limit: int | None = None) -> list[Hit]:
    """The items of `cases` matching `query`, best first (at most `limit`; all when None or 0)."""
    q = parse_query(query) if isinstance(query, str) else query
    docs = [d for case in cases for d in documents(case) if not sections or d.section in sections]
    hits = Index(docs).search(q)
    return hits[:limit] if limit else hits
