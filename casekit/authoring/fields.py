"""`key=value` arguments (httpie style) read into an item: `title="Opens a plant"`,
`sources=memo,press` or `sources=memo sources=press`, `roles:='[{"title": "CEO"}]'` for JSON."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any

import msgspec

from casekit.authoring.facts import Field, fields
from casekit.errors import UsageError
from casekit.problems import did_you_mean


def parse_fields(tp: type[msgspec.Struct], args: Sequence[str], noun: str) -> dict[str, Any]:
    """The item `args` describe, its keys in canonical order; a `UsageError` for an unknown key,
    a malformed argument or an empty value."""
    known = fields(tp)
    item: dict[str, Any] = {}
    for arg in args:
        raw_json = ":=" in arg and (arg.find(":=") < arg.find("=") or "=" not in arg.replace(":=", "", 1))
        key, sep, text = arg.partition(":=" if raw_json else "=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"`{arg}` is not KEY=VALUE", hint='write fields as key=value, as in title="Opens a plant"')
        if key not in known:
            raise UsageError(
                f"unknown key `{key}` for {noun}",
                hint=did_you_mean(key, list(known)) or "keys: " + ", ".join(known),
            )
        field = known[key]
        value = _json(arg, text) if raw_json else _typed(field, text, arg)
        if field.is_list and key in item:
            item[key] = list(item[key]) + (value if isinstance(value, list) else [value])
        else:
            item[key] = value
    return ordered(tp, item)


def ordered(tp: type[msgspec.Struct], item: dict[str, Any]) -> dict[str, Any]:
    """`item` with its keys in the type's canonical order (unknown keys last, as given)."""
    order = list(fields(tp))
    return dict(sorted(item.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))


def _json(arg: str, text: str) -> Any:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"`{arg}`: the value is not JSON ({exc})") from None
    except RecursionError:
        raise UsageError(f"`{arg}`: the JSON is nested too deeply") from None
    _case_json(arg, value)
    return value


def _case_json(arg: str, value: Any) -> None:
    """A `UsageError` for JSON a case cannot hold: null, a number that is not whole, a list in a list,
    text with control characters (as KEY=VALUE refuses them)."""
    stack = [(value, False)]
    while stack:
        item, in_list = stack.pop()
        if item is None:
            raise UsageError(f"`{arg}`: a case holds no null", hint="--unset KEY removes a key")
        if isinstance(item, float):
            raise UsageError(f"`{arg}`: a case holds no number that is not whole ({item})", hint="give it as text")
        if isinstance(item, str) and any(unicodedata.category(c) == "Cc" for c in item.replace("\n", "")):
            raise UsageError(f"`{arg}`: a text holds control characters")
        if isinstance(item, list) and in_list:
            raise UsageError(f"`{arg}`: a case holds no list inside a list")
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, isinstance(item, list)) for child in children)


def _typed(field: Field, text: str, arg: str) -> Any:
    if any(unicodedata.category(c) == "Cc" for c in text.replace("\n", "")):
        raise UsageError(f"`{field.name}` holds control characters")
    if not text.strip():
        raise UsageError(f"`{field.name}` is empty", hint=f"leave {field.name} out, or give it a value")
    if field.kind == "int":
        try:
            return int(text.strip())
        except ValueError:
            raise UsageError(f"`{field.name}` must be a whole number, not `{text}`") from None
    if field.kind == "ids":
        return [part.strip() for part in text.split(",") if part.strip()]
    if field.kind == "texts":
        return [text]
    if field.kind == "entries":
        raise UsageError(
            f"`{field.name}` holds entries; give it as JSON ({field.name}:='[{{…}}]')",
            hint="or add them one by one: casekit add SECTION/ID key=value …",
        )
    return text


def check_reading(field: Field, text: str) -> None:
    """A `UsageError` with the message `validate` gives for a date or value `text` that cannot be read
    (import names the row with it, rather than a line of the case not yet written)."""
    from casekit.dates import DateError, PartialDate
    from casekit.values import Value, ValueParseError

    try:
        PartialDate.parse(text.strip()) if field.kind == "date" else Value.parse(text.strip())
    except (DateError, ValueParseError) as exc:
        raise UsageError(f"`{field.name}`: {exc}") from None
