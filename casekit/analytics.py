"""Metrics as time series: growth between observations, CAGR over the span, segment shares.

`series_table(metric)` is a metric's observations in date order, one row per
observation, with the growth from the previous observation in the same
unit; `series_frame(metric)` is the same as a pandas frame. The arithmetic of one growth figure is
`casekit.values.growth`, which knows what a bound or a range allows (an
estimate is marked approximate, a bound gives only a floor or a ceiling).

Values in different currencies or units are never compared: a metric whose
observations mix them is split into one series per unit, and growth is only
ever computed within one.

Everything a command shows is computed in plain Python (`series_table`,
`cagr_span`, `metric_summary`), so one case's commands never wait on
pandas; `series_frame` gives the same rows as a pandas frame, for
notebooks and library-wide analytics, and imports pandas when called.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, NamedTuple

import msgspec

from casekit.checks import in_metric_unit, unit_template
from casekit.dates import PartialDate
from casekit.model import Metric, Observation, Segment
from casekit.values import TOO_LARGE, Growth, Value, growth

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Cagr",
    "CagrSpan",
    "MetricSummary",
    "SegmentShares",
    "cagr",
    "cagr_span",
    "latest_and_previous",
    "main_unit",
    "metric_summary",
    "metric_unit",
    "missing",
    "previous_index",
    "segment_shares",
    "series",
    "series_frame",
    "series_record",
    "series_rows",
    "series_table",
]

DAYS_PER_YEAR = 365.25
MIN_CAGR_DAYS = 365  # annualising a shorter span extrapolates more than it measures

FRAME_COLUMNS = (
    "date",
    "start",
    "end",
    "mid_date",
    "low",
    "high",
    "mid",
    "qualifier",
    "unit",
    "change",
    "pct_change",
    "approximate",
    "bound",
    "previous",
    "value",
    "growth",
    "note",
    "confidence",
    "sources",
)


# --- units -----------------------------------------------------------------


def _unit_template(unit: str) -> Value | None:
    """The metric's unit read as a figure's (`USD/hour` -> currency USD per hour), or None."""
    return unit_template(unit)


def metric_unit(metric: Metric) -> str:
    """The metric's unit in the form `Value.unit_label()` gives: `USD`, `USD/hour`, `percent`, `years`."""
    template = _unit_template(metric.unit)
    return template.unit_label() if template else metric.unit.strip()


def _adopt(value: Value, template: Value | None) -> Value:
    """A figure takes what it leaves out from the metric's unit: `1000000` in a USD metric is $1M,
    `$30` in a USD/hour metric is $30/hr (the rule the checks use too)."""
    return in_metric_unit(value, template)


def _unit_key(value: Value, metric_label: str) -> str:
    return value.unit_label() if (value.currency or value.unit) else metric_label


def series(metric: Metric) -> list[tuple[Observation, str]]:
    """The observations in date order (SPEC §2; ties in file order), each with its unit.

    A bare number takes the metric's unit, so `1000000` in a USD metric is
    compared with `$2M`.
    """
    from casekit.query import sort_by_date

    template = _unit_template(metric.unit)
    label = metric_unit(metric)
    out = []
    for obs in sort_by_date(metric.observations):
        value = _adopt(obs.value, template)
        if value is not obs.value:
            obs = msgspec.structs.replace(obs, value=value)
        out.append((obs, _unit_key(value, label)))
    return out


def main_unit(metric: Metric, units: Sequence[str]) -> str | None:
    """The unit a metric's headline series is in: its own unit if any value has it, else the latest's."""
    if not units:
        return None
    label = metric_unit(metric)
    return label if label in units else units[-1]


def previous_index(points: Sequence[tuple[Observation, str]], i: int, today: date | None = None) -> int | None:
    """The observation growth to `points[i]` is measured from: the latest earlier one in the same unit
    that lies wholly before it, or None.

    Growth never crosses currencies or units, and two observations whose
    dates overlap (`2024` and `2024-03`, or two of `2024`) describe the same
    time, so a change between them is a contradiction, not growth. An open
    end runs to `today` (without it, it is never wholly before anything). An
    open start (`by late 2022`) says where the series stood at its end, so
    it is measured from what lies wholly before that end (`late 2022`).
    """
    obs, unit = points[i]
    if obs.date.start is None and obs.date.end is not None:
        _, last = obs.date.ends()
        starts = last.earliest() if last is not None else obs.date.end
    else:
        starts = obs.date.earliest()
    for j in range(i - 1, -1, -1):
        earlier, earlier_unit = points[j]
        if earlier_unit != unit:
            continue
        d = earlier.date
        ends = d.end if today is None else d.latest(today)
        if ends is not None and ends < starts:
            return j
    return None


# --- the series --------------------------------------------------------------


def _mid_time(start: date | None, end: date | None, today: date | None) -> datetime | None:
    """The middle of an interval of days (`end` included); an open end runs to `today` if given."""
    if end is None and today is not None and start is not None:
        end = max(start, today)
    if start is None or end is None:
        known = start or end
        return None if known is None else datetime.combine(known, time())
    span = (end - start).days + 1
    return datetime.combine(start, time()) + timedelta(hours=12 * span)


class Row:
    """One observation of a metric's series with the growth to it: a row of `series_frame`, in plain
    Python (what is missing is None), so that one case's commands never wait on pandas."""

    __slots__ = FRAME_COLUMNS
    date: str
    start: date | None
    end: date | None
    mid_date: datetime | None
    low: float | None
    high: float | None
    mid: float | None
    qualifier: str | None
    unit: str
    change: float | None
    pct_change: float | None
    approximate: bool | None
    bound: str | None
    previous: int | None
    value: Value
    growth: Growth | None
    note: str | None
    confidence: str | None
    sources: list[str]

    def __init__(self, **cells: object) -> None:
        for name in FRAME_COLUMNS:
            setattr(self, name, cells[name])

    def __repr__(self) -> str:
        return f"Row({self.date!r}, {self.value!r}, unit={self.unit!r}, previous={self.previous!r})"


def series_table(metric: Metric, today: date | None = None) -> list[Row]:
    """The metric's observations in date order, one `Row` each: `series_frame` without pandas."""
    points = series(metric)
    rows = []
    for i, (obs, unit) in enumerate(points):
        value = obs.value
        p = previous_index(points, i, today)
        g = None if p is None else growth(points[p][0].value, value)
        d = obs.date
        rows.append(
            Row(
                date=d.text,
                start=d.start,
                end=d.end,
                mid_date=_mid_time(d.start, d.end, today),
                low=value.low,
                high=value.high,
                mid=value.midpoint,
                qualifier=value.qualifier,
                unit=unit,
                change=g.change if g else None,
                pct_change=g.pct if g else None,
                approximate=g.approximate if g else None,
                bound=g.bound if g else None,
                previous=p,
                value=value,
                growth=g,
                note=obs.note,
                confidence=obs.confidence,
                sources=list(obs.sources),
            )
        )
    return rows


def series_frame(metric: Metric, today: date | None = None) -> pd.DataFrame:
    """The metric as a pandas frame, one row per observation in date order (`series_table`'s rows).

    Columns: `date` (as written), `start`, `end`, `mid_date` (the middle of
    the date's interval; an open end runs to `today` when given), `low`,
    `high`, `mid` (the number charted: a range's middle, a bound's bound),
    `qualifier`, `unit`, then the growth from `previous` (the row of the
    latest earlier observation in the same unit that lies wholly before
    this one, see `previous_index`): `change`, `pct_change`,
    `approximate` (NA on a unit's first row) and `bound` (`at_least` /
    `at_most` when an open bound makes the change a floor or a ceiling).
    `value` and `growth` hold the `Value` and `Growth` objects; `note`,
    `confidence` and `sources` the observation's own. Text columns hold
    `str`, missing as NaN (under pandas 2 as under 3); numbers are floats,
    missing as NaN.
    """
    import numpy as np
    import pandas as pd

    rows = series_table(metric, today)

    def column(name: str) -> list:
        return [getattr(row, name) for row in rows]

    def days(name: str) -> np.ndarray:
        return np.array(column(name), dtype="datetime64[s]")

    def floats(name: str) -> np.ndarray:
        return np.array(column(name), dtype=float)

    # One constructor call with whole columns: assigning column by column
    # costs more than the arithmetic, thirty metrics at a time.
    return pd.DataFrame(
        {
            "date": _text(column("date")),
            "start": days("start"),
            "end": days("end"),
            "mid_date": days("mid_date"),
            "low": floats("low"),
            "high": floats("high"),
            "mid": floats("mid"),
            "qualifier": _text(column("qualifier")),
            "unit": _text(column("unit")),
            "change": floats("change"),
            "pct_change": floats("pct_change"),
            "approximate": pd.array(column("approximate"), dtype="boolean"),
            "bound": _text(column("bound")),
            "previous": pd.array(column("previous"), dtype="Int64"),
            "value": pd.array(column("value"), dtype=object),
            "growth": pd.array(column("growth"), dtype=object),
            "note": _text(column("note")),
            "confidence": _text(column("confidence")),
            "sources": pd.array(column("sources"), dtype=object),
        },
        columns=list(FRAME_COLUMNS),
    )


def _text(values: list) -> pd.api.extensions.ExtensionArray:
    """A column of text with NaN for what is missing, as pandas 3's `str` columns hold it; pandas 2
    would write None as the text "None" in a `str` column."""
    import numpy as np
    import pandas as pd

    return pd.array([np.nan if v is None else v for v in values], dtype=object)


# --- CAGR --------------------------------------------------------------------


class Cagr(NamedTuple):
    """Compound annual growth in percent a year; `approximate` unless both ends are exact."""

    value: float
    approximate: bool


class CagrSpan(msgspec.Struct, frozen=True):
    """The CAGR of a metric's headline series with what it was computed from, or why it was not.

    `first`/`last` are rows of the series (`series_table`, `series_frame`);
    `skipped` describes the open-bound observations (`300K+`, `<$4B`)
    outside the span, which give no number to compound from: `2019 ($100M+)`.
    """

    value: float | None
    approximate: bool
    unit: str | None
    first: int | None = None
    last: int | None = None
    years: float | None = None
    skipped: tuple[str, ...] = ()
    reason: str | None = None


_YEAR = timedelta(days=DAYS_PER_YEAR)
_LATEST = datetime.max  # where a row without a date's middle sorts


def cagr_span(metric: Metric, rows: list[Row] | None = None, today: date | None = None) -> CagrSpan:
    """CAGR between the observations with both bounds known whose dates' middles come first and last,
    in the metric's headline unit; `rows` are the metric's `series_table` when already made.

    Years run between the midpoints of the two dates. An "about" value or a
    range (taken at its middle) makes the result approximate, and so does a
    date that is a span of years or flagged approximate. Open bounds are
    left out: they give no number to compound from.
    """
    if rows is None or not isinstance(rows, list):
        rows = series_table(metric, today)
    unit = main_unit(metric, [row.unit for row in rows])
    if unit is None:
        return CagrSpan(None, False, None, reason="no observations")
    if unit == "percent":
        return CagrSpan(None, False, unit, reason="not compounded for percentages: their change is in points")
    in_unit = [i for i, row in enumerate(rows) if row.unit == unit]
    closed = [i for i in in_unit if not missing(rows[i].low) and not missing(rows[i].high)]
    if len(closed) < 2:
        return CagrSpan(None, False, unit, reason="needs two values with both ends known")
    # The ends are the values whose dates' middles come first and last: in
    # date order a span of years (`2016/2019`) comes before the year it
    # starts with (`2016`), though most of it lies later. On a tie, a point
    # value beats a range, then a narrower date a wider one.
    mids = {i: rows[i].mid_date or _LATEST for i in closed}
    points = {i: rows[i].qualifier in ("exact", "about") for i in closed}
    widths = {i: _width(rows[i].start, rows[i].end) for i in closed}
    first = min(closed, key=lambda i: (mids[i], not points[i], widths[i], i))
    last = max(closed, key=lambda i: (mids[i], points[i], -widths[i], -i))
    # Open bounds before the first or after the last usable value: the span
    # would have reached them if they gave a number.
    skipped = tuple(
        f"{rows[i].date} ({rows[i].value.display()})"
        for i in in_unit
        if (missing(rows[i].low) or missing(rows[i].high))
        and rows[i].mid_date is not None
        and (rows[i].mid_date < mids[first] or rows[i].mid_date > mids[last])
    )
    between = mids[last] - mids[first]
    years = between / _YEAR
    span = CagrSpan(None, False, unit, first, last, years, skipped)
    # Counted in days: the middles of two consecutive years are 365 days
    # apart, a little under 365.25, and that is a year.
    if between < timedelta(days=MIN_CAGR_DAYS):
        return msgspec.structs.replace(span, reason="the values are less than a year apart")
    old, new = rows[first].value, rows[last].value
    g = growth(old, new)
    rate = g.cagr(years) if g else None
    if rate is None:
        compounds = g is not None and g.ratio is not None and g.ratio > 0
        return msgspec.structs.replace(span, reason=TOO_LARGE if compounds else _no_rate(old, new))
    dates = [obs.date for obs, _ in series(metric)]  # the rows' dates, in their order
    fuzzy_dates = any(_fuzzy(dates[i]) for i in (first, last))
    return msgspec.structs.replace(span, value=rate, approximate=bool(g.approximate or fuzzy_dates))


def _width(start: date | None, end: date | None) -> float:
    """An interval's length for ordering; an open side is the widest."""
    return float("inf") if start is None or end is None else (end - start).total_seconds()


def _no_rate(old: Value, new: Value) -> str:
    """Why two closed figures give no compound rate: only growth between positive figures compounds."""
    a, b = old.midpoint or 0.0, new.midpoint or 0.0
    if a < 0 and b < 0:
        return "not compounded: both values are negative"
    if b == 0 and a > 0:
        return "undefined: the series ends at zero"
    return "undefined: the series starts at zero or changes sign"


def _fuzzy(d: PartialDate) -> bool:
    # A span of years or a flagged date puts its middle only roughly in place.
    return d.approximate or d.uncertain or d.precision in ("range", "decade", "century", "one-of", "all-of")


def cagr(metric: Metric) -> Cagr | None:
    """`(percent a year, approximate)` over the whole series, or None when it cannot be computed."""
    span = cagr_span(metric)
    return None if span.value is None else Cagr(span.value, span.approximate)


# --- records -----------------------------------------------------------------


def _number(x) -> float | None:
    """A cell as a JSON number, None for what is missing (and for a figure too large for a float)."""
    return None if missing(x) or math.isinf(x) else float(x)


def series_record(metric: Metric, today: date | None = None) -> dict:
    """`metric ID -f json`: the SPEC §7 metric record in date order, plus `growth` and `cagr`.

    `growth` has one entry per observation that has an earlier one in the
    same unit: `{date, previous, unit, change, pct_change, approximate,
    bound, text}`. `cagr` is `{value, approximate, from, to, years, unit}`
    or null.
    """
    from casekit.records import metric_record

    rows = series_table(metric, today)
    ordered = msgspec.structs.replace(metric, observations=[obs for obs, _ in series(metric)])
    record = metric_record(ordered)
    entries = []
    for row in rows:
        g = row.growth
        if row.previous is None:
            continue
        entries.append(
            {
                "date": row.date,
                "previous": rows[row.previous].date,
                "unit": row.unit,
                "change": _number(row.change),
                "pct_change": _number(row.pct_change),
                "approximate": None if g is None else bool(g.approximate),
                "bound": None if g is None else g.bound,
                "text": g.display() if g is not None else None,
            }
        )
    span = cagr_span(metric, rows)
    record["growth"] = entries
    record["cagr"] = (
        None
        if span.value is None
        else {
            "value": span.value,
            "approximate": span.approximate,
            "from": rows[span.first].date,
            "to": rows[span.last].date,
            "years": span.years,
            "unit": span.unit,
        }
    )
    return record


def series_rows(metric: Metric, today: date | None = None) -> list[dict]:
    """`metric ID -f csv|md`: one flat row per observation in date order, its growth beside it."""
    record = series_record(metric, today)
    by_date = {g["date"]: g for g in record["growth"]}
    rows = []
    for obs in record["observations"]:
        g = by_date.get(obs["date"], {})
        value = obs["value"] or {}
        rows.append(
            {
                "id": record["id"],
                "name": record["name"],
                "unit": record["unit"],
                "date": obs["date"],
                "start": obs["start"],
                "end": obs["end"],
                "edtf": obs["edtf"],
                "value": value.get("text"),
                "low": value.get("low"),
                "high": value.get("high"),
                "qualifier": value.get("qualifier"),
                "change": g.get("change"),
                "pct_change": g.get("pct_change"),
                "approximate": g.get("approximate"),
                "bound": g.get("bound"),
                "note": obs["note"],
                "sources": obs["sources"],
            }
        )
    return rows


# --- latest against previous -------------------------------------------------


def latest_and_previous(metric: Metric, today: date | None = None) -> tuple[Observation | None, Observation | None]:
    """The latest observation and the one growth to it is measured from (`previous_index`); either may be None.

    Values come back in the metric's unit when written as bare numbers.
    """
    points = series(metric)
    if not points:
        return None, None
    j = previous_index(points, len(points) - 1, today)
    return points[-1][0], None if j is None else points[j][0]


class MetricSummary(msgspec.Struct, frozen=True):
    """One row of `casekit metrics`: the latest value against the previous one, and the trend.

    `trend` holds the values of the latest's unit in date order; `other_units`
    the units of observations left out of it and of the growth.
    """

    metric: Metric
    latest: Observation | None
    previous: Observation | None
    growth: Growth | None
    trend: tuple[Value, ...]
    other_units: tuple[str, ...]


def metric_summary(metric: Metric, today: date | None = None) -> MetricSummary:
    """The latest value, the one growth to it is measured from, the growth between them, the trend."""
    rows = series_table(metric, today)
    if not rows:
        return MetricSummary(metric, None, None, None, (), ())
    points = series(metric)
    last = rows[-1]
    previous = None if last.previous is None else points[last.previous][0]
    same = tuple(row.value for row in rows if row.unit == last.unit)
    others = tuple(dict.fromkeys(row.unit for row in rows if row.unit != last.unit))
    return MetricSummary(metric, points[-1][0], previous, last.growth, same, others)


def missing(x) -> bool:
    """True for a cell that holds nothing: None or NaN (and, in a pandas frame, NA or NaT)."""
    if x is None:
        return True
    if isinstance(x, float):
        return x != x
    if "pandas" in sys.modules:  # a cell of a frame someone made: pandas' own missing values
        import pandas as pd

        return bool(pd.isna(x))
    return False


# --- segments (no pandas) ----------------------------------------------------


class SegmentShares(msgspec.Struct, frozen=True):
    """How the segments of one period share revenue.

    `total` is the sum of the stated shares (midpoints, in percent);
    `implied` a share worked out from revenue for segments that state none,
    against the whole that segments stating both imply (revenue ÷ share):
    always approximate, and a floor or a ceiling when the revenue is one.
    """

    period: str | None
    segments: tuple[Segment, ...]
    total: float | None
    approximate: bool
    missing: tuple[str, ...]
    implied: dict[str, Value]
    implied_total: Value | None

    @property
    def adds_up(self) -> bool:
        """True when the stated shares cover the whole, give or take 5 points."""
        return self.total is not None and not self.missing and abs(self.total - 100) <= 5


def segment_shares(segments: Iterable[Segment], shown: Iterable[str] | None = None) -> list[SegmentShares]:
    """The segments grouped by period (in order of first appearance), with their shares added up.

    With `shown` (segment ids), each group keeps only those segments and a group left with none
    is dropped; the shares are still added up over every segment of the period, so a filter does
    not make the whole look incomplete.
    """
    groups: dict[str | None, list[Segment]] = {}
    for s in segments:
        groups.setdefault(s.period.text if s.period else None, []).append(s)
    out = []
    for period, members in groups.items():
        stated = [s for s in members if s.share is not None and s.share.midpoint is not None]
        total = sum(s.share.midpoint for s in stated) if stated else None  # type: ignore[union-attr]
        approximate = any(s.share.qualifier != "exact" for s in stated)  # type: ignore[union-attr]
        stated_ids = {s.id for s in stated}
        missing = tuple(s.id for s in members if s.id not in stated_ids)
        implied, implied_total = _implied_shares(members, stated)
        out.append(SegmentShares(period, tuple(members), total, approximate, missing, implied, implied_total))
    if shown is not None:
        kept = set(shown)
        out = [msgspec.structs.replace(g, segments=tuple(s for s in g.segments if s.id in kept)) for g in out]
        out = [g for g in out if g.segments]
    return out


def _implied_shares(members: list[Segment], stated: list[Segment]) -> tuple[dict[str, Value], Value | None]:
    # The whole implied by each segment that states both revenue and a closed
    # share; used only when those agree within 10% and share one currency.
    wholes = []
    currencies = set()
    for s in stated:
        r, share = s.revenue, s.share
        if r is None or share is None or None in (r.low, r.high, share.low, share.high) or not share.midpoint:
            continue
        wholes.append(r.midpoint / share.midpoint * 100)  # type: ignore[operator]
        currencies.add(r.currency)
    if not wholes or len(currencies) != 1 or max(wholes) > min(wholes) * 1.1:
        return {}, None
    whole = sum(wholes) / len(wholes)
    currency = currencies.pop()
    implied = {}
    for s in members:
        r = s.revenue
        if s.share is not None or r is None or r.currency != currency or r.unit is not None:
            continue
        low = None if r.low is None else _share_round(r.low / whole * 100)
        high = None if r.high is None else _share_round(r.high / whole * 100)
        qualifier = "about" if r.is_point else r.qualifier
        share = Value("", low, high, qualifier, unit="percent")
        implied[s.id] = dataclasses.replace(share, text=share.display())
    if not implied:
        return {}, None
    total = Value("", whole, whole, "about", currency)
    return implied, dataclasses.replace(total, text=total.display())


def _share_round(pct: float) -> float:
    # An implied share is an estimate: whole percents, tenths below 1%.
    return float(round(pct)) if pct >= 1 else round(pct, 1)
