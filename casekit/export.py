"""A whole case as a Markdown report or a self-contained HTML page.

The report and the page hold the same things in the same order, both rendered
from one outline of the case (`casekit.outline`): header and summary, key
metrics, timeline (eras, then events), principles with their tradeoffs, risks,
then every other section, and the sources every fact cites (Markdown footnotes
`[^source_id]`; numbered links on the page). A fact its sources disagree on is
marked ‡ with the note saying how.

The page (`casekit.render.report_html`, Jinja2 templates in
`casekit/templates`) loads nothing: inline CSS, charts drawn as inline SVG
(`casekit.render.charts`), no scripts, fonts or images. Every piece of case text
is made safe first (control characters made visible) and then escaped for the
format.
"""

from __future__ import annotations

from datetime import date

from casekit.model import Case
from casekit.outline import SECTION_TITLES
from casekit.render import markdown

__all__ = ["SECTION_TITLES", "html_page", "markdown_report", "md"]

# One escaping for every Markdown casekit writes (listings, diff, this report).
md = markdown.inline


def markdown_report(case: Case, today: date) -> str:
    """The case as a Markdown report with reference-style footnotes for its sources."""
    from casekit.outline import outline
    from casekit.render.report_md import report

    return report(outline(case, today))


def html_page(case: Case, today: date) -> str:
    """The case as one self-contained, responsive HTML page (inline CSS and SVG, no scripts)."""
    from casekit.outline import outline
    from casekit.render.report_html import page

    return page(outline(case, today))
