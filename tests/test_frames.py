"""`casekit.frames(case)`: a case as pandas DataFrames, one per section, that lose nothing."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

import casekit
from casekit.loader import check_bytes
from casekit.model import SECTIONS

BUNDLED = Path(__file__).parent.parent / "cases" / "scale_ai.yaml"
DERIVED = ("start", "end", "low", "high", "qualifier")


@pytest.fixture(scope="module")
def case():
    return casekit.load_case(BUNDLED)


@pytest.fixture(scope="module")
def tables(case):
    return casekit.frames(case)


def _plain(value):
    """A cell as YAML writes it; None for what a frame holds as missing."""
    if isinstance(value, list):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)  # an integer column with a gap is a float column
    return value.item() if hasattr(value, "item") else value


def _items(frame) -> list[dict]:
    """The rows of a frame as the YAML items they came from: the derived columns dropped."""
    columns = [
        c for c in frame.columns if not (c.rpartition("_")[2] in DERIVED and c.rpartition("_")[0] in frame.columns)
    ]
    out = []
    for row in frame.to_dict("records"):
        cells = {c: _plain(row[c]) for c in columns}
        out.append({c: v for c, v in cells.items() if v is not None and v != []})
    return out


def test_frames_round_trip_the_bundled_case(case, tables):
    document = _items(tables["case"])[0]
    for section in SECTIONS:
        document[section] = _items(tables[section])
    for section, child, parent in (("metrics", "observations", "metric"), ("people", "roles", "person")):
        for item in document[section]:
            parts = [{k: v for k, v in row.items() if k != parent} for row in _items(tables[child])]
            owners = list(tables[child][parent])
            item[child] = [p for p, owner in zip(parts, owners) if owner == item["id"]]
            if not item[child]:
                del item[child]
    rebuilt, problems = check_bytes(yaml.safe_dump(document, allow_unicode=True).encode(), "rebuilt.yaml", stem=case.id)
    assert [p for p in problems if p.severity == "error"] == []
    assert rebuilt == case


def test_dates_are_intervals_and_figures_their_bounds(case, tables):
    timeline = tables["timeline"]
    assert str(timeline["date_start"].dtype).startswith("datetime64")
    for event, (_, row) in zip(case.timeline, timeline.iterrows()):
        assert row["date"] == event.date.text
        assert _day(row["date_start"]) == event.date.start and _day(row["date_end"]) == event.date.end
    observations = tables["observations"]
    assert len(observations) == sum(len(m.observations) for m in case.metrics)
    opened = observations[observations["value_high"].isna()]
    assert list(opened["value_qualifier"].unique()) and set(opened["value_qualifier"]) <= {"at_least", "above"}
    first = case.metrics[0].observations[0]
    row = observations.iloc[0]
    assert (row["metric"], row["value"], row["value_low"], row["value_high"]) == (
        case.metrics[0].id,
        first.value.text,
        first.value.low,
        first.value.high,
    )


def _day(stamp):
    return None if stamp is pd.NaT else stamp.date()


def test_every_section_has_a_frame_even_when_empty(tables):
    empty = casekit.frames(casekit.load_case(Path(__file__).parent / "fixtures" / "metrics" / "series.yaml"))
    assert set(empty) == {"case", *SECTIONS, "observations", "roles"}
    assert len(empty["lessons"]) == 0 and "title" in empty["lessons"].columns
