"""The checks' own rules: a figure read in its metric's unit."""

from __future__ import annotations

import pytest

from casekit.checks import in_metric_unit, unit_template
from casekit.values import Value


@pytest.mark.parametrize(("unit", "written", "read"), [
    ("USD", "1000000", ("USD", None)),
    ("USD/hour", "$30", ("USD", "hour")),      # the per-hour left out
    ("USD/hour", "30/hr", ("USD", "hour")),    # the currency left out
    ("USD/hour", "30", ("USD", "hour")),
    ("USD/hour", "$30/day", ("USD", "day")),   # says something else: kept as written
    ("USD/hour", "A$30", ("AUD", None)),
    ("USD", "45%", (None, "percent")),
    ("percent", "45", (None, "percent")),
    ("percent", "$5", ("USD", None)),
    ("widgets", "5", (None, None)),            # a unit that is not a figure's: nothing to take
])
def test_a_figure_takes_what_it_leaves_out_from_its_metric(unit, written, read):
    value = in_metric_unit(Value.parse(written), unit_template(unit))
    assert (value.currency, value.unit) == read
    assert value.text == written
