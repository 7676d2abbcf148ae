"""Ranked full-text search over cases (BM25F: titles weigh more than body text).

Every item of every section is a document with two fields: its title (the
item's title, name or quote text) and its body (every other text it holds:
summaries, details, notes, mitigations, dates and values as written). The
case itself is a document too, in the pseudo-section `case` (company and
title; summary, tags and id). Fields that hold ids of other items (`sources`,
`evidence`, `era` …) are not searched: they are references, not text.

Matching is case-insensitive and accent-blind (NFKD, combining marks
dropped, casefolded), and a light plural fold makes `risk` find `risks`.
A hyphenated word is also found written as one word: `ecommerce` finds
`E-commerce` and `gpt3` finds `GPT-3` (an item's own id is searched too,
so `gpt3` finds `gpt3_release`).
A query is bare words and "quoted phrases": every phrase must match; bare
words are alternatives, ranked by BM25F. A word that splits into several
tokens (`data-labeling`, `13.8B`) is matched as a phrase of them.

The words of every document are kept in the library index
(`casekit.index`, SQLite FTS5), which finds the documents a query matches
and ranks them by BM25F as defined here; `search` indexes the cases it is
given in memory. Only the hits shown are then read field by field, for
their match positions and a snippet. The ranking must stay what the oracle
test (`test_the_index_ranks_as_bm25f_over_every_field`) computes by hand.
"""

from __future__ import annotations

import functools
import operator
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import msgspec

from casekit.dates import PartialDate
from casekit.model import Case
from casekit.registry import SECTIONS
from casekit.values import Value

__all__ = ["CASE_SECTION", "HIT_KEYS", "SEARCH_SECTIONS", "Hit", "Query", "Snippet", "fold", "parse_query", "search"]

CASE_SECTION = "case"
SEARCH_SECTIONS: tuple[str, ...] = (CASE_SECTION, *SECTIONS)

# BM25F parameters: the usual k1 and b, and a title worth four body words.
K1 = 1.2
B = 0.75
TITLE_WEIGHT = 4.0
BODY_WEIGHT = 1.0

SNIPPET_WIDTH = 160
MARK_OPEN, MARK_CLOSE = "«", "»"

# Fields naming other items (each section's `refs` in `casekit.registry`), and fields that are not prose.
# An item's own `id` is searched (a keyword: `gpt3_release` is found by `gpt3`); ids of others are not.
_SKIPPED_FIELDS = frozenset(
    {"sources", "confidence", "url", "file", *(field for spec in SECTIONS.values() for field in spec.refs)}
)
# The field(s) that make an item's title, per section.
_TITLE_FIELDS: dict[str, tuple[str, ...]] = {name: spec.title_fields for name, spec in SECTIONS.items()}
# (title, body) weights per section; the case's own fields weigh as the defaults.
_WEIGHTS: dict[str, tuple[float, float]] = {
    CASE_SECTION: (TITLE_WEIGHT, BODY_WEIGHT),
    **{name: (spec.title_weight, spec.body_weight) for name, spec in SECTIONS.items()},
}
# Short keyword fields: a snippet comes from prose when prose matched.
_KEYWORD_FIELDS = frozenset(
    {
        "id",
        "tags",
        "category",
        "severity",
        "likelihood",
        "kind",
        "date",
        "period",
        "unit",
        "value",
        "revenue",
        "share",
        "growth",
        "margin",
        "scale",
        "segment",
    }
)
# Words too common to rank by on their own (kept when a query holds nothing else).
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "which",
        "with",
    ]
)
_TOKEN = re.compile(r"[^\W_]+")  # a word: letters and digits (in any script), never `_`
_NON_ASCII = re.compile(r"([^\x00-\x7f]+)")
_TITLE_JOIN = " → "
_LIST_JOIN = " · "
_SEPARATOR = "\x00"  # between texts counted or scanned together: never part of a word


# --- text ----------------------------------------------------------------------------


class _WithoutCombiningMarks(dict):
    """A `str.translate` table deleting combining marks, filled in as characters turn up."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_WITHOUT_COMBINING_MARKS = _WithoutCombiningMarks()


def fold(text: str) -> str:
    """`text` casefolded with its accents removed: `Élan` and `elan` fold alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    if not decomposed.isascii():
        decomposed = decomposed.translate(_WITHOUT_COMBINING_MARKS)
    return decomposed.casefold()


def folded(text: str) -> str:
    """`text` as search reads it: `fold(text)`, the ASCII stretches merely lowercased.

    Folding works character by character, so folding only the non-ASCII
    stretches gives the same text at a fraction of the cost.
    """
    if text.isascii():
        return text.lower()
    parts = _NON_ASCII.split(text)  # ASCII, non-ASCII, ASCII, …
    parts[::2] = [part.lower() for part in parts[::2]]
    parts[1::2] = [fold(part) for part in parts[1::2]]
    return "".join(parts)


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original one."""
    out: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        piece = fold(char) if not char.isascii() else char.lower()
        out.append(piece)
        where.extend([i] * len(piece))
    return "".join(out), where


# ASCII letters and digits become `a`, every other byte a space: words are then runs of `a`.
_WORD_BYTES = bytes.maketrans(bytes(range(256)), bytes(97 if chr(b).isalnum() and b < 128 else 32 for b in range(256)))


def _word_marks(ascii_text: str) -> bytes:
    """ASCII text as ` ` and `a` bytes after a leading space, so that every word starts with the one ` a`."""
    return b" " + ascii_text.encode("ascii").translate(_WORD_BYTES)


@functools.lru_cache(maxsize=1 << 16)
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


def stemming_to(term: str) -> list[str]:
    """Every word that `stem` turns into `term`: `risk` and `risks`; `company` and `companies`."""
    forms = [term, term + "s", term + "es"]
    if term.endswith("y"):
        forms.append(term[:-1] + "ies")
    return [word for word in forms if stem(word) == term]


class Token(NamedTuple):
    """A word of a text as search reads it."""

    term: str  # folded and stemmed
    start: int  # span in the original text
    end: int


def tokenize(text: str) -> list[Token]:
    """The words of `text` as search terms, each with its span in `text`."""
    if text.isascii():  # the common case: folding is lowercasing, offsets do not move
        return [Token(stem(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text.lower())]
    folded_text, where = _folded_with_offsets(text)
    return [Token(stem(m.group()), where[m.start()], where[m.end() - 1] + 1) for m in _TOKEN.finditer(folded_text)]


def _terms(text: str) -> tuple[str, ...]:
    return tuple(t.term for t in tokenize(text))


_HYPHENS = ("-", "\u2010")  # after folding, a non-breaking hyphen is a hyphen too


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
    found: dict[tuple[str, ...], None] = {}  # each unit once, in query order
    required: set[tuple[str, ...]] = set()
    for m in _QUERY_PART.finditer(text):
        phrase, word = m.group(1), m.group(2)
        terms = _terms(phrase if phrase is not None else word)
        if not terms:
            continue
        if phrase is not None:
            required.add(terms)
        found[terms] = None
    units = list(found)
    meaningful = {u for u in units if u not in required and (len(u) > 1 or u[0] not in _STOP_WORDS)}
    if meaningful or required:
        units = [u for u in units if u in required or u in meaningful]
    return Query(text, tuple(units), frozenset(required))


MAX_UNITS = 100  # words and phrases in one query: each is counted in every document found


def search_query(text: str, sections: Sequence[str] = ()) -> Query:
    """The query `casekit search` runs: a usage error when `text` has no words to search for, or
    when one of `sections` is not searched."""
    from casekit.errors import UsageError
    from casekit.problems import check_choices

    query = parse_query(text)
    if not query.units:
        raise UsageError("the query has no words to search for", hint='try a word or a "quoted phrase"')
    if len(query.units) > MAX_UNITS:
        raise UsageError(
            f"the query has {len(query.units)} words and phrases; search takes at most {MAX_UNITS}",
            hint="search for the few words that matter most",
        )
    check_choices("section", sections, SEARCH_SECTIONS, "section")
    return query


class Matcher:
    """One query unit (a term, or a phrase of terms) compiled for folded text.

    A match is a run of whole words, one per term, each a word that stems to
    its term. The words standing for the first term all start with the same
    letters (`compan` for `company`), so the pattern starts with them as a
    literal, and the regex engine finds candidates as fast as `str.find`.
    """

    def __init__(self, terms: tuple[str, ...]) -> None:
        self.terms = terms
        words = [stemming_to(term) for term in terms]
        self.possible = all(words)  # a term no word stems to (a hand-made Query) matches nothing
        # A one-word unit also matches a hyphenated word that joins into it: `e-commerce` (or
        # `e-commerce` in `e-commerce-driven`) for `ecommerce`, `gpt-3` for `gpt3`.
        self.joined = self._compile_joined(words[0]) if len(terms) == 1 and len(terms[0]) > 1 else None
        self.needles = tuple(os.path.commonprefix(w) for w in words if w)  # what any match holds
        # Within one field any gap between words will do; in a scan, never the separator between fields.
        self.pattern = self._compile(words, r"[\W_]+")
        self.scan_pattern = self._compile(words, r"(?:[^\w" + re.escape(_SEPARATOR) + r"]|_)+")

    @staticmethod
    def _compile(words: list[list[str]], gap: str) -> re.Pattern[str]:
        def either(forms: Iterable[str]) -> str:
            return "(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + ")"

        if not all(words):
            return re.compile(r"(?!)")
        first, *rest = words
        head = os.path.commonprefix(first)
        # The literal first, then a look back: no letter or digit right before it.
        start = re.escape(head) + rf"(?<![^\W_]{re.escape(head)})" + either(w[len(head) :] for w in first)
        return re.compile(gap.join([start, *map(either, rest)]) + r"(?![^\W_])")

    @staticmethod
    def _compile_joined(forms: list[str]) -> re.Pattern[str] | None:
        """Each form with a hyphen allowed between any two of its characters (a match without one is
        a plain word, found by the main pattern); the first character a literal, for speed."""
        if not forms:
            return None
        head = re.escape(forms[0][0])
        hyphen = "[" + "".join(_HYPHENS) + "]?"
        rests = ["".join(hyphen + re.escape(c) for c in form[1:]) for form in sorted(forms, key=len, reverse=True)]
        return re.compile(head + rf"(?<![^\W_]{head})(?:" + "|".join(rests) + r")(?![^\W_])")

    def may_occur(self, folded_text: str) -> bool:
        """False when `folded_text` certainly holds no match."""
        for needle in self.needles:
            if needle not in folded_text:
                return False
        return self.possible

    def spans(self, folded_text: str, pattern: re.Pattern[str] | None = None) -> list[tuple[int, int]]:
        """Where the unit occurs in `folded_text`, from its first word to its last.

        Overlapping matches all count: a phrase `a b a` occurs twice in `a b a b a`.
        """
        found = []
        if self.may_occur(folded_text):
            pattern = pattern or self.pattern
            m = pattern.search(folded_text)
            while m:
                found.append(m.span())
                m = pattern.search(folded_text, m.start() + 1)
        if self.joined is not None and any(h in folded_text for h in _HYPHENS):
            joined = []
            m = self.joined.search(folded_text)
            while m:
                if any(h in m.group() for h in _HYPHENS):  # one without is a plain word, found above
                    joined.append(m.span())
                m = self.joined.search(folded_text, m.start() + 1)
            if joined:
                found = sorted(found + joined)
        return found

    def count(self, folded_text: str) -> int:
        """How many times the unit occurs in `folded_text`."""
        return len(self.spans(folded_text))


# For each unit matched, in query order: {field index: occurrences}.
_Matches = dict[tuple[str, ...], dict[int, int]]


# --- documents -----------------------------------------------------------------------


@dataclass(slots=True)
class Field:
    """One text of a document: as shown (body text with its whitespace collapsed) and folded."""

    name: str  # the item's key, dotted for nested keys: `observations.note`
    text: str
    title: bool
    title_at: int | None = None  # where this text starts in the document's shown title
    folded: str = ""

    def spans(self, matcher: Matcher) -> list[tuple[int, int]]:
        """Where `matcher` occurs in this text, as spans of `text` (not of its folded form)."""
        found = matcher.spans(self.folded)
        if found and not self.text.isascii():
            _, where = _folded_with_offsets(self.text)
            found = [(where[start], where[end - 1] + 1) for start, end in found]
        return found


def _field(name: str, text: str, title: bool, title_at: int | None = None) -> Field:
    # Titles are shown as written, so their matches must point into the same text.
    if not title:
        text = " ".join(text.split())  # whitespace collapsed (str.split and re's \s agree on what it is)
    return Field(name, text, title, title_at, folded(text))


_WRITTEN_VALUES = (PartialDate, Value)  # searched as written: `2019-Q3`, `$1.2B`


@functools.cache
def _reader(struct: type, title_names: tuple[str, ...] = ()) -> tuple[Callable[[object], tuple], tuple[str, ...]]:
    """How to read a struct: a getter for its title fields then its searched fields, and the latter's names."""
    searched = [n for n in struct.__struct_fields__ if n not in _SKIPPED_FIELDS and n not in title_names]
    wanted = [*title_names, *searched]
    names = tuple(n.rstrip("_") for n in searched)
    if len(wanted) > 1:
        return operator.attrgetter(*wanted), names  # one call for all of them

    def get(obj: object) -> tuple:  # attrgetter gives a lone value, not a tuple of one
        return tuple(getattr(obj, n) for n in wanted)

    return get, names


def _add_texts(
    values: Sequence[object],
    names_of: Sequence[str],
    texts: list[str],
    names: list[str] | None,
    joiner: str,
    prefix: str = "",
) -> None:
    """Append the searchable text in each of `values` to `texts` (and its dotted name to `names`).

    A list of strings (tags, mitigations) is one text, its strings joined with `joiner`.
    """
    for name, value in zip(names_of, values):
        # Most values are strings, dates, amounts or lists of words: read those here, without a call.
        kind = value.__class__
        if kind is str:
            text = value
        elif kind in _WRITTEN_VALUES:
            text = value.text  # type: ignore[attr-defined]
        elif kind is list and value and all(isinstance(v, str) for v in value):  # type: ignore[attr-defined]
            text = joiner.join(value)  # type: ignore[arg-type]
        else:
            if value is not None:
                _add_text(value, prefix + name, texts, names, joiner)
            continue
        texts.append(text)  # type: ignore[arg-type]
        if names is not None:
            names.append(prefix + name)


def _add_text(value: object, name: str, texts: list[str], names: list[str] | None, joiner: str) -> None:
    if isinstance(value, str):
        text = value
    elif isinstance(value, _WRITTEN_VALUES):
        text = value.text
    elif isinstance(value, msgspec.Struct):
        get, names_of = _reader(type(value))
        _add_texts(get(value), names_of, texts, names, joiner, name + ".")
        return
    elif isinstance(value, (list, tuple)):
        if not value or not all(isinstance(v, str) for v in value):
            for v in value:
                if v is not None:
                    _add_text(v, name, texts, names, joiner)
            return
        text = joiner.join(value)
    else:
        return
    texts.append(text)
    if names is not None:
        names.append(name)


@dataclass(slots=True)
class Document:
    """A searchable item (or case): its fields, title fields first, as the hits show them."""

    case: str
    section: str
    id: str
    title: str
    order: int  # position in the case, for stable ordering of equal scores
    fields: list[Field]


def document(case: Case, section: str, item: object, order: int) -> Document:
    """The document for one item of `case` in `section` (for `case` itself in the section `case`)."""
    if section == CASE_SECTION:  # the company is a title word, but not part of the title shown
        fields = [_field("company", case.company, True), _field("title", case.title, True, title_at=0)]
        if case.summary:
            fields.append(_field("summary", case.summary, False))
        if case.tags:
            fields.append(_field("tags", _LIST_JOIN.join(case.tags), False))
        fields.append(_field("id", case.id, False))
        return Document(case.id, section, case.id, case.title, order, [f for f in fields if f.text])
    title_names = _TITLE_FIELDS[section]
    get, names_of = _reader(type(item), title_names)
    values = get(item)
    parts = [value or "" for value in values[: len(title_names)]]
    fields, at = [], 0
    for name, text in zip(title_names, parts):
        fields.append(_field(name.rstrip("_"), text, True, title_at=at))
        at += len(text) + len(_TITLE_JOIN)
    texts: list[str] = []
    names: list[str] = []
    _add_texts(values[len(title_names) :], names_of, texts, names, _LIST_JOIN)
    fields += [_field(name, text, False) for name, text in zip(names, texts)]
    return Document(
        case.id,
        section,
        item.id,
        _TITLE_JOIN.join(parts),
        order,  # type: ignore[attr-defined]
        [f for f in fields if f.text],
    )


def _sections(case: Case, sections: Sequence[str]) -> Iterable[tuple[str, list, int]]:
    """(section, items, order of its first item) for each section of `case` searched; `case` is its own item."""
    if not sections or CASE_SECTION in sections:
        yield CASE_SECTION, [case], 0
    order = 1
    for section in SECTIONS:
        items = getattr(case, section)
        if not sections or section in sections:
            yield section, items, order
        order += len(items)


# --- snippets and hits ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snippet:
    """A short stretch of one field, with the spans of the matched words."""

    field: str
    text: str
    spans: tuple[tuple[int, int], ...]
    in_title: bool = False  # the text is (part of) the hit's title as shown, so not shown again

    def marked(self, open_: str = MARK_OPEN, close: str = MARK_CLOSE) -> str:
        """The snippet as plain text, each match wrapped: `the «data engine» runs…`."""
        out, at = [], 0
        for start, end in self.spans:
            out += [self.text[at:start], open_, self.text[start:end], close]
            at = end
        out.append(self.text[at:])
        return "".join(out)


HIT_KEYS = ("case", "section", "id", "ref", "title", "score", "snippet")


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
    ref: str | None = None  # what `casekit show` takes to show the item (None: the case itself)

    def record(self) -> dict:
        """The machine record (`HIT_KEYS`): `{case, section, id, ref, title, score, snippet}`; matches
        wrapped in «»."""
        return {
            "case": self.case,
            "section": self.section,
            "id": self.id,
            "ref": self.ref,
            "title": self.title,
            "score": round(self.score, 4),
            "snippet": self.snippet.marked(),
        }


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
    shown = f.title_at is not None  # the text is part of the hit's title as shown
    if len(text) <= width:
        return Snippet(f.name, text, tuple(spans), shown)
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
    return Snippet(f.name, prefix + body + suffix, inside, shown)


# --- matching and ranking ------------------------------------------------------------


def _match(fields: Sequence[str], matchers: Sequence[Matcher]) -> _Matches:
    """Where the units occur among the folded texts of a document's fields, and how often."""
    matches: _Matches = {}
    for matcher in matchers:
        per_field = {}
        for k, text in enumerate(fields):
            count = matcher.count(text)
            if count:
                per_field[k] = count
        if per_field:
            matches[matcher.terms] = per_field
    return matches


def _hit(score: float, doc: Document, matchers: Sequence[Matcher], case: str, ref: str | None = None) -> Hit:
    """The hit for a matched document: its title's matches marked, and a snippet from its best field."""
    matches = _match([f.folded for f in doc.fields], matchers)
    units_by_field: dict[int, int] = {}
    count_by_field: dict[int, int] = {}
    for per_field in matches.values():
        for k, count in per_field.items():
            units_by_field[k] = units_by_field.get(k, 0) + 1
            count_by_field[k] = count_by_field.get(k, 0) + count
    by_terms = {m.terms: m for m in matchers}

    def spans(k: int) -> list[tuple[int, int]]:
        f = doc.fields[k]
        return [span for terms, per_field in matches.items() if k in per_field for span in f.spans(by_terms[terms])]

    title_spans = [
        (f.title_at + s, f.title_at + e)
        for k, f in enumerate(doc.fields)
        if f.title_at is not None and k in count_by_field
        for s, e in spans(k)
    ]
    # An id says again what a matching title says: show the title then.
    title_matched = any(doc.fields[k].title_at is not None for k in count_by_field)
    # The snippet comes from a matching field the title shown does not hold (a case's company is
    # a title field, not shown), so that every match a hit is found by is seen.
    body = [
        k
        for k in count_by_field
        if doc.fields[k].title_at is None and not (title_matched and doc.fields[k].name == "id")
    ]
    if body:
        # Prose before keywords, then the field matching the most query units, the most often, first.
        def prose(k: int) -> bool:
            return doc.fields[k].name.rpartition(".")[2] not in _KEYWORD_FIELDS

        best = max(body, key=lambda k: (prose(k), units_by_field[k], count_by_field[k], -k))
    else:
        best = min(count_by_field)
    snippet = make_snippet(doc.fields[best], spans(best))
    return Hit(case, doc.section, doc.id, doc.title, score, snippet, tuple(_merge(title_spans)), ref)


def search(
    cases: Iterable[Case],
    query: str | Query,
    *,
    sections: Sequence[str] = (),
    limit: int | None = None,
    labels: Sequence[str] | None = None,
) -> list[Hit]:
    """The items of `cases` matching `query`, best first (at most `limit`; all when None or 0).

    A hit names its case by the case's id, or by its entry in `labels` (one
    per case: two versions of one case share an id, not a label). The cases
    are indexed in memory for the one search; `search_library` searches a
    library through its index on disk.
    """
    from casekit.index import Index, open_memory_index

    q = parse_query(query) if isinstance(query, str) else query
    cases = list(cases)
    if not q.units or not cases:
        return []
    index: Index = open_memory_index()
    try:
        ids = index.add_cases(cases)
        names = list(labels) if labels is not None else [case.id for case in cases]
        ranked = index.rank(q, dict(zip(ids, names)), sections, limit)
    finally:
        index.close()
    by_id = {fid: (case, name) for fid, case, name in zip(ids, cases, names)}
    return hits(q, ranked, lambda fid: by_id[fid])


def labels_for(ids: Sequence[str], names: Sequence[str] | None = None) -> list[str]:
    """A distinct label per case id: the id, or the name it was given by when ids repeat."""
    out: list[str] = []
    taken: set[str] = set()
    counts: dict[str, int] = {}
    for case_id in ids:
        counts[case_id] = counts.get(case_id, 0) + 1
    for i, case_id in enumerate(ids):
        label = case_id
        if counts[case_id] > 1 and names:
            from pathlib import Path

            label = Path(names[i]).stem if names[i] else case_id
        base, n = label, 2
        while label in taken:
            label, n = f"{base}#{n}", n + 1
        out.append(label)
        taken.add(label)
    return out


def item_refs(case: Case) -> dict[tuple[str, str], str]:
    """{(section, id): the REF `casekit show` takes} of every item of `case`: its id, or
    `SECTION/ID` when another section has an item with that id too (as `casekit.links.ref_of`)."""
    held: dict[str, set[str]] = {}
    for section in SECTIONS:
        for item in getattr(case, section):
            held.setdefault(item.id, set()).add(section)
    return {
        (section, item_id): f"{section}/{item_id}" if len(sections) > 1 else item_id
        for item_id, sections in held.items()
        for section in sections
    }


def shown_form(doc: Document, ref: str | None) -> list:
    """What a hit shows of a document, as the index keeps it: id, title, REF and fields."""
    return [doc.id, doc.title, ref, [[f.name, f.text, f.title, f.title_at] for f in doc.fields]]


def hit_from_shown(found, case_id: str, label: str, shown: list, matchers: Sequence[Matcher]) -> Hit:
    """The hit for a ranked document (`casekit.index.Ranked`) from its `shown_form`, as `hits`
    makes it from the case, with its REF."""
    item_id, title, ref, fields = shown
    doc = Document(
        case_id,
        found.section,
        item_id,
        title,
        found.order,
        [Field(name, text, is_title, at, folded(text)) for name, text, is_title, at in fields],
    )
    return _hit(found.score, doc, matchers, label, ref)


def hits(q: Query, ranked: Sequence, case_of: Callable[[int], tuple[Case, str]]) -> list[Hit]:
    """The hits for ranked documents (`casekit.index.Ranked`): only these are read in full, for their
    fields as shown, their match positions and a snippet. `case_of` gives a file's case and label."""
    import dataclasses

    from casekit.links import ref_of

    matchers = [m for m in map(Matcher, q.units) if m.possible]
    out = []
    for found in ranked:
        case, label = case_of(found.file)
        item = case if found.section == CASE_SECTION else getattr(case, found.section)[found.index]
        hit = _hit(found.score, document(case, found.section, item, found.order), matchers, label)
        if found.section != CASE_SECTION:  # the REF `casekit show -c CASE REF` takes
            hit = dataclasses.replace(hit, ref=ref_of(case, found.section, item))
        out.append(hit)
    return out


# --- documents as the index holds them ------------------------------------------------

BARRIER = "\u00a7"  # between two fields: a token no query word is


def _tokens(folded: str) -> tuple[list[str], list[str]]:
    """The terms of one folded text, and each hyphenated run's words joined (each stem once per start)."""
    if "-" not in folded and "\u2010" not in folded:  # most texts: no word joined by a hyphen (_HYPHENS)
        return list(map(stem, _TOKEN.findall(folded))), []
    matches = list(_TOKEN.finditer(folded))
    terms = [stem(m.group()) for m in matches]
    joined: list[str] = []
    i = 0
    while i < len(matches):
        j = i
        while j + 1 < len(matches) and folded[matches[j].end() : matches[j + 1].start()] in _HYPHENS:
            j += 1
        for start in range(i, j):  # a run of words with single hyphens between: every stretch of two or more
            word, seen = matches[start].group(), set()
            for end in range(start + 1, j + 1):
                word += matches[end].group()
                seen.add(stem(word))
            joined += sorted(seen)
        i = j + 1
    return terms, joined


def _column(fields: Iterable[list[str]]) -> str:
    """Terms as the index holds them: each between two spaces, a barrier between fields."""
    words = f" {BARRIER} ".join("  ".join(terms) for terms in fields if terms)
    return f" {words} " if words else ""


def document_row(doc: Document) -> tuple[str, str, str, str, int, int]:
    """(title, body, title joined, body joined, title words, body words) of a document."""
    title, title_joined, title_words = _columns([f.folded for f in doc.fields if f.title])
    body, body_joined, body_words = _columns([f.folded for f in doc.fields if not f.title])
    return title, body, title_joined, body_joined, title_words, body_words


_FIELD_GAP = "\0"  # between the fields of one column while they are read as one text
_WORD_OR_GAP = re.compile(r"[^\W_]+|\0")  # `_TOKEN`, or a gap
_ASCII_WORD_OR_GAP = re.compile(r"[A-Za-z0-9]+|\0")  # the same on ASCII text, faster


def _columns(texts: list[str]) -> tuple[str, str, int]:
    """The column of the folded `texts` (`_column` of each one's `_tokens`), the column of their
    hyphenated words joined, and how many words they hold.

    The fields are read as one text, the gaps between them kept as tokens: the same column as
    reading them one by one, at a fraction of the cost. Only the fields with a hyphen are read
    one by one, for their joined words.
    """
    gaps = len(texts) - 1
    text = _FIELD_GAP.join(texts)
    if text.count(_FIELD_GAP) != gaps:  # a field holds the gap itself
        fields = [_tokens(t) for t in texts]
        words = [terms for terms, _ in fields]
        return _column(words), _column(joined for _, joined in fields), sum(map(len, words))
    joined = ""
    if "-" in text or "\u2010" in text:  # only hyphenated words join (a field without one adds none)
        joined = _column(_tokens(t)[1] for t in texts if "-" in t or "\u2010" in t)
    terms = (_ASCII_WORD_OR_GAP if text.isascii() else _WORD_OR_GAP).findall(text)
    column = "  ".join(map(stem, terms))
    if gaps:
        if column[:1] == _FIELD_GAP or column[-1:] == _FIELD_GAP or "\0  \0" in column:
            # a field with no word: the barriers around it are one
            words = [list(map(stem, _TOKEN.findall(t))) for t in texts]
            return _column(words), joined, sum(map(len, words))
        column = column.replace("  \0  ", f" {BARRIER} ")
    return (f" {column} " if column else ""), joined, len(terms) - gaps


def documents(case: Case) -> Iterator[tuple[int, int, int, Document]]:
    """(section number, index in section, order, document) for the case and every item of it."""
    yield 0, 0, 0, document(case, CASE_SECTION, case, 0)
    order = 1
    for sect, section in enumerate(SEARCH_SECTIONS[1:], 1):
        for i, item in enumerate(getattr(case, section)):
            yield sect, i, order, document(case, section, item, order)
            order += 1
