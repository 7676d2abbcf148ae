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
