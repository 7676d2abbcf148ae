"""Machine output at a terminal: every format, to - or /dev/stdout, shows control characters, never obeys them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LIBRARY = REPO / "tests" / "fixtures" / "library"
DIFF = REPO / "tests" / "fixtures" / "diff"


def at_a_terminal(*args: str, status: int = 0) -> bytes:
    """What casekit sends to a terminal (stdout a pseudo-terminal) for `args`; it must exit `status`."""
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "CASEKIT_NO_CACHE": "1", "NO_COLOR": "1", "TERM": "dumb"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "casekit", *args],
        stdout=slave,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # the terminal's signals, if any, stay with the child
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(60) == status, proc.stderr.read() if proc.stderr else ""
    return b"".join(chunks)


@pytest.mark.parametrize(
    ("fmt", "output"), [("json", "-"), ("md", "-"), ("html", "-"), ("json", "/dev/stdout")], ids=str
)
def test_export_at_a_terminal_shows_control_characters_not_obeys_them(tmp_path, fmt, output):
    text = (LIBRARY / "acme.yaml").read_text()
    assert "title: Seed round" in text
    case = tmp_path / "acme.yaml"
    case.write_text(text.replace("title: Seed round", 'title: "Seed \\u009b2J\\u202e round \\e[31m"'))
    shown = at_a_terminal("export", "-c", str(case), "-f", fmt, "-o", output)
    assert b"Seed" in shown
    for raw in ("\u009b", "\u202e", "\x1b"):
        assert raw.encode() not in shown
    assert b"\\u009b2J\\u202e round" in shown or b"\\\\u009b2J\\\\u202e round" in shown


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv", "md"])
def test_diff_at_a_terminal_shows_control_characters_not_obeys_them(tmp_path, fmt):
    base = (DIFF / "base.yaml").read_text()
    changed = tmp_path / "changed.yaml"
    titles = [line for line in base.splitlines() if "title: " in line and line.lstrip().startswith("- {")]
    assert titles
    old = titles[0].split("title: ", 1)[1].split(",", 1)[0]
    changed.write_text(base.replace(old, '"Renamed \\u009b2J\\u202e \\e[31m"', 1))
    shown = at_a_terminal("diff", str(DIFF / "base.yaml"), str(changed), "-f", fmt, status=1)
    assert b"Renamed" in shown
    for raw in ("\u009b", "\u202e", "\x1b"):
        assert raw.encode() not in shown
