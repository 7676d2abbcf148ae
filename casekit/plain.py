"""Record classes written out by hand, for the ones every command makes.

`dataclasses` writes each class's methods as source and compiles them when the
module is imported: about half a millisecond a class, paid on every run. A
`Plain` subclass lists its `_fields` and writes its own `__init__`; equality
and repr follow from the list, as a dataclass's would. A `Record` is the
frozen kind: its fields are its `__slots__`, and it is hashed too.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
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


class Record:
    """A small immutable record, equal, hashed and shown by its `__slots__` as a frozen dataclass
    is; `_replace` is `dataclasses.replace`. A subclass sets its fields with `_set` in `__init__`."""

    __slots__: tuple[str, ...] = ()

    def _set(self, *values: object) -> None:
        for name, value in zip(self.__slots__, values, strict=True):
            object.__setattr__(self, name, value)

    def _fields(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def _replace(self, **changes: Any) -> Any:
        """A copy with `changes` made, as `dataclasses.replace` makes one."""
        return type(self)(**{**dict(zip(self.__slots__, self._fields())), **changes})

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self):
        return (type(self), self._fields())
