"""Where things lie in a case file's text: each section, item and key as a block of lines.

A block is what moves or goes together: the comment lines directly above it
(no blank line between) when they sit no deeper than its key or dash, its
own lines, and (for all but the last block of a list) the blank lines and
deeper comments that follow it. Comments after an item's content, indented
as its keys are, belong to that item; comments written at the level of the
next item's dash belong to the next item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from casekit.errors import CasekitError
from casekit.pyyaml import yaml

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML without libyaml
    _Loader = yaml.SafeLoader


class LayoutError(CasekitError):
    """A case file casekit cannot edit in place (a syntax error, an unusual layout)."""


@dataclass(slots=True)
class Block:
    """One entry of a block collection: its lines are `lead` to `end` inclusive, its key or dash on `anchor`."""

    lead: int
    anchor: int
    end: int
    column: int  # of the key or the dash
    key: Any  # the key node (None for a sequence item)
    node: Any  # the value node (for an item, the item itself)


def line_starts(text: str) -> list[int]:
    """The offset of the start of each line of `text` (and one past the end)."""
    starts = [0]
    index = text.find("\n")
    while index != -1:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    if starts[-1] != len(text):
        starts.append(len(text))
    return starts


class Layout:
    """A case file's text, parsed, with the blocks of its top level and of its list sections."""

    def __init__(self, text: str, path: str = "<case>") -> None:
        self.text = text
        self.path = path
        self.lines = text.splitlines(keepends=True)
        try:
            self.root = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
            raise LayoutError(
                f"{where}: YAML syntax error: {exc.problem}", hint=f"casekit validate {path} shows it in context"
            ) from None
        except yaml.YAMLError as exc:
            raise LayoutError(f"{path}: YAML error: {exc}") from None
        if not isinstance(self.root, yaml.MappingNode) or self.root.flow_style or self.root.start_mark.column != 0:
            raise LayoutError(
                f"{path}: the top level is not a block mapping starting at the first column",
                hint="casekit edits files laid out as `casekit new` writes them",
            )
        self.top = self.blocks(self.root, len(self.lines), floor=0)

    # --- lines -------------------------------------------------------------------------------

    def blank(self, n: int) -> bool:
        """True when line `n` holds only whitespace."""
        return not self.lines[n].strip()

    def comment(self, n: int) -> bool:
        """True when line `n` holds only a comment."""
        return self.lines[n].lstrip().startswith("#")

    def indent(self, n: int) -> int:
        """The indentation of line `n`."""
        line = self.lines[n]
        return len(line) - len(line.lstrip(" "))

    # --- blocks ------------------------------------------------------------------------------

    def blocks(self, node: Any, stop: int, floor: int) -> list[Block]:
        """The blocks of a block mapping or sequence `node` whose lines end before `stop`; `floor` is the
        first line its first block's comments may start on."""
        if isinstance(node, yaml.MappingNode):
            entries = [(k.start_mark.line, k.start_mark.column, k, v) for k, v in node.value]
        else:
            entries = [(self._dash(item), item) for item in node.value]
            entries = [(line, column, None, item) for (line, column), item in entries]
        blocks: list[Block] = []
        for anchor, column, key, value in entries:
            lead = anchor
            bound = blocks[-1].anchor + 1 if blocks else floor
            while lead - 1 >= bound and self.comment(lead - 1) and self.indent(lead - 1) <= column:
                lead -= 1
            blocks.append(Block(lead, anchor, anchor, column, key, value))
        for i, block in enumerate(blocks):
            limit = blocks[i + 1].lead if i + 1 < len(blocks) else stop
            end = block.anchor
            for n in range(block.anchor + 1, limit):
                if not self.blank(n) and not (self.comment(n) and self.indent(n) <= block.column):
                    end = n
            block.end = end
        return blocks

    def _dash(self, item: Any) -> tuple[int, int]:
        """The line and column of the `-` that starts a block sequence item."""
        index = item.start_mark.index - 1
        while index >= 0 and self.text[index] in " \t":
            index -= 1
        if index < 0 or self.text[index] != "-":
            raise LayoutError(f"{self.path}:{item.start_mark.line + 1}: an item casekit cannot place (not after `- `)")
        line = self.text.count("\n", 0, index)
        column = index - (self.text.rfind("\n", 0, index) + 1)
        return line, column

    def section(self, name: str) -> Block | None:
        """The top-level block of key `name`, or None."""
        return next((b for b in self.top if b.key.value == name), None)

    def items(self, name: str) -> list[Block]:
        """The blocks of the items of list section `name` (none when it is absent or `[]`)."""
        block = self.section(name)
        if block is None:
            return []
        return self.item_blocks(block)

    def item_blocks(self, block: Block) -> list[Block]:
        """The blocks of the items of the sequence `block` holds."""
        node = block.node
        if not isinstance(node, yaml.SequenceNode):
            raise LayoutError(f"{self.path}:{block.anchor + 1}: `{block.key.value}` is not a list")
        if node.flow_style:
            if node.value:
                raise LayoutError(
                    f"{self.path}:{block.anchor + 1}: `{block.key.value}` is written as a flow list ([…])",
                    hint="write its items one per line, each starting with `- `, or run `casekit fmt`",
                )
            return []
        return self.blocks(node, self.stop(block), floor=block.anchor + 1)

    def stop(self, block: Block) -> int:
        """The line after the last that `block` may hold (its successor's first, or the end)."""
        return block.end + 1

    def child_blocks(self, parent: Block) -> list[Block]:
        """The key blocks of a block-mapping item."""
        return self.blocks(parent.node, parent.end + 1, floor=parent.anchor)

    def offset(self, line: int) -> int:
        """The offset of the start of `line` (the end of the text past the last line)."""
        return sum(len(line_text) for line_text in self.lines[:line])


def scalar_value(node: Any) -> str | None:
    """The text of a scalar node, or None for a collection."""
    return node.value if isinstance(node, yaml.ScalarNode) else None


def mapping_get(node: Any, key: str) -> Any:
    """The value node under `key` in a mapping node, or None."""
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None
