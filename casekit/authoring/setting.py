"""Changing, adding and removing fields of an existing item (or of the case itself) in a file's text.

Only the value of a changed key is rewritten: a one-line scalar or flow list
is replaced by its span, so the key's spelling and a comment beside it stay,
and a scalar keeps its quoting where it may (rename's rule). A value that
changes shape (a block list, folded prose) is rewritten as `casekit add`
writes it, and any comment inside the old value is kept below the new one. A
new key goes where `casekit fmt` puts it, after the key before it in
canonical order; a removed key takes the comments directly above it along.
Setting a key and then setting it back to what it was gives back the bytes
it started from whenever the old value was written as casekit writes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from casekit.authoring import emit
from casekit.authoring.edits import Ref, _colon, _index, _insert, _position, _sort_key, _suggest, remove_item, splice
from casekit.authoring.facts import SORTED_BY, TOP_ORDER, item_type, key_order
from casekit.authoring.fields import parse_fields
from casekit.authoring.layout import Block, Layout, LayoutError, mapping_get, scalar_value
from casekit.errors import UsageError
from casekit.model import SECTIONS, Case
from casekit.pyyaml import yaml

# The case's own fields `casekit set` changes (its id and format version are the file's identity).
CASE_FIELDS = ("company", "title", "as_of", "summary", "tags", "categories")


def parse_changes(ref: Ref | None, args: Sequence[str], unset: Sequence[str]) -> tuple[dict[str, Any], list[str]]:
    """The values to set and the keys to remove that `args` (KEY=VALUE, as `add` reads them) and
    `unset` (keys) describe for item `ref` (None: the case's own fields)."""
    tp = Case if ref is None else item_type(ref.section)
    noun = "the case" if ref is None else f"a {ref.section} item"
    for arg in args:
        key, sep, value = arg.partition("=")
        if sep and not key.endswith(":") and not value.strip() and key.strip():
            raise UsageError(f"`{arg}` gives {key.strip()} no value", hint=f"--unset {key.strip()} removes it")
    for key in [re.split(":?=", arg, maxsplit=1)[0].strip() for arg in args if "=" in arg] + list(unset):
        _settable(ref, key, tp, noun)
    values = parse_fields(tp, args, noun)
    both = [k for k in unset if k in values]
    if both:
        raise UsageError(f"`{both[0]}` is both set and unset", hint="give one of KEY=VALUE or --unset KEY")
    return values, list(dict.fromkeys(unset))


def _settable(ref: Ref | None, key: str, tp: type, noun: str) -> None:
    from casekit.problems import did_you_mean

    known = CASE_FIELDS if ref is None else key_order(tp)
    if key == "id" and ref is not None:
        raise UsageError(
            f"{ref}: an id is changed with rename, which changes every reference to it too",
            hint=f"casekit rename {ref} NEW_ID",
        )
    if ref is None and key in SECTIONS:
        raise UsageError(f"`{key}` is a list of items", hint=f"casekit add {key} …, casekit rm REF, casekit set REF …")
    if key not in known:
        raise UsageError(f"unknown key `{key}` for {noun}", hint=did_you_mean(key, list(known)) or ", ".join(known))


def set_fields(
    text: str, ref: Ref | None, values: dict[str, Any], unset: Sequence[str] = (), path: str = "<case>"
) -> str:
    """`text` with item `ref`'s (None: the case's) keys `values` set and keys `unset` removed.
    A file whose every line ends in CRLF keeps CRLF on the lines written; a byte order mark stays."""
    if text.startswith("\ufeff"):  # the parser's marks count from after it
        return "\ufeff" + set_fields(text[1:], ref, values, unset, path)
    if "\r\n" in text and text.count("\n") == text.count("\r\n"):
        return set_fields(text.replace("\r\n", "\n"), ref, values, unset, path).replace("\n", "\r\n")
    order = list(TOP_ORDER) if ref is None else key_order(item_type(ref.section))
    for key, value in values.items():
        lay = Layout(text, path)
        children = _children(lay, ref)
        block = next((b for b in children if b.key.value == key), None)
        text = _replace(lay, block, key, value) if block else _insert_key(lay, children, order, key, value)
    for key in unset:
        lay = Layout(text, path)
        block = next((b for b in _children(lay, ref) if b.key.value == key), None)
        if block is not None:
            text = splice(lay.lines, block.lead, block.end + 1, [])
    if ref is not None and SORTED_BY.get(ref.section, ("",))[0] in values:
        text = _kept_in_order(text, ref, path)
    return text


def _kept_in_order(text: str, ref: Ref, path: str) -> str:
    """`text` with item `ref` moved where `add` would put it, when its new date (a timeline's) or
    number (a principle's) puts it out of order with the items beside it."""
    key, kind = SORTED_BY[ref.section]
    lay = Layout(text, path)
    items = lay.items(ref.section)
    i = _index(lay, ref.section, ref.id)
    assert i is not None
    keys = [_sort_key(kind, scalar_value(mapping_get(b.node, key))) for b in items]
    mine = keys[i]
    before = [k for k in keys[:i] if k is not None]
    after = [k for k in keys[i + 1 :] if k is not None]
    if mine is None or ((not before or before[-1] <= mine) and (not after or mine <= after[0])):
        return text
    lines = [line.rstrip("\n") for line in lay.lines[items[i].lead : items[i].end + 1]]
    rest = remove_item(text, ref, path)
    lay = Layout(rest, path)
    others = lay.items(ref.section)
    value = scalar_value(mapping_get(items[i].node, key))
    return _insert(lay, others, _position(lay, others, (key, kind), {key: value}), lines)


def _children(lay: Layout, ref: Ref | None) -> list[Block]:
    """The key blocks of item `ref` (of the top level for None)."""
    if ref is None:
        return lay.top
    index = _index(lay, ref.section, ref.id)
    if index is None:
        raise UsageError(f"{ref.section} has no item `{ref.id}`", hint=_suggest(lay, ref.section, ref.id))
    item = lay.items(ref.section)[index]
    if not isinstance(item.node, yaml.MappingNode) or item.node.flow_style:
        raise LayoutError(
            f"{lay.path}:{item.anchor + 1}: {ref} is written in flow style ({{…}})",
            hint=f"casekit edit {ref}",
        )
    return lay.child_blocks(item)


def _insert_key(lay: Layout, children: list[Block], order: list[str], key: str, value: Any) -> str:
    """A new key after the last key that comes before it in canonical order (else before the first)."""
    rank = {k: i for i, k in enumerate(order)}
    mine = rank.get(key, len(rank))
    before = [b for b in children if rank.get(b.key.value, len(rank)) <= mine]
    column = children[0].column if children else 0
    lines = [line + "\n" for line in emit.mapping_lines({key: value}, column)]
    if before:
        at = before[-1].end + 1
        ended = lay.lines
        if at and not ended[at - 1].endswith("\n"):
            ended = ended[: at - 1] + [ended[at - 1] + "\n"] + ended[at:]
        return splice(ended, at, at, lines)
    at = children[0].lead
    return splice(lay.lines, at, at, lines)


def _replace(lay: Layout, block: Block, key: str, value: Any) -> str:
    """`key`'s value (in `block`) replaced by `value`, in place where it stays on one line."""
    node = block.node
    new = emit.mapping_lines({key: value}, block.column)
    one_line = node.start_mark.line == block.anchor and _last_line(node) == block.anchor
    start, end = node.start_mark.index, node.end_mark.index
    # An empty value (`key:` alone) starts right after its colon: the new one needs a space before it.
    before = lay.text[:start] + (" " if lay.text[start - 1 : start] == ":" else "")
    if one_line and isinstance(node, yaml.ScalarNode) and not _block_scalar(node) and _text_or_number(value):
        shown = _styled(node, value, key)  # prose on one line stays on one line, however long
        return before + shown + lay.text[end:]
    flat_list = isinstance(value, list) and not any(isinstance(v, (dict, list)) for v in value)
    if one_line and isinstance(node, yaml.SequenceNode) and flat_list:  # a flow list stays one, however long
        return before + emit.flow_list(value) + lay.text[end:]
    if len(new) == 1 and one_line and not _block_scalar(node):  # a list for a scalar or a scalar for a list
        shown = new[0][block.column + len(key) + 1 :].lstrip()
        return before + shown + lay.text[end:]
    comments = _comments(lay, block)
    colon = _colon(lay, block)
    first = lay.lines[block.anchor][: colon + 1] + new[0][block.column + len(key) + 1 :]
    head = [c for line, c in comments if line == block.anchor]
    if head:
        first += "  " + head[0]
    inner = [c if c.startswith(" ") else " " * (block.column + 2) + c for line, c in comments if line != block.anchor]
    lines = [first, *new[1:], *inner]
    end = block.end + 1
    tail = "" if lay.lines[block.end].endswith("\n") else None
    out = [line + "\n" for line in lines]
    if tail is None:
        out[-1] = out[-1][:-1]
    return splice(lay.lines, block.anchor, end, out)


def _last_line(node: Any) -> int:
    """The line a value's text ends on (a block collection's end mark lies past what follows it)."""
    if isinstance(node, yaml.ScalarNode) or node.flow_style or not node.value:
        mark = node.end_mark
        return mark.line if mark.column or mark.line == node.start_mark.line else mark.line - 1
    last = node.value[-1]
    return _last_line(last[1] if isinstance(node, yaml.MappingNode) else last)


def _text_or_number(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _block_scalar(node: Any) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")


def _styled(node: Any, value: Any, key: str) -> str:
    """`value` written as scalar `node` was: plain stays plain where it may, quotes stay quotes,
    and quotes only the old text needed give way to the canonical form (`emit.scalar`)."""
    if isinstance(value, int):
        return str(value)
    new = str(value)
    if not emit.plain_ok(new):
        return emit.quoted(new) if node.style != "'" or "'" in new or "\\" in new else f"'{new}'"
    if not node.style:
        return new
    if not emit.plain_ok(node.value):  # quoted because it had to be
        return emit.scalar(new, key=key)
    return f"'{new}'" if node.style == "'" else emit.quoted(new)


def _comments(lay: Layout, block: Block) -> list[tuple[int, str]]:
    """The comments on lines `block.anchor`..`block.end` as (line, text): a whole-line comment with
    its indentation, a comment beside a value from its `#`."""
    spans = []
    _scalar_spans(block.key, spans, lay.text)
    _scalar_spans(block.node, spans, lay.text)
    found = []
    for n in range(block.anchor, block.end + 1):
        line = lay.lines[n].rstrip("\n")
        start = lay.offset(n)
        for i, ch in enumerate(line):
            if ch != "#" or (i and line[i - 1] not in " \t"):
                continue
            if any(a <= start + i < b for a, b in spans):
                continue
            found.append((n, line if not line[:i].strip() else line[i:]))
            break
    return found


def _scalar_spans(node: Any, spans: list[tuple[int, int]], text: str) -> None:
    if isinstance(node, yaml.ScalarNode):
        start = node.start_mark.index
        if node.style in ("|", ">"):  # a comment may follow the header (`>-  # …`)
            start = max(start, text.find("\n", start))
        spans.append((start, node.end_mark.index))
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _scalar_spans(child, spans, text)
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            _scalar_spans(k, spans, text)
            _scalar_spans(v, spans, text)
