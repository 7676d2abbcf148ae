"""The one door case text passes through on its way to a terminal.

Case files are data. Rich markup in them (`[bold]`) must print literally,
and control characters (an ESC starting a terminal sequence, a bidi
override) must be shown, not obeyed.
"""

from __future__ import annotations

import functools
import re

from rich.text import Text

# C0 controls but tab and newline, DEL, C1 controls, the line and paragraph
# separators (zero cells to Rich, a break to some terminals); every bidi
# control (the Arabic letter mark, the marks, embeddings, overrides and
# isolates) and the invisible format characters that can make a line read
# differently from what it holds (zero-width space, word joiner, invisible
# operators, the byte-order mark, interlinear annotation); and lone
# surrogates, which stand for the bytes of a path that are not UTF-8.
# Zero-width (non-)joiners stay: scripts and emoji need them.
#
# Every one of them is a character `str.isprintable` refuses (a control, a format character, a
# separator, a surrogate), so printable text, which is nearly all text, is passed on as it is
# and the patterns are compiled (about a millisecond) only when some text needs them.
_INVISIBLE = "\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
_PATTERNS = {
    "control": (f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{_INVISIBLE}\ud800-\udfff]",),
    # The same, and line breaks and tabs too: for text that must stay on its line (a file name).
    "control_inline": (f"[\x00-\x1f\x7f-\x9f\u2028\u2029\u0085{_INVISIBLE}\ud800-\udfff]",),
    # A URL a terminal may be asked to open: a web, mail or file address of printable ASCII only,
    # so that nothing in it can end the hyperlink's escape sequence early.
    "linkable": (r"(?:https?://|mailto:|file://)[\x21-\x7e]+", re.IGNORECASE),
}


@functools.cache
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(*_PATTERNS[name])


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␛ for ESC
    if code == 0x7F:
        return "\u2421"  # ␡
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # a byte of a path that is not UTF-8, as Python escapes it
    return f"\\u{code:04x}"


def clean(value: object) -> str:
    """`value` as a string with every control character made visible."""
    text = "" if value is None else str(value)
    if text.isprintable() or text.replace("\n", "").replace("\t", "").isprintable():
        return text
    return _pattern("control").sub(_visible, text)


def clean_inline(value: object) -> str:
    """`value` made visible as `clean` does, and kept on one line: for a file name or a
    location, where a newline in the name would forge a line of output."""
    text = "" if value is None else str(value)
    if text.isprintable():
        return text
    return _pattern("control_inline").sub(_visible, text)


def safe(value: object, style: str = "") -> Text:
    """Case text as a Rich `Text`: never parsed as markup, never a control sequence."""
    return Text(clean(value), style=style)


def link_style(url: str | None, style: str = ""):
    """`style` with a terminal hyperlink (OSC 8) to `url` added when `url` is safe to link; Rich
    sends the link only to a terminal that takes colour, never into a pipe."""
    if not url or not _pattern("linkable").fullmatch(url):
        return style
    from rich.style import Style

    return Style.parse(style) + Style(link=url) if style else Style(link=url)
