"""`casekit fmt`: a case file in its canonical layout, comments kept.

The layout: the top-level keys in SPEC order, a blank line before each list
section and none among the header's keys; list items with their `-` two
columns in, each item's keys in SPEC order, the timeline by date and the
principles by number (others as written), items in a list separated as most
of them already are; double quotes where a scalar needs quoting; an entry
(a metric observation, a role) as a one-line flow mapping where it fits in
120 columns, any flow mapping that does not fit as a block. Prose is left as
written. Formatting twice changes nothing more.

It works in passes over the text, each re-reading what the last wrote:
scalars and flow mappings are rewritten in place by their spans, then
blocks of lines (each with the comments that belong to it) are put in order.
"""

from __future__ import annotations

from typing import Any

from casekit.authoring import emit
from casekit.authoring.facts import ENTRY_LISTS, SORTED_BY, TOP_ORDER, item_type, key_order
from casekit.authoring.layout import Block, Layout, mapping_get, scalar_value
from casekit.model import SECTIONS
from casekit.pyyaml import yaml

DASH = 2  # the column of a list section's dashes


def format_text(text: str, path: str = "<case>") -> str:
    """`text` in canonical layout; a `LayoutError` (and nothing changed) when it cannot be read."""
    for _ in range(4):  # a rewrite inside a rewritten span waits for the next round
        done = _rewrite_spans(text, path)
        if done == text:
            break
        text = done
    return _reorder(text, path)


# --- pass 1: scalars and flow mappings, by their spans ---------------------------------------------


def _rewrite_spans(text: str, path: str) -> str:
    lay = Layout(text, path)
    edits: list[tuple[int, int, str]] = []
    for block in lay.top:
        name = block.key.value
        if name in SECTIONS and isinstance(block.node, yaml.SequenceNode):
            for item in block.node.value:
                _item_spans(lay, name, item, edits)
    _requote(lay.root, edits)
    return _apply(text, edits)


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    out, last = [], 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], -e[1])):
        if start < last:
            continue  # inside a span already rewritten
        out += [text[last:start], new]
        last = end
    return "".join(out) + text[last:]


def _requote(node: Any, edits: list) -> None:
    """Single-quoted one-line scalars become double-quoted."""
    if isinstance(node, yaml.ScalarNode):
        if node.style == "'" and node.start_mark.line == node.end_mark.line:
            edits.append((node.start_mark.index, node.end_mark.index, emit.quoted(node.value)))
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _requote(child, edits)
    elif isinstance(node, yaml.MappingNode):
        for _key, value in node.value:
            _requote(value, edits)


def _pairs(lay: Layout, node: Any, order: list[str]) -> list[str] | None:
    """The `key: value` texts of a mapping in canonical order, or None when it holds what a
    one-line rewrite would lose (a comment, a block scalar, a line break inside a value)."""
    spans = []
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.style:
            return None
        if isinstance(value, yaml.MappingNode) or (isinstance(value, yaml.ScalarNode) and value.style in ("|", ">")):
            return None
        if isinstance(value, yaml.SequenceNode) and (
            not value.flow_style or any(not isinstance(v, yaml.ScalarNode) for v in value.value)
        ):
            return None
        if value.start_mark.line != value.end_mark.line or key.start_mark.line != value.end_mark.line:
            return None
        spans.append((key.value, key.start_mark.index, value.end_mark.index))
    rest = lay.text[node.start_mark.index : _span_end(node)]
    for _, start, end in sorted(spans, key=lambda s: s[1], reverse=True):
        rest = rest[: start - node.start_mark.index] + rest[end - node.start_mark.index :]
    if "#" in rest:
        return None
    rank = {k: i for i, k in enumerate(order)}
    spans.sort(key=lambda s: rank.get(s[0], len(rank)))
    return [lay.text[start:end] for _, start, end in spans]


def _span_end(node: Any) -> int:
    """Where a mapping's text ends: a block mapping's end mark lies past the comments after it."""
    if node.flow_style or not node.value:
        return node.end_mark.index
    return node.value[-1][1].end_mark.index


def _item_spans(lay: Layout, section: str, item: Any, edits: list) -> None:
    """Rewrite a section item written as a flow mapping, and its entries (observations, roles)."""
    if not isinstance(item, yaml.MappingNode):
        return
    if item.flow_style:
        _flow_or_block(lay, item, key_order(item_type(section)), entry=False, edits=edits)
        return
    if section in ENTRY_LISTS:
        key, _ = ENTRY_LISTS[section]
        entries = mapping_get(item, key)
        if isinstance(entries, yaml.SequenceNode) and not entries.flow_style:
            order = key_order(item_type(section, entry=True))
            for entry in entries.value:
                if isinstance(entry, yaml.MappingNode):
                    _flow_or_block(lay, entry, order, entry=True, edits=edits)


def _flow_or_block(lay: Layout, node: Any, order: list[str], *, entry: bool, edits: list) -> None:
    """A mapping as a one-line flow mapping where it fits (entries only), else as a block."""
    pairs = _pairs(lay, node, order)
    if pairs is None:
        return
    dash_line = lay.lines[node.start_mark.line]
    column = node.start_mark.column
    one_line = "{" + ", ".join(pairs) + "}"
    fits = column + len(one_line) <= emit.WIDTH
    start, end = node.start_mark.index, _span_end(node)
    if not pairs:
        return
    if node.flow_style:
        if fits:
            edits.append((start, end, one_line))
        elif dash_line[:column].rstrip().endswith("-"):
            edits.append((start, end, ("\n" + " " * column).join(pairs)))
    elif entry and fits and dash_line[:column].strip() == "-":
        line_end = lay.text.find("\n", end)
        tail = lay.text[end : len(lay.text) if line_end == -1 else line_end]
        if not tail.strip():
            edits.append((start, end, one_line))


# --- pass 2: blocks of lines, in order ----------------------------------------------------------


def _chunk(lay: Layout, blocks: list[Block], i: int) -> list[str]:
    """Block `i`'s lines, up to the next block's first (the last: to its own last), without trailing blanks."""
    stop = blocks[i + 1].lead if i + 1 < len(blocks) else blocks[i].end + 1
    lines = lay.lines[blocks[i].lead : stop]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if lines and not lines[-1].endswith("\n"):
        lines = lines[:-1] + [lines[-1] + "\n"]
    return lines


def _reorder(text: str, path: str) -> str:
    lay = Layout(text, path)
    top = lay.top
    rank = {name: i for i, name in enumerate(TOP_ORDER)}
    order = sorted(range(len(top)), key=lambda i: rank.get(top[i].key.value, len(rank)))
    out = lay.lines[: top[0].lead]
    for n, i in enumerate(order):
        block = top[i]
        name = block.key.value
        chunk = _chunk(lay, top, i) if i + 1 < len(top) else _last_chunk(lay, block)
        if name in SECTIONS and isinstance(block.node, yaml.SequenceNode) and block.node.value:
            chunk = _section_chunk(lay, block, chunk)
        if n and name in SECTIONS:
            out.append("\n")
        out += chunk
    return "".join(out)


def _last_chunk(lay: Layout, block: Block) -> list[str]:
    lines = lay.lines[block.lead :]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if lines and not lines[-1].endswith("\n"):
        lines = lines[:-1] + [lines[-1] + "\n"]
    return lines


def _section_chunk(lay: Layout, block: Block, chunk: list[str]) -> list[str]:
    """A list section's lines: its key line, its items in order and indented, then its trailing comments."""
    if block.node.flow_style:
        return chunk
    items = lay.item_blocks(block)
    head = lay.lines[block.lead : items[0].lead]
    body_len = items[-1].end + 1 - block.lead
    tail = chunk[body_len:] if body_len < len(chunk) else []
    while tail and not tail[0].strip():
        tail = tail[1:]
    gaps = [any(lay.blank(n) for n in range(a.end + 1, b.lead)) for a, b in zip(items, items[1:])]
    blank = sum(gaps) * 2 >= len(gaps) and bool(gaps)
    chunks = [_item_chunk(lay, block.key.value, items, i) for i in range(len(items))]
    order = _sorted(block.key.value, items)
    body: list[str] = []
    for n, i in enumerate(order):
        if n and blank:
            body.append("\n")
        body += chunks[i]
    return head + body + tail


def _sorted(section: str, items: list[Block]) -> list[int]:
    from casekit.authoring.edits import _sort_key

    rule = SORTED_BY.get(section)
    if rule is None:
        return list(range(len(items)))
    key, kind = rule
    keys = [_sort_key(kind, scalar_value(mapping_get(b.node, key))) for b in items]
    return sorted(range(len(items)), key=lambda i: (0, keys[i]) if keys[i] is not None else (1,))


def _item_chunk(lay: Layout, section: str, items: list[Block], i: int) -> list[str]:
    block = items[i]
    lines = _chunk(lay, items, i)
    if isinstance(block.node, yaml.MappingNode) and not block.node.flow_style:
        lines = _keys_in_order(lay, block, lines, key_order(item_type(section)))
    return _shift(lines, DASH - block.column)


def _keys_in_order(lay: Layout, item: Block, lines: list[str], order: list[str]) -> list[str]:
    """An item's lines with its keys in `order` (each key with its comments and value)."""
    keys = lay.blocks(item.node, item.end + 1, floor=item.anchor)
    names = [k.key.value for k in keys]
    rank = {k: i for i, k in enumerate(order)}
    wanted = sorted(range(len(keys)), key=lambda k: rank.get(names[k], len(rank)))
    if wanted == list(range(len(keys))) or keys[0].anchor != item.anchor:
        return lines
    base = item.lead
    lead = lines[: item.anchor - base]
    pieces = []
    for k in range(len(keys)):
        start = keys[k].lead - base
        stop = (keys[k + 1].lead if k + 1 < len(keys) else len(lines) + base) - base
        piece = lines[start:stop]
        if k == 0:  # the dash line: its key written as the others are
            first = piece[0]
            piece = [first[: item.column] + " " + first[item.column + 1 :]] + piece[1:]
        if k + 1 < len(keys):
            while piece and not piece[-1].strip():
                piece = piece[:-1]
        pieces.append(piece)
    out = list(lead)
    for n, k in enumerate(wanted):
        piece = pieces[k]
        if n == 0:
            at = next(j for j, line in enumerate(piece) if not line.lstrip().startswith("#"))
            out += piece[:at]
            line = piece[at]
            piece = piece[at + 1 :]
            out.append(line[: item.column] + "-" + line[item.column + 1 :])
        out += piece
    return out


def _shift(lines: list[str], delta: int) -> list[str]:
    """`lines` indented `delta` columns more (or less, as far as each line's indentation allows)."""
    if delta == 0:
        return lines
    if delta > 0:
        return [(" " * delta + line) if line.strip() else line for line in lines]
    out = []
    for line in lines:
        spaces = len(line) - len(line.lstrip(" "))
        out.append(line[min(spaces, -delta) :])
    return out


def facts(case: Any) -> Any:
    """What a case says, as `casekit export -f json` writes it, each list section in id order
    (the order of items in a file is layout, as `casekit diff` has it)."""
    import json

    from casekit.records import case_record
    from casekit.render.machine import write

    data = json.loads(write(case_record(case), "json"))
    for value in data.values():
        if isinstance(value, list) and all(isinstance(v, dict) and "id" in v for v in value):
            value.sort(key=lambda v: str(v["id"]))
    for source in data.get("sources", ()):
        source["cited_by"] = sorted(source.get("cited_by", ()))  # the citing items, in file order
    return data


def check_same_facts(before: str, after: str, path: str) -> None:
    """Raise when formatting changed what the case says or what `validate` finds in it: a guard,
    so that a file casekit cannot format faithfully is left alone."""
    from casekit.errors import CasekitError
    from casekit.loader import check_bytes

    old_case, old_problems = check_bytes(before.encode("utf-8"), path)
    new_case, new_problems = check_bytes(after.encode("utf-8"), path)
    codes = sorted(p.code for p in old_problems if p.severity == "error")
    same = codes == sorted(p.code for p in new_problems if p.severity == "error")
    if same and old_case is not None:
        same = new_case is not None and facts(old_case) == facts(new_case)
    if not same:
        raise CasekitError(
            f"{path}: casekit cannot format this file without changing what it says; left as it was",
            hint="this is a bug in casekit fmt; please report it with the file",
        )
