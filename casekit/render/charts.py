"""Charts for the HTML page, drawn as inline SVG: the timeline across the years and each metric's series.

Text in a chart is case text: control characters are made visible and markup
escaped (`esc`). Labels are measured with a generous estimate of a sans-serif
face's widths (`text_width`) and cut with … to fit. A date far from today
(year 1 or 9999) and a figure near the float maximum draw, never fail.
"""

from __future__ import annotations

import calendar
import html
import math
from datetime import date

from casekit.dates import PartialDate
from casekit.model import Case, Event, Metric
from casekit.render.markdown import one_line
from casekit.render.text import clean
from casekit.values import Value

__all__ = [
    "CATEGORY_COLORS",
    "ERA_COLORS",
    "esc",
    "metric_svg",
    "sorted_eras",
    "sorted_events",
    "text_width",
    "timeline_svg",
]


def sorted_events(case: Case, today: date) -> list[Event]:
    """The case's events in date order (as the timeline lists them)."""
    from casekit.query import sort_by_date

    return sort_by_date(case.timeline, today=today)


def sorted_eras(case: Case, today: date):
    """The case's eras by when they start."""
    return sorted(case.eras, key=lambda e: e.period.sort_key(today))


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
    text = one_line(text)
    if chars < 2:
        return ""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _year_fraction(d: date) -> float:
    """The year and how far through it `d` is (year 9999 too, which has no next year to count to)."""
    days = 366 if calendar.isleap(d.year) else 365
    return d.year + (d.toordinal() - date(d.year, 1, 1).toordinal()) / days


def _mid(d: PartialDate, today: date) -> date:
    lo, hi = d.earliest(), d.latest(today)
    if d.start is None:
        return hi
    return lo + (hi - lo) / 2


# How wide text is, in ems, by kind of character: a generous estimate of the bold sans-serif
# faces browsers pick for `system-ui` (DejaVu Sans Bold, the widest common one, measures so),
# so that a label judged to fit does fit.
_NARROW, _MID, _WIDE = frozenset("iljI.,:;'!|"), frozenset("frt()[]-/ "), frozenset("mwMW@%")


def text_width(text: str, size: float = 12.0, bold: bool = True) -> float:
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
    text = one_line(text)
    if text_width(text, size, bold) <= room:
        return text
    while text and text_width(text.rstrip() + "…", size, bold) > room:
        text = text[:-1]
    return text.rstrip() + "…" if text.strip() else ""


def _lines(text: str, room: float, size: float) -> list[str]:
    """`text` in one line of at most `room` units, else in two split at a space (`spring` / `2024`),
    each cut to fit only when a word alone is too wide."""
    text = one_line(text)
    words = text.split(" ")
    if text_width(text, size, False) <= room or len(words) == 1:
        return [_fit(text, room, size, False)]

    def longer(k: int) -> float:
        return max(text_width(" ".join(words[:k]), size, False), text_width(" ".join(words[k:]), size, False))

    k = min(range(1, len(words)), key=longer)
    return [_fit(" ".join(words[:k]), room, size, False), _fit(" ".join(words[k:]), room, size, False)]


def _svg_label(lines: list[str], cx: float, y: float, width: float, size: float, cls: str) -> str:
    """Centred text at `cx` (moved in so it stays inside a chart `width` wide), a line per entry."""
    half = max(text_width(line, size, cls == "value") for line in lines) / 2  # values are bold
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


class _Years:
    """Where a day falls across the chart: the years from `first` to `end` over `plot_w` units."""

    def __init__(self, first_year: int, end: date, left: float, plot_w: float) -> None:
        self.first_year, self.left, self.plot_w = first_year, left, plot_w
        self.x0, self.x1 = _year_fraction(date(first_year, 1, 1)), _year_fraction(end) + 0.02
        if self.x1 - self.x0 < 1:
            self.x1 = self.x0 + 1

    def __call__(self, day: date) -> float:
        return (
            self.left + (min(max(_year_fraction(day), self.x0), self.x1) - self.x0) / (self.x1 - self.x0) * self.plot_w
        )


def timeline_svg(case: Case, today: date) -> str:
    """Eras as bars (overlapping ones stacked) and each category's events as dots, across the years."""
    events = sorted_events(case, today)
    eras = sorted_eras(case, today)
    if not events and not eras:
        return ""
    # The chart runs to the case's as-of date (or the last dated fact): "until today" is cut there.
    end_day = max([case.as_of.latest(today)] + [e.date.end for e in events if e.date.end])
    firsts = [e.date.earliest() for e in events if e.date.start] + [e.period.start for e in eras if e.period.start]
    first_year = min(firsts).year if firsts else end_day.year
    x = _Years(first_year, end_day, _LABEL_W + _PAD, _WIDTH - _LABEL_W - 2 * _PAD)
    bars = _era_bars(eras, x, end_day, today)
    lanes = _lanes([foot for *_, foot in bars])
    lane_count = max(lanes) + 1 if lanes else 0
    categories: dict[str, list[Event]] = {}
    for e in events:
        categories.setdefault(e.category or "other", []).append(e)
    eras_top = _AXIS_Y + 14
    events_top = eras_top + lane_count * _LANE_H + (12 if lane_count else 0)
    height = events_top + len(categories) * _ROW_H + 8
    parts = [
        f'<svg class="chart timeline-chart" viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" height="{height}" '
        f'role="img" aria-label="Timeline of {esc(case.company)}: eras and events by year" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="inherit" font-size="12">'
    ]
    parts += _year_axis(x, end_day.year, height)
    for i, (bar, lane) in enumerate(zip(bars, lanes)):
        parts += _era_mark(bar, eras_top + lane * _LANE_H, ERA_COLORS[i % len(ERA_COLORS)])
    for row, (category, members) in enumerate(categories.items()):
        parts += _event_row(category, members, events_top + row * _ROW_H + _ROW_H / 2, x, end_day, today)
    parts.append("</svg>")
    return "".join(parts)


_WIDTH, _LABEL_W, _PAD = 960, 130, 16
_AXIS_Y, _LANE_H, _ROW_H = 28, 26, 24


def _era_bars(eras, x: _Years, end_day: date, today: date) -> list[tuple]:
    """Each era's bar, and where its title goes: inside the bar when it fits, else after the bar,
    else before it, in the bar's colour. Lanes keep bars and labels apart, so a title that
    cannot go beside its bar in one lane gets a lane of its own."""
    left_edge, right_edge = 4.0, _WIDTH - _PAD / 2
    bars = []
    for era in eras:
        lo = x(era.period.earliest()) if era.period.start else x(date(x.first_year, 1, 1))
        open_end = era.period.end is None or era.period.latest(today) > end_day
        w = max(x(min(era.period.latest(today), end_day)) - lo, 4)
        right = lo + w + (8 if open_end else 0)  # the bar and its arrow
        title = one_line(era.title)
        need = text_width(title)
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
    return bars


def _year_axis(x: _Years, last_year: int, height: int) -> list[str]:
    """A labelled grid line every year, or every few years when the years would crowd."""
    count = last_year - x.first_year + 1
    step = max(1, count * 44 // int(x.plot_w))
    while math.ceil(count / step) * 44 > x.plot_w:
        step += 1
    parts = []
    for year in range(x.first_year, last_year + 1, step):
        gx = x(date(year, 1, 1))
        parts.append(f'<line x1="{gx:.1f}" y1="{_AXIS_Y + 6}" x2="{gx:.1f}" y2="{height - 4}" class="grid"/>')
        parts.append(f'<text x="{gx:.1f}" y="{_AXIS_Y}" text-anchor="middle" class="axis">{year}</text>')
    return parts


def _era_mark(bar: tuple, y: int, color: str) -> list[str]:
    era, lo, w, open_end, place, label, _ = bar
    parts = [
        f"<g><title>{esc(era.title)} ({esc(era.period.text)})</title>"
        f'<rect x="{lo:.1f}" y="{y}" width="{w:.1f}" height="{_LANE_H - 6}" rx="4" fill="{color}"'
        f' fill-opacity="0.85"/>'
    ]
    if open_end:
        parts.append(
            f'<path d="M{lo + w:.1f} {y} l8 {(_LANE_H - 6) / 2:.0f} l-8 {(_LANE_H - 6) / 2:.0f}z"'
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
    return parts


def _event_row(category: str, members: list[Event], y: float, x: _Years, end_day: date, today: date) -> list[str]:
    color = CATEGORY_COLORS.get(category, CATEGORY_COLORS["other"])
    parts = [
        f'<text x="{_LABEL_W}" y="{y + 4:.1f}" text-anchor="end" class="row-label">'
        f"{esc(_clip(category, 14))} ({len(members)})</text>",
        f'<line x1="{_LABEL_W + _PAD / 2}" y1="{y:.1f}" x2="{_WIDTH - _PAD / 2}" y2="{y:.1f}" class="track"/>',
    ]
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
    return parts


def _chart_points(metric: Metric) -> list[tuple[str, Value]]:
    """The observations of the metric's headline unit, in date order."""
    from casekit.analytics import series

    points = series(metric)
    if not points:
        return []
    unit = points[-1][1]
    return [(obs.date.text, obs.value) for obs, u in points if u == unit and _finite(obs.value.midpoint)]


def _finite(v: float | None) -> bool:
    return v is not None and math.isfinite(v)


def metric_svg(metric: Metric) -> str:
    """A small bar chart of a metric's series (ranges as whiskers, bounds as arrows); '' under 2 points."""
    points = _chart_points(metric)
    if len(points) < 2:
        return ""
    width, height, top, bottom, left = 320, 150, 22, 30, 6
    plot_h = height - top - bottom
    highs = [v.high if _finite(v.high) else v.midpoint for _, v in points]
    lows = [v.low if _finite(v.low) else v.midpoint for _, v in points]
    # Figures near the float maximum are drawn to a scale, so the arithmetic never overflows.
    scale = max(1.0, max(abs(v) for v in highs + lows) / 1e150)
    hi = max(max(highs) / scale, 0.0)
    lo = min(min(lows) / scale, 0.0)
    if hi == lo:
        hi = lo + 1
    hi += (hi - lo) * 0.08

    def y(v: float) -> float:
        return top + (hi - v / scale) / (hi - lo) * plot_h

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
        if value.qualifier == "range" and _finite(value.low) and _finite(value.high):
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
    if value.qualifier == "range" and _finite(value.high):
        highest = min(highest, y(value.high))
    if value.high is None:
        highest -= 9
    return max(highest - 5, 11)
