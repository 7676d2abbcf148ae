"""casekit: business strategy cases as structured YAML, queried from the terminal.

The library works without the CLI::

    import casekit
    case = casekit.load_case("cases/scale_ai.yaml")
    changes = casekit.diff(old_case, new_case)
    tables = casekit.frames(case)  # pandas DataFrames, one per section
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["CasekitError", "Library", "PartialDate", "Value", "check_file", "diff", "frames", "load_case"]

_LAZY = {
    "load_case": ("casekit.loader", "load_case"),
    "check_file": ("casekit.loader", "check_file"),
    "Library": ("casekit.library", "Library"),
    "CasekitError": ("casekit.errors", "CasekitError"),
    "PartialDate": ("casekit.dates", "PartialDate"),
    "Value": ("casekit.values", "Value"),
    "diff": ("casekit.changes", "diff"),
    "frames": ("casekit.dataframes", "frames"),
}


def __getattr__(name: str) -> Any:
    # Public names load on first use, so `import casekit` (and the CLI's
    # start-up) pays only for what a command touches.
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'casekit' has no attribute {name!r}")


def __dir__() -> list[str]:
    # The lazy names are public too: list them for dir(), completion and help().
    return sorted({*globals(), *__all__})
