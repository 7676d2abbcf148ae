"""The one door case text passes through on its way to a terminal.

Case files are data. Rich markup in them (`[bold]`) must print literally,
and control characters (an ESC starting a terminal sequence, a bidi
override) must be shown, not obeyed.
"""

from __future__ import annotations

import re

from rich.text import Text

# C0 controls but tab and newline, DEL, C1 controls, the line and paragraph
# separators (zero cells to Rich, a break to some terminals), and the bidi
# controls that can make a line read differently from what it holds.
# Lone surrogates (a file name's undecodable bytes, as Python carries them) cannot be written
# to any stream, so they are shown too: the byte as \xNN.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␛ for ESC
    if code == 0x7F:
        return "\u2421"  # ␡
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # a byte that was not UTF-8
    return f"\\u{code:04x}"


def clean(value: object) -> str:
    """`value` as a string with every control character made visible."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(_visible, text)


def safe(value: object, style: str = "") -> Text:
    """Case text as a Rich `Text`: never parsed as markup, never a control sequence."""
    return Text(clean(value), style=style)


# A URL a terminal may be asked to open: a web, mail or file address of printable ASCII only, so
# that nothing in it can end the hyperlink's escape sequence early.
_LINKABLE = re.compile(r"(?:https?://|mailto:|file://)[\x21-\x7e]+", re.IGNORECASE)


def link_style(url: str | None, style: str = ""):
    """`style` with a terminal hyperlink (OSC 8) to `url` added when `url` is safe to link; Rich
    sends the link only to a terminal that takes colour, never into a pipe."""
    if not url or not _LINKABLE.fullmatch(url):
        return style
    from rich.style import Style

    return Style.parse(style) + Style(link=url) if style else Style(link=url)
