"""The records layer: SPEC §7 shapes, dates normalised everywhere, the whole case."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit.loader import load_case
from casekit.model import SECTIONS
from casekit.records import case_record, item_record, records

ACME = Path(__file__).parent / "fixtures" / "library" / "acme.yaml"


@pytest.fixture(scope="module")
def acme():
    return load_case(ACME)


def test_every_date_of_any_item_has_its_start_and_end(acme):
    person = item_record(acme.people[0])
    assert person["roles"][0] == {"title": "CEO", "period": "2015/..", "start": "2015-01-01", "end": None}
    source = item_record(acme.sources[0])
    assert (source["date"], source["start"], source["end"]) == ("2024-03", "2024-03-01", "2024-03-31")


def test_the_whole_case_loses_no_field_and_keeps_the_listing_keys_first(acme):
    whole = case_record(acme)
    assert list(whole)[:9] == ["casekit", "id", "company", "title", "as_of", "as_of_start", "as_of_end", "summary",
                               "tags"]
    assert list(whole)[9:] == list(SECTIONS)
    event = whole["timeline"][0]
    assert list(event)[:11] == list(records("timeline", acme.timeline[:1])[0])
    assert event["people"] == ["jane"] and "note" in event
    metric = whole["metrics"][0]
    assert list(metric)[:4] == ["id", "name", "unit", "observations"]
    assert "description" in metric and "sources" in metric
    assert list(metric["observations"][0]) == ["date", "start", "end", "value", "note", "sources", "confidence"]
