"""Record classes written out by hand, for the ones every command makes.

`dataclasses` writes each class's methods as source and compiles them when the
module is imported: about half a millisecond a class, paid on every run. A
`Plain` subclass lists its `_fields` and writes its own `__init__`; equality
and repr follow from the list, as a dataclass's would.
"""

from __future__ import annotations

from typing import Any, ClassVar


class Plain:
    """Equality over `_fields` (same class only), a repr naming them, unhashable (as a dataclass with `eq`)."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    _hidden: ClassVar[frozenset[str]] = frozenset()  # left out of the repr

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._fields)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields if name not in self._hidden)
        return f"{type(self).__qualname__}({shown})"

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)
