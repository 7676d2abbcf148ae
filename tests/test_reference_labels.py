"""The views that name links read the reference fields from the registry and label every one."""

from __future__ import annotations

from casekit.browse import data
from casekit.registry import SECTIONS, references
from casekit.render import item


def test_browse_follows_every_reference_the_registry_declares_and_names_it_both_ways():
    declared = {(s, f): t for s, f, t in references(sources=False)}
    assert declared == data.REFERENCES
    for section, field in declared:
        outward, inward = data._link_name(section, field)
        assert outward and inward
    assert data._link_name("timeline", "sources") == ("source", "cited by")


def test_show_sets_every_id_reference_apart_and_labels_it_both_ways():
    for section, field, _target in references(sources=False):
        assert field in item._FROM_LABELS and field in item._TO_LABELS
        if field in SECTIONS[section].refs:
            assert field in item._SHOWN_APART
    assert "speaker" not in item._SHOWN_APART  # a name as often as an id: shown as written too
