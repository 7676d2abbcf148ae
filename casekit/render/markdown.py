"""Case text made inert in Markdown: the one escaping every Markdown writer uses.

Case files are data. In Markdown, `<script>`, `*emphasis*`, `[links](…)`,
`$math$`, `&entities;` and a `|` in a table cell would all be read as
markup; each is backslash-escaped (CommonMark: any ASCII punctuation may
be), so GitHub shows the text as written. Control characters are made
visible first (`clean`).
"""

from __future__ import annotations

import re

from casekit.render.text import clean

__all__ = ["autolink", "block", "cell", "inline"]

_SPECIAL = re.compile(r"([\\`*\[\]<>~$|])")
# `_` is emphasis only at a word's edge: `scale_ai` stays as written.
_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
# `&` is markup only where it starts an entity (`&amp;`, `&#60;`): `R&D` stays.
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# What makes a line a heading, a list item or a rule when it starts one.
_LEADING = re.compile(r"^(#{1,6}(?=\s|$)|[-+=](?=\s|$)|\d+(?=[.)](?:\s|$)))")


def one_line(text: object) -> str:
    """`text` made safe, its whitespace (newlines too) collapsed to single spaces."""
    return " ".join(clean(text).split())


def inline(text: object) -> str:
    """Case text as inline Markdown that renders as written: no emphasis, links, math, HTML or cell breaks."""
    t = _SPECIAL.sub(r"\\\1", one_line(text))
    t = _UNDERSCORE.sub(r"\\_", t)
    return _ENTITY.sub(r"\\&", t)


def block(text: object) -> str:
    """Like `inline`, for text that starts a line: a leading `#`, `-`, `+` or `1.` stays text."""
    t = inline(text)
    m = _LEADING.match(t)
    if m:
        lead = m.group()
        t = (lead + "\\" + t[len(lead) :]) if lead[0].isdigit() else "\\" + t
    return t


def cell(value: object) -> str:
    """A value as one table cell: escaped like `inline`, its lines kept apart by `<br>`."""
    if value is None:
        return ""
    lines = clean(value).replace("\r\n", "\n").split("\n")
    return "<br>".join(inline(line) for line in lines)


def autolink(url: str) -> str | None:
    """`<https://…>`, a link Markdown shows and follows, for a web address; None for anything else.

    Inside an autolink nothing is escaped, so the characters that would end or
    break it (`<`, `>`, spaces) are percent-encoded instead.
    """
    url = clean(url).strip()
    if not re.match(r"https?://[^\s<>]", url, re.I):
        return None
    return "<" + re.sub(r"[<>\s]", lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), url) + ">"
