"""A whole case as a Markdown report or a self-contained HTML page.

The report and the page hold the same things in the same order: header and
summary, key metrics, timeline (eras, then events), principles with their
tradeoffs, risks, then every other section, and the sources every fact cites
(Markdown footnotes `[^source_id]`; numbered links on the page).

The page loads nothing: inline CSS, charts drawn as inline SVG here, no
scripts, fonts or images. Every piece of case text is made safe first
(`clean`: control characters made visible) and then escaped for the format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

from casekit.model import SECTIONS, Case, Event, Metric
from casekit.render import markdown
from casekit.render.charts import CATEGORY_COLORS, esc, metric_svg, sorted_eras, sorted_events, timeline_svg
from casekit.render.text import clean

__all__ = ["html_page", "markdown_report", "metric_svg", "timeline_svg"]


# --- shared helpers ------------------------------------------------------------------


def _one_line(text: object) -> str:
    return " ".join(clean(text).split())


def _paragraphs(text: str) -> list[str]:
    return [_one_line(p) for p in re.split(r"\n\s*\n", clean(text)) if p.strip()]


def _item_sources(item) -> list[str]:
    """The sources an item cites, its observations' included, each once in order."""
    ids = list(getattr(item, "sources", []))
    for obs in getattr(item, "observations", ()):
        ids += obs.sources
    return list(dict.fromkeys(ids))


def _events_by_id(case: Case) -> dict[str, Event]:
    return {e.id: e for e in case.timeline}


def _latest(metric: Metric):
    from casekit.analytics import latest_and_previous

    return latest_and_previous(metric)


def _change(metric: Metric) -> str:
    from casekit.values import growth

    latest, previous = _latest(metric)
    if latest is None or previous is None:
        return ""
    g = growth(previous.value, latest.value)
    return g.display() if g else ""


def _roles(person) -> str:
    return "; ".join(r.title + (f" ({r.period.text})" if r.period else "") for r in person.roles)


def _other_sections() -> list[str]:
    shown = {"sources", "eras", "timeline", "metrics", "principles", "risks"}
    return [s for s in SECTIONS if s not in shown]


SECTION_TITLES = {
    "people": "People",
    "quotes": "Quotes",
    "moats": "Moats",
    "flywheel": "Flywheel",
    "segments": "Segments",
    "competitors": "Competitors",
    "drivers": "Drivers",
    "lessons": "Lessons",
}


# --- Markdown ------------------------------------------------------------------------

# One escaping for every Markdown casekit writes (listings, diff, this report).
md = markdown.inline
md_block = markdown.block


def _cell(text: object) -> str:
    return md(text) if text not in (None, "") else ""


def _notes(ids: Iterable[str]) -> str:
    """Footnote references: `[^a][^b]`."""
    return "".join(f"[^{i}]" for i in ids)


def _md_table(header: Sequence[str], rows: list[list[str]], right: Sequence[int] = ()) -> list[str]:
    align = ["---:" if i in right else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def markdown_report(case: Case, today: date) -> str:
    """The case as a Markdown report with reference-style footnotes for its sources."""
    from casekit.sections import flywheel_loops, moats_by_rank, risks_by_severity, speaker_name

    out: list[str] = [f"# {md(case.title)}", ""]
    meta = [f"**{md(case.company)}**", f"as of {md(case.as_of.text)}"]
    if case.tags:
        meta.append(" ".join(f"`{_one_line(t).replace('`', '')}`" for t in case.tags))
    out += [" · ".join(meta), ""]
    if case.summary:
        for p in _paragraphs(case.summary):
            out += [md_block(p), ""]

    events = _events_by_id(case)
    if case.metrics:
        out += ["## Key metrics", ""]
        rows = []
        for m in case.metrics:
            latest, previous = _latest(m)
            rows.append(
                [
                    md(m.name) + _notes(_item_sources(m)),
                    _cell(latest.value.display() if latest else ""),
                    _cell(latest.date.text if latest else ""),
                    _cell(f"{previous.value.display()} ({previous.date.text})" if previous else ""),
                    _cell(_change(m)),
                ]
            )
        out += _md_table(["Metric", "Latest", "As of", "Previous", "Change"], rows, right=(1, 3))
        out.append("")

    if case.timeline or case.eras:
        out += ["## Timeline", ""]
        if case.eras:
            out += ["**Eras**", ""]
            for era in sorted_eras(case, today):
                line = f"- {md(era.period.text)} — **{md(era.title)}**"
                if era.summary:
                    line += f": {md(era.summary)}"
                out.append(line + _notes(era.sources))
            out += ["", "**Events**", ""]
        era_titles = {e.id: e.title for e in case.eras}
        for event in sorted_events(case, today):
            line = f"- **{md(event.date.text)}** — {md(event.title)}"
            if event.detail:
                line += (
                    f". {md(event.detail)}"
                    if not event.title.rstrip().endswith((".", "!", "?"))
                    else f" {md(event.detail)}"
                )
            tags = [t for t in (event.category, era_titles.get(event.era or "", event.era)) if t]
            if tags:
                line += " *(" + md(" · ".join(tags)) + ")*"
            out.append(line + _notes(event.sources))
        out.append("")

    if case.principles:
        out += ["## Principles", ""]
        risks = {r.id: r for r in case.risks}
        for p in sorted(case.principles, key=lambda p: p.n):
            out += [f"### {p.n}. {md(p.title)}", "", md_block(p.summary) + _notes(p.sources), ""]
            out.append(f"- **Benefit:** {md(p.benefit)}")
            out.append(f"- **Tradeoff:** {md(p.tradeoff)}")
            if p.tactic:
                out.append(f"- **Tactic:** {md(p.tactic)}")
            if p.evidence:
                named = [f"{events[i].date.text} {events[i].title}" if i in events else i for i in p.evidence]
                out.append("- **Evidence:** " + "; ".join(md(n) for n in named))
            if p.risks:
                out.append("- **Risks:** " + "; ".join(md(risks[i].title if i in risks else i) for i in p.risks))
            out.append("")

    if case.risks:
        out += ["## Risks", ""]
        principles = {p.id: p for p in case.principles}
        for r in risks_by_severity(case.risks):
            out += [f"### {md(r.title)}", ""]
            facts = [f"severity **{md(r.severity)}**"]
            if r.likelihood:
                facts.append(f"likelihood **{md(r.likelihood)}**")
            if r.horizon:
                facts.append(f"horizon {md(r.horizon)}")
            out += [" · ".join(facts) + _notes(r.sources), ""]
            if r.description:
                out += [md_block(r.description), ""]
            for mitigation in r.mitigations:
                out.append(f"- Mitigation: {md(mitigation)}")
            if r.principles:
                named = [f"{principles[i].n}. {principles[i].title}" if i in principles else i for i in r.principles]
                out.append("- Principles: " + "; ".join(md(n) for n in named))
            if r.mitigations or r.principles:
                out.append("")

    for name in _other_sections():
        items = getattr(case, name)
        if not items:
            continue
        out += [f"## {SECTION_TITLES[name]}", ""]
        if name == "people":
            for p in items:
                out.append(f"- **{md(p.name)}**" + (f" — {md(_roles(p))}" if p.roles else "") + _notes(p.sources))
        elif name == "quotes":
            for q in items:
                who = [speaker_name(case, q.speaker)] + ([q.date.text] if q.date else [])
                out += [
                    f"> {md(q.text)}",
                    ">",
                    f"> — {md(', '.join(who))}" + (f" ({md(q.context)})" if q.context else "") + _notes(q.sources),
                    "",
                ]
        elif name == "moats":
            for m in moats_by_rank(items):
                facts = [
                    f"{label}: {md(v)}"
                    for label, v in (("time to replicate", m.time_to_replicate), ("cost", m.cost))
                    if v
                ]
                line = f"{m.rank}. **{md(m.title)}**"
                if m.description:
                    line += f" — {md(m.description)}"
                if facts:
                    line += " *(" + "; ".join(facts) + ")*"
                out.append(line + _notes(m.sources))
        elif name == "flywheel":
            wheel = flywheel_loops(items)
            for loop in wheel.loops:
                out += [md_block(" → ".join([*loop, loop[0]])), ""]
            for e in items:
                out.append(
                    f"- **{md(e.from_)} → {md(e.to)}**"
                    + (f": {md(e.description)}" if e.description else "")
                    + _notes(e.sources)
                )
        elif name == "segments":
            rows = [
                [
                    md(s.name) + _notes(s.sources),
                    _cell(s.period.text if s.period else ""),
                    *(_cell(v.display() if v else "") for v in (s.revenue, s.share, s.growth, s.margin)),
                ]
                for s in items
            ]
            out += _md_table(["Segment", "Period", "Revenue", "Share", "Growth", "Margin"], rows, right=(2, 3, 4, 5))
            described = [s for s in items if s.description]
            if described:
                out.append("")
                out += [f"- **{md(s.name)}**: {md(s.description)}" for s in described]
        elif name == "competitors":
            rows = [
                [
                    md(c.name) + _notes(c.sources),
                    _cell(c.segment),
                    _cell(c.position),
                    _cell(c.scale.display() if c.scale else ""),
                    _cell(c.notes),
                ]
                for c in items
            ]
            out += _md_table(["Competitor", "Segment", "Position", "Scale", "Notes"], rows, right=(3,))
        elif name == "drivers":
            for d in items:
                line = f"- **{md(d.title)}**" + (f" *({md(d.horizon)})*" if d.horizon else "")
                out.append(line + (f": {md(d.description)}" if d.description else "") + _notes(d.sources))
        elif name == "lessons":
            for lesson in items:
                out.append(
                    f"- **{md(lesson.title)}**"
                    + (f": {md(lesson.summary)}" if lesson.summary else "")
                    + _notes(lesson.sources)
                )
        out.append("")

    if case.sources:
        # A footnote nothing refers to is not shown (GitHub drops it): sources no fact
        # cites are listed as plain entries instead.
        cited = set(re.findall(r"\[\^([^\]]+)\]", "\n".join(out)))
        out += ["## Sources", ""]
        out += [f"[^{s.id}]: {_source_line(s)}" for s in case.sources if s.id in cited]
        uncited = [f"- {_source_line(s)}" for s in case.sources if s.id not in cited]
        if uncited:
            out += ["", "Not cited above:", ""] if len(uncited) < len(case.sources) else []
            out += uncited
        out.append("")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).rstrip("\n") + "\n"


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
        line += f" File: `{_one_line(s.file).replace('`', '')}`."
    if s.note:
        line += f" {md(s.note)}"
    return line


# --- SVG charts ----------------------------------------------------------------------

# --- HTML ----------------------------------------------------------------------------

_CSS = """
:root{--bg:#fff;--fg:#1d2125;--muted:#5f6b76;--line:#e3e6ea;--card:#f7f8fa;--accent:#3b5bdb;
--good:#2b8a3e;--bad:#c92a2a;--bar:#4c6ef5;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.55}
@media (prefers-color-scheme:dark){:root{--bg:#15181c;--fg:#e4e7eb;--muted:#9aa5b1;--line:#2c3137;
--card:#1d2126;--accent:#91a7ff;--good:#69db7c;--bad:#ff8787;--bar:#748ffc}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font-size:16px;overflow-wrap:anywhere}
.page{max-width:68rem;margin:0 auto;padding:1.25rem 1rem 3rem}
header.case{border-bottom:1px solid var(--line);padding-bottom:1rem;margin-bottom:.5rem}
h1{font-size:1.7rem;line-height:1.25;margin:.2rem 0 .4rem}
h2{font-size:1.3rem;margin:2.2rem 0 .8rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:0 0 .4rem;line-height:1.35}
p{margin:.4rem 0 .8rem}
.meta{color:var(--muted);margin:0}
.company{font-weight:600;color:var(--fg)}
.tags{display:flex;flex-wrap:wrap;gap:.35rem;margin:.6rem 0 0;padding:0;list-style:none}
.tag,.chip{display:inline-block;font-size:.78rem;padding:.05rem .5rem;border-radius:999px;
background:var(--card);border:1px solid var(--line);color:var(--muted);white-space:nowrap}
nav.toc{display:flex;flex-wrap:wrap;gap:.3rem .9rem;font-size:.9rem;margin:.8rem 0 0}
nav.toc a{color:var(--accent);text-decoration:none}
a{color:var(--accent)}
.summary{font-size:1.05rem}
.grid{display:grid;gap:.9rem;grid-template-columns:repeat(auto-fill,minmax(16.5rem,1fr));margin-bottom:1.2rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.8rem .9rem;min-width:0}
.metric .name{font-size:.9rem;color:var(--muted);margin:0}
.metric .latest{font-size:1.45rem;font-weight:650;margin:.1rem 0 0;font-variant-numeric:tabular-nums}
.metric .when{font-size:.8rem;color:var(--muted);margin:0 0 .3rem}
.metric .change{font-size:.85rem;margin:0 0 .2rem}
.up{color:var(--good)}.down{color:var(--bad)}
.chart{display:block;width:100%;height:auto;overflow:visible}
.chart text{fill:var(--fg)}
.chart .axis{fill:var(--muted)}
.chart .grid{stroke:var(--line);stroke-width:1}
.chart .track{stroke:var(--line);stroke-width:1;stroke-dasharray:2 3}
.chart .baseline{stroke:var(--muted);stroke-width:1}
.chart .bar{fill:var(--bar)}
.chart .bar.approx{fill:var(--bar);fill-opacity:.55}
.chart .whisker{stroke:var(--fg);stroke-width:1.5}
.chart .bound{fill:var(--fg)}
.chart .value{font-weight:600}
.chart .era-label{fill:#fff;font-weight:600}
.chart .row-label{fill:var(--muted)}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:0 0 1rem;border:1px solid var(--line);
border-radius:10px;padding:.5rem;background:var(--card)}
.scroll .timeline-chart{width:960px;max-width:none}
.legend{display:flex;flex-wrap:wrap;gap:.3rem .9rem;font-size:.8rem;color:var(--muted);margin:.2rem 0 1rem;
padding:0;list-style:none}
.dot{display:inline-block;width:.7rem;height:.7rem;border-radius:50%;margin-right:.3rem;vertical-align:-.05rem}
ol.events,ul.plain{list-style:none;padding:0;margin:0}
ul.plain li{margin:.45rem 0}
ol.events li{display:grid;grid-template-columns:8.5rem 1fr;gap:.2rem 1rem;padding:.55rem 0;
border-top:1px solid var(--line)}
.date{font-variant-numeric:tabular-nums;color:var(--muted);font-size:.9rem;padding-top:.1rem}
.event-title{font-weight:600}
.detail{margin:.15rem 0 0;color:var(--fg)}
.small{font-size:.85rem;color:var(--muted)}
.eras li{margin:.25rem 0}
.principle .n{color:var(--muted);font-weight:600;margin-right:.3rem}
.tradeoffs{display:grid;grid-template-columns:1fr 1fr;gap:.6rem;margin:.6rem 0}
.benefit,.tradeoff{border-radius:8px;padding:.5rem .65rem;font-size:.93rem}
.benefit{background:rgba(43,138,62,.09);border-left:3px solid var(--good)}
.tradeoff{background:rgba(201,42,42,.08);border-left:3px solid var(--bad)}
.label{display:block;font-size:.72rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);
font-weight:600}
.stack>*+*{margin-top:.9rem}
.sev{display:inline-block;font-size:.75rem;font-weight:700;padding:.05rem .5rem;border-radius:4px;
color:#fff;text-transform:uppercase;letter-spacing:.03em;white-space:nowrap}
.sev-critical{background:#a61e4d}.sev-high{background:#e03131}.sev-medium-high{background:#e8590c}
.sev-medium{background:#f08c00}.sev-low{background:#2f9e44}
.risk-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:.3rem .6rem;margin-bottom:.3rem}
.risk-head h3{margin:0;flex:1 1 14rem}
.facts{font-size:.85rem;color:var(--muted);margin:0 0 .3rem}
ul.mitigations{margin:.3rem 0 0;padding-left:1.2rem;font-size:.93rem}
blockquote{margin:0;padding:.6rem .9rem;border-left:3px solid var(--accent);background:var(--card);
border-radius:0 8px 8px 0}
blockquote p{margin:0 0 .3rem}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid var(--line);vertical-align:top;
overflow-wrap:break-word}
th{font-size:.8rem;color:var(--muted);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.strong{font-weight:650}
.nowrap{white-space:nowrap}
.cite{font-size:.72em;vertical-align:super;line-height:0;white-space:nowrap}
.cite a{text-decoration:none}
ol.sources{padding-left:1.6rem}
ol.sources li{margin:.4rem 0}
.loop{font-weight:600}
.url{word-break:break-all;color:var(--muted);font-size:.88rem}
footer{margin-top:3rem;color:var(--muted);font-size:.8rem;border-top:1px solid var(--line);padding-top:.8rem}
@media (max-width:40rem){
body{font-size:15.5px}
.page{padding:.9rem .8rem 2.5rem}
h1{font-size:1.4rem}
ol.events li{grid-template-columns:1fr;gap:0}
.tradeoffs{grid-template-columns:1fr}
.grid{grid-template-columns:1fr}
table.rt thead{display:none}
table.rt,table.rt tbody,table.rt tr,table.rt td{display:block;width:100%}
table.rt tr{padding:.55rem 0;border-bottom:1px solid var(--line)}
table.rt td{border:0;padding:.08rem 0;text-align:left;white-space:normal}
table.rt td:not(:first-child)::before{content:attr(data-label) ": ";color:var(--muted);font-size:.8rem;
font-weight:400}
table.rt td:empty{display:none}
}
@media print{nav.toc{display:none}.card,.scroll{break-inside:avoid}}
"""


class _Cites:
    """Numbers the sources in case order; renders `[1][3]` links to the list at the end."""

    def __init__(self, case: Case) -> None:
        self.number = {s.id: i for i, s in enumerate(case.sources, start=1)}

    def __call__(self, ids: Iterable[str]) -> str:
        known = sorted({i for i in ids if i in self.number}, key=self.number.__getitem__)
        links = [f'<a href="#src-{esc(i)}" title="source {esc(i)}">[{self.number[i]}]</a>' for i in known]
        return f'<span class="cite">{"".join(links)}</span>' if links else ""


def _tag(name: str, body: str, cls: str | None = None, **attrs: str) -> str:
    attributes = (f' class="{cls}"' if cls else "") + "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f"<{name}{attributes}>{body}</{name}>"


def _html_table(columns: Sequence[tuple[str, str]], rows: list[list[str]]) -> str:
    """A table of already-escaped cells; `columns` are (header, class). On a phone each row
    becomes a block whose cells carry their header as a label."""
    head = "".join(f'<th class="{cls}">{esc(name)}</th>' if cls else f"<th>{esc(name)}</th>" for name, cls in columns)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{cls}" data-label="{esc(name)}">{cell}</td>'
            if cls
            else f'<td data-label="{esc(name)}">{cell}</td>'
            for (name, cls), cell in zip(columns, row)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f'<div class="table-wrap"><table class="rt"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
    )


def _growth_class(metric: Metric) -> str:
    from casekit.values import growth

    latest, previous = _latest(metric)
    if latest is None or previous is None:
        return ""
    g = growth(previous.value, latest.value)
    if g is None or g.change is None or g.change == 0:
        return ""
    return "up" if g.change > 0 else "down"


def html_page(case: Case, today: date) -> str:
    """The case as one self-contained, responsive HTML page (inline CSS and SVG, no scripts)."""
    from casekit import __version__
    from casekit.sections import flywheel_loops, moats_by_rank, risks_by_severity, speaker_name

    cite = _Cites(case)
    events = _events_by_id(case)
    body: list[str] = []
    toc: list[tuple[str, str]] = []

    def section(anchor: str, title: str, content: str) -> None:
        toc.append((anchor, title))
        body.append(f'<section id="{anchor}"><h2>{esc(title)}</h2>{content}</section>')

    head = [
        f'<p class="meta"><span class="company">{esc(case.company)}</span> · as of {esc(case.as_of.text)}</p>',
        f"<h1>{esc(case.title)}</h1>",
    ]
    if case.tags:
        head.append('<ul class="tags">' + "".join(f'<li class="tag">{esc(t)}</li>' for t in case.tags) + "</ul>")

    if case.summary:
        body.append(
            '<section id="summary" class="summary">'
            + "".join(f"<p>{esc(p)}</p>" for p in _paragraphs(case.summary))
            + "</section>"
        )

    if case.metrics:
        # Series get a card with a chart; single figures share a compact table.
        cards, rows = [], []
        for m in case.metrics:
            latest, previous = _latest(m)
            chart = metric_svg(m)
            change = _change(m)
            change_html = (
                f'<span class="{_growth_class(m)}">{esc(change)}</span>'
                f' <span class="small">since {esc(previous.date.text)}</span>'
                if change and previous is not None
                else ""
            )
            if not chart:
                rows.append(
                    [
                        esc(m.name)
                        + cite(_item_sources(m))
                        + (f'<div class="small">{esc(_one_line(m.description))}</div>' if m.description else ""),
                        esc(latest.value.display()) if latest else "",
                        esc(latest.date.text) if latest else "",
                        change_html,
                    ]
                )
                continue
            parts = [f'<p class="name">{esc(m.name)}{cite(_item_sources(m))}</p>']
            if latest is not None:
                parts.append(f'<p class="latest">{esc(latest.value.display())}</p>')
                parts.append(f'<p class="when">{esc(latest.date.text)} · {esc(m.unit)}</p>')
            if change_html:
                parts.append(f'<p class="change">{change_html}</p>')
            parts.append(chart)
            if m.description:
                parts.append(f'<p class="small">{esc(_one_line(m.description))}</p>')
            cards.append(_tag("div", "".join(parts), "card metric"))
        content = _tag("div", "".join(cards), "grid") if cards else ""
        if rows:
            columns = [("Metric", ""), ("Latest", "num strong"), ("As of", "nowrap"), ("Change", "")]
            if not any(row[3] for row in rows):
                columns, rows = columns[:3], [row[:3] for row in rows]
            content += _html_table(columns, rows)
        section("metrics", "Key metrics", content)

    if case.timeline or case.eras:
        parts = []
        chart = timeline_svg(case, today)
        if chart:
            parts.append(f'<div class="scroll">{chart}</div>')
            used = list(dict.fromkeys(e.category or "other" for e in case.timeline))
            parts.append(
                '<ul class="legend">'
                + "".join(
                    f'<li><span class="dot" style="background:{CATEGORY_COLORS.get(c, CATEGORY_COLORS["other"])}">'
                    f"</span>{esc(c)}</li>"
                    for c in used
                )
                + "</ul>"
            )
        if case.eras:
            era_items = "".join(
                f'<li><span class="date">{esc(e.period.text)}</span> <strong>{esc(e.title)}</strong>'
                + (f" — {esc(_one_line(e.summary))}" if e.summary else "")
                + cite(e.sources)
                + "</li>"
                for e in sorted_eras(case, today)
            )
            parts.append(
                f'<h3>Eras</h3><ul class="eras plain">{era_items}</ul><h3 style="margin-top:1.2rem">Events</h3>'
            )
        era_titles = {e.id: e.title for e in case.eras}
        items = []
        for e in sorted_events(case, today):
            chips = "".join(
                f' <span class="chip">{esc(c)}</span>' for c in (e.category, era_titles.get(e.era or "", e.era)) if c
            )
            detail = f'<p class="detail">{esc(_one_line(e.detail))}</p>' if e.detail else ""
            disputed = (
                ' <span class="chip" title="sources disagree">disputed</span>' if e.confidence == "disputed" else ""
            )
            items.append(
                f'<li id="event-{esc(e.id)}"><span class="date">{esc(e.date.text)}</span><div>'
                f'<span class="event-title">{esc(e.title)}</span>{cite(e.sources)}{chips}{disputed}'
                f"{detail}</div></li>"
            )
        parts.append(f'<ol class="events">{"".join(items)}</ol>')
        section("timeline", "Timeline", "".join(parts))

    if case.principles:
        risks = {r.id: r for r in case.risks}
        cards = []
        for p in sorted(case.principles, key=lambda p: p.n):
            parts = [
                f'<h3><span class="n">{p.n}.</span>{esc(p.title)}</h3>',
                f"<p>{esc(_one_line(p.summary))}{cite(p.sources)}</p>",
                '<div class="tradeoffs">'
                f'<div class="benefit"><span class="label">Benefit</span>{esc(_one_line(p.benefit))}</div>'
                f'<div class="tradeoff"><span class="label">Tradeoff</span>{esc(_one_line(p.tradeoff))}</div>'
                "</div>",
            ]
            if p.tactic:
                parts.append(f'<p><span class="label">Tactic</span>{esc(_one_line(p.tactic))}</p>')
            if p.evidence:
                links = "; ".join(
                    f'<a href="#event-{esc(i)}">{esc(events[i].date.text)} {esc(events[i].title)}</a>'
                    if i in events
                    else esc(i)
                    for i in p.evidence
                )
                parts.append(f'<p class="small"><span class="label">Evidence</span>{links}</p>')
            if p.risks:
                links = "; ".join(
                    f'<a href="#risk-{esc(i)}">{esc(risks[i].title)}</a>' if i in risks else esc(i) for i in p.risks
                )
                parts.append(f'<p class="small"><span class="label">Risks</span>{links}</p>')
            cards.append(f'<article class="card principle" id="principle-{esc(p.id)}">{"".join(parts)}</article>')
        section("principles", "Principles", _tag("div", "".join(cards), "stack"))

    if case.risks:
        principles = {p.id: p for p in case.principles}
        cards = []
        for r in risks_by_severity(case.risks):
            facts = [
                f"likelihood {esc(r.likelihood)}" if r.likelihood else "",
                f"horizon {esc(_one_line(r.horizon))}" if r.horizon else "",
            ]
            parts = [
                f'<div class="risk-head"><span class="sev sev-{esc(r.severity)}">{esc(r.severity)}</span>'
                f"<h3>{esc(r.title)}{cite(r.sources)}</h3></div>"
            ]
            shown = " · ".join(f for f in facts if f)
            if shown:
                parts.append(f'<p class="facts">{shown}</p>')
            if r.description:
                parts.append(f"<p>{esc(_one_line(r.description))}</p>")
            if r.mitigations:
                parts.append(
                    '<span class="label">Mitigations</span><ul class="mitigations">'
                    + "".join(f"<li>{esc(_one_line(x))}</li>" for x in r.mitigations)
                    + "</ul>"
                )
            if r.principles:
                links = "; ".join(
                    f'<a href="#principle-{esc(i)}">{principles[i].n}. {esc(principles[i].title)}</a>'
                    if i in principles
                    else esc(i)
                    for i in r.principles
                )
                parts.append(f'<p class="small"><span class="label">Principles</span>{links}</p>')
            cards.append(f'<article class="card risk" id="risk-{esc(r.id)}">{"".join(parts)}</article>')
        section("risks", "Risks", _tag("div", "".join(cards), "stack"))

    for name in _other_sections():
        items = getattr(case, name)
        if not items:
            continue
        if name == "people":
            content = (
                '<ul class="plain">'
                + "".join(
                    f"<li><strong>{esc(p.name)}</strong>"
                    + (f" — {esc(_roles(p))}" if p.roles else "")
                    + cite(p.sources)
                    + "</li>"
                    for p in items
                )
                + "</ul>"
            )
        elif name == "quotes":
            content = (
                '<div class="stack">'
                + "".join(
                    f'<blockquote><p>{esc(_one_line(q.text))}</p><p class="small">— '
                    f"{esc(speaker_name(case, q.speaker))}"
                    + (f", {esc(q.date.text)}" if q.date else "")
                    + (f" ({esc(_one_line(q.context))})" if q.context else "")
                    + cite(q.sources)
                    + "</p></blockquote>"
                    for q in items
                )
                + "</div>"
            )
        elif name == "moats":
            content = (
                '<div class="grid">'
                + "".join(
                    f'<div class="card"><h3><span class="n">#{m.rank}</span> {esc(m.title)}{cite(m.sources)}</h3>'
                    + (f"<p>{esc(_one_line(m.description))}</p>" if m.description else "")
                    + "".join(
                        f'<p class="small"><span class="label">{label}</span>{esc(_one_line(v))}</p>'
                        for label, v in (("Time to replicate", m.time_to_replicate), ("Cost", m.cost))
                        if v
                    )
                    + "</div>"
                    for m in moats_by_rank(items)
                )
                + "</div>"
            )
        elif name == "flywheel":
            wheel = flywheel_loops(items)
            loops = "".join(
                f'<p class="loop">{" → ".join(esc(n) for n in [*loop, loop[0]])}</p>' for loop in wheel.loops
            )
            content = (
                loops
                + '<ul class="plain">'
                + "".join(
                    f"<li><strong>{esc(e.from_)} → {esc(e.to)}</strong>"
                    + (f": {esc(_one_line(e.description))}" if e.description else "")
                    + cite(e.sources)
                    + "</li>"
                    for e in items
                )
                + "</ul>"
            )
        elif name == "segments":
            rows = [
                [
                    esc(s.name)
                    + cite(s.sources)
                    + (f'<div class="small">{esc(_one_line(s.description))}</div>' if s.description else ""),
                    esc(s.period.text) if s.period else "",
                    *(esc(v.display()) if v else "" for v in (s.revenue, s.share, s.growth, s.margin)),
                ]
                for s in items
            ]
            content = _html_table(
                [
                    ("Segment", ""),
                    ("Period", "nowrap"),
                    ("Revenue", "num"),
                    ("Share", "num"),
                    ("Growth", "num"),
                    ("Margin", "num"),
                ],
                rows,
            )
        elif name == "competitors":
            rows = [
                [
                    f"<strong>{esc(c.name)}</strong>{cite(c.sources)}",
                    esc(c.segment or ""),
                    esc(_one_line(c.position or "")),
                    esc(c.scale.display()) if c.scale else "",
                    esc(_one_line(c.notes or "")),
                ]
                for c in items
            ]
            content = _html_table(
                [("Competitor", ""), ("Segment", ""), ("Position", ""), ("Scale", "num"), ("Notes", "")], rows
            )
        elif name == "drivers":
            content = (
                '<div class="grid">'
                + "".join(
                    f'<div class="card"><h3>{esc(d.title)}{cite(d.sources)}</h3>'
                    + (f'<p class="facts">{esc(_one_line(d.horizon))}</p>' if d.horizon else "")
                    + (f"<p>{esc(_one_line(d.description))}</p>" if d.description else "")
                    + "</div>"
                    for d in items
                )
                + "</div>"
            )
        else:  # lessons
            content = (
                '<div class="stack">'
                + "".join(
                    f'<div class="card"><h3>{esc(x.title)}{cite(x.sources)}</h3>'
                    + (f"<p>{esc(_one_line(x.summary))}</p>" if x.summary else "")
                    + "</div>"
                    for x in items
                )
                + "</div>"
            )
        section(name, SECTION_TITLES[name], content)

    if case.sources:
        items = []
        for s in case.sources:
            bits = [f"<em>{esc(s.title)}</em>", esc(s.kind)]
            if s.author:
                bits.append(esc(s.author))
            if s.date:
                bits.append(esc(s.date.text))
            line = ", ".join(bits) + "."
            # Shown, not linked: the page opens nothing by itself, and a case file's URL is data.
            if s.url:
                line += f' <span class="url">{esc(s.url)}</span>'
            if s.file:
                line += f' <span class="small">File: {esc(s.file)}</span>'
            if s.note:
                line += f' <span class="small">{esc(_one_line(s.note))}</span>'
            items.append(f'<li id="src-{esc(s.id)}">{line}</li>')
        section("sources", "Sources", f'<ol class="sources">{"".join(items)}</ol>')

    nav = (
        '<nav class="toc" aria-label="Sections">'
        + "".join(f'<a href="#{anchor}">{esc(title)}</a>' for anchor, title in toc)
        + "</nav>"
    )
    title = f"{case.company} — {case.title}"
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="casekit {__version__}">\n'
        f'<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<div class="page">\n'
        f'<header class="case">{"".join(head)}{nav}</header>\n<main>\n'
        + "\n".join(body)
        + f"\n</main>\n<footer>Case <code>{esc(case.id)}</code> as of {esc(case.as_of.text)}, "
        f"exported by casekit {__version__} on {today.isoformat()}.</footer>\n</div>\n</body>\n</html>\n"
    )
