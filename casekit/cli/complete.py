"""Shell completion: case ids and paths, and the names each option accepts, drawn from the cases
the command line names so far (`--cases-dir`, `-c` however often, `--all`, `--as-of`).

A completion never prints to stderr and never raises: whatever goes wrong, it offers nothing."""

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path


def _params(ctx) -> dict:
    """The options parsed so far, the command's own over the global ones (which may be written after
    the command too: the app moves them before it)."""
    found: dict = {}
    chain = []
    while ctx is not None:
        chain.append(ctx)
        ctx = ctx.parent
    for each in reversed(chain):
        found.update({k: v for k, v in each.params.items() if v not in (None, (), [])})
    dirs = [d for each in chain for d in (each.params.get("cases_dir") or ())]
    found["cases_dir"] = list(dict.fromkeys(dirs))
    return found


def _library(ctx=None):
    from casekit.library import Library

    params = _params(ctx) if ctx is not None else {}
    no_cache = bool(params.get("no_cache")) or os.environ.get("CASEKIT_NO_CACHE", "") not in ("", "0")
    return Library(cases_dirs=params.get("cases_dir", []), use_cache=not no_cache)


# A completion is inserted into the command line as it is, unquoted by most shells: only a plain
# word may be offered, never case text or a file name such as `$(touch x)` that a shell would run.
_PLAIN = re.compile(r"[\w.@:/+,=~%-]+")


def _matching(words: Iterable[str], incomplete: str) -> list[str]:
    # In the order the case gives them (principle 2 before 10), each once.
    return list(dict.fromkeys(w for w in words if w and w.startswith(incomplete) and _PLAIN.fullmatch(w)))


def _quietly(complete: Callable[..., list[str]]) -> Callable[..., list[str]]:
    def quiet(ctx, incomplete: str) -> list[str]:
        try:
            return complete(ctx, incomplete)
        except Exception:  # completion must never print a traceback into the shell
            return []

    quiet.__doc__ = complete.__doc__
    return quiet


def _ids(ctx) -> list[str]:
    return [r.id for r in _library(ctx).refs()]


def _paths(incomplete: str) -> list[str]:
    """Case files and directories (a step towards one) whose path begins with `incomplete`,
    spelled as it is (`cases/`, `~/work/a.yaml`); hidden ones only once a `.` is typed. A lone
    directory comes with what it holds, so that the shell completes to it without a space after."""
    found = _entries(incomplete)
    if len(found) == 1 and found[0].endswith("/"):
        found += _entries(found[0])
    return found


def _entries(incomplete: str) -> list[str]:
    from casekit.library import SUFFIXES

    head, _, name = incomplete.rpartition("/")
    prefix = head + "/" if "/" in incomplete else ""
    directory = Path(os.path.expanduser(prefix or "."))
    found = []
    for entry in sorted(directory.iterdir(), key=lambda p: p.name):
        if not entry.name.startswith(name) or (entry.name.startswith(".") and not name.startswith(".")):
            continue
        if entry.is_dir():
            found.append(f"{prefix}{entry.name}/")
        elif entry.name.endswith(SUFFIXES):
            found.append(prefix + entry.name)
    return found


@_quietly
def case_ids(ctx, incomplete: str) -> list[str]:
    """Ids of the cases in the library."""
    return _matching(_ids(ctx), incomplete)


@_quietly
def cases_or_paths(ctx, incomplete: str) -> list[str]:
    """Ids of the cases in the library, then case files and directories (`validate`, `compare`)."""
    ids = [] if "/" in incomplete else _ids(ctx)
    return _matching(ids + _paths(incomplete), incomplete)


@_quietly
def diff_operands(ctx, incomplete: str) -> list[str]:
    """A `diff` operand: a case id, `ID@` (the case as of a date, to be typed), or a case file."""
    ids = [] if "/" in incomplete else [w for i in _ids(ctx) for w in (i, f"{i}@")]
    return _matching(ids + _paths(incomplete), incomplete)


def search_sections(ctx, incomplete: str) -> list[str]:
    """The sections `casekit search --section` takes."""
    from casekit.search import SEARCH_SECTIONS

    return _matching(SEARCH_SECTIONS, incomplete)


def diff_sections(ctx, incomplete: str) -> list[str]:
    """The sections `casekit diff --section` takes."""
    from casekit.changes import SECTION_NAMES

    return _matching(SECTION_NAMES, incomplete)


def _given(ctx, key: str) -> list[str]:
    """The values of parameter `key` typed so far. An option still waiting for its value (the one
    being completed) ends the parse before the operands are read, so they are read again without it."""
    value = ctx.params.get(key)
    if not value:
        words = list(getattr(ctx.parent, "args", None) or [])
        if words and words[-1].startswith("-"):
            value = ctx.command.make_context(
                ctx.info_name, words[:-1], parent=ctx.parent, resilient_parsing=True
            ).params.get(key)
    if isinstance(value, str):
        return [value]
    return list(value or [])


def _cases(ctx, key: str = "case") -> list:
    """The cases the command will read, as `open_cases` picks them: every case of the library with
    `--all`, else those `key` names (once each), else the default case; each as of `--as-of`."""
    from datetime import date

    from casekit.dates import PartialDate
    from casekit.query import as_of

    params = _params(ctx)
    library = _library(ctx)
    if params.get("all_cases"):
        cases = [loaded.case for loaded in library.check_all(library.refs()) if loaded.case is not None]
    else:
        specs = _given(ctx, key)
        refs = [library.find(s) for s in specs] if specs else _default_refs(library)
        refs = list({ref.path.resolve(): ref for ref in refs}.values())
        cases = [loaded.case for loaded in library.check_all(refs) if loaded.case is not None]
    if params.get("as_of"):
        when = PartialDate.parse(params["as_of"])
        today = date.today()
        if params.get("today"):
            today = PartialDate.parse(params["today"]).start or today
        cases = [as_of(case, when, today) for case in cases]
    return cases


def _default_refs(library) -> list:
    """The case a command reads with no `-c`; with several cases and no default, every case, so
    that completion offers what the library holds rather than nothing (and the shell's file names)."""
    from casekit.errors import CasekitError

    try:
        return [library.default()]
    except CasekitError:
        return library.refs()


def _from_cases(words: Callable, key: str = "case", indexed: str | None = None) -> Callable:
    """A completion offering `words(cases)` of the cases the command line names; over the whole
    library (`--all`, no `--as-of`), the choices the library index keeps under `indexed`."""

    @_quietly
    def complete(ctx, incomplete: str) -> list[str]:
        found = _from_index(ctx, indexed) if indexed else None
        return _matching(words(_cases(ctx, key)) if found is None else found, incomplete)

    return complete


def _from_index(ctx, key: str) -> list[str] | None:
    """The choices under `key` (`casekit.index.choices_of`) of every case of the library, read
    from its index; None when the command line does not ask for every case, or there is no index."""
    params = _params(ctx)
    if not params.get("all_cases") or params.get("as_of"):
        return None
    from casekit.indexed import library_choices

    library = _library(ctx)
    found = library_choices(library, library.refs())
    return None if found is None else [value for choices in found for value in choices[key]]


def _timeline(option: str) -> Callable:
    """What `timeline OPTION` accepts over the cases named: `query.timeline_choices`."""

    def words(cases) -> list[str]:
        from casekit.query import timeline_choices

        return timeline_choices(cases)[option]

    return _from_cases(words, indexed=option)


eras = _timeline("era")
categories = _timeline("category")
tags = _timeline("tag")
sources = _timeline("source")
principle_tags = _from_cases(
    lambda cases: [t for c in cases for p in c.principles for t in p.tags], indexed="principle_tag"
)
metric_ids = _from_cases(lambda cases: [m.id for c in cases for m in c.metrics], indexed="metric")


def _principle_refs(cases) -> list[str]:
    numbered = [p for c in cases for p in sorted(c.principles, key=lambda p: p.n)]
    return [str(p.n) for p in numbered] + [p.id for p in numbered]


principle_refs = _from_cases(_principle_refs)
compared_metrics = _from_cases(lambda cases: [m.id for c in cases for m in c.metrics], key="cases")


def _item_refs(cases) -> list[str]:
    from casekit.links import ref_of
    from casekit.model import SECTIONS

    return [ref_of(c, s, item) for c in cases for s in SECTIONS for item in getattr(c, s)]


item_refs = _from_cases(_item_refs)


@_quietly
def item_keys(ctx, incomplete: str) -> list[str]:
    """`KEY=` for each key of the item `set`'s REF names (of the case itself when none is given)."""
    if "=" in incomplete:
        return []
    from casekit.authoring.facts import key_order
    from casekit.authoring.setting import CASE_FIELDS
    from casekit.links import resolve_ref

    ref = _params(ctx).get("ref")
    if not ref or "=" in ref:
        keys = list(CASE_FIELDS)
    else:
        cases = _cases(ctx)
        section, _item = resolve_ref(cases[0], ref)
        from casekit.model import SECTIONS

        keys = [k for k in key_order(SECTIONS[section]) if k != "id"]
    return _matching([f"{k}=" for k in keys], incomplete)


@_quietly
def set_targets(ctx, incomplete: str) -> list[str]:
    """What `set` takes first: an item's REF, or `KEY=` for one of the case's own fields."""
    from casekit.authoring.setting import CASE_FIELDS

    return item_refs(ctx, incomplete) + _matching([f"{k}=" for k in CASE_FIELDS], incomplete)
