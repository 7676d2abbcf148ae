"""What the write-command tests share: the bundled case, every valid fixture, a plain run and a file's state."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from casekit.cli.app import app
from casekit.loader import check_bytes

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "cases" / "scale_ai.yaml"
FIXTURES = sorted(p for p in (ROOT / "tests" / "fixtures").rglob("*.yaml") if "bad" not in p.parts)
VALID = [p for p in [BUNDLED, *FIXTURES] if check_bytes(p.read_bytes(), str(p))[0] is not None]


def run(*args: str):
    return CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", "COLUMNS": "100"})


def copy_of_bundled(tmp_path: Path) -> Path:
    """The bundled case copied to `tmp_path`, with a mode a write must keep."""
    path = tmp_path / "scale_ai.yaml"
    path.write_bytes(BUNDLED.read_bytes())
    path.chmod(0o640)
    return path


def state(path: Path) -> tuple:
    return path.read_bytes(), path.stat().st_mode
