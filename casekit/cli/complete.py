"""Shell completion of case ids and of names drawn from the chosen case."""

from __future__ import annotations

from collections.abc import Callable, Iterable


def _library(ctx=None):
    from casekit.library import Library

    dirs = []
    if ctx is not None:
        dirs = list(ctx.params.get("cases_dir") or [])
        parent = ctx.parent
        if parent is not None and parent.params.get("cases_dir"):
            dirs += list(parent.params["cases_dir"])
    return Library(cases_dirs=dirs)


def _matching(words: Iterable[str], incomplete: str) -> list[str]:
    # In the order the case gives them (principle 2 before 10), each once.
    return list(dict.fromkeys(w for w in words if w and w.startswith(incomplete)))


def case_ids(ctx, incomplete: str) -> list[str]:
    """Ids of the cases in the library."""
    try:
        return _matching((r.id for r in _library(ctx).refs()), incomplete)
    except Exception:  # completion must never print a traceback into the shell
        return []


def search_sections(ctx, incomplete: str) -> list[str]:
    """The sections `casekit search --section` takes."""
    from casekit.search import SEARCH_SECTIONS

    return _matching(SEARCH_SECTIONS, incomplete)


def diff_sections(ctx, incomplete: str) -> list[str]:
    """The sections `casekit diff --section` takes."""
    from casekit.changes import SECTION_NAMES

    return _matching(SECTION_NAMES, incomplete)


def _from_case(words: Callable) -> Callable:
    def complete(ctx, incomplete: str) -> list[str]:
        try:
            library = _library(ctx)
            specs = ctx.params.get("case")
            if isinstance(specs, str):
                specs = [specs]
            refs = [library.find(s) for s in specs] if specs else [library.default()]
            found: list[str] = []
            for ref in refs:
                found.extend(words(library.load(ref)))
            return _matching(found, incomplete)
        except Exception:
            return []

    return complete


eras = _from_case(lambda case: [e.id for e in case.eras])
categories = _from_case(lambda case: [e.category for e in case.timeline if e.category])
tags = _from_case(lambda case: [t for e in case.timeline for t in e.tags] + [t for p in case.principles for t in p.tags])
sources = _from_case(lambda case: [s.id for s in case.sources])
metric_ids = _from_case(lambda case: [m.id for m in case.metrics])
principle_refs = _from_case(lambda case: [str(p.n) for p in case.principles] + [p.id for p in case.principles])
