"""The report's outline as Markdown, with the sources as reference-style footnotes (`[^source_id]`).

Every piece of case text goes through `markdown.inline` (or `block` where it
starts a line), the one escaping every Markdown casekit writes. A fact its
sources disagree on is marked ‡, with the note saying how, under it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from casekit.outline import Block, Outline, dispute
from casekit.render import markdown
from casekit.render.markdown import one_line

__all__ = ["report"]

md = markdown.inline
md_block = markdown.block
MARK = "‡"


def report(o: Outline) -> str:
    """The whole report."""
    case = o.case
    out: list[str] = [f"# {md(case.title)}", ""]
    meta = [f"**{md(case.company)}**", f"as of {md(case.as_of.text)}"]
    if case.tags:
        meta.append(" ".join(f"`{one_line(t).replace('`', '')}`" for t in case.tags))
    out += [" · ".join(meta), ""]
    for p in o.summary:
        out += [md_block(p), ""]
    for block in o.blocks:
        out += [f"## {block.title}", ""]
        out += _sources(o, out) if block.name == "sources" else _SECTIONS[block.name](o, block)
        out.append("")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).rstrip("\n") + "\n"


# --- helpers -----------------------------------------------------------------------------


def _cell(text: object) -> str:
    return md(text) if text not in (None, "") else ""


def _notes(ids: Iterable[str]) -> str:
    """Footnote references: `[^a][^b]`."""
    return "".join(f"[^{i}]" for i in ids)


def _mark(item: object) -> str:
    return f" {MARK}" if dispute(item) is not None else ""


def _disagree(note: str | None, indent: str = "  - ") -> list[str]:
    """The line under a disputed item that says how its sources disagree."""
    if note is None:
        return []
    return [f"{indent}{MARK} *Sources disagree*" + (f": {md(note)}" if note else ".")]


def _table(header: Sequence[str], rows: list[list[str]], right: Sequence[int] = ()) -> list[str]:
    align = ["---:" if i in right else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _table_notes(named: list[tuple[str, str]]) -> list[str]:
    """Notes of a table's disputed rows, under the table."""
    if not named:
        return []
    return ["", *(f"- {MARK} **{md(name)}**: " + (md(note) if note else "Sources disagree.") for name, note in named)]


# --- sections ----------------------------------------------------------------------------


def _metrics(o: Outline, block: Block) -> list[str]:
    rows, disputed = [], []
    for row in block.items:
        latest, previous = row.latest, row.previous
        mark = f" {MARK}" if row.notes else ""
        rows.append(
            [
                md(row.metric.name) + mark + _notes(row.sources),
                _cell(latest.value.display() if latest else ""),
                _cell(latest.date.text if latest else ""),
                _cell(f"{previous.value.display()} ({previous.date.text})" if previous else ""),
                _cell(row.change),
            ]
        )
        disputed += [(row.metric.name, note) for note in dict.fromkeys(row.notes)]
    return _table(["Metric", "Latest", "As of", "Previous", "Change"], rows, right=(1, 3)) + _table_notes(disputed)


def _timeline(o: Outline, block: Block) -> list[str]:
    out = []
    if o.eras:
        out += ["**Eras**", ""]
        for era in o.eras:
            line = f"- {md(era.period.text)} — **{md(era.title)}**{_mark(era)}"
            if era.summary:
                line += f": {md(era.summary)}"
            out += [line + _notes(era.sources), *_disagree(dispute(era))]
        out += ["", "**Events**", ""]
    for event in block.items:
        line = f"- **{md(event.date.text)}**{_mark(event)} — {md(event.title)}"
        if event.detail:
            sep = " " if event.title.rstrip().endswith((".", "!", "?")) else ". "
            line += f"{sep}{md(event.detail)}"
        tags = [t for t in (event.category, o.era_titles.get(event.era or "", event.era)) if t]
        if tags:
            line += " *(" + md(" · ".join(tags)) + ")*"
        out += [line + _notes(event.sources), *_disagree(dispute(event))]
    return out


def _principles(o: Outline, block: Block) -> list[str]:
    out = []
    for p in block.items:
        out += [f"### {p.n}. {md(p.title)}{_mark(p)}", "", md_block(p.summary) + _notes(p.sources), ""]
        out += [*_disagree(dispute(p), ""), ""] if dispute(p) is not None else []
        out.append(f"- **Benefit:** {md(p.benefit)}")
        out.append(f"- **Tradeoff:** {md(p.tradeoff)}")
        if p.tactic:
            out.append(f"- **Tactic:** {md(p.tactic)}")
        if p.evidence:
            named = [f"{o.events[i].date.text} {o.events[i].title}" if i in o.events else i for i in p.evidence]
            out.append("- **Evidence:** " + "; ".join(md(n) for n in named))
        if p.risks:
            out.append("- **Risks:** " + "; ".join(md(o.risks[i].title if i in o.risks else i) for i in p.risks))
        out.append("")
    return out


def _risks(o: Outline, block: Block) -> list[str]:
    out = []
    for r in block.items:
        out += [f"### {md(r.title)}{_mark(r)}", ""]
        facts = [f"severity **{md(r.severity)}**"]
        if r.likelihood:
            facts.append(f"likelihood **{md(r.likelihood)}**")
        if r.horizon:
            facts.append(f"horizon {md(r.horizon)}")
        out += [" · ".join(facts) + _notes(r.sources), ""]
        out += [*_disagree(dispute(r), ""), ""] if dispute(r) is not None else []
        if r.description:
            out += [md_block(r.description), ""]
        for mitigation in r.mitigations:
            out.append(f"- Mitigation: {md(mitigation)}")
        if r.principles:
            named = [f"{o.principles[i].n}. {o.principles[i].title}" if i in o.principles else i for i in r.principles]
            out.append("- Principles: " + "; ".join(md(n) for n in named))
        if r.mitigations or r.principles:
            out.append("")
    return out


def _people(o: Outline, block: Block) -> list[str]:
    out = []
    for p in block.items:
        roles = "; ".join(r.title + (f" ({r.period.text})" if r.period else "") for r in p.roles)
        line = f"- **{md(p.name)}**{_mark(p)}" + (f" — {md(roles)}" if p.roles else "") + _notes(p.sources)
        out += [line, *_disagree(dispute(p))]
    return out


def _quotes(o: Outline, block: Block) -> list[str]:
    from casekit.sections import speaker_name

    out = []
    for q in block.items:
        who = [speaker_name(o.case, q.speaker)] + ([q.date.text] if q.date else [])
        out += [
            f"> {md(q.text)}",
            ">",
            f"> — {md(', '.join(who))}{_mark(q)}" + (f" ({md(q.context)})" if q.context else "") + _notes(q.sources),
            *_disagree(dispute(q), "> "),
            "",
        ]
    return out


def _moats(o: Outline, block: Block) -> list[str]:
    out = []
    for m in block.items:
        facts = [
            f"{label}: {md(v)}" for label, v in (("time to replicate", m.time_to_replicate), ("cost", m.cost)) if v
        ]
        line = f"{m.rank}. **{md(m.title)}**{_mark(m)}"
        if m.description:
            line += f" — {md(m.description)}"
        if facts:
            line += " *(" + "; ".join(facts) + ")*"
        out += [line + _notes(m.sources), *_disagree(dispute(m), "   - ")]
    return out


def _flywheel(o: Outline, block: Block) -> list[str]:
    out = []
    for loop in o.loops:
        out += [md_block(" → ".join([*loop, loop[0]])), ""]
    for e in block.items:
        line = f"- **{md(e.from_)} → {md(e.to)}**{_mark(e)}" + (f": {md(e.description)}" if e.description else "")
        out += [line + _notes(e.sources), *_disagree(dispute(e))]
    return out


def _segments(o: Outline, block: Block) -> list[str]:
    items = block.items
    rows = [
        [
            md(s.name) + _mark(s) + _notes(s.sources),
            _cell(s.period.text if s.period else ""),
            *(_cell(v.display() if v else "") for v in (s.revenue, s.share, s.growth, s.margin)),
        ]
        for s in items
    ]
    out = _table(["Segment", "Period", "Revenue", "Share", "Growth", "Margin"], rows, right=(2, 3, 4, 5))
    out += _table_notes([(s.name, dispute(s)) for s in items if dispute(s) is not None])
    described = [s for s in items if s.description]
    if described:
        out.append("")
        out += [f"- **{md(s.name)}**: {md(s.description)}" for s in described]
    return out


def _competitors(o: Outline, block: Block) -> list[str]:
    rows = [
        [
            md(c.name) + _mark(c) + _notes(c.sources),
            _cell(c.segment),
            _cell(c.position),
            _cell(c.scale.display() if c.scale else ""),
            _cell(c.notes),
        ]
        for c in block.items
    ]
    out = _table(["Competitor", "Segment", "Position", "Scale", "Notes"], rows, right=(3,))
    return out + _table_notes([(c.name, dispute(c)) for c in block.items if dispute(c) is not None])


def _drivers(o: Outline, block: Block) -> list[str]:
    out = []
    for d in block.items:
        line = f"- **{md(d.title)}**{_mark(d)}" + (f" *({md(d.horizon)})*" if d.horizon else "")
        out += [line + (f": {md(d.description)}" if d.description else "") + _notes(d.sources)]
        out += _disagree(dispute(d))
    return out


def _lessons(o: Outline, block: Block) -> list[str]:
    out = []
    for x in block.items:
        line = f"- **{md(x.title)}**{_mark(x)}" + (f": {md(x.summary)}" if x.summary else "") + _notes(x.sources)
        out += [line, *_disagree(dispute(x))]
    return out


def _sources(o: Outline, written: list[str]) -> list[str]:
    # A footnote nothing refers to is not shown (GitHub drops it): sources no fact cites
    # are listed as plain entries instead.
    sources = o.case.sources
    cited = set(re.findall(r"\[\^([^\]]+)\]", "\n".join(written)))
    out = [f"[^{s.id}]: {_source_line(s)}" for s in sources if s.id in cited]
    uncited = [f"- {_source_line(s)}" for s in sources if s.id not in cited]
    if uncited:
        out += ["", "Not cited above:", ""] if len(uncited) < len(sources) else []
        out += uncited
    return out


def _source_line(s) -> str:
    parts = [f"*{md(s.title)}*", md(s.kind)]
    if s.author:
        parts.append(md(s.author))
    if s.date:
        parts.append(md(s.date.text))
    line = ", ".join(parts) + "."
    if s.url:
        # Only web addresses become links; any other scheme (javascript:…) stays text.
        link = markdown.autolink(s.url)
        line += f" {link}" if link else f" {md(s.url)}"
    if s.file:
        line += f" File: `{one_line(s.file).replace('`', '')}`."
    if s.note:
        line += f" {md(s.note)}"
    return line


_SECTIONS: dict[str, Callable[[Outline, Block], list[str]]] = {
    "metrics": _metrics,
    "timeline": _timeline,
    "principles": _principles,
    "risks": _risks,
    "people": _people,
    "quotes": _quotes,
    "moats": _moats,
    "flywheel": _flywheel,
    "segments": _segments,
    "competitors": _competitors,
    "drivers": _drivers,
    "lessons": _lessons,
}
