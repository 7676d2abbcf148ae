"""A case diff for people (a summary per section, then the changes) and for pull requests (Markdown).

Glyphs, in the summary and before each item:
`+` added, `−` removed, `~` changed, `⊂` refined (a date made more precise:
the new interval lies inside the old; a period, each end), `⇄` renamed (id
changed, content nearly the same), `↕` moved (only with --order). An added
or removed item shows its fields beneath it; a list of mappings in an item
(a person's roles) shows only the entries that came, went or changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from casekit.changes import SUMMARY_KEYS, Change, DiffResult
from casekit.render.text import clean, safe

GLYPHS = {"added": "+", "removed": "−", "changed": "~", "refined": "⊂", "renamed": "⇄", "moved": "↕"}
STYLES = {
    "added": "green",
    "removed": "red",
    "changed": "yellow",
    "refined": "cyan",
    "renamed": "magenta",
    "moved": "blue",
}
DETAIL_STYLES = {"escalated": "bold red", "de-escalated": "bold green"}
# Words of unchanged prose kept either side of a change; longer runs are elided.
CONTEXT_WORDS = 6


def summary_lines(result: DiffResult) -> Table:
    """`timeline:  +2 −1 ~1 ⇄1`: one line per section with changes."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for section, counts in result.summary().items():
        grid.add_row(Text(f"{section}:", style="bold"), count_text(counts))
    return grid


def count_text(counts: dict[str, int]) -> Text:
    """`+2 −1 ~1`: the non-zero counts, each with its glyph."""
    text = Text()
    for kind in SUMMARY_KEYS:
        if counts.get(kind):
            if text:
                text.append(" ")
            text.append(f"{GLYPHS[kind]}{counts[kind]}", style=STYLES[kind])
    return text


def legend(result: DiffResult) -> Text:
    """What the glyphs in use mean."""
    used = {k for counts in result.summary().values() for k, n in counts.items() if n}
    parts = [f"{GLYPHS[k]} {k}" for k in SUMMARY_KEYS if k in used]
    return Text("   ".join(parts), style="dim")


def diff_view(result: DiffResult, *, stat: bool = False, markers: bool = False, title: bool = True) -> Group:
    """The whole diff: a title, the summary, then (unless `stat`) each section's changes.

    `markers` writes word changes as `[-old-]{+new+}` for output without colour.
    """
    parts: list[Any] = []
    if title:
        parts.append(Text.assemble((clean(result.a), "bold red"), " → ", (clean(result.b), "bold green")))
    parts.append(summary_lines(result))
    parts.append(legend(result))
    if stat:
        return Group(*parts)
    for section in result.sections():
        parts.append(Text(""))
        parts.append(Text(section, style="bold underline"))
        parts.append(section_table(result.in_section(section), markers=markers))
    return Group(*parts)


def section_table(changes: Iterable[Change], *, markers: bool = False) -> Table:
    """One section's changes: a row per item (glyph, id, date, label), a row per changed field
    (its name under the id, its change under the label)."""
    groups = group_by_item(changes)
    dated = any(_head_date(g) for g in groups)
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)  # glyph
    table.add_column(overflow="fold", max_width=36)  # id, or the field's name
    if dated:
        table.add_column(overflow="fold", max_width=16)  # the item's date
    table.add_column(overflow="fold")  # label, or the field's change
    for group in groups:
        for glyph, key, when, body in item_rows(group, markers=markers):
            table.add_row(glyph, key, when, body) if dated else table.add_row(glyph, key, body)
    return table


def _head_date(changes: list[Change]) -> str | None:
    """The date shown beside an item: its own (a metric's observations and a list's entries carry theirs)."""
    own = [c for c in changes if not _about_part(c)]
    return own[0].at if own else None


def _about_part(change: Change) -> bool:
    """True for a change to one observation of a metric or one entry of a list (a role)."""
    return (change.field or "").startswith("observations") or is_entry_change(change)


def group_by_item(changes: Iterable[Change]) -> list[list[Change]]:
    """The changes of each item together, items in first-seen order (moves apart, at the end)."""
    groups: dict[tuple[str, bool], list[Change]] = {}
    for c in changes:
        groups.setdefault((c.id, c.kind == "moved"), []).append(c)
    return list(groups.values())


def item_kind(changes: list[Change]) -> str:
    """What happened to one item, as counted in the summary."""
    kinds = {c.kind for c in changes if c.field is None or c.kind == "renamed"}
    for kind in ("renamed", "added", "removed", "moved"):
        if kind in kinds:
            return kind
    return "changed" if any(c.kind != "refined" for c in changes) else "refined"


def item_rows(changes: list[Change], *, markers: bool = False) -> list[tuple[Text, Text, Text, Text]]:
    """The rows of one item, (glyph, id, date, label): its own, then one per changed field."""
    kind = item_kind(changes)
    first = changes[0]
    glyph = Text("  " + GLYPHS[kind], style=STYLES[kind])
    name = Text(clean(first.id), style="bold")
    if first.new_id and first.new_id != first.id:
        name.append(" → " + clean(first.new_id))
    when = Text(clean(_head_date(changes) or ""), style="green")
    about = Text()
    if first.label and first.label != first.id:
        about.append(clean(first.label))
    notes = [c.detail for c in changes if c.kind in ("renamed", "moved") and c.detail]
    if notes:
        about.append(("  " if about else "") + f"({'; '.join(clean(n) for n in notes)})", style="dim")
    rows = [(glyph, name, when, about)]
    for c in changes:
        if c.field is None and c.kind in ("added", "removed"):
            # What a new (or deleted) item holds, beneath it, as git and dyff show a new file.
            for key, body in content_cells(c):
                rows.append((Text(""), key, Text(""), body))
            continue
        if c.field is None or c.kind in ("renamed", "moved"):
            continue
        key, body = field_cells(c, markers=markers)
        rows.append((Text(""), key, Text(""), body))
    return rows


# Keys written in an item's head row (its id, date and label), so not again beneath it.
_LABEL_KEYS = ("title", "name", "text")


def content_fields(change: Change) -> list[tuple[str, Any]]:
    """The fields of an added or removed item worth showing beneath it: the non-empty ones that
    its head row (id, date, label) does not already say, in the file's order."""
    item = change.new if change.kind == "added" else change.old
    if not isinstance(item, dict):
        return []
    label = change.label
    if label == f"{item.get('n')}. {item.get('title')}":
        in_head = {"n", "title"}  # a principle: "4. Title"
    elif label == f"{item.get('from')} → {item.get('to')}":
        in_head = {"from", "to"}  # a flywheel edge
    else:
        in_head = {next((k for k in _LABEL_KEYS if item.get(k) == label), "")}
    in_head |= {"id", "casekit"} | {k for k in ("date", "period", "as_of") if item.get(k) == change.at}
    return [(key, value) for key, value in item.items() if key not in in_head and value not in (None, "", [], {})]


def content_cells(change: Change) -> list[tuple[Text, Text]]:
    """(field, value) cells for each of `content_fields`: lists one entry a line, observations as
    `date  value`, prose as it is (the table wraps it)."""
    style = STYLES[change.kind]
    cells = []
    for key, value in content_fields(change):
        cells.append(
            (Text("  " + clean(key), style="dim"), Text("\n").join(safe(line, style) for line in content_lines(value)))
        )
    return cells


def content_lines(value: Any) -> list[str]:
    """A field's value as lines: one per entry of a list of mappings (`2021  $150M`, `CEO (2016/2020)`)
    or of phrases."""
    if isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
        return [entry_text(x) for x in value]
    if isinstance(value, list) and any(" " in str(x) for x in value):
        return [short(x) for x in value]  # phrases (mitigations), one a line; ids and tags share one
    return [short(value)]


def entry_text(entry: Any) -> str:
    """One entry of a list of mappings, briefly: an observation as `date  value`, a role as
    `title (period)`, anything else as `key: value` pairs."""
    if not isinstance(entry, dict):
        return short(entry)
    if "date" in entry and "value" in entry:
        return f"{entry['date']}  {short(entry['value'])}"
    label = next((entry[k] for k in _LABEL_KEYS if isinstance(entry.get(k), str)), None)
    when = entry.get("period") or entry.get("date")
    if label is not None:
        return f"{label} ({when})" if when else str(label)
    return short(entry)


def field_cells(change: Change, *, markers: bool = False) -> tuple[Text, Text]:
    """(what, how): `title` and `old → new`, a prose field and its word diff,
    an observation's date and its change."""
    c = change
    if is_entry_change(c):
        return entry_cells(c, markers=markers)
    if c.field == "observations" and c.kind in ("added", "removed"):
        key = Text("  ")
        key.append(GLYPHS[c.kind] + " ", style=STYLES[c.kind])
        key.append(clean(c.at or ""), style="green")
        body = safe(c.new if c.kind == "added" else c.old, STYLES[c.kind])
        if c.detail:
            body.append(f"  {clean(c.detail)}", style="dim")
        return key, body
    if c.field and c.field.startswith("observations"):
        key = Text("  ")
        key.append(GLYPHS[c.kind] + " ", style=STYLES[c.kind])
        key.append(clean(c.at or ""), style="green")
        sub = c.field.removeprefix("observations").lstrip(".")
        if sub:
            key.append(" " + sub)
    else:
        key = Text("  " + clean(c.field))
    if c.words is None and isinstance(c.old, list) and isinstance(c.new, list) and c.detail:
        # A list of ids or phrases: what went and what came says it (the detail), not both lists.
        body = Text()
        for n, entry in enumerate(c.detail.split(", ")):
            body.append(", " if n else "")
            body.append(clean(entry), style="red" if entry.startswith("−") else "green")
        return key, body
    return key, change_text(c, markers=markers)


def is_entry_change(change: Change) -> bool:
    """True for a change to one entry of a list of mappings in an item (a person's role)."""
    if change.entry is not None:
        return True
    return (
        change.field is not None
        and change.kind in ("added", "removed")
        and isinstance(change.new if change.kind == "added" else change.old, dict)
    )


def entry_cells(change: Change, *, markers: bool = False) -> tuple[Text, Text]:
    """An entry of a list added, removed or edited: `roles  + Interim CEO (2025-06)`,
    `roles  ~ CEO  period 2016/2020 → 2016/2021`."""
    c = change
    name, _, sub = (c.field or "").partition(".")
    key = Text("  " + clean(name))
    body = Text()
    body.append(GLYPHS[c.kind] + " ", style=STYLES[c.kind])
    if c.kind in ("added", "removed"):
        body.append(clean(entry_text(c.new if c.kind == "added" else c.old)), style=STYLES[c.kind])
        return key, body
    body.append(clean(c.entry or ""), style="bold")
    body.append(f"  {clean(sub)} " if sub else "  ")
    body.append_text(change_text(c, markers=markers))
    return key, body


def change_text(change: Change, *, markers: bool = False) -> Text:
    """What a field became: its word diff, or `old → new`; then `refined` and the detail, if any."""
    c = change
    body = Text()
    if c.words is not None:
        body.append_text(words_text(c.words, markers=markers))
    else:
        body.append_text(value_text(c.old, "red"))
        body.append(" → ")
        body.append_text(value_text(c.new, "green"))
    if c.kind == "refined":
        body.append("  refined", style=STYLES["refined"])
    if c.detail:
        body.append("  ")
        body.append(clean(c.detail), style=DETAIL_STYLES.get(c.detail, "dim"))
    return body


def value_text(value: Any, style: str) -> Text:
    """A field's old or new value, short: lists joined by commas, mappings as `key: value`."""
    if value is None or value == [] or value == "":
        return Text("(none)", style="dim")
    return safe(short(value), style)


def short(value: Any) -> str:
    """A value on one line: lists joined by commas, mappings as `key: value`."""
    if isinstance(value, list):
        return ", ".join(short(x) for x in value)
    if isinstance(value, dict):
        return " ".join(f"{k}: {short(v)}" for k, v in value.items())
    return str(value)


def words_text(words: Iterable[tuple[str, str]], *, markers: bool = False) -> Text:
    """A word diff: removed words struck through in red, added ones in green (or `[-…-]{+…+}`)."""
    runs = list(words)
    text = Text()
    for n, (op, chunk) in enumerate(runs):
        if n and not (markers and op == "+" and runs[n - 1][0] == "-"):  # [-old-]{+new+}, as git writes it
            text.append(" ")
        if op == "=":
            text.append(clean(elide(chunk, at_start=n == 0, at_end=n == len(runs) - 1)), style="dim")
        elif op == "-":
            text.append(f"[-{clean(chunk)}-]" if markers else clean(chunk), style="red strike")
        else:
            text.append(f"{{+{clean(chunk)}+}}" if markers else clean(chunk), style="bold green")
    return text


def elide(chunk: str, *, at_start: bool, at_end: bool, keep: int = CONTEXT_WORDS) -> str:
    """Unchanged words with the middle of a long run replaced by `…`."""
    words = chunk.split(" ")
    head = [] if at_start else words[:keep]
    tail = [] if at_end else words[-keep:]
    if len(words) <= len(head) + len(tail) + 2:
        return chunk
    return " ".join([*head, "…", *tail])


# --- Markdown, for a pull-request comment -----------------------------------------------------


def md(text: Any) -> str:
    """Case text made inert in Markdown (no emphasis, links or HTML), on one line: the one
    escaping every Markdown writer uses. Our text never starts a line."""
    from casekit.render.markdown import inline

    return inline(text)


def code(text: Any) -> str:
    """Case text as a Markdown code span (its backquotes made quotes)."""
    inner = clean(text).replace("`", "'")
    return f"`{inner}`"


def diff_markdown(result: DiffResult, *, stat: bool = False) -> str:
    """A table of counts per section, then (unless `stat`) headings per section, a bullet per
    changed item and a sub-bullet per field."""
    lines = [f"### casekit diff {code(result.a)} → {code(result.b)}", ""]
    summary = result.summary()
    if not summary:
        return "\n".join(lines + ["No differences.", ""])
    lines.append("| section | " + " | ".join(SUMMARY_KEYS) + " |")
    lines.append("| --- | " + " | ".join("---:" for _ in SUMMARY_KEYS) + " |")
    for section, counts in summary.items():
        lines.append(f"| {section} | " + " | ".join(str(counts[k] or "") for k in SUMMARY_KEYS) + " |")
    for section in [] if stat else result.sections():
        lines += ["", f"#### {section}", ""]
        for changes in group_by_item(result.in_section(section)):
            lines.extend(_md_item(changes))
    return "\n".join(lines) + "\n"


def _md_item(changes: list[Change]) -> list[str]:
    kind = item_kind(changes)
    first = changes[0]
    head = f"- **{kind}** {code(first.id)}"
    if first.new_id and first.new_id != first.id:
        head += f" → {code(first.new_id)}"
    if first.at and kind in ("added", "removed", "renamed", "moved"):
        head += f" ({md(first.at)})"
    if first.label and first.label != first.id:
        head += f": {md(first.label)}"
    notes = [c.detail for c in changes if c.kind in ("renamed", "moved") and c.detail]
    if notes:
        head += f" _({md('; '.join(notes))})_"
    out = [head]
    for c in changes:
        if c.field is None and c.kind in ("added", "removed"):
            for key, value in content_fields(c):
                lines = content_lines(value)
                if len(lines) == 1:
                    out.append(f"  - {md(key)}: {md(lines[0])}")
                else:
                    out.append(f"  - {md(key)}:")
                    out.extend(f"    - {md(line)}" for line in lines)
            continue
        if c.field is None or c.kind in ("renamed", "moved"):
            continue
        out.append("  - " + _md_field(c))
    return out


def _md_field(c: Change) -> str:
    if is_entry_change(c):
        name, _, sub = (c.field or "").partition(".")
        if c.kind in ("added", "removed"):
            return f"{md(name)}: {c.kind} {md(entry_text(c.new if c.kind == 'added' else c.old))}"
        old = "_(none)_" if c.old in (None, [], "") else md(short(c.old))
        new = "_(none)_" if c.new in (None, [], "") else md(short(c.new))
        body = " ".join(part for part in (f"{md(name)}:", md(c.entry or ""), md(sub), f"{old} → {new}") if part)
        if c.kind == "refined":
            body += " _(refined)_"
        if c.detail:
            body += f" _({md(c.detail)})_"
        return body
    if c.field == "observations" and c.kind in ("added", "removed"):
        value = c.new if c.kind == "added" else c.old
        return f"{c.kind} {md(c.at)}: {md(value)}" + (f" _({md(c.detail)})_" if c.detail else "")
    if c.field and c.field.startswith("observations"):
        sub = c.field.removeprefix("observations").lstrip(".")
        name = f"{md(c.at)} {sub}".strip()
    else:
        name = md(c.field)
    if c.words is not None:
        parts = []
        for n, (op, chunk) in enumerate(c.words):
            if op == "=":
                parts.append(md(elide(chunk, at_start=n == 0, at_end=n == len(c.words) - 1)))
            elif op == "-":
                parts.append(f"~~{md(chunk)}~~")
            else:
                parts.append(f"**{md(chunk)}**")
        body = " ".join(parts)
    elif isinstance(c.old, list) and isinstance(c.new, list) and c.detail:
        return f"{name}: {md(c.detail)}"
    else:
        old = "_(none)_" if c.old in (None, [], "") else md(short(c.old))
        new = "_(none)_" if c.new in (None, [], "") else md(short(c.new))
        body = f"{old} → {new}"
    if c.kind == "refined":
        body += " _(refined)_"
    if c.detail:
        body += f" _({md(c.detail)})_"
    return f"{name}: {body}"


# --- as git's external diff -------------------------------------------------------------


def git_header(
    a_label: str,
    b_label: str,
    *,
    added: bool = False,
    deleted: bool = False,
    rename_lines: Iterable[str] = (),
    kind: str = "casekit",
) -> Text:
    """`diff --casekit a/PATH b/PATH` (`diff --git` for a plain text diff), then `new file`,
    `deleted file` or the lines saying how the file was renamed, as `git diff` heads a file."""
    header = Text(f"diff --{kind} {clean(a_label)} {clean(b_label)}", style="bold")
    if added:
        header.append("\nnew file", style="bold")
    elif deleted:
        header.append("\ndeleted file", style="bold")
    else:
        for line in rename_lines:
            header.append("\n" + clean(line), style="bold")
    return header


def text_diff(old: list[str], new: list[str], a_label: str, b_label: str, note: str | None) -> Text:
    """A plain unified diff of two texts' lines, under `note` (why it is not a semantic one) if any."""
    import difflib

    out = [Text(f"casekit: {clean(note)}; showing a text diff", style="yellow")] if note else []
    for line in difflib.unified_diff(old, new, a_label, b_label, lineterm=""):
        style = {"+": "green", "-": "red", "@": "cyan"}.get(line[:1], "")
        if line.startswith(("+++", "---")):
            style = "bold"
        out.append(Text(clean(line), style=style))
    return Text("\n").join(out)
