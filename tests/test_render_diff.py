"""casekit.render.diff: what an added or removed item shows beneath it, and entries of lists."""

from __future__ import annotations

from casekit.changes import Change
from casekit.render.diff import content_fields, content_lines, entry_text, git_header, is_entry_change, text_diff


def added(section: str, item: dict, label: str, at: str | None = None) -> Change:
    return Change(section, item["id"], "added", None, None, item, at=at, label=label)


def test_the_head_row_s_fields_are_not_repeated_beneath_it():
    event = {
        "id": "ipo",
        "date": "2024-05",
        "title": "IPO",
        "detail": "Lists on Nasdaq.",
        "tags": [],
        "sources": ["s2"],
    }
    assert content_fields(added("timeline", event, "IPO", "2024-05")) == [
        ("detail", "Lists on Nasdaq."),
        ("sources", ["s2"]),
    ]
    principle = {"id": "p", "n": 4, "title": "Focus", "summary": "One thing.", "benefit": "Speed."}
    assert [k for k, _ in content_fields(added("principles", principle, "4. Focus"))] == ["summary", "benefit"]
    edge = {"id": "f", "from": "data", "to": "users", "description": "More data."}
    assert [k for k, _ in content_fields(added("flywheel", edge, "data → users"))] == ["description"]


def test_a_removed_item_shows_its_old_fields():
    change = Change("risks", "r", "removed", None, {"id": "r", "title": "R", "severity": "high"}, None, label="R")
    assert content_fields(change) == [("severity", "high")]


def test_lists_read_one_entry_a_line_when_entries_are_phrases_or_mappings():
    assert content_lines(["s1", "s2"]) == ["s1, s2"]
    assert content_lines(["Move fast", "Patent"]) == ["Move fast", "Patent"]
    assert content_lines([{"date": "2021", "value": "$150M", "note": "n"}, {"date": "2022", "value": "~$2B"}]) == [
        "2021  $150M",
        "2022  ~$2B",
    ]
    assert content_lines([{"title": "CEO", "period": "2016/2020"}, {"title": "Chair"}]) == ["CEO (2016/2020)", "Chair"]
    assert entry_text({"x": 1}) == "x: 1"


def test_entry_changes_are_told_from_observation_changes():
    assert is_entry_change(Change("people", "a", "added", "roles", None, {"title": "CEO"}, entry="CEO"))
    assert is_entry_change(Change("people", "a", "changed", "roles.period", "2016", "2017", entry="CEO"))
    assert not is_entry_change(Change("metrics", "m", "added", "observations", None, "$5M", at="2021"))
    assert not is_entry_change(Change("timeline", "e", "added", None, None, {"id": "e"}))


def test_the_git_header_says_what_happened_to_the_file_and_shows_names_harmlessly():
    assert git_header("a/x.yaml", "b/x.yaml").plain == "diff --casekit a/x.yaml b/x.yaml"
    assert git_header("a/x", "b/x", added=True).plain.splitlines()[1:] == ["new file"]
    assert git_header("a/x", "b/x", deleted=True, rename_lines=["ignored"]).plain.splitlines()[1:] == ["deleted file"]
    renamed = git_header("a/x", "b/y\x1b[31m", rename_lines=["rename from x", "rename to y"])
    assert renamed.plain.splitlines() == ["diff --casekit a/x b/y␛[31m", "rename from x", "rename to y"]


def test_a_text_diff_follows_the_note_saying_why():
    text = text_diff(["a", "b"], ["a", "c"], "a/x", "b/x", "x: not valid")
    assert text.plain.splitlines() == [
        "casekit: x: not valid; showing a text diff",
        "--- a/x",
        "+++ b/x",
        "@@ -1,2 +1,2 @@",
        " a",
        "-b",
        "+c",
    ]
    assert text_diff(["a"], ["a"], "a/x", "b/x", "same").plain == "casekit: same; showing a text diff"
