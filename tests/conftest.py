"""Test-wide settings: no test reads the user's cache, configuration or terminal settings."""

from __future__ import annotations

import os

import pytest

# Variables a developer's shell or a CI runner may set that change what casekit prints or does.
_UNSET = (
    "NO_COLOR",
    "FORCE_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "PAGER",
    "VISUAL",
    "EDITOR",
    "COLUMNS",
    "LINES",
    "PYTHONIOENCODING",
    "PY_COLORS",
)
_UNSET_PREFIXES = ("CASEKIT_", "XDG_", "GIT_")


@pytest.fixture(autouse=True)
def clean_environment(tmp_path_factory, monkeypatch):
    """Every test gets empty-at-start XDG folders (never ~/.cache), a plain terminal and no git config."""
    for name in list(os.environ):
        if name in _UNSET or name.startswith(_UNSET_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    base = tmp_path_factory.getbasetemp()
    for kind in ("cache", "data", "config", "state"):
        monkeypatch.setenv(f"XDG_{kind.upper()}_HOME", str(base / f"xdg-{kind}"))
    monkeypatch.setenv("TERM", "xterm-256color")  # Rich fixes 80 columns on a dumb terminal
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")  # no signing, hooks or aliases of the user's
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    # Typer reads FORCE_COLOR, PY_COLORS and GITHUB_ACTIONS once, when its help module is first
    # imported: whichever test imports it first would otherwise fix colour for every later help.
    from typer import rich_utils

    monkeypatch.setattr(rich_utils, "FORCE_TERMINAL", None)


# What every run of the command line in a test starts from: no colour, a width of 100, no case
# named by the environment. A test module may set `CLI_ARGS` (arguments put before each run's,
# such as `--cases-dir DIR`) and `CLI_ENV` (variables on top of these).
CLI_ENV = {"NO_COLOR": "1", "COLUMNS": "100", "CASEKIT_CASE": "", "CASEKIT_PATH": ""}


@pytest.fixture
def run(request):
    """Run casekit in-process: `run("timeline", "-f", "json", env={...}, input=..., columns=N)` → click's Result
    (`exit_code`, `stdout`, `stderr`, `exception`), with the module's `CLI_ARGS` first."""
    from typer.testing import CliRunner

    from casekit.cli.app import app

    prefix = [str(a) for a in getattr(request.module, "CLI_ARGS", ())]
    base = {**CLI_ENV, **getattr(request.module, "CLI_ENV", {})}

    def run(*args: str, env: dict | None = None, input=None, columns: int | None = None):
        extra = {"COLUMNS": str(columns)} if columns is not None else {}
        return CliRunner().invoke(app, [*prefix, *args], env={**base, **extra, **(env or {})}, input=input)

    return run
