"""export: the Markdown report, JSON, the self-contained HTML page, and atomic writing."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from casekit.export import html_page, markdown_report, md
from casekit.loader import load_case
from casekit.records import case_record, records
from casekit.render.charts import metric_svg, timeline_svg

ACME = Path(__file__).parent / "fixtures" / "library" / "acme.yaml"
TODAY = date(2024, 7, 1)

# Markup and control characters in every kind of text the report and page show.
HOSTILE = {
    "title: From warehouse robots to a platform": 'title: "<script>alert(1)</script> *robots* [x](http://evil.example) $5 and $6"',
    "summary: Acme sold robots, then the software that runs them.": 'summary: "# not a heading <img src=http://evil.example/x.png> & \\e[31m"',
    "title: Seed round": 'title: "<b>Seed</b> round"',
    "title: Sell the software, not the box": "title: \"Sell <iframe src='http://evil.example'>\"",
    "- {id: press, title: Trade press coverage, kind: article, date: 2024}": '- {id: press, title: "Press <a href=x>", kind: article, date: 2024, url: "javascript:alert(1)"}',
}


@pytest.fixture(scope="module")
def acme():
    return load_case(ACME)


@pytest.fixture
def hostile(tmp_path):
    text = ACME.read_text()
    for old, new in HOSTILE.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "acme.yaml"
    path.write_text(text)
    return load_case(path)


# --- Markdown --------------------------------------------------------------------------


def test_report_has_every_section_in_order(acme):
    report = markdown_report(acme, TODAY)
    headings = [line for line in report.splitlines() if line.startswith("#")]
    assert headings == [
        "# From warehouse robots to a platform",
        "## Key metrics",
        "## Timeline",
        "## Principles",
        "### 1. Sell the software, not the box",
        "## Risks",
        "### Robots become commodities",
        "## People",
        "## Quotes",
        "## Moats",
        "## Flywheel",
        "## Segments",
        "## Competitors",
        "## Drivers",
        "## Lessons",
        "## Sources",
    ]


def test_report_header_metrics_timeline_and_tradeoffs(acme):
    report = markdown_report(acme, TODAY)
    assert "**Acme Robotics** · as of 2024-06 · `robotics` `platform`" in report
    assert "| Revenue[^report] | \\~\\$60M | 2023 | \\$25M (2021) | ≈+\\$35M (≈+140%) |" in report
    # Events in date order, each with its category and era and its sources.
    events = [line for line in report.splitlines() if line.startswith("- **") and " — " in line and "*(" in line]
    assert [e.split("**")[1] for e in events] == ["2015", "2016-03", "late 2018", "2020-Q2", "\\~2022"]
    assert "- **2016-03** — Seed round *(funding · Hardware years)*[^press]" in report
    assert "- **Benefit:** Recurring revenue." in report
    assert "- **Tradeoff:** Hardware customers feel squeezed." in report
    assert "- **Evidence:** 2020-Q2 AcmeOS launched" in report
    assert "severity **high** · likelihood **medium**[^press]" in report
    assert "robots → data → software → robots" in report


def test_every_footnote_reference_has_a_definition(acme):
    report = markdown_report(acme, TODAY)
    used = set(re.findall(r"\[\^([^\]]+)\](?!:)", report))
    defined = set(re.findall(r"^\[\^([^\]]+)\]:", report, re.M))
    assert used == {"report", "press"}
    assert defined == {s.id for s in acme.sources}
    assert "[^report]: *Acme annual report 2023*, filing, 2024-03." in report


def test_markdown_escapes_case_text(hostile):
    report = markdown_report(hostile, TODAY)
    assert not re.search(r"(?<!\\)<", report)  # every < is escaped: no HTML, no autolink
    assert "\\<script\\>alert(1)\\</script\\> \\*robots\\* \\[x\\](http://evil.example) \\$5 and \\$6" in report
    assert "\n\\# not a heading" in report
    assert "\x1b" not in report and "␛\\[31m" in report
    assert "Press \\<a href=x\\>*, article, 2024. javascript:alert(1)" in report


def test_a_source_no_fact_cites_is_listed_not_left_as_a_dangling_footnote(tmp_path):
    text = ACME.read_text().replace(
        "  - {id: press, title: Trade press coverage, kind: article, date: 2024}",
        "  - {id: press, title: Trade press coverage, kind: article, date: 2024}\n"
        "  - {id: spare, title: Background reading, kind: book, date: 2020, url: 'https://example.com/r?a=1&b=<2> c',"
        " file: notes.pdf}",
    )
    path = tmp_path / "acme.yaml"
    path.write_text(text)
    report = markdown_report(load_case(path), TODAY)
    used = set(re.findall(r"\[\^([^\]]+)\](?!:)", report))
    defined = set(re.findall(r"^\[\^([^\]]+)\]:", report, re.M))
    assert used == defined == {"report", "press"}
    entry = next(line for line in report.splitlines() if "Background reading" in line)
    assert entry.startswith("- *Background reading*, book, 2020.")
    # A web address is an autolink: only what would break it is percent-encoded; the file is kept too.
    assert "<https://example.com/r?a=1&b=%3C2%3E%20c>" in entry and "File: `notes.pdf`." in entry
    assert "Not cited above:" in report


def test_md_leaves_plain_words_alone():
    assert md("scale_ai grew 10x in 2019-2021") == "scale_ai grew 10x in 2019-2021"
    assert md("_private_ snake_case") == "\\_private\\_ snake_case"
    assert md("R&D &amp; more") == "R&D \\&amp; more"


# --- JSON ------------------------------------------------------------------------------


def test_json_is_the_whole_normalised_case(run):
    result = run("export", "-c", str(ACME), "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == json.loads(json.dumps(case_record(load_case(ACME))))
    assert data["metrics"][0]["observations"][2]["value"] == {
        "text": "~$60M",
        "low": 6e7,
        "high": 6e7,
        "qualifier": "about",
    }
    assert (data["as_of"], data["as_of_start"], data["as_of_end"]) == ("2024-06", "2024-06-01", "2024-06-30")


def _dates(node, where=""):
    """(where, record) for every record in `node` holding a date or a period."""
    if isinstance(node, dict):
        if "date" in node or "period" in node:
            yield where, node
        for key, value in node.items():
            yield from _dates(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _dates(value, f"{where}[{i}]")


def test_json_dates_have_start_and_end_everywhere_and_sections_the_listing_shapes(run):
    data = json.loads(run("export", "-c", str(ACME), "-f", "json").stdout)
    found = list(_dates(data))
    assert {where.split("[")[0] for where, _ in found} >= {
        ".sources",
        ".people",
        ".eras",
        ".timeline",
        ".metrics",
        ".quotes",
        ".segments",
    }
    for where, record in found:
        assert "start" in record and "end" in record, where
    # Each section is its listing's record (SPEC §7 keys, in order) with every other field after them.
    case = load_case(ACME)
    for section in ("timeline", "principles", "risks", "metrics", "people", "segments"):
        keys = list(records(section, getattr(case, section)[:1])[0])
        assert list(data[section][0])[: len(keys)] == keys, section
    assert data["timeline"][0]["people"] == ["jane"]  # not in the listing's record, not lost here
    assert data["metrics"][0]["observations"][0]["confidence"] is None
    assert data["people"][0]["roles"][0] == {
        "title": "CEO",
        "period": "2015/..",
        "start": "2015-01-01",
        "end": None,
        "edtf": "2015/..",
    }


def test_json_round_trips_every_field_of_the_case_file(run):
    # Everything the YAML says is in the JSON, as written (values' and dates' text).
    import yaml

    written = yaml.safe_load(ACME.read_text())
    data = json.loads(run("export", "-c", str(ACME), "-f", "json").stdout)

    def same(yaml_node, json_node, where):
        if isinstance(yaml_node, dict):
            for key, value in yaml_node.items():
                assert key in json_node, f"{where}.{key} lost"
                same(value, json_node[key], f"{where}.{key}")
        elif isinstance(yaml_node, list):
            assert len(yaml_node) == len(json_node), where
            for i, (a, b) in enumerate(zip(yaml_node, json_node)):
                same(a, b, f"{where}[{i}]")
        elif isinstance(json_node, dict):  # a value: {text, low, high, qualifier}
            assert json_node["text"] == str(yaml_node), where
        else:
            assert str(json_node) == str(yaml_node), where

    same(written, data, "")


def test_export_to_dash_writes_stdout(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("export", "-c", str(ACME), "-f", "md", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# From warehouse robots to a platform")
    assert list(tmp_path.iterdir()) == []


# --- HTML ------------------------------------------------------------------------------

VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
SVG_EMPTY = {"line", "rect", "circle", "path"}


class _Page(HTMLParser):
    """Collects tags and attributes and checks that elements nest properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "style":
            self._in_style = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def test_page_is_well_formed_and_self_contained(acme):
    page = html_page(acme, TODAY)
    parsed = parse(page)
    assert parsed.errors == [] and parsed.stack == []
    names = [t for t, _ in parsed.tags]
    assert "script" not in names and "link" not in names and "img" not in names and "iframe" not in names
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, tag
        href = attrs.get("href")
        assert href is None or href.startswith("#"), (tag, href)
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
    assert "@import" not in parsed.style and "url(" not in parsed.style
    assert not re.search(r"\b(?:src|href)\s*=\s*[\"']?https?:", page)


def test_page_reads_on_a_phone(acme):
    page = html_page(acme, TODAY)
    parsed = parse(page)
    viewport = [a for t, a in parsed.tags if t == "meta" and a.get("name") == "viewport"]
    assert viewport and "width=device-width" in viewport[0]["content"]
    assert "@media (max-width:" in parsed.style
    assert page.startswith("<!doctype html>") and '<meta charset="utf-8">' in page


def test_page_holds_every_section_and_the_charts(acme):
    parsed = parse(html_page(acme, TODAY))
    sections = [a["id"] for t, a in parsed.tags if t == "section"]
    assert sections == [
        "summary",
        "metrics",
        "timeline",
        "principles",
        "risks",
        "people",
        "quotes",
        "moats",
        "flywheel",
        "segments",
        "competitors",
        "drivers",
        "lessons",
        "sources",
    ]
    svgs = [a for t, a in parsed.tags if t == "svg"]
    assert [s["class"].split()[1] for s in svgs] == ["metric-chart", "timeline-chart"]
    text = " ".join(parsed.text)
    assert "Hardware customers feel squeezed." in text  # the tradeoff
    # Citations link to the numbered source list.
    assert ("a", {"href": "#src-report", "title": "source report"}) in parsed.tags
    assert any(t == "li" and a.get("id") == "src-press" for t, a in parsed.tags)


def test_page_escapes_all_case_text(hostile):
    page = html_page(hostile, TODAY)
    parsed = parse(page)
    assert parsed.errors == []
    names = {t for t, _ in parsed.tags}
    assert not names & {"script", "img", "iframe", "b"}
    assert not any(t == "a" and a.get("href") in ("x", "javascript:alert(1)") for t, a in parsed.tags)
    text = " ".join(parsed.text)
    assert "<script>alert(1)</script> *robots*" in text  # shown as written
    assert "<b>Seed</b> round" in text
    assert "javascript:alert(1)" in text  # a URL is shown, never linked
    assert "\x1b" not in page and "␛[31m" in text


def test_long_words_wrap_instead_of_widening_the_page(acme):
    style = parse(html_page(acme, TODAY)).style
    body = re.search(r"(?m)^body\{[^}]*\}", style).group()
    assert "overflow-wrap:anywhere" in body  # cards, titles and table cells inherit it


LONG_LABELS = Path(__file__).parent / "fixtures" / "export" / "long_labels.yaml"


def _era_labels(svg: str) -> list[tuple[str, float, float, str, float, str]]:
    """(title, bar x, bar width, label, label x, anchor) for each era bar."""
    out = []
    for group in re.findall(r"<g><title>(.*?)</g>", svg):
        bar = re.search(r'<rect x="([\d.]+)" y="(\d+)" width="([\d.]+)"', group)
        label = re.search(r'<text x="([\d.]+)" y="\d+"( text-anchor="end")? class="era-label"[^>]*>(.*?)</text>', group)
        if bar and label:
            out.append(
                (
                    group.split(" (")[0],
                    float(bar.group(1)),
                    float(bar.group(3)),
                    label.group(3),
                    float(label.group(1)),
                    "end" if label.group(2) else "start",
                    bar.group(2),
                )
            )
    return out


def test_era_titles_are_shown_whole_inside_after_or_before_their_bars():
    from casekit.render.charts import text_width as _text_width

    svg = timeline_svg(load_case(LONG_LABELS), TODAY)
    labels = _era_labels(svg)
    assert [label for _, _, _, label, *_ in labels] == [
        "Founder-led",
        "Autonomous vehicles",
        "E-commerce catalogue",
        "Interim CEO after the Meta deal",
    ]
    spans: dict[str, list[tuple[float, float]]] = {}
    for title, x, w, label, lx, anchor, lane in labels:
        width = _text_width(label)
        start, end = (lx - width, lx) if anchor == "end" else (lx, lx + width)
        inside = x <= start and end <= x + w
        assert inside or end <= x or start >= x + w, title  # in its bar, or clear of it
        assert start >= 0 and end <= 960, title
        spans.setdefault(lane, []).append((min(x, start), max(x + w, end)))
    for lane, taken in spans.items():  # no label runs over another bar or label of its lane
        taken.sort()
        assert all(a[1] <= b[0] for a, b in zip(taken, taken[1:])), lane


def test_chart_dates_too_wide_for_their_bar_go_on_two_lines_inside_the_chart():
    from casekit.render.charts import text_width as _text_width

    case = load_case(LONG_LABELS)
    svg = metric_svg(case.metrics[0])
    labels = re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle" class="axis">(.*?)</text>', svg)
    shown = [re.sub(r"<[^>]+>", " ", body).split() for _, body in labels]
    assert [" ".join(words) for words in shown] == [o.date.text for o in case.metrics[0].observations]
    assert any("<tspan" in body for _, body in labels) and "…" not in svg
    width = float(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
    for x, body in labels:
        for line in re.findall(r">([^<>]+)<", f">{body}<") or [body]:
            assert (
                float(x) - _text_width(line, 11, False) / 2 >= 0
                and float(x) + _text_width(line, 11, False) / 2 <= width
            )


def test_timeline_chart_marks_each_event_and_era(acme):
    svg = timeline_svg(acme, TODAY)
    assert svg.count("<circle") == len(acme.timeline)
    assert svg.count("<rect") == len(acme.eras)
    assert ">Hardware years<" in svg and ">2015<" in svg and ">2024<" in svg
    assert "<title>late 2018: Series A</title>" in svg


def test_metric_chart_draws_a_bar_per_observation(acme):
    svg = metric_svg(acme.metrics[0])
    assert svg.count("<rect") == 3
    assert ">~$60M<" in svg and ">2019<" in svg
    single = acme.metrics[0].__class__(id="x", name="x", unit="USD", observations=acme.metrics[0].observations[:1])
    assert metric_svg(single) == ""


# --- writing ---------------------------------------------------------------------------


def test_cli_export_to_a_file_and_never_over_one(run, tmp_path):
    out = tmp_path / "acme.html"
    result = run("export", "-c", str(ACME), "-f", "html", "-o", str(out), "--today", "2024-07-01")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr
    first = out.read_text()
    assert first.startswith("<!doctype html>")

    result = run("export", "-c", str(ACME), "-f", "md", "-o", str(out))
    assert result.exit_code == 2
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert out.read_text() == first

    result = run("export", "-c", str(ACME), "-f", "md", "-o", str(out), "--force")
    assert result.exit_code == 0
    assert out.read_text().startswith("# From warehouse robots to a platform")


def test_cli_export_markdown_to_stdout_by_default(run):
    result = run("export", "-c", str(ACME))
    assert result.exit_code == 0
    assert result.stdout.startswith("# From warehouse robots to a platform\n")


def test_cli_export_as_of_drops_later_facts(run):
    result = run("export", "-c", str(ACME), "--as-of", "2019")
    assert "Series B" not in result.stdout and "Series A" in result.stdout


# --- one outline, valid HTML, provenance ------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"
BUNDLED = Path(__file__).parent.parent / "cases" / "scale_ai.yaml"


def _valid_cases() -> list[Path]:
    from casekit.errors import CasekitError

    found = []
    for path in [BUNDLED, *sorted(FIXTURES.rglob("*.yaml"))]:
        try:
            load_case(path)
        except CasekitError:
            continue
        found.append(path)
    return found


@pytest.mark.parametrize("path", _valid_cases(), ids=lambda p: p.stem)
def test_every_page_passes_the_strict_html5_parser(path):
    import html5lib

    parser = html5lib.HTMLParser(strict=True)
    parser.parse(html_page(load_case(path), TODAY))  # raises on the first parse error
    assert parser.errors == []


def test_the_hostile_page_passes_the_strict_html5_parser(hostile):
    import html5lib

    parser = html5lib.HTMLParser(strict=True)
    parser.parse(html_page(hostile, TODAY))
    assert parser.errors == []


@pytest.mark.parametrize("path", [BUNDLED, ACME, FIXTURES / "overview" / "every_field.yaml"], ids=lambda p: p.stem)
def test_report_and_page_have_the_same_sections_in_the_same_order(path):
    case = load_case(path)
    headings = [line[3:] for line in markdown_report(case, TODAY).splitlines() if line.startswith("## ")]
    nav = re.search(r'<nav class="toc"[^>]*>(.*?)</nav>', html_page(case, TODAY)).group(1)
    assert re.findall(r">([^<]+)</a>", nav) == headings


DISPUTED = {
    "tags: [round, growth], sources: [press], confidence: reported}": (
        "tags: [round, growth], sources: [press], confidence: disputed,"
        ' note: "The *press* says 2022, the <b>filing</b> 2021"}'
    ),
    "    evidence: [os-launch]\n": "    evidence: [os-launch]\n    confidence: disputed\n    note: Margins differ by source.\n",
    "      - {date: 2023, value: ~$60M}": "      - {date: 2023, value: ~$60M, confidence: disputed, note: Estimates vary.}",
    "kind: article, date: 2024}": "kind: article, date: 2024, url: 'https://example.com/a?b=1&c=2'}",
    "kind: filing, date: 2024-03}": "kind: filing, date: 2024-03, url: 'javascript:alert(1)'}",
}


@pytest.fixture
def disputed(tmp_path):
    text = ACME.read_text()
    for old, new in DISPUTED.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "acme.yaml"
    path.write_text(text)
    return load_case(path)


def test_report_marks_a_disputed_fact_and_gives_its_note(disputed, acme):
    report = markdown_report(disputed, TODAY)
    lines = report.splitlines()
    event = next(i for i, line in enumerate(lines) if "Series B" in line and line.startswith("- **\\~2022**"))
    assert lines[event].startswith("- **\\~2022** ‡ — Series B")
    assert lines[event + 1] == "  - ‡ *Sources disagree*: The \\*press\\* says 2022, the \\<b\\>filing\\</b\\> 2021"
    assert "### 1. Sell the software, not the box ‡" in lines
    assert "‡ *Sources disagree*: Margins differ by source." in lines
    assert "| Revenue ‡[^report] |" in report
    assert "- ‡ **Revenue**: Estimates vary." in lines
    assert "‡" not in markdown_report(acme, TODAY)  # nothing disputed, nothing marked


def test_page_shows_the_note_of_a_disputed_fact_not_only_a_chip(disputed):
    page = html_page(disputed, TODAY)
    event = re.search(r'<li id="event-series-b">(.*?)</li>', page).group(1)
    assert '<span class="chip" title="sources disagree">disputed</span>' in event
    assert (
        '<p class="note"><span class="mark" title="sources disagree">‡</span> <strong>Sources disagree:</strong>'
        " The *press* says 2022, the &lt;b&gt;filing&lt;/b&gt; 2021</p>"
    ) in event
    principle = re.search(r'<article class="card principle".*?</article>', page).group()
    assert "Margins differ by source.</p>" in principle
    assert "Estimates vary.</p>" in page


def test_page_links_sources_with_a_web_address_and_no_other(disputed):
    page = html_page(disputed, TODAY)
    press = re.search(r'<li id="src-press">(.*?)</li>', page).group(1)
    assert (
        '<a class="url" href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer">'
        "https://example.com/a?b=1&amp;c=2</a>"
    ) in press
    report = re.search(r'<li id="src-report">(.*?)</li>', page).group(1)
    assert '<span class="url">javascript:alert(1)</span>' in report and "href" not in report


@pytest.mark.parametrize(("fmt", "jinja"), [("md", False), ("json", False), ("html", True)])
def test_only_the_page_imports_jinja2(fmt, jinja):
    import subprocess
    import sys

    code = (
        "import sys\nfrom casekit.cli import main\n"
        f"sys.argv = ['casekit', 'export', '-c', {str(ACME)!r}, '-f', {fmt!r}, '-o', '/dev/null']\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "sys.stderr.write('JINJA' if 'jinja2' in sys.modules else 'LIGHT')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stderr.endswith("JINJA" if jinja else "LIGHT"), done.stderr


def test_the_templates_ship_in_the_package():
    from importlib.resources import files

    templates = files("casekit") / "templates"
    names = {p.name for p in templates.iterdir()} | {p.name for p in (templates / "sections").iterdir()}
    assert {"page.html.j2", "page.css", "macros.html.j2", "header.html.j2", "timeline.html.j2"} <= names
