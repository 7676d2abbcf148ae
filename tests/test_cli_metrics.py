"""`casekit metrics`, `casekit metric ID`, `casekit segments`; and which commands load pandas."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casekit.cli.app import app

FIXTURES = Path(__file__).parent / "fixtures"
METRICS = FIXTURES / "metrics"
ENV = {"NO_COLOR": "1", "COLUMNS": "200", "CASEKIT_CASE": "", "CASEKIT_PATH": ""}


CLI_ARGS = ["--cases-dir", METRICS]  # before every run's arguments (tests/conftest.py: run)
CLI_ENV = {"COLUMNS": "200"}


def line_of(output: str, start: str) -> str:
    return next(line for line in output.splitlines() if line.strip().startswith(start))


# --- casekit metrics ---------------------------------------------------------


def test_metrics_table_shows_latest_previous_change_and_trend(run):
    result = run("metrics", "-c", "series")
    assert result.exit_code == 0, result.stderr
    revenue = line_of(result.stdout, "Revenue  revenue")
    for cell in ("$40M", "2020", "$10M", "+$30M", "+300%", "▁█"):
        assert cell in revenue
    # The previous value's date has an "as of" column of its own, as the latest value's has.
    assert re.search(r"\$40M   2020 +\$10M   2018 ", revenue)
    assert line_of(result.stdout, "metric").split()[:6] == ["metric", "latest", "as", "of", "previous", "as"]
    valuation = line_of(result.stdout, "Valuation")
    assert "≥+$9.8B" in valuation and "≥+245%" in valuation and "2024 ‡" in valuation
    price = line_of(result.stdout, "Price per hour")
    assert "$20–$40/hr" in price and "≈+$10/hr" in price and "≈+50%" in price
    annotators = line_of(result.stdout, "Annotators")
    assert "<400K" in annotators and "≤-100K" in annotators and "▁█▅" in annotators
    assert "† observations in another unit" in result.stdout
    assert "≈ estimated" in result.stdout and "≥ ≤ only a floor or a ceiling" in result.stdout


def test_metrics_json_lists_observations_in_date_order(run):
    records = json.loads(run("metrics", "-c", "series", "-f", "json").stdout)
    revenue = next(r for r in records if r["id"] == "revenue")  # written 2020 first, then 2018
    assert [o["date"] for o in revenue["observations"]] == ["2018", "2020"]
    single = json.loads(run("metric", "revenue", "-c", "series", "-f", "json").stdout)
    assert single["observations"] == revenue["observations"]


def test_no_change_between_observations_that_overlap(run):
    out = run("metric", "inside_year", "-c", "overlapping_observations").stdout
    assert "-$70M" not in out and "-70%" not in out
    assert "$30M" in line_of(out, "2024-03") and "%" not in line_of(out, "2024-03")
    table = run("metrics", "-c", "overlapping_observations").stdout
    assert line_of(table, "Same year twice").split()[-4:-1] == ["2023", "+$4M", "+40%"]
    inside = line_of(table, "A month inside the year")
    assert "$30M" in inside and "+" not in inside and "-$" not in inside


def test_metrics_narrow_puts_dates_and_ids_on_their_own_lines(run):
    result = run("metrics", "-c", "series", columns=80)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 80
    first = lines.index(next(line for line in lines if line.startswith("Revenue ")))
    assert "$40M" in lines[first] and "+300%" in lines[first]
    assert lines[first + 1].split() == ["revenue", "2020", "2018"]


def test_metrics_grep_and_limit(run):
    result = run("metrics", "-c", "series", "--grep", "hour", "-f", "json")
    assert [m["id"] for m in json.loads(result.stdout)] == ["price"]
    result = run("metrics", "-c", "series", "--limit", "2", "-f", "json")
    assert [m["id"] for m in json.loads(result.stdout)] == ["revenue", "users"]
    result = run("metrics", "-c", "series", "--grep", "nothing-like-this")
    assert result.exit_code == 0 and "no metrics match" in result.stderr


def test_metrics_json_has_the_spec_shape(run):
    result = run("metrics", "-c", "series", "-f", "json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert len(records) == 9
    for record in records:
        assert list(record) == ["id", "name", "unit", "description", "observations", "sources", "confidence", "note"]
        for obs in record["observations"]:
            assert list(obs) == ["date", "start", "end", "edtf", "value", "note", "sources", "confidence"]
            assert list(obs["value"]) == ["text", "low", "high", "qualifier"]
    revenue = records[0]  # observations in date order: 2018, then the 2020 written first
    assert revenue["observations"][0]["date"] == "2018"
    assert revenue["observations"][1] == {
        "date": "2020",
        "start": "2020-01-01",
        "end": "2020-12-31",
        "edtf": "2020",
        "value": {"text": "$40M", "low": 40e6, "high": 40e6, "qualifier": "exact"},
        "note": "Doubled twice.",
        "sources": ["s"],
        "confidence": None,
    }
    bound = records[2]["observations"][0]["value"]
    assert bound == {"text": "300,000+", "low": 300000.0, "high": None, "qualifier": "at_least"}


@pytest.mark.parametrize("fmt", ["csv", "md", "yaml"])
def test_metrics_other_formats_have_no_colour_codes(run, fmt):
    result = run("metrics", "-c", "series", "-f", fmt)
    assert result.exit_code == 0 and "\x1b" not in result.stdout
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert rows[0]["id"] == "revenue" and rows[0]["observation.value.text"] == "$10M"
        assert rows[1]["id"] == "revenue" and rows[1]["observation.value.text"] == "$40M"
        assert len(rows) == 20  # one row per observation


def test_metrics_as_of_shows_the_latest_value_known_then(run):
    result = run("metrics", "-c", "series", "--as-of", "2019", "-f", "json")
    records = {m["id"]: m for m in json.loads(result.stdout)}
    # Known by the end of 2019: revenue 2018, users 2019, bookings 2019, margin 2019, reported 2019.
    assert sorted(records) == ["bookings", "margin", "reported_revenue", "revenue", "users"]
    assert [o["date"] for o in records["revenue"]["observations"]] == ["2018"]
    table = run("metrics", "-c", "series", "--as-of", "2019")
    assert "$10M" in line_of(table.stdout, "Revenue  revenue")
    assert "$40M" not in table.stdout
    # The 4 others were first observed later: they are not in the case as known then, so no note counts them.
    assert "no observation" not in table.stderr
    # Before anything was observed the view is empty, and says why.
    early = run("metrics", "-c", "series", "--as-of", "2010")
    assert early.exit_code == 0 and early.stdout == "" and "series has no metrics as of 2010" in early.stderr
    later = run("metrics", "-c", "series", "--as-of", "2020")
    revenue = line_of(later.stdout, "Revenue  revenue")
    assert "$40M" in revenue and "+300%" in revenue


def test_metrics_bad_as_of_is_trouble(run):
    result = run("metrics", "-c", "series", "--as-of", "2019-13")
    assert result.exit_code == 2 and "--as-of" in result.stderr


# --- casekit metric ID -------------------------------------------------------


def test_metric_series_with_change_cagr_and_bars(run):
    result = run("metric", "revenue", "-c", "series", columns=100)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert line_of(out, "2018").split()[:2] == ["2018", "$10M"]
    row = line_of(out, "2020")
    assert "$40M" in row and "+$30M" in row and "+300%" in row
    assert "CAGR +100.0% a year  2018 → 2020, 2.0 years" in out
    assert "0 → $40M" in out
    # The longest bar gets 63 cells (+1 kept for an arrow); $10M is a quarter: 15¾ cells.
    assert row.rstrip().endswith(" " + "█" * 63)
    assert line_of(out, "2018").rstrip().endswith(" " + "█" * 15 + "▊")
    assert "Doubled twice." in out


def test_metric_bars_mark_ranges_and_bounds(run):
    out = run("metric", "annotators", "-c", "series", columns=100).stdout
    assert "▶" in line_of(out, "2020")  # 300,000+
    assert line_of(out, "2024").rstrip().endswith("◀")  # <400,000
    assert "░" in line_of(out, "2024")
    assert "CAGR —  needs two values with both ends known" in out
    assert "▶ or more" in out and "◀ below" in out
    price = run("metric", "price", "-c", "series", columns=100).stdout
    assert re.search("█+[▏▎▍▌▋▊▉]?░+ *$", line_of(price, "2020"))  # solid to $15, light to $25
    assert "CAGR ≈+10.7% a year" in price


@pytest.mark.parametrize("columns", [60, 80, 200])
def test_metric_chart_fits_the_terminal(run, columns):
    result = run("metric", "valuation", "-c", "series", columns=columns)
    assert result.exit_code == 0
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()) <= columns
    assert "≥+$9.8B" in result.stdout  # the growth columns are never cut to make room for bars


def test_metric_split_by_currency(run):
    out = run("metric", "reported_revenue", "-c", "series", columns=100).stdout
    assert "in AUD" in out and "in USD" in out
    assert "CAGR in USD +22.5% a year" in out
    assert "charted apart" in out


def test_metric_json_adds_growth_and_cagr(run):
    result = run("metric", "users", "-c", "series", "-f", "json")
    record = json.loads(result.stdout)
    assert list(record) == [
        "id",
        "name",
        "unit",
        "description",
        "observations",
        "sources",
        "confidence",
        "note",
        "growth",
        "cagr",
    ]
    (g,) = record["growth"]
    assert g["change"] == pytest.approx(4641) and g["pct_change"] == pytest.approx(46.41)
    assert g["approximate"] is True and g["bound"] is None and g["text"] == "≈+4.64K (≈+46.4%)"
    assert record["cagr"]["value"] == pytest.approx(10.0) and record["cagr"]["approximate"] is True
    assert record["cagr"]["years"] == pytest.approx(4.0)


def test_metric_csv_is_one_row_per_observation(run):
    rows = list(csv.DictReader(io.StringIO(run("metric", "annotators", "-c", "series", "-f", "csv").stdout)))
    assert [r["value"] for r in rows] == ["300,000+", "500,000", "<400,000"]
    assert [r["bound"] for r in rows] == ["", "at_most", "at_most"]


def test_metric_as_of_and_by_name(run):
    out = run("metric", "Revenue", "-c", "series", "--as-of", "2019").stdout
    assert "$10M" in out and "$40M" not in out
    assert "CAGR —" in out


def test_unknown_metric_is_trouble_with_a_suggestion(run):
    result = run("metric", "revenu", "-c", "series")
    assert result.exit_code == 2
    assert "no metric `revenu` in series" in result.stderr
    assert "did you mean `revenue` or `reported_revenue`?" in result.stderr


@pytest.mark.parametrize(
    ("ref", "hint"),
    [
        ("rev", "did you mean `revenue` or `reported_revenue`?"),  # a prefix, a part
        ("gross", "did you mean `margin`?"),  # its name, Gross margin
        ("hour", "did you mean `price`?"),  # its name, Price per hour
        ("valuaton", "did you mean `valuation`?"),  # a typo
    ],
)
def test_unknown_metric_suggests_prefixes_parts_and_names(run, ref, hint):
    result = run("metric", ref, "-c", "series")
    assert result.exit_code == 2
    assert f"hint: {hint}" in result.stderr


def test_case_text_is_shown_literally(tmp_path):
    text = (METRICS / "series.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Revenue\n", 'name: "[bold red]Revenue[/] \\e[31m"\n', 1)
    text = text.replace('note: "Doubled twice."', 'note: "[link=x]Doubled[/link] \\e[2J"')
    (tmp_path / "series.yaml").write_text(text, encoding="utf-8")
    env = {**ENV, "COLUMNS": "120"}
    for args in (["metrics"], ["metric", "revenue"]):
        result = CliRunner().invoke(app, ["--cases-dir", str(tmp_path), *args, "-c", "series"], env=env)
        assert result.exit_code == 0, result.stderr
        assert "[bold red]Revenue[/] ␛[31m" in result.stdout
        assert "\x1b" not in result.stdout
    assert "[link=x]Doubled[/link] ␛[2J" in result.stdout


# --- casekit segments --------------------------------------------------------


def test_segments_table_with_share_bars_and_a_note(run):
    result = run("segments", "-c", "segments_partial", columns=120)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    services = line_of(out, "Services     2023")
    assert "~$460M" in services and "~46%" in services and "█" in services and "100%+" in services
    assert "~10%*" in line_of(out, "Platform")
    assert "2023: the stated shares add up to ~64%; 1 segment states no share" in out
    assert "2022:" not in out  # 60% + 40% add up
    assert "* share implied by revenue" in out


def test_segments_formats_grep_and_limit(run):
    records = json.loads(run("segments", "-c", "segments_partial", "-f", "json").stdout)
    assert [r["id"] for r in records] == ["services", "hardware", "platform", "old_services", "old_hardware"]
    assert records[0]["share"] == {"text": "~46%", "low": 46.0, "high": 46.0, "qualifier": "about"}
    assert records[0]["period"] == "2023" and records[0]["start"] == "2023-01-01"
    limited = json.loads(run("segments", "-c", "segments_partial", "-f", "json", "--limit", "1").stdout)
    assert [r["id"] for r in limited] == ["services"]
    # Shares are added up over the whole period, not only the segments shown.
    grepped = run("segments", "-c", "segments_partial", "--grep", "platform").stdout
    assert "Services" not in grepped and "add up to ~64%" in grepped


def test_segments_of_a_case_without_any(run):
    result = run("segments", "-c", "series")
    assert result.exit_code == 0 and "series has no segments" in result.stderr


# --- which commands load pandas ----------------------------------------------


def loads_pandas(*argv: str) -> bool:
    code = (
        "import sys\n"
        f"sys.argv = ['casekit', '--cases-dir', {str(METRICS)!r}, *{list(argv)!r}]\n"
        "from casekit.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "sys.stderr.write('\\nPANDAS=%s' % ('pandas' in sys.modules))\n"
    )
    env = {**os.environ, **ENV}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stderr.rstrip().endswith("PANDAS=True")


@pytest.mark.parametrize(
    "argv",
    [
        ["timeline", "-c", "series"],
        ["principles", "-c", "series"],
        ["risks", "-c", "series"],
        ["metrics", "-c", "series", "-f", "json"],
        ["segments", "-c", "segments_partial"],
        # One case's series, changes and CAGR are plain Python, in every format.
        ["metrics", "-c", "series"],
        ["metric", "revenue", "-c", "series"],
        ["metric", "revenue", "-c", "series", "-f", "json"],
        ["metric", "revenue", "-c", "series", "-f", "csv"],
        ["metrics", "--all"],
    ],
)
def test_commands_that_need_no_pandas_do_not_load_it(argv):
    assert not loads_pandas(*argv)


def test_the_frame_api_loads_pandas():
    code = (
        "import sys, casekit\n"
        f"case = casekit.load_case({str(METRICS / 'series.yaml')!r})\n"
        "assert 'pandas' not in sys.modules\n"
        "frames = casekit.frames(case)\n"
        "sys.stdout.write(type(frames['metrics']).__module__.split('.')[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "pandas"


# --- share bars at every width -----------------------------------------------


def _bars(out: str) -> list[int]:
    """The length in cells of each bar drawn, in order."""
    return [len(bar) for bar in re.findall(r"[█▏▎▍▌▋▊▉]+[░▶◀]*", out)]


@pytest.mark.parametrize("columns", [40, 50, 60, 80, 100, 120, 200])
def test_every_share_gets_a_bar_at_every_width(run, columns):
    out = run("segments", "-c", "segments_partial", columns=columns).stdout
    assert all(len(line) <= columns for line in out.splitlines())
    bars = _bars(out)
    assert len(bars) == 5, out  # each segment states a share or has one implied
    # Room is given to the bars: at 80 columns and more, 46% takes 9 cells or more (a bar of 20 or more).
    if columns >= 80:
        assert bars[0] >= 9, out


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_long_segment_names_leave_the_bars_room(run, columns):
    out = run("segments", "-c", "long_segment_names", columns=columns).stdout
    assert all(len(line) <= columns for line in out.splitlines())
    bars = _bars(out)
    assert len(bars) == 2, out
    assert bars[0] >= 9, out  # 46% of a bar of 20 cells or more, beside the figures or under the name


# --- figures near the float maximum -------------------------------------------

EXTREME = """\
casekit: 1
id: extreme
company: Extreme Co
title: Figures near the float maximum
as_of: 2024
sources:
  - {id: s, title: Annual reports, kind: filing, date: 2024}
timeline:
  - {id: founded, date: 2018, title: Founded, sources: [s]}
metrics:
  - id: revenue
    name: Revenue
    unit: USD
    sources: [s]
    observations:
      - {date: 2018, value: "-1e308", sources: [s]}
      - {date: 2020, value: "1.7e308", sources: [s]}
      - {date: 2022, value: "1e-300", sources: [s]}
      - {date: 2024, value: "1.7e308", sources: [s]}
  - id: tiny
    name: Tiny
    unit: count
    sources: [s]
    observations:
      - {date: 2019, value: "1e-308", sources: [s]}
      - {date: 2023, value: "1.7e308", sources: [s]}
  - id: span
    name: Span
    unit: count
    sources: [s]
    observations:
      - {date: 2019, value: "1e308–1.7e308", sources: [s]}
      - {date: 2023, value: "-1.7e308", sources: [s]}
principles:
  - {id: p, n: 1, title: Measure, summary: Count., benefit: Clarity., tradeoff: Effort., evidence: [founded], sources: [s]}
risks:
  - {id: r, title: Miscount, severity: low, sources: [s]}
"""


@pytest.fixture
def extreme(tmp_path) -> str:
    path = tmp_path / "extreme.yaml"
    path.write_text(EXTREME)
    return str(path)


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "md", "yaml"])
@pytest.mark.parametrize("columns", [40, 80, 200])
def test_figures_near_the_float_maximum_never_crash_metric_or_metrics(run, extreme, fmt, columns):
    for args in (["metrics"], ["metric", "revenue"], ["metric", "tiny"], ["metric", "span"]):
        result = run(*args, "-c", extreme, "-f", fmt, columns=columns)
        assert result.exit_code == 0, (args, result.stderr)
        assert "internal error" not in result.stderr
        if fmt == "json":
            json.loads(result.stdout)


def test_growth_that_overflows_is_too_large_to_compute(run, extreme):
    table = run("metric", "revenue", "-c", extreme).stdout
    assert "$1.7e308" in table and "-$1e308" in table  # written short, not as 300 digits
    assert line_of(table, "2020").count("too large to compute") == 2  # -1e308 → 1.7e308 overflows
    assert "+$1.7e308" in line_of(table, "2024")
    record = json.loads(run("metric", "revenue", "-c", extreme, "-f", "json").stdout)
    overflowed = next(g for g in record["growth"] if g["date"] == "2020")
    assert overflowed["change"] is None and overflowed["text"] == "too large to compute"
    tiny = json.loads(run("metric", "tiny", "-c", extreme, "-f", "json").stdout)
    assert tiny["cagr"] is None  # 1e-308 → 1.7e308 in four years compounds past any float
    assert "CAGR —  too large to compute" in run("metric", "tiny", "-c", extreme).stdout
    summary = line_of(run("metrics", "-c", extreme).stdout, "Tiny")
    assert "too large to compute" in summary and "▁█" in summary


def test_diff_json_of_figures_near_the_float_maximum(run, extreme, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(EXTREME.replace('"1.7e308"', '"-1.7e308"'))
    result = run("diff", extreme, str(other), "-f", "json")
    assert result.exit_code == 1, result.stderr
    changes = json.loads(result.stdout)["changes"]
    assert {c["detail"] for c in changes if c["section"] == "metrics"} == {"too large to compute"}
    assert all(c["growth"]["change"] is None for c in changes if c["section"] == "metrics")
