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


def _import_msgspec() -> None:
    """Import msgspec, which every command uses, without typing_extensions on Python 3.11+.

    msgspec takes `get_type_hints`, `Required` and `NotRequired` from typing_extensions
    when it is installed, else from `typing`, which has all three from Python 3.11 on;
    importing typing_extensions costs about 3 ms of a run that has no other use for it.
    A program that imported typing_extensions already, or that imports it later, has it
    as usual: it is hidden only while msgspec loads.
    """
    import sys

    if sys.version_info < (3, 11) or "msgspec" in sys.modules or "typing_extensions" in sys.modules:
        return
    sys.modules["typing_extensions"] = None  # type: ignore[assignment]  # makes its import fail
    try:
        import msgspec  # noqa: F401
    finally:
        del sys.modules["typing_extensions"]


_import_msgspec()


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
