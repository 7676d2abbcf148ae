"""The machine formats: the data as it is in json, yaml and csv; Markdown that renders case text as written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from casekit.cli.app import app
from casekit.render.machine import write

FIXTURES = Path(__file__).parent / "fixtures"
ACME = FIXTURES / "library" / "acme.yaml"
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "CASEKIT_CASE": "", "CASEKIT_PATH": ""}


def run(*args: str):
    return CliRunner().invoke(app, ["--cases-dir", str(FIXTURES / "library"), *args], env=ENV)


def csv_rows(text: str) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


# --- text is data ---------------------------------------------------------------------

def test_csv_keeps_control_characters_as_json_does_and_md_shows_them():
    record = [{"id": "x", "title": "red \x1b[31mtext\x07"}]
    assert json.loads(write(record, "json"))[0]["title"] == "red \x1b[31mtext\x07"
    assert csv_rows(write(record, "csv"))[1][0]["title"] == "red \x1b[31mtext\x07"
    assert "\x1b" not in write(record, "md") and "␛\\[31mtext␇" in write(record, "md")


def test_csv_at_a_terminal_shows_control_characters_instead_of_obeying_them(tmp_path):
    import os
    import pty
    import subprocess
    import sys

    path = tmp_path / "acme.yaml"
    path.write_text(ACME.read_text().replace("title: Seed round", 'title: "Seed \\e[31mround"'))
    primary, secondary = pty.openpty()
    done = subprocess.run([sys.executable, "-m", "casekit", "timeline", "-c", str(path), "-f", "csv"],
                          stdout=secondary, stderr=subprocess.PIPE, env={**os.environ, **ENV}, timeout=60)
    os.close(secondary)
    out = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(primary)
    assert done.returncode == 0, done.stderr
    assert b"\x1b" not in out and "Seed ␛[31mround".encode() in out
    piped = subprocess.run([sys.executable, "-m", "casekit", "timeline", "-c", str(path), "-f", "csv"],
                           capture_output=True, env={**os.environ, **ENV}, timeout=60)
    assert b"Seed \x1b[31mround" in piped.stdout


def test_yaml_writes_any_character_as_itself():
    text = write([{"a": "Keep it tiny 🍜.", "b": "café"}], "yaml")
    assert "Keep it tiny 🍜." in text and "café" in text and "\\U" not in text
    assert yaml.safe_load(text) == [{"a": "Keep it tiny 🍜.", "b": "café"}]
    assert yaml.safe_load(write([{"c": "x\x1by"}], "yaml")) == [{"c": "x\x1by"}]


def test_md_cells_are_inert_text():
    text = write([{"detail": "Raised money </td></tr><script>alert(4)</script> & &amp; | *x*\nline two"}], "md")
    cell = text.splitlines()[2]
    assert "<script>" not in cell and "\\<script\\>" in cell
    assert "\\&amp;" in cell and "& " in cell  # only an entity is escaped
    assert "\\|" in cell and "\\*x\\*" in cell
    assert cell.endswith("line two |") and "<br>" in cell


@pytest.mark.parametrize("args", [["timeline", "-c", "hostile"], ["cases"], ["search", "money", "-c", "hostile"],
                                  ["compare", "hostile", "acme"]])
def test_every_md_listing_escapes_case_text(args, tmp_path):
    (tmp_path / "hostile.yaml").write_text(ACME.read_text().replace(
        "title: From warehouse robots to a platform", 'title: "Robots <b>bold</b>"').replace(
        "title: Seed round", 'title: Seed round, detail: "Raised money </td></tr><script>alert(4)</script>"'))
    result = CliRunner().invoke(app, ["--cases-dir", str(tmp_path), "--cases-dir", str(FIXTURES / "library"),
                                      *args, "-f", "md"], env=ENV)
    assert result.exit_code == 0, result.output
    assert "<script>" not in result.stdout and "<b>" not in result.stdout and "</td>" not in result.stdout
