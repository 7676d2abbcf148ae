"""Tests for casekit.render.metrics: sparklines and bars, drawn without colour."""

from __future__ import annotations

import pytest

from casekit.render.metrics import Bar, scale_of, share_note, sparkline
from casekit.values import Value


def bar(text: str, top: float, width: int = 11, bottom: float = 0.0) -> str:
    return Bar(Value.parse(text), top, bottom).text(width).plain


@pytest.mark.parametrize(
    ("written", "top", "drawn"),
    [
        ("$10M", 20e6, "█████"),  # half of a 10-cell track (one cell kept for an arrow)
        ("~$10M", 20e6, "█████"),  # an estimate is drawn where it is
        ("$3M", 20e6, "█▌"),  # 1.5 cells: an eighth-block tip
        ("$5M–$10M", 20e6, "██▌░░"),  # solid to the low end, light to the high end
        ("300K+", 600e3, "█████▶"),  # at least: solid to the bound, then "or more"
        ("<$4B", 8e9, "░░░░◀"),  # below: light up to the bound, which the arrow marks
        ("$0", 20e6, ""),  # nothing to draw
        ("$1", 20e6, "▏"),  # a sliver, so a tiny value still shows
    ],
)
def test_bar_glyphs(written, top, drawn):
    assert bar(written, top) == drawn


def test_negative_values_are_drawn_left_of_zero():
    # Scale -$10M..$10M on a 10-cell track: zero at cell 5.
    assert bar("-$10M", 10e6, bottom=-10e6) == "█████"
    assert bar("$10M", 10e6, bottom=-10e6) == "     █████"


def test_scale_covers_every_bound_and_zero():
    values = [Value.parse(t) for t in ("<$4B", "$13.8B", "$5B–$20B", "300K+")]
    assert scale_of(values) == (20e9, 0.0)
    assert scale_of([Value.parse("-$5M"), Value.parse("$1M")]) == (1e6, -5e6)
    assert scale_of([]) == (1.0, 0.0)


def test_sparkline_runs_from_lowest_to_highest_midpoint():
    values = [Value.parse(t) for t in ("$1B", "$7.3B", "<$4B", "$7.3B", "$13.8B")]
    # (x - 1) / 12.8 * 7 rounded: 0, 3.45 -> 3, 1.64 -> 2, 3, 7
    assert sparkline(values).plain == "▁▄▃▄█"
    assert sparkline([Value.parse("5"), Value.parse("5")]).plain == "▄▄"
    assert sparkline([Value.parse("5")]).plain == "·"


class Group:
    def __init__(self, period, total, approximate=False, missing=(), adds_up=False):
        self.period, self.total, self.approximate, self.missing, self.adds_up = (
            period,
            total,
            approximate,
            missing,
            adds_up,
        )


def test_share_note():
    assert share_note(Group("2024", 100.0, adds_up=True)) is None
    assert share_note(Group("2024", None)) is None
    assert share_note(Group("2024", 64.0, True, ("a", "b"))) == (
        "2024: the stated shares add up to ~64%; 2 segments state no share"
    )
    assert share_note(Group(None, 80.0)) == "the stated shares add up to 80%; the rest is not in any segment"
    assert "more than the whole" in share_note(Group("2024", 120.0))


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_metric_ids_are_never_broken_when_there_is_room(width):
    import io

    from rich.console import Console

    from casekit.analytics import metric_summary
    from casekit.library import bundled_dir
    from casekit.loader import load_case
    from casekit.render.metrics import metrics_table

    case = load_case(bundled_dir() / "scale_ai.yaml")
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(metrics_table([metric_summary(m) for m in case.metrics]))
    words = {w for line in console.file.getvalue().splitlines() for w in line.split()}
    assert [m.id for m in case.metrics if m.id not in words] == []


def test_without_room_for_a_trend_column_the_sparkline_goes_under_the_change():
    import io

    from rich.console import Console

    from casekit.analytics import metric_summary
    from casekit.library import bundled_dir
    from casekit.loader import load_case
    from casekit.render.metrics import metrics_table

    case = load_case(bundled_dir() / "scale_ai.yaml")
    summaries = [metric_summary(m) for m in case.metrics]
    console = Console(file=io.StringIO(), width=60, color_system=None)
    console.print(metrics_table(summaries))
    lines = console.file.getvalue().splitlines()
    assert lines[0].split() == ["metric", "latest", "change"] and lines[1].split() == ["trend"]
    shown = {w for line in lines for w in line.split()}
    assert [s.metric.id for s in summaries if sparkline(s.trend).plain not in shown] == []
