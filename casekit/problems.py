"""A problem found in a case file: where it is, how bad, and what to do."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# Characters that would break a one-line message or act on a terminal: C0
# controls (tab and newline too), DEL, C1 controls, the line and paragraph
# separators, and the bidi controls that reorder what a line shows.
_UNPRINTABLE = "[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]"  # compiled on first use
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SHOWN_MAX = 60  # characters of case text quoted in a message


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of the loader or the checks, positioned in its file."""

    path: str
    line: int | None  # 1-based; None when the problem has no position (a missing file)
    column: int | None  # 1-based
    severity: str  # "error" or "warning"
    code: str  # short stable slug: "unknown-key", "duplicate-id", "yaml-syntax", ...
    message: str
    hint: str | None = None
    source_line: str | None = None  # the offending line, for the caret display

    @property
    def location(self) -> str:
        """`path:line:column`, as compilers and editors spell it."""
        if self.line is None:
            return self.path
        return f"{self.path}:{self.line}:{self.column or 1}"

    def record(self) -> dict:
        """The SPEC §7 record of `validate -f json`."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message if not self.hint else f"{self.message} ({self.hint})",
        }


def _escape(match: re.Match) -> str:
    char = match.group()
    return _ESCAPES.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def one_line(text: str) -> str:
    """`text` with line breaks and control characters written as escapes (`\\n`, `\\x1b`)."""
    return re.sub(_UNPRINTABLE, _escape, text)


def shown(text: object, limit: int | None = _SHOWN_MAX) -> str:
    """Case text quoted for a message: in backquotes, on one line, cut to `limit` characters."""
    text = str(text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"`{one_line(text)}`"


def check_choices(field: str, values: Iterable[str], choices: Sequence[str], noun: str) -> None:
    """An `UnknownChoice` for the first of `values` that is none of `choices` (`section: no section
    `x``), with a hint: the choices it most likely meant, else all of them."""
    from casekit.errors import UnknownChoice

    for value in values:
        if value not in choices:
            raise UnknownChoice(
                field,
                value,
                choices,
                message=f"no {noun} `{value}`",
                hint=did_you_mean(value, choices) or f"{noun}s: " + ", ".join(choices),
            )


def did_you_mean(word: str, choices, *, names: Mapping[str, str] | None = None, limit: int = 4) -> str | None:
    """A hint naming the choices `word` most likely meant (at most `limit`, likeliest first), or None.

    A choice is offered when it starts with the word (`funding` → `funding_round_size`),
    when each part of the word begins a part of it (`revenue` → `platform_revenue`;
    parts are split at `_`, `-`, `.` and spaces), or when it is close to the word
    (a typo: `tradoff` → `tradeoff`; one slip in a word of up to five letters, two
    up to eight, and so on, so that `nope` is not taken for `openai`). `names` maps
    a choice to a name or title that is matched the same way; the choice is what the
    hint shows.
    """
    return meant_hint(likely_meant(word, choices, names=names, limit=limit))


def meant_hint(meant: Sequence[str]) -> str | None:
    """`did you mean `a`, `b` or `c`?` for the choices `meant`, or None when there are none."""
    found = [shown(choice, None) for choice in meant]
    if not found:
        return None
    listed = found[0] if len(found) == 1 else f"{', '.join(found[:-1])} or {found[-1]}"
    return f"did you mean {listed}?"


def likely_meant(word: str, choices, *, names: Mapping[str, str] | None = None, limit: int = 4) -> list[str]:
    """The choices `word` most likely meant, likeliest first, at most `limit` (see `did_you_mean`)."""
    import difflib

    folded = word.strip().casefold()
    if not folded:
        return []
    parts = [p for p in re.split(_PARTS, folded) if len(p) >= _MIN_PART]
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(folded)  # difflib caches facts about the second sequence
    ranked = []
    for i, choice in enumerate(dict.fromkeys(str(c) for c in choices)):
        texts = [choice] + ([names[choice]] if names and names.get(choice) else [])
        best = min(_likeness(folded, parts, text.casefold(), matcher) for text in texts)
        if best[0] < _UNLIKE:
            ranked.append((best, i, choice))
    ranked.sort()
    return [choice for _, _, choice in ranked[:limit]]


_PARTS = r"[\s_.\-/]+"  # what separates the parts of an id or a name; compiled on first use
_MIN_PART = 3  # shorter words begin too many others to say anything
_CLOSE = 0.6  # difflib's similarity from which a choice reads as a typo of the word
_LETTERS_PER_EDIT = 3  # a typo has a slip per this many letters, at least one: `nope` is four from `openai`
_PREFIX, _PART, _TYPO, _UNLIKE = range(4)


def _likeness(word: str, parts: list[str], text: str, matcher) -> tuple[int, float]:
    """(how the word matches `text`, minus their similarity): lower is likelier."""
    matcher.set_seq1(text)
    ratio = matcher.ratio() if matcher.real_quick_ratio() >= _CLOSE and matcher.quick_ratio() >= _CLOSE else 0.0
    if len(word) >= _MIN_PART and text.startswith(word):
        return _PREFIX, -ratio
    if parts:
        words = [w for w in re.split(_PARTS, text) if w]
        if all(any(w.startswith(p) for w in words) for p in parts):
            return _PART, -ratio
    if ratio >= _CLOSE and _edits(word, text) <= max(1, len(word) // _LETTERS_PER_EDIT):
        return _TYPO, -ratio
    return _UNLIKE, 0.0


def _edits(a: str, b: str) -> int:
    """The fewest letters inserted, deleted, changed or swapped with a neighbour that turn `a` into `b`."""
    before, row = None, list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (x != y))
            if before is not None and i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        before, row = row, current
    return row[-1]
