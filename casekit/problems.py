"""A problem found in a case file: where it is, how bad, and what to do."""

from __future__ import annotations

from dataclasses import dataclass


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


def did_you_mean(word: str, choices) -> str | None:
    """A hint naming the closest choice to `word`, or None."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None
