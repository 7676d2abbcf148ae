"""New YAML text for what casekit writes: scalars, lists and items, in the bundled case's style.

A scalar is plain when the loader (PyYAML, YAML 1.1) reads it back as the
same text, else double-quoted; long one-line prose is folded (`>-`). Lists
of short words are written in flow style (`[a, b]`), items as block
mappings, and a metric observation or a role as a flow mapping when it fits
on its line.
"""

from __future__ import annotations

import io
import re
from typing import Any

from casekit.loader import plain_is_text
from casekit.pyyaml import yaml

WIDTH = 120  # the longest line casekit writes when it chooses a layout
FOLD_AT = 76  # where folded prose wraps
_STR = "tag:yaml.org,2002:str"
_resolver = yaml.resolver.Resolver()
_emitter = yaml.emitter.Emitter(io.StringIO())
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}
_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]')


def plain_ok(text: str, flow: bool = False) -> bool:
    """True when `text` may be written unquoted and reads back as the same text."""
    if not text or text != text.strip() or "\n" in text:
        return False
    if _resolver.resolve(yaml.ScalarNode, text, (True, False)) != _STR:
        return False
    if not plain_is_text(text):  # casekit reads `08` and `1e3` as numbers where YAML 1.1 reads text
        return False
    analysis = _emitter.analyze_scalar(text)
    if analysis.multiline:
        return False
    return analysis.allow_flow_plain if flow else analysis.allow_block_plain


def quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar."""

    def escape(match: re.Match) -> str:
        ch = match.group()
        if ch in _ESCAPES:
            return _ESCAPES[ch]
        code = ord(ch)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    return '"' + _NEEDS_ESCAPE.sub(escape, text) + '"'


# Dates and figures are quoted whatever they hold, as the bundled case writes them: `"2016"`, `"~$1.4B"`.
QUOTED_KEYS = frozenset({"date", "period", "as_of", "value", "revenue", "share", "growth", "margin", "scale"})


def scalar(value: Any, flow: bool = False, key: str | None = None) -> str:
    """A value of a case (text, a whole number) as YAML; under a date or figure `key`, quoted."""
    if key in QUOTED_KEYS and isinstance(value, str):
        return quoted(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return text if plain_ok(text, flow) else quoted(text)


def _foldable(text: str) -> bool:
    return (
        text == text.strip()
        and "  " not in text
        and not _NEEDS_ESCAPE.search(text.replace('"', "").replace("\\", ""))
        and "\n" not in text
    )


def _folded(text: str, indent: int) -> list[str]:
    """`text` wrapped into the lines of a folded scalar, each indented by `indent`."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and indent + len(line) + 1 + len(word) > FOLD_AT:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return [" " * indent + line for line in lines]


def flow_list(values: list) -> str:
    """`[a, b]`, each element quoted where it must be."""
    parts = [scalar(v, flow=True) for v in values]
    return "[" + ", ".join(parts) + "]"


def flow_mapping(mapping: dict[str, Any]) -> str:
    """`{key: value, …}` for a mapping of scalars and lists of scalars."""
    parts = []
    for key, value in mapping.items():
        shown = flow_list(value) if isinstance(value, list) else scalar(value, flow=True, key=key)
        parts.append(f"{key}: {shown}")
    return "{" + ", ".join(parts) + "}"


def _flat(value: Any) -> bool:
    return not isinstance(value, (dict, list)) or (
        isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value)
    )


def mapping_lines(mapping: dict[str, Any], indent: int, first: str = "") -> list[str]:
    """A block mapping as lines, keys at `indent`; `first` replaces the first line's indentation
    (`"  - "` makes it a sequence item)."""
    lines: list[str] = []
    for key, value in mapping.items():
        pad = first if not lines and first else " " * indent
        lines.extend(_entry_lines(key, value, indent, pad))
    return lines


def _entry_lines(key: str, value: Any, indent: int, pad: str) -> list[str]:
    head = f"{pad}{key}:"
    if isinstance(value, list):
        if not value:
            return [f"{head} []"]
        if all(not isinstance(v, (dict, list)) for v in value):
            flow = flow_list(value)
            if len(head) + 1 + len(flow) <= WIDTH:
                return [f"{head} {flow}"]
            return [head] + [f"{' ' * (indent + 2)}- {scalar(v)}" for v in value]
        return [head] + [line for v in value for line in item_lines(v, indent + 2)]
    if isinstance(value, dict):
        if not value:  # `key:` alone would be null, which a list field reads as empty
            return [f"{head} {{}}"]
        return [head] + mapping_lines(value, indent + 2)
    shown = scalar(value, key=key)
    if isinstance(value, str) and len(head) + 1 + len(shown) > WIDTH and _foldable(value) and key not in QUOTED_KEYS:
        return [f"{head} >-"] + _folded(value, indent + 2)
    return [f"{head} {shown}"]


def item_lines(item: dict[str, Any], dash: int) -> list[str]:
    """One item of a list section (or an entry of a nested list), its `-` at column `dash`.

    An entry whose values are all scalars or short lists is one flow mapping when it fits.
    """
    if all(_flat(v) for v in item.values()) and not any(isinstance(v, list) and not v for v in item.values()):
        flow = f"{' ' * dash}- {flow_mapping(item)}"
        if len(flow) <= WIDTH and _nested_entry(item):
            return [flow]
    return mapping_lines(item, dash + 2, first=f"{' ' * dash}- ")


def _nested_entry(item: dict[str, Any]) -> bool:
    # Items with an id are a section's own: always block mappings; observations and roles may be flow.
    return "id" not in item


def text_of(lines: list[str]) -> str:
    """Lines joined, each ending with a line break."""
    return "".join(line + "\n" for line in lines)
