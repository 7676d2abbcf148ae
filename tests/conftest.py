"""Test-wide settings: no test reads the user's cache, configuration or terminal settings."""

from __future__ import annotations

import pytest

# Variables a developer's shell or a CI runner may set that change what casekit prints or does.
_UNSET = (
    "CASEKIT_CASE", "CASEKIT_PATH", "CASEKIT_DEBUG", "CASEKIT_NO_CACHE", "CASEKIT_PAGER",
    "CASEKIT_MAX_CASE_MB", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "PAGER", "COLUMNS", "LINES",
)


@pytest.fixture(autouse=True)
def clean_environment(tmp_path_factory, monkeypatch):
    """Every test gets an empty-at-start cache (never ~/.cache), a plain terminal and no git config."""
    for name in _UNSET:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("TERM", "xterm-256color")  # Rich fixes 80 columns on a dumb terminal
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")  # no signing, hooks or aliases of the user's
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
