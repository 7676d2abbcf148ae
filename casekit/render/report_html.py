"""The report's outline as one self-contained HTML page, from the Jinja2 templates in `casekit/templates`.

The page loads nothing: inline CSS (`page.css`), charts as inline SVG, no
scripts, fonts or images. Autoescaping is on, and every value a template
prints passes through one door (`_finalize`): control characters made visible
(`clean`), then escaped, quotes too. Only Markup built here or by a template
(a chart, a section) is printed as it is.

Templates other than `page.html.j2` are written across lines for reading; their
line breaks and the indentation after them are not part of the page (a space
that matters is written inside a line).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

import jinja2
import jinja2.ext
from markupsafe import Markup

from casekit.outline import Outline, dispute
from casekit.render.charts import CATEGORY_COLORS, metric_svg, timeline_svg
from casekit.render.markdown import one_line
from casekit.render.text import clean

__all__ = ["page"]


def page(o: Outline) -> str:
    """The whole page."""
    from casekit import __version__

    env = _environment()
    numbers = {s.id: i for i, s in enumerate(o.case.sources, start=1)}

    def numbered(ids) -> list[tuple[str, int]]:
        """The ids of known sources, each once, in the sources' order, with their numbers."""
        return [(i, numbers[i]) for i in sorted({i for i in ids if i in numbers}, key=numbers.__getitem__)]

    context = {"o": o, "numbered": numbered}
    sections = []
    if o.summary:
        sections.append(env.get_template("sections/summary.html.j2").render(context))
    for block in o.blocks:
        content = env.get_template(f"sections/{block.name}.html.j2").render(context, block=block)
        sections.append(f'<section id="{_esc(block.name)}"><h2>{_esc(block.title)}</h2>{content}</section>')
    return env.get_template("page.html.j2").render(
        context,
        case=o.case,
        today=o.today.isoformat(),
        version=Markup(html.escape(__version__)),
        css=Markup(_css()),
        sections=[Markup(s) for s in sections],
    )


def _esc(value: object) -> str:
    return html.escape(clean(value), quote=True)


def _finalize(value: Any) -> Any:
    """What every `{{ … }}` prints: Markup as it is; anything else shown safely."""
    if isinstance(value, Markup):
        return value
    return Markup(_esc("" if value is None else value))


class _OneLine(jinja2.ext.Extension):
    """Drop each line break and the indentation after it from templates other than the page's."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return source if name == "page.html.j2" else re.sub(r"\n[ \t]*", "", source)


def _web_address(url: str) -> str | None:
    url = clean(url).strip()
    return url if re.match(r"https?://[^\s<>]", url, re.I) else None


def _roles(person) -> str:
    return "; ".join(r.title + (f" ({r.period.text})" if r.period else "") for r in person.roles)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    from casekit.sections import speaker_name

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("casekit", "templates"),
        autoescape=True,
        finalize=_finalize,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.do", _OneLine],
    )
    env.filters["line"] = one_line
    env.globals.update(
        dispute=dispute,
        metric_svg=lambda m: Markup(metric_svg(m)),
        timeline_svg=lambda case, today: Markup(timeline_svg(case, today)),
        category_color=lambda c: CATEGORY_COLORS.get(c, CATEGORY_COLORS["other"]),
        web_address=_web_address,
        roles=_roles,
    )
    env.globals["speaker_name"] = speaker_name
    return env


@lru_cache(maxsize=1)
def _css() -> str:
    return _environment().loader.get_source(_environment(), "page.css")[0]  # type: ignore[union-attr]
