"""A comparison as a table: one row per attribute, one column per case."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from casekit.compare import Comparison
from casekit.render.overview import SEVERITY_STYLE
from casekit.render.text import clean, safe

GROUP_STYLE = {"case": "bold", "counts": "", "eras": "magenta", "metrics": "bold", "risks": "", "tags": "cyan",
               "themes": "green"}


def _cell(group: str, value: object) -> Text:
    if value is None or value == "":
        return Text("—", style="dim")
    if isinstance(value, int):
        return Text(str(value))
    if group == "risks" and isinstance(value, tuple):
        out = Text()
        for i, risk in enumerate(value):
            if i:
                out.append("\n")
            out.append(clean(risk.severity), style=SEVERITY_STYLE.get(risk.severity, ""))
            out.append(" " + clean(risk.title))
        return out
    return safe(value, GROUP_STYLE.get(group, "") if group in ("tags", "themes") else "")


def comparison_table(comparison: Comparison) -> Table:
    """Attributes down, cases across; a rule between groups (case, counts, eras, metrics, …)."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("", style="bold", overflow="fold", max_width=28)
    for label in comparison.labels:
        table.add_column(safe(label), header_style="bold cyan", overflow="fold")
    group = None
    for row in comparison.rows:
        if group is not None and row.group != group:
            table.add_section()
        group = row.group
        cells = [_cell(row.group, row.values.get(label)) for label in comparison.labels]
        table.add_row(safe(row.label), *cells)
    return table
