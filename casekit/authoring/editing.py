"""Editing a case in the user's editor, checked before it is kept."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from casekit.authoring.files import Refused, Snapshot, check
from casekit.errors import CasekitError
from casekit.problems import Problem


def editor_command() -> list[str]:
    """$VISUAL, else $EDITOR, else vi, split as a shell would."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        words = shlex.split(command)
    except ValueError:
        raise CasekitError(f"cannot read the editor command `{command}`") from None
    return words or ["vi"]


# Editors that open a file at +LINE.
LINE_EDITORS = frozenset(
    {"vi", "vim", "nvim", "view", "nano", "pico", "emacs", "emacsclient", "micro", "joe", "mg", "kak", "ne", "jed"}
)


def run_editor(path: Path, line: int) -> None:
    """Run the editor on `path`, at `line` when it is one that reads +LINE (vi, nano, emacs …)."""
    command = editor_command()
    at_line = line > 1 and Path(command[0]).name in LINE_EDITORS
    command = command + ([f"+{line}"] if at_line else []) + [str(path)]
    try:
        status = subprocess.call(command)
    except OSError as exc:
        raise CasekitError(
            f"cannot run the editor `{command[0]}` ({exc.strerror or exc})", hint="set VISUAL or EDITOR"
        ) from None
    if status != 0:
        raise CasekitError(f"the editor exited with status {status}; nothing was written")


def edit_loop(snapshot: Snapshot, line: int, retry: Callable[[list[Problem]], bool] | None) -> str | None:
    """Edit a copy of the case until it is valid; the new text, or None when nothing changed.

    With `retry` (at a terminal), invalid text is shown to it and edited again while it says so;
    without, invalid text is `Refused`.
    """
    with tempfile.TemporaryDirectory(prefix="casekit-edit-") as directory:
        copy = Path(directory) / snapshot.path.name
        copy.write_text(snapshot.styled(snapshot.text), encoding="utf-8", newline="")
        while True:
            run_editor(copy, line)
            try:
                text = snapshot.plain(copy.read_bytes().decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise CasekitError(f"the edited case is not UTF-8 (byte {exc.start}); nothing was written") from None
            if text == snapshot.text:
                return None
            errors = [p for p in check(snapshot, text) if p.severity == "error"]
            if not errors:
                return text
            if retry is None or not retry(errors):
                raise Refused(f"the edit leaves {snapshot.display} invalid; nothing was written", errors)
            line = errors[0].line or line
