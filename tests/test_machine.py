"""The machine formats: Markdown that renders case text as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from casekit.cli.app import app
from casekit.render.machine import write

FIXTURES = Path(__file__).parent / "fixtures"
ACME = FIXTURES / "library" / "acme.yaml"
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "CASEKIT_CASE": "", "CASEKIT_PATH": ""}


def run(*args: str):
    return CliRunner().invoke(app, ["--cases-dir", str(FIXTURES / "library"), *args], env=ENV)


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
