"""charts: the page's SVG charts draw whatever dates and figures a valid case holds."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from casekit.cli.app import app
from casekit.loader import load_case
from casekit.render.charts import metric_svg, timeline_svg

ACME = Path(__file__).parent / "fixtures" / "library" / "acme.yaml"
TODAY = date(2024, 7, 1)
NUMBER = re.compile(r'(?<![\w-])(?:x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)"')


def acme_with(tmp_path: Path, old: str, new: str) -> Path:
    text = ACME.read_text()
    assert old in text
    path = tmp_path / "acme.yaml"
    path.write_text(text.replace(old, new))
    return path


def coordinates(svg: str) -> list[float]:
    return [float(v) for v in NUMBER.findall(svg)]


@pytest.mark.parametrize("when", ["9999-06", "9999-12-31", "9990/9999"])
def test_an_event_in_year_9999_is_drawn_and_the_page_exports(tmp_path, when):
    path = acme_with(
        tmp_path,
        "  - {id: series-b,",
        f"  - {{id: far, date: {when}, title: Far future, category: product, sources: [report]}}\n  - {{id: series-b,",
    )
    svg = timeline_svg(load_case(path), TODAY)
    years = [int(y) for y in re.findall(r'class="axis">(\d+)<', svg)]
    assert years[0] == 2015 and years[-1] <= 9999
    assert all(b > a for a, b in zip(years, years[1:]))
    assert len(years) * 44 <= 960 - 130 - 32  # the labels do not crowd
    assert all(0 <= v <= 960 for v in coordinates(svg))
    assert f"<title>{when}: Far future</title>" in svg
    result = CliRunner().invoke(app, ["--today", "2024-07-01", "export", "-c", str(path), "-f", "html"])
    assert result.exit_code == 0, result.output
    assert 'id="event-far"' in result.stdout and f"<title>{when}: Far future</title>" in result.stdout


def test_an_event_in_year_1_is_drawn(tmp_path):
    path = acme_with(tmp_path, "date: 2015, title: Acme founded", "date: 0001-01, title: Acme founded")
    years = [int(y) for y in re.findall(r'class="axis">(\d+)<', timeline_svg(load_case(path), TODAY))]
    assert years[0] == 1 and years[-1] > 1900


@pytest.mark.parametrize(
    "values",
    [
        ("1e308", "1.5e308", "1.7e308"),
        ("-1.7e308", "1e308", "2"),
        ("5", "1.7e308", "between 1e307 and 1e308"),
    ],
    ids=["near the maximum", "both signs", "a range"],
)
def test_figures_near_the_float_maximum_draw_finite_bars(tmp_path, values):
    a, b, c = values
    path = acme_with(
        tmp_path,
        "      - {date: 2019, value: $10M}\n      - {date: 2021, value: $25M}\n      - {date: 2023, value: ~$60M}",
        f"      - {{date: 2019, value: '{a}'}}\n      - {{date: 2021, value: '{b}'}}\n      - {{date: 2023, value: '{c}'}}",
    )
    case = load_case(path)
    svg = metric_svg(case.metrics[0])
    assert svg.count("<rect") == 3
    numbers = coordinates(svg)
    assert numbers and all(-1000 < v < 1000 for v in numbers), svg
    assert "nan" not in svg and "inf" not in svg


# --- any year, any figure ----------------------------------------------------------------

_YEARS = st.integers(min_value=1, max_value=9999)
_FIGURES = st.one_of(
    st.floats(min_value=-1.7e308, max_value=1.7e308, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 1e-300, 1e308, -1e308, 1.7976931348623157e308]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(years=st.lists(_YEARS, min_size=1, max_size=6), figures=st.lists(_FIGURES, min_size=2, max_size=6))
def test_charts_draw_any_year_and_figure_inside_their_box(tmp_path, years, figures):
    events = "".join(
        f"  - {{id: e{i}, date: {y:04d}, title: Event {i}, category: product, sources: [s]}}\n"
        for i, y in enumerate(years)
    )
    observations = "".join(f"      - {{date: {2000 + i}, value: '{v!r}'}}\n" for i, v in enumerate(figures))
    path = tmp_path / "any.yaml"
    path.write_text(
        "casekit: 1\nid: any\ncompany: Any\ntitle: Any\nas_of: 2024\n"
        "sources:\n  - {id: s, title: S, kind: article}\n"
        f"timeline:\n{events}"
        "principles:\n  - {id: p, n: 1, title: P, summary: S, benefit: B, tradeoff: T, sources: [s]}\n"
        "risks:\n  - {id: r, title: R, severity: low, sources: [s]}\n"
        f"metrics:\n  - id: m\n    name: M\n    unit: count\n    sources: [s]\n    observations:\n{observations}"
    )
    case = load_case(path)
    for svg in (timeline_svg(case, TODAY), metric_svg(case.metrics[0])):
        assert "nan" not in svg and "inf" not in svg
        assert all(-2000 < v < 2000 for v in coordinates(svg)), svg
