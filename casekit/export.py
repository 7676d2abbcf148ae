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

import html
import re
from collections.abc import Iterable, Sequence
from datetime import date

from casekit.dates import PartialDate
from casekit.model import SECTIONS, Case, Event, Metric
from casekit.render import markdown
from casekit.render.text import clean
from casekit.values import Value

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


def _sorted_events(case: Case, today: date) -> list[Event]:
    from casekit.query import sort_by_date

    return sort_by_date(case.timeline, today=today)


def _sorted_eras(case: Case, today: date):
    return sorted(case.eras, key=lambda e: e.period.sort_key(today))


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
            for era in _sorted_eras(case, today):
                line = f"- {md(era.period.text)} — **{md(era.title)}**"
                if era.summary:
                    line += f": {md(era.summary)}"
                out.append(line + _notes(era.sources))
            out += ["", "**Events**", ""]
        era_titles = {e.id: e.title for e in case.eras}
        for event in _sorted_events(case, today):
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

CATEGORY_COLORS = {
    "funding": "#2e9e5b",
    "product": "#1f8ac0",
    "customer": "#3b5bdb",
    "government": "#ae3ec9",
    "market": "#d08c00",
    "leadership": "#e03131",
    "people": "#f06595",
    "deal": "#0c8599",
    "other": "#868e96",
}
ERA_COLORS = ("#7048e8", "#1c7ed6", "#0ca678", "#f59f00", "#e8590c", "#d6336c", "#5c940d", "#495057")


def esc(text: object) -> str:
    """Case text for HTML or SVG: control characters made visible, then escaped (quotes too)."""
    return html.escape(clean(text), quote=True)


def _clip(text: str, chars: int) -> str:
    text = _one_line(text)
    if chars < 2:
        return ""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _year_fraction(d: date) -> float:
    start = date(d.year, 1, 1)
    days = (date(d.year + 1, 1, 1) - start).days
    return d.year + (d - start).days / days


def _mid(d: PartialDate, today: date) -> date:
    lo, hi = d.earliest(), d.latest(today)
    if d.start is None:
        return hi
    return lo + (hi - lo) / 2


# How wide text is, in ems, by kind of character: a generous estimate of the bold sans-serif
# faces browsers pick for `system-ui` (DejaVu Sans Bold, the widest common one, measures so),
# so that a label judged to fit does fit.
_NARROW, _MID, _WIDE = frozenset("iljI.,:;'!|"), frozenset("frt()[]-/ "), frozenset("mwMW@%")


def _text_width(text: str, size: float = 12.0, bold: bool = True) -> float:
    """The estimated width of `text` at `size` px (in bold, or regular), in SVG units."""
    ems = 0.0
    for c in text:
        if c in _NARROW:
            ems += 0.34
        elif c in _MID:
            ems += 0.46
        elif c in _WIDE:
            ems += 0.96
        elif c.isupper() or c == "…":
            ems += 0.78
        else:
            ems += 0.67
    return ems * size * (1.0 if bold else 0.9)


def _fit(text: str, room: float, size: float = 12.0, bold: bool = True) -> str:
    """`text` cut (with …) to what fits in `room` SVG units; "" when not even a letter fits."""
    text = _one_line(text)
    if _text_width(text, size, bold) <= room:
        return text
    while text and _text_width(text.rstrip() + "…", size, bold) > room:
        text = text[:-1]
    return text.rstrip() + "…" if text.strip() else ""


def _lines(text: str, room: float, size: float) -> list[str]:
    """`text` in one line of at most `room` units, else in two split at a space (`spring` / `2024`),
    each cut to fit only when a word alone is too wide."""
    text = _one_line(text)
    words = text.split(" ")
    if _text_width(text, size, False) <= room or len(words) == 1:
        return [_fit(text, room, size, False)]

    def longer(k: int) -> float:
        return max(_text_width(" ".join(words[:k]), size, False), _text_width(" ".join(words[k:]), size, False))

    k = min(range(1, len(words)), key=longer)
    return [_fit(" ".join(words[:k]), room, size, False), _fit(" ".join(words[k:]), room, size, False)]


def _svg_label(lines: list[str], cx: float, y: float, width: float, size: float, cls: str) -> str:
    """Centred text at `cx` (moved in so it stays inside a chart `width` wide), a line per entry."""
    half = max(_text_width(line, size, cls == "value") for line in lines) / 2  # values are bold
    x = min(max(cx, half + 1), width - half - 1)
    if len(lines) == 1:
        return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" class="{cls}">{esc(lines[0])}</text>'
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else size + 1:.0f}">{esc(line)}</tspan>' for i, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" class="{cls}">{spans}</text>'


def _lanes(intervals: list[tuple[float, float]]) -> list[int]:
    """A lane for each interval so that overlapping ones never share a lane."""
    ends: list[float] = []
    out = []
    for lo, hi in intervals:
        for lane, end in enumerate(ends):
            if lo >= end:
                ends[lane] = hi
                out.append(lane)
                break
        else:
            ends.append(hi)
            out.append(len(ends) - 1)
    return out


def timeline_svg(case: Case, today: date) -> str:
    """Eras as bars (overlapping ones stacked) and each category's events as dots, across the years."""
    events = _sorted_events(case, today)
    eras = _sorted_eras(case, today)
    if not events and not eras:
        return ""
    # The chart runs to the case's as-of date (or the last dated fact): "until today" is cut there.
    end_day = max([case.as_of.latest(today)] + [e.date.end for e in events if e.date.end])
    firsts = [e.date.earliest() for e in events if e.date.start] + [e.period.start for e in eras if e.period.start]
    first_year = min(firsts).year if firsts else end_day.year
    last_year = end_day.year
    x0, x1 = _year_fraction(date(first_year, 1, 1)), _year_fraction(end_day) + 0.02
    if x1 - x0 < 1:
        x1 = x0 + 1
    width, label_w, pad = 960, 130, 16
    plot_w = width - label_w - 2 * pad

    def x(day: date) -> float:
        return label_w + pad + (min(max(_year_fraction(day), x0), x1) - x0) / (x1 - x0) * plot_w

    # Each era's bar, and where its title goes: inside the bar when it fits, else after the bar,
    # else before it, in the bar's colour. Lanes keep bars and labels apart, so a title that
    # cannot go beside its bar in one lane gets a lane of its own.
    left_edge, right_edge = 4.0, width - pad / 2
    bars = []
    for era in eras:
        lo = x(era.period.earliest()) if era.period.start else x(date(first_year, 1, 1))
        open_end = era.period.end is None or era.period.latest(today) > end_day
        w = max(x(min(era.period.latest(today), end_day)) - lo, 4)
        right = lo + w + (8 if open_end else 0)  # the bar and its arrow
        title = _one_line(era.title)
        need = _text_width(title)
        if need <= w - 12:
            place, label, foot = "inside", title, (lo, right)
        elif right + 6 + need <= right_edge:
            place, label, foot = "after", title, (lo, right + 6 + need + 8)  # a label keeps some room clear
        elif lo - 5 - need >= left_edge:
            place, label, foot = "before", title, (lo - 5 - need - 8, right)
        else:  # too long for anywhere: the most room it can have, cut (the full title is its tooltip)
            rooms = {"inside": w - 12, "after": right_edge - right - 6, "before": lo - 5 - left_edge}
            place = max(rooms, key=rooms.__getitem__)
            label = _fit(title, rooms[place])
            foot = {"inside": (lo, right), "after": (lo, right_edge), "before": (left_edge, right)}[place]
        bars.append((era, lo, w, open_end, place, label, foot))
    lanes = _lanes([foot for *_, foot in bars])
    lane_count = max(lanes) + 1 if lanes else 0
    categories: dict[str, list[Event]] = {}
    for e in events:
        categories.setdefault(e.category or "other", []).append(e)
    axis_y, lane_h, row_h = 28, 26, 24
    eras_top = axis_y + 14
    events_top = eras_top + lane_count * lane_h + (12 if lane_count else 0)
    height = events_top + len(categories) * row_h + 8
    parts = [
        f'<svg class="chart timeline-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="Timeline of {esc(case.company)}: eras and events by year" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="inherit" font-size="12">'
    ]
    years = list(range(first_year, last_year + 1))
    step = 1
    while len(years[::step]) * 44 > plot_w:
        step += 1
    for year in years[::step]:
        gx = x(date(year, 1, 1))
        parts.append(f'<line x1="{gx:.1f}" y1="{axis_y + 6}" x2="{gx:.1f}" y2="{height - 4}" class="grid"/>')
        parts.append(f'<text x="{gx:.1f}" y="{axis_y}" text-anchor="middle" class="axis">{year}</text>')
    for i, ((era, lo, w, open_end, place, label, _), lane) in enumerate(zip(bars, lanes)):
        y = eras_top + lane * lane_h
        color = ERA_COLORS[i % len(ERA_COLORS)]
        parts.append(
            f"<g><title>{esc(era.title)} ({esc(era.period.text)})</title>"
            f'<rect x="{lo:.1f}" y="{y}" width="{w:.1f}" height="{lane_h - 6}" rx="4" fill="{color}"'
            f' fill-opacity="0.85"/>'
        )
        if open_end:
            parts.append(
                f'<path d="M{lo + w:.1f} {y} l8 {(lane_h - 6) / 2:.0f} l-8 {(lane_h - 6) / 2:.0f}z"'
                f' fill="{color}" fill-opacity="0.85"/>'
            )
        if label and place == "inside":
            parts.append(f'<text x="{lo + 6:.1f}" y="{y + 14}" class="era-label">{esc(label)}</text>')
        elif label and place == "after":
            parts.append(
                f'<text x="{lo + w + (8 if open_end else 0) + 6:.1f}" y="{y + 14}" class="era-label"'
                f' style="fill:{color}">{esc(label)}</text>'
            )
        elif label:
            parts.append(
                f'<text x="{lo - 5:.1f}" y="{y + 14}" text-anchor="end" class="era-label"'
                f' style="fill:{color}">{esc(label)}</text>'
            )
        parts.append("</g>")
    for row, (category, members) in enumerate(categories.items()):
        y = events_top + row * row_h + row_h / 2
        color = CATEGORY_COLORS.get(category, CATEGORY_COLORS["other"])
        parts.append(
            f'<text x="{label_w}" y="{y + 4:.1f}" text-anchor="end" class="row-label">'
            f"{esc(_clip(category, 14))} ({len(members)})</text>"
        )
        parts.append(f'<line x1="{label_w + pad / 2}" y1="{y:.1f}" x2="{width - pad / 2}" y2="{y:.1f}" class="track"/>')
        for e in members:
            cx = x(_mid(e.date, today))
            # A span longer than a year is drawn; a year's imprecision is not.
            if e.date.start is not None and e.date.end is not None and (e.date.end - e.date.start).days > 370:
                lo, hi = x(e.date.start), x(min(e.date.end, end_day))
                parts.append(
                    f'<line x1="{lo:.1f}" y1="{y:.1f}" x2="{hi:.1f}" y2="{y:.1f}" stroke="{color}"'
                    f' stroke-width="3" stroke-opacity="0.35" stroke-linecap="round"/>'
                )
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{y:.1f}" r="5" fill="{color}" fill-opacity="0.8"'
                f' stroke="var(--bg)" stroke-width="1"><title>{esc(e.date.text)}: {esc(e.title)}</title>'
                f"</circle>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _chart_points(metric: Metric) -> list[tuple[str, Value]]:
    """The observations of the metric's headline unit, in date order."""
    from casekit.analytics import series

    points = series(metric)
    if not points:
        return []
    unit = points[-1][1]
    return [(obs.date.text, obs.value) for obs, u in points if u == unit and obs.value.midpoint is not None]


def metric_svg(metric: Metric) -> str:
    """A small bar chart of a metric's series (ranges as whiskers, bounds as arrows); '' under 2 points."""
    points = _chart_points(metric)
    if len(points) < 2:
        return ""
    width, height, top, bottom, left = 320, 150, 22, 30, 6
    plot_h = height - top - bottom
    highs = [v.high if v.high is not None else v.midpoint for _, v in points]
    lows = [v.low if v.low is not None else v.midpoint for _, v in points]
    hi = max(max(highs), 0.0)
    lo = min(min(lows), 0.0)
    if hi == lo:
        hi = lo + 1
    hi += (hi - lo) * 0.08

    def y(v: float) -> float:
        return top + (hi - v) / (hi - lo) * plot_h

    n = len(points)
    slot = (width - 2 * left) / n
    bar = min(36.0, slot * 0.62)
    every = 1
    while (n / every) * 46 > width:  # keep labels from colliding
        every += 1
    room = slot * every - 4  # between the middles of two labelled bars
    axis = {i: _lines(when, room, 11) for i, (when, _) in enumerate(points) if (n - 1 - i) % every == 0}
    axis_y = height - 10
    if any(len(lines) > 1 for lines in axis.values()):  # a second line of date: a taller chart, same plot
        height += 12
    parts = [
        f'<svg class="chart metric-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(metric.name)} over time" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="inherit" font-size="11">',
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - left}" y2="{y(0):.1f}" class="baseline"/>',
    ]
    for i, (when, value) in enumerate(points):
        cx = left + slot * (i + 0.5)
        mid = value.midpoint
        assert mid is not None
        top_y, base_y = sorted((y(mid), y(0)))
        approx = value.qualifier != "exact"
        labelled = (n - 1 - i) % every == 0
        parts.append(
            f"<g><title>{esc(when)}: {esc(value.display())}</title>"
            f'<rect x="{cx - bar / 2:.1f}" y="{top_y:.1f}" width="{bar:.1f}" height="{max(base_y - top_y, 1):.1f}"'
            f' class="bar{" approx" if approx else ""}"/>'
        )
        if value.qualifier == "range" and value.low is not None and value.high is not None:
            parts.append(
                f'<line x1="{cx:.1f}" y1="{y(value.low):.1f}" x2="{cx:.1f}" y2="{y(value.high):.1f}" class="whisker"/>'
            )
        elif value.low is None or value.high is None:
            up = value.high is None  # "300K+": the truth is at or above the bar
            tip = y(mid) - 9 if up else y(mid) + 9
            parts.append(
                f'<path d="M{cx - 5:.1f} {y(mid):.1f} L{cx:.1f} {tip:.1f} L{cx + 5:.1f} {y(mid):.1f}z" class="bound"/>'
            )
        if labelled:
            parts.append(
                _svg_label([_fit(value.display(), room, 11)], cx, _label_y(value, y, top_y), width, 11, "value")
            )
            parts.append(_svg_label(axis[i], cx, axis_y, width, 11, "axis"))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _label_y(value: Value, y, top_y: float) -> float:
    """Just above the highest thing drawn for the bar."""
    highest = top_y
    if value.qualifier == "range" and value.high is not None:
        highest = min(highest, y(value.high))
    if value.high is None:
        highest -= 9
    return max(highest - 5, 11)


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
                for e in _sorted_eras(case, today)
            )
            parts.append(
                f'<h3>Eras</h3><ul class="eras plain">{era_items}</ul><h3 style="margin-top:1.2rem">Events</h3>'
            )
        era_titles = {e.id: e.title for e in case.eras}
        items = []
        for e in _sorted_events(case, today):
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
