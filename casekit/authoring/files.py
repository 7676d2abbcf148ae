"""Reading a case file to change it, and writing the change back safely.

A write goes through `save`: the new text is checked as `casekit validate`
checks it, the file must still hold what was read, and the new text
replaces it atomically (a temporary file in the same directory, then a
rename) with the file's mode kept. A symbolic link is never replaced: the
file it points to is, the file that was read and checked.

Commands change a file's text with its lines ending in `\n` and no byte
order mark; a file written with CRLF line ends (every line) or a byte order
mark keeps them: `save` writes them back, on every line, old and new.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from casekit.errors import CasekitError, ExitCode
from casekit.problems import Problem


class Refused(CasekitError):
    """A write refused because the new text would not be a valid case; carries its problems."""

    def __init__(self, message: str, problems: list[Problem], hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.problems = problems


class Unchanged(CasekitError):
    """Nothing to write: the command changed nothing."""

    exit_code = ExitCode.OK


@dataclass(slots=True)
class Snapshot:
    """A case file as read: its path as named, the file written to, its text and its identity."""

    path: Path
    target: Path
    text: str  # lines ending in \n, no byte order mark
    data: bytes
    identity: tuple
    crlf: bool = False  # every line of the file ended in \r\n
    bom: bool = False  # the file started with a byte order mark

    @property
    def display(self) -> str:
        """The path as the user named it."""
        return str(self.path)

    def styled(self, text: str) -> str:
        """`text` as the file writes it: with its byte order mark and line ends."""
        if self.crlf:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        return "\ufeff" + text if self.bom and not text.startswith("\ufeff") else text

    def plain(self, text: str) -> str:
        """`text` (as the file writes it) as commands change it: the inverse of `styled`."""
        if self.bom and text.startswith("\ufeff"):
            text = text[1:]
        return text.replace("\r\n", "\n") if self.crlf else text


def _identity(st: os.stat_result) -> tuple:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def read(path: str | os.PathLike) -> Snapshot:
    """Read a case file to change it; a `CasekitError` when it is not a regular file or not UTF-8 text."""
    from casekit.loader import read_bytes

    named = Path(path)
    target = Path(os.path.realpath(named))
    try:
        info = os.stat(target)
    except OSError as exc:
        raise CasekitError(f"{named}: cannot read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise CasekitError(f"{named}: not a regular file; casekit writes only regular files")
    data = read_bytes(target)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CasekitError(f"{named}: not UTF-8 text (byte {exc.start})") from None
    bom = text.startswith("\ufeff")
    crlf = "\r\n" in text and text.count("\n") == text.count("\r\n")
    snapshot = Snapshot(named, target, text, data, _identity(info), crlf, bom)
    snapshot.text = snapshot.plain(text)
    return snapshot


def check(snapshot: Snapshot, text: str) -> list[Problem]:
    """The problems `validate` would report in `text` as the new content of `snapshot`'s file."""
    from casekit.loader import check_bytes

    return check_bytes(text.encode("utf-8"), snapshot.display, stem=snapshot.path.stem)[1]


def require_valid(snapshot: Snapshot, text: str, what: str) -> list[Problem]:
    """The warnings of `text`; a `Refused` listing its errors when it has any."""
    problems = check(snapshot, text)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        more = len(errors) - 1
        raise Refused(
            f"{what} would leave {snapshot.display} invalid; nothing was written",
            errors,
            hint=f"{more + 1} problem{'s' * bool(more)} above",
        )
    return [p for p in problems if p.severity != "error"]


def save(snapshot: Snapshot, text: str) -> None:
    """Replace the file with `text`, atomically, unless it changed on disk since it was read."""
    from casekit.atomic import write_text

    try:
        now = os.stat(snapshot.target)
        current = snapshot.target.read_bytes()
    except OSError as exc:
        raise CasekitError(
            f"{snapshot.display}: cannot read it again ({exc.strerror or exc}); nothing written"
        ) from None
    if _identity(now) != snapshot.identity or current != snapshot.data:
        raise CasekitError(
            f"{snapshot.display}: changed on disk since casekit read it; nothing was written",
            hint="run the command again on the new version",
        )
    write_text(snapshot.target, snapshot.styled(text), overwrite=True)


def cases_of(snapshot: Snapshot, new_text: str):
    """The case before and after, for the diff of what changed."""
    from casekit.loader import check_bytes

    before = check_bytes(snapshot.data, snapshot.display, stem=snapshot.path.stem)[0]
    after = check_bytes(new_text.encode("utf-8"), snapshot.display, stem=snapshot.path.stem)[0]
    return before, after
