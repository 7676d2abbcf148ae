"""The model: the case format as msgspec structs."""

from __future__ import annotations

import inspect

import msgspec

from casekit import model


def test_field_types_are_types_not_strings():
    # String annotations are evaluated on first use by msgspec and by the loader,
    # which costs an uncached load more than evaluating them at import does.
    structs = [
        c
        for _, c in inspect.getmembers(model, inspect.isclass)
        if issubclass(c, msgspec.Struct) and c.__module__ == model.__name__
    ]
    assert model.Case in structs and len(structs) > 10
    for struct in structs:
        written = dict(vars(struct).get("__annotations__", {}).items())
        assert not [name for name, tp in written.items() if isinstance(tp, str)], struct.__name__
