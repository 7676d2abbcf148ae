"""Metrics as time series: growth between observations, CAGR over the span, segment shares.

`series_frame(metric)` is a metric's observations in date order as a pandas
frame, one row per observation, with the growth from the previous
observation in the same unit. The arithmetic of one growth figure is
`casekit.values.growth`, which knows what a bound or a range allows (an
estimate is marked approximate, a bound gives only a floor or a ceiling).
pandas holds the series for whoever uses it next (a notebook, `compare`,
`export`) and does the date arithmetic and the selections behind the CAGR.

Values in different currencies or units are never compared: a metric whose
observations mix them is split into one series per unit, and growth is only
ever computed within one.

This is the only module that imports pandas, and it does so inside the
functions that need it: the segment helpers at the bottom run without it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, NamedTuple

import msgspec

from casekit.checks import in_metric_unit, unit_template
from casekit.dates import PartialDate
from casekit.model import Metric, Observation, Segment
from casekit.values import Growth, Value, growth

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


# --- the frame ---------------------------------------------------------------


def _mid_time(start: date | None, end: date | None, today: date | None) -> datetime | None:
    """The middle of an interval of days (`end` included); an open end runs to `today` if given."""
    if end is None and today is not None and start is not None:
        end = max(start, today)
    if start is None or end is None:
        known = start or end
        return None if known is None else datetime.combine(known, time())
    span = (end - start).days + 1
    return datetime.combine(start, time()) + timedelta(hours=12 * span)


def series_frame(metric: Metric, today: date | None = None) -> pd.DataFrame:
    """The metric as a frame, one row per observation in date order.

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

    points = series(metric)
    values = [obs.value for obs, _ in points]
    units = [unit for _, unit in points]
    previous = [previous_index(points, i, today) for i in range(len(points))]
    growths = [None if p is None else growth(values[p], v) for p, v in zip(previous, values)]

    def days(which: str) -> np.ndarray:
        return np.array([getattr(obs.date, which) for obs, _ in points], dtype="datetime64[s]")

    # One constructor call with whole columns: assigning column by column
    # costs more than the arithmetic, thirty metrics at a time.
    frame = pd.DataFrame(
        {
            "date": _text([obs.date.text for obs, _ in points]),
            "start": days("start"),
            "end": days("end"),
            "mid_date": np.array(
                [_mid_time(obs.date.start, obs.date.end, today) for obs, _ in points], dtype="datetime64[s]"
            ),
            "low": np.array([v.low for v in values], dtype=float),
            "high": np.array([v.high for v in values], dtype=float),
            "mid": np.array([v.midpoint for v in values], dtype=float),
            "qualifier": _text([v.qualifier for v in values]),
            "unit": _text(units),
            "change": np.array([g.change if g else None for g in growths], dtype=float),
            "pct_change": np.array([g.pct if g else None for g in growths], dtype=float),
            "approximate": pd.array([g.approximate if g else None for g in growths], dtype="boolean"),
            "bound": _text([g.bound if g else None for g in growths]),
            "previous": pd.array(previous, dtype="Int64"),
            "value": pd.array(values, dtype=object),
            "growth": pd.array(growths, dtype=object),
            "note": _text([obs.note for obs, _ in points]),
            "confidence": _text([obs.confidence for obs, _ in points]),
            "sources": pd.array([list(obs.sources) for obs, _ in points], dtype=object),
        },
        columns=list(FRAME_COLUMNS),
    )
    return frame


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


@dataclass(frozen=True)
class CagrSpan:
    """The CAGR of a metric's headline series with what it was computed from, or why it was not.

    `first`/`last` are frame rows; `skipped` describes the open-bound
    observations (`300K+`, `<$4B`) outside the span, which give no number
    to compound from: `2019 ($100M+)`.
    """

    value: float | None
    approximate: bool
    unit: str | None
    first: int | None = None
    last: int | None = None
    years: float | None = None
    skipped: tuple[str, ...] = ()
    reason: str | None = None


def cagr_span(metric: Metric, frame: pd.DataFrame | None = None) -> CagrSpan:
    """CAGR between the observations with both bounds known whose dates' middles come first and last,
    in the metric's headline unit.

    Years run between the midpoints of the two dates. An "about" value or a
    range (taken at its middle) makes the result approximate, and so does a
    date that is a span of years or flagged approximate. Open bounds are
    left out: they give no number to compound from.
    """
    import pandas as pd

    if frame is None:
        frame = series_frame(metric)
    unit = main_unit(metric, list(frame["unit"]))
    if unit is None:
        return CagrSpan(None, False, None, reason="no observations")
    if unit == "percent":
        return CagrSpan(None, False, unit, reason="not compounded for percentages: their change is in points")
    rows = frame[frame["unit"] == unit]
    closed = rows[rows["low"].notna() & rows["high"].notna()]
    if len(closed) < 2:
        return CagrSpan(None, False, unit, reason="needs two values with both ends known")
    # The ends are the values whose dates' middles come first and last: in
    # date order a span of years (`2016/2019`) comes before the year it
    # starts with (`2016`), though most of it lies later. On a tie, a point
    # value beats a range, then a narrower date a wider one.
    mids = closed["mid_date"]
    points = closed["qualifier"].isin(["exact", "about"])
    widths = closed["end"] - closed["start"]  # NaT for an open side: widest of all
    order = sorted(closed.index, key=lambda i: (mids[i], not points[i], _width(widths[i]), i))
    first = int(order[0])
    last = int(max(closed.index, key=lambda i: (mids[i], bool(points[i]), -_width(widths[i]), -i)))
    # Open bounds before the first or after the last usable value: the span
    # would have reached them if they gave a number.
    open_side = rows["low"].isna() | rows["high"].isna()
    outside = (rows["mid_date"] < mids[first]) | (rows["mid_date"] > mids[last])
    skipped = tuple(
        f"{d} ({v.display()})" for d, v in zip(rows[open_side & outside]["date"], rows[open_side & outside]["value"])
    )
    years = (frame.at[last, "mid_date"] - frame.at[first, "mid_date"]) / pd.Timedelta(days=DAYS_PER_YEAR)
    span = CagrSpan(None, False, unit, first, last, float(years), skipped)
    # Counted in days: the middles of two consecutive years are 365 days
    # apart, a little under 365.25, and that is a year.
    if (frame.at[last, "mid_date"] - frame.at[first, "mid_date"]) < pd.Timedelta(days=MIN_CAGR_DAYS):
        return dataclasses.replace(span, reason="the values are less than a year apart")
    old, new = frame.at[first, "value"], frame.at[last, "value"]
    g = growth(old, new)
    rate = g.cagr(float(years)) if g else None
    if rate is None:
        return dataclasses.replace(span, reason=_no_rate(old, new))
    metric_points = series(metric)  # the frame's rows, in its order
    fuzzy_dates = any(_fuzzy(metric_points[i][0].date) for i in (first, last))
    return dataclasses.replace(span, value=rate, approximate=bool(g.approximate or fuzzy_dates))


def _width(days) -> float:
    """An interval's length for ordering; an open side is the widest."""
    return float("inf") if missing(days) else days.total_seconds()


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
    """A frame cell as a JSON number, None for NaN/NA."""
    return None if missing(x) else float(x)


def series_record(metric: Metric, today: date | None = None) -> dict:
    """`metric ID -f json`: the SPEC §7 metric record in date order, plus `growth` and `cagr`.

    `growth` has one entry per observation that has an earlier one in the
    same unit: `{date, previous, unit, change, pct_change, approximate,
    bound, text}`. `cagr` is `{value, approximate, from, to, years, unit}`
    or null.
    """
    from casekit.records import metric_record

    frame = series_frame(metric, today)
    ordered = msgspec.structs.replace(metric, observations=[obs for obs, _ in series(metric)])
    record = metric_record(ordered)
    entries = []
    for _i, row in frame.iterrows():
        g = row["growth"]
        if missing(row["previous"]):
            continue
        entries.append(
            {
                "date": row["date"],
                "previous": frame.at[int(row["previous"]), "date"],
                "unit": row["unit"],
                "change": _number(row["change"]),
                "pct_change": _number(row["pct_change"]),
                "approximate": None if g is None else bool(g.approximate),
                "bound": None if g is None else g.bound,
                "text": g.display() if g is not None else None,
            }
        )
    span = cagr_span(metric, frame)
    record["growth"] = entries
    record["cagr"] = (
        None
        if span.value is None
        else {
            "value": span.value,
            "approximate": span.approximate,
            "from": frame.at[span.first, "date"],
            "to": frame.at[span.last, "date"],
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


@dataclass(frozen=True)
class MetricSummary:
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
    frame = series_frame(metric, today)
    if frame.empty:
        return MetricSummary(metric, None, None, None, (), ())
    points = series(metric)
    last = len(frame) - 1
    unit = frame.at[last, "unit"]
    prev = frame.at[last, "previous"]
    previous = None if missing(prev) else points[int(prev)][0]
    same = frame[frame["unit"] == unit]
    others = tuple(dict.fromkeys(u for u in frame["unit"] if u != unit))
    return MetricSummary(metric, points[last][0], previous, frame.at[last, "growth"], tuple(same["value"]), others)


def missing(x) -> bool:
    """True for a frame cell that holds nothing: None, NaN, NA or NaT."""
    import pandas as pd

    return x is None or bool(pd.isna(x))


# --- segments (no pandas) ----------------------------------------------------


@dataclass(frozen=True)
class SegmentShares:
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
        out = [dataclasses.replace(g, segments=tuple(s for s in g.segments if s.id in kept)) for g in out]
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
