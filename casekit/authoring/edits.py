"""Adding, removing and renaming items in a case file's text, touching nothing else.

Each function takes the text and returns the new text. Adding and then
removing an item gives back the original text, as does renaming A to B and
back: every insertion has an exact inverse.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from casekit.authoring import emit
from casekit.authoring.facts import ENTRY_LISTS, REQUIRED_SECTIONS, SORTED_BY, TOP_ORDER, key_order, references_to
from casekit.authoring.layout import Block, Layout, LayoutError, mapping_get, scalar_value
from casekit.errors import UsageError
from casekit.model import SECTIONS
from casekit.pyyaml import yaml


@dataclass(frozen=True, slots=True)
class Ref:
    """An item named on the command line: `SECTION/ID`, or an id found in one section."""

    section: str
    id: str

    def __str__(self) -> str:
        return f"{self.section}/{self.id}"


def splice(lines: list[str], start: int, stop: int, new: list[str]) -> str:
    """The text of `lines` with lines `start` to `stop` (exclusive) replaced by `new`."""
    return "".join(lines[:start]) + "".join(new) + "".join(lines[stop:])


def _blank_lines(n: int) -> list[str]:
    return ["\n"] * n


def _separator(lay: Layout, blocks: list[Block]) -> int:
    """Blank lines between the items of a list (0 or 1), as the list (or else the file) has them."""
    for candidates in [blocks] + [lay.items(name) for name in SECTIONS]:
        if len(candidates) >= 2:
            gap = range(candidates[0].end + 1, candidates[1].lead)
            return 1 if any(lay.blank(n) for n in gap) else 0
    return 0


def _dash_column(lay: Layout, parent_column: int) -> int:
    for name in SECTIONS:
        items = lay.items(name)
        if items:
            return parent_column + items[0].column - lay.section(name).column
    return parent_column + 2


# --- finding items -------------------------------------------------------------------------


def find_ref(lay: Layout, spec: str) -> Ref:
    """The item `spec` names (`SECTION/ID` or `ID`); a `UsageError` when it names none or several."""
    section, _, item_id = spec.rpartition("/")
    if section:
        if section not in SECTIONS:
            from casekit.problems import did_you_mean

            raise UsageError(f"no section `{section}`", hint=did_you_mean(section, list(SECTIONS)))
        if _index(lay, section, item_id) is None:
            raise UsageError(f"{section} has no item `{item_id}`", hint=_suggest(lay, section, item_id))
        return Ref(section, item_id)
    found = [name for name in SECTIONS if _index(lay, name, item_id) is not None]
    if not found:
        from casekit.problems import likely_meant, meant_hint

        every = {f"{name}/{i}": i for name in SECTIONS if lay.section(name) for i in item_ids(lay, name) if i}
        meant = likely_meant(item_id, list(every), names=every, limit=3)
        raise UsageError(
            f"no item has the id `{item_id}`",
            hint=meant_hint(meant) or "casekit search WORDS shows the REF of each item it finds",
        )
    if len(found) > 1:
        raise UsageError(
            f"`{item_id}` is an id in {' and '.join(found)}",
            hint="say which: " + ", ".join(f"{name}/{item_id}" for name in found),
        )
    return Ref(found[0], item_id)


def _suggest(lay: Layout, section: str, item_id: str) -> str | None:
    from casekit.problems import did_you_mean

    return did_you_mean(item_id, [i for i in item_ids(lay, section) if i])


def item_ids(lay: Layout, section: str) -> list[str | None]:
    """The ids of a section's items, in file order (None where an item has no plain id)."""
    return [scalar_value(mapping_get(b.node, "id")) for b in lay.items(section)]


def _index(lay: Layout, section: str, item_id: str) -> int | None:
    ids = item_ids(lay, section)
    return ids.index(item_id) if item_id in ids else None


# --- adding ----------------------------------------------------------------------------------


def _sort_key(kind: str, value: Any) -> Any:
    from casekit.dates import DateError, PartialDate

    if value is None:
        return None
    if kind == "number":
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    try:
        return PartialDate.parse(value).sort_key()
    except (DateError, TypeError):
        return None


def _position(lay: Layout, blocks: list[Block], rule: tuple[str, str] | None, item: dict) -> int:
    """Where a new item goes among `blocks`: after the last that sorts no later, else at the end."""
    if rule is None:
        return len(blocks)
    key, kind = rule
    new = _sort_key(kind, item.get(key))
    if new is None:
        return len(blocks)
    position = len(blocks)
    for i, block in enumerate(blocks):
        old = _sort_key(kind, scalar_value(mapping_get(block.node, key)))
        if old is not None and old > new:
            position = i
            break
    return position


def add_item(text: str, section: str, item: dict[str, Any], path: str = "<case>") -> str:
    """`text` with `item` added to list `section`, where a reader expects it."""
    lay = Layout(text, path)
    block = lay.section(section)
    if block is None:
        return _add_section(lay, section, item)
    items = lay.item_blocks(block)
    if not items:
        return _fill_empty(lay, block, item)
    lines = emit.item_lines(item, items[0].column)
    return _insert(lay, items, _position(lay, items, SORTED_BY.get(section), item), lines)


def add_entry(text: str, section: str, item_id: str, entry: dict[str, Any], path: str = "<case>") -> str:
    """`text` with `entry` added to the entries (observations, roles) of item `section/item_id`."""
    lay = Layout(text, path)
    index = _index(lay, section, item_id)
    if index is None:
        raise UsageError(f"{section} has no item `{item_id}`", hint=_suggest(lay, section, item_id))
    key = ENTRY_LISTS[section][0]
    parent = lay.items(section)[index]
    if not isinstance(parent.node, yaml.MappingNode) or parent.node.flow_style:
        raise LayoutError(f"{path}:{parent.anchor + 1}: {section}/{item_id} is written in flow style ({{…}})")
    child = next((b for b in lay.child_blocks(parent) if b.key.value == key), None)
    if child is None:  # no entries yet: the key goes where fmt puts it (before sources, confidence, note)
        blocks = lay.child_blocks(parent)
        lines = emit.mapping_lines({key: [entry]}, blocks[0].column)
        order = key_order(SECTIONS[section])
        after = [b for b in blocks if b.key.value in order and order.index(b.key.value) > order.index(key)]
        at = after[0].lead if after else parent.end + 1
        return splice(_ended(lay.lines, at), at, at, emit.text_of(lines).splitlines(True))
    entries = lay.item_blocks(child)
    if not entries:
        return _fill_empty(lay, child, entry)
    lines = emit.item_lines(entry, entries[0].column)
    rule = ("date", "date") if section == "metrics" else None
    return _insert(lay, entries, _position(lay, entries, rule, entry), lines, separator=0)


def _insert(lay: Layout, blocks: list[Block], position: int, lines: list[str], separator: int | None = None) -> str:
    gap = _blank_lines(_separator(lay, blocks) if separator is None else separator)
    new = [line + "\n" for line in lines]
    if position < len(blocks):
        at = blocks[position].lead
        return splice(lay.lines, at, at, new + gap)
    at = blocks[-1].end + 1
    return splice(_ended(lay.lines, at), at, at, gap + new)


def _ended(lines: list[str], at: int) -> list[str]:
    """`lines` with the one before `at` ending in a line break."""
    if at and not lines[at - 1].endswith("\n"):
        lines = lines[: at - 1] + [lines[at - 1] + "\n"] + lines[at:]
    return lines


def _fill_empty(lay: Layout, block: Block, item: dict) -> str:
    """Turn `key: []` into a block list holding `item` (`_remove_block` turns it back)."""
    node = block.node
    line = lay.lines[block.anchor]
    colon = _colon(lay, block)
    if node.start_mark.line != block.anchor or line[colon + 1 : node.start_mark.column].strip():
        raise LayoutError(f"{lay.path}:{block.anchor + 1}: casekit cannot place an item after `{block.key.value}`")
    rest = line[node.end_mark.column :]
    head = line[: colon + 1] + (rest if rest.strip() else "\n")
    new = [x + "\n" for x in emit.item_lines(item, _dash_column(lay, block.column))]
    return splice(_ended(lay.lines, block.anchor + 1), block.anchor, block.anchor + 1, [head] + new)


def _colon(lay: Layout, block: Block) -> int:
    """The column of the `:` after `block`'s key."""
    line = lay.lines[block.anchor]
    colon = block.key.end_mark.column
    while colon < len(line) and line[colon] != ":":
        colon += 1
    return colon


def _add_section(lay: Layout, section: str, item: dict) -> str:
    """Add list `section`, holding `item`, where SPEC order puts it."""
    lines = [f"{section}:\n"] + [x + "\n" for x in emit.item_lines(item, _dash_column(lay, 0))]
    later = TOP_ORDER[TOP_ORDER.index(section) + 1 :]
    following = next((b for b in lay.top if b.key.value in later), None)
    if following is not None:
        gap = 1 if following.lead > 0 and lay.blank(following.lead - 1) else 0
        return splice(lay.lines, following.lead, following.lead, lines + _blank_lines(gap))
    last = lay.top[-1]
    gap = 1 if last.lead > 0 and lay.blank(last.lead - 1) else 0
    at = last.end + 1
    return splice(_ended(lay.lines, at), at, at, _blank_lines(gap) + lines)


# --- removing ---------------------------------------------------------------------------------


def remove_item(text: str, ref: Ref, path: str = "<case>") -> str:
    """`text` without item `ref` (its comments go with it); what refers to it is left alone."""
    lay = Layout(text, path)
    index = _index(lay, ref.section, ref.id)
    if index is None:
        raise UsageError(f"{ref.section} has no item `{ref.id}`")
    section = lay.section(ref.section)
    assert section is not None
    return _remove_block(lay, section, lay.item_blocks(section), index, optional=ref.section not in REQUIRED_SECTIONS)


def _remove_block(lay: Layout, section: Block, blocks: list[Block], index: int, optional: bool) -> str:
    if len(blocks) > 1:
        if index < len(blocks) - 1:
            return splice(lay.lines, blocks[index].lead, blocks[index + 1].lead, [])
        return splice(lay.lines, blocks[index - 1].end + 1, blocks[index].end + 1, [])
    only = blocks[0]
    bare = (
        section.lead == section.anchor
        and only.lead == section.anchor + 1
        and only.end == section.end
        and "#" not in lay.lines[section.anchor]
    )
    if optional and bare and len(lay.top) > 1:
        top = lay.top
        i = next(k for k, b in enumerate(top) if b is section)
        if i < len(top) - 1:
            return splice(lay.lines, section.lead, top[i + 1].lead, [])
        return splice(lay.lines, top[i - 1].end + 1, section.end + 1, [])
    line = lay.lines[section.anchor]
    colon = _colon(lay, section)
    head = line[: colon + 1] + " []" + (line[colon + 1 :] if line[colon + 1 :].strip() else "\n")
    return splice(lay.lines, section.anchor, only.end + 1, [head])


# --- references ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mention:
    """A scalar naming an id: where it is (section, item index, field) and its node."""

    section: str
    item: str | None
    field: str
    node: Any
    in_flow: bool  # inside a flow collection
    container: Any  # the list node holding it, or None for a single value


def mentions(lay: Layout, ref: Ref) -> Iterator[Mention]:
    """Every scalar elsewhere in the case that names item `ref`."""
    fields = references_to(ref.section)
    for section, field_name in fields:
        for block in lay.items(section) if lay.section(section) else []:
            item_id = scalar_value(mapping_get(block.node, "id"))
            yield from _named(block.node, section, item_id, field_name, ref.id)
            if field_name == "sources" and section == "metrics":
                for entries in [mapping_get(block.node, "observations")]:
                    for entry in entries.value if isinstance(entries, yaml.SequenceNode) else []:
                        yield from _named(entry, section, item_id, "observations.sources", ref.id)
    for block in lay.items("flywheel") if lay.section("flywheel") else []:
        item_id = scalar_value(mapping_get(block.node, "id"))
        for end in ("from", "to"):
            yield from _named(block.node, "flywheel", item_id, end, ref.id)


def _named(node: Any, section: str, item_id: str | None, field_name: str, target: str) -> Iterator[Mention]:
    value = mapping_get(node, field_name.rpartition(".")[2])
    flow = bool(getattr(node, "flow_style", False))
    if isinstance(value, yaml.ScalarNode) and value.value == target:
        yield Mention(section, item_id, field_name, value, flow, None)
    elif isinstance(value, yaml.SequenceNode):
        for element in value.value:
            if isinstance(element, yaml.ScalarNode) and element.value == target:
                yield Mention(section, item_id, field_name, element, flow or bool(value.flow_style), value)


def referrers(text: str, ref: Ref, path: str = "<case>") -> list[Mention]:
    """What refers to item `ref`."""
    return list(mentions(Layout(text, path), ref))


def rename_item(text: str, ref: Ref, new_id: str, path: str = "<case>") -> str:
    """`text` with item `ref` called `new_id`, and every reference to it too."""
    from casekit.checks import is_slug, slug_hint

    if not is_slug(new_id):
        raise UsageError(f"`{new_id}` is not a valid id", hint=slug_hint(new_id))
    lay = Layout(text, path)
    index = _index(lay, ref.section, ref.id)
    if index is None:
        raise UsageError(f"{ref.section} has no item `{ref.id}`", hint=_suggest(lay, ref.section, ref.id))
    if new_id != ref.id and _index(lay, ref.section, new_id) is not None:
        raise UsageError(f"{ref.section} already has an item `{new_id}`")
    nodes = {scalar_value(mapping_get(b.node, end)) for b in lay.items("flywheel") for end in ("from", "to")}
    if new_id in nodes:
        raise UsageError(
            f"`{new_id}` is already a flywheel node; renaming `{ref.id}` to it would make its references ambiguous",
            hint="pick another id",
        )
    block = lay.items(ref.section)[index]
    own = mapping_get(block.node, "id")
    targets = [(own, bool(block.node.flow_style))] + [(m.node, m.in_flow) for m in mentions(lay, ref)]
    out, last = [], 0
    for node, flow in sorted(targets, key=lambda t: t[0].start_mark.index):
        start, end = node.start_mark.index, node.end_mark.index
        out += [text[last:start], restyled(node, new_id, flow)]
        last = end
    return "".join(out) + text[last:]


def restyled(node: Any, new: str, flow: bool) -> str:
    """`new` written as scalar `node` was: plain stays plain when it may, quotes stay quotes, and
    quotes that only kept the old text from reading as a number go."""
    if not emit.plain_ok(new, flow):
        return emit.quoted(new) if node.style != "'" or "'" in new or "\\" in new else f"'{new}'"
    if not node.style:  # plain (the C parser says "", the Python one None)
        return new
    if not emit.plain_ok(node.value, flow):  # quoted because it had to be
        return new
    return f"'{new}'" if node.style == "'" else emit.quoted(new)


def drop_mentions(text: str, found: list[Mention], path: str = "<case>") -> str:
    """`text` without the references `found` (list elements go; an optional single key goes)."""
    lay = Layout(text, path)
    cuts: list[tuple[int, int]] = []
    for mention in found:
        if mention.field in ("speaker", "from", "to"):
            continue  # required and free text too: the name stays as written
        if mention.container is None:
            cuts.append(_key_span(lay, mention))
        else:
            cuts.append(_element_span(lay, mention))
    out, last = [], 0
    for start, end in sorted(set(cuts)):
        if start < last:
            continue
        out.append(text[last:start])
        last = end
    return "".join(out) + text[last:]


def _element_span(lay: Layout, mention: Mention) -> tuple[int, int]:
    """The characters to cut to take one element out of its list."""
    seq = mention.container
    elements = seq.value
    k = next(i for i, e in enumerate(elements) if e is mention.node)
    text = lay.text
    if seq.flow_style:
        if len(elements) == 1:
            return mention.node.start_mark.index, mention.node.end_mark.index
        if k < len(elements) - 1:
            return elements[k].start_mark.index, elements[k + 1].start_mark.index
        return elements[k - 1].end_mark.index, elements[k].end_mark.index
    starts = [line + 0 for line in (e.start_mark.line for e in elements)]
    line = starts[k]
    begin = lay.offset(line)
    stop = lay.offset(line + 1)
    if len(elements) == 1:
        raise LayoutError(f"{lay.path}:{line + 1}: the last element of a block list: remove it by hand")
    return begin, min(stop, len(text))


def _key_span(lay: Layout, mention: Mention) -> tuple[int, int]:
    """The characters to cut to take a `key: id` line out of its item."""
    line = mention.node.start_mark.line
    text = lay.line_text = lay.lines[line]
    if text.lstrip().startswith("-") or "{" in text:
        raise LayoutError(f"{lay.path}:{line + 1}: `{mention.field}` shares its line; remove it by hand")
    return lay.offset(line), lay.offset(line + 1)
