"""One item in full, as the browser's detail pane shows it: Rich renderables, no Textual.

A case is shown as `casekit show` shows it, a metric as `casekit metric`
(its series, growth and chart), a problem as `validate` prints it; any other
item as its title, where it is, every field, its note and confidence, and
its sources with their links.
"""

from __future__ import annotations

from typing import Any

import msgspec
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from casekit.browse.data import CASES, PROBLEMS, REFERENCES, Browsed, Ref, item_title
from casekit.dates import PartialDate
from casekit.render.text import clean, safe
from casekit.values import Value

# Fields the heading shows, or the links list below it.
_SHOWN_ELSEWHERE = frozenset({"id", "sources", "note", "confidence", "observations"})


def detail(browsed: Browsed, ref: Ref) -> RenderableType:
    """The item `ref` names, in full."""
    item = browsed.item(ref)
    case = browsed.case_of(ref)
    if item is None:
        return Text("nothing here", style="dim")
    if ref.section == PROBLEMS:
        from casekit.render.problems import render_problem

        return render_problem(item)
    assert case is not None
    if ref.section == CASES:
        from casekit.render.overview import overview

        return overview(item, browsed.today)
    parts: list[RenderableType] = [_heading(browsed, ref, item)]
    if ref.section == "metrics":
        parts.append(metric_series(item, browsed))
    fields = _fields(ref.section, item)
    if fields.row_count:
        parts.append(fields)
    parts += _provenance(case, item)
    return Group(*parts)


def metric_series(metric: Any, browsed: Browsed) -> RenderableType:
    """The metric's series with change, % change, CAGR and bars, as `casekit metric` shows it."""
    from casekit.analytics import cagr_span, series_table
    from casekit.render.metrics import metric_view

    rows = series_table(metric, browsed.today)
    return metric_view(metric, rows, cagr_span(metric, rows))


def _heading(browsed: Browsed, ref: Ref, item: Any) -> Text:
    title = item_title(ref.section, item)
    title.stylize("bold")
    where = Text(clean(browsed.reference(ref)), style="dim cyan")
    return Text.assemble(title, "\n", where, "\n")


def _shown(value: Any) -> str:
    if isinstance(value, PartialDate):
        return value.text
    if isinstance(value, Value):
        return value.display()
    if isinstance(value, list):
        return "; ".join(_shown(v) for v in value)
    if isinstance(value, msgspec.Struct):  # a person's role
        period = getattr(value, "period", None)
        return getattr(value, "title", "") + (f" ({period.text})" if period else "")
    return "" if value is None else str(value)


def _fields(section: str, item: Any) -> Table:
    """Every field the heading and the links do not show, `name  value`, in the format's order."""
    from casekit.render.overview import LABELLED

    shown_above = set(LABELLED.get(section, ()))  # the heading's title says them
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    for f in msgspec.structs.fields(item):
        if f.name in _SHOWN_ELSEWHERE or f.name in shown_above or (section, f.name) in REFERENCES:
            continue
        text = _shown(getattr(item, f.name))
        if text:
            grid.add_row(f.encode_name.replace("_", " "), safe(text))
    return grid


def _provenance(case: Any, item: Any) -> list[RenderableType]:
    """The item's note (marked when its sources disagree), its confidence, and its sources by title,
    each with its date, author and link."""
    out: list[RenderableType] = []
    if item.note:
        mark = "‡ " if item.confidence == "disputed" else ""
        out.append(Text.assemble(("\nnote  ", "dim"), (mark, "bold yellow"), clean(item.note)))
    if item.confidence:
        out.append(Text.assemble(("confidence  ", "dim"), clean(item.confidence)))
    cited = list(dict.fromkeys([*item.sources, *(s for o in getattr(item, "observations", ()) for s in o.sources)]))
    by_id = {s.id: s for s in case.sources}
    if cited:
        out.append(Text("\nSources", style="bold blue"))
    for sid in cited:
        source = by_id.get(sid)
        if source is None:
            out.append(safe(f"  {sid} (unknown source)", "red"))
            continue
        line = Text("  ")
        line.append(clean(source.title), style="bold")
        about = [clean(x) for x in (source.kind, source.author, source.date.text if source.date else None) if x]
        line.append("  " + ", ".join(about), style="dim")
        if source.url:
            line.append("\n    ")
            line.append(clean(source.url), style=f"underline link {source.url}")
        out.append(line)
    return out
