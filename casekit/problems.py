"""A problem found in a case file: where it is, how bad, and what to do."""

from __future__ import annotations

import re
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


def did_you_mean(word: str, choices) -> str | None:
    """A hint naming the closest choice to `word`, or None."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {shown(close[0], None)}?" if close else None
